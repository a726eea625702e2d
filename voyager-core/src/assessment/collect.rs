//! Collection: everything the assessment needs from one source database, in a fixed handful of
//! set-based catalog queries, however many tables there are. The queries run concurrently on
//! one connection (tokio-postgres pipelines them). A query the user may not run is skipped and
//! the skip is noted; the assessment goes on with what it could read.

use std::collections::HashMap;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Row};

use super::skipped_checks::{Privileges, SkippedCheck, PRIVILEGES_SQL};
use super::sql_names::quote_ident;
use super::workload;
use crate::{Error, Result};

/// One relation: table, partitioned table, foreign table, view, materialized view, sequence.
#[derive(Debug, Clone, Default)]
pub struct Relation {
    pub oid: i64,
    pub schema: String,
    pub name: String,
    /// pg_class.relkind: r, p, f, v, m, S.
    pub kind: char,
    pub unlogged: bool,
    pub is_partition: bool,
    /// The parent of an inheritance child or a partition.
    pub parent: Option<i64>,
    pub row_estimate: f64,
    pub total_bytes: i64,
    pub table_bytes: i64,
    pub options: Vec<String>,
    /// pg_partitioned_table.partstrat: r, l, h.
    pub partition_strategy: Option<char>,
    pub partition_columns: Vec<i16>,
    pub partition_has_expressions: bool,
    pub view_definition: Option<String>,
    pub reads: i64,
    pub writes: i64,
    pub column_count: i64,
}

