//! yb-voyager's metadata database in the export dir, `metainfo/meta.db`: the SQLite file each
//! yb-voyager command opens first. Its `json_objects` row `migration_status` (a
//! MigrationStatusRecord) carries the migration UUID, so yb-voyager continues this migration
//! (and yugabyted shows its later phases under it) instead of starting a new one.
//!
//! The tables are yb-voyager's own (same names, columns and keys), so yb-voyager, which creates
//! them only when the file is missing, finds them all. A new file is built beside the target
//! and renamed into place; an existing one (yb-voyager may have written to it) is updated in one
//! transaction, keeping every field of the record we do not set. Nothing here ever sees a
//! password: the source configuration is built from connection details without one.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::connection::ConnectionString;
use crate::{Error, Result};

/// Where the file lives, relative to the export dir.
pub const META_DB_RELATIVE: &str = "metainfo/meta.db";

/// The `json_objects` key of the migration status record.
pub const MIGRATION_STATUS_KEY: &str = "migration_status";

/// The yb-voyager release whose export dir this file follows (its MigrationStatusRecord and
/// tables). yb-voyager refuses an export dir whose record names no version, and only notes
/// one that names another release at or after its last breaking change.
pub const YB_VOYAGER_RELEASE: &str = "2026.2.2";

/// yb-voyager's tables, as its metadb package creates them.
const TABLES: &str = "
CREATE TABLE queue_segment_meta
  (segment_no INTEGER PRIMARY KEY,
   file_path TEXT, size_committed INTEGER,
   imported_by_target_db_importer INTEGER DEFAULT 0,
   imported_by_ff_db_importer INTEGER DEFAULT 0,
   archived INTEGER DEFAULT 0,
   deleted INTEGER DEFAULT 0,
   archive_location TEXT);
CREATE TABLE exported_events_stats (
   run_id TEXT,
   timestamp INTEGER,
   num_total INTEGER,
   num_inserts INTEGER,
   num_updates INTEGER,
   num_deletes INTEGER,
   PRIMARY KEY(run_id, timestamp) );
CREATE TABLE exported_events_stats_per_table (
   schema_name TEXT,
   table_name TEXT,
   num_total INTEGER,
   num_inserts INTEGER,
   num_updates INTEGER,
   num_deletes INTEGER,
   PRIMARY KEY(schema_name, table_name) );
CREATE TABLE json_objects (
   key TEXT PRIMARY KEY,
   json_text TEXT);
";

/// The source database as yb-voyager's MigrationStatusRecord records it (`SourceDBConf`, in
/// its JSON names), without a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceConf {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub db_name: String,
    /// The schemas, in yb-voyager's form (joined by `|`); empty when not chosen yet.
    pub schemas: Vec<String>,
    pub ssl_mode: String,
    pub ssl_root_cert: Option<String>,
}

impl SourceConf {
    pub fn from_connection(conn: &ConnectionString, schemas: &[String]) -> Self {
        SourceConf {
            host: conn.host().to_string(),
            port: conn.port(),
            user: conn.user().to_string(),
            db_name: conn.dbname().to_string(),
            schemas: schemas.to_vec(),
            ssl_mode: conn.sslmode().as_str().to_string(),
            ssl_root_cert: conn.sslrootcert().map(str::to_string),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "db_type": "postgresql",
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "db_name": self.db_name,
            "schema": self.schemas.join("|"),
            "ssl_mode": self.ssl_mode,
            "ssl_root_cert": self.ssl_root_cert.clone().unwrap_or_default(),
        })
    }
}

/// What our commands put into the record.
#[derive(Debug, Clone)]
pub struct Record {
    pub migration_uuid: Uuid,
    pub source: SourceConf,
    /// Whether an assessment of this migration completed (yb-voyager's MigrationAssessmentDone,
    /// which export schema reads to apply the assessment's recommendations).
    pub assessment_done: bool,
}

/// The path of the export dir's meta.db.
pub fn path(export_dir: &Path) -> PathBuf {
    export_dir.join(META_DB_RELATIVE)
}

fn sql_error(action: &str, path: &Path, e: rusqlite::Error) -> Error {
    Error::new(
        crate::ErrorKind::Io,
        format!("could not {action} {} ({e})", path.display()),
    )
}

