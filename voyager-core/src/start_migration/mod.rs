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

mod flows;
mod found;
mod way_in;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use flows::next_steps;
use found::{find_in_control_plane, find_in_migration_dir, prefilled_source, write_report, Found};
use way_in::{check_rebuild_target, way_in, Route};

use crate::assessment::report::REPORT_JSON_RELATIVE;
use crate::config::{Config, DbSection};
use crate::connection::{ConnectionString, LibpqEnv};
use crate::init::{source_section, CONNECT_TIMEOUT};
use crate::journey::{Question, QuestionKind, Step};
use crate::migration_dir::{self, MetaInfo, MigrationDir};
use crate::summary::AssessmentSummaryView;
use crate::vocabulary::{Flow, WayIn};
use crate::{Error, Result};

/// The answers to start-migration's questions; those left out are asked.
#[derive(Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
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
    pub flow: Option<Flow>,
    /// Take the default answer of every question that has one.
    pub yes: bool,
}

impl std::fmt::Debug for StartMigrationAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::connection::debug_redacted(self, f)
    }
}

/// What start-migration did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StartMigrationOutcome {
    pub migration_uuid: Uuid,
    pub migration_dir: PathBuf,
    pub config_file: PathBuf,
    pub report_json: PathBuf,
    pub report_html: Option<PathBuf>,
    /// `config-file` or `control-plane`: which way in was taken.
    pub way_in: WayIn,
    /// The source, redacted.
    pub source: String,
    /// The target, redacted.
    pub target: String,
    pub flow: Flow,
    pub summary: AssessmentSummaryView,
    pub messages: Vec<String>,
    /// What happened to what was there before (the migration dir updated in place, an
    /// interrupted command's leftovers recovered); also in `messages`.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The commands to run next, for the chosen flow.
    pub next_steps: Vec<String>,
}

struct Verified {
    conn: ConnectionString,
}

