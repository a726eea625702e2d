//! assess-migration: what will not work on YugabyteDB, how hard the move is, and how big the
//! target should be, for one PostgreSQL database.
//!
//! [`assess_database`] collects the catalogs in a fixed handful of queries ([`collect`]), finds
//! the issues ([`rules`] from the catalogs, [`sql_constructs`] from SQL text), and builds the
//! report: [`complexity`], [`sizing`], [`effort`], [`report`] (JSON) and [`html`].

pub mod collect;
pub mod complexity;
pub mod effort;
pub mod html;
pub mod issue;
pub mod report;
pub mod rules;
pub mod session;
pub mod sizing;
pub mod skipped_checks;
pub mod sql_constructs;
pub mod sql_names;
pub mod version;
pub mod workload;

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use serde::Serialize;

pub use issue::{Category, Impact, Issue};
pub use report::{AssessmentReport, ReportPaths};

use collect::SourceSnapshot;
use report::{
    DatabaseObject, IssueCounts, ReportSummary, SchemaSummary, SourceSizeDetails, TableIndexStat, TargetRecommendations,
};
use version::YbVersion;

/// The YugabyteDB release a report is for when no `--target-db-version` is given.
pub const DEFAULT_TARGET_DB_VERSION: &str = "2025.1.0.0";

/// A step of a long assessment, for progress displays.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssessProgress {
    pub step: String,
    pub done: u32,
    pub total: u32,
}

pub type ProgressFn = crate::OnProgress<AssessProgress>;

/// How to assess.
#[derive(Clone)]
pub struct AssessOptions {
    /// The schemas to assess (all user schemas when None).
    pub schemas: Option<Vec<String>>,
    /// The YugabyteDB version the report is for; issues fixed there are left out.
    pub target_db_version: String,
    pub progress: Option<ProgressFn>,
    /// The session's lock and statement timeouts.
    pub limits: session::Limits,
}

impl Default for AssessOptions {
    fn default() -> Self {
        AssessOptions {
            schemas: None,
            target_db_version: DEFAULT_TARGET_DB_VERSION.into(),
            progress: None,
            limits: session::Limits::default(),
        }
    }
}

const STEPS: u32 = 3;

fn report_progress(options: &AssessOptions, done: u32, step: &str) {
    if let Some(progress) = &options.progress {
        progress(&AssessProgress {
            step: step.into(),
            done,
            total: STEPS,
        });
    }
}

/// Assess the database `client` is connected to, in a read-only transaction (see [`session`]).
pub async fn assess_database(
    client: &tokio_postgres::Client,
    options: &AssessOptions,
) -> crate::Result<AssessmentReport> {
    assess_in_session(client, None, options).await
}

/// Assess the database `source` names, over two connections so the server reads its catalogs
/// with two processes at once.
pub async fn assess_source(
    source: &crate::connection::ConnectionString,
    timeout: std::time::Duration,
    options: &AssessOptions,
) -> crate::Result<AssessmentReport> {
    let (first, second) = tokio::join!(source.connect(timeout), source.connect(timeout));
    let first = first?;
    // A server out of connection slots still gets assessed, on one connection.
    let second = second.ok();
    assess_in_session(&first, second.as_ref(), options).await
}

/// Assess within the [`session`]: read only, `search_path` pinned, lock and statement timeouts.
async fn assess_in_session(
    client: &tokio_postgres::Client,
    second: Option<&tokio_postgres::Client>,
    options: &AssessOptions,
) -> crate::Result<AssessmentReport> {
    session::begin(client, options.limits).await?;
    let second = match second {
        Some(other) => session::begin(other, options.limits).await.ok().map(|()| other),
        None => None,
    };
    let result = assess_with(client, second, options).await;
    if let Some(other) = second {
        session::end(other).await;
    }
    session::end(client).await;
    match result {
        Err(e) if e.sqlstate() == Some("55P03") => Err(session::explain_lock_timeout(client, e, options.limits).await),
        result => result,
    }
}

