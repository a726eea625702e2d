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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.log_level);
    let out = Output::new(cli.json);
    let result = match cli.command {
        Command::AssessFleet(args) => match commands::fleet::assess_fleet(args, &out) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
        Command::Fleet(args) => commands::fleet::fleet(args, &out, cli.json),
        Command::Rank(args) => commands::rank::run(args, &out, cli.json),
        Command::Init(args) => commands::init::run(args, &out),
        Command::AssessMigration(args) => commands::assess::run(args, &out),
        Command::ControlPlane(args) => commands::control_plane::run(args, &out),
        Command::StartMigration(args) => commands::start::run(args, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err);
            ExitCode::FAILURE
        }
    }
}

fn init_logging(level: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(level).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
