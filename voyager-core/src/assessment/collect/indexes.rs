//! Indexes (pg_index).

use std::collections::HashMap;

use tokio_postgres::Row;

use super::{SourceSnapshot, BLOCK, NOT_FROM_EXTENSION};
use crate::assessment::sql_names::quote_ident;
use crate::control_plane::rows::{column, ColumnError};

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

pub(super) fn indexes_sql(v: i32) -> String {
    let nnd = if v >= 150000 { "i.indnullsnotdistinct" } else { "false" };
    format!(
        "SELECT i.indexrelid::int8 AS oid, i.indrelid::int8 AS rel, ic.relname::text AS name, am.amname::text AS method, \
                i.indisunique AS unique, i.indisprimary AS primary, \
                i.indnkeyatts::int4 AS key_count, i.indkey::int2[] AS keys, i.indoption::int2[] AS options, \
                i.indexprs IS NOT NULL AS has_expressions, i.indisclustered AS clustered, \
                {nnd} AS nulls_not_distinct, ic.reloptions IS NOT NULL AS storage_options, \
                i.indpred IS NOT NULL AS partial, CASE WHEN i.indexprs IS NOT NULL THEN {EXPRESSION_TYPES} END AS key_types, \
                CASE WHEN i.indexprs IS NOT NULL OR i.indpred IS NOT NULL OR ic.reloptions IS NOT NULL OR {nnd} \
                          OR i.indnatts > i.indnkeyatts \
                     THEN pg_catalog.pg_get_indexdef(i.indexrelid) ELSE '' END AS definition, \
                greatest(ic.relpages, 0)::int8 * {BLOCK} AS bytes, \
                pg_catalog.pg_stat_get_numscans(i.indexrelid)::int8 AS scans \
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

pub(super) fn index(r: &Row) -> Result<Index, ColumnError> {
    let key_count = column::<i32>(r, "key_count")?.max(0) as usize;
    let keys: Vec<i16> = column(r, "keys")?;
    let options: Vec<i16> = column(r, "options")?;
    Ok(Index {
        oid: column(r, "oid")?,
        rel: column(r, "rel")?,
        name: column(r, "name")?,
        method: column(r, "method")?,
        unique: column(r, "unique")?,
        primary: column(r, "primary")?,
        key_columns: keys.into_iter().take(key_count).collect(),
        options_desc: options.into_iter().take(key_count).map(|o| o & 1 == 1).collect(),
        has_expressions: column(r, "has_expressions")?,
        clustered: column(r, "clustered")?,
        nulls_not_distinct: column(r, "nulls_not_distinct")?,
        storage_options: column(r, "storage_options")?,
        partial: column(r, "partial")?,
        key_types: column::<Option<Vec<String>>>(r, "key_types")?.unwrap_or_default(),
        definition: column(r, "definition")?,
        bytes: column(r, "bytes")?,
        scans: column(r, "scans")?,
    })
}

/// `CREATE INDEX` statements for plain indexes, made from the catalog rows already read; the
/// server deparses only indexes with expressions, predicates, options or INCLUDE columns
/// (deparsing every index costs more than the rest of the assessment on a large schema).
pub(super) fn render_index_definitions(snap: &mut SourceSnapshot) {
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
pub(super) fn add_index_scans(snap: &mut SourceSnapshot) {
    let mut scans: HashMap<i64, i64> = HashMap::new();
    for index in &snap.indexes {
        *scans.entry(index.rel).or_default() += index.scans;
    }
    for rel in &mut snap.relations {
        rel.reads += scans.get(&rel.oid).copied().unwrap_or(0);
    }
}
