//! Constraints (pg_constraint).

use std::collections::HashMap;

use tokio_postgres::Row;

use super::{first_char, SourceSnapshot};
use crate::assessment::sql_names::quote_ident;
use crate::control_plane::rows::{column, ColumnError};

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

/// PostgreSQL 18 records NOT NULL as constraints too (contype 'n'): those are column properties
/// (Column::not_null), not constraints of the report.
pub(super) fn constraints_sql(v: i32) -> String {
    let not_enforced = if v >= 180000 { "NOT con.conenforced" } else { "false" };
    format!(
        "SELECT con.conrelid::int8 AS rel, con.conname::text AS name, con.contype::text AS kind, \
        con.condeferrable AS deferrable, coalesce(con.conkey, '{{}}') AS columns, \
        nullif(con.confrelid, 0)::int8 AS referenced_rel, coalesce(con.confkey, '{{}}') AS referenced_columns, \
        CASE WHEN con.contype IN ('c', 'x') OR con.condeferrable OR con.confkey IS NULL AND con.contype = 'f' OR {not_enforced} \
             THEN pg_catalog.pg_get_constraintdef(con.oid) ELSE '' END AS definition, \
        nullif(con.conindid, 0)::int8 AS index, {not_enforced} AS not_enforced \
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = ANY($1) AND con.conrelid <> 0 AND con.contype <> 'n'"
    )
}

pub(super) fn constraint(r: &Row) -> Result<Constraint, ColumnError> {
    Ok(Constraint {
        rel: column(r, "rel")?,
        name: column(r, "name")?,
        kind: first_char(column(r, "kind")?),
        deferrable: column(r, "deferrable")?,
        columns: column(r, "columns")?,
        referenced_rel: column(r, "referenced_rel")?,
        referenced_columns: column(r, "referenced_columns")?,
        definition: column(r, "definition")?,
        index: column(r, "index")?,
        not_enforced: column(r, "not_enforced")?,
    })
}

/// Primary, unique and foreign key definitions made from the catalog rows already read; the
/// server deparses only the others (checks, exclusions, deferrable ones).
pub(super) fn render_constraint_definitions(snap: &mut SourceSnapshot) {
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
