//! `voyager`, the reference CLI of libvoyager: a person at a terminal drives the same journey
//! as a Python notebook or a C program, through the same core. Every question has a flag, so
//! every command also runs unattended; `--json` prints results for scripts.

mod commands;
mod journey;
mod output;
mod prompt;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::Output;

/// Assess fleets of PostgreSQL databases for a move to YugabyteDB, and start the migration of
/// one of them.
///
/// The journey: `voyager init` creates a migration dir for a source database, `voyager
/// assess-migration` assesses it and stores the assessment in the control plane (`voyager
/// assess-fleet` does it for hundreds at once, and `voyager fleet rank` says which to migrate
/// first), and `voyager start-migration` continues from there, on this machine or another.
#[derive(Parser)]
#[command(name = "voyager", version, propagate_version = true, arg_required_else_help = true)]
struct Cli {
    /// Print the result as JSON on stdout (messages go to stderr).
    #[arg(long, global = true)]
    json: bool,

    /// How much to log on stderr: error, warn, info, debug or trace.
    #[arg(
        long,
        global = true,
        value_name = "LEVEL",
        default_value = "warn",
        env = "VOYAGER_LOG_LEVEL"
    )]
    log_level: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a migration: check the source, choose where assessments are kept, create the
    /// migration dir.
    Init(commands::init::InitArgs),
    /// Assess one PostgreSQL database: what will not work on YugabyteDB, complexity, sizing and
    /// effort; writes the report into the export dir.
    #[command(name = "assess-migration")]
    AssessMigration(commands::assess::AssessArgs),
    /// The shared control plane: its status, the migrations it holds, and pushing an
    /// assessment to it.
    #[command(name = "control-plane")]
    ControlPlane(commands::control_plane::ControlPlaneArgs),
    /// Assess every database of a fleet (a fleet file, or a server's databases) concurrently,
    /// storing each assessment in the control plane; several processes can share the work.
    #[command(name = "assess-fleet")]
    AssessFleet(commands::fleet::AssessFleetArgs),
    /// A fleet's databases: list them, rank which to migrate first (in waves), show one.
    Fleet(commands::fleet::FleetArgs),
    /// Which database to migrate first, across everything the control plane holds: every
    /// source database once (assessed by hand, by a fleet run, or only by yb-voyager), ranked
    /// in waves and groups, with the reasons.
    Rank(commands::rank::RankArgs),
    /// Start the migration of an assessed database: from its migration dir, or rebuilt from the
    /// control plane by its migration UUID; then choose the target and the data migration flow.
    #[command(name = "start-migration")]
    StartMigration(commands::start::StartArgs),
    /// A local web dashboard over the control plane: every database ranked, each one's issues,
    /// runs and diff, the fleets; read-only, until Ctrl-C.
    Ui(commands::ui::UiArgs),
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A bug, never a password: the message is redacted like every other.
        let message = voyager_core::connection::redact(&info.to_string());
        output::to_stderr(&format!(
            "error: internal error (a bug in voyager, please report it): {message}"
        ));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let out = Output::new(cli.json);
    if let Err(err) = init_logging(&cli.log_level) {
        out.error(&err);
        return out.exit_code(ExitCode::from(2));
    }
    let result = match cli.command {
        Command::AssessFleet(args) => match commands::fleet::assess_fleet(args, &out) {
            Ok(code) => return out.exit_code(code),
            Err(e) => Err(e),
        },
        Command::Fleet(args) => commands::fleet::fleet(args, &out, cli.json),
        Command::Rank(args) => commands::rank::run(args, &out, cli.json),
        Command::Init(args) => commands::init::run(args, &out),
        Command::AssessMigration(args) => commands::assess::run(args, &out),
        Command::ControlPlane(args) => commands::control_plane::run(args, &out),
        Command::StartMigration(args) => commands::start::run(args, &out),
        Command::Ui(args) => commands::ui::run(args, &out),
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err);
            ExitCode::FAILURE
        }
    };
    out.exit_code(code)
}

/// Logging on stderr at `level`: one of the five levels, or tracing directives (`voyager_core=debug`).
fn init_logging(level: &str) -> voyager_core::Result<()> {
    const LEVELS: [&str; 6] = ["error", "warn", "info", "debug", "trace", "off"];
    let known = LEVELS.contains(&level.trim().to_ascii_lowercase().as_str()) || level.contains('=');
    let filter = tracing_subscriber::EnvFilter::try_new(level.trim().to_ascii_lowercase())
        .ok()
        .filter(|_| known)
        .ok_or_else(|| {
            voyager_core::Error::invalid_argument(format!(
                "log level '{}' is not one of {} (--log-level or VOYAGER_LOG_LEVEL)",
                output::terminal_safe(level),
                LEVELS.join(", ")
            ))
        })?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    Ok(())
}

/// Help, version and bad flags as clap renders them, with secrets redacted: clap echoes an
/// unexpected argument, which may be a connection string with its password.
fn usage_error(e: clap::Error) -> ExitCode {
    use std::io::Write;
    let text = voyager_core::connection::redact(&e.render().to_string());
    let written = if e.use_stderr() {
        write!(std::io::stderr().lock(), "{}", output::terminal_safe(&text))
    } else {
        write!(std::io::stdout().lock(), "{text}")
    };
    match written {
        Err(w) if w.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(141),
        Err(_) => ExitCode::FAILURE,
        Ok(()) => ExitCode::from(e.exit_code().clamp(0, 255) as u8),
    }
}
