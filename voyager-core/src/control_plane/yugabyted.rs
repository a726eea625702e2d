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
        "AssessmentIssues": issues_with_usage(report),
        "SourceSizeDetails": ours.get("SourceSizeDetails").cloned().unwrap_or(json!({})),
        "TargetRecommendations": ours.get("TargetRecommendations").cloned().unwrap_or(json!({})),
        "Sizing": get("Sizing"),
        "TableIndexStats": get("TableIndexStats"),
        "GeneralNotes": get("Notes"),
        "ColocatedShardedNotes": [],
        "SizingNotes": if failure.is_empty() { json!([]) } else { json!([failure]) },
        "ParsedSchemaSummary": parsed_schema_summary(report),
        // What analyze-schema found; assess-migration alone sends none.
        "ConversionIssues": [],
        // For older yugabyted UIs: the notes, and the report as yugabyted first read it.
        "Notes": get("Notes"),
        "AssessmentJsonReport": {
            "VoyagerVersion": get("VoyagerVersion"),
            "TargetDBVersion": get("TargetDBVersion"),
            "MigrationComplexity": get("MigrationComplexity"),
            "SchemaSummary": get("SchemaSummary"),
            "Sizing": get("Sizing"),
            "TableIndexStats": get("TableIndexStats"),
            "Notes": get("Notes"),
            "UnsupportedDataTypes": unsupported_data_types(report),
            "UnsupportedDataTypesDesc": "Data types of the source database that are not supported on the target YugabyteDB.",
            "UnsupportedFeatures": features(report, |c| c == "unsupported_features"),
            "UnsupportedFeaturesDesc": "Features of the source database that are not supported on the target YugabyteDB.",
            "UnsupportedQueryConstructs": features(report, |c| c == "unsupported_query_constructs"),
            "UnsupportedPlPgSqlObjects": features(report, |c| c == "unsupported_plpgsql_objects"),
            "MigrationCaveats": features(report, |c| c == "migration_caveats"),
        },
        "RawAssessmentJsonReport": serde_json::to_string(report).unwrap_or_default(),
    })
}

/// yb-voyager's usage categories (`ObjectUsage`): an object's reads (or writes) against the
/// busiest object's, FREQUENT from 70 %, MODERATE from 30 %, RARE above none, else UNUSED.
fn usage_category(count: i64, max: i64) -> &'static str {
    if max <= 0 || count <= 0 {
        return "UNUSED";
    }
    let ratio = count as f64 / max as f64;
    if ratio >= 0.70 {
        "FREQUENT"
    } else if ratio >= 0.30 {
        "MODERATE"
    } else {
        "RARE"
    }
}

/// The report's issues, each with `ObjectUsage` (payload 1.7): how much the workload uses the
/// table or index the issue is about, from the reads and writes the assessment counted
/// (TableIndexStats: scans, and inserts, updates and deletes since the statistics were reset).
/// The busier of its read and write categories counts; an index's writes are its table's. An
/// issue on a column, constraint or trigger takes its table's; one on no table or index (a
/// function, a view, a query) has an empty ObjectUsage.
fn issues_with_usage(report: &Value) -> Value {
    let stats: Vec<&Value> = report
        .get("TableIndexStats")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let count = |v: &Value, k: &str| v.get(k).and_then(Value::as_i64).unwrap_or(0);
    let table_writes: std::collections::HashMap<String, i64> = stats
        .iter()
        .filter(|s| s.get("IsIndex").and_then(Value::as_bool) != Some(true))
        .map(|s| {
            (
                format!("{}.{}", text(s, "SchemaName"), text(s, "ObjectName")),
                count(s, "Writes"),
            )
        })
        .collect();
    // (qualified name, reads, writes) of every table and index.
    let objects: Vec<(String, i64, i64)> = stats
        .iter()
        .map(|s| {
            let name = format!("{}.{}", text(s, "SchemaName"), text(s, "ObjectName"));
            let writes = if s.get("IsIndex").and_then(Value::as_bool) == Some(true) {
                table_writes.get(&text(s, "ParentTableName")).copied().unwrap_or(0)
            } else {
                count(s, "Writes")
            };
            (name, count(s, "Reads"), writes)
        })
        .collect();
    let max_reads = objects.iter().map(|o| o.1).max().unwrap_or(0);
    let max_writes = objects.iter().map(|o| o.2).max().unwrap_or(0);
    let usage_of = |name: &str| -> Option<&'static str> {
        let (_, reads, writes) = objects.iter().find(|o| o.0 == name).or_else(|| {
            // schema.table.column and the like: the longest table name the object starts with.
            objects
                .iter()
                .filter(|o| table_writes.contains_key(&o.0) && name.starts_with(&format!("{}.", o.0)))
                .max_by_key(|o| o.0.len())
        })?;
        let (r, w) = (usage_category(*reads, max_reads), usage_category(*writes, max_writes));
        let rank = |c: &str| ["UNUSED", "RARE", "MODERATE", "FREQUENT"].iter().position(|x| *x == c);
        Some(if rank(r) >= rank(w) { r } else { w })
    };
    let issues = report
        .get("AssessmentIssues")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Value::Array(
        issues
            .into_iter()
            .map(|mut issue| {
                let usage = usage_of(&text(&issue, "ObjectName")).unwrap_or("");
                if let Some(map) = issue.as_object_mut() {
                    map.insert("ObjectUsage".into(), Value::String(usage.into()));
                }
                issue
            })
            .collect(),
    )
}

