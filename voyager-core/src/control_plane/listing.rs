//! Listing the migrations of a control plane with their latest assessment: filtered and sorted
//! by the database in one query (the sort keys are a closed list, never text from the caller).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_postgres::{Client, Row};
use uuid::Uuid;

use super::rows::{column, ColumnError};
use super::{AssessmentSummary, Origin};

pub use crate::vocabulary::SortKey;
use crate::vocabulary::{AssessmentStatus, Complexity};

impl SortKey {
    fn order_by(self) -> &'static str {
        match self {
            SortKey::Name => "s.database_name {dir}, s.host {dir}, s.migration_uuid",
            SortKey::Complexity => {
                "CASE a.complexity WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 1 ELSE 0 END {dir}, s.database_name, s.migration_uuid"
            }
            SortKey::Size => "a.total_size_bytes {dir} NULLS LAST, s.database_name, s.migration_uuid",
            SortKey::Effort => "a.effort_hours {dir} NULLS LAST, s.database_name, s.migration_uuid",
            SortKey::Issues => "a.level3 {dir} NULLS LAST, a.level2 {dir}, a.level1 {dir}, s.database_name, s.migration_uuid",
            SortKey::AssessedAt => "a.assessed_at {dir} NULLS LAST, s.database_name, s.migration_uuid",
        }
    }
}

/// Which migrations to list, and how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ListFilter {
    /// LOW, MEDIUM or HIGH.
    pub complexity: Option<Complexity>,
    /// completed, failed or not assessed.
    pub status: Option<AssessmentStatus>,
    pub host: Option<String>,
    /// A part of the database name.
    pub database: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only the databases of this fleet (`voyager assess-fleet`).
    pub fleet: Option<String>,
    /// One row per migration UUID instead of one per source database.
    pub per_migration: bool,
}

/// One migration and its latest assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MigrationSummary {
    pub migration_uuid: Uuid,
    pub db_type: String,
    pub host: String,
    pub port: i32,
    pub database: String,
    pub schemas: Vec<String>,
    pub user: Option<String>,
    pub labels: Value,
    pub latest: Option<AssessmentSummary>,
    /// Who recorded it: libvoyager, or only yb-voyager (yugabyted's table).
    #[serde(default)]
    pub origin: Origin,
    /// The source database's identity (server identity or host:port, plus the database).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// In the one-row-per-database listing: every migration of this database, with its runs
    /// (this row shows the latest completed assessment among them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub migrations: Vec<MigrationRuns>,
}

/// One migration UUID of a source database, and its assessment runs (latest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MigrationRuns {
    pub migration_uuid: Uuid,
    pub origin: Origin,
    /// The fleet it belongs to, when a fleet run made it.
    pub fleet: Option<String>,
    pub runs: Vec<RunBrief>,
}

/// One assessment run, briefly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunBrief {
    pub run: i32,
    pub status: AssessmentStatus,
    pub complexity: Option<String>,
    pub assessed_at: chrono::DateTime<chrono::Utc>,
}