async fn assess_with(
    client: &tokio_postgres::Client,
    second: Option<&tokio_postgres::Client>,
    options: &AssessOptions,
) -> crate::Result<AssessmentReport> {
    let target = YbVersion::parse(&options.target_db_version)?;
    let started = Instant::now();
    report_progress(options, 0, "reading the catalogs");
    let snap = collect::collect(client, second, options.schemas.as_deref()).await?;
    report_progress(options, 1, "finding issues");
    let issues = find_issues(&snap, target);
    report_progress(options, 2, "sizing and writing the report");
    let report = build_report(&snap, issues, target, started);
    report_progress(options, 3, "done");
    Ok(report)
}

/// Every issue of the snapshot that the target version has not fixed, once each, most severe
/// first.
pub fn find_issues(snap: &SourceSnapshot, target: YbVersion) -> Vec<Issue> {
    let mut seen = HashSet::new();
    let mut issues: Vec<Issue> = rules::catalog_issues(snap)
        .into_iter()
        .filter(|i| !target.has_fix(&i.minimum_versions_fixed_in))
        .filter(|i| {
            seen.insert((
                i.category,
                i.issue_type.clone(),
                i.object_name.clone(),
                i.sql_statement.clone(),
            ))
        })
        .collect();
    issues.sort_by(|a, b| {
        b.impact
            .cmp(&a.impact)
            .then(a.category.cmp(&b.category))
            .then_with(|| a.issue_type.cmp(&b.issue_type))
            .then_with(|| a.object_name.cmp(&b.object_name))
    });
    issues
}

fn build_report(snap: &SourceSnapshot, issues: Vec<Issue>, target: YbVersion, started: Instant) -> AssessmentReport {
    let counts = complexity::LevelCounts::of(&issues);
    let (complexity_name, explanation) = complexity::complexity(counts);
    let (effort_by_type, effort_hours) = effort::effort(&issues);
    let (sizing, totals) = sizing::recommend(snap, snap.stats_age_seconds);
    let tables = snap.relations.iter().filter(|r| matches!(r.kind, 'r' | 'm'));
    let size = SourceSizeDetails {
        total_db_size: snap.database_bytes,
        total_table_size: tables.clone().map(|r| r.table_bytes).sum(),
        total_index_size: snap.indexes.iter().map(|i| i.bytes).sum(),
        total_table_row_count: tables.map(|r| r.row_estimate as i64).sum(),
    };
    let mut notes = Vec::new();
    if !snap.skipped.is_empty() {
        notes.push(format!(
            "This assessment is partial: {} check(s) were skipped; see LibvoyagerSummary.SkippedChecks.",
            snap.skipped.len()
        ));
        notes.extend(snap.skipped.iter().map(|s| s.line()));
    }
    notes.push(format!("Issues already fixed in YugabyteDB {target} are not reported."));
    AssessmentReport {
        voyager_version: crate::VOYAGER_VERSION.to_string(),
        target_db_version: target.to_string(),
        migration_complexity: complexity_name.to_string(),
        migration_complexity_explanation: explanation,
        schema_summary: SchemaSummary {
            db_name: snap.database.clone(),
            schema_names: snap.schemas.clone(),
            db_version: snap.server_version.clone(),
            database_objects: database_objects(snap, &issues),
        },
        sizing,
        table_index_stats: table_index_stats(snap),
        notes,
        summary: ReportSummary {
            issue_counts: IssueCounts {
                level1: counts.level1,
                level2: counts.level2,
                level3: counts.level3,
            },
            blocking_issue_count: counts.level3,
            effort_hours,
            effort_by_type,
            source_size_details: size,
            target_recommendations: TargetRecommendations {
                total_colocated_size: totals.colocated_bytes as i64,
                total_sharded_size: totals.sharded_bytes as i64,
            },
            assessed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            duration_ms: started.elapsed().as_millis() as u64,
            source: report::ReportSource {
                system_identifier: snap.system_identifier.clone(),
                ..Default::default()
            },
            partial: !snap.skipped.is_empty(),
            skipped_checks: snap.skipped.clone(),
            catalog_queries: snap.queries as u64,
        },
        assessment_issues: issues,
    }
}

