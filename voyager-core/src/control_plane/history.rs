//! A migration's history and housekeeping: what changed between two of its assessments
//! (`control-plane diff`), and removing libvoyager's rows of a migration (`control-plane
//! forget`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::rows::{column, ColumnError};
use super::{listing, ControlPlane};
use crate::{Error, Result};

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

/// One issue of a report, by what identifies it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssueRef {
    /// The issue's Type (for example UNSUPPORTED_DATATYPE_XML).
    pub issue_type: String,
    pub object_type: String,
    pub object_name: String,
    pub impact: String,
    pub category: String,
}

/// What changed between two assessment runs of a migration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssessmentDiff {
    pub migration_uuid: Uuid,
    pub database: String,
    pub from_run: i32,
    pub to_run: i32,
    pub from_assessed_at: chrono::DateTime<chrono::Utc>,
    pub to_assessed_at: chrono::DateTime<chrono::Utc>,
    pub complexity: Change<Option<String>>,
    pub level1: Change<i32>,
    pub level2: Change<i32>,
    pub level3: Change<i32>,
    pub total_size_bytes: Change<i64>,
    pub effort_hours: Change<f64>,
    /// Issues in the later run only.
    pub added: Vec<IssueRef>,
    /// Issues in the earlier run only.
    pub removed: Vec<IssueRef>,
}

/// What `forget` removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ForgetOutcome {
    pub migration_uuid: Uuid,
    pub database: Option<String>,
    pub assessments_removed: u64,
    pub sources_removed: u64,
    pub queue_items_removed: u64,
    /// yugabyted's rows (only with `include_yugabyted`).
    pub yugabyted_rows_removed: u64,
    /// yugabyted's rows left in place (without `include_yugabyted`).
    pub yugabyted_rows_kept: u64,
}

/// The issues of a report as a set, each with its count (the same issue may repeat).
fn issues(report: &Value) -> BTreeMap<IssueRef, usize> {
    let mut set = BTreeMap::new();
    for i in report
        .get("AssessmentIssues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| i.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let key = IssueRef {
            issue_type: text("Type"),
            object_type: text("ObjectType"),
            object_name: text("ObjectName"),
            impact: text("Impact"),
            category: text("Category"),
        };
        *set.entry(key).or_insert(0) += 1;
    }
    set
}

/// The issues of `to` that `from` lacks (counting repeats).
fn missing_from(to: &BTreeMap<IssueRef, usize>, from: &BTreeMap<IssueRef, usize>) -> Vec<IssueRef> {
    let mut out = Vec::new();
    for (issue, n) in to {
        let had = from.get(issue).copied().unwrap_or(0);
        for _ in had..*n {
            out.push(issue.clone());
        }
    }
    out
}

impl ControlPlane {
    /// What changed between two completed assessment runs of a migration: `to` defaults to
    /// the latest completed run, `from` to the completed run before `to`.
    pub async fn diff(&self, uuid: Uuid, from: Option<i32>, to: Option<i32>) -> Result<AssessmentDiff> {
        let not_ours = || {
            Error::not_found(format!(
                "the control plane {} has no assessment of migration {uuid} stored by libvoyager: check the UUID \
                 (voyager control-plane list); a migration only yb-voyager recorded has no history to compare",
                self.redacted()
            ))
        };
        if !self.has_tables() {
            return Err(not_ours());
        }
        let client = self.client.lock().await;
        let read = async {
            let database: Option<String> = client
                .query_opt(
                    "SELECT database_name FROM voyager_fleet.sources WHERE migration_uuid = $1",
                    &[&uuid],
                )
                .await?
                .map(|r| column(&r, "database_name"))
                .transpose()?;
            let runs: Vec<i32> = client
                .query(
                    "SELECT run FROM voyager_fleet.assessments WHERE migration_uuid = $1 AND status = 'completed' ORDER BY run",
                    &[&uuid],
                )
                .await?
                .iter()
                .map(|r| column(r, "run"))
                .collect::<Result<_, ColumnError>>()?;
            Ok::<_, ColumnError>((database, runs))
        };
        let (database, runs) = read
            .await
            .map_err(|e| self.unreadable("could not read the control plane", e))?;
        let Some(database) = database else {
            return Err(not_ours());
        };
        let shown = |runs: &[i32]| runs.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
        let check = |run: i32, flag: &str| {
            if runs.contains(&run) {
                Ok(run)
            } else {
                Err(Error::invalid_argument(format!(
                    "migration {uuid} has no completed run {run} ({flag}): its completed runs are {}",
                    if runs.is_empty() {
                        "none".to_string()
                    } else {
                        shown(&runs)
                    }
                )))
            }
        };
        let to = match to {
            Some(run) => check(run, "\u{E000}to_run\u{E001}")?,
            None => *runs.last().ok_or_else(|| {
                Error::not_found(format!(
                    "migration {uuid} has no completed assessment yet: assess it first"
                ))
            })?,
        };
        let from = match from {
            Some(run) => check(run, "\u{E000}from_run\u{E001}")?,
            None => *runs.iter().rev().find(|r| **r < to).ok_or_else(|| {
                Error::not_found(format!(
                    "migration {uuid} has no completed assessment before run {to} to compare with (completed runs: {}): \
                     assess it again, or give \u{E000}from_run\u{E001} and \u{E000}to_run\u{E001}",
                    shown(&runs)
                ))
            })?,
        };
        let read = async {
            let mut found = Vec::new();
            for run in [from, to] {
                let r = client
                    .query_one(
                        "SELECT run, status, error, complexity, level1, level2, level3, total_size_bytes, effort_hours, \
                                assessed_at, partial, skipped_checks, report \
                         FROM voyager_fleet.assessments WHERE migration_uuid = $1 AND run = $2",
                        &[&uuid, &run],
                    )
                    .await?;
                let summary = listing::summary_from_row(&r)?;
                let report: Option<Value> = column(&r, "report")?;
                found.push((summary, report.unwrap_or(Value::Null)));
            }
            Ok::<_, ColumnError>(found)
        };
        let mut found = read
            .await
            .map_err(|e| self.unreadable("could not read the assessments", e))?;
        let (b, b_report) = found.pop().unwrap_or_else(|| unreachable!("two runs were read"));
        let (a, a_report) = found.pop().unwrap_or_else(|| unreachable!("two runs were read"));
        let (before, after) = (issues(&a_report), issues(&b_report));
        Ok(AssessmentDiff {
            migration_uuid: uuid,
            database,
            from_run: from,
            to_run: to,
            from_assessed_at: a.assessed_at,
            to_assessed_at: b.assessed_at,
            complexity: Change {
                from: a.complexity,
                to: b.complexity,
            },
            level1: Change {
                from: a.level1,
                to: b.level1,
            },
            level2: Change {
                from: a.level2,
                to: b.level2,
            },
            level3: Change {
                from: a.level3,
                to: b.level3,
            },
            total_size_bytes: Change {
                from: a.total_size_bytes,
                to: b.total_size_bytes,
            },
            effort_hours: Change {
                from: a.effort_hours,
                to: b.effort_hours,
            },
            added: missing_from(&after, &before),
            removed: missing_from(&before, &after),
        })
    }

