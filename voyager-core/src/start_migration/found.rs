//! Finding the assessed migration: in the migration dir that ran the assessment, or in the
//! control plane by its UUID (ours or a yb-voyager row); and writing the stored report where
//! later commands expect it.

use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::assessment::report::{AssessmentReport, REPORT_JSON_RELATIVE};
use crate::config::{split_schemas, Config};
use crate::connection::{ConnectionString, LibpqEnv};
use crate::control_plane::{ControlPlane, SourceDetails};
use crate::migration_dir::{self, MigrationDir};
use crate::{fs_atomic, Error, Result};

/// What is known once the migration is found (either way).
pub(super) struct Found {
    pub(super) uuid: Uuid,
    pub(super) report_text: String,
    pub(super) report: serde_json::Value,
    /// Way 1: the loaded config; way 2: the source details from the control plane.
    pub(super) config: Option<Config>,
    pub(super) recorded_source: SourceDetails,
}

pub(super) fn find_in_migration_dir(config_file: &Path) -> Result<Found> {
    let config = Config::load(config_file)?;
    let dir = MigrationDir::of_config_file(config_file);
    let export_dir = config
        .get_str("export-dir")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.export_dir());
    let meta = migration_dir::read_metainfo(&export_dir)?;
    let report_path = export_dir.join(REPORT_JSON_RELATIVE);
    let report_text = match std::fs::read_to_string(&report_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::not_found(format!(
                "migration {} has no completed assessment ({} is missing): run `voyager assess-migration --config-file {}` first",
                meta.migration_uuid,
                report_path.display(),
                config_file.display()
            )))
        }
        Err(e) => return Err(Error::io("read", &report_path, &e)),
    };
    let report = parse_report(&report_text, &report_path.display().to_string())?;
    let source = config.db_section("source");
    let missing = |key: &str| Error::config(format!("{}: source.{key} is missing", config.path().display()));
    let recorded_source = SourceDetails {
        db_type: source.db_type.clone().unwrap_or_else(|| "postgresql".into()),
        host: source.db_host.clone().ok_or_else(|| missing("db-host"))?,
        port: source.db_port.unwrap_or(5432),
        database: source.db_name.clone().ok_or_else(|| missing("db-name"))?,
        schemas: source.db_schema.as_deref().map(split_schemas).unwrap_or_default(),
        user: source.db_user.clone(),
        ssl_mode: source.ssl_mode.clone(),
    };
    Ok(Found {
        uuid: meta.migration_uuid,
        report_text,
        report,
        config: Some(config),
        recorded_source,
    })
}

pub(super) async fn find_in_control_plane(control_plane: &str, uuid: Uuid, env: &LibpqEnv) -> Result<Found> {
    let cp = ControlPlane::open_with_env(control_plane, env).await?;
    let stored = cp.latest(uuid).await?;
    let report_text = serde_json::to_string_pretty(&stored.report)
        .map_err(|e| Error::internal(format!("could not serialise the stored report: {e}")))?;
    Ok(Found {
        uuid,
        report_text,
        report: stored.report,
        config: None,
        recorded_source: stored.source,
    })
}

fn parse_report(text: &str, origin: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| Error::config(format!("{origin} is not an assessment report: {e}")))
}

/// Write the stored report where later commands expect it, and its HTML page when the report
/// is one our renderer reads (a yb-voyager report may not be).
pub(super) fn write_report(export_dir: &Path, report_text: &str) -> Result<()> {
    let json_path = export_dir.join(REPORT_JSON_RELATIVE);
    fs_atomic::write(&json_path, report_text.as_bytes())?;
    if let Ok(report) = AssessmentReport::from_json_str(report_text) {
        let html = crate::assessment::html::render_html(&report);
        fs_atomic::write(&json_path.with_extension("html"), html.as_bytes())?;
    }
    Ok(())
}

/// `postgresql://user@host:port/db?sslmode=...` from recorded details (no password).
pub(super) fn prefilled_source(source: &SourceDetails) -> String {
    let mut conn = ConnectionString::from_parts(
        &source.host,
        source.port,
        &source.database,
        source.user.as_deref().unwrap_or(""),
        source
            .ssl_mode
            .as_deref()
            .and_then(|m| m.parse().ok())
            .unwrap_or(crate::connection::SslMode::Prefer),
    );
    conn.set_password(None);
    conn.redacted()
}
