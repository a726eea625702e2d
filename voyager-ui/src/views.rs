//! What each page shows, as data: the same structures the `/api/...` endpoints return and the
//! templates render. The ranking is the core's (`voyager rank`): every database once, ranked over
//! the whole control plane; the table's filters narrow what is shown, never the ranks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;
use voyager_core::control_plane::{AssessmentDiff, ControlPlane, ListFilter, MigrationDetails, MigrationSummary};
use voyager_core::fleet::rank::Weights;
use voyager_core::ranking::{rank_with, RankRequest, RankedDatabase};
use voyager_core::vocabulary::AssessmentStatus;
use voyager_core::{Error, Result};

/// The overview's counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Overview {
    /// The control plane, redacted.
    pub control_plane: String,
    pub databases: usize,
    /// LOW, MEDIUM, HIGH, and "none" for databases without a completed assessment.
    pub by_complexity: BTreeMap<String, usize>,
    /// "1", "2", "3", and "none".
    pub by_wave: BTreeMap<String, usize>,
    /// completed, failed, not assessed.
    pub by_status: BTreeMap<String, usize>,
    /// Databases whose latest assessment skipped some check.
    pub partial: usize,
    pub fleets: Vec<String>,
    pub total_size_bytes: i64,
    pub effort_hours: f64,
}

/// The ranked table's sort, filters and page, as the query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TableQuery {
    /// One of [`SORT_KEYS`]; rank by default.
    pub sort: Option<String>,
    /// asc or desc.
    pub dir: Option<String>,
    pub fleet: Option<String>,
    /// key=value
    pub label: Option<String>,
    pub host: Option<String>,
    /// LOW, MEDIUM or HIGH.
    pub complexity: Option<String>,
    /// 1, 2, 3 or none.
    pub wave: Option<String>,
    /// "yes": only partial assessments.
    pub partial: Option<String>,
    /// Text anywhere in the database, host, identity, labels or reasons.
    pub q: Option<String>,
    /// From 1.
    pub page: Option<usize>,
    /// At most [`MAX_PER_PAGE`].
    pub per_page: Option<usize>,
}

/// The columns the ranked table sorts by.
pub const SORT_KEYS: [&str; 12] = [
    "rank",
    "wave",
    "score",
    "database",
    "host",
    "complexity",
    "level3",
    "level2",
    "level1",
    "size",
    "effort",
    "status",
];
pub const DEFAULT_PER_PAGE: usize = 50;
pub const MAX_PER_PAGE: usize = 500;

/// One page of the ranked table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TablePage {
    /// Databases in the control plane.
    pub total: usize,
    /// Databases that pass the filters.
    pub matched: usize,
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    pub sort: String,
    pub dir: String,
    pub rows: Vec<RankedDatabase>,
}

/// One database: its latest assessment and runs, its place in the ranking, its issues by
/// category, a diff of two runs, and the command that starts its migration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseView {
    pub details: MigrationDetails,
    /// Its row in the ranking (None when it is not ranked, e.g. an older migration UUID of a
    /// database whose newer one is shown).
    pub ranked: Option<RankedDatabase>,
    pub issue_groups: Vec<IssueGroup>,
    /// The diff of the two runs asked for (the latest two by default), when there are two.
    pub diff: Option<AssessmentDiff>,
    /// Why there is no diff, when there is none.
    pub diff_note: Option<String>,
    /// `voyager start-migration ...`, without any password.
    pub start_migration_command: String,
}

/// The issues of one category.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueGroup {
    pub category: String,
    pub issues: Vec<IssueRow>,
}

/// One issue as the report holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueRow {
    pub issue_type: String,
    pub name: String,
    pub impact: String,
    pub object_type: String,
    pub object_name: String,
    pub sql_statement: String,
    /// Only an https link; anything else in a report is not a link.
    pub docs_link: Option<String>,
}

/// One fleet: its members' states and its failures with their reasons.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FleetView {
    pub name: String,
    pub databases: usize,
    pub completed: usize,
    pub failed: usize,
    pub not_assessed: usize,
    pub failures: Vec<FleetFailure>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FleetFailure {
    pub migration_uuid: Uuid,
    pub database: String,
    pub host: String,
    pub port: i32,
    pub error: String,
}

/// Every database, ranked over the whole control plane.
pub async fn ranking(cp: &ControlPlane, weights: &Weights) -> Result<Vec<RankedDatabase>> {
    rank_with(cp, &RankRequest::default(), weights).await
}

pub fn overview(control_plane: String, ranked: &[RankedDatabase], fleets: Vec<String>) -> Overview {
    let mut o = Overview {
        control_plane,
        databases: ranked.len(),
        fleets,
        ..Overview::default()
    };
    for key in ["LOW", "MEDIUM", "HIGH", "none"] {
        o.by_complexity.insert(key.into(), 0);
    }
    for key in ["1", "2", "3", "none"] {
        o.by_wave.insert(key.into(), 0);
    }
    for key in ["completed", "failed", "not assessed"] {
        o.by_status.insert(key.into(), 0);
    }
    for d in ranked {
        let r = &d.ranked;
        *o.by_complexity
            .entry(r.complexity.clone().unwrap_or_else(|| "none".into()))
            .or_default() += 1;
        *o.by_wave
            .entry(r.wave.map(|w| w.to_string()).unwrap_or_else(|| "none".into()))
            .or_default() += 1;
        *o.by_status.entry(r.status.as_str().to_string()).or_default() += 1;
        o.partial += usize::from(r.partial);
        o.total_size_bytes += r.total_size_bytes;
        o.effort_hours += r.effort_hours;
    }
    o
}

