//! Columns (pg_attribute, types resolved through domains and arrays) and their statistics (pg_stats).

use tokio_postgres::Row;

use super::{first_char, NOT_FROM_EXTENSION};
use crate::control_plane::rows::{column, ColumnError};

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

/// Statistics of one column (pg_stats), for the performance checks.
#[derive(Debug, Clone, Default)]
pub struct ColumnStats {
    pub null_frac: f64,
    pub n_distinct: f64,
    pub max_common_freq: f64,
}

pub(super) fn columns_sql(v: i32) -> String {
    let compression = if v >= 140000 {
        "a.attcompression::text NOT IN ('', '\\0')"
    } else {
        "false"
    };
    // attgenerated came with PostgreSQL 12 ('s'), virtual columns with 18 ('v').
    let generated = if v >= 120000 { "a.attgenerated::text" } else { "''" };
    format!(
        "SELECT a.attrelid::int8 AS rel, a.attnum AS num, a.attname::text AS name, bt.typname::text AS base_type, \
                t.typcategory = 'A' AS is_array, bt.typtype::text AS type_kind, \
                bn.nspname NOT IN ('pg_catalog', 'information_schema') AND ext.extname IS NULL AS user_defined, \
                ext.extname::text AS extension, a.attnotnull AS not_null, {generated} AS generated, \
                {compression} AS compression, coalesce(a.attoptions, '{{}}')::text[] AS attribute_options \
                , CASE WHEN et.typtype = 'd' THEN et.typname::text END AS domain \
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

pub(super) fn read_column(r: &Row) -> Result<Column, ColumnError> {
    let generated: String = column(r, "generated")?;
    Ok(Column {
        rel: column(r, "rel")?,
        num: column(r, "num")?,
        name: column(r, "name")?,
        base_type: column(r, "base_type")?,
        is_array: column(r, "is_array")?,
        type_kind: first_char(column(r, "type_kind")?),
        user_defined: column(r, "user_defined")?,
        extension: column(r, "extension")?,
        not_null: column(r, "not_null")?,
        generated_stored: generated == "s",
        generated_virtual: generated == "v",
        compression: column(r, "compression")?,
        attribute_options: column(r, "attribute_options")?,
        domain: column(r, "domain")?,
    })
}

pub(super) const STATS_ALLOWED_SQL: &str =
    "SELECT pg_catalog.has_table_privilege('pg_catalog.pg_stats', 'SELECT') AS allowed";
/// Stands for STATS_SQL when pg_stats is refused: no rows, the same columns.
pub(super) const NO_STATS_SQL: &str = "SELECT NULL::int8 AS rel, NULL::text AS name, NULL::float4 AS null_frac, \
     NULL::float4 AS n_distinct, NULL::float4[] AS most_common_freqs WHERE $1::text[] IS NULL AND false";

pub(super) const STATS_SQL: &str =
    "SELECT c.oid::int8 AS rel, s.attname::text AS name, s.null_frac AS null_frac, s.n_distinct AS n_distinct, \
            s.most_common_freqs::float4[] AS most_common_freqs \
     FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname \
     JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename \
     WHERE s.schemaname = ANY($1)";

/// A row of STATS_SQL: (relation oid, column name) and the column's statistics.
pub(super) fn read_stats(r: &Row) -> Result<((i64, String), ColumnStats), ColumnError> {
    let freqs: Option<Vec<f32>> = column(r, "most_common_freqs")?;
    Ok((
        (column(r, "rel")?, column(r, "name")?),
        ColumnStats {
            null_frac: column::<f32>(r, "null_frac")? as f64,
            n_distinct: column::<f32>(r, "n_distinct")? as f64,
            max_common_freq: freqs.unwrap_or_default().into_iter().fold(0.0f32, f32::max) as f64,
        },
    ))
}