impl Relation {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// One column of a relation, with its type resolved through domains and arrays.
#[derive(Debug, Clone, Default)]
pub struct Column {
    pub rel: i64,
    pub num: i16,
    pub name: String,
    /// The type's name after resolving domains, of the element for arrays (e.g. `xml`, `int4`).
    pub base_type: String,
    pub is_array: bool,
    /// typtype of the base type: b base, c composite, e enum, r range, m multirange, d domain.
    pub type_kind: char,
    /// Whether the base type is the user's own (not from pg_catalog nor an extension).
    pub user_defined: bool,
    /// The extension the base type comes from, if any.
    pub extension: Option<String>,
    pub not_null: bool,
    pub generated_stored: bool,
    /// A virtual generated column (PostgreSQL 18: `GENERATED ALWAYS AS (...) VIRTUAL`).
    pub generated_virtual: bool,
    pub compression: bool,
    /// pg_attribute.attoptions as `name=value` entries: what `ALTER COLUMN ... SET (...)` set,
    /// plus any internal entry a server stamps there itself (Debian's 15.20 adds `pg_attver`
    /// to every column), which is no user setting.
    pub attribute_options: Vec<String>,
    /// The domain the column is declared with, if any (e.g. the `lo` extension's `lo`).
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Constraint {
    pub rel: i64,
    pub name: String,
    /// p, u, f, c, x.
    pub kind: char,
    pub deferrable: bool,
    pub columns: Vec<i16>,
    pub referenced_rel: Option<i64>,
    pub referenced_columns: Vec<i16>,
    pub definition: String,
    pub index: Option<i64>,
    /// A `NOT ENFORCED` check or foreign key (PostgreSQL 18).
    pub not_enforced: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub oid: i64,
    pub rel: i64,
    pub name: String,
    pub method: String,
    pub unique: bool,
    pub primary: bool,
    pub key_columns: Vec<i16>,
    pub options_desc: Vec<bool>,
    pub has_expressions: bool,
    pub clustered: bool,
    pub nulls_not_distinct: bool,
    pub storage_options: bool,
    pub definition: String,
    pub bytes: i64,
    pub scans: i64,
    /// A partial index (WHERE ...).
    pub partial: bool,
    /// For an index with expressions, each key's type as the index stores it (the expression's
    /// result type): `ARRAY`, `USER_DEFINED` (a composite of the user's) or the base type's name.
    pub key_types: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Trigger {
    pub rel: i64,
    pub name: String,
    pub tgtype: i32,
    pub constraint_trigger: bool,
    pub transition_tables: bool,
    pub definition: String,
}

#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub rel: i64,
    pub name: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Rule {
    pub rel: i64,
    pub name: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Routine {
    pub schema: String,
    pub name: String,
    pub is_procedure: bool,
    pub language: String,
    pub definition: String,
    pub sql_body: bool,
}

impl Routine {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// Statistics of one column (pg_stats), for the performance checks.
#[derive(Debug, Clone, Default)]
pub struct ColumnStats {
    pub null_frac: f64,
    pub n_distinct: f64,
    pub max_common_freq: f64,
}

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
            "SELECT pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')",
            &[],
        )
        .await
        .ok()
        .and_then(|r| r.try_get::<_, bool>(0).ok())
        .unwrap_or(false);
    if !allowed {
        return None;
    }
    client
        .query_one(
            "SELECT system_identifier::text FROM pg_catalog.pg_control_system()",
            &[],
        )
        .await
        .ok()
        .and_then(|r| r.try_get::<_, String>(0).ok())
}

/// Collect a snapshot of the schemas `schemas` (all user schemas when None).
///
/// With a `second` connection to the same database, the queries are split between the two so
/// that two server processes work at once.
pub async fn collect(client: &Client, second: Option<&Client>, schemas: Option<&[String]>) -> Result<SourceSnapshot> {
    let mut snap = SourceSnapshot::default();
    let info = client
        .query_one(
            "SELECT pg_catalog.current_database()::text, pg_catalog.current_setting('server_version'), \
                    pg_catalog.current_setting('server_version_num')::int, \
             (SELECT pg_catalog.sum(greatest(relpages, 0))::int8 FROM pg_class) * pg_catalog.current_setting('block_size')::int8, \
             (SELECT extract(epoch FROM pg_catalog.now() - coalesce(stats_reset, pg_catalog.pg_postmaster_start_time()))::float8 \
                FROM pg_stat_database WHERE datname = pg_catalog.current_database()), \
             ARRAY(SELECT nspname::text FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' \
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = pg_namespace.oid AND d.classid = 'pg_catalog.pg_namespace'::regclass AND d.deptype = 'e') \
                   ORDER BY 1)",
            &[],
        )
        .await
        .map_err(|e| lost(&e, "the database's name, version and schemas"))?;
    snap.system_identifier = system_identifier(client).await;
    snap.database = info.get(0);
    snap.server_version = info.get(1);
    snap.server_version_num = info.get(2);
    snap.database_bytes = info.get(3);
    snap.stats_age_seconds = info.get::<_, Option<f64>>(4).unwrap_or(1.0);
    let all: Vec<String> = info.get(5);
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
        "SELECT datlocprovider::text FROM pg_database WHERE datname = pg_catalog.current_database()"
    } else {
        "SELECT 'c'::text"
    };
    let p: &[&(dyn tokio_postgres::types::ToSql + Sync)] = &[schemas];
    let (rel_sql, col_sql, con_sql, idx_sql, trg_sql, fn_sql, misc_sql) = (
        relations_sql(),
        columns_sql(v),
        constraints_sql(v),
        indexes_sql(v),
        triggers_sql(v),
        routines_sql(v),
        misc_sql(v),
    );
    let misc_sql = format!(
        "{misc_sql} UNION ALL {PRIVILEGES_SQL} UNION ALL {}",
        workload::SCHEMA_SQL
    );
    // A refused pg_stats would abort the whole read (one transaction): ask before reading it.
    let stats_allowed: bool = client
        .query_one(STATS_ALLOWED_SQL, &[])
        .await
        .map(|r| r.get(0))
        .unwrap_or(true);
    let stats_sql = if stats_allowed { STATS_SQL } else { NO_STATS_SQL };
    let other = second.unwrap_or(client);
    let (relations, columns, constraints, indexes, triggers, policies, rules, routines, misc, stats, provider) = tokio::join!(
        // Balanced by their cost on a large schema: relations and constraints (with the first
        // query's catalog cache warm-up) on one connection, columns and indexes on the other.
        client.query(&rel_sql, p),
        other.query(&col_sql, p),
        client.query(&con_sql, p),
        other.query(&idx_sql, p),
        other.query(&trg_sql, p),
        client.query(POLICIES_SQL, p),
        other.query(RULES_SQL, p),
        other.query(&fn_sql, p),
        client.query(&misc_sql, p),
        client.query(stats_sql, p),
        client.query(provider_sql, &[]),
    );
    snap.queries = 13;
    snap.relations = rows(relations, "tables and views", &mut snap.skipped)?
        .iter()
        .map(relation)
        .collect();
    snap.columns = rows(columns, "columns", &mut snap.skipped)?
        .iter()
        .map(column)
        .collect();
    snap.constraints = rows(constraints, "constraints", &mut snap.skipped)?
        .iter()
        .map(constraint)
        .collect();
    snap.indexes = rows(indexes, "indexes", &mut snap.skipped)?.iter().map(index).collect();
    render_index_definitions(&mut snap);
    add_index_scans(&mut snap);
    render_constraint_definitions(&mut snap);
    snap.triggers = rows(triggers, "triggers", &mut snap.skipped)?
        .iter()
        .map(trigger)
        .collect();
    snap.policies = rows(policies, "policies", &mut snap.skipped)?
        .iter()
        .map(|r| Policy {
            rel: r.get(0),
            name: r.get(1),
            roles: r.get(2),
        })
        .collect();
    snap.rules = rows(rules, "rules", &mut snap.skipped)?
        .iter()
        .map(|r| Rule {
            rel: r.get(0),
            name: r.get(1),
            disabled: r.get(2),
        })
        .collect();
    snap.routines = rows(routines, "functions and procedures", &mut snap.skipped)?
        .iter()
        .map(routine)
        .collect();
    for row in rows(misc, "extensions, collations and conversions", &mut snap.skipped)? {
        let kind: String = row.get(0);
        let name: String = row.get(1);
        match kind.as_str() {
            "extension" => snap.extensions.push(name),
            "collation" => snap.collations.push((name, row.get::<_, String>(2) == "d")),
            "conversion" => snap.conversions.push(name),
            workload::SCHEMA_ROW => snap.pg_stat_statements_schema = Some(name),
            other => {
                snap.privileges.add(other, name, &row.get::<_, String>(2));
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
    for row in rows(stats, "column statistics (pg_stats)", &mut snap.skipped)? {
        let freqs: Option<Vec<f32>> = row.get(4);
        snap.stats.insert(
            (row.get(0), row.get(1)),
            ColumnStats {
                null_frac: row.get::<_, f32>(2) as f64,
                n_distinct: row.get::<_, f32>(3) as f64,
                max_common_freq: freqs.unwrap_or_default().into_iter().fold(0.0f32, f32::max) as f64,
            },
        );
    }
    snap.locale_provider = rows(provider, "the database's locale provider", &mut snap.skipped)?
        .first()
        .and_then(|r| r.get::<_, String>(0).chars().next())
        .unwrap_or('c');
    workload::read(client, &mut snap)
        .await
        .map_err(|e| lost(&e, "workload queries (pg_stat_statements)"))?;
    let found = super::skipped_checks::from_privileges_and_statistics(&snap, statistics_read);
    snap.skipped.extend(found);
    Ok(snap)
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

fn relations_sql() -> String {
    format!(
        "SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text, c.relpersistence::text, c.relispartition, \
                i.inhparent::int8, greatest(c.reltuples, 0)::float8, \
                (greatest(c.relpages, 0) + coalesce(toast.relpages, 0) + coalesce(ix.pages, 0))::int8 * {BLOCK}, \
                greatest(c.relpages, 0)::int8 * {BLOCK}, \
                coalesce(c.reloptions, '{{}}')::text[], pt.partstrat::text, coalesce(pt.partattrs::int2[], '{{}}'), \
                pt.partexprs IS NOT NULL, \
                CASE WHEN c.relkind IN ('v','m') THEN pg_catalog.pg_get_viewdef(c.oid) END, \
                pg_catalog.pg_stat_get_numscans(c.oid)::int8, \
                (pg_catalog.pg_stat_get_tuples_inserted(c.oid) + pg_catalog.pg_stat_get_tuples_updated(c.oid) \
                 + pg_catalog.pg_stat_get_tuples_deleted(c.oid))::int8, \
                c.relnatts::int8 \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhseqno = 1 \
         LEFT JOIN pg_class toast ON toast.oid = c.reltoastrelid \
         LEFT JOIN (SELECT x.indrelid, pg_catalog.sum(greatest(xc.relpages, 0)) AS pages FROM pg_index x \
                    JOIN pg_class xc ON xc.oid = x.indexrelid GROUP BY x.indrelid) ix ON ix.indrelid = c.oid \
         LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid \
         WHERE n.nspname = ANY($1) AND c.relkind IN ('r','p','f','v','m','S') AND {NOT_FROM_EXTENSION} \
         ORDER BY n.nspname, c.relname"
    )
}

fn relation(r: &Row) -> Relation {
    Relation {
        oid: r.get(0),
        schema: r.get(1),
        name: r.get(2),
        kind: first_char(r.get(3)),
        unlogged: r.get::<_, String>(4) == "u",
        is_partition: r.get(5),
        parent: r.get(6),
        row_estimate: r.get(7),
        total_bytes: r.get(8),
        table_bytes: r.get(9),
        options: r.get(10),
        partition_strategy: r.get::<_, Option<String>>(11).map(first_char),
        partition_columns: r.get(12),
        partition_has_expressions: r.get(13),
        view_definition: r.get(14),
        reads: r.get(15),
        writes: r.get(16),
        column_count: r.get(17),
    }
}

fn columns_sql(v: i32) -> String {
    let compression = if v >= 140000 {
        "a.attcompression::text NOT IN ('', '\\0')"
    } else {
        "false"
    };
    // attgenerated came with PostgreSQL 12 ('s'), virtual columns with 18 ('v').
    let generated = if v >= 120000 { "a.attgenerated::text" } else { "''" };
    format!(
        "SELECT a.attrelid::int8, a.attnum, a.attname::text, bt.typname::text, t.typcategory = 'A', bt.typtype::text, \
                bn.nspname NOT IN ('pg_catalog', 'information_schema') AND ext.extname IS NULL, ext.extname::text, \
                a.attnotnull, {generated}, {compression}, coalesce(a.attoptions, '{{}}')::text[] \
                , CASE WHEN et.typtype = 'd' THEN et.typname::text END \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_type t ON t.oid = a.atttypid \
         JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END \
         JOIN pg_type bt ON bt.oid = CASE WHEN et.typtype = 'd' THEN et.typbasetype ELSE et.oid END \
         JOIN pg_namespace bn ON bn.oid = bt.typnamespace \
         LEFT JOIN (SELECT d.objid, e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid \
                    WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.deptype = 'e') ext ON ext.objid = bt.oid \
         WHERE n.nspname = ANY($1) AND c.relkind IN ('r','p','f','v','m') AND a.attnum > 0 AND NOT a.attisdropped \
           AND {NOT_FROM_EXTENSION}"
    )
}

fn column(r: &Row) -> Column {
    Column {
        rel: r.get(0),
        num: r.get(1),
        name: r.get(2),
        base_type: r.get(3),
        is_array: r.get(4),
        type_kind: first_char(r.get(5)),
        user_defined: r.get(6),
        extension: r.get(7),
        not_null: r.get(8),
        generated_stored: r.get::<_, String>(9) == "s",
        generated_virtual: r.get::<_, String>(9) == "v",
        compression: r.get(10),
        attribute_options: r.get(11),
        domain: r.get(12),
    }
}

/// PostgreSQL 18 records NOT NULL as constraints too (contype 'n'): those are column properties
/// (Column::not_null), not constraints of the report.
fn constraints_sql(v: i32) -> String {
    let not_enforced = if v >= 180000 { "NOT con.conenforced" } else { "false" };
    format!(
        "SELECT con.conrelid::int8, con.conname::text, con.contype::text, con.condeferrable, \
        coalesce(con.conkey, '{{}}'), nullif(con.confrelid, 0)::int8, coalesce(con.confkey, '{{}}'), \
        CASE WHEN con.contype IN ('c', 'x') OR con.condeferrable OR con.confkey IS NULL AND con.contype = 'f' OR {not_enforced} \
             THEN pg_catalog.pg_get_constraintdef(con.oid) ELSE '' END, nullif(con.conindid, 0)::int8, {not_enforced} \
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = ANY($1) AND con.conrelid <> 0 AND con.contype <> 'n'"
    )
}

fn constraint(r: &Row) -> Constraint {
    Constraint {
        rel: r.get(0),
        name: r.get(1),
        kind: first_char(r.get(2)),
        deferrable: r.get(3),
        columns: r.get(4),
        referenced_rel: r.get(5),
        referenced_columns: r.get(6),
        definition: r.get(7),
        index: r.get(8),
        not_enforced: r.get(9),
    }
}

fn indexes_sql(v: i32) -> String {
    let nnd = if v >= 150000 { "i.indnullsnotdistinct" } else { "false" };
    format!(
        "SELECT i.indexrelid::int8, i.indrelid::int8, ic.relname::text, am.amname::text, i.indisunique, i.indisprimary, \
                i.indnkeyatts::int4, i.indkey::int2[], i.indoption::int2[], i.indexprs IS NOT NULL, i.indisclustered, \
                {nnd}, ic.reloptions IS NOT NULL, \
                i.indpred IS NOT NULL, CASE WHEN i.indexprs IS NOT NULL THEN {EXPRESSION_TYPES} END, \
                CASE WHEN i.indexprs IS NOT NULL OR i.indpred IS NOT NULL OR ic.reloptions IS NOT NULL OR {nnd} \
                          OR i.indnatts > i.indnkeyatts \
                     THEN pg_catalog.pg_get_indexdef(i.indexrelid) ELSE '' END, greatest(ic.relpages, 0)::int8 * {BLOCK}, \
                pg_catalog.pg_stat_get_numscans(i.indexrelid)::int8 \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam \
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1) AND {NOT_FROM_EXTENSION}"
    )
}

/// Each key's type of an index with expressions (see [`Index::key_types`]).
const EXPRESSION_TYPES: &str = "ARRAY(SELECT CASE WHEN t.typcategory = 'A' THEN 'ARRAY' \
        WHEN bt.typtype = 'c' AND bn.nspname NOT IN ('pg_catalog', 'information_schema') THEN 'USER_DEFINED' \
        ELSE bt.typname::text END \
      FROM pg_catalog.pg_attribute ia JOIN pg_catalog.pg_type t ON t.oid = ia.atttypid \
      JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END \
      JOIN pg_catalog.pg_namespace bn ON bn.oid = bt.typnamespace \
      WHERE ia.attrelid = i.indexrelid AND ia.attnum <= i.indnkeyatts ORDER BY ia.attnum)";

fn index(r: &Row) -> Index {
    let key_count = r.get::<_, i32>(6).max(0) as usize;
    let keys: Vec<i16> = r.get(7);
    let options: Vec<i16> = r.get(8);
    Index {
        oid: r.get(0),
        rel: r.get(1),
        name: r.get(2),
        method: r.get(3),
        unique: r.get(4),
        primary: r.get(5),
        key_columns: keys.into_iter().take(key_count).collect(),
        options_desc: options.into_iter().take(key_count).map(|o| o & 1 == 1).collect(),
        has_expressions: r.get(9),
        clustered: r.get(10),
        nulls_not_distinct: r.get(11),
        storage_options: r.get(12),
        partial: r.get(13),
        key_types: r.get::<_, Option<Vec<String>>>(14).unwrap_or_default(),
        definition: r.get(15),
        bytes: r.get(16),
        scans: r.get(17),
    }
}

fn triggers_sql(v: i32) -> String {
    // Since PostgreSQL 13 a trigger on a partitioned table is cloned onto its partitions.
    let not_clone = if v >= 130000 { "t.tgparentid = 0" } else { "true" };
    format!(
        "SELECT t.tgrelid::int8, t.tgname::text, t.tgtype::int4, t.tgconstraint <> 0, \
                t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL, pg_catalog.pg_get_triggerdef(t.oid) \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1) AND NOT t.tgisinternal AND {not_clone}"
    )
}

fn trigger(r: &Row) -> Trigger {
    Trigger {
        rel: r.get(0),
        name: r.get(1),
        tgtype: r.get(2),
        constraint_trigger: r.get(3),
        transition_tables: r.get(4),
        definition: r.get(5),
    }
}

const POLICIES_SQL: &str = "SELECT p.polrelid::int8, p.polname::text, \
        ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END FROM pg_catalog.unnest(p.polroles) r) \
     FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = ANY($1)";

const RULES_SQL: &str = "SELECT r.ev_class::int8, r.rulename::text, r.ev_enabled = 'D' \
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = ANY($1) AND r.rulename <> '_RETURN'";

fn routines_sql(v: i32) -> String {
    let sql_body = if v >= 140000 {
        "p.prosqlbody IS NOT NULL"
    } else {
        "false"
    };
    format!(
        "SELECT n.nspname::text, p.proname::text, p.prokind = 'p', l.lanname::text, \
                CASE WHEN l.lanname IN ('plpgsql', 'sql') THEN pg_catalog.pg_get_functiondef(p.oid) ELSE '' END, {sql_body} \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang \
         WHERE n.nspname = ANY($1) AND p.prokind IN ('f', 'p') \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e') \
         ORDER BY 1, 2"
    )
}

fn routine(r: &Row) -> Routine {
    Routine {
        schema: r.get(0),
        name: r.get(1),
        is_procedure: r.get(2),
        language: r.get(3),
        definition: r.get(4),
        sql_body: r.get(5),
    }
}

fn misc_sql(v: i32) -> String {
    // Non-deterministic collations came with PostgreSQL 12.
    let deterministic = if v >= 120000 { "c.collisdeterministic" } else { "true" };
    format!(
        "SELECT 'extension', extname::text, '' FROM pg_extension WHERE extname <> 'plpgsql' \
     UNION ALL SELECT 'collation', n.nspname || '.' || c.collname, CASE WHEN {deterministic} THEN 'd' ELSE 'n' END \
       FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE n.nspname = ANY($1) \
     UNION ALL SELECT 'conversion', n.nspname || '.' || c.conname, '' \
       FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ANY($1)"
    )
}

const STATS_ALLOWED_SQL: &str = "SELECT pg_catalog.has_table_privilege('pg_catalog.pg_stats', 'SELECT')";
/// Stands for STATS_SQL when pg_stats is refused: no rows, the same columns.
const NO_STATS_SQL: &str =
    "SELECT NULL::int8, NULL::text, NULL::float4, NULL::float4, NULL::float4[] WHERE $1::text[] IS NULL AND false";

const STATS_SQL: &str =
    "SELECT c.oid::int8, s.attname::text, s.null_frac, s.n_distinct, s.most_common_freqs::float4[] \
     FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname \
     JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename \
     WHERE s.schemaname = ANY($1)";

fn first_char(s: String) -> char {
    s.chars().next().unwrap_or(' ')
}

/// `CREATE INDEX` statements for plain indexes, made from the catalog rows already read; the
/// server deparses only indexes with expressions, predicates, options or INCLUDE columns
/// (deparsing every index costs more than the rest of the assessment on a large schema).
fn render_index_definitions(snap: &mut SourceSnapshot) {
    let relations: HashMap<i64, (&str, &str)> = snap
        .relations
        .iter()
        .map(|r| (r.oid, (r.schema.as_str(), r.name.as_str())))
        .collect();
    let columns: HashMap<(i64, i16), &str> = snap.columns.iter().map(|c| ((c.rel, c.num), c.name.as_str())).collect();
    let mut rendered = Vec::new();
    for (at, index) in snap.indexes.iter().enumerate() {
        if !index.definition.is_empty() {
            continue;
        }
        let Some((schema, table)) = relations.get(&index.rel) else {
            continue;
        };
        let keys: Vec<String> = index
            .key_columns
            .iter()
            .zip(index.options_desc.iter().chain(std::iter::repeat(&false)))
            .map(|(num, desc)| {
                let name = columns
                    .get(&(index.rel, *num))
                    .map(|n| quote_ident(n))
                    .unwrap_or_else(|| format!("#{num}"));
                if *desc {
                    format!("{name} DESC")
                } else {
                    name
                }
            })
            .collect();
        rendered.push((
            at,
            format!(
                "CREATE {}INDEX {} ON {}.{} USING {} ({})",
                if index.unique { "UNIQUE " } else { "" },
                quote_ident(&index.name),
                quote_ident(schema),
                quote_ident(table),
                index.method,
                keys.join(", ")
            ),
        ));
    }
    for (at, definition) in rendered {
        snap.indexes[at].definition = definition;
    }
}

/// A table's reads: its sequential scans (read with the table) plus its indexes' scans.
fn add_index_scans(snap: &mut SourceSnapshot) {
    let mut scans: HashMap<i64, i64> = HashMap::new();
    for index in &snap.indexes {
        *scans.entry(index.rel).or_default() += index.scans;
    }
    for rel in &mut snap.relations {
        rel.reads += scans.get(&rel.oid).copied().unwrap_or(0);
    }
}

/// Primary, unique and foreign key definitions made from the catalog rows already read; the
/// server deparses only the others (checks, exclusions, deferrable ones).
fn render_constraint_definitions(snap: &mut SourceSnapshot) {
    let relations: HashMap<i64, (&str, &str)> = snap
        .relations
        .iter()
        .map(|r| (r.oid, (r.schema.as_str(), r.name.as_str())))
        .collect();
    let columns: HashMap<(i64, i16), &str> = snap.columns.iter().map(|c| ((c.rel, c.num), c.name.as_str())).collect();
    let names = |rel: i64, nums: &[i16]| -> String {
        nums.iter()
            .map(|n| {
                columns
                    .get(&(rel, *n))
                    .map(|c| quote_ident(c))
                    .unwrap_or_else(|| format!("#{n}"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rendered = Vec::new();
    for (at, k) in snap.constraints.iter().enumerate() {
        if !k.definition.is_empty() {
            continue;
        }
        let definition = match k.kind {
            'p' => format!("PRIMARY KEY ({})", names(k.rel, &k.columns)),
            'u' => format!("UNIQUE ({})", names(k.rel, &k.columns)),
            'f' => {
                let target = k.referenced_rel.unwrap_or(0);
                let table = relations
                    .get(&target)
                    .map(|(s, t)| format!("{}.{}", quote_ident(s), quote_ident(t)))
                    .unwrap_or_else(|| format!("oid {target}"));
                format!(
                    "FOREIGN KEY ({}) REFERENCES {table}({})",
                    names(k.rel, &k.columns),
                    names(target, &k.referenced_columns)
                )
            }
            _ => continue,
        };
        rendered.push((at, definition));
    }
    for (at, definition) in rendered {
        snap.constraints[at].definition = definition;
    }
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
                relations_sql(),
                columns_sql(v),
                constraints_sql(v),
                indexes_sql(v),
                triggers_sql(v),
                routines_sql(v),
                misc_sql(v),
                STATS_SQL.to_string(),
            ]
            .join("\n");
            for (column, since) in NEWER_COLUMNS {
                assert_eq!(all.contains(column), v >= *since, "{column} in the queries for {v}");
            }
        }
    }
}
