//! Collection: everything the assessment needs from one source database, in a fixed handful of
//! set-based catalog queries, however many tables there are. The queries run concurrently on
//! one connection (tokio-postgres pipelines them). A query the user may not run is skipped and
//! the skip is noted; the assessment goes on with what it could read.

use std::collections::HashMap;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Row};

use super::skipped_checks::{Privileges, SkippedCheck, PRIVILEGES_SQL};
use super::workload;
use crate::control_plane::rows::{column, ColumnError};
use crate::{Error, Result};

mod columns;
mod constraints;
mod indexes;
mod objects;
mod relations;

pub use columns::{Column, ColumnStats};
pub use constraints::Constraint;
pub use indexes::Index;
pub use objects::{Policy, Routine, Rule, Trigger};
pub use relations::Relation;

/// Everything collected from one database.
#[derive(Debug, Clone, Default)]
pub struct SourceSnapshot {
    pub database: String,
    pub server_version: String,
    pub server_version_num: i32,
    /// pg_control_system().system_identifier, when the user may read it: the server's
    /// identity, the same under every host alias.
    pub system_identifier: Option<String>,
    pub database_bytes: i64,
    /// Seconds since the statistics (read and write counters) were reset.
    pub stats_age_seconds: f64,
    /// pg_database.datlocprovider: c libc, i icu, b builtin.
    pub locale_provider: char,
    pub schemas: Vec<String>,
    pub relations: Vec<Relation>,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub indexes: Vec<Index>,
    pub triggers: Vec<Trigger>,
    pub policies: Vec<Policy>,
    pub rules: Vec<Rule>,
    pub routines: Vec<Routine>,
    pub extensions: Vec<String>,
    pub collations: Vec<(String, bool)>,
    pub conversions: Vec<String>,
    /// (relation oid, column name) -> statistics.
    pub stats: HashMap<(i64, String), ColumnStats>,
    pub workload: Vec<String>,
    /// The schema pg_stat_statements is installed in, when it is.
    pub pg_stat_statements_schema: Option<String>,
    /// What the user may not use or read in the assessed schemas.
    pub privileges: Privileges,
    /// The checks that could not run, why, and how to fix that.
    pub skipped: Vec<SkippedCheck>,
    /// How many catalog queries the collection sent.
    pub queries: usize,
}

/// Sizes come from the planner's page counts (pg_class.relpages, as of the last VACUUM or
/// ANALYZE): reading every relation's file sizes would cost more than the rest of the
/// assessment together on a large schema.
const BLOCK: &str = "pg_catalog.current_setting('block_size')::int8";

/// Objects created by an extension are the extension's, not the user's.
const NOT_FROM_EXTENSION: &str = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'e')";

/// The server's pg_control_system().system_identifier, when this user may read it (asked only
/// when allowed, so a refusal never aborts a transaction); None otherwise.
pub async fn system_identifier(client: &Client) -> Option<String> {
    let allowed = client
        .query_one(
            "SELECT pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE') AS allowed",
            &[],
        )
        .await
        .ok()
        .and_then(|r| r.try_get::<_, bool>("allowed").ok())
        .unwrap_or(false);
    if !allowed {
        return None;
    }
    client
        .query_one(
            "SELECT system_identifier::text AS system_identifier FROM pg_catalog.pg_control_system()",
            &[],
        )
        .await
        .ok()
        .and_then(|r| r.try_get::<_, String>("system_identifier").ok())
}

