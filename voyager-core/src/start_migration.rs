//! The start-migration journey: continue a migration from the migration dir that assessed it,
//! or rebuild that migration dir from the control plane by the migration's UUID, possibly on
//! another machine and months later.
//!
//! Two ways in, never both:
//! 1. `config_file`: the migration dir from init and assess-migration is still here.
//! 2. `migration_dir` + `assessment_control_plane` + `migration_uuid`: the assessment and the
//!    source details (never a password) come from the control plane.
//!
//! Then, both ways: the assessment summary, the target YugabyteDB (checked: reachable, the
//! database exists, the user can create objects), and the data migration flow. Nothing is
//! written until every answer is in and checked; a rebuilt migration dir is staged and renamed
//! into place whole.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::assessment::report::{AssessmentReport, REPORT_JSON_RELATIVE};
use crate::config::{Config, DbSection};
use crate::connection::{ConnectionString, LibpqEnv};
use crate::control_plane::{ControlPlane, SourceDetails};
use crate::init::{source_section, CONNECT_TIMEOUT};
use crate::journey::{Question, QuestionKind, Step};
use crate::migration_dir::{self, MetaInfo, MigrationDir};
use crate::summary::AssessmentSummaryView;
use crate::{fs_atomic, Error, Result};

/// The data migration flows yb-voyager runs.
pub const FLOWS: &[(&str, &str)] = &[
    (
        "offline",
        "Offline: stop writes to the source, copy the data, switch over",
    ),
    ("live", "Live: copy the data and stream changes until cutover"),
    (
        "live-fall-back",
        "Live with fall-back: stream target changes back to the source after cutover",
    ),
    (
        "live-fall-forward",
        "Live with fall-forward: also keep a source replica up to date",
    ),
];

/// The answers to start-migration's questions; those left out are asked.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StartMigrationAnswers {
    /// Way 1: the config file of the migration dir that ran the assessment.
    pub config_file: Option<String>,
    /// Way 2: the migration dir to (re)build.
    pub migration_dir: Option<String>,
    /// Way 2: the control plane that holds the assessment.
    pub assessment_control_plane: Option<String>,
    /// Way 2: the migration's UUID.
    pub migration_uuid: Option<String>,
    /// The source connection string, when the recorded details are not enough.
    pub source: Option<String>,
    /// The source password (used to check the connection, never kept).
    pub source_password: Option<String>,
    /// The target YugabyteDB connection string.
    pub target: Option<String>,
    /// The target password (used to check the connection, never kept).
    pub target_password: Option<String>,
    /// offline, live, live-fall-back or live-fall-forward.
    pub flow: Option<String>,
    /// Take the default answer of every question that has one.
    pub yes: bool,
}

impl std::fmt::Debug for StartMigrationAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::connection::debug_redacted(self, f)
    }
}

/// What start-migration did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartMigrationOutcome {
    pub migration_uuid: Uuid,
    pub migration_dir: PathBuf,
    pub config_file: PathBuf,
    pub report_json: PathBuf,
    pub report_html: Option<PathBuf>,
    /// `config-file` or `control-plane`: which way in was taken.
    pub way_in: String,
    /// The source, redacted.
    pub source: String,
    /// The target, redacted.
    pub target: String,
    pub flow: String,
    pub summary: AssessmentSummaryView,
    pub messages: Vec<String>,
    /// The commands to run next, for the chosen flow.
    pub next_steps: Vec<String>,
}

/// Which way in, decided and checked before anything is touched.
enum WayIn {
    ConfigFile(PathBuf),
    ControlPlane {
        dir: PathBuf,
        control_plane: String,
        uuid: Uuid,
    },
}

/// What is known once the migration is found (either way).
struct Found {
    uuid: Uuid,
    report_text: String,
    report: serde_json::Value,
    /// Way 1: the loaded config; way 2: the source details from the control plane.
    config: Option<Config>,
    recorded_source: SourceDetails,
}

struct Verified {
    conn: ConnectionString,
}

/// The start-migration journey as a state machine, like [`crate::init::InitJourney`].
pub struct StartMigrationJourney {
    answers: StartMigrationAnswers,
    env: LibpqEnv,
    way: Option<WayIn>,
    found: Option<Found>,
    source: Option<Verified>,
    said_summary: bool,
    target: Option<Verified>,
    messages: Vec<String>,
}

