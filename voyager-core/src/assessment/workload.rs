//! The workload: the statements pg_stat_statements recorded for the assessed database. Read in
//! one query, with what tells whether the reading is whole (statements hidden from this user,
//! a recent reset); then only the workload queries on the assessed schemas are kept.
//!
//! Which statements count, as yb-voyager decides it: DDL is not workload (CREATE DATABASE is
//! kept, for its options); a statement is kept unless every object it names (relations and
//! functions, pg_catalog aside) is qualified with a schema that is not assessed. A statement
//! naming no object, or any unqualified one, is kept.

use serde_json::Value;
use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

use super::collect::SourceSnapshot;
use super::skipped_checks::{SkippedCheck, RECENT_RESET_SECONDS};
use super::sql_names::quote_ident;

/// The row kind, in the small catalogs' query, that names pg_stat_statements' schema.
pub const SCHEMA_ROW: &str = "pg_stat_statements_schema";
/// The schema pg_stat_statements is installed in (no row when it is not), read with the small
/// catalogs.
pub const SCHEMA_SQL: &str = "SELECT 'pg_stat_statements_schema', n.nspname::text, '' \
     FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace \
     WHERE e.extname = 'pg_stat_statements'";

/// At most this many statements are read, the most called first.
const MAX_STATEMENTS: i64 = 5000;

/// Read the workload into `snap.workload`, noting in `snap.skipped` what could not be read. Errors
/// other than the expected ones (no privilege, library not loaded) are returned.
pub async fn read(client: &Client, snap: &mut SourceSnapshot) -> Result<(), tokio_postgres::Error> {
    let Some(schema) = snap.pg_stat_statements_schema.clone() else {
        snap.skipped.push(SkippedCheck::workload_not_installed(&snap.database));
        return Ok(());
    };
    let view = |name: &str| format!("{}.{name}", quote_ident(&schema));
    // pg_stat_statements_info (PostgreSQL 14) says when the statistics were last reset.
    let reset = if snap.server_version_num >= 140000 {
        format!(
            "UNION ALL SELECT 'reset', NULL, extract(epoch FROM pg_catalog.now() - stats_reset)::float8 FROM {}",
            view("pg_stat_statements_info")
        )
    } else {
        String::new()
    };
    let sql = format!(
        "WITH s AS (SELECT query, calls FROM {} \
                    WHERE dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())) \
         SELECT 'hidden' AS kind, NULL::text AS query, count(*)::float8 AS n FROM s WHERE query IS NULL OR query = '<insufficient privilege>' \
         UNION ALL SELECT 'total', NULL, count(*)::float8 FROM s \
         {reset} \
         UNION ALL (SELECT 'query', query, calls::float8 FROM s WHERE query IS NOT NULL AND query <> '<insufficient privilege>' \
                    ORDER BY calls DESC LIMIT {MAX_STATEMENTS})",
        view("pg_stat_statements")
    );
    snap.queries += 1;
    let rows = match client.query(&sql, &[]).await {
        Ok(rows) => rows,
        Err(e) => {
            let why = e.as_db_error().map(|d| d.message().to_string()).unwrap_or_default();
            match e.code() {
                Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                    snap.skipped
                        .push(SkippedCheck::workload_refused(&snap.privileges.user, &why));
                    return Ok(());
                }
                Some(c) if *c == SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE => {
                    snap.skipped.push(SkippedCheck::workload_not_loaded(&why));
                    return Ok(());
                }
                _ => return Err(e),
            }
        }
    };
    let (mut hidden, mut total, mut reset_age) = (0i64, 0i64, None);
    let mut statements = Vec::new();
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let n: Option<f64> = row.try_get("n")?;
        match kind.as_str() {
            "hidden" => hidden = n.unwrap_or(0.0) as i64,
            "total" => total = n.unwrap_or(0.0) as i64,
            "reset" => reset_age = n,
            _ => statements.push(row.try_get::<_, String>("query")?),
        }
    }
    if hidden > 0 {
        snap.skipped
            .push(SkippedCheck::workload_hidden(&snap.privileges.user, hidden, total));
    }
    if let Some(age) = reset_age.filter(|age| *age < RECENT_RESET_SECONDS) {
        snap.skipped.push(SkippedCheck::workload_recently_reset(age));
    }
    snap.workload = statements
        .into_iter()
        .filter(|q| is_workload_query(q, &snap.schemas))
        .collect();
    Ok(())
}

