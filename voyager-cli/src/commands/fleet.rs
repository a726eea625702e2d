//! `voyager assess-fleet` and `voyager fleet list|rank|show`.

use std::sync::Arc;

use clap::{Args, Subcommand};
use voyager_core::control_plane::{address, ListFilter, MigrationSummary};
use voyager_core::fleet::rank::{RankedMigration, Weights};
use voyager_core::fleet::{CancellationToken, FleetOutcome, FleetProgress, FleetRequest};
use voyager_core::vocabulary::{AssessmentStatus, QueueState};
use voyager_core::Result;

use crate::output::Output;

#[derive(Args)]
#[command(
    after_help = "Passwords: a per-source environment variable named by the fleet file's password-env, else \
SOURCE_DB_PASSWORD, PGPASSWORD or ~/.pgpass (there is no prompt); never stored.\nSeveral assess-fleet processes (on one machine or many) may work on the same \
fleet and control plane at once: they share the work, and each database is assessed once.\nCtrl-C stops cleanly; \
run the same command again to resume."
)]
pub struct AssessFleetArgs {
    /// The fleet file: TOML ([[source]] entries) or CSV (a header row; extra columns are labels).
    #[arg(long, value_name = "FILE", conflicts_with = "all_databases")]
    fleet_file: Option<String>,
    /// Assess every database of this server (templates excluded) instead of a fleet file.
    #[arg(long, value_name = "CONN")]
    all_databases: Option<String>,
    /// With --all-databases: only databases matching this glob (repeatable).
    #[arg(long, value_name = "GLOB", requires = "all_databases")]
    include: Vec<String>,
    /// With --all-databases: leave out databases matching this glob (repeatable).
    #[arg(long, value_name = "GLOB", requires = "all_databases")]
    exclude: Vec<String>,
    /// The fleet's name [default: the fleet file's name or stem, or the server's host:port].
    #[arg(long, value_name = "NAME")]
    fleet_name: Option<String>,
    /// Where each database's migration dir goes.
    #[arg(long, value_name = "DIR")]
    work_dir: String,
    /// The control plane that keeps the assessments and the work queue [default: the local one].
    #[arg(long, value_name = "CONN")]
    assessment_control_plane: Option<String>,
    /// At most this many databases at once.
    #[arg(long, value_name = "N", default_value_t = voyager_core::fleet::DEFAULT_PARALLEL)]
    parallel: usize,
    /// At most this many databases of one host at once.
    #[arg(long, value_name = "N", default_value_t = voyager_core::fleet::DEFAULT_PER_HOST)]
    per_host: usize,
    /// Assess again the databases already assessed.
    #[arg(long)]
    reassess: bool,
    /// How long a claimed database stays this worker's without renewal.
    #[arg(long, value_name = "SECONDS", default_value_t = voyager_core::fleet::DEFAULT_LEASE_SECONDS)]
    lease_seconds: u64,
    /// How long one database's assessment may take.
    #[arg(long, value_name = "SECONDS", default_value_t = voyager_core::fleet::DEFAULT_TIMEOUT_SECONDS)]
    timeout_seconds: u64,
    /// Schemas to assess (comma-separated), for sources that name none.
    #[arg(long, value_name = "SCHEMAS")]
    source_db_schema: Option<String>,
    /// The YugabyteDB version to assess for.
    #[arg(long, value_name = "X.Y.Z.W")]
    target_db_version: Option<String>,
    /// Remove from the fleet the databases no longer in its inventory (their assessments stay).
    #[arg(long)]
    prune: bool,
}

