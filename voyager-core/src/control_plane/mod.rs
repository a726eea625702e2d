//! The control plane: one shared database (YugabyteDB YSQL; PostgreSQL works too) that keeps
//! every migration's source details (never a password) and every assessment, so a team can
//! compare them and start a migration from any machine.
//!
//! Every write is one transaction, retried with backoff on serialization failures (SQLSTATE
//! 40001, as YugabyteDB requires), deadlocks, key races between concurrent writers, and a
//! dropped connection (after reconnecting). Storing the same report twice stores it once.

#[macro_use]
mod retry;
mod commands;
mod databases;
mod history;
mod listing;
mod marker;
mod names;
mod queue;
pub(crate) mod rows;
mod schema;
mod yugabyted;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;
use tokio_postgres::Client;
use uuid::Uuid;

pub use commands::{address, details, list, parse_uuid, show, status, MigrationDetails};
pub use databases::{address_identity, identity_of, normal_host, same_host, server_identity};
pub use history::{diff, forget, AssessmentDiff, Change, ForgetOutcome, IssueRef};
pub use listing::{ListFilter, MigrationRuns, MigrationSummary, RunBrief, SortKey};
pub use names::{name_hash, name_hashes};
pub use queue::{Claim, FleetMember, HeldItem, QueueCounts, QueueFailure};
pub use schema::SCHEMA_VERSION;
pub use yugabyted::report_of_payload;

use crate::connection::{ConnectionString, LibpqEnv};
use crate::vocabulary::QueueState;
use crate::{Error, Result};
use retry::{is_creation_race, retryable, MAX_TRIES};
use rows::{column, ColumnError};

/// The default control plane: the one the local yugabyted UI reads.
pub const LOCAL_CONTROL_PLANE: &str = crate::init::LOCAL_CONTROL_PLANE;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a source database is, never with a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    #[default]
    Libvoyager,
    YbVoyager,
}