impl StartMigrationJourney {
    pub fn new(answers: StartMigrationAnswers, env: LibpqEnv) -> Self {
        StartMigrationJourney {
            answers,
            env,
            way: None,
            found: None,
            source: None,
            said_summary: false,
            target: None,
            messages: Vec::new(),
        }
    }

    /// The question with id `id`, as it is asked now (defaults depend on what is known).
    pub fn question(&self, id: &str) -> Result<Question> {
        Ok(match id {
            "source" => {
                let q = Question::text(
                    "source",
                    "Source PostgreSQL connection string (the database that was assessed):",
                    "--source",
                );
                match self.found.as_ref().map(|f| prefilled_source(&f.recorded_source)) {
                    Some(default) => q.with_default(default),
                    None => q,
                }
            }
            "source_password" => Question::text("source_password", "Source database password:", "--source-db-password")
                .with_kind(QuestionKind::Secret)
                .with_env("SOURCE_DB_PASSWORD"),
            "target" => Question::text(
                "target",
                "Target YugabyteDB connection string (for example postgresql://yugabyte@yb-host:5433/dbname):",
                "--target",
            ),
            "target_password" => Question::text("target_password", "Target database password:", "--target-db-password")
                .with_kind(QuestionKind::Secret)
                .with_env("TARGET_DB_PASSWORD"),
            "flow" => Question::text("flow", "Data migration flow:", "--flow")
                .with_choices(FLOWS)
                .with_default("offline"),
            other => {
                return Err(Error::invalid_argument(format!(
                    "start-migration has no question '{other}': it asks source, source_password, target, \
                     target_password, flow"
                )))
            }
        })
    }

    fn take_answer(&mut self, id: &str, value: &str) -> Result<()> {
        let value = self.question(id)?.accept(value)?;
        match id {
            "source" => {
                ConnectionString::parse(&value)?;
                self.answers.source = Some(value);
                self.source = None;
            }
            "source_password" => {
                self.answers.source_password = Some(value);
                self.source = None;
            }
            "target" => {
                ConnectionString::parse(&value)?;
                self.answers.target = Some(value);
                self.target = None;
            }
            "target_password" => {
                self.answers.target_password = Some(value);
                self.target = None;
            }
            "flow" => self.answers.flow = Some(value),
            other => {
                return Err(Error::internal(format!(
                    "start-migration question '{other}' has no answer slot"
                )))
            }
        }
        Ok(())
    }

    async fn go_on(&mut self) -> Result<Step<StartMigrationOutcome>> {
        if self.way.is_none() {
            let way = way_in(&self.answers)?;
            // An answer given up front is checked like one typed in, before anything is touched.
            if let Some(flow) = self.answers.flow.clone() {
                self.answers.flow = Some(self.question("flow")?.accept(&flow)?);
            }
            self.way = Some(way);
        }
        if self.found.is_none() {
            let found = match self.way.as_ref() {
                Some(WayIn::ConfigFile(path)) => find_in_migration_dir(path)?,
                Some(WayIn::ControlPlane {
                    dir,
                    control_plane,
                    uuid,
                }) => {
                    check_rebuild_target(dir, *uuid)?;
                    find_in_control_plane(control_plane, *uuid, &self.env).await?
                }
                None => return Err(Error::internal("start-migration lost its way in")),
            };
            let message = format!("Found the assessment of migration {}.", found.uuid);
            self.found = Some(found);
            return Ok(self.say(message));
        }
        if self.source.is_none() {
            if let Some(step) = self.verify_source().await? {
                return Ok(step);
            }
        }
        if !self.said_summary {
            self.said_summary = true;
            let found = self
                .found
                .as_ref()
                .ok_or_else(|| Error::internal("summary before the assessment"))?;
            let text = AssessmentSummaryView::from_report(&found.report).render_text();
            return Ok(self.say(text));
        }
        if self.target.is_none() {
            if let Some(step) = self.verify_target().await? {
                return Ok(step);
            }
        }
        let Some(flow) = self.answers.flow.clone() else {
            return Ok(Step::Ask {
                question: self.question("flow")?,
            });
        };
        let outcome = self.write(&flow)?;
        Ok(Step::Done { outcome })
    }

    fn say(&mut self, message: String) -> Step<StartMigrationOutcome> {
        self.messages.push(message.clone());
        Step::Say { message }
    }