/// The start-migration journey as a state machine, like [`crate::init::InitJourney`].
pub struct StartMigrationJourney {
    answers: StartMigrationAnswers,
    env: LibpqEnv,
    way: Option<Route>,
    found: Option<Found>,
    source: Option<Verified>,
    said_summary: bool,
    target: Option<Verified>,
    messages: Vec<String>,
    notes: Vec<String>,
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
            notes: Vec::new(),
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
                .with_choices_of(Flow::ALL)
                .with_default(Flow::default().as_str()),
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
            "flow" => self.answers.flow = Some(value.parse()?),
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
            self.way = Some(way_in(&self.answers)?);
        }
        if self.found.is_none() {
            let found = match self.way.as_ref() {
                Some(Route::ConfigFile(path)) => find_in_migration_dir(path)?,
                Some(Route::ControlPlane {
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
        let Some(flow) = self.answers.flow else {
            return Ok(Step::Ask {
                question: self.question("flow")?,
            });
        };
        let outcome = self.write(flow)?;
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
            // The migration dir's config, or the details ours recorded (with their user).
            (None, Some(_)) => prefilled_source(&found.recorded_source),
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
            .query_one("SELECT pg_catalog.current_database() AS database", &[])
            .await
            .map_err(|e| {
                Error::connection(format!(
                    "{}: {}",
                    conn.redacted(),
                    crate::connection::redact(&e.to_string())
                ))
            })?
            .try_get("database")
            .map_err(|e| Error::connection(format!("{}: {e}", conn.redacted())))?;
        let server: (Option<std::net::IpAddr>, Option<i32>) = client
            .query_one(
                "SELECT pg_catalog.inet_server_addr() AS addr, pg_catalog.inet_server_port() AS port",
                &[],
            )
            .await
            .ok()
            .and_then(|r| Some((r.try_get("addr").ok()?, r.try_get("port").ok()?)))
            .unwrap_or((None, None));
        let recorded = &found.recorded_source;
        if !recorded.host.is_empty() && !same_server(recorded, &conn, server).await {
            self.answers.source = None;
            return Err(Error::invalid_argument(format!(
                "the source {} is not the server migration {} assessed ({}:{}): give the connection string of the \
                 assessed server and database",
                conn.redacted(),
                found.uuid,
                recorded.host,
                recorded.port
            )));
        }
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
                    "SELECT pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE') \
                        OR pg_catalog.has_schema_privilege('public', 'CREATE') AS can_create, current_user::text AS who",
                    &[],
                )
                .await
                .map_err(|e| Error::connection(format!("{}: {}", conn.redacted(), crate::connection::redact(&e.to_string()))))?;
            let read = |e: tokio_postgres::Error| Error::connection(format!("{}: {e}", conn.redacted()));
            let can_create: bool = row.try_get("can_create").map_err(read)?;
            let user: String = row.try_get("who").map_err(read)?;
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
    fn write(&mut self, flow: Flow) -> Result<StartMigrationOutcome> {
        let (Some(way), Some(found), Some(source), Some(target)) = (&self.way, &self.found, &self.source, &self.target)
        else {
            return Err(Error::internal("start-migration wrote before every check passed"));
        };
        let target_section = target_section(&target.conn);
        let dir = match way {
            Route::ConfigFile(path) => {
                let mut config = found.config.clone().ok_or_else(|| Error::internal("config lost"))?;
                config.set_db_section("target", &target_section)?;
                config.set("start-migration.data-migration-flow", flow.as_str().into())?;
                config.save()?;
                let dir = MigrationDir::of_config_file(path);
                let meta = dir.mark_step("start-migration")?;
                let schemas = found.config.as_ref().and_then(|c| c.db_section("source").db_schema);
                let schemas = schemas.as_deref().map(crate::config::split_schemas).unwrap_or_else(|| {
                    let names = found
                        .report
                        .pointer("/SchemaSummary/SchemaNames")
                        .and_then(|v| v.as_array());
                    names
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                });
                write_meta_db(&dir, meta.migration_uuid, &source.conn, &schemas)?;
                dir
            }
            Route::ControlPlane {
                dir,
                control_plane,
                uuid,
            } => {
                let final_dir = MigrationDir::new(migration_dir::absolute(dir)?);
                let uuid = *uuid;
                let set_keys = |config: &mut Config| -> Result<()> {
                    config.set("export-dir", final_dir.export_dir().display().to_string().into())?;
                    if config.get_str("log-level").is_none() {
                        config.set("log-level", "info".into())?;
                    }
                    let mut src = source_section(&source.conn);
                    src.db_schema = Some(found.recorded_source.schemas.join(",")).filter(|s| !s.is_empty());
                    config.set_db_section("source", &src)?;
                    config.set_db_section("target", &target_section)?;
                    config.set_control_plane(control_plane)?;
                    config.set("start-migration.data-migration-flow", flow.as_str().into())
                };
                if final_dir.holds_migration() {
                    // This migration's own dir (checked before): update it in place, so what
                    // yb-voyager exported there, the user's files and the config's comments stay.
                    update_in_place(&final_dir, uuid, set_keys, &found.report_text)?;
                    write_meta_db(&final_dir, uuid, &source.conn, &found.recorded_source.schemas)?;
                    self.notes.push(format!(
                        "Updated the migration dir {} in place (config, assessment report); nothing else in it was touched.",
                        final_dir.root().display()
                    ));
                } else {
                    let created = migration_dir::create_atomically(final_dir.root(), false, |staging| {
                        let mut config = Config::new(staging.config_file())?;
                        set_keys(&mut config)?;
                        config.save()?;
                        write_report(&staging.export_dir(), &found.report_text)?;
                        let logs = staging.export_dir().join("logs");
                        std::fs::create_dir_all(&logs).map_err(|e| Error::io("create directory", &logs, &e))?;
                        let mut meta = MetaInfo::new(uuid);
                        meta.source = Some(migration_dir::source_key(
                            source.conn.host(),
                            source.conn.port(),
                            source.conn.dbname(),
                        ));
                        let now = chrono::Utc::now();
                        meta.steps.insert("assess-migration".into(), now);
                        meta.steps.insert("start-migration".into(), now);
                        staging.write_metainfo(&meta)?;
                        write_meta_db(staging, uuid, &source.conn, &found.recorded_source.schemas)
                    })?;
                    self.notes.extend(created.notes);
                }
                final_dir
            }
        };
        let config_file = match way {
            Route::ConfigFile(path) => path.clone(),
            Route::ControlPlane { .. } => dir.config_file(),
        };
        let report_json = dir.export_dir().join(REPORT_JSON_RELATIVE);
        let html = report_json.with_extension("html");
        self.messages.extend(self.notes.iter().cloned());
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
            way_in: way.way_in(),
            source: source.conn.redacted(),
            target: target.conn.redacted(),
            flow,
            summary: AssessmentSummaryView::from_report(&found.report),
            messages: std::mem::take(&mut self.messages),
            notes: std::mem::take(&mut self.notes),
            next_steps,
        })
    }
}

