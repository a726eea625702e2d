//! `voyager control-plane status|list|show|push|diff|forget`.

use clap::{Args, Subcommand};
use voyager_core::assess_migration::AssessRequest;
use voyager_core::control_plane::{address, ListFilter, MigrationRuns, MigrationSummary, Origin, SortKey};
use voyager_core::vocabulary::{AssessmentStatus, Complexity};
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
    /// List every source database with its latest assessment (its migration UUIDs and runs
    /// underneath), or every migration with --per-migration.
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
    /// What changed between two assessments of a migration: issues added and removed, and
    /// complexity, size and effort.
    Diff {
        /// The migration UUID.
        migration_uuid: String,
        /// The earlier run [default: the completed run before --to].
        #[arg(long, value_name = "RUN")]
        from: Option<i32>,
        /// The later run [default: the latest completed run].
        #[arg(long, value_name = "RUN")]
        to: Option<i32>,
    },
    /// Remove libvoyager's rows of a migration (source, assessments, fleet queue items).
    /// yugabyted's rows stay unless --include-yugabyted.
    Forget {
        /// The migration UUID.
        migration_uuid: String,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Also remove the rows yugabyted's UI reads (ybvoyager_visualizer).
        #[arg(long)]
        include_yugabyted: bool,
    },
}

#[derive(Args)]
struct ListArgs {
    /// Only this complexity.
    #[arg(long, value_enum, ignore_case = true)]
    complexity: Option<Complexity>,
    /// Only this status.
    #[arg(long, value_enum, ignore_case = true)]
    status: Option<AssessmentStatus>,
    /// Only sources on this host.
    #[arg(long)]
    host: Option<String>,
    /// Only databases whose name contains this.
    #[arg(long)]
    database: Option<String>,
    /// What to sort by.
    #[arg(long, value_enum, ignore_case = true, default_value = "name")]
    sort: SortKey,
    /// Sort descending.
    #[arg(long)]
    desc: bool,
    #[arg(long)]
    limit: Option<i64>,
    #[arg(long)]
    offset: Option<i64>,
    /// One row per migration UUID instead of one per source database.
    #[arg(long)]
    per_migration: bool,
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
                ) + if status.schema_version == 0 {
                    "\n  no libvoyager tables here yet: the first assess-migration or assess-fleet creates them"
                } else {
                    ""
                }
            });
        }
        ControlPlaneCommand::List(l) => {
            let filter = ListFilter {
                complexity: l.complexity,
                status: l.status,
                host: l.host,
                database: l.database,
                sort: l.sort,
                descending: l.desc,
                limit: l.limit,
                offset: l.offset,
                fleet: None,
                per_migration: l.per_migration,
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
                    "stored in {} as run {}; see it: {}",
                    written.control_plane,
                    written.run.unwrap_or_default(),
                    voyager_core::shell::ui_command(&written.control_plane)
                )
            });
        }
        ControlPlaneCommand::Diff {
            migration_uuid,
            from,
            to,
        } => {
            let diff = voyager_core::blocking::control_plane_diff(&cp()?, &migration_uuid, from, to)?;
            out.result(&diff, || diff_text(&diff));
        }
        ControlPlaneCommand::Forget {
            migration_uuid,
            yes,
            include_yugabyted,
        } => {
            let cp = cp()?;
            voyager_core::control_plane::parse_uuid(&migration_uuid)?;
            if !yes {
                confirm_forget(&migration_uuid, include_yugabyted)?;
            }
            let outcome = voyager_core::blocking::control_plane_forget(&cp, &migration_uuid, include_yugabyted)?;
            out.result(&outcome, || {
                let mut text = format!(
                    "Forgot migration {}{}: {} assessment(s), {} source row(s), {} fleet queue item(s) removed",
                    outcome.migration_uuid,
                    outcome.database.as_ref().map(|d| format!(" ({d})")).unwrap_or_default(),
                    outcome.assessments_removed,
                    outcome.sources_removed,
                    outcome.queue_items_removed
                );
                if include_yugabyted {
                    text.push_str(&format!(
                        ", {} yugabyted row(s) removed",
                        outcome.yugabyted_rows_removed
                    ));
                } else if outcome.yugabyted_rows_kept > 0 {
                    text.push_str(&format!(
                        "; yugabyted's {} row(s) kept (--include-yugabyted removes them)",
                        outcome.yugabyted_rows_kept
                    ));
                }
                text
            });
        }
    }
    Ok(())
}

