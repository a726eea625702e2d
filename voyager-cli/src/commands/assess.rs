//! `voyager assess-migration`.

use std::sync::Arc;

use clap::Args;
use voyager_core::assess_migration::{AssessOutcome, AssessRequest};
use voyager_core::assessment::AssessProgress;
use voyager_core::Result;

use crate::output::Output;

#[derive(Args)]
#[command(
    after_help = "The report goes to <export-dir>/assessment/reports/migration_assessment_report.json (and .html).\n\
The source password comes from SOURCE_DB_PASSWORD, PGPASSWORD or ~/.pgpass; it is never written anywhere."
)]
pub struct AssessArgs {
    /// The config file of a migration dir made by `voyager init`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["source", "export_dir"])]
    config_file: Option<String>,

    /// Source PostgreSQL connection string (with --export-dir, instead of --config-file).
    #[arg(long = "source-db-connection-string", visible_alias = "source", value_name = "CONN")]
    source: Option<String>,

    /// Where to write the report (with --source).
    #[arg(long, short = 'e', value_name = "DIR", requires = "source")]
    export_dir: Option<String>,

    /// Source password, when the connection string, PGPASSWORD and ~/.pgpass lack it.
    #[arg(long, env = "SOURCE_DB_PASSWORD", hide_env_values = true, value_name = "PASSWORD")]
    source_db_password: Option<String>,

    /// Schemas to assess, comma-separated [default: every user schema].
    #[arg(long, value_name = "SCHEMAS")]
    source_db_schema: Option<String>,

    /// The YugabyteDB version to assess for; issues fixed in it are left out.
    #[arg(long, value_name = "X.Y.Z.W")]
    target_db_version: Option<String>,

    /// The control plane to store the assessment in [default: the config file's, else the local one].
    #[arg(long, value_name = "CONN")]
    assessment_control_plane: Option<String>,

    /// How long a catalog query waits for a lock another session holds (ALTER, VACUUM FULL,
    /// REINDEX) before the assessment stops and names it [default: 10; 0: no limit].
    #[arg(long, value_name = "SECONDS")]
    lock_timeout_seconds: Option<u64>,

    /// How long one catalog query may run [default: 300; 0: no limit].
    #[arg(long, value_name = "SECONDS")]
    statement_timeout_seconds: Option<u64>,
}

pub fn run(args: AssessArgs, out: &Output) -> Result<()> {
    let request = AssessRequest {
        config_file: args.config_file,
        source: args.source,
        source_password: args.source_db_password,
        export_dir: args.export_dir,
        source_db_schema: args.source_db_schema,
        target_db_version: args.target_db_version,
        assessment_control_plane: args.assessment_control_plane,
        lock_timeout_seconds: args.lock_timeout_seconds,
        statement_timeout_seconds: args.statement_timeout_seconds,
    };
    let bar = out.progress_bar("assessing");
    let progress = bar.clone().map(|bar| {
        Arc::new(move |p: &AssessProgress| {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            bar.set_message(p.step.clone());
        }) as voyager_core::assessment::ProgressFn
    });
    let result = voyager_core::blocking::assess(request, progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let result = result?;
    for warning in result.outcome.summary.warnings() {
        out.warn(&warning);
    }
    if out.is_json() {
        out.result(&result, String::new);
    } else {
        out.result(&result.outcome, || human(&result.outcome));
    }
    Ok(())
}

fn human(o: &AssessOutcome) -> String {
    let stored = match &o.control_plane {
        Some(w) if w.stored => format!(
            "\nStored in the control plane {} (run {}). See it with every other database: {}",
            w.control_plane,
            w.run.unwrap_or_default(),
            voyager_core::shell::ui_command(&w.control_plane)
        ),
        Some(w) => format!(
            "\nwarning: not stored in the control plane {}: {}\nThe report is safe in the export dir; store it later with `voyager control-plane push`.",
            w.control_plane,
            w.error.as_deref().unwrap_or("unknown error")
        ),
        None => String::new(),
    };
    format!(
        "{}\n\nMigration {}: report written to\n  {}\n  {}{stored}",
        o.summary.render_text(),
        o.migration_uuid,
        o.report.json.display(),
        o.report.html.display()
    )
}
