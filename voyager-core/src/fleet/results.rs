//! What a fleet's runs left in the control plane, as `fleet list|rank|show` read it: the
//! members with their latest assessment, the ranking, one member in detail, and the links to
//! their report pages.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rank::{self, RankedMigration, Weights};
use crate::control_plane::{ControlPlane, ListFilter, MigrationSummary};
use crate::migration_dir::MigrationDir;
use crate::shell::shell_word;
use crate::{Error, Result};

/// The fleet's migrations with their latest assessment.
pub async fn list(control_plane: &str, fleet: &str, mut filter: ListFilter) -> Result<Vec<MigrationSummary>> {
    filter.fleet = Some(fleet.to_string());
    let cp = ControlPlane::open(control_plane).await?;
    cp.list(&filter).await
}

/// The fleet ranked: order, waves, groups and reasons.
pub async fn rank(control_plane: &str, fleet: &str, weights: &Weights) -> Result<Vec<RankedMigration>> {
    let cp = ControlPlane::open(control_plane).await?;
    rank_with(&cp, fleet, weights).await
}

/// The fleet a command is about: the one given, else the only fleet the control plane holds;
/// with several, the error lists them.
pub async fn fleet_name(control_plane: &str, given: Option<&str>) -> Result<String> {
    if let Some(name) = given {
        return Ok(name.to_string());
    }
    let cp = ControlPlane::open(control_plane).await?;
    let names = cp.fleet_names().await?;
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::not_found(format!(
            "the control plane {} holds no fleet yet: run voyager assess-fleet first (or voyager rank, which ranks \
             every database assessed any way)",
            cp.redacted()
        ))),
        many => Err(Error::invalid_argument(format!(
            "the control plane {} holds {} fleets: give \u{E000}fleet\u{E001} with one of {}",
            cp.redacted(),
            many.len(),
            many.iter().map(|n| shell_word(n)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

pub(super) async fn rank_with(cp: &ControlPlane, fleet: &str, weights: &Weights) -> Result<Vec<RankedMigration>> {
    let rows = cp
        .list(&ListFilter {
            fleet: Some(fleet.to_string()),
            ..Default::default()
        })
        .await?;
    if rows.is_empty() {
        return Err(Error::not_found(format!(
            "the control plane {} has no fleet named '{fleet}': run voyager assess-fleet first, or check --fleet",
            cp.redacted()
        )));
    }
    let names = cp.fleet_object_names(fleet).await?;
    Ok(rank::rank(&rows, &names, weights))
}

/// One fleet member: where it ranks and why, and its latest assessment (when it has one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FleetMemberDetails {
    pub ranked: RankedMigration,
    pub details: Option<crate::control_plane::MigrationDetails>,
}

/// A fleet member by its migration UUID or database name (unique within the fleet).
pub async fn show(control_plane: &str, fleet: &str, member: &str, weights: &Weights) -> Result<FleetMemberDetails> {
    let cp = ControlPlane::open(control_plane).await?;
    let ranked = rank_with(&cp, fleet, weights).await?;
    let matching: Vec<&RankedMigration> = ranked
        .iter()
        .filter(|r| r.migration_uuid.to_string() == member.trim() || r.database == member)
        .collect();
    let found = match matching.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(Error::not_found(format!(
                "fleet '{fleet}' has no database or migration UUID '{member}': see voyager fleet list"
            )))
        }
        many => {
            return Err(Error::invalid_argument(format!(
                "fleet '{fleet}' has {} databases named '{member}' (on different hosts): give the migration UUID",
                many.len()
            )))
        }
    };
    let details = match found.score {
        Some(_) => Some(crate::control_plane::details(&cp, found.migration_uuid).await?),
        None => None,
    };
    Ok(FleetMemberDetails { ranked: found, details })
}

/// Each ranked member's report page below `work_dir`, relative to it, when it is there.
pub fn report_links(work_dir: &Path, ranked: &[RankedMigration]) -> HashMap<Uuid, String> {
    let mut links = HashMap::new();
    let Ok(dirs) = std::fs::read_dir(work_dir) else {
        return links;
    };
    let wanted: std::collections::HashSet<Uuid> = ranked.iter().map(|r| r.migration_uuid).collect();
    for d in dirs.flatten() {
        let dir = MigrationDir::new(d.path());
        let Ok(meta) = dir.read_metainfo() else { continue };
        let page = dir
            .export_dir()
            .join(crate::assessment::report::REPORT_JSON_RELATIVE)
            .with_extension("html");
        if wanted.contains(&meta.migration_uuid) && page.is_file() {
            if let Ok(rel) = page.strip_prefix(work_dir) {
                links.insert(meta.migration_uuid, rel.display().to_string());
            }
        }
    }
    links
}