/// Ask before forgetting; without a terminal, --yes is required.
fn confirm_forget(uuid: &str, include_yugabyted: bool) -> Result<()> {
    if !crate::prompt::interactive() {
        return Err(voyager_core::Error::invalid_argument(format!(
            "forgetting migration {uuid} removes its assessments for good: add --yes to confirm (no terminal to ask on)"
        )));
    }
    let what = if include_yugabyted {
        "its source, every assessment and yugabyted's rows"
    } else {
        "its source and every assessment (yugabyted's rows stay)"
    };
    let sure = dialoguer::Confirm::new()
        .with_prompt(format!("Forget migration {uuid}: remove {what}?"))
        .default(false)
        .interact()
        .map_err(|e| voyager_core::Error::cancelled(format!("no answer: {e}")))?;
    if sure {
        Ok(())
    } else {
        Err(voyager_core::Error::cancelled("nothing forgotten"))
    }
}

fn diff_text(d: &voyager_core::control_plane::AssessmentDiff) -> String {
    let mut text = format!(
        "migration {} ({}): run {} ({}) -> run {} ({})
",
        d.migration_uuid,
        &d.database,
        d.from_run,
        d.from_assessed_at.format("%Y-%m-%d %H:%M"),
        d.to_run,
        d.to_assessed_at.format("%Y-%m-%d %H:%M")
    );
    let c = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    text.push_str(&format!(
        "  complexity  {} -> {}
  LEVEL_3     {} -> {}
  LEVEL_2     {} -> {}
  LEVEL_1     {} -> {}
  size        {} -> {}
  effort      {:.1} h -> {:.1} h
",
        c(&d.complexity.from),
        c(&d.complexity.to),
        d.level3.from,
        d.level3.to,
        d.level2.from,
        d.level2.to,
        d.level1.from,
        d.level1.to,
        voyager_core::summary::human_bytes(d.total_size_bytes.from.max(0) as u64),
        voyager_core::summary::human_bytes(d.total_size_bytes.to.max(0) as u64),
        d.effort_hours.from,
        d.effort_hours.to
    ));
    for (sign, list) in [("+", &d.added), ("-", &d.removed)] {
        for i in list {
            text.push_str(&format!(
                "  {sign} {} {} {} ({})\n",
                &i.issue_type, &i.object_type, &i.object_name, i.impact
            ));
        }
    }
    if d.added.is_empty() && d.removed.is_empty() {
        text.push_str("  no issue added or removed\n");
    }
    text.trim_end().to_string()
}

/// One migration of a database, on one line: its UUID, who made it, its runs.
pub(crate) fn migration_line(m: &MigrationRuns) -> String {
    let by = match (m.origin, &m.fleet) {
        (Origin::YbVoyager, _) => "yb-voyager only".to_string(),
        (_, Some(f)) => format!("fleet {}", f),
        (_, None) => "assess-migration".to_string(),
    };
    let runs: Vec<String> = m
        .runs
        .iter()
        .map(|r| format!("#{} {} {}", r.run, r.status, r.assessed_at.format("%Y-%m-%d %H:%M")))
        .collect();
    format!(
        "{} ({by}): {}",
        m.migration_uuid,
        if runs.is_empty() {
            "no assessment".to_string()
        } else {
            runs.join(", ")
        }
    )
}

pub(crate) fn table(rows: &[MigrationSummary]) -> String {
    let mut out = format!(
        "{:<36}  {:<20} {:<20} {:<10} {:>4} {:>4} {:>4} {:>10} {:>8}\n",
        "MIGRATION UUID", "DATABASE", "HOST", "COMPLEXITY", "L3", "L2", "L1", "SIZE", "HOURS"
    );
    let grouped = rows.iter().any(|r| !r.migrations.is_empty());
    for r in rows {
        let a = r.latest.as_ref();
        out.push_str(&format!(
            "{:<36}  {:<20} {:<20} {:<10} {:>4} {:>4} {:>4} {:>10} {:>8.1}\n",
            r.migration_uuid,
            r.database,
            format!("{}:{}", r.host, r.port),
            a.map(|a| a.complexity.clone().unwrap_or_else(|| a.status.as_str().to_uppercase()))
                .unwrap_or_default(),
            a.map(|a| a.level3).unwrap_or(0),
            a.map(|a| a.level2).unwrap_or(0),
            a.map(|a| a.level1).unwrap_or(0),
            voyager_core::summary::human_bytes(a.map(|a| a.total_size_bytes.max(0) as u64).unwrap_or(0)),
            a.map(|a| a.effort_hours).unwrap_or(0.0)
        ));
        if r.origin == Origin::YbVoyager || r.migrations.len() > 1 {
            for m in &r.migrations {
                out.push_str(&format!("    {}\n", migration_line(m)));
            }
        }
    }
    out.push_str(&format!(
        "{} {}",
        rows.len(),
        if grouped { "databases" } else { "migrations" }
    ));
    out
}