impl TableQuery {
    fn sort_key(&self) -> Result<&str> {
        let sort = self.sort.as_deref().filter(|s| !s.is_empty()).unwrap_or("rank");
        SORT_KEYS
            .iter()
            .find(|k| **k == sort)
            .copied()
            .ok_or_else(|| Error::invalid_argument(format!("sort '{sort}' is not one of {}", SORT_KEYS.join(", "))))
    }

    fn descending(&self) -> Result<bool> {
        match self.dir.as_deref().unwrap_or("asc") {
            "" | "asc" => Ok(false),
            "desc" => Ok(true),
            other => Err(Error::invalid_argument(format!("dir '{other}' is not asc or desc"))),
        }
    }

    fn checked(&self) -> Result<Filters> {
        let complexity = match self.complexity.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) if ["LOW", "MEDIUM", "HIGH"].contains(&c.to_uppercase().as_str()) => Some(c.to_uppercase()),
            Some(c) => {
                return Err(Error::invalid_argument(format!(
                    "complexity '{c}' is not LOW, MEDIUM or HIGH"
                )))
            }
        };
        let wave = match self.wave.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            None => None,
            Some("none") => Some(None),
            Some(w) => match w.parse::<u8>() {
                Ok(n @ 1..=3) => Some(Some(n)),
                _ => return Err(Error::invalid_argument(format!("wave '{w}' is not 1, 2, 3 or none"))),
            },
        };
        let label = match self.label.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(l) => match l.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => Some((k.trim().to_string(), v.trim().to_string())),
                _ => return Err(Error::invalid_argument(format!("label '{l}' is not key=value"))),
            },
        };
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(Error::invalid_argument(format!(
                "per_page {per_page} is not between 1 and {MAX_PER_PAGE}"
            )));
        }
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        Ok(Filters {
            fleet: text(&self.fleet),
            host: text(&self.host),
            q: text(&self.q).map(|q| q.to_lowercase()),
            partial: matches!(self.partial.as_deref(), Some("yes" | "true" | "on" | "1")),
            complexity,
            wave,
            label,
            per_page,
        })
    }
}

struct Filters {
    fleet: Option<String>,
    host: Option<String>,
    q: Option<String>,
    partial: bool,
    complexity: Option<String>,
    wave: Option<Option<u8>>,
    label: Option<(String, String)>,
    per_page: usize,
}

impl Filters {
    fn accepts(&self, d: &RankedDatabase) -> bool {
        let r = &d.ranked;
        self.fleet.as_ref().is_none_or(|f| d.fleets.contains(f))
            && self
                .host
                .as_ref()
                .is_none_or(|h| voyager_core::control_plane::same_host(&r.host, h))
            && self
                .complexity
                .as_ref()
                .is_none_or(|c| r.complexity.as_deref() == Some(c.as_str()))
            && self.wave.is_none_or(|w| r.wave == w)
            && (!self.partial || r.partial)
            && self
                .label
                .as_ref()
                .is_none_or(|(k, v)| r.labels.get(k).is_some_and(|found| found.eq_ignore_ascii_case(v)))
            && self.q.as_ref().is_none_or(|q| {
                [&r.database, &r.host, &d.identity, &r.why]
                    .iter()
                    .any(|t| t.to_lowercase().contains(q.as_str()))
                    || r.labels
                        .iter()
                        .any(|(k, v)| format!("{k}={v}").to_lowercase().contains(q.as_str()))
                    || r.migration_uuid.to_string().contains(q.as_str())
            })
    }
}

/// The page of the ranked table that `query` asks for.
pub fn table(ranked: &[RankedDatabase], query: &TableQuery) -> Result<TablePage> {
    let sort = query.sort_key()?;
    let descending = query.descending()?;
    let filters = query.checked()?;
    let total = ranked.len();
    let mut rows: Vec<&RankedDatabase> = ranked.iter().filter(|d| filters.accepts(d)).collect();
    sort_rows(&mut rows, sort);
    if descending {
        rows.reverse();
    }
    let matched = rows.len();
    let pages = matched.div_ceil(filters.per_page).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = rows
        .into_iter()
        .skip((page - 1) * filters.per_page)
        .take(filters.per_page)
        .cloned()
        .collect();
    Ok(TablePage {
        total,
        matched,
        page,
        pages,
        per_page: filters.per_page,
        sort: sort.to_string(),
        dir: if descending { "desc" } else { "asc" }.into(),
        rows,
    })
}

