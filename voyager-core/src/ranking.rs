//! `voyager rank`: which database to migrate first, across everything the control plane holds.
//!
//! Every source database the control plane knows appears once, with its latest completed
//! assessment however it got there (`assess-migration`, a fleet run, or a row only yb-voyager
//! wrote), ranked with the fleet ranking's rules, weights, waves, groups and reasons
//! ([`crate::fleet::rank()`]). Its migration UUIDs and runs are listed underneath.

use serde::{Deserialize, Serialize};

use crate::control_plane::{same_host, ControlPlane, MigrationRuns, MigrationSummary, Origin};
use crate::fleet::rank::{RankedMigration, Weights};
use crate::vocabulary::{AssessmentStatus, Complexity};
use crate::{Error, Result};

/// Which databases to rank, and with which weights.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RankRequest {
    /// Only databases assessed by this fleet.
    pub fleet: Option<String>,
    /// Only databases with these labels, each `key=value` (all must match).
    pub labels: Vec<String>,
    /// Only databases on this host (aliases of one host match: 127.0.0.1 and localhost).
    pub host: Option<String>,
    /// Only this complexity: LOW, MEDIUM or HIGH.
    pub complexity: Option<Complexity>,
    /// Only this status: completed, failed or "not assessed".
    pub status: Option<AssessmentStatus>,
    /// A TOML file of weights (see [`crate::fleet::rank()`]); left out: the defaults.
    pub weights_file: Option<String>,
}

/// One database in the control-plane-wide ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RankedDatabase {
    /// Rank, wave, score, group and why, as the fleet ranking gives them; its
    /// `migration_uuid` is the migration whose assessment is shown.
    #[serde(flatten)]
    pub ranked: RankedMigration,
    /// The database's identity (server identity or host:port, plus the database).
    pub identity: String,
    /// Who recorded the assessment shown: libvoyager, or only yb-voyager.
    pub origin: Origin,
    /// The fleets it belongs to.
    pub fleets: Vec<String>,
    /// Every migration UUID of this database, with its runs.
    pub migrations: Vec<MigrationRuns>,
}

impl RankRequest {
    /// The label filters as (key, value) pairs, checked.
    fn label_pairs(&self) -> Result<Vec<(String, String)>> {
        self.labels
            .iter()
            .map(|l| match l.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
                _ => Err(Error::invalid_argument(format!(
                    "\u{E000}labels\u{E001} '{l}' is not key=value (for example \u{E000}labels\u{E001} criticality=high)"
                ))),
            })
            .collect()
    }

    fn check(&self) -> Result<()> {
        self.label_pairs().map(|_| ())
    }

    /// Whether a database row (before ranking) passes the row filters.
    fn accepts(&self, m: &MigrationSummary, labels: &[(String, String)]) -> bool {
        let fleets = fleets_of(m);
        let l = m.latest.as_ref();
        let status = l.map_or(AssessmentStatus::NotAssessed, |l| l.status);
        self.fleet.as_ref().is_none_or(|f| fleets.contains(f))
            && self.host.as_ref().is_none_or(|h| same_host(&m.host, h))
            && self
                .complexity
                .is_none_or(|c| l.and_then(|l| l.complexity.as_deref()) == Some(c.as_str()))
            && self.status.is_none_or(|s| status == s)
            && labels.iter().all(|(k, v)| {
                m.labels
                    .get(k)
                    .map(|found| found.as_str().map(str::to_string).unwrap_or_else(|| found.to_string()))
                    .is_some_and(|found| found.eq_ignore_ascii_case(v))
            })
    }
}

/// The fleets a database row's migrations belong to.
fn fleets_of(m: &MigrationSummary) -> Vec<String> {
    let mut fleets: Vec<String> = m.migrations.iter().filter_map(|r| r.fleet.clone()).collect();
    fleets.sort();
    fleets.dedup();
    fleets
}

/// Rank every database of an open control plane that passes the request's filters.
pub async fn rank_with(cp: &ControlPlane, request: &RankRequest, weights: &Weights) -> Result<Vec<RankedDatabase>> {
    request.check()?;
    let labels = request.label_pairs()?;
    let (rows, names) = cp.databases_with_names().await?;
    let rows: Vec<MigrationSummary> = rows.into_iter().filter(|m| request.accepts(m, &labels)).collect();
    let ranked = crate::fleet::rank::rank(&rows, &names, weights);
    // What the ranking leaves out, moved out of the rows it no longer needs.
    let mut extra: rustc_hash::FxHashMap<uuid::Uuid, (String, Origin, Vec<String>, Vec<MigrationRuns>)> = rows
        .into_iter()
        .map(|m| {
            let fleets = fleets_of(&m);
            (
                m.migration_uuid,
                (m.identity.unwrap_or_default(), m.origin, fleets, m.migrations),
            )
        })
        .collect();
    Ok(ranked
        .into_iter()
        .map(|mut r| {
            let (identity, origin, fleets, migrations) = extra.remove(&r.migration_uuid).unwrap_or_default();
            if origin == Origin::YbVoyager {
                r.why.push_str("; recorded only by yb-voyager");
            }
            RankedDatabase {
                ranked: r,
                identity,
                origin,
                fleets,
                migrations,
            }
        })
        .collect())
}

/// `voyager rank`: connect (reading only) and rank.
pub async fn rank(control_plane: &str, request: &RankRequest) -> Result<Vec<RankedDatabase>> {
    let weights = match &request.weights_file {
        Some(path) => Weights::load(std::path::Path::new(path))?,
        None => Weights::default(),
    };
    let cp = ControlPlane::open(control_plane).await?;
    rank_with(&cp, request, &weights).await
}
