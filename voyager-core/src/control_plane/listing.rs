//! Listing the migrations of a control plane with their latest assessment: filtered and sorted
//! by the database in one query (the sort keys are a closed list, never text from the caller).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_postgres::{Client, Row};
use uuid::Uuid;

use super::AssessmentSummary;

/// What to sort by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Name,
    Complexity,
    Size,
    Effort,
    Issues,
    AssessedAt,
}

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListFilter {
    /// LOW, MEDIUM or HIGH.
    pub complexity: Option<String>,
    /// completed or failed.
    pub status: Option<String>,
    pub host: Option<String>,
    /// A part of the database name.
    pub database: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only the databases of this fleet (`voyager assess-fleet`).
    pub fleet: Option<String>,
}

/// The statuses a stored assessment has.
pub const STATUSES: [&str; 2] = ["completed", "failed"];

impl ListFilter {
    /// Refuse a status no assessment can have (it would match nothing, silently).
    pub fn check(&self) -> crate::Result<()> {
        if let Some(status) = &self.status {
            if !STATUSES.contains(&status.trim().to_lowercase().as_str()) {
                return Err(crate::Error::invalid_argument(format!(
                    "--status '{}' is not a status of an assessment: give {} (databases a fleet run is assessing \
                     now show in assess-fleet's progress)",
                    status.chars().take(40).collect::<String>(),
                    STATUSES.join(" or ")
                )));
            }
        }
        Ok(())
    }
}

/// One migration and its latest assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

pub(super) async fn list(client: &Client, f: &ListFilter) -> Result<Vec<MigrationSummary>, tokio_postgres::Error> {
    let order = f
        .sort
        .order_by()
        .replace("{dir}", if f.descending { "DESC" } else { "ASC" });
    let sql = format!(
        "SELECT s.migration_uuid, s.db_type, s.host, s.port, s.database_name, s.schemas, s.db_user, s.labels, \
                a.run, a.status, a.error, a.complexity, a.level1, a.level2, a.level3, a.total_size_bytes, a.effort_hours, a.assessed_at, \
                a.partial, a.skipped_checks \
         FROM voyager_fleet.sources s \
         LEFT JOIN voyager_fleet.assessments a ON a.migration_uuid = s.migration_uuid AND a.run = s.latest_run \
         WHERE ($1::text IS NULL OR a.complexity = upper($1)) AND ($2::text IS NULL OR a.status = lower(trim($2))) \
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
                &f.complexity,
                &f.status,
                &f.host,
                &f.database,
                &limit,
                &offset,
                &f.fleet,
            ],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| MigrationSummary {
            migration_uuid: r.get(0),
            db_type: r.get(1),
            host: r.get(2),
            port: r.get(3),
            database: r.get(4),
            schemas: r.get(5),
            user: r.get(6),
            labels: r.get(7),
            latest: r.get::<_, Option<i32>>(8).map(|_| summary_from_row(r, 8)),
        })
        .collect())
}

/// An AssessmentSummary from the columns run, status, error, complexity, level1, level2,
/// level3, total_size_bytes, effort_hours, assessed_at, partial, skipped_checks starting at `at`.
pub(super) fn summary_from_row(r: &Row, at: usize) -> AssessmentSummary {
    AssessmentSummary {
        run: r.get(at),
        status: r.get(at + 1),
        error: r.get(at + 2),
        complexity: r.get(at + 3),
        level1: r.get::<_, Option<i32>>(at + 4).unwrap_or(0),
        level2: r.get::<_, Option<i32>>(at + 5).unwrap_or(0),
        level3: r.get::<_, Option<i32>>(at + 6).unwrap_or(0),
        total_size_bytes: r.get::<_, Option<i64>>(at + 7).unwrap_or(0),
        effort_hours: r.get::<_, Option<f64>>(at + 8).unwrap_or(0.0),
        assessed_at: r.get(at + 9),
        partial: r.get::<_, Option<bool>>(at + 10).unwrap_or(false),
        skipped_checks: r.get(at + 11),
    }
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
) -> Result<Vec<(Uuid, Vec<String>)>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT s.migration_uuid, ARRAY(SELECT DISTINCT e->>'ObjectName' \
                 FROM jsonb_array_elements(coalesce(a.report->'TableIndexStats', '[]'::jsonb)) e ORDER BY 1) \
             FROM voyager_fleet.sources s JOIN voyager_fleet.assessments a \
               ON a.migration_uuid = s.migration_uuid AND a.run = s.completed_run \
             WHERE s.labels->>'fleet' = $1",
            &[&fleet],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get(0),
                r.get::<_, Vec<Option<String>>>(1).into_iter().flatten().collect(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_no_assessment_has_is_refused_naming_the_valid_ones() {
        for bad in ["running", "pending", "done", "x'; --"] {
            let filter = ListFilter {
                status: Some(bad.into()),
                ..Default::default()
            };
            let err = filter.check().unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
            assert!(err.message().contains("completed or failed"), "{err}");
        }
        for good in ["completed", "FAILED", " failed "] {
            let filter = ListFilter {
                status: Some(good.into()),
                ..Default::default()
            };
            filter.check().unwrap();
        }
    }
}