pub fn assess_fleet(args: AssessFleetArgs, out: &Output) -> Result<std::process::ExitCode> {
    let request = FleetRequest {
        fleet_file: args.fleet_file,
        all_databases: args.all_databases,
        include: args.include,
        exclude: args.exclude,
        fleet_name: args.fleet_name,
        work_dir: Some(args.work_dir),
        assessment_control_plane: args.assessment_control_plane,
        parallel: Some(args.parallel),
        per_host: Some(args.per_host),
        reassess: args.reassess,
        lease_seconds: Some(args.lease_seconds),
        timeout_seconds: Some(args.timeout_seconds),
        source_db_schema: args.source_db_schema,
        target_db_version: args.target_db_version,
        worker: None,
        prune: args.prune,
    };
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    voyager_core::runtime::runtime()?.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let bar = out.progress_bar("assess-fleet");
    let lines = !out.is_json() && bar.is_none();
    let shown = bar.clone();
    let progress: voyager_core::fleet::FleetProgressFn = Arc::new(move |p: &FleetProgress| {
        let failure = p.event.as_ref().filter(|e| e.state == QueueState::Failed).map(|e| {
            format!(
                "failed: {} on {}: {}",
                e.database,
                e.host,
                e.error.as_deref().unwrap_or("unknown error")
            )
        });
        let failure = failure.or_else(|| p.waiting.clone());
        match &shown {
            Some(bar) => {
                bar.set_length(p.total.max(0) as u64);
                bar.set_position((p.done + p.failed).max(0) as u64);
                bar.set_message(format!(
                    "{} done, {} running, {} failed{}",
                    p.done,
                    p.running,
                    p.failed,
                    p.eta_seconds.map(|s| format!(", ETA {s:.0} s")).unwrap_or_default()
                ));
                if let Some(line) = failure {
                    bar.println(crate::output::terminal_safe(&line));
                }
            }
            None if lines => {
                if let Some(line) = failure {
                    crate::output::to_stderr(&line);
                }
            }
            None => {}
        }
    });
    let outcome = voyager_core::blocking::assess_fleet(request, Some(progress), cancel)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    out.result(&outcome, || summary(&outcome));
    Ok(if outcome.interrupted {
        std::process::ExitCode::from(130)
    } else if outcome.all_succeeded() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

fn summary(o: &FleetOutcome) -> String {
    let mut text = format!(
        "Fleet '{}': {} databases, {} assessed, {} failed ({} by this run, {} done before) in {:.1} s.\n",
        o.fleet_name,
        o.total,
        o.done,
        o.failed,
        o.assessed_here,
        o.already_done,
        o.duration_ms as f64 / 1000.0
    );
    for f in &o.failures {
        text.push_str(&format!(
            "  failed: {} on {} ({}): {}\n",
            f.database, f.host, f.migration_uuid, f.error
        ));
    }
    if o.pruned > 0 {
        text.push_str(&format!(
            "Removed {} database(s) no longer in the inventory from the fleet.\n",
            o.pruned
        ));
    }
    if o.interrupted {
        text.push_str("Stopped before the end: run the same command again to resume.\n");
    }
    if let Some(html) = &o.html_report {
        text.push_str(&format!("Fleet report: {}\n", html.display()));
    }
    text.push_str(&format!("Next: {}\n", o.next_step));
    text.push_str(&format!(
        "See it: {}",
        voyager_core::shell::ui_command(&o.control_plane)
    ));
    text
}

#[derive(Args)]
pub struct FleetArgs {
    /// The control plane's connection string [default: the local one].
    #[arg(long, global = true, value_name = "CONN")]
    assessment_control_plane: Option<String>,
    /// The fleet's name (as assess-fleet named it) [default: the only fleet].
    #[arg(long, global = true, value_name = "NAME")]
    fleet: Option<String>,
    /// Print CSV (list and rank).
    #[arg(long, global = true, conflicts_with = "json")]
    csv: bool,
    #[command(subcommand)]
    command: FleetCommand,
}

#[derive(Subcommand)]
enum FleetCommand {
    /// Every database of the fleet with its latest assessment.
    List,
    /// Which database to migrate first: ranked, in waves, grouped, with the reasons.
    Rank {
        /// A TOML file of weights (see the README); keys left out keep their defaults.
        #[arg(long, value_name = "FILE")]
        weights: Option<String>,
        /// Also write the self-contained HTML fleet report here.
        #[arg(long, value_name = "FILE")]
        html: Option<String>,
        /// The fleet's work dir, to link each database's own report from the HTML.
        #[arg(long, value_name = "DIR")]
        work_dir: Option<String>,
    },
    /// One database of the fleet: where it ranks and why, and its latest assessment.
    Show {
        /// Its migration UUID or database name.
        member: String,
    },
}

pub fn fleet(args: FleetArgs, out: &Output, json: bool) -> Result<()> {
    let cp = address(args.assessment_control_plane.as_deref(), None)?;
    let fleet = voyager_core::blocking::fleet_name(&cp, args.fleet.as_deref())?;
    match args.command {
        FleetCommand::List => {
            let rows = voyager_core::blocking::fleet_list(&cp, &fleet, ListFilter::default())?;
            if args.csv {
                out.data(&list_csv(&rows)?);
            } else {
                out.result(&rows, || super::control_plane::table(&rows));
            }
        }
        FleetCommand::Rank {
            weights,
            html,
            work_dir,
        } => {
            let weights = match weights {
                Some(path) => Weights::load(std::path::Path::new(&path))?,
                None => Weights::default(),
            };
            let ranked = voyager_core::blocking::fleet_rank(&cp, &fleet, &weights)?;
            if let Some(path) = html {
                let path = std::path::PathBuf::from(path);
                let links = match work_dir {
                    Some(dir) => relative_links(&path, std::path::Path::new(&dir), &ranked),
                    None => Default::default(),
                };
                let page = voyager_core::fleet::html::render(&fleet, &ranked, &links);
                voyager_core::fs_atomic::write(&path, page.as_bytes())?;
                if !json && !args.csv {
                    crate::output::to_stderr(&format!("Fleet report: {}", path.display()));
                }
            }
            if args.csv {
                out.data(&ranking_csv(&ranked, |r| r, &[])?);
            } else {
                out.result(&ranked, || rank_table(&ranked));
            }
        }
        FleetCommand::Show { member } => {
            let found = voyager_core::blocking::fleet_show(&cp, &fleet, &member, &Weights::default())?;
            out.result(&found, || {
                let r = &found.ranked;
                let mut text = format!(
                    "{} on {}:{} (migration {})\n  rank {}{}\n  {}\n",
                    r.database,
                    r.host,
                    r.port,
                    r.migration_uuid,
                    r.rank,
                    r.wave.map(|w| format!(", wave {w}")).unwrap_or_default(),
                    r.why
                );
                if let Some(d) = &found.details {
                    text.push('\n');
                    text.push_str(
                        &voyager_core::summary::AssessmentSummaryView::from_report(&d.latest.report).render_text(),
                    );
                }
                text
            });
        }
    }
    Ok(())
}

/// Links from the HTML page's directory to each database's report below the work dir.
pub(crate) fn relative_links(
    page: &std::path::Path,
    work_dir: &std::path::Path,
    ranked: &[RankedMigration],
) -> std::collections::HashMap<uuid::Uuid, String> {
    let links = voyager_core::fleet::report_links(work_dir, ranked);
    let page_dir = page
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let same = std::fs::canonicalize(page_dir).ok() == std::fs::canonicalize(work_dir).ok();
    links
        .into_iter()
        .map(|(uuid, rel)| {
            let target = if same {
                rel
            } else {
                std::fs::canonicalize(work_dir)
                    .map(|w| w.join(&rel).display().to_string())
                    .unwrap_or(rel)
            };
            (uuid, target)
        })
        .collect()
}

pub(crate) fn rank_table(ranked: &[RankedMigration]) -> String {
    let mut out = format!(
        "{:>4} {:>4}  {:<24} {:<10} {:>3} {:>3} {:>4} {:>10} {:>7} {:>6}  {}\n",
        "RANK", "WAVE", "DATABASE", "COMPLEXITY", "L3", "L2", "L1", "SIZE", "HOURS", "GROUP", "WHY"
    );
    for r in ranked {
        out.push_str(&format!(
            "{:>4} {:>4}  {:<24} {:<10} {:>3} {:>3} {:>4} {:>10} {:>7.1} {:>6}  {}\n",
            r.rank,
            r.wave.map(|w| w.to_string()).unwrap_or_else(|| "-".into()),
            r.database,
            r.complexity.as_deref().unwrap_or("-"),
            r.level3,
            r.level2,
            r.level1,
            voyager_core::summary::human_bytes(r.total_size_bytes.max(0) as u64),
            r.effort_hours,
            r.group.map(|g| g.to_string()).unwrap_or_default(),
            r.why
        ));
    }
    let waves: Vec<String> = (1..=3u8)
        .map(|w| format!("wave {w}: {}", ranked.iter().filter(|r| r.wave == Some(w)).count()))
        .collect();
    out.push_str(&format!("{} databases; {}", ranked.len(), waves.join(", ")));
    out
}

pub(crate) fn labels_text(labels: &std::collections::BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// The ranking's CSV columns, as `voyager fleet rank --csv` prints them; `voyager rank --csv`
/// adds its own among them.
const RANKING_COLUMNS: [&str; 17] = [
    "rank",
    "wave",
    "score",
    "migration_uuid",
    "database",
    "host",
    "port",
    "status",
    "complexity",
    "level3",
    "level2",
    "level1",
    "total_size_bytes",
    "effort_hours",
    "group",
    "labels",
    "why",
];

/// A ranked database's cells, in the order of [`RANKING_COLUMNS`].
fn ranking_cells(r: &RankedMigration) -> [String; 17] {
    [
        r.rank.to_string(),
        r.wave.map(|v| v.to_string()).unwrap_or_default(),
        r.score.map(|v| v.to_string()).unwrap_or_default(),
        r.migration_uuid.to_string(),
        r.database.clone(),
        r.host.clone(),
        r.port.to_string(),
        r.status.to_string(),
        r.complexity.clone().unwrap_or_default(),
        r.level3.to_string(),
        r.level2.to_string(),
        r.level1.to_string(),
        r.total_size_bytes.to_string(),
        r.effort_hours.to_string(),
        r.group.map(|g| g.to_string()).unwrap_or_default(),
        labels_text(&r.labels),
        r.why.clone(),
    ]
}

/// A column that `voyager rank --csv` adds to the ranking's: `(after, name, cell)`, placed
/// right after the column named `after`.
pub(crate) type ExtraColumn<'a, T> = (&'a str, &'a str, &'a dyn Fn(&T) -> String);

/// A ranking as CSV: [`RANKING_COLUMNS`] of each row's ranked database, with `extra` columns.
pub(crate) fn ranking_csv<T>(
    rows: &[T],
    ranked: impl Fn(&T) -> &RankedMigration,
    extra: &[ExtraColumn<'_, T>],
) -> Result<String> {
    let mut header = Vec::new();
    for column in RANKING_COLUMNS {
        header.push(column);
        header.extend(
            extra
                .iter()
                .filter(|(after, ..)| *after == column)
                .map(|(_, name, _)| *name),
        );
    }
    voyager_core::csv_output::to_csv(
        &header,
        rows.iter().map(|row| {
            let mut cells = Vec::with_capacity(header.len());
            for (column, cell) in RANKING_COLUMNS.into_iter().zip(ranking_cells(ranked(row))) {
                cells.push(cell);
                cells.extend(
                    extra
                        .iter()
                        .filter(|(after, ..)| *after == column)
                        .map(|(_, _, cell)| cell(row)),
                );
            }
            cells
        }),
    )
}

fn list_csv(rows: &[MigrationSummary]) -> Result<String> {
    voyager_core::csv_output::to_csv(
        &[
            "migration_uuid",
            "database",
            "host",
            "port",
            "status",
            "complexity",
            "level3",
            "level2",
            "level1",
            "total_size_bytes",
            "effort_hours",
            "error",
        ],
        rows.iter().map(|r| {
            let a = r.latest.as_ref();
            [
                r.migration_uuid.to_string(),
                r.database.clone(),
                r.host.clone(),
                r.port.to_string(),
                a.map_or(AssessmentStatus::NotAssessed, |a| a.status).to_string(),
                a.and_then(|a| a.complexity.clone()).unwrap_or_default(),
                a.map(|a| a.level3.to_string()).unwrap_or_default(),
                a.map(|a| a.level2.to_string()).unwrap_or_default(),
                a.map(|a| a.level1.to_string()).unwrap_or_default(),
                a.map(|a| a.total_size_bytes.to_string()).unwrap_or_default(),
                a.map(|a| a.effort_hours.to_string()).unwrap_or_default(),
                a.and_then(|a| a.error.clone()).unwrap_or_default(),
            ]
        }),
    )
}