/// Whether `conn` reaches the server a migration recorded: the same host (loopback addresses and
/// `localhost` alike) and port, or the recorded host resolves to the address and port the
/// connected server reports (`inet_server_addr()`, `inet_server_port()`).
async fn same_server(
    recorded: &crate::control_plane::SourceDetails,
    conn: &ConnectionString,
    server: (Option<std::net::IpAddr>, Option<i32>),
) -> bool {
    let key = |host: &str, port: u16| migration_dir::source_key(host, port, "");
    if key(&recorded.host, recorded.port) == key(conn.host(), conn.port()) {
        return true;
    }
    let (Some(addr), Some(port)) = server else {
        return false;
    };
    if i32::from(recorded.port) != port {
        return false;
    }
    let lookup = tokio::net::lookup_host((recorded.host.as_str(), recorded.port));
    match tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await {
        Ok(Ok(mut addrs)) => addrs.any(|a| a.ip() == addr || (a.ip().is_loopback() && addr.is_loopback())),
        _ => false,
    }
}

/// Update the migration dir that already holds migration `uuid` where it is, under its lock:
/// the config's keys (its comments and other keys stay), the stored report, the journey steps.
/// Nothing else in the dir is read, moved or deleted.
fn update_in_place(
    dir: &MigrationDir,
    uuid: Uuid,
    set_keys: impl FnOnce(&mut Config) -> Result<()>,
    report_text: &str,
) -> Result<()> {
    let _lock = migration_dir::lock(&migration_dir::follow_link(dir.root())?)?;
    let meta = dir.read_metainfo()?;
    if meta.migration_uuid != uuid {
        return Err(Error::already_exists(format!(
            "{} now holds another migration ({}): choose another \u{E000}migration_dir\u{E001}",
            dir.root().display(),
            meta.migration_uuid
        )));
    }
    let mut config = if dir.config_file().is_file() {
        Config::load(dir.config_file())?
    } else {
        Config::new(dir.config_file())?
    };
    set_keys(&mut config)?;
    config.save()?;
    write_report(&dir.export_dir(), report_text)?;
    let logs = dir.export_dir().join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| Error::io("create directory", &logs, &e))?;
    let mut meta = meta;
    let now = chrono::Utc::now();
    meta.steps.insert("assess-migration".into(), now);
    meta.steps.insert("start-migration".into(), now);
    dir.write_metainfo(&meta)
}

/// yb-voyager's meta.db in the migration dir's export dir: this migration, assessed.
fn write_meta_db(dir: &MigrationDir, uuid: Uuid, source: &ConnectionString, schemas: &[String]) -> Result<()> {
    let record = crate::meta_db::Record {
        migration_uuid: uuid,
        source: crate::meta_db::SourceConf::from_connection(source, schemas),
        assessment_done: true,
    };
    crate::meta_db::write(&dir.export_dir(), &record)
}

fn target_section(conn: &ConnectionString) -> DbSection {
    DbSection {
        db_type: None,
        ..source_section(conn)
    }
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
