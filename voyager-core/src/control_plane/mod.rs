//! The control plane: one shared database (YugabyteDB YSQL; PostgreSQL works too) that keeps
//! every migration's source details (never a password) and every assessment, so a team can
//! compare them and start a migration from any machine.
//!
//! Every write is one transaction, retried with backoff on serialization failures (SQLSTATE
//! 40001, as YugabyteDB requires), deadlocks, key races between concurrent writers, and a
//! dropped connection (after reconnecting). Storing the same report twice stores it once.

/// Run `$body` (which uses `$tx`, the transaction) in one transaction on `$cp`, retried with
/// backoff on the failures worth another try (and key races between concurrent writers).
/// `return` in the body ends the transaction's work early, still committing. A macro rather
/// than a function over async closures, whose futures the compiler cannot yet prove `Send`.
macro_rules! transact {
    ($cp:expr, $what:expr, |$tx:ident| $body:block) => {{
        let cp: &$crate::control_plane::ControlPlane = $cp;
        let mut tries = 0;
        loop {
            let mut client = cp.client.lock().await;
            let result = match client.transaction().await {
                Ok(transaction) => {
                    let worked: std::result::Result<_, tokio_postgres::Error> = async {
                        let $tx = &transaction;
                        $body
                    }
                    .await;
                    match worked {
                        Ok(value) => transaction.commit().await.map(|()| value),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            drop(client);
            match result {
                Ok(value) => break Ok(value),
                Err(e) if $crate::control_plane::worth_retrying(&e, tries) => {
                    tries += 1;
                    cp.recover(&e, tries).await?;
                }
                Err(e) => break Err(cp.failed($what, &e)),
            }
        }
    }};
}

mod listing;
mod queue;
mod schema;
mod yugabyted;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;
use tokio_postgres::error::SqlState;
use tokio_postgres::Client;
use uuid::Uuid;

pub use listing::{ListFilter, MigrationSummary, SortKey};
pub use queue::{Claim, FleetMember, HeldItem, QueueCounts, QueueFailure};
pub use schema::SCHEMA_VERSION;

use crate::connection::{ConnectionString, LibpqEnv};
use crate::{Error, Result};

/// The default control plane: the one the local yugabyted UI reads.
pub const LOCAL_CONTROL_PLANE: &str = crate::init::LOCAL_CONTROL_PLANE;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_TRIES: u32 = 8;

/// Where a source database is, never with a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDetails {
    pub db_type: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub schemas: Vec<String>,
    /// Unknown when the migration was recorded by yb-voyager.
    pub user: Option<String>,
    pub ssl_mode: Option<String>,
}

impl SourceDetails {
    /// A PostgreSQL source's details from its connection (the password left out).
    pub fn of(conn: &ConnectionString, schemas: Vec<String>) -> Self {
        SourceDetails {
            db_type: "postgresql".into(),
            host: conn.host().to_string(),
            port: conn.port(),
            database: conn.dbname().to_string(),
            schemas,
            user: Some(conn.user().to_string()),
            ssl_mode: Some(conn.sslmode().as_str().to_string()),
        }
    }
}

/// Who wrote an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Libvoyager,
    YbVoyager,
}

/// The summary columns of one assessment run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentSummary {
    pub run: i32,
    pub status: String,
    pub error: Option<String>,
    pub complexity: Option<String>,
    pub level1: i32,
    pub level2: i32,
    pub level3: i32,
    pub total_size_bytes: i64,
    pub effort_hours: f64,
    pub assessed_at: chrono::DateTime<chrono::Utc>,
    /// Some check could not run; `skipped_checks` says which, why and the fix (one a line).
    #[serde(default)]
    pub partial: bool,
    #[serde(default)]
    pub skipped_checks: Option<String>,
}