/// Write `record` into the export dir's meta.db: create the file with yb-voyager's tables if
/// it is missing, else update its migration status record in one transaction.
pub fn write(export_dir: &Path, record: &Record) -> Result<()> {
    let target = path(export_dir);
    let dir = target.parent().unwrap_or(export_dir).to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create directory", &dir, &e))?;
    if !target.exists() {
        let tmp = tempfile::Builder::new()
            .prefix(".meta.db.voyager-tmp-")
            .tempfile_in(&dir)
            .map_err(|e| Error::io("create a temporary file in", &dir, &e))?;
        {
            let mut conn = Connection::open(tmp.path()).map_err(|e| sql_error("open", tmp.path(), e))?;
            // No one sees this file before it is whole, flushed and renamed: SQLite need not
            // journal or flush it on its own.
            conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
                .map_err(|e| sql_error("open", tmp.path(), e))?;
            conn.execute_batch(TABLES)
                .map_err(|e| sql_error("create yb-voyager's tables in", tmp.path(), e))?;
            upsert(&mut conn, tmp.path(), record)?;
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io("flush", tmp.path(), &e))?;
        match tmp.persist_noclobber(&target) {
            Ok(_) => return Ok(()),
            // Another command created it meanwhile: update that one instead.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io("create", &target, &e.error)),
        }
    }
    let mut conn = Connection::open(&target).map_err(|e| sql_error("open", &target, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(|e| sql_error("open", &target, e))?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS json_objects (
           key TEXT PRIMARY KEY,
           json_text TEXT);",
    )
    .map_err(|e| sql_error("update", &target, e))?;
    upsert(&mut conn, &target, record)
}

/// Set our fields of the migration status record, keeping the others, in one transaction.
fn upsert(conn: &mut Connection, path: &Path, record: &Record) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| sql_error("update", path, e))?;
    let old: Option<String> = tx
        .query_row(
            "SELECT json_text FROM json_objects WHERE key = ?1",
            [MIGRATION_STATUS_KEY],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| sql_error("read", path, e))?;
    let mut msr: Map<String, Value> = match old.as_deref().map(serde_json::from_str::<Value>) {
        None => Map::new(),
        Some(Ok(Value::Object(map))) => map,
        Some(_) => {
            return Err(Error::config(format!(
                "{}: its migration_status record is not a JSON object; move the file aside and run the command again",
                path.display()
            )))
        }
    };
    msr.insert("MigrationUUID".into(), Value::String(record.migration_uuid.to_string()));
    msr.insert("VoyagerVersion".into(), Value::String(YB_VOYAGER_RELEASE.into()));
    msr.entry("ExportType")
        .or_insert_with(|| Value::String("snapshot-only".into()));
    msr.insert("SourceDBConf".into(), record.source.to_json());
    if record.assessment_done {
        msr.insert("MigrationAssessmentDone".into(), Value::Bool(true));
        msr.insert("MigrationAssessmentDoneViaExportSchema".into(), Value::Bool(false));
    } else {
        msr.entry("MigrationAssessmentDone").or_insert(Value::Bool(false));
    }
    msr.entry("AssessmentRecommendationsApplied")
        .or_insert(Value::Bool(false));
    let text = Value::Object(msr).to_string();
    tx.execute(
        "INSERT INTO json_objects (key, json_text) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET json_text = excluded.json_text",
        [MIGRATION_STATUS_KEY, text.as_str()],
    )
    .map_err(|e| sql_error("update", path, e))?;
    tx.commit().map_err(|e| sql_error("update", path, e))
}

/// The migration status record of an export dir's meta.db, if the file and the record exist.
pub fn read_migration_status(export_dir: &Path) -> Result<Option<Value>> {
    let target = path(export_dir);
    if !target.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(&target, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| sql_error("open", &target, e))?;
    let text: Option<String> = conn
        .query_row(
            "SELECT json_text FROM json_objects WHERE key = ?1",
            [MIGRATION_STATUS_KEY],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| sql_error("read", &target, e))?;
    text.map(|t| {
        serde_json::from_str(&t)
            .map_err(|e| Error::config(format!("{}: migration_status is not JSON ({e})", target.display())))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(uuid: Uuid, done: bool) -> Record {
        Record {
            migration_uuid: uuid,
            source: SourceConf {
                host: "db.example".into(),
                port: 5433,
                user: "u".into(),
                db_name: "d".into(),
                schemas: vec!["public".into(), "Sales".into()],
                ssl_mode: "prefer".into(),
                ssl_root_cert: None,
            },
            assessment_done: done,
        }
    }

    #[test]
    fn creates_yb_voyagers_tables_then_updates_the_record_keeping_other_fields() {
        let dir = tempfile::tempdir().unwrap();
        let uuid = Uuid::new_v4();
        write(dir.path(), &record(uuid, false)).unwrap();
        let conn = Connection::open(path(dir.path())).unwrap();
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        tables.sort();
        assert_eq!(
            tables,
            [
                "exported_events_stats",
                "exported_events_stats_per_table",
                "json_objects",
                "queue_segment_meta"
            ]
        );
        let msr = read_migration_status(dir.path()).unwrap().unwrap();
        assert_eq!(msr["MigrationUUID"], uuid.to_string());
        assert_eq!(msr["MigrationAssessmentDone"], false);
        assert_eq!(msr["SourceDBConf"]["schema"], "public|Sales");
        assert_eq!(msr["SourceDBConf"]["db_name"], "d");
        assert!(msr["SourceDBConf"].get("password").is_none());
        // yb-voyager sets a field of its own; our next write keeps it.
        conn.execute(
            "UPDATE json_objects SET json_text = json_set(json_text, '$.ExportSchemaDone', json('true'))",
            [],
        )
        .unwrap();
        drop(conn);
        write(dir.path(), &record(uuid, true)).unwrap();
        let msr = read_migration_status(dir.path()).unwrap().unwrap();
        assert_eq!(msr["MigrationAssessmentDone"], true);
        assert_eq!(msr["ExportSchemaDone"], true);
        let names: Vec<String> = std::fs::read_dir(dir.path().join("metainfo"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["meta.db"], "no temporary file is left");
    }

    #[test]
    fn a_record_that_is_not_json_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &record(Uuid::new_v4(), false)).unwrap();
        let conn = Connection::open(path(dir.path())).unwrap();
        conn.execute("UPDATE json_objects SET json_text = 'x'", []).unwrap();
        drop(conn);
        let err = write(dir.path(), &record(Uuid::new_v4(), true)).unwrap_err();
        assert!(err.message().contains("not a JSON object"), "{err}");
    }
}