    /// Check the source: the recorded details plus a password, or a whole connection string,
    /// must reach the database that was assessed. Returns a step when something must be asked.
    async fn verify_source(&mut self) -> Result<Option<Step<StartMigrationOutcome>>> {
        let found = self
            .found
            .as_ref()
            .ok_or_else(|| Error::internal("source check before the assessment"))?;
        let text = match (&self.answers.source, &found.config) {
            (Some(text), _) => text.clone(),
            (None, Some(config)) => source_from_config(config)?,
            (None, None) if found.recorded_source.user.is_some() => prefilled_source(&found.recorded_source),
            (None, None) => {
                return Ok(Some(Step::Ask {
                    question: self.question("source")?,
                }))
            }
        };
        let mut conn = ConnectionString::parse(&text)?.resolve(&self.env);
        let password = self
            .answers
            .source_password
            .clone()
            .or_else(|| self.env.var("SOURCE_DB_PASSWORD").map(str::to_string));
        match password {
            Some(p) => conn.set_password(Some(p)),
            None if !conn.has_password() => {
                return Ok(Some(Step::Ask {
                    question: self.question("source_password")?,
                }))
            }
            None => {}
        }
        let client = match conn.connect(CONNECT_TIMEOUT).await {
            Ok(client) => client,
            Err(e) => {
                self.answers.source_password = None;
                self.answers.source = None;
                return Err(e.context("the source did not accept the connection"));
            }
        };
        let database: String = client
            .query_one("SELECT current_database()", &[])
            .await
            .map_err(|e| {
                Error::connection(format!(
                    "{}: {}",
                    conn.redacted(),
                    crate::connection::redact(&e.to_string())
                ))
            })?
            .get(0);
        let expected = &found.recorded_source.database;
        if !expected.is_empty() && &database != expected {
            self.answers.source = None;
            return Err(Error::invalid_argument(format!(
                "the source {} is database '{database}', but migration {} assessed '{expected}': give the connection string of the assessed database",
                conn.redacted(),
                found.uuid
            )));
        }
        let message = format!("Connected to the source {}.", conn.redacted());
        self.source = Some(Verified { conn });
        Ok(Some(self.say(message)))
    }

    /// Check the target: reachable, the database exists, the user may create objects in it.
    async fn verify_target(&mut self) -> Result<Option<Step<StartMigrationOutcome>>> {
        let Some(text) = self.answers.target.clone() else {
            return Ok(Some(Step::Ask {
                question: self.question("target")?,
            }));
        };
        let mut conn = ConnectionString::parse(&text)?.resolve(&self.env);
        let password = self
            .answers
            .target_password
            .clone()
            .or_else(|| self.env.var("TARGET_DB_PASSWORD").map(str::to_string));
        match password {
            Some(p) => conn.set_password(Some(p)),
            None if !conn.has_password() => {
                return Ok(Some(Step::Ask {
                    question: self.question("target_password")?,
                }))
            }
            None => {}
        }
        let result = async {
            let client = conn.connect(CONNECT_TIMEOUT).await?;
            let row = client
                .query_one(
                    "SELECT has_database_privilege(current_database(), 'CREATE') \
                        OR has_schema_privilege('public', 'CREATE'), current_user::text",
                    &[],
                )
                .await
                .map_err(|e| Error::connection(format!("{}: {}", conn.redacted(), crate::connection::redact(&e.to_string()))))?;
            let can_create: bool = row.get(0);
            let user: String = row.get(1);
            if !can_create {
                return Err(Error::connection(format!(
                    "the target user '{user}' cannot create objects in {}: grant it CREATE on the database or use a user that can",
                    conn.redacted()
                )));
            }
            Ok(())
        }
        .await;
        if let Err(e) = result {
            self.answers.target = None;
            self.answers.target_password = None;
            return Err(e.context("the target YugabyteDB is not usable"));
        }
        let message = format!("Connected to the target {}.", conn.redacted());
        self.target = Some(Verified { conn });
        Ok(Some(self.say(message)))
    }