/// Whether a recorded statement is a workload query on the assessed `schemas`.
pub fn is_workload_query(sql: &str, schemas: &[String]) -> bool {
    let Ok(parsed) = pg_query::parse(sql, pg_query::ParserOptions::DEFAULT) else {
        // Text that does not parse yields no issue anyway.
        return false;
    };
    let Ok(tree) = serde_json::to_value(&parsed.protobuf) else {
        return false;
    };
    let statements = tree.get("stmts").and_then(Value::as_array).cloned().unwrap_or_default();
    let any_workload = statements.iter().any(|s| {
        s.pointer("/stmt/node")
            .and_then(Value::as_object)
            .and_then(|node| node.keys().next())
            .is_some_and(|name| !is_ddl(name))
    });
    if !any_workload {
        return false;
    }
    let mut named = Vec::new();
    collect_schemas(&tree, &mut named);
    named.retain(|s| s != "pg_catalog");
    named.is_empty() || named.iter().any(|s| s.is_empty() || schemas.contains(s))
}

/// A schema-changing statement (CREATE DATABASE excepted: its options are assessed).
fn is_ddl(node: &str) -> bool {
    if node == "CreatedbStmt" {
        return false;
    }
    node.starts_with("Create")
        || node.starts_with("Alter")
        || node.starts_with("Drop")
        || matches!(
            node,
            "IndexStmt"
                | "ViewStmt"
                | "RuleStmt"
                | "DefineStmt"
                | "CompositeTypeStmt"
                | "CommentStmt"
                | "GrantStmt"
                | "GrantRoleStmt"
                | "RenameStmt"
                | "SecLabelStmt"
                | "ReindexStmt"
                | "ClusterStmt"
                | "RefreshMatViewStmt"
                | "TruncateStmt"
                | "ImportForeignSchemaStmt"
                | "ReassignOwnedStmt"
        )
}

/// The schema of every relation and function a parse tree names ("" when unqualified).
fn collect_schemas(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            // A RangeVar, wrapped as a node or a typed field (INSERT's relation).
            if map.contains_key("relname") {
                out.push(map.get("schemaname").and_then(Value::as_str).unwrap_or("").to_string());
            }
            if let Some(names) = map
                .get("FuncCall")
                .and_then(|f| f.get("funcname"))
                .and_then(Value::as_array)
            {
                let parts: Vec<&str> = names
                    .iter()
                    .filter_map(|n| n.pointer("/node/String/sval").and_then(Value::as_str))
                    .collect();
                out.push(if parts.len() >= 2 { parts[parts.len() - 2] } else { "" }.to_string());
            }
            for v in map.values() {
                collect_schemas(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_schemas(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddl_and_other_schemas_are_not_workload() {
        let app = vec!["app".to_string()];
        assert!(is_workload_query("SELECT ctid FROM app.t", &app));
        assert!(is_workload_query("SELECT ctid FROM t", &app), "unqualified: kept");
        assert!(
            is_workload_query("SELECT pg_advisory_lock(1)", &app),
            "unqualified function: kept"
        );
        assert!(is_workload_query("SELECT 1", &app), "names nothing: kept");
        assert!(!is_workload_query("SELECT ctid FROM other.t", &app));
        assert!(!is_workload_query("SELECT pg_catalog.now(), x FROM other.t", &app));
        assert!(is_workload_query("SELECT * FROM other.t JOIN app.u ON true", &app));
        assert!(!is_workload_query("CREATE TABLE app.t (id int)", &app));
        assert!(!is_workload_query("CREATE VIEW v AS SELECT xmin FROM t", &app));
        assert!(!is_workload_query("ALTER TABLE t ADD COLUMN x xml", &app));
        assert!(is_workload_query(
            "CREATE DATABASE d LOCALE_PROVIDER icu ICU_LOCALE 'und'",
            &app
        ));
        assert!(is_workload_query("SAVEPOINT a", &app));
        assert!(!is_workload_query("INSERT INTO other.t VALUES (1)", &app));
        assert!(is_workload_query("INSERT INTO app.t VALUES (1)", &app));
        assert!(!is_workload_query("not sql at all", &app));
    }
}