/// The latest completed assessment of a migration, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAssessment {
    pub migration_uuid: Uuid,
    pub source: SourceDetails,
    pub report: Value,
    pub summary: Option<AssessmentSummary>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreOutcome {
    Stored { run: i32 },
    AlreadyStored { run: i32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlPlaneStatus {
    /// The control plane's connection string, redacted.
    pub control_plane: String,
    pub server_version: String,
    pub schema_version: i32,
    pub client_schema_version: i32,
    pub writable: bool,
    pub migrations: i64,
    pub assessments: i64,
}

/// A connection to a control plane, its schema made sure of.
pub struct ControlPlane {
    conn: ConnectionString,
    client: Mutex<Client>,
    newer_schema: Option<i32>,
}

impl ControlPlane {
    /// Connect to the control plane named by a libpq connection string (its password, if any,
    /// is the one the user chose to keep there; `.pgpass` and `PGPASSWORD` also work).
    pub async fn connect(text: &str) -> Result<Self> {
        Self::connect_with_env(text, &LibpqEnv::from_process()).await
    }

    pub async fn connect_with_env(text: &str, env: &LibpqEnv) -> Result<Self> {
        let conn = ConnectionString::parse(text)?.resolve(env);
        let client = conn
            .connect(CONNECT_TIMEOUT)
            .await
            .map_err(|e| Error::control_plane(e.message().to_string()))?;
        let mut cp = ControlPlane {
            conn,
            client: Mutex::new(client),
            newer_schema: None,
        };
        let mut tries = 0;
        loop {
            let result = {
                let client = cp.client.lock().await;
                schema::ensure(&client).await
            };
            match result {
                Ok(schema::SchemaState::Current) => break,
                Ok(schema::SchemaState::Newer(v)) => {
                    cp.newer_schema = Some(v);
                    break;
                }
                Err(e) if tries < MAX_TRIES && (retryable(&e) || is_creation_race(&e)) => {
                    tries += 1;
                    cp.recover(&e, tries).await?;
                }
                Err(e) => return Err(cp.failed("could not set up the control plane's tables", &e)),
            }
        }
        Ok(cp)
    }

    /// The control plane's address, redacted.
    pub fn redacted(&self) -> String {
        self.conn.redacted()
    }

    /// The server's message, detail, hint and SQLSTATE are kept (never a password).
    fn failed(&self, what: &str, e: &tokio_postgres::Error) -> Error {
        Error::database(
            crate::ErrorKind::ControlPlane,
            &format!("{what} ({})", self.conn.redacted()),
            e,
        )
    }

    fn check_writable(&self) -> Result<()> {
        match self.newer_schema {
            Some(v) => Err(Error::control_plane(format!(
                "the control plane {} was set up by a newer libvoyager (schema version {v}, this one knows {SCHEMA_VERSION}): \
                 upgrade libvoyager to write to it",
                self.conn.redacted()
            ))),
            None => Ok(()),
        }
    }

    /// Wait before the next try, reconnecting if the connection is gone.
    async fn recover(&self, e: &tokio_postgres::Error, tries: u32) -> Result<()> {
        let backoff = Duration::from_millis((25u64 << tries.min(6)).min(2_000));
        tokio::time::sleep(backoff).await;
        let mut client = self.client.lock().await;
        if e.is_closed() || client.is_closed() || e.code().is_none() {
            match self.conn.connect(CONNECT_TIMEOUT).await {
                Ok(fresh) => *client = fresh,
                Err(err) if tries < MAX_TRIES => tracing::debug!("control plane still away: {}", err.message()),
                Err(err) => return Err(Error::control_plane(err.message().to_string())),
            }
        }
        Ok(())
    }

    pub async fn status(&self) -> Result<ControlPlaneStatus> {
        let client = self.client.lock().await;
        let row = client
            .query_one(
                "SELECT current_setting('server_version'), \
                        (SELECT version FROM voyager_fleet.schema_version WHERE id = 1), \
                        (SELECT count(*) FROM voyager_fleet.sources), (SELECT count(*) FROM voyager_fleet.assessments)",
                &[],
            )
            .await
            .map_err(|e| self.failed("could not read the control plane", &e))?;
        Ok(ControlPlaneStatus {
            control_plane: self.conn.redacted(),
            server_version: row.get(0),
            schema_version: row.get::<_, Option<i32>>(1).unwrap_or(0),
            client_schema_version: SCHEMA_VERSION,
            writable: self.newer_schema.is_none(),
            migrations: row.get(2),
            assessments: row.get(3),
        })
    }

    /// Record a source (or update its details).
    pub async fn register_source(&self, uuid: Uuid, source: &SourceDetails) -> Result<()> {
        self.check_writable()?;
        transact!(self, "could not record the source", |tx| {
            upsert_source(tx, uuid, source).await
        })
    }

    /// Store a completed assessment (source details, summary columns, the full report, and
    /// yugabyted's rows) in one transaction. The same report for the same migration is stored
    /// once.
    pub async fn store_assessment(
        &self,
        uuid: Uuid,
        source: &SourceDetails,
        report: &Value,
        migration_dir: &str,
    ) -> Result<StoreOutcome> {
        self.store_claimed(uuid, source, report, migration_dir, None)
            .await?
            .ok_or_else(|| Error::internal("an assessment without a claim was refused as unclaimed"))
    }

    /// [`Self::store_assessment`], and in the same transaction the fleet queue's item marked
    /// done, so a worker killed at any moment leaves either both or neither. With a `claim` that
    /// this worker no longer holds (its lease ran out and another worker took the item),
    /// nothing is stored and the result is `None`.
    pub async fn store_claimed(
        &self,
        uuid: Uuid,
        source: &SourceDetails,
        report: &Value,
        migration_dir: &str,
        claim: Option<&Claim>,
    ) -> Result<Option<StoreOutcome>> {
        self.check_writable()?;
        let sha = hex(&Sha256::digest(serde_json::to_vec(report).unwrap_or_default()));
        let summary = listing::summary_columns(report);
        transact!(self, "could not store the assessment", |tx| {
            if let Some(claim) = claim {
                if !queue::finish(tx, claim, uuid, "done", None).await? {
                    return Ok(None);
                }
            }
            let existing = tx
                .query_opt(
                    "SELECT run FROM voyager_fleet.assessments WHERE migration_uuid = $1 AND report_sha256 = $2",
                    &[&uuid, &sha],
                )
                .await?;
            if let Some(row) = existing {
                return Ok(Some(StoreOutcome::AlreadyStored { run: row.get(0) }));
            }
            upsert_source(tx, uuid, source).await?;
            let run = next_run(tx, uuid).await?;
            tx.execute(
                "INSERT INTO voyager_fleet.assessments (migration_uuid, run, status, complexity, level1, level2, level3, \
                    blocking, total_size_bytes, row_count, effort_hours, target_db_version, assessed_at, report, report_sha256, \
                    partial, skipped_checks) \
                 VALUES ($1, $2, 'completed', $3, $4, $5, $6, $6, $7, $8, $9, $10, now(), $11, $12, $13, $14)",
                &[
                    &uuid,
                    &run,
                    &summary.complexity,
                    &summary.level1,
                    &summary.level2,
                    &summary.level3,
                    &summary.total_size_bytes,
                    &summary.row_count,
                    &summary.effort_hours,
                    &summary.target_db_version,
                    report,
                    &sha,
                    &summary.partial,
                    &summary.skipped_checks,
                ],
            )
            .await?;
            tx.execute(
                "UPDATE voyager_fleet.sources SET latest_run = $2, completed_run = $2, updated_at = now() WHERE migration_uuid = $1",
                &[&uuid, &run],
            )
            .await?;
            yugabyted::write_rows(tx, uuid, source, report, migration_dir).await?;
            Ok(Some(StoreOutcome::Stored { run }))
        })
    }

    /// Record that assessing a migration's source failed, and why.
    pub async fn record_failure(&self, uuid: Uuid, source: &SourceDetails, error: &str) -> Result<()> {
        self.record_failure_claimed(uuid, source, error, None).await.map(|_| ())
    }

    /// [`Self::record_failure`], and in the same transaction the fleet queue's item marked failed.
    /// Returns false (and records nothing) when `claim` no longer holds the item.
    pub async fn record_failure_claimed(
        &self,
        uuid: Uuid,
        source: &SourceDetails,
        error: &str,
        claim: Option<&Claim>,
    ) -> Result<bool> {
        self.check_writable()?;
        let error = crate::connection::redact(error);
        transact!(self, "could not record the failure", |tx| {
            if let Some(claim) = claim {
                if !queue::finish(tx, claim, uuid, "failed", Some(&error)).await? {
                    return Ok(false);
                }
            }
            upsert_source(tx, uuid, source).await?;
            let run = next_run(tx, uuid).await?;
            tx.execute(
                "INSERT INTO voyager_fleet.assessments (migration_uuid, run, status, error, assessed_at) \
                 VALUES ($1, $2, 'failed', $3, now())",
                &[&uuid, &run, &error],
            )
            .await?;
            tx.execute(
                "UPDATE voyager_fleet.sources SET latest_run = $2, updated_at = now() WHERE migration_uuid = $1",
                &[&uuid, &run],
            )
            .await?;
            Ok(true)
        })
    }

    /// The latest completed assessment of a migration: ours, or else one yb-voyager wrote to
    /// yugabyted's table.
    pub async fn latest(&self, uuid: Uuid) -> Result<StoredAssessment> {
        let client = self.client.lock().await;
        let row = client
            .query_opt(
                "SELECT s.db_type, s.host, s.port, s.database_name, s.schemas, s.db_user, s.ssl_mode, a.report, \
                        a.run, a.status, a.error, a.complexity, a.level1, a.level2, a.level3, a.total_size_bytes, \
                        a.effort_hours, a.assessed_at, a.partial, a.skipped_checks \
                 FROM voyager_fleet.sources s JOIN voyager_fleet.assessments a \
                   ON a.migration_uuid = s.migration_uuid AND a.run = s.completed_run \
                 WHERE s.migration_uuid = $1",
                &[&uuid],
            )
            .await
            .map_err(|e| self.failed("could not read the control plane", &e))?;
        if let Some(r) = row {
            return Ok(StoredAssessment {
                migration_uuid: uuid,
                source: SourceDetails {
                    db_type: r.get(0),
                    host: r.get(1),
                    port: u16::try_from(r.get::<_, i32>(2)).unwrap_or(5432),
                    database: r.get(3),
                    schemas: r.get(4),
                    user: r.get(5),
                    ssl_mode: r.get(6),
                },
                report: r.get::<_, Option<Value>>(7).unwrap_or(Value::Null),
                summary: Some(listing::summary_from_row(&r, 8)),
                origin: Origin::Libvoyager,
            });
        }
        match yugabyted::latest(&client, uuid).await {
            Ok(Some((source, report))) => {
                Ok(StoredAssessment { migration_uuid: uuid, source, report, summary: None, origin: Origin::YbVoyager })
            }
            Ok(None) => Err(Error::not_found(format!(
                "the control plane {} has no completed assessment of migration {uuid}: check the UUID, or assess it first",
                self.conn.redacted()
            ))),
            Err(e) => Err(self.failed("could not read yugabyted's assessments", &e)),
        }
    }

    /// Every assessment run of a migration, latest first.
    pub async fn history(&self, uuid: Uuid) -> Result<Vec<AssessmentSummary>> {
        let client = self.client.lock().await;
        let rows = client
            .query(
                "SELECT run, status, error, complexity, level1, level2, level3, total_size_bytes, effort_hours, assessed_at, \
                        partial, skipped_checks \
                 FROM voyager_fleet.assessments WHERE migration_uuid = $1 ORDER BY run DESC",
                &[&uuid],
            )
            .await
            .map_err(|e| self.failed("could not read the control plane", &e))?;
        Ok(rows.iter().map(|r| listing::summary_from_row(r, 0)).collect())
    }

    /// For each assessed member of a fleet, the sorted names of its tables and indexes.
    pub async fn fleet_object_names(&self, fleet: &str) -> Result<Vec<(Uuid, Vec<String>)>> {
        let client = self.client.lock().await;
        listing::object_names(&client, fleet)
            .await
            .map_err(|e| self.failed("could not read the fleet's reports", &e))
    }

    /// Every migration with its latest assessment, filtered and sorted, in one query.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<MigrationSummary>> {
        filter.check()?;
        let client = self.client.lock().await;
        listing::list(&client, filter)
            .await
            .map_err(|e| self.failed("could not list the migrations", &e))
    }
}

async fn upsert_source(
    tx: &tokio_postgres::Transaction<'_>,
    uuid: Uuid,
    s: &SourceDetails,
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "INSERT INTO voyager_fleet.sources (migration_uuid, db_type, host, port, database_name, schemas, db_user, ssl_mode) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (migration_uuid) DO UPDATE SET db_type = EXCLUDED.db_type, host = EXCLUDED.host, port = EXCLUDED.port, \
            database_name = EXCLUDED.database_name, schemas = EXCLUDED.schemas, \
            db_user = coalesce(EXCLUDED.db_user, voyager_fleet.sources.db_user), ssl_mode = EXCLUDED.ssl_mode, updated_at = now()",
        &[&uuid, &s.db_type, &s.host, &(s.port as i32), &s.database, &s.schemas, &s.user, &s.ssl_mode],
    )
    .await
    .map(|_| ())
}