/// Collect a snapshot of the schemas `schemas` (all user schemas when None).
///
/// With a `second` connection to the same database, the queries are split between the two so
/// that two server processes work at once.
pub async fn collect(client: &Client, second: Option<&Client>, schemas: Option<&[String]>) -> Result<SourceSnapshot> {
    let mut snap = SourceSnapshot::default();
    let info = client
        .query_one(
            "SELECT pg_catalog.current_database()::text AS database, pg_catalog.current_setting('server_version') AS server_version, \
                    pg_catalog.current_setting('server_version_num')::int AS server_version_num, \
             (SELECT pg_catalog.sum(greatest(relpages, 0))::int8 FROM pg_class) * pg_catalog.current_setting('block_size')::int8 \
                AS database_bytes, \
             (SELECT extract(epoch FROM pg_catalog.now() - coalesce(stats_reset, pg_catalog.pg_postmaster_start_time()))::float8 \
                FROM pg_stat_database WHERE datname = pg_catalog.current_database()) AS stats_age_seconds, \
             ARRAY(SELECT nspname::text FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' \
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = pg_namespace.oid AND d.classid = 'pg_catalog.pg_namespace'::regclass AND d.deptype = 'e') \
                   ORDER BY 1) AS schemas",
            &[],
        )
        .await
        .map_err(|e| lost(&e, "the database's name, version and schemas"))?;
    snap.system_identifier = system_identifier(client).await;
    let unreadable_info = |e| unreadable(e, "the database's name, version and schemas");
    snap.database = column(&info, "database").map_err(unreadable_info)?;
    snap.server_version = column(&info, "server_version").map_err(unreadable_info)?;
    snap.server_version_num = column(&info, "server_version_num").map_err(unreadable_info)?;
    snap.database_bytes = column(&info, "database_bytes").map_err(unreadable_info)?;
    snap.stats_age_seconds = column::<Option<f64>>(&info, "stats_age_seconds")
        .map_err(unreadable_info)?
        .unwrap_or(1.0);
    let all: Vec<String> = column(&info, "schemas").map_err(unreadable_info)?;
    snap.schemas = match schemas {
        Some(wanted) => {
            let missing: Vec<&String> = wanted.iter().filter(|s| !all.contains(s)).collect();
            if !missing.is_empty() {
                return Err(Error::invalid_argument(format!(
                    "database {} has no schema {}: it has {}",
                    snap.database,
                    missing.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", "),
                    all.join(", ")
                )));
            }
            wanted.to_vec()
        }
        None => all,
    };
    let v = snap.server_version_num;
    let schemas = &snap.schemas;
    let provider_sql = if v >= 150000 {
        "SELECT datlocprovider::text AS provider FROM pg_database WHERE datname = pg_catalog.current_database()"
    } else {
        "SELECT 'c'::text AS provider"
    };
    let p: &[&(dyn tokio_postgres::types::ToSql + Sync)] = &[schemas];
    let (rel_sql, col_sql, con_sql, idx_sql, trg_sql, fn_sql, misc_sql) = (
        relations::relations_sql(),
        columns::columns_sql(v),
        constraints::constraints_sql(v),
        indexes::indexes_sql(v),
        objects::triggers_sql(v),
        objects::routines_sql(v),
        objects::misc_sql(v),
    );
    let misc_sql = format!(
        "{misc_sql} UNION ALL {PRIVILEGES_SQL} UNION ALL {}",
        workload::SCHEMA_SQL
    );
    // A refused pg_stats would abort the whole read (one transaction): ask before reading it.
    let stats_allowed: bool = client
        .query_one(columns::STATS_ALLOWED_SQL, &[])
        .await
        .ok()
        .and_then(|r| r.try_get("allowed").ok())
        .unwrap_or(true);
    let stats_sql = if stats_allowed {
        columns::STATS_SQL
    } else {
        columns::NO_STATS_SQL
    };
    let other = second.unwrap_or(client);
    let (relations, columns, constraints, indexes, triggers, policies, rules, routines, misc, stats, provider) = tokio::join!(
        // Balanced by their cost on a large schema: relations and constraints (with the first
        // query's catalog cache warm-up) on one connection, columns and indexes on the other.
        client.query(&rel_sql, p),
        other.query(&col_sql, p),
        client.query(&con_sql, p),
        other.query(&idx_sql, p),
        other.query(&trg_sql, p),
        client.query(objects::POLICIES_SQL, p),
        other.query(objects::RULES_SQL, p),
        other.query(&fn_sql, p),
        client.query(&misc_sql, p),
        client.query(stats_sql, p),
        client.query(provider_sql, &[]),
    );
    snap.queries = 13;
    let skipped = &mut snap.skipped;
    snap.relations = read(relations, "tables and views", skipped, relations::relation)?;
    snap.columns = read(columns, "columns", skipped, columns::read_column)?;
    snap.constraints = read(constraints, "constraints", skipped, constraints::constraint)?;
    snap.indexes = read(indexes, "indexes", skipped, indexes::index)?;
    indexes::render_index_definitions(&mut snap);
    indexes::add_index_scans(&mut snap);
    constraints::render_constraint_definitions(&mut snap);
    let skipped = &mut snap.skipped;
    snap.triggers = read(triggers, "triggers", skipped, objects::trigger)?;
    snap.policies = read(policies, "policies", skipped, objects::policy)?;
    snap.rules = read(rules, "rules", skipped, objects::rule)?;
    snap.routines = read(routines, "functions and procedures", skipped, objects::routine)?;
    let what = "extensions, collations and conversions";
    for row in rows(misc, what, &mut snap.skipped)? {
        let field = |name| -> Result<String> { column(&row, name).map_err(|e| unreadable(e, what)) };
        let (kind, name) = (field("kind")?, field("name")?);
        match kind.as_str() {
            "extension" => snap.extensions.push(name),
            "collation" => snap.collations.push((name, field("detail")? == "d")),
            "conversion" => snap.conversions.push(name),
            workload::SCHEMA_ROW => snap.pg_stat_statements_schema = Some(name),
            other => {
                snap.privileges.add(other, name, &field("detail")?);
            }
        }
    }
    if !stats_allowed {
        let user = snap.privileges.user().to_string();
        snap.skipped.push(SkippedCheck::statistics_refused(
            &user,
            "permission denied for view pg_stats",
        ));
    }
    let (stats, statistics_read) = match stats {
        Err(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {
            let why = e.as_db_error().map(|d| d.message().to_string()).unwrap_or_default();
            let user = snap.privileges.user().to_string();
            snap.skipped.push(SkippedCheck::statistics_refused(&user, &why));
            (Ok(Vec::new()), false)
        }
        other => (other, stats_allowed),
    };
    snap.stats = read(
        stats,
        "column statistics (pg_stats)",
        &mut snap.skipped,
        columns::read_stats,
    )?
    .into_iter()
    .collect();
    snap.locale_provider = rows(provider, "the database's locale provider", &mut snap.skipped)?
        .first()
        .and_then(|r| r.try_get::<_, String>("provider").ok()?.chars().next())
        .unwrap_or('c');
    workload::read(client, &mut snap)
        .await
        .map_err(|e| lost(&e, "workload queries (pg_stat_statements)"))?;
    let found = super::skipped_checks::from_privileges_and_statistics(&snap, statistics_read);
    snap.skipped.extend(found);
    Ok(snap)
}