/// Sort by a column, ties by rank; rows without a value (no assessment) last.
fn sort_rows(rows: &mut [&RankedDatabase], key: &str) {
    let complexity = |c: &Option<String>| match c.as_deref() {
        Some("LOW") => 0,
        Some("MEDIUM") => 1,
        Some("HIGH") => 2,
        _ => 3,
    };
    rows.sort_by(|a, b| {
        let (x, y) = (&a.ranked, &b.ranked);
        let by = match key {
            "wave" => x.wave.unwrap_or(u8::MAX).cmp(&y.wave.unwrap_or(u8::MAX)),
            "score" => x
                .score
                .unwrap_or(f64::INFINITY)
                .total_cmp(&y.score.unwrap_or(f64::INFINITY)),
            "database" => x.database.cmp(&y.database),
            "host" => (&x.host, x.port).cmp(&(&y.host, y.port)),
            "complexity" => complexity(&x.complexity).cmp(&complexity(&y.complexity)),
            "level3" => x.level3.cmp(&y.level3),
            "level2" => x.level2.cmp(&y.level2),
            "level1" => x.level1.cmp(&y.level1),
            "size" => x.total_size_bytes.cmp(&y.total_size_bytes),
            "effort" => x.effort_hours.total_cmp(&y.effort_hours),
            "status" => x.status.as_str().cmp(y.status.as_str()),
            _ => std::cmp::Ordering::Equal,
        };
        by.then(x.rank.cmp(&y.rank))
    });
}

/// One database's page, for the migration `uuid`; `from`/`to` choose the runs to diff.
pub async fn database(
    cp: &ControlPlane,
    ranked: &[RankedDatabase],
    uuid: Uuid,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<DatabaseView> {
    let details = voyager_core::control_plane::details(cp, uuid).await?;
    let ranked = ranked
        .iter()
        .find(|d| d.ranked.migration_uuid == uuid || d.migrations.iter().any(|m| m.migration_uuid == uuid))
        .cloned();
    let completed_runs = details
        .history
        .iter()
        .filter(|r| r.status == AssessmentStatus::Completed)
        .count();
    let (diff, diff_note) = if completed_runs < 2 && from.is_none() && to.is_none() {
        (
            None,
            Some("one completed assessment so far: a diff needs two".to_string()),
        )
    } else {
        match cp.diff(uuid, from, to).await {
            Ok(diff) => (Some(diff), None),
            Err(e)
                if e.kind() == voyager_core::ErrorKind::InvalidArgument
                    || e.kind() == voyager_core::ErrorKind::NotFound =>
            {
                (None, Some(e.message()))
            }
            Err(e) => return Err(e),
        }
    };
    let source = &details.latest.source;
    let start_migration_command = voyager_core::shell::resume_command(&cp.redacted(), &source.database, uuid);
    Ok(DatabaseView {
        issue_groups: issue_groups(&details.latest.report),
        details,
        ranked,
        diff,
        diff_note,
        start_migration_command,
    })
}

/// The report's issues by category, in the report's order.
fn issue_groups(report: &Value) -> Vec<IssueGroup> {
    let mut groups: Vec<IssueGroup> = Vec::new();
    let text = |i: &Value, key: &str| i.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    for i in report
        .get("AssessmentIssues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let category = text(i, "Category");
        let row = IssueRow {
            issue_type: text(i, "Type"),
            name: text(i, "Name"),
            impact: text(i, "Impact"),
            object_type: text(i, "ObjectType"),
            object_name: text(i, "ObjectName"),
            sql_statement: text(i, "SqlStatement"),
            docs_link: Some(text(i, "DocsLink")).filter(|l| l.starts_with("https://")),
        };
        match groups.iter_mut().find(|g| g.category == category) {
            Some(g) => g.issues.push(row),
            None => groups.push(IssueGroup {
                category,
                issues: vec![row],
            }),
        }
    }
    groups
}

/// Every fleet of the control plane, with its failures.
pub async fn fleets(cp: &ControlPlane) -> Result<Vec<FleetView>> {
    let mut views = Vec::new();
    for name in cp.fleet_names().await? {
        let filter = ListFilter {
            fleet: Some(name.clone()),
            per_migration: true,
            ..ListFilter::default()
        };
        let members = cp.list(&filter).await?;
        views.push(fleet_view(name, &members));
    }
    Ok(views)
}

fn fleet_view(name: String, members: &[MigrationSummary]) -> FleetView {
    let mut view = FleetView {
        name,
        databases: members.len(),
        completed: 0,
        failed: 0,
        not_assessed: 0,
        failures: Vec::new(),
    };
    for m in members {
        match m.latest.as_ref() {
            Some(l) if l.status == AssessmentStatus::Completed => view.completed += 1,
            Some(l) => {
                view.failed += 1;
                view.failures.push(FleetFailure {
                    migration_uuid: m.migration_uuid,
                    database: m.database.clone(),
                    host: m.host.clone(),
                    port: m.port,
                    error: l.error.clone().unwrap_or_default(),
                });
            }
            None => view.not_assessed += 1,
        }
    }
    view
}
