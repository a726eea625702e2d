//! The control-plane commands in one call each (`status`, `list`, `show`), and which control
//! plane a command talks to.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    AssessmentSummary, ControlPlane, ControlPlaneStatus, ListFilter, MigrationSummary, StoredAssessment,
    LOCAL_CONTROL_PLANE,
};
use crate::{Error, Result};

/// Which control plane a command talks to: the one given, else the config file's
/// `assess-migration.assessment-control-plane`, else the local default.
pub fn address(given: Option<&str>, config_file: Option<&str>) -> Result<String> {
    if let Some(given) = given {
        return Ok(given.to_string());
    }
    if let Some(file) = config_file {
        let config = crate::config::Config::load(file)?;
        if let Some(cp) = config.control_plane() {
            return Ok(cp);
        }
    }
    Ok(LOCAL_CONTROL_PLANE.to_string())
}

/// A migration's latest assessment with its run history, as `control-plane show` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MigrationDetails {
    pub latest: StoredAssessment,
    pub history: Vec<AssessmentSummary>,
}

/// The whole `show`: the latest assessment and the history of runs.
pub async fn show(control_plane: &str, uuid: &str) -> Result<MigrationDetails> {
    let uuid = parse_uuid(uuid)?;
    let cp = ControlPlane::open(control_plane).await?;
    details(&cp, uuid).await
}

/// The latest assessment and the history of runs of a migration, on an open control plane.
pub async fn details(cp: &ControlPlane, uuid: Uuid) -> Result<MigrationDetails> {
    let latest = cp.latest(uuid).await?;
    let history = cp.history(uuid).await?;
    Ok(MigrationDetails { latest, history })
}

pub async fn status(control_plane: &str) -> Result<ControlPlaneStatus> {
    ControlPlane::open(control_plane).await?.status().await
}

pub async fn list(control_plane: &str, filter: &ListFilter) -> Result<Vec<MigrationSummary>> {
    ControlPlane::open(control_plane).await?.list(filter).await
}

/// A migration UUID from text, with an error that says what one looks like.
pub fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        Error::invalid_argument(format!(
            "'{}' is not a migration UUID (it looks like acd1f159-2e9e-40c8-8f93-44d61bd24f54)",
            text.chars().take(80).collect::<String>()
        ))
    })
}