/// The summary columns of one assessment run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssessmentSummary {
    pub run: i32,
    pub status: crate::vocabulary::AssessmentStatus,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredAssessment {
    pub migration_uuid: Uuid,
    pub source: SourceDetails,
    pub report: Value,
    pub summary: Option<AssessmentSummary>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoreOutcome {
    Stored { run: i32 },
    AlreadyStored { run: i32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// A connection to a control plane: made sure of its schema (writers, [`ControlPlane::connect`])
/// or only looked at (readers, [`ControlPlane::open`], which run no DDL).
pub struct ControlPlane {
    conn: ConnectionString,
    client: Mutex<Client>,
    newer_schema: Option<i32>,
    schema: schema::SchemaState,
    /// Whether yugabyted's table is there (readers do not create it).
    yugabyted_table: bool,
}

/// The control plane's connection string, resolved from the environment, and a session on it.
async fn connect_client(text: &str, env: &LibpqEnv) -> Result<(ConnectionString, Client)> {
    let conn = ConnectionString::parse(text)?.resolve(env);
    let client = conn
        .connect(CONNECT_TIMEOUT)
        .await
        .map_err(|e| e.with_kind(crate::ErrorKind::ControlPlane))?;
    Ok((conn, client))
}

impl ControlPlane {
    /// Connect to the control plane named by a libpq connection string (its password, if any,
    /// is the one the user chose to keep there; `.pgpass` and `PGPASSWORD` also work).
    pub async fn connect(text: &str) -> Result<Self> {
        Self::connect_with_env(text, &LibpqEnv::from_process()).await
    }

    pub async fn connect_with_env(text: &str, env: &LibpqEnv) -> Result<Self> {
        let (conn, client) = connect_client(text, env).await?;
        let mut cp = ControlPlane {
            conn,
            client: Mutex::new(client),
            newer_schema: None,
            schema: schema::SchemaState::Current,
            yugabyted_table: true,
        };
        let mut tries = 0;
        loop {
            let result = {
                let client = cp.client.lock().await;
                schema::ensure(&client).await
            };
            match result {
                Ok(state) => {
                    cp.set_schema(state)?;
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

    /// Connect to read only: no table is created or upgraded, so a user with nothing but
    /// SELECT rights can list, show and rank. A control plane without libvoyager's tables reads
    /// as empty (yb-voyager's rows, if any, still show).
    pub async fn open(text: &str) -> Result<Self> {
        Self::open_with_env(text, &LibpqEnv::from_process()).await
    }

    pub async fn open_with_env(text: &str, env: &LibpqEnv) -> Result<Self> {
        let (conn, client) = connect_client(text, env).await?;
        let mut cp = ControlPlane {
            conn,
            client: Mutex::new(client),
            newer_schema: None,
            schema: schema::SchemaState::Missing,
            yugabyted_table: false,
        };
        let mut tries = 0;
        loop {
            let result = async {
                let client = cp.client.lock().await;
                let state = schema::read_state(&client).await?;
                let yugabyted: bool = client
                    .query_one(
                        "SELECT pg_catalog.to_regclass('ybvoyager_visualizer.ybvoyager_visualizer_metadata') IS NOT NULL AS present",
                        &[],
                    )
                    .await?
                    .try_get("present")?;
                Ok::<_, tokio_postgres::Error>((state, yugabyted))
            }
            .await;
            match result {
                Ok((state, yugabyted)) => {
                    cp.set_schema(state)?;
                    cp.yugabyted_table = yugabyted;
                    return Ok(cp);
                }
                Err(e) if tries < MAX_TRIES && retryable(&e) => {
                    tries += 1;
                    cp.recover(&e, tries).await?;
                }
                Err(e) => return Err(cp.failed("could not read the control plane", &e)),
            }
        }
    }

    fn set_schema(&mut self, state: schema::SchemaState) -> Result<()> {
        if let schema::SchemaState::Corrupt(v) = state {
            return Err(Error::control_plane(format!(
                "the control plane {} records schema version {v} in voyager_fleet.schema_version, which no libvoyager \
                 writes (this one writes {SCHEMA_VERSION}): the table was changed by hand; set the version back \
                 (UPDATE voyager_fleet.schema_version SET version = {SCHEMA_VERSION} WHERE id = 1) or use another control plane",
                self.conn.redacted()
            )));
        }
        if let schema::SchemaState::Newer(v) = state {
            self.newer_schema = Some(v);
        }
        self.schema = state;
        Ok(())
    }

    /// Whether libvoyager's tables are there to read.
    fn has_tables(&self) -> bool {
        self.schema != schema::SchemaState::Missing
    }

    /// A read of stored data that failed: says which column could not be read and, when the
    /// tables were written by a newer libvoyager, that upgrading is the way out.
    fn unreadable(&self, what: &str, e: ColumnError) -> Error {
        let newer = match self.newer_schema {
            Some(v) => format!(
                "; the tables were written by a newer libvoyager (schema version {v}, this one reads {SCHEMA_VERSION}): upgrade libvoyager"
            ),
            None => String::new(),
        };
        match e {
            ColumnError::Db(e) => {
                let mut err = self.failed(what, &e);
                if !newer.is_empty() {
                    err = Error::control_plane(format!("{}{newer}", err.message()));
                }
                err
            }
            ColumnError::Column(text) => {
                Error::control_plane(format!("{what} ({}): {text}{newer}", self.conn.redacted()))
            }
        }
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

    /// Reachable, which schema version, how much it holds. A control plane without libvoyager's
    /// tables reports schema version 0 and nothing stored.
    pub async fn status(&self) -> Result<ControlPlaneStatus> {
        let client = self.client.lock().await;
        let sql = if self.has_tables() {
            "SELECT pg_catalog.current_setting('server_version') AS server_version, \
                    (SELECT version::int8 FROM voyager_fleet.schema_version WHERE id = 1) AS schema_version, \
                    (SELECT count(*) FROM voyager_fleet.sources) AS migrations, \
                    (SELECT count(*) FROM voyager_fleet.assessments) AS assessments"
        } else {
            "SELECT pg_catalog.current_setting('server_version') AS server_version, NULL::int8 AS schema_version, \
                    0::int8 AS migrations, 0::int8 AS assessments"
        };
        let read = async {
            let row = client.query_one(sql, &[]).await?;
            Ok::<_, ColumnError>(ControlPlaneStatus {
                control_plane: self.conn.redacted(),
                server_version: column(&row, "server_version")?,
                schema_version: column::<Option<i64>>(&row, "schema_version")?
                    .map(|v| i32::try_from(v).unwrap_or(i32::MAX))
                    .unwrap_or(0),
                client_schema_version: SCHEMA_VERSION,
                writable: self.newer_schema.is_none(),
                migrations: column(&row, "migrations")?,
                assessments: column(&row, "assessments")?,
            })
        };
        read.await
            .map_err(|e| self.unreadable("could not read the control plane", e))
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
        let identity = databases::identity_of(report, &source.host, source.port as i32, &source.database);
        let object_names = listing::report_object_names(report);
        let object_name_hashes = name_hashes(object_names.iter().map(String::as_str));
        transact!(self, "could not store the assessment", |tx| {
            if let Some(claim) = claim {
                if !queue::finish(tx, claim, uuid, QueueState::Done, None).await? {
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
                return Ok(Some(StoreOutcome::AlreadyStored {
                    run: row.try_get("run")?,
                }));
            }
            upsert_source(tx, uuid, source).await?;
            let run = next_run(tx, uuid).await?;
            tx.execute(
                "INSERT INTO voyager_fleet.assessments (migration_uuid, run, status, complexity, level1, level2, level3, \
                    blocking, total_size_bytes, row_count, effort_hours, target_db_version, assessed_at, report, report_sha256, \
                    partial, skipped_checks, object_names, object_name_hashes) \
                 VALUES ($1, $2, 'completed', $3, $4, $5, $6, $6, $7, $8, $9, $10, now(), $11, $12, $13, $14, $15, $16)",
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
                    &object_names,
                    &object_name_hashes,
                ],
            )
            .await?;
            tx.execute(
                "UPDATE voyager_fleet.sources SET latest_run = $2, completed_run = $2, source_identity = $3, updated_at = now() \
                 WHERE migration_uuid = $1",
                &[&uuid, &run, &identity],
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
                if !queue::finish(tx, claim, uuid, QueueState::Failed, Some(&error)).await? {
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
        if self.has_tables() {
            let read = async {
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
                    .await?;
                let Some(r) = row else { return Ok(None) };
                let port: i32 = column(&r, "port")?;
                let report: Option<Value> = column(&r, "report")?;
                let report = match report {
                    Some(report) if report.is_object() => report,
                    _ => {
                        return Err(ColumnError::Column(format!(
                            "the stored report of migration {uuid} is missing or not a JSON object; assess the database again"
                        )))
                    }
                };
                Ok(Some(StoredAssessment {
                    migration_uuid: uuid,
                    source: SourceDetails {
                        db_type: column(&r, "db_type")?,
                        host: column(&r, "host")?,
                        port: u16::try_from(port).map_err(|_| {
                            ColumnError::Column(format!("the stored port {port} of migration {uuid} is not a port"))
                        })?,
                        database: column(&r, "database_name")?,
                        schemas: column(&r, "schemas")?,
                        user: column(&r, "db_user")?,
                        ssl_mode: column(&r, "ssl_mode")?,
                    },
                    report,
                    summary: Some(listing::summary_from_row(&r)?),
                    origin: Origin::Libvoyager,
                }))
            };
            if let Some(found) = read
                .await
                .map_err(|e| self.unreadable("could not read the control plane", e))?
            {
                return Ok(found);
            }
        }
        let from_yugabyted = if self.yugabyted_table {
            yugabyted::latest(&client, uuid)
                .await
                .map_err(|e| self.unreadable("could not read yugabyted's assessments", e))?
        } else {
            None
        };
        match from_yugabyted {
            Some((source, report)) => {
                Ok(StoredAssessment { migration_uuid: uuid, source, report, summary: None, origin: Origin::YbVoyager })
            }
            None => Err(Error::not_found(format!(
                "the control plane {} has no completed assessment of migration {uuid}: check the UUID, or assess it first",
                self.conn.redacted()
            ))),
        }
    }

    /// Every assessment run of a migration, latest first.
    pub async fn history(&self, uuid: Uuid) -> Result<Vec<AssessmentSummary>> {
        if !self.has_tables() {
            return Ok(Vec::new());
        }
        let client = self.client.lock().await;
        let read = async {
            let rows = client
                .query(
                    "SELECT run, status, error, complexity, level1, level2, level3, total_size_bytes, effort_hours, assessed_at, partial, skipped_checks \
                     FROM voyager_fleet.assessments WHERE migration_uuid = $1 ORDER BY run DESC",
                    &[&uuid],
                )
                .await?;
            rows.iter()
                .map(listing::summary_from_row)
                .collect::<Result<Vec<_>, ColumnError>>()
        };
        read.await
            .map_err(|e| self.unreadable("could not read the control plane", e))
    }

    /// For each assessed member of a fleet, the sorted names of its tables and indexes.
    pub async fn fleet_object_names(&self, fleet: &str) -> Result<Vec<(Uuid, Vec<i64>)>> {
        if !self.has_tables() {
            return Ok(Vec::new());
        }
        let client = self.client.lock().await;
        listing::object_names(&client, fleet, self.schema)
            .await
            .map_err(|e| self.unreadable("could not read the fleet's reports", e))
    }

    /// Every source database with its latest assessment, one row each (its migrations and
    /// runs underneath), filtered and sorted; or, with `per_migration` or `fleet`, one row per
    /// migration UUID, in one query.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<MigrationSummary>> {
        if filter.per_migration || filter.fleet.is_some() {
            if !self.has_tables() {
                return Ok(Vec::new());
            }
            let client = self.client.lock().await;
            return listing::list(&client, filter, self.schema)
                .await
                .map_err(|e| self.unreadable("could not list the migrations", e));
        }
        let mut rows: Vec<MigrationSummary> = self
            .databases()
            .await?
            .into_iter()
            .filter(|m| filter.accepts(m))
            .collect();
        rows.sort_by(|a, b| filter.sort.compare(a, b, filter.descending));
        let offset = filter.offset.unwrap_or(0).max(0) as usize;
        let limit = filter.limit.unwrap_or(i64::MAX).max(0) as usize;
        Ok(rows.into_iter().skip(offset).take(limit).collect())
    }

    /// Every source database the control plane knows, one row each: libvoyager's migrations
    /// grouped by database identity, and yb-voyager-only migrations (marked `origin:
    /// yb_voyager`).
    pub async fn databases(&self) -> Result<Vec<MigrationSummary>> {
        Ok(self.known().await?.rows)
    }

    async fn known(&self) -> Result<databases::Known> {
        self.check_holds_something()?;
        let client = self.client.lock().await;
        self.load_known(&client).await
    }

    fn check_holds_something(&self) -> Result<()> {
        if !self.has_tables() && !self.yugabyted_table {
            return Err(Error::not_found(format!(
                "the control plane {} holds no assessment yet (neither libvoyager's voyager_fleet tables nor yugabyted's \
                 ybvoyager_visualizer table are there): assess a database first, or check that the connection string \
                 names the right database",
                self.conn.redacted()
            )));
        }
        Ok(())
    }

    async fn load_known(&self, client: &Client) -> Result<databases::Known> {
        databases::load(client, self.schema, self.yugabyted_table)
            .await
            .map_err(|e| self.unreadable("could not list the databases", e))
    }

    /// Every source database (as [`Self::databases`]) with the hashes of the names of the
    /// tables and indexes of the assessment each row shows ([`name_hashes`]): what tells
    /// near-identical schemas apart. The names of each migration's latest completed run are
    /// read in the same round trip as the databases (one connection, pipelined): nearly
    /// always the run shown.
    pub async fn databases_with_names(&self) -> Result<(Vec<MigrationSummary>, Vec<(Uuid, Vec<i64>)>)> {
        self.check_holds_something()?;
        let client = self.client.lock().await;
        let completed = async {
            if !self.has_tables() {
                return Ok(Vec::new());
            }
            listing::object_names_of_completed(&client, self.schema)
                .await
                .map_err(|e| self.unreadable("could not read the reports", e))
        };
        let (known, completed) = tokio::try_join!(self.load_known(&client), completed)?;
        let mut wanted = known.shown_runs;
        let mut names = Vec::with_capacity(known.rows.len());
        for (uuid, run, set) in completed {
            if wanted.get(&uuid) == Some(&run) {
                wanted.remove(&uuid);
                names.push((uuid, set));
            }
        }
        // Any other run shown, by its key.
        if !wanted.is_empty() {
            let (uuids, runs): (Vec<Uuid>, Vec<i32>) = wanted.into_iter().unzip();
            names.extend(
                listing::object_names_of_runs(&client, &uuids, &runs, self.schema)
                    .await
                    .map_err(|e| self.unreadable("could not read the reports", e))?,
            );
        }
        names.extend(known.yb_names);
        Ok((known.rows, names))
    }

    /// The names of the fleets this control plane holds, sorted.
    pub async fn fleet_names(&self) -> Result<Vec<String>> {
        if !self.has_tables() {
            return Ok(Vec::new());
        }
        let client = self.client.lock().await;
        let read = async {
            let rows = client
                .query(
                    "SELECT DISTINCT labels->>'fleet' AS fleet FROM voyager_fleet.sources WHERE labels ? 'fleet' ORDER BY 1",
                    &[],
                )
                .await?;
            rows.iter()
                .map(|r| column::<String>(r, "fleet"))
                .collect::<Result<Vec<_>, ColumnError>>()
        };
        read.await.map_err(|e| self.unreadable("could not list the fleets", e))
    }

    /// The migration UUID libvoyager already uses for a source database, when it knows it: by
    /// the server identity (when given) or the normalised address. A migration recorded by
    /// hand (init) is preferred to a fleet member; among equals, the latest updated.
    /// yb-voyager's own migrations are not taken over.
    pub async fn known_migration(
        &self,
        system_identifier: Option<&str>,
        host: &str,
        port: u16,
        database: &str,
    ) -> Result<Option<Uuid>> {
        if !self.has_tables() {
            return Ok(None);
        }
        let server = system_identifier.map(|id| server_identity(id, database));
        let address = address_identity(host, port as i32, database);
        let client = self.client.lock().await;
        let read = async {
            let rows = client
                .query(
                    &format!(
                        "SELECT s.migration_uuid, s.host, s.port, {} AS source_identity, s.labels ? 'fleet' AS in_fleet \
                         FROM voyager_fleet.sources s WHERE s.database_name = $1 ORDER BY s.updated_at DESC",
                        schema::source_identity_sql(self.schema)
                    ),
                    &[&database],
                )
                .await?;
            let mut best: Option<(bool, Uuid)> = None;
            for r in &rows {
                let identity: Option<String> = column(r, "source_identity")?;
                let host: String = column(r, "host")?;
                let port: i32 = column(r, "port")?;
                let same = (server.is_some() && identity == server)
                    || address_identity(&host, port, database) == address
                    || identity.as_deref() == Some(address.as_str());
                if !same {
                    continue;
                }
                let in_fleet: bool = column(r, "in_fleet")?;
                let uuid: Uuid = column(r, "migration_uuid")?;
                if best.is_none() || (best.map(|b| b.0) == Some(true) && !in_fleet) {
                    best = Some((in_fleet, uuid));
                }
            }
            Ok::<_, ColumnError>(best.map(|b| b.1))
        };
        read.await
            .map_err(|e| self.unreadable("could not look up the source", e))
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
    tx.query_one(
        "SELECT coalesce(max(run), 0) + 1 AS run FROM voyager_fleet.assessments WHERE migration_uuid = $1",
        &[&uuid],
    )
    .await?
    .try_get("run")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