    /// Write everything at once: the config (and for a rebuild, the whole migration dir).
    fn write(&mut self, flow: &str) -> Result<StartMigrationOutcome> {
        let (Some(way), Some(found), Some(source), Some(target)) = (&self.way, &self.found, &self.source, &self.target)
        else {
            return Err(Error::internal("start-migration wrote before every check passed"));
        };
        let target_section = target_section(&target.conn);
        let (dir, way_name) = match way {
            WayIn::ConfigFile(path) => {
                let mut config = found.config.clone().ok_or_else(|| Error::internal("config lost"))?;
                config.set_db_section("target", &target_section)?;
                config.set("start-migration.data-migration-flow", flow.into())?;
                config.save()?;
                let dir = MigrationDir::of_config_file(path);
                dir.mark_step("start-migration")?;
                (dir, "config-file")
            }
            WayIn::ControlPlane {
                dir,
                control_plane,
                uuid,
            } => {
                let final_dir = MigrationDir::new(migration_dir::absolute(dir)?);
                let uuid = *uuid;
                migration_dir::create_atomically(final_dir.root(), true, |staging| {
                    let mut config = Config::new(staging.config_file())?;
                    config.set("export-dir", final_dir.export_dir().display().to_string().into())?;
                    config.set("log-level", "info".into())?;
                    let mut src = source_section(&source.conn);
                    src.db_schema = Some(found.recorded_source.schemas.join(",")).filter(|s| !s.is_empty());
                    config.set_db_section("source", &src)?;
                    config.set_db_section("target", &target_section)?;
                    config.set(
                        "assess-migration.assessment-control-plane",
                        control_plane.clone().into(),
                    )?;
                    config.set("start-migration.data-migration-flow", flow.into())?;
                    config.save()?;
                    write_report(&staging.export_dir(), &found.report_text)?;
                    let logs = staging.export_dir().join("logs");
                    std::fs::create_dir_all(&logs).map_err(|e| Error::io("create directory", &logs, &e))?;
                    let mut meta = MetaInfo::new(uuid);
                    let now = chrono::Utc::now();
                    meta.steps.insert("assess-migration".into(), now);
                    meta.steps.insert("start-migration".into(), now);
                    staging.write_metainfo(&meta)
                })?;
                (final_dir, "control-plane")
            }
        };
        let config_file = match way {
            WayIn::ConfigFile(path) => path.clone(),
            WayIn::ControlPlane { .. } => dir.config_file(),
        };
        let report_json = dir.export_dir().join(REPORT_JSON_RELATIVE);
        let html = report_json.with_extension("html");
        let next_steps = next_steps(flow, &config_file);
        self.messages.push(format!(
            "Migration {} is ready to start ({flow}). Next: {}",
            found.uuid, next_steps[0]
        ));
        Ok(StartMigrationOutcome {
            migration_uuid: found.uuid,
            migration_dir: dir.root().to_path_buf(),
            config_file,
            report_json,
            report_html: html.is_file().then_some(html),
            way_in: way_name.into(),
            source: source.conn.redacted(),
            target: target.conn.redacted(),
            flow: flow.into(),
            summary: AssessmentSummaryView::from_report(&found.report),
            messages: std::mem::take(&mut self.messages),
            next_steps,
        })
    }
}

/// Decide the way in from the answers, before anything is touched.
fn way_in(answers: &StartMigrationAnswers) -> Result<WayIn> {
    const TWO_WAYS: &str = "start-migration takes either --config-file <file> (the migration dir that ran the \
        assessment), or --migration-dir <dir> --assessment-control-plane <conn> --migration-uuid <uuid> (rebuild \
        it from the control plane)";
    let given: Vec<&str> = [
        ("--migration-dir", &answers.migration_dir),
        ("--assessment-control-plane", &answers.assessment_control_plane),
        ("--migration-uuid", &answers.migration_uuid),
    ]
    .iter()
    .filter(|(_, v)| v.is_some())
    .map(|(flag, _)| *flag)
    .collect();
    match (&answers.config_file, given.len()) {
        (Some(_), n) if n > 0 => Err(Error::invalid_argument(format!(
            "--config-file cannot be combined with {}: {TWO_WAYS}, not both",
            given.join(", ")
        ))),
        (Some(file), _) => Ok(WayIn::ConfigFile(PathBuf::from(file))),
        (None, 0) => Err(Error::invalid_argument(format!("nothing to start from: {TWO_WAYS}"))),
        (None, 3) => {
            let text = answers.migration_uuid.as_deref().unwrap_or_default();
            let uuid = Uuid::parse_str(text.trim()).map_err(|_| {
                Error::invalid_argument(format!(
                    "--migration-uuid '{}' is not a UUID (it looks like acd1f159-2e9e-40c8-8f93-44d61bd24f54)",
                    text.chars().take(80).collect::<String>()
                ))
            })?;
            Ok(WayIn::ControlPlane {
                dir: PathBuf::from(answers.migration_dir.clone().unwrap_or_default()),
                control_plane: answers.assessment_control_plane.clone().unwrap_or_default(),
                uuid,
            })
        }
        (None, _) => {
            let missing: Vec<&str> = ["--migration-dir", "--assessment-control-plane", "--migration-uuid"]
                .into_iter()
                .filter(|f| !given.contains(f))
                .collect();
            Err(Error::invalid_argument(format!(
                "{} missing: {TWO_WAYS}",
                missing.join(" and ")
            )))
        }
    }
}