impl SortKey {
    /// Compare two rows as the SQL ORDER BY of this key does (ascending; NULLs last).
    pub(super) fn compare(self, a: &MigrationSummary, b: &MigrationSummary, descending: bool) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let dir = |o: Ordering| if descending { o.reverse() } else { o };
        // Present values in the chosen direction, missing ones last either way.
        fn nulls_last<T: PartialOrd>(a: Option<T>, b: Option<T>, dir: impl Fn(Ordering) -> Ordering) -> Ordering {
            match (a, b) {
                (Some(x), Some(y)) => dir(x.partial_cmp(&y).unwrap_or(Ordering::Equal)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        let name = |a: &MigrationSummary, b: &MigrationSummary| {
            a.database
                .cmp(&b.database)
                .then_with(|| a.migration_uuid.cmp(&b.migration_uuid))
        };
        let la = a.latest.as_ref();
        let lb = b.latest.as_ref();
        match self {
            SortKey::Name => dir(a.database.cmp(&b.database))
                .then_with(|| dir(a.host.cmp(&b.host)))
                .then_with(|| a.migration_uuid.cmp(&b.migration_uuid)),
            SortKey::Complexity => {
                let weight =
                    |l: Option<&AssessmentSummary>| Complexity::weight(l.and_then(|l| l.complexity.as_deref()));
                dir(weight(la).cmp(&weight(lb))).then_with(|| name(a, b))
            }
            SortKey::Size => {
                nulls_last(la.map(|l| l.total_size_bytes), lb.map(|l| l.total_size_bytes), dir).then_with(|| name(a, b))
            }
            SortKey::Effort => {
                nulls_last(la.map(|l| l.effort_hours), lb.map(|l| l.effort_hours), dir).then_with(|| name(a, b))
            }
            SortKey::Issues => nulls_last(
                la.map(|l| (l.level3, l.level2, l.level1)),
                lb.map(|l| (l.level3, l.level2, l.level1)),
                dir,
            )
            .then_with(|| name(a, b)),
            SortKey::AssessedAt => {
                nulls_last(la.map(|l| l.assessed_at), lb.map(|l| l.assessed_at), dir).then_with(|| name(a, b))
            }
        }
    }
}

impl ListFilter {
    /// Whether a row passes the filter (as the SQL WHERE of [`list`] does).
    pub(super) fn accepts(&self, m: &MigrationSummary) -> bool {
        let l = m.latest.as_ref();
        self.complexity
            .is_none_or(|c| l.and_then(|l| l.complexity.as_deref()) == Some(c.as_str()))
            && self
                .status
                .is_none_or(|s| l.map_or(AssessmentStatus::NotAssessed, |l| l.status) == s)
            && self
                .host
                .as_ref()
                .is_none_or(|h| super::databases::same_host(&m.host, h))
            && self.database.as_ref().is_none_or(|d| m.database.contains(d.as_str()))
    }
}

pub(super) async fn list(
    client: &Client,
    f: &ListFilter,
    schema: super::schema::SchemaState,
) -> Result<Vec<MigrationSummary>, ColumnError> {
    let order = f
        .sort
        .order_by()
        .replace("{dir}", if f.descending { "DESC" } else { "ASC" });
    let identity = super::schema::source_identity_sql(schema);
    let partial = super::schema::partial_sql(schema);
    let sql = format!(
        "SELECT s.migration_uuid, s.db_type, s.host, s.port, s.database_name, s.schemas, s.db_user, s.labels, \
                a.run, a.status, a.error, a.complexity, a.level1, a.level2, a.level3, a.total_size_bytes, a.effort_hours, a.assessed_at, \
                {partial}, {identity} AS source_identity \
         FROM voyager_fleet.sources s \
         LEFT JOIN voyager_fleet.assessments a ON a.migration_uuid = s.migration_uuid AND a.run = s.latest_run \
         WHERE ($1::text IS NULL OR a.complexity = $1) \
           AND ($2::text IS NULL OR a.status = $2 OR ($2 = 'not assessed' AND a.run IS NULL)) \
           AND ($3::text IS NULL OR s.host = $3) AND ($4::text IS NULL OR strpos(s.database_name, $4) > 0) \
           AND ($7::text IS NULL OR s.labels->>'fleet' = $7) \
         ORDER BY {order} LIMIT $5 OFFSET $6"
    );
    let limit = f.limit.unwrap_or(i64::MAX).max(0);
    let offset = f.offset.unwrap_or(0).max(0);
    let rows = client
        .query(
            &sql,
            &[
                &f.complexity.map(Complexity::as_str),
                &f.status.map(AssessmentStatus::as_str),
                &f.host,
                &f.database,
                &limit,
                &offset,
                &f.fleet,
            ],
        )
        .await?;
    rows.iter().map(source_from_row).collect()
}

/// A MigrationSummary from a row of voyager_fleet.sources (with the assessment's columns, when
/// joined), by column name.
pub(super) fn source_from_row(r: &Row) -> Result<MigrationSummary, ColumnError> {
    let has_run = r.columns().iter().any(|c| c.name() == "run");
    let latest = if has_run && column::<Option<i32>>(r, "run")?.is_some() {
        Some(summary_from_row(r)?)
    } else {
        None
    };
    Ok(MigrationSummary {
        migration_uuid: column(r, "migration_uuid")?,
        db_type: column(r, "db_type")?,
        host: column(r, "host")?,
        port: column(r, "port")?,
        database: column(r, "database_name")?,
        schemas: column(r, "schemas")?,
        user: column(r, "db_user")?,
        labels: column(r, "labels")?,
        latest,
        origin: Origin::Libvoyager,
        identity: column(r, "source_identity")?,
        migrations: Vec::new(),
    })
}

/// An AssessmentSummary from the columns run, status, error, complexity, level1, level2,
/// level3, total_size_bytes, effort_hours, assessed_at, partial, skipped_checks (by name).
pub(super) fn summary_from_row(r: &Row) -> Result<AssessmentSummary, ColumnError> {
    Ok(AssessmentSummary {
        run: column(r, "run")?,
        status: status_column(r)?,
        error: column(r, "error")?,
        complexity: column(r, "complexity")?,
        level1: column::<Option<i32>>(r, "level1")?.unwrap_or(0),
        level2: column::<Option<i32>>(r, "level2")?.unwrap_or(0),
        level3: column::<Option<i32>>(r, "level3")?.unwrap_or(0),
        total_size_bytes: column::<Option<i64>>(r, "total_size_bytes")?.unwrap_or(0),
        effort_hours: column::<Option<f64>>(r, "effort_hours")?.unwrap_or(0.0),
        assessed_at: column(r, "assessed_at")?,
        partial: column::<Option<bool>>(r, "partial")?.unwrap_or(false),
        skipped_checks: column(r, "skipped_checks")?,
    })
}

/// The stored status column, as the closed list it is.
pub(super) fn status_column(r: &Row) -> Result<AssessmentStatus, ColumnError> {
    let text: String = column(r, "status")?;
    text.parse()
        .map_err(|_| ColumnError::Column(format!("the stored column status holds '{text}', not a status")))
}

/// The indexed summary columns of a report (ours or yb-voyager's; missing keys give zeros).
pub(super) struct SummaryColumns {
    pub complexity: Option<String>,
    pub level1: i32,
    pub level2: i32,
    pub level3: i32,
    pub total_size_bytes: i64,
    pub row_count: i64,
    pub effort_hours: f64,
    pub target_db_version: Option<String>,
    pub partial: bool,
    /// One line per skipped check (None when none was skipped).
    pub skipped_checks: Option<String>,
}

pub(super) fn summary_columns(report: &Value) -> SummaryColumns {
    let view = crate::summary::AssessmentSummaryView::from_report(report);
    SummaryColumns {
        complexity: report
            .get("MigrationComplexity")
            .and_then(Value::as_str)
            .map(str::to_string),
        level1: view.level1 as i32,
        level2: view.level2 as i32,
        level3: view.level3 as i32,
        total_size_bytes: view.total_size_bytes as i64,
        row_count: report
            .pointer("/LibvoyagerSummary/SourceSizeDetails/TotalTableRowCount")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        effort_hours: view.effort_hours,
        target_db_version: report
            .get("TargetDBVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
        partial: view.partial,
        skipped_checks: (!view.skipped_checks.is_empty()).then(|| view.skipped_checks.join("\n")),
    }
}

/// The unqualified names of the tables and indexes of each fleet member's latest completed
/// report, sorted: what tells near-identical schemas apart.
pub(super) async fn object_names(
    client: &Client,
    fleet: &str,
    schema: super::schema::SchemaState,
) -> Result<Vec<(Uuid, Vec<i64>)>, ColumnError> {
    let rows = client
        .query(
            &format!(
                "SELECT s.migration_uuid, {} AS names \
                 FROM voyager_fleet.sources s JOIN voyager_fleet.assessments a \
                   ON a.migration_uuid = s.migration_uuid AND a.run = s.completed_run \
                 WHERE s.labels->>'fleet' = $1",
                names_sql(schema)
            ),
            &[&fleet],
        )
        .await?;
    names_of(&rows)
}

/// The table and index names of each migration's latest completed assessment (one scan, no
/// report read where the names were stored with it), as (migration, run, names).
pub(super) async fn object_names_of_completed(
    client: &Client,
    schema: super::schema::SchemaState,
) -> Result<Vec<(Uuid, i32, Vec<i64>)>, ColumnError> {
    let rows = client
        .query(
            &format!(
                "SELECT a.migration_uuid, a.run, {} AS names \
                 FROM voyager_fleet.sources s JOIN voyager_fleet.assessments a \
                   ON a.migration_uuid = s.migration_uuid AND a.run = s.completed_run",
                names_sql(schema)
            ),
            &[],
        )
        .await?;
    let runs: Vec<i32> = rows.iter().map(|r| column(r, "run")).collect::<Result<_, _>>()?;
    Ok(names_of(&rows)?
        .into_iter()
        .zip(runs)
        .map(|((uuid, names), run)| (uuid, run, names))
        .collect())
}

/// The SQL of an assessment `a`'s table and index names as [`super::name_hashes`]: stored
/// with it (schema version 5 on), else computed from the names stored with it (version 4), else
/// from its report (older: readers upgrade nothing).
fn names_sql(schema: super::schema::SchemaState) -> String {
    use super::schema::has_version;
    let from_report = "ARRAY(SELECT e->>'ObjectName' \
         FROM pg_catalog.jsonb_array_elements(coalesce(a.report->'TableIndexStats', '[]'::jsonb)) e)";
    let names = if has_version(schema, 4) {
        format!("coalesce(a.object_names, {from_report})")
    } else {
        from_report.to_string()
    };
    let computed = super::names::hashes_sql(&names);
    if has_version(schema, 5) {
        format!("coalesce(a.object_name_hashes, {computed})")
    } else {
        computed
    }
}

/// The same for the given (migration, run) pairs.
pub(super) async fn object_names_of_runs(
    client: &Client,
    uuids: &[Uuid],
    runs: &[i32],
    schema: super::schema::SchemaState,
) -> Result<Vec<(Uuid, Vec<i64>)>, ColumnError> {
    let names = names_sql(schema);
    let rows = client
        .query(
            &format!(
                "SELECT a.migration_uuid, {names} AS names \
                 FROM voyager_fleet.assessments a \
                 JOIN ROWS FROM (pg_catalog.unnest($1::uuid[]), pg_catalog.unnest($2::int[])) AS w(migration_uuid, run) \
                   ON a.migration_uuid = w.migration_uuid AND a.run = w.run"
            ),
            &[&uuids, &runs],
        )
        .await?;
    names_of(&rows)
}

fn names_of(rows: &[Row]) -> Result<Vec<(Uuid, Vec<i64>)>, ColumnError> {
    rows.iter()
        .map(|r| {
            let mut hashes: Vec<i64> = column(r, "names")?;
            hashes.sort_unstable();
            hashes.dedup();
            Ok((column(r, "migration_uuid")?, hashes))
        })
        .collect()
}

/// The sorted table and index names of a report (ours or yb-voyager's).
pub(super) fn report_object_names(report: &Value) -> Vec<String> {
    let mut names: Vec<String> = report
        .get("TableIndexStats")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get("ObjectName").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}