    /// Remove libvoyager's rows of a migration (its source, assessments and fleet queue items),
    /// in one transaction. yugabyted's rows stay unless `include_yugabyted`. A migration with
    /// nothing to remove is an error.
    pub async fn forget(&self, uuid: Uuid, include_yugabyted: bool) -> Result<ForgetOutcome> {
        self.check_writable()?;
        let outcome = transact!(self, "could not forget the migration", |tx| {
            let database: Option<String> = tx
                .query_opt(
                    "SELECT database_name FROM voyager_fleet.sources WHERE migration_uuid = $1",
                    &[&uuid],
                )
                .await?
                .map(|r| r.try_get("database_name"))
                .transpose()?;
            let assessments = tx
                .execute(
                    "DELETE FROM voyager_fleet.assessments WHERE migration_uuid = $1",
                    &[&uuid],
                )
                .await?;
            let queue = tx
                .execute(
                    "DELETE FROM voyager_fleet.work_queue WHERE migration_uuid = $1",
                    &[&uuid],
                )
                .await?;
            let sources = tx
                .execute("DELETE FROM voyager_fleet.sources WHERE migration_uuid = $1", &[&uuid])
                .await?;
            let (removed, kept) = if include_yugabyted {
                let n = tx
                    .execute(
                        "DELETE FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata WHERE migration_uuid = $1",
                        &[&uuid],
                    )
                    .await?;
                (n, 0)
            } else {
                let n: i64 = tx
                    .query_one(
                        "SELECT count(*) AS n FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata WHERE migration_uuid = $1",
                        &[&uuid],
                    )
                    .await?
                    .try_get("n")?;
                (0, n as u64)
            };
            Ok(ForgetOutcome {
                migration_uuid: uuid,
                database,
                assessments_removed: assessments,
                sources_removed: sources,
                queue_items_removed: queue,
                yugabyted_rows_removed: removed,
                yugabyted_rows_kept: kept,
            })
        })?;
        if outcome.sources_removed
            + outcome.assessments_removed
            + outcome.queue_items_removed
            + outcome.yugabyted_rows_removed
            == 0
        {
            let hint = if outcome.yugabyted_rows_kept > 0 {
                " (only yugabyted's rows hold it: add \u{E000}include_yugabyted\u{E001} to remove them)"
            } else {
                ": check the UUID (voyager control-plane list)"
            };
            return Err(Error::not_found(format!(
                "the control plane {} holds nothing of migration {uuid} to forget{hint}",
                self.redacted()
            )));
        }
        Ok(outcome)
    }
}

/// `control-plane diff`: connect (reading only) and compare two runs.
pub async fn diff(control_plane: &str, uuid: &str, from: Option<i32>, to: Option<i32>) -> Result<AssessmentDiff> {
    let uuid = super::parse_uuid(uuid)?;
    ControlPlane::open(control_plane).await?.diff(uuid, from, to).await
}

/// `control-plane forget`: remove a migration's rows (the caller has confirmed).
pub async fn forget(control_plane: &str, uuid: &str, include_yugabyted: bool) -> Result<ForgetOutcome> {
    let uuid = super::parse_uuid(uuid)?;
    ControlPlane::connect(control_plane)
        .await?
        .forget(uuid, include_yugabyted)
        .await
}