/// SchemaSummary.DatabaseObjects: per object type, how many and how many with issues.
fn database_objects(snap: &SourceSnapshot, issues: &[Issue]) -> Vec<DatabaseObject> {
    let mut objects: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    objects
        .entry("SCHEMA")
        .or_default()
        .extend(snap.schemas.iter().cloned());
    for r in &snap.relations {
        let t = match r.kind {
            'r' | 'p' => "TABLE",
            'f' => "FOREIGN TABLE",
            'v' => "VIEW",
            'm' => "MVIEW",
            'S' => "SEQUENCE",
            _ => continue,
        };
        objects.entry(t).or_default().push(r.qualified());
    }
    for i in &snap.indexes {
        objects.entry("INDEX").or_default().push(i.name.clone());
    }
    for r in &snap.routines {
        objects
            .entry(if r.is_procedure { "PROCEDURE" } else { "FUNCTION" })
            .or_default()
            .push(r.qualified());
    }
    for t in &snap.triggers {
        objects.entry("TRIGGER").or_default().push(t.name.clone());
    }
    for p in &snap.policies {
        objects.entry("POLICY").or_default().push(p.name.clone());
    }
    for e in &snap.extensions {
        objects.entry("EXTENSION").or_default().push(e.clone());
    }
    objects
        .into_iter()
        .map(|(object_type, names)| {
            let issue_type = match object_type {
                "FOREIGN TABLE" => "FOREIGN_TABLE",
                t => t,
            };
            let invalid: HashSet<&str> = issues
                .iter()
                .filter(|i| i.object_type == issue_type || (object_type == "TABLE" && i.object_type == "COLUMN"))
                .map(|i| i.object_name.as_str())
                .collect();
            DatabaseObject {
                object_type: object_type.to_string(),
                total_count: names.len() as u64,
                invalid_count: invalid.len().min(names.len()) as u64,
                object_names: names.join(", "),
            }
        })
        .collect()
}

fn table_index_stats(snap: &SourceSnapshot) -> Vec<TableIndexStat> {
    let age = snap.stats_age_seconds.max(1.0);
    let names: std::collections::HashMap<i64, String> = snap.relations.iter().map(|r| (r.oid, r.qualified())).collect();
    let mut stats: Vec<TableIndexStat> = snap
        .relations
        .iter()
        .filter(|r| matches!(r.kind, 'r' | 'p' | 'm'))
        .map(|r| TableIndexStat {
            schema_name: r.schema.clone(),
            object_name: r.name.clone(),
            row_count: Some(r.row_estimate as i64),
            column_count: Some(r.column_count),
            reads: Some(r.reads),
            writes: Some(r.writes),
            reads_per_second: Some((r.reads as f64 / age) as i64),
            writes_per_second: Some((r.writes as f64 / age) as i64),
            is_index: false,
            object_type: if r.kind == 'm' { "materialized view" } else { "table" }.into(),
            parent_table_name: r.parent.and_then(|p| names.get(&p).cloned()),
            size_in_bytes: Some(r.total_bytes),
        })
        .collect();
    let by_oid: std::collections::HashMap<i64, &collect::Relation> =
        snap.relations.iter().map(|r| (r.oid, r)).collect();
    stats.extend(snap.indexes.iter().map(|i| {
        let table = by_oid.get(&i.rel).copied();
        TableIndexStat {
            schema_name: table.map(|t| t.schema.clone()).unwrap_or_default(),
            object_name: i.name.clone(),
            row_count: None,
            column_count: Some(i.key_columns.len() as i64),
            reads: Some(i.scans),
            writes: None,
            reads_per_second: Some((i.scans as f64 / age) as i64),
            writes_per_second: None,
            is_index: true,
            object_type: format!("{} index", i.method),
            parent_table_name: table.map(|t| t.qualified()),
            size_in_bytes: Some(i.bytes),
        }
    }));
    stats
}
