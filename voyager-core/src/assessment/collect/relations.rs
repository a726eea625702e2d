//! Tables, views, materialized views, foreign tables and sequences (pg_class).

use tokio_postgres::Row;

use super::{first_char, BLOCK, NOT_FROM_EXTENSION};
use crate::control_plane::rows::{column, ColumnError};

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

pub(super) fn relations_sql() -> String {
    format!(
        "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind, \
                c.relpersistence::text AS persistence, c.relispartition AS is_partition, \
                i.inhparent::int8 AS parent, greatest(c.reltuples, 0)::float8 AS row_estimate, \
                (greatest(c.relpages, 0) + coalesce(toast.relpages, 0) + coalesce(ix.pages, 0))::int8 * {BLOCK} AS total_bytes, \
                greatest(c.relpages, 0)::int8 * {BLOCK} AS table_bytes, \
                coalesce(c.reloptions, '{{}}')::text[] AS options, pt.partstrat::text AS partition_strategy, \
                coalesce(pt.partattrs::int2[], '{{}}') AS partition_columns, \
                pt.partexprs IS NOT NULL AS partition_has_expressions, \
                CASE WHEN c.relkind IN ('v','m') THEN pg_catalog.pg_get_viewdef(c.oid) END AS view_definition, \
                pg_catalog.pg_stat_get_numscans(c.oid)::int8 AS reads, \
                (pg_catalog.pg_stat_get_tuples_inserted(c.oid) + pg_catalog.pg_stat_get_tuples_updated(c.oid) \
                 + pg_catalog.pg_stat_get_tuples_deleted(c.oid))::int8 AS writes, \
                c.relnatts::int8 AS column_count \
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

pub(super) fn relation(r: &Row) -> Result<Relation, ColumnError> {
    Ok(Relation {
        oid: column(r, "oid")?,
        schema: column(r, "schema")?,
        name: column(r, "name")?,
        kind: first_char(column(r, "kind")?),
        unlogged: column::<String>(r, "persistence")? == "u",
        is_partition: column(r, "is_partition")?,
        parent: column(r, "parent")?,
        row_estimate: column(r, "row_estimate")?,
        total_bytes: column(r, "total_bytes")?,
        table_bytes: column(r, "table_bytes")?,
        options: column(r, "options")?,
        partition_strategy: column::<Option<String>>(r, "partition_strategy")?.map(first_char),
        partition_columns: column(r, "partition_columns")?,
        partition_has_expressions: column(r, "partition_has_expressions")?,
        view_definition: column(r, "view_definition")?,
        reads: column(r, "reads")?,
        writes: column(r, "writes")?,
        column_count: column(r, "column_count")?,
    })
}
