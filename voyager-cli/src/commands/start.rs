//! `voyager start-migration`.

use clap::Args;
use voyager_core::connection::LibpqEnv;
use voyager_core::start_migration::{StartMigrationAnswers, StartMigrationJourney, StartMigrationOutcome};
use voyager_core::vocabulary::Flow;
use voyager_core::Result;

use crate::output::Output;

#[derive(Args)]
#[command(after_help = "Two ways in, never both:\n  \
voyager start-migration --config-file <file>\n  \
voyager start-migration --migration-dir <dir> --assessment-control-plane <conn> --migration-uuid <uuid>\n\
The second rebuilds the migration dir from the control plane (the assessment, the source details) on any machine.\n\
Passwords are asked for, or come from SOURCE_DB_PASSWORD / TARGET_DB_PASSWORD, PGPASSWORD or ~/.pgpass; they are never stored.")]
pub struct StartArgs {
    /// The config file of the migration dir that ran the assessment.
    #[arg(long, value_name = "FILE")]
    config_file: Option<String>,

    /// The migration dir to rebuild from the control plane.
    #[arg(long, value_name = "DIR")]
    migration_dir: Option<String>,

    /// The control plane that holds the assessment.
    #[arg(long, value_name = "CONN")]
    assessment_control_plane: Option<String>,

    /// The migration's UUID in the control plane.
    #[arg(long, value_name = "UUID")]
    migration_uuid: Option<String>,

    /// The source connection string, when the recorded details are not enough.
    #[arg(long = "source-db-connection-string", visible_alias = "source", value_name = "CONN")]
    source: Option<String>,

    /// The source password. Prefer the environment variable.
    #[arg(long, env = "SOURCE_DB_PASSWORD", hide_env_values = true, value_name = "PASSWORD")]
    source_db_password: Option<String>,

    /// The target YugabyteDB connection string.
    #[arg(long = "target-db-connection-string", visible_alias = "target", value_name = "CONN")]
    target: Option<String>,

    /// The target password. Prefer the environment variable.
    #[arg(long, env = "TARGET_DB_PASSWORD", hide_env_values = true, value_name = "PASSWORD")]
    target_db_password: Option<String>,

    /// The data migration flow.
    #[arg(long, value_enum, ignore_case = true, value_name = "FLOW")]
    flow: Option<Flow>,

    /// Take the default answer of every question that has one.
    #[arg(long, short = 'y')]
    yes: bool,
}

pub fn run(args: StartArgs, out: &Output) -> Result<()> {
    let answers = StartMigrationAnswers {
        config_file: args.config_file,
        migration_dir: args.migration_dir,
        assessment_control_plane: args.assessment_control_plane,
        migration_uuid: args.migration_uuid,
        source: args.source,
        source_password: args.source_db_password,
        target: args.target,
        target_password: args.target_db_password,
        flow: args.flow,
        yes: args.yes,
    };
    let journey = StartMigrationJourney::new(answers, LibpqEnv::from_process());
    let outcome = crate::journey::drive(journey, args.yes, out)?;
    out.result(&outcome, || human(&outcome));
    Ok(())
}

fn human(o: &StartMigrationOutcome) -> String {
    let mut text = format!(
        "Migration {} is ready to start ({}) in {}\n  config file: {}\n  report:      {}\n  source:      {}\n  target:      {}\n\nNext steps:\n",
        o.migration_uuid,
        o.flow,
        o.migration_dir.display(),
        o.config_file.display(),
        o.report_html.as_ref().unwrap_or(&o.report_json).display(),
        o.source,
        o.target
    );
    for step in &o.next_steps {
        text.push_str(&format!("  {step}\n"));
    }
    for note in &o.notes {
        text.push_str(&format!("{note}\n"));
    }
    text
}