/// Each row of the catalog query for `what` read by `row` (by column name); no rows when the
/// user may not run the query (noted in `skipped`).
fn read<T>(
    result: std::result::Result<Vec<Row>, tokio_postgres::Error>,
    what: &str,
    skipped: &mut Vec<SkippedCheck>,
    row: fn(&Row) -> std::result::Result<T, ColumnError>,
) -> Result<Vec<T>> {
    rows(result, what, skipped)?
        .iter()
        .map(row)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| unreadable(e, what))
}

/// A catalog row this libvoyager cannot read (a column missing or of another type: a bug).
fn unreadable(e: ColumnError, what: &str) -> Error {
    match e {
        ColumnError::Db(e) => lost(&e, what),
        ColumnError::Column(text) => Error::internal(format!(
            "the catalog query for {what} returned a row libvoyager cannot read: {text}"
        )),
    }
}

/// A query's rows, or a note when the user may not run it; other failures end the assessment.
fn rows(
    result: std::result::Result<Vec<Row>, tokio_postgres::Error>,
    what: &str,
    skipped: &mut Vec<SkippedCheck>,
) -> Result<Vec<Row>> {
    match result {
        Ok(rows) => Ok(rows),
        Err(e) => {
            skip_or_fail(e, what, skipped)?;
            Ok(Vec::new())
        }
    }
}

fn skip_or_fail(e: tokio_postgres::Error, what: &str, skipped: &mut Vec<SkippedCheck>) -> Result<()> {
    if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
        let why = e.as_db_error().map(|d| d.message().to_string()).unwrap_or_default();
        skipped.push(SkippedCheck::catalog_refused(what, &why));
        Ok(())
    } else {
        Err(lost(&e, what))
    }
}

/// A failure in the middle of collection: the database went away, or the query for `what`
/// failed (the error keeps the server's message, detail, hint and SQLSTATE).
fn lost(e: &tokio_postgres::Error, what: &str) -> Error {
    let failed = |why: &str| {
        Error::database(
            crate::ErrorKind::Connection,
            &format!("the catalog query for {what} {why}"),
            e,
        )
    };
    match e.code() {
        Some(c) if *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::INVALID_CATALOG_NAME => {
            failed("failed: the source database went away during the assessment; nothing was written, run it again when the database is back")
        }
        _ if e.is_closed() || e.code().is_none() => {
            failed("failed: the connection to the source was lost during the assessment; nothing was written")
        }
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE => failed("waited longer than the lock timeout"),
        Some(c) if *c == SqlState::QUERY_CANCELED => failed("was cancelled (statement timeout, or by an administrator)"),
        _ => failed("failed"),
    }
}

fn first_char(s: String) -> char {
    s.chars().next().unwrap_or(' ')
}
#[cfg(test)]
mod version_tests {
    use super::*;

    /// Catalog columns that appeared after PostgreSQL 11, with the version that brought them:
    /// the queries for an older server must not name them.
    const NEWER_COLUMNS: &[(&str, i32)] = &[
        ("attgenerated", 120000),
        ("collisdeterministic", 120000),
        ("tgparentid", 130000),
        ("attcompression", 140000),
        ("prosqlbody", 140000),
        ("indnullsnotdistinct", 150000),
        ("conenforced", 180000),
    ];

    #[test]
    fn queries_name_only_columns_the_server_version_has() {
        for v in [110000, 120000, 130000, 140000, 150000, 160000, 170000, 180000] {
            let all = [
                relations::relations_sql(),
                columns::columns_sql(v),
                constraints::constraints_sql(v),
                indexes::indexes_sql(v),
                objects::triggers_sql(v),
                objects::routines_sql(v),
                objects::misc_sql(v),
                columns::STATS_SQL.to_string(),
            ]
            .join("\n");
            for (column, since) in NEWER_COLUMNS {
                assert_eq!(all.contains(column), v >= *since, "{column} in the queries for {v}");
            }
        }
    }
}
