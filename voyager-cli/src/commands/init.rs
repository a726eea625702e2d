//! `voyager init`.

use clap::Args;
use voyager_core::connection::LibpqEnv;
use voyager_core::init::{InitAnswers, InitJourney, InitOutcome};
use voyager_core::vocabulary::ControlPlaneChoice;
use voyager_core::Result;

use crate::output::Output;

#[derive(Args)]
#[command(
    after_help = "Without a terminal, every answer must come from a flag; a missing one is an error that names it.\n\
Passwords are never written to the migration dir: give the source password with SOURCE_DB_PASSWORD, \
PGPASSWORD, ~/.pgpass or at the prompt."
)]
pub struct InitArgs {
    /// Directory to create for the migration (config file + export dir) [default: ./<database>-migration].
    #[arg(long, value_name = "DIR")]
    migration_dir: Option<String>,

    /// Source PostgreSQL connection string, as libpq takes it (URI or key=value).
    #[arg(long = "source-db-connection-string", visible_alias = "source", value_name = "CONN")]
    source: Option<String>,

    /// Source password, when the connection string, PGPASSWORD and ~/.pgpass lack it. Prefer the
    /// environment variable: a flag is visible to other users of the machine.
    #[arg(long, env = "SOURCE_DB_PASSWORD", hide_env_values = true, value_name = "PASSWORD")]
    source_db_password: Option<String>,

    /// Where assessments are kept: a shared YugabyteDB instance, or the local UI's default one.
    #[arg(long, value_enum, ignore_case = true, value_name = "WHERE")]
    control_plane: Option<ControlPlaneChoice>,

    /// Connection string of the shared YugabyteDB instance (implies --control-plane shared).
    #[arg(long, value_name = "CONN")]
    assessment_control_plane: Option<String>,

    /// Take the default answer of every question that has one.
    #[arg(long, short = 'y')]
    yes: bool,

    /// Replace a migration dir that already holds a migration.
    #[arg(long)]
    force: bool,

    /// Start a new migration UUID even when the control plane already knows this database (by
    /// default init continues the migration libvoyager recorded for it).
    #[arg(long)]
    new_migration_uuid: bool,
}

pub fn run(args: InitArgs, out: &Output) -> Result<()> {
    let answers = InitAnswers {
        source: args.source,
        source_password: args.source_db_password,
        control_plane: args.control_plane,
        assessment_control_plane: args.assessment_control_plane,
        migration_dir: args.migration_dir,
        force: args.force,
        yes: args.yes,
        new_migration_uuid: args.new_migration_uuid,
    };
    let outcome = crate::journey::drive(InitJourney::new(answers, LibpqEnv::from_process()), args.yes, out)?;
    out.result(&outcome, || human(&outcome));
    Ok(())
}

fn human(outcome: &InitOutcome) -> String {
    let notes: String = outcome.notes.iter().map(|n| format!("{n}\n")).collect();
    notes
        + &format!(
        "Migration {} is ready in {}\n  config file:   {}\n  source:        {}\n  control plane: {} ({})\n\nNext step:\n  {}\nThen see the assessments of every database: {}",
        outcome.migration_uuid,
        outcome.migration_dir.display(),
        outcome.config_file.display(),
        outcome.source,
        outcome.assessment_control_plane,
        outcome.control_plane,
        outcome.next_step,
        voyager_core::shell::ui_command(&outcome.assessment_control_plane)
    )
}
