//! `voyager control-plane status|list|show|push`.

use clap::{Args, Subcommand, ValueEnum};
use voyager_core::assess_migration::AssessRequest;
use voyager_core::control_plane::{address, ListFilter, MigrationSummary, SortKey};
use voyager_core::Result;

use crate::output::Output;

#[derive(Args)]
pub struct ControlPlaneArgs {
    /// The control plane's connection string [default: the config file's, else the local one].
    #[arg(long, global = true, value_name = "CONN")]
    assessment_control_plane: Option<String>,

    /// A migration's config file, whose assess-migration.assessment-control-plane to use.
    #[arg(long, global = true, value_name = "FILE")]
    config_file: Option<String>,

    #[command(subcommand)]
    command: ControlPlaneCommand,
}

#[derive(Subcommand)]
enum ControlPlaneCommand {
    /// Check the control plane: reachable, its schema version, how many migrations it holds.
    Status,
    /// List every migration with its latest assessment.
    List(ListArgs),
    /// Show a migration's latest assessment and its history.
    Show {
        /// The migration UUID.
        migration_uuid: String,
    },
    /// Store the assessment in a migration's export dir (when the control plane was away).
    Push {
        /// The source (with --export-dir), when there is no config file.
        #[arg(long = "source-db-connection-string", visible_alias = "source", value_name = "CONN")]
        source: Option<String>,
        /// The export dir holding the report (with --source).
        #[arg(long, value_name = "DIR")]
        export_dir: Option<String>,
    },
}

#[derive(Args)]
struct ListArgs {
    /// Only this complexity: LOW, MEDIUM or HIGH.
    #[arg(long)]
    complexity: Option<String>,
    /// Only this status: completed or failed.
    #[arg(long)]
    status: Option<String>,
    /// Only sources on this host.
    #[arg(long)]
    host: Option<String>,
    /// Only databases whose name contains this.
    #[arg(long)]
    database: Option<String>,
    /// What to sort by.
    #[arg(long, value_enum, default_value = "name")]
    sort: Sort,
    /// Sort descending.
    #[arg(long)]
    desc: bool,
    #[arg(long)]
    limit: Option<i64>,
    #[arg(long)]
    offset: Option<i64>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Sort {
    Name,
    Complexity,
    Size,
    Effort,
    Issues,
    AssessedAt,
}

pub fn run(args: ControlPlaneArgs, out: &Output) -> Result<()> {
    let cp = || address(args.assessment_control_plane.as_deref(), args.config_file.as_deref());
    match args.command {
        ControlPlaneCommand::Status => {
            let status = voyager_core::blocking::control_plane_status(&cp()?)?;
            out.result(&status, || {
                format!(
                    "control plane {} (PostgreSQL wire, server {})\n  schema version {} (this libvoyager: {}){}\n  {} migrations, {} assessments",
                    status.control_plane,
                    status.server_version,
                    status.schema_version,
                    status.client_schema_version,
                    if status.writable { "" } else { ", read-only: written by a newer libvoyager" },
                    status.migrations,
                    status.assessments
                )
            });
        }
        ControlPlaneCommand::List(l) => {
            let filter = ListFilter {
                complexity: l.complexity,
                status: l.status,
                host: l.host,
                database: l.database,
                sort: match l.sort {
                    Sort::Name => SortKey::Name,
                    Sort::Complexity => SortKey::Complexity,
                    Sort::Size => SortKey::Size,
                    Sort::Effort => SortKey::Effort,
                    Sort::Issues => SortKey::Issues,
                    Sort::AssessedAt => SortKey::AssessedAt,
                },
                descending: l.desc,
                limit: l.limit,
                offset: l.offset,
                fleet: None,
            };
            let rows = voyager_core::blocking::control_plane_list(&cp()?, &filter)?;
            out.result(&rows, || table(&rows));
        }
        ControlPlaneCommand::Show { migration_uuid } => {
            let details = voyager_core::blocking::control_plane_show(&cp()?, &migration_uuid)?;
            out.result(&details, || {
                let view = voyager_core::summary::AssessmentSummaryView::from_report(&details.latest.report);
                let s = &details.latest.source;
                format!(
                    "migration {} ({:?})\n  source: {} {}:{}/{} schemas {} user {}\n  runs: {}\n\n{}",
                    details.latest.migration_uuid,
                    details.latest.origin,
                    s.db_type,
                    s.host,
                    s.port,
                    s.database,
                    s.schemas.join(","),
                    s.user.as_deref().unwrap_or("(unknown)"),
                    details.history.len(),
                    view.render_text()
                )
            });
        }
        ControlPlaneCommand::Push { source, export_dir } => {
            let request = AssessRequest {
                config_file: args.config_file.clone(),
                source,
                export_dir,
                assessment_control_plane: args.assessment_control_plane.clone(),
                ..Default::default()
            };
            let written = voyager_core::blocking::control_plane_push(request)?;
            out.result(&written, || {
                format!(
                    "stored in {} as run {}",
                    written.control_plane,
                    written.run.unwrap_or_default()
                )
            });
        }
    }
    Ok(())
}

pub(crate) fn table(rows: &[MigrationSummary]) -> String {
    let mut out = format!(
        "{:<36}  {:<20} {:<20} {:<10} {:>4} {:>4} {:>4} {:>10} {:>8}\n",
        "MIGRATION UUID", "DATABASE", "HOST", "COMPLEXITY", "L3", "L2", "L1", "SIZE", "HOURS"
    );
    for r in rows {
        let a = r.latest.as_ref();
        out.push_str(&format!(
            "{:<36}  {:<20} {:<20} {:<10} {:>4} {:>4} {:>4} {:>10} {:>8.1}\n",
            r.migration_uuid,
            r.database,
            format!("{}:{}", r.host, r.port),
            a.map(|a| a.complexity.clone().unwrap_or_else(|| a.status.to_uppercase()))
                .unwrap_or_default(),
            a.map(|a| a.level3).unwrap_or(0),
            a.map(|a| a.level2).unwrap_or(0),
            a.map(|a| a.level1).unwrap_or(0),
            voyager_core::summary::human_bytes(a.map(|a| a.total_size_bytes.max(0) as u64).unwrap_or(0)),
            a.map(|a| a.effort_hours).unwrap_or(0.0)
        ));
    }
    out.push_str(&format!("{} migrations", rows.len()));
    out
}
