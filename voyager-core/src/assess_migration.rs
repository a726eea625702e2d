//! The assess-migration step: connect to the source named by a migration's config file (or by
//! a connection string and an export dir), assess it, and write the report into the export dir.
//! The report is written only when the whole assessment succeeded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::assessment::{self, AssessOptions, AssessmentReport, ProgressFn, ReportPaths};
use crate::config::{split_schemas, Config};
use crate::connection::{ConnectionString, LibpqEnv, SslMode};
use crate::control_plane::{ControlPlane, SourceDetails, StoreOutcome};
use crate::migration_dir::{self, MetaInfo};
use crate::summary::AssessmentSummaryView;
use crate::{fs_atomic, Error, Result};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What to assess. Either `config_file`, or `source` with `export_dir`.
#[derive(Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AssessRequest {
    /// The config file of a migration dir made by init.
    pub config_file: Option<String>,
    /// The source connection string (with `export_dir`, instead of a config file).
    pub source: Option<String>,
    /// The source password, when the connection string, SOURCE_DB_PASSWORD, PGPASSWORD and
    /// ~/.pgpass lack it. Used to connect, never kept.
    pub source_password: Option<String>,
    /// Where to write the report (with `source`).
    pub export_dir: Option<String>,
    /// Schemas to assess, comma-separated (all user schemas when absent).
    pub source_db_schema: Option<String>,
    /// The YugabyteDB version to assess for (X.Y.Z.W).
    pub target_db_version: Option<String>,
    /// The control plane to store the assessment in (default: the config's
    /// assess-migration.assessment-control-plane, else the local one; none for --source runs).
    pub assessment_control_plane: Option<String>,
    /// How long a catalog query waits for a lock held by another session (default 10 s; 0: no
    /// limit).
    pub lock_timeout_seconds: Option<u64>,
    /// How long a catalog query may run (default 300 s; 0: no limit).
    pub statement_timeout_seconds: Option<u64>,
}

impl std::fmt::Debug for AssessRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::connection::debug_redacted(self, f)
    }
}

/// What assess-migration did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssessOutcome {
    pub migration_uuid: Uuid,
    pub export_dir: PathBuf,
    pub report: ReportPaths,
    /// The source, redacted.
    pub source: String,
    pub summary: AssessmentSummaryView,
    pub duration_ms: u64,
    /// Whether the assessment reached the control plane (None when there is none to reach).
    pub control_plane: Option<ControlPlaneWrite>,
}

/// What happened when the assessment was stored in the control plane.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ControlPlaneWrite {
    /// The control plane, redacted.
    pub control_plane: String,
    pub stored: bool,
    /// The run number it was stored as (or already had).
    pub run: Option<i32>,
    /// Why it was not stored; the report is in the export dir and `voyager control-plane push`
    /// stores it later.
    pub error: Option<String>,
}

/// The outcome and the full report, as the bindings and `--json` return them.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssessResult {
    pub outcome: AssessOutcome,
    pub report: AssessmentReport,
}

/// The resolved inputs of one assessment.
pub struct Plan {
    pub source: ConnectionString,
    pub export_dir: PathBuf,
    pub schemas: Option<Vec<String>>,
    pub target_db_version: String,
    pub control_plane: Option<String>,
    /// The assessment session's lock and statement timeouts.
    pub limits: assessment::session::Limits,
}