/// A rebuild may go into a new or empty directory, or one that holds this same migration (a
/// repeated start-migration converges); never into another migration or unrelated files.
fn check_rebuild_target(dir: &Path, uuid: Uuid) -> Result<()> {
    let existing = MigrationDir::new(dir);
    if existing.holds_migration() {
        let meta = existing.read_metainfo()?;
        if meta.migration_uuid != uuid {
            return Err(Error::already_exists(format!(
                "{} holds another migration ({}): choose another --migration-dir",
                dir.display(),
                meta.migration_uuid
            )));
        }
        return Ok(());
    }
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true);
        if non_empty || !dir.is_dir() {
            return Err(Error::already_exists(format!(
                "{} exists and is not an empty directory nor this migration's dir: choose a new --migration-dir",
                dir.display()
            )));
        }
    }
    Ok(())
}

fn find_in_migration_dir(config_file: &Path) -> Result<Found> {
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
    let recorded_source = SourceDetails {
        db_type: source.db_type.clone().unwrap_or_else(|| "postgresql".into()),
        host: source.db_host.clone().unwrap_or_default(),
        port: source.db_port.unwrap_or(5432),
        database: source.db_name.clone().unwrap_or_default(),
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

async fn find_in_control_plane(control_plane: &str, uuid: Uuid, env: &LibpqEnv) -> Result<Found> {
    let cp = ControlPlane::connect_with_env(control_plane, env).await?;
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
fn write_report(export_dir: &Path, report_text: &str) -> Result<()> {
    let json_path = export_dir.join(REPORT_JSON_RELATIVE);
    fs_atomic::write(&json_path, report_text.as_bytes())?;
    if let Ok(report) = AssessmentReport::from_json_str(report_text) {
        let html = crate::assessment::html::render_html(&report);
        fs_atomic::write(&json_path.with_extension("html"), html.as_bytes())?;
    }
    Ok(())
}

/// `postgresql://user@host:port/db?sslmode=...` from recorded details (no password).
fn prefilled_source(source: &SourceDetails) -> String {
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

fn source_from_config(config: &Config) -> Result<String> {
    let s: DbSection = config.db_section("source");
    let host = s
        .db_host
        .ok_or_else(|| Error::config(format!("{}: source.db-host is missing", config.path().display())))?;
    let db = s
        .db_name
        .ok_or_else(|| Error::config(format!("{}: source.db-name is missing", config.path().display())))?;
    let mut conn = ConnectionString::from_parts(
        &host,
        s.db_port.unwrap_or(5432),
        &db,
        s.db_user.as_deref().unwrap_or(""),
        s.ssl_mode
            .as_deref()
            .and_then(|m| m.parse().ok())
            .unwrap_or(crate::connection::SslMode::Prefer),
    );
    conn.set_password(None);
    Ok(conn.redacted())
}

fn target_section(conn: &ConnectionString) -> DbSection {
    DbSection {
        db_type: None,
        ..source_section(conn)
    }
}

fn split_schemas(text: &str) -> Vec<String> {
    text.split([',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The yb-voyager commands that carry the chosen flow on.
pub fn next_steps(flow: &str, config_file: &Path) -> Vec<String> {
    let f = format!("--config-file {}", config_file.display());
    let mut steps = vec![
        format!("yb-voyager export schema {f}"),
        format!("yb-voyager analyze-schema {f}"),
        format!("yb-voyager import schema {f}"),
        format!("yb-voyager export data {f}"),
        format!("yb-voyager import data {f}"),
    ];
    match flow {
        "live" => steps.push(format!("yb-voyager initiate cutover to target {f}")),
        "live-fall-back" => {
            steps.push(format!("yb-voyager initiate cutover to target {f}"));
            steps.push(format!("yb-voyager export data from target {f}"));
            steps.push(format!("yb-voyager initiate cutover to source {f}"));
        }
        "live-fall-forward" => {
            steps.push(format!("yb-voyager import data to source-replica {f}"));
            steps.push(format!("yb-voyager initiate cutover to target {f}"));
            steps.push(format!("yb-voyager initiate cutover to source-replica {f}"));
        }
        _ => steps.push(format!("yb-voyager finalize-schema-post-data-import {f}")),
    }
    steps.push(format!("yb-voyager end migration {f}"));
    steps
}

/// Run start-migration with every answer given up front; a missing answer is a
/// `MissingAnswer` error naming its flag and environment variable.
pub async fn run(answers: StartMigrationAnswers) -> Result<StartMigrationOutcome> {
    run_with_env(answers, LibpqEnv::from_process()).await
}

pub async fn run_with_env(answers: StartMigrationAnswers, env: LibpqEnv) -> Result<StartMigrationOutcome> {
    let yes = answers.yes;
    crate::journey::run_to_end(StartMigrationJourney::new(answers, env), yes).await
}

impl crate::journey::Journey for StartMigrationJourney {
    type Outcome = StartMigrationOutcome;
    async fn next(&mut self) -> Result<Step<StartMigrationOutcome>> {
        self.go_on().await
    }
    fn answer(&mut self, id: &str, value: &str) -> Result<()> {
        self.take_answer(id, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn answers(cf: bool, dir: bool, cp: bool, uuid: bool) -> StartMigrationAnswers {
        StartMigrationAnswers {
            config_file: cf.then(|| "m/config.toml".into()),
            migration_dir: dir.then(|| "m".into()),
            assessment_control_plane: cp.then(|| "postgresql://yugabyte@localhost:5433".into()),
            migration_uuid: uuid.then(|| Uuid::new_v4().to_string()),
            ..Default::default()
        }
    }

    #[test]
    fn config_file_with_any_of_the_three_is_refused() {
        for (d, c, u) in [
            (true, false, false),
            (false, true, false),
            (false, false, true),
            (true, true, true),
        ] {
            let err = way_in(&answers(true, d, c, u)).err().unwrap();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument);
            assert!(err.message().contains("not both"), "{err}");
        }
    }

    #[test]
    fn a_missing_one_of_the_three_is_named() {
        let err = way_in(&answers(false, true, true, false)).err().unwrap();
        assert!(err.message().starts_with("--migration-uuid missing"), "{err}");
        let err = way_in(&answers(false, true, false, false)).err().unwrap();
        assert!(
            err.message()
                .starts_with("--assessment-control-plane and --migration-uuid missing"),
            "{err}"
        );
        let err = way_in(&StartMigrationAnswers::default()).err().unwrap();
        assert!(err.message().contains("nothing to start from"), "{err}");
    }

    #[test]
    fn a_malformed_uuid_is_refused() {
        let mut a = answers(false, true, true, true);
        a.migration_uuid = Some("'; DROP TABLE x; --".into());
        let err = way_in(&a).err().unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.message().contains("is not a UUID"));
    }

    #[test]
    fn rebuild_target_rules() {
        let tmp = tempfile::tempdir().unwrap();
        let uuid = Uuid::new_v4();
        assert!(check_rebuild_target(&tmp.path().join("new"), uuid).is_ok());
        assert!(check_rebuild_target(tmp.path(), uuid).is_ok()); // empty
        std::fs::write(tmp.path().join("x"), "mine").unwrap();
        assert_eq!(
            check_rebuild_target(tmp.path(), uuid).unwrap_err().kind(),
            ErrorKind::AlreadyExists
        );
        let other = tmp.path().join("other");
        MigrationDir::new(&other)
            .write_metainfo(&MetaInfo::new(Uuid::new_v4()))
            .unwrap();
        assert_eq!(
            check_rebuild_target(&other, uuid).unwrap_err().kind(),
            ErrorKind::AlreadyExists
        );
        let same = tmp.path().join("same");
        MigrationDir::new(&same).write_metainfo(&MetaInfo::new(uuid)).unwrap();
        assert!(check_rebuild_target(&same, uuid).is_ok());
    }

    #[test]
    fn every_flow_has_next_steps_ending_the_migration() {
        for (flow, _) in FLOWS {
            let steps = next_steps(flow, Path::new("/m/config.toml"));
            assert!(steps.last().unwrap().contains("end migration"));
            assert!(steps.iter().all(|s| s.contains("--config-file /m/config.toml")));
        }
    }
}
