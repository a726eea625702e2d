//! yugabyted's own view of assessments: the rows yb-voyager writes to
//! `ybvoyager_visualizer.ybvoyager_visualizer_metadata`, so the yugabyted UI lists ours too, and
//! so a migration whose only trace is such a row (written by yb-voyager) can be read back.
//! yugabyted owns the table: it is created if missing and only ever given missing columns.

use serde_json::{json, Value};
use tokio_postgres::{Client, Transaction};
use uuid::Uuid;

use super::SourceDetails;

pub const PAYLOAD_VERSION: &str = "1.8";

/// Create the table as yugabyted knows it, or add the columns an older one lacks.
pub async fn ensure_table(client: &Client) -> Result<(), tokio_postgres::Error> {
    client
        .batch_execute(
            "CREATE SCHEMA IF NOT EXISTS ybvoyager_visualizer;
             CREATE TABLE IF NOT EXISTS ybvoyager_visualizer.ybvoyager_visualizer_metadata (
                migration_uuid uuid,
                migration_phase int,
                invocation_sequence int,
                migration_dir text,
                database_name text,
                schema_name text,
                payload text,
                complexity varchar(30),
                db_type varchar(30),
                status varchar(30),
                invocation_timestamp timestamptz,
                host_ip varchar,
                port int,
                db_version varchar(250),
                voyager_info varchar,
                PRIMARY KEY (migration_uuid, migration_phase, invocation_sequence));
             ALTER TABLE ybvoyager_visualizer.ybvoyager_visualizer_metadata
                ADD COLUMN IF NOT EXISTS migration_dir text,
                ADD COLUMN IF NOT EXISTS database_name text,
                ADD COLUMN IF NOT EXISTS schema_name text,
                ADD COLUMN IF NOT EXISTS payload text,
                ADD COLUMN IF NOT EXISTS complexity varchar(30),
                ADD COLUMN IF NOT EXISTS db_type varchar(30),
                ADD COLUMN IF NOT EXISTS status varchar(30),
                ADD COLUMN IF NOT EXISTS invocation_timestamp timestamptz,
                ADD COLUMN IF NOT EXISTS host_ip varchar,
                ADD COLUMN IF NOT EXISTS port int,
                ADD COLUMN IF NOT EXISTS db_version varchar(250),
                ADD COLUMN IF NOT EXISTS voyager_info varchar",
        )
        .await
}

/// The assessment payload (version 1.8) of a report.
pub fn payload(report: &Value) -> Value {
    let get = |k: &str| report.get(k).cloned().unwrap_or(Value::Null);
    let ours = report.get("LibvoyagerSummary").cloned().unwrap_or(Value::Null);
    let failure = report
        .pointer("/Sizing/FailureReasoning")
        .and_then(Value::as_str)
        .unwrap_or("");
    json!({
        "PayloadVersion": PAYLOAD_VERSION,
        "VoyagerVersion": get("VoyagerVersion"),
        "TargetDBVersion": get("TargetDBVersion"),
        "MigrationComplexity": get("MigrationComplexity"),
        "MigrationComplexityExplanation": get("MigrationComplexityExplanation"),
        "SchemaSummary": get("SchemaSummary"),
        "AssessmentIssues": get("AssessmentIssues"),
        "SourceSizeDetails": ours.get("SourceSizeDetails").cloned().unwrap_or(json!({})),
        "TargetRecommendations": ours.get("TargetRecommendations").cloned().unwrap_or(json!({})),
        "Sizing": get("Sizing"),
        "TableIndexStats": get("TableIndexStats"),
        "GeneralNotes": get("Notes"),
        "ColocatedShardedNotes": [],
        "SizingNotes": if failure.is_empty() { json!([]) } else { json!([failure]) },
        "RawAssessmentJsonReport": serde_json::to_string(report).unwrap_or_default(),
    })
}

/// `{"SourceDBIP": "ip1|ip2"}`: the source host's addresses, or the host as given.
fn host_ip(host: &str, port: u16) -> String {
    use std::net::ToSocketAddrs;
    let ips: Vec<String> = (host, port)
        .to_socket_addrs()
        .map(|addrs| addrs.map(|a| a.ip().to_string()).collect())
        .unwrap_or_default();
    let mut ips = if ips.is_empty() { vec![host.to_string()] } else { ips };
    ips.dedup();
    json!({ "SourceDBIP": ips.join("|") }).to_string()
}

fn voyager_info() -> String {
    let machine = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    json!({ "IP": machine, "OperatingSystem": std::env::consts::OS, "Tool": "libvoyager", "Version": crate::VOYAGER_VERSION })
        .to_string()
}