async fn next_run(tx: &tokio_postgres::Transaction<'_>, uuid: Uuid) -> Result<i32, tokio_postgres::Error> {
    Ok(tx
        .query_one(
            "SELECT coalesce(max(run), 0) + 1 FROM voyager_fleet.assessments WHERE migration_uuid = $1",
            &[&uuid],
        )
        .await?
        .get(0))
}

/// Whether a transaction's failure is worth try number `tries + 1`.
fn worth_retrying(e: &tokio_postgres::Error, tries: u32) -> bool {
    tries < MAX_TRIES && (retryable(e) || e.code() == Some(&SqlState::UNIQUE_VIOLATION))
}

/// Failures worth another try: serialization (40001), deadlock, and a lost connection.
fn retryable(e: &tokio_postgres::Error) -> bool {
    match e.code() {
        Some(c) => {
            *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
        }
        None => true,
    }
}

/// Two processes creating the same schema at once collide on the catalogs' unique keys.
fn is_creation_race(e: &tokio_postgres::Error) -> bool {
    matches!(e.code(), Some(c) if *c == SqlState::UNIQUE_VIOLATION || *c == SqlState::DUPLICATE_TABLE || *c == SqlState::DUPLICATE_SCHEMA || *c == SqlState::DUPLICATE_OBJECT)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which control plane a command talks to: the one given, else the config file's
/// `assess-migration.assessment-control-plane`, else the local default.
pub fn address(given: Option<&str>, config_file: Option<&str>) -> Result<String> {
    if let Some(given) = given {
        return Ok(given.to_string());
    }
    if let Some(file) = config_file {
        let config = crate::config::Config::load(file)?;
        if let Some(cp) = config.get_str("assess-migration.assessment-control-plane") {
            return Ok(cp);
        }
    }
    Ok(LOCAL_CONTROL_PLANE.to_string())
}

/// A migration's latest assessment with its run history, as `control-plane show` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationDetails {
    pub latest: StoredAssessment,
    pub history: Vec<AssessmentSummary>,
}

/// The whole `show`: the latest assessment and the history of runs.
pub async fn show(control_plane: &str, uuid: &str) -> Result<MigrationDetails> {
    let uuid = parse_uuid(uuid)?;
    let cp = ControlPlane::connect(control_plane).await?;
    details(&cp, uuid).await
}

/// The latest assessment and the history of runs of a migration, on an open control plane.
pub async fn details(cp: &ControlPlane, uuid: Uuid) -> Result<MigrationDetails> {
    let latest = cp.latest(uuid).await?;
    let history = cp.history(uuid).await?;
    Ok(MigrationDetails { latest, history })
}

pub async fn status(control_plane: &str) -> Result<ControlPlaneStatus> {
    ControlPlane::connect(control_plane).await?.status().await
}

pub async fn list(control_plane: &str, filter: &ListFilter) -> Result<Vec<MigrationSummary>> {
    filter.check()?;
    ControlPlane::connect(control_plane).await?.list(filter).await
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
