//! `voyager`, the reference CLI of libvoyager: a person at a terminal drives the same journey
//! as a Python notebook or a C program, through the same core. Every question has a flag, so
//! every command also runs unattended; `--json` prints results for scripts.
//!
//! The command is this library's [`run`]: the `voyager` binary calls it, and so does the
//! `voyager` command of the Python wheel (through `libvoyager._voyager.cli_main`), which thereby
//! shares the wheel's one copy of the core.

mod commands;
mod journey;
mod output;
mod prompt;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use output::Output;

/// Every program this library is the command of (the `voyager` binary, and the Python
/// extension whose `voyager` command it is) allocates with mimalloc. Ranking 10,000 databases
/// makes and frees millions of small strings and vectors: with mimalloc, the dashboard's first
/// page after a change takes a median of 250 to 270 ms instead of 310 to 340 ms with glibc's
/// allocator (`scripts/bench-control-plane`, four runs of each). The static binary does not
/// use musl's allocator either. The C library leaves the allocator to the program that links it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// Runs the `voyager` command with `args` (the program name first, as `std::env::args_os`).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    std::panic::set_hook(Box::new(|info| {
        // A bug, never a password: the message is redacted like every other.
        let message = voyager_core::connection::redact(&info.to_string());
        output::to_stderr(&format!(
            "error: internal error (a bug in voyager, please report it): {message}"
        ));
    }));
    // Built once per process (clap keeps a 'static text).
    let version: &'static str = Box::leak(version_text().into_boxed_str());
    let parsed = Cli::command()
        .version(version)
        .long_version(version)
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
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

/// What `voyager --version` prints after the name: the version, the git commit it was built from
/// (`unknown` when built without git, as from the sdist), and the YugabyteDB release series whose
/// fixed-issue tables it knows.
fn version_text() -> String {
    let series = voyager_core::assessment::issue::known_release_series().join(", ");
    format!(
        "{}\ncommit: {}\nYugabyteDB fixed-issue tables: {series} (default target {})",
        voyager_core::VOYAGER_VERSION,
        env!("VOYAGER_GIT_COMMIT"),
        voyager_core::assessment::DEFAULT_TARGET_DB_VERSION
    )
}

/// The exit status `code` stands for (`ExitCode` keeps it private): for a caller that exits on
/// its own, such as the Python wheel's `voyager` command.
pub fn exit_status(code: ExitCode) -> u8 {
    (0..=u8::MAX).find(|&n| ExitCode::from(n) == code).unwrap_or(1)
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
    // Inside a process that already has libvoyager's own subscriber (the wheel's `voyager`
    // runs in Python, whose `logging` gets the library's events), that one stays.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
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