/// Write the IN PROGRESS and COMPLETED rows of one assessment, in the caller's transaction.
pub async fn write_rows(
    tx: &Transaction<'_>,
    uuid: Uuid,
    source: &SourceDetails,
    report: &Value,
    migration_dir: &str,
) -> Result<(), tokio_postgres::Error> {
    let next: i32 = tx
        .query_one(
            "SELECT coalesce(max(invocation_sequence), 0) + 1 FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata \
             WHERE migration_uuid = $1 AND migration_phase = 1",
            &[&uuid],
        )
        .await?
        .get(0);
    let complexity = report.get("MigrationComplexity").and_then(Value::as_str).unwrap_or("");
    let db_version = report
        .pointer("/SchemaSummary/DbVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let schemas = source.schemas.join("|");
    let host_ip = host_ip(&source.host, source.port);
    let info = voyager_info();
    let port = source.port as i32;
    for (offset, status, payload) in [
        (0, "IN PROGRESS", String::new()),
        (1, "COMPLETED", payload(report).to_string()),
    ] {
        tx.execute(
            "INSERT INTO ybvoyager_visualizer.ybvoyager_visualizer_metadata \
             (migration_uuid, migration_phase, invocation_sequence, migration_dir, database_name, schema_name, payload, \
              complexity, db_type, status, invocation_timestamp, host_ip, port, db_version, voyager_info) \
             VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10, $11, $12, $13)",
            &[
                &uuid,
                &(next + offset),
                &migration_dir,
                &source.database,
                &schemas,
                &payload,
                &complexity,
                &source.db_type,
                &status,
                &host_ip,
                &port,
                &db_version,
                &info,
            ],
        )
        .await?;
    }
    Ok(())
}

/// The report a stored payload carries: our RawAssessmentJsonReport when it is there, else
/// the payload itself (yb-voyager's shape). A payload that is not a JSON object, or whose
/// RawAssessmentJsonReport is not one, is an error saying so.
pub fn report_of_payload(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Err("its assessment payload is empty".into());
    }
    let payload: Value =
        serde_json::from_str(text).map_err(|e| format!("its assessment payload is not valid JSON ({e})"))?;
    if !payload.is_object() {
        return Err("its assessment payload is not a JSON object".into());
    }
    match payload.get("RawAssessmentJsonReport") {
        None | Some(Value::Null) => Ok(payload),
        Some(Value::String(raw)) => match serde_json::from_str::<Value>(raw) {
            Ok(report) if report.is_object() => Ok(report),
            Ok(_) => Err("its RawAssessmentJsonReport is not a JSON object".into()),
            Err(e) => Err(format!("its RawAssessmentJsonReport is not valid JSON ({e})")),
        },
        Some(_) => Err("its RawAssessmentJsonReport is not a JSON string".into()),
    }
}

/// The latest completed assessment of a migration as yb-voyager left it, if there is one. The
/// row is read as JSON, so an older yugabyted table without some columns reads too; a payload
/// that cannot be read is an error (never an empty report).
pub async fn latest(client: &Client, uuid: Uuid) -> Result<Option<(SourceDetails, Value)>, super::rows::ColumnError> {
    let row = client
        .query_opt(
            "SELECT pg_catalog.to_jsonb(m)::text AS row FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata m \
             WHERE m.migration_uuid = $1 AND m.migration_phase = 1 AND m.status = 'COMPLETED' \
             ORDER BY m.invocation_sequence DESC LIMIT 1",
            &[&uuid],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let text: String = super::rows::column(&row, "row")?;
    let v: Value = serde_json::from_str(&text).map_err(|e| super::rows::ColumnError::Column(e.to_string()))?;
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let report = report_of_payload(&field("payload")).map_err(|why| {
        super::rows::ColumnError::Column(format!(
            "yugabyted's row for migration {uuid} (invocation {}) cannot be used: {why}; assess the database again",
            v.get("invocation_sequence").and_then(Value::as_i64).unwrap_or(0)
        ))
    })?;
    let host = v
        .get("host_ip")
        .and_then(Value::as_str)
        .and_then(|h| serde_json::from_str::<Value>(h).ok())
        .and_then(|h| {
            h.get("SourceDBIP")
                .and_then(Value::as_str)
                .map(|s| s.split('|').next().unwrap_or("").to_string())
        })
        .unwrap_or_default();
    let source = SourceDetails {
        db_type: Some(field("db_type"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "postgresql".into()),
        host,
        port: v
            .get("port")
            .and_then(Value::as_i64)
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(5432),
        database: field("database_name"),
        schemas: field("schema_name")
            .split('|')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        user: None,
        ssl_mode: None,
    };
    Ok(Some((source, report)))
}