impl AssessRequest {
    /// Resolve the request into a plan: which source, which export dir, which schemas.
    pub fn plan(&self, env: &LibpqEnv) -> Result<Plan> {
        let (mut source, export_dir, schemas, version, control_plane) = match (&self.config_file, &self.source) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_argument(
                    "give either \u{E000}config_file\u{E001} or \u{E000}source\u{E001} with \u{E000}export_dir\u{E001}, not both",
                ))
            }
            (None, None) => {
                return Err(Error::invalid_argument(
                    "nothing to assess: give \u{E000}config_file\u{E001} (a migration dir from `voyager init`) or \u{E000}source\u{E001} with \u{E000}export_dir\u{E001}",
                ))
            }
            (Some(file), None) => from_config(Path::new(file), env)?,
            (None, Some(text)) => {
                let dir = self.export_dir.as_deref().ok_or_else(|| {
                    Error::invalid_argument("\u{E000}source\u{E001} needs \u{E000}export_dir\u{E001}: where the report is to be written")
                })?;
                let source = ConnectionString::parse(text)?.resolve(env);
                let key = migration_dir::source_key(source.host(), source.port(), source.dbname());
                migration_dir::check_same_source(Path::new(dir), &key)?;
                (source, PathBuf::from(dir), None, None, None)
            }
        };
        if let Some(p) = self
            .source_password
            .clone()
            .or_else(|| env.var("SOURCE_DB_PASSWORD").map(str::to_string))
        {
            source.set_password(Some(p));
        }
        let schemas = self.source_db_schema.as_deref().map(split_schemas).or(schemas);
        if schemas.as_ref().is_some_and(|s| s.is_empty()) {
            return Err(Error::invalid_argument(
                "\u{E000}source_db_schema\u{E001} names no schema",
            ));
        }
        let target_db_version = self
            .target_db_version
            .clone()
            .or(version)
            .unwrap_or_else(|| assessment::DEFAULT_TARGET_DB_VERSION.to_string());
        assessment::version::YbVersion::parse(&target_db_version)?;
        let limits =
            assessment::session::Limits::from_seconds(self.lock_timeout_seconds, self.statement_timeout_seconds)?;
        let control_plane = self.assessment_control_plane.clone().or(control_plane);
        if let Some(cp) = &control_plane {
            ConnectionString::parse(cp).map_err(|e| e.context("\u{E000}assessment_control_plane\u{E001}"))?;
        }
        Ok(Plan {
            source,
            export_dir,
            schemas,
            target_db_version,
            control_plane,
            limits,
        })
    }
}

type FromConfig = (
    ConnectionString,
    PathBuf,
    Option<Vec<String>>,
    Option<String>,
    Option<String>,
);

fn from_config(file: &Path, env: &LibpqEnv) -> Result<FromConfig> {
    let config = Config::load(file)?;
    let s = config.db_section("source");
    let missing = |key: &str| {
        Error::config(format!(
            "{}: source.{key} is missing; run `voyager init` again",
            file.display()
        ))
    };
    let host = s.db_host.ok_or_else(|| missing("db-host"))?;
    let db = s.db_name.ok_or_else(|| missing("db-name"))?;
    let mode = s
        .ssl_mode
        .as_deref()
        .map(str::parse::<SslMode>)
        .transpose()?
        .unwrap_or(SslMode::Prefer);
    let mut text = ConnectionString::from_parts(
        &host,
        s.db_port.unwrap_or(5432),
        &db,
        s.db_user.as_deref().unwrap_or(""),
        mode,
    )
    .redacted();
    if let Some(root) = s.ssl_root_cert {
        text.push_str(if text.contains('?') { "&" } else { "?" });
        text.push_str(&format!(
            "sslrootcert={}",
            percent_encoding::utf8_percent_encode(&root, percent_encoding::NON_ALPHANUMERIC)
        ));
    }
    let source = ConnectionString::parse(&text)?.resolve(env);
    let base = file.parent().unwrap_or(Path::new("."));
    let export_dir = match config.get_str("export-dir") {
        Some(d) if Path::new(&d).is_absolute() => PathBuf::from(d),
        Some(d) => base.join(d),
        None => base.join(migration_dir::EXPORT_DIR_NAME),
    };
    let control_plane = config
        .control_plane()
        .unwrap_or_else(|| crate::init::LOCAL_CONTROL_PLANE.to_string());
    Ok((
        source,
        export_dir,
        s.db_schema.as_deref().map(split_schemas),
        config.get_str("assess-migration.target-db-version"),
        Some(control_plane),
    ))
}

/// Assess as the request says, writing the report into the export dir.
pub async fn run(request: AssessRequest, progress: Option<ProgressFn>) -> Result<AssessResult> {
    let plan = request.plan(&LibpqEnv::from_process())?;
    run_plan(plan, progress).await
}

