//! Triggers, row-level security policies, rules, functions and procedures, and the database's extensions, collations and conversions.

use tokio_postgres::Row;

use crate::control_plane::rows::{column, ColumnError};

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

pub(super) fn triggers_sql(v: i32) -> String {
    // Since PostgreSQL 13 a trigger on a partitioned table is cloned onto its partitions.
    let not_clone = if v >= 130000 { "t.tgparentid = 0" } else { "true" };
    format!(
        "SELECT t.tgrelid::int8 AS rel, t.tgname::text AS name, t.tgtype::int4 AS tgtype, \
                t.tgconstraint <> 0 AS constraint_trigger, \
                t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL AS transition_tables, \
                pg_catalog.pg_get_triggerdef(t.oid) AS definition \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1) AND NOT t.tgisinternal AND {not_clone}"
    )
}

pub(super) fn trigger(r: &Row) -> Result<Trigger, ColumnError> {
    Ok(Trigger {
        rel: column(r, "rel")?,
        name: column(r, "name")?,
        tgtype: column(r, "tgtype")?,
        constraint_trigger: column(r, "constraint_trigger")?,
        transition_tables: column(r, "transition_tables")?,
        definition: column(r, "definition")?,
    })
}

pub(super) const POLICIES_SQL: &str = "SELECT p.polrelid::int8 AS rel, p.polname::text AS name, \
        ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END FROM pg_catalog.unnest(p.polroles) r) AS roles \
     FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = ANY($1)";

pub(super) fn policy(r: &Row) -> Result<Policy, ColumnError> {
    Ok(Policy {
        rel: column(r, "rel")?,
        name: column(r, "name")?,
        roles: column(r, "roles")?,
    })
}

pub(super) const RULES_SQL: &str =
    "SELECT r.ev_class::int8 AS rel, r.rulename::text AS name, r.ev_enabled = 'D' AS disabled \
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = ANY($1) AND r.rulename <> '_RETURN'";

pub(super) fn rule(r: &Row) -> Result<Rule, ColumnError> {
    Ok(Rule {
        rel: column(r, "rel")?,
        name: column(r, "name")?,
        disabled: column(r, "disabled")?,
    })
}

pub(super) fn routines_sql(v: i32) -> String {
    let sql_body = if v >= 140000 {
        "p.prosqlbody IS NOT NULL"
    } else {
        "false"
    };
    format!(
        "SELECT n.nspname::text AS schema, p.proname::text AS name, p.prokind = 'p' AS is_procedure, \
                l.lanname::text AS language, \
                CASE WHEN l.lanname IN ('plpgsql', 'sql') THEN pg_catalog.pg_get_functiondef(p.oid) ELSE '' END AS definition, \
                {sql_body} AS sql_body \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang \
         WHERE n.nspname = ANY($1) AND p.prokind IN ('f', 'p') \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e') \
         ORDER BY 1, 2"
    )
}

pub(super) fn routine(r: &Row) -> Result<Routine, ColumnError> {
    Ok(Routine {
        schema: column(r, "schema")?,
        name: column(r, "name")?,
        is_procedure: column(r, "is_procedure")?,
        language: column(r, "language")?,
        definition: column(r, "definition")?,
        sql_body: column(r, "sql_body")?,
    })
}

/// Extensions, collations and conversions in one query, as (kind, name, detail) rows; the
/// privilege and workload rows are appended to it (`UNION ALL`), so they share these columns.
pub(super) fn misc_sql(v: i32) -> String {
    // Non-deterministic collations came with PostgreSQL 12.
    let deterministic = if v >= 120000 { "c.collisdeterministic" } else { "true" };
    format!(
        "SELECT 'extension' AS kind, extname::text AS name, '' AS detail FROM pg_extension WHERE extname <> 'plpgsql' \
     UNION ALL SELECT 'collation', n.nspname || '.' || c.collname, CASE WHEN {deterministic} THEN 'd' ELSE 'n' END \
       FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE n.nspname = ANY($1) \
     UNION ALL SELECT 'conversion', n.nspname || '.' || c.conname, '' \
       FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ANY($1)"
    )
}