/// A name without the double quotes of a quoted identifier.
fn unquoted(name: &str) -> String {
    let n = name.trim();
    if n.len() >= 2 && n.starts_with('"') && n.ends_with('"') {
        n[1..n.len() - 1].replace("\"\"", "\"")
    } else {
        n.to_string()
    }
}

/// The schema summary with each object type's objects as records (ObjectName, ParentTableName,
/// SchemaName; names unquoted): tables and indexes from TableIndexStats, the rest from the
/// summary's comma-separated names.
fn parsed_schema_summary(report: &Value) -> Value {
    let summary = report.get("SchemaSummary").cloned().unwrap_or(json!({}));
    let schemas: Vec<String> = summary
        .get("SchemaNames")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let stats: Vec<&Value> = report
        .get("TableIndexStats")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let objects_of = |object_type: &str, names: &str| -> Vec<Value> {
        let from_stats = |index: bool| -> Vec<Value> {
            stats
                .iter()
                .filter(|s| s.get("IsIndex").and_then(Value::as_bool) == Some(index))
                .map(|s| {
                    json!({
                        "ObjectName": unquoted(&text(s, "ObjectName")),
                        "ParentTableName": if index { Value::String(unquoted(&text(s, "ParentTableName"))) } else { Value::Null },
                        "SchemaName": unquoted(&text(s, "SchemaName")),
                    })
                })
                .collect()
        };
        match object_type {
            "TABLE" if !stats.is_empty() => from_stats(false),
            "INDEX" if !stats.is_empty() => from_stats(true),
            _ => names
                .split(", ")
                .filter(|n| !n.trim().is_empty())
                .map(|n| {
                    let (schema, name) = match n.split_once('.') {
                        Some((schema, name)) if schemas.iter().any(|s| unquoted(schema) == *s) => {
                            (unquoted(schema), unquoted(name))
                        }
                        _ => (String::new(), unquoted(n)),
                    };
                    json!({ "ObjectName": name, "ParentTableName": Value::Null, "SchemaName": schema })
                })
                .collect(),
        }
    };
    let objects: Vec<Value> = summary
        .get("DatabaseObjects")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|o| {
                    let kind = text(o, "ObjectType");
                    json!({
                        "ObjectType": kind,
                        "TotalCount": o.get("TotalCount").cloned().unwrap_or(json!(0)),
                        "InvalidCount": o.get("InvalidCount").cloned().unwrap_or(json!(0)),
                        "Objects": objects_of(&kind, &text(o, "ObjectNames")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "DbName": summary.get("DbName").cloned().unwrap_or(Value::Null),
        "SchemaNames": summary.get("SchemaNames").cloned().unwrap_or(json!([])),
        "DbVersion": summary.get("DbVersion").cloned().unwrap_or(Value::Null),
        "DatabaseObjects": objects,
    })
}

/// The issues of the chosen categories grouped by issue name, as yugabyted's first report
/// listed them: {FeatureName, Objects: [{ObjectType, ObjectName, SqlStatement}], DocsLink,
/// FeatureDescription, MinimumVersionsFixedIn}.
fn features(report: &Value, wanted: impl Fn(&str) -> bool) -> Value {
    let mut grouped: Vec<(String, Vec<&Value>)> = Vec::new();
    for i in report
        .get("AssessmentIssues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let category = i.get("Category").and_then(Value::as_str).unwrap_or("");
        if !wanted(category) {
            continue;
        }
        let name = i.get("Name").and_then(Value::as_str).unwrap_or("").to_string();
        match grouped.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(i),
            None => grouped.push((name, vec![i])),
        }
    }
    Value::Array(
        grouped
            .into_iter()
            .map(|(name, issues)| {
                let first = issues[0];
                json!({
                    "FeatureName": name,
                    "Objects": issues.iter().map(|i| json!({
                        "ObjectType": i.get("ObjectType").cloned().unwrap_or(Value::Null),
                        "ObjectName": i.get("ObjectName").cloned().unwrap_or(Value::Null),
                        "SqlStatement": i.get("SqlStatement").cloned().unwrap_or(Value::Null),
                    })).collect::<Vec<_>>(),
                    "DocsLink": first.get("DocsLink").cloned().unwrap_or(Value::Null),
                    "FeatureDescription": first.get("Description").cloned().unwrap_or(Value::Null),
                    "MinimumVersionsFixedIn": first.get("MinimumVersionsFixedIn").cloned().unwrap_or(Value::Null),
                })
            })
            .collect(),
    )
}

/// The unsupported data types as {SchemaName, TableName, ColumnName, DataType}, from the
/// issues on columns (`schema.table.column`).
fn unsupported_data_types(report: &Value) -> Value {
    Value::Array(
        report
            .get("AssessmentIssues")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|i| i.get("Category").and_then(Value::as_str) == Some("unsupported_datatypes"))
            .map(|i| {
                let object = i.get("ObjectName").and_then(Value::as_str).unwrap_or("");
                let parts: Vec<&str> = object.splitn(3, '.').collect();
                let (schema, table, column) = match parts.as_slice() {
                    [s, t, c] => (*s, *t, *c),
                    [t, c] => ("", *t, *c),
                    _ => ("", "", object),
                };
                json!({
                    "SchemaName": unquoted(schema),
                    "TableName": unquoted(table),
                    "ColumnName": unquoted(column),
                    "DataType": i.get("Name").cloned().unwrap_or(Value::Null),
                })
            })
            .collect(),
    )
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
            "SELECT coalesce(max(invocation_sequence), 0) + 1 AS next FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata \
             WHERE migration_uuid = $1 AND migration_phase = 1",
            &[&uuid],
        )
        .await?
        .try_get("next")?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The field names of a fixture file: one a line, `#` comments and blank lines left out.
    fn fixture(text: &str) -> Vec<String> {
        let mut v: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    }

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    }

    #[test]
    fn object_usage_follows_yb_voyager_thresholds_on_reads_and_writes() {
        let stat = |name: &str, index: bool, parent: Value, reads: i64, writes: Value| {
            json!({"SchemaName": "s", "ObjectName": name, "IsIndex": index, "ParentTableName": parent,
                   "Reads": reads, "Writes": writes})
        };
        let issue = |object: &str| json!({"ObjectName": object});
        let report = json!({
            "TableIndexStats": [
                stat("big", false, Value::Null, 1000, json!(0)),
                stat("mid", false, Value::Null, 300, json!(0)),
                stat("low", false, Value::Null, 5, json!(0)),
                stat("idle", false, Value::Null, 0, json!(0)),
                stat("w", false, Value::Null, 0, json!(50)),
                stat("w_idx", true, json!("s.w"), 0, Value::Null),
                stat("mid.dotted", false, Value::Null, 0, json!(0)),
            ],
            "AssessmentIssues": [issue("s.big"), issue("s.mid"), issue("s.low"), issue("s.idle"),
                issue("s.w_idx"), issue("s.mid.c"), issue("s.fn"), issue("s.mid.dotted.c")]
        });
        let usage: Vec<String> = issues_with_usage(&report)
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["ObjectUsage"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            usage,
            ["FREQUENT", "MODERATE", "RARE", "UNUSED", "FREQUENT", "MODERATE", "", "UNUSED"]
        );
        assert_eq!(usage_category(0, 0), "UNUSED");
        assert_eq!(usage_category(699, 1000), "MODERATE");
        assert_eq!(usage_category(700, 1000), "FREQUENT");
        assert_eq!(usage_category(299, 1000), "RARE");
    }

    #[test]
    fn the_payload_has_every_field_yugabyted_reads() {
        let report = json!({
            "VoyagerVersion": "0.1", "TargetDBVersion": "2025.1.0.0", "MigrationComplexity": "HIGH",
            "SchemaSummary": {"DbName": "d", "SchemaNames": ["public", "Sales"], "DbVersion": "15",
                "DatabaseObjects": [
                    {"ObjectType": "TABLE", "TotalCount": 1, "InvalidCount": 1, "ObjectNames": "public.t"},
                    {"ObjectType": "INDEX", "TotalCount": 1, "InvalidCount": 0, "ObjectNames": "t_pkey"},
                    {"ObjectType": "FUNCTION", "TotalCount": 1, "InvalidCount": 0, "ObjectNames": "\"Sales\".\"Calc\""}]},
            "TableIndexStats": [
                {"SchemaName": "public", "ObjectName": "t", "IsIndex": false, "ParentTableName": null,
                 "Reads": 1000, "Writes": 10},
                {"SchemaName": "public", "ObjectName": "t_pkey", "IsIndex": true, "ParentTableName": "public.t",
                 "Reads": 400, "Writes": null},
                {"SchemaName": "public", "ObjectName": "quiet", "IsIndex": false, "ParentTableName": null,
                 "Reads": 5, "Writes": 0},
                {"SchemaName": "public", "ObjectName": "idle", "IsIndex": false, "ParentTableName": null,
                 "Reads": 0, "Writes": 0},
                {"SchemaName": "public", "ObjectName": "written", "IsIndex": false, "ParentTableName": null,
                 "Reads": 0, "Writes": 800}],
            "AssessmentIssues": [
                {"Category": "unsupported_datatypes", "CategoryDescription": "c", "Type": "UNSUPPORTED_DATATYPE_XML",
                 "Name": "xml", "Description": "d", "Impact": "LEVEL_3", "ObjectType": "COLUMN",
                 "ObjectName": "public.t.body", "SqlStatement": "", "DocsLink": "", "MinimumVersionsFixedIn": {}},
                {"Category": "unsupported_features", "CategoryDescription": "c", "Type": "UNLOGGED_TABLES",
                 "Name": "Unlogged tables", "Description": "d", "Impact": "LEVEL_1", "ObjectType": "TABLE",
                 "ObjectName": "public.t", "SqlStatement": "", "DocsLink": "", "MinimumVersionsFixedIn": {}}],
            "Notes": ["n"], "Sizing": {"FailureReasoning": ""}
        });
        let p = payload(&report);
        assert_eq!(
            keys(&p),
            fixture(include_str!("../../tests/fixtures/yugabyted_payload_fields.txt"))
        );
        assert_eq!(
            keys(&p["AssessmentJsonReport"]),
            fixture(include_str!(
                "../../tests/fixtures/yugabyted_assessment_json_report_fields.txt"
            ))
        );
        let issue_fields = fixture(include_str!(
            "../../tests/fixtures/yugabyted_assessment_issue_fields.txt"
        ));
        for issue in p["AssessmentIssues"].as_array().unwrap() {
            assert_eq!(keys(issue), issue_fields);
        }
        // The column's issue takes its table's usage: 1000 of 1000 reads.
        assert_eq!(p["AssessmentIssues"][0]["ObjectUsage"], "FREQUENT");
        assert_eq!(p["AssessmentIssues"][1]["ObjectUsage"], "FREQUENT");
        let objects = &p["ParsedSchemaSummary"]["DatabaseObjects"];
        assert_eq!(
            objects[0]["Objects"][0],
            json!({"ObjectName": "t", "ParentTableName": null, "SchemaName": "public"})
        );
        assert_eq!(objects[1]["Objects"][0]["ParentTableName"], "public.t");
        assert_eq!(
            objects[2]["Objects"][0],
            json!({"ObjectName": "Calc", "ParentTableName": null, "SchemaName": "Sales"})
        );
        let types = &p["AssessmentJsonReport"]["UnsupportedDataTypes"];
        assert_eq!(types[0]["ColumnName"], "body");
        assert_eq!(
            p["AssessmentJsonReport"]["UnsupportedFeatures"][0]["FeatureName"],
            "Unlogged tables"
        );
        let raw: Value = serde_json::from_str(p["RawAssessmentJsonReport"].as_str().unwrap()).unwrap();
        assert_eq!(raw, report);
    }
}