pub async fn run_plan(plan: Plan, progress: Option<ProgressFn>) -> Result<AssessResult> {
    let options = AssessOptions {
        schemas: plan.schemas.clone(),
        target_db_version: plan.target_db_version.clone(),
        progress,
        limits: plan.limits,
    };
    let mut report = assessment::assess_source(&plan.source, CONNECT_TIMEOUT, &options).await?;
    report.summary.source = assessment::report::ReportSource {
        host: plan.source.host().to_string(),
        port: plan.source.port(),
        database: plan.source.dbname().to_string(),
        schemas: report.schema_summary.schema_names.clone(),
        user: plan.source.user().to_string(),
        system_identifier: report.summary.source.system_identifier.take(),
    };
    let mut meta = metainfo_or_new(&plan.export_dir)?;
    let source = &plan.source;
    meta.source = Some(migration_dir::source_key(source.host(), source.port(), source.dbname()));
    let paths = report.write(&plan.export_dir)?;
    meta.steps.insert("assess-migration".into(), chrono::Utc::now());
    fs_atomic::write_json(&plan.export_dir.join("metainfo/migration.json"), &meta)?;
    let record = crate::meta_db::Record {
        migration_uuid: meta.migration_uuid,
        source: crate::meta_db::SourceConf::from_connection(source, &report.schema_summary.schema_names),
        assessment_done: true,
    };
    crate::meta_db::write(&plan.export_dir, &record)?;
    let report_json = serde_json::to_value(&report).unwrap_or_default();
    let control_plane = match &plan.control_plane {
        Some(cp) => Some(store(cp, meta.migration_uuid, &plan, &report_json).await),
        None => None,
    };
    let outcome = AssessOutcome {
        migration_uuid: meta.migration_uuid,
        export_dir: plan.export_dir.clone(),
        report: paths,
        source: plan.source.redacted(),
        summary: AssessmentSummaryView::from_report(&report_json),
        duration_ms: report.summary.duration_ms,
        control_plane,
    };
    Ok(AssessResult { outcome, report })
}

/// The export dir's metainfo; a bare export dir (assess-migration --source --export-dir) gets a
/// new migration UUID.
fn metainfo_or_new(export_dir: &Path) -> Result<MetaInfo> {
    match migration_dir::read_metainfo(export_dir) {
        Ok(meta) => Ok(meta),
        Err(e) if e.kind() == crate::ErrorKind::NotFound => Ok(MetaInfo::new(Uuid::new_v4())),
        Err(e) => Err(e),
    }
}

/// The source as the control plane records it: everything but the password.
fn source_details(plan: &Plan, report: &serde_json::Value) -> SourceDetails {
    let schemas = report
        .pointer("/SchemaSummary/SchemaNames")
        .and_then(|v| serde_json::from_value::<Vec<String>>(v.clone()).ok())
        .or_else(|| plan.schemas.clone())
        .unwrap_or_default();
    SourceDetails::of(&plan.source, schemas)
}

/// Store a report in the control plane. A failure is reported, not raised: the report is safe
/// in the export dir and `voyager control-plane push` stores it later.
async fn store(control_plane: &str, uuid: Uuid, plan: &Plan, report: &serde_json::Value) -> ControlPlaneWrite {
    let shown = ConnectionString::parse(control_plane)
        .map(|c| c.redacted())
        .unwrap_or_default();
    let migration_dir = plan
        .export_dir
        .parent()
        .unwrap_or(&plan.export_dir)
        .display()
        .to_string();
    let result = async {
        let cp = ControlPlane::connect(control_plane).await?;
        cp.store_assessment(uuid, &source_details(plan, report), report, &migration_dir)
            .await
    }
    .await;
    match result {
        Ok(StoreOutcome::Stored { run }) | Ok(StoreOutcome::AlreadyStored { run }) => ControlPlaneWrite {
            control_plane: shown,
            stored: true,
            run: Some(run),
            error: None,
        },
        Err(e) => ControlPlaneWrite {
            control_plane: shown,
            stored: false,
            run: None,
            error: Some(e.message().to_string()),
        },
    }
}

/// `control-plane push`: store the report already in the export dir (the control plane was
/// unreachable during the assessment). Storing it again stores nothing new.
pub async fn push(request: AssessRequest) -> Result<ControlPlaneWrite> {
    let plan = request.plan(&LibpqEnv::from_process())?;
    let control_plane = plan.control_plane.clone().ok_or_else(|| {
        Error::invalid_argument(
            "no control plane to push to: give \u{E000}assessment_control_plane\u{E001} or a \u{E000}config_file\u{E001} that names one",
        )
    })?;
    let meta = migration_dir::read_metainfo(&plan.export_dir)?;
    let path = plan.export_dir.join(assessment::report::REPORT_JSON_RELATIVE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::not_found(format!(
                "no assessment to push: {} is missing; run `voyager assess-migration` first",
                path.display()
            ))
        } else {
            Error::io("read", &path, &e)
        }
    })?;
    let report: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::config(format!("{} is not a report: {e}", path.display())))?;
    let written = store(&control_plane, meta.migration_uuid, &plan, &report).await;
    match &written.error {
        Some(e) => Err(Error::control_plane(e.clone())),
        None => Ok(written),
    }
}
