//! Things that work on YugabyteDB but will be slow or hot on a distributed database: range
//! indexes led by a timestamp, indexes on columns with few values or many NULLs, foreign keys
//! without an index or with mismatched types, redundant indexes.

use super::Catalog;
use crate::assessment::collect::Index;
use crate::assessment::issue::{issue_kind, Issue, IssueKind, NOT_FIXED};

issue_kind!(HOTSPOTS_ON_TIMESTAMP_INDEX, "HOTSPOTS_ON_TIMESTAMP_INDEX", "Index led by a timestamp", "A range index led by a timestamp column sends every new row to one tablet: a hotspot. Consider a hash-sharded index or another leading column.", Level1, PerformanceOptimizations, "INDEX", "hotspots-with-range-sharded-timestamp-date-indexes", NOT_FIXED);
issue_kind!(
    HOTSPOTS_ON_DATE_INDEX,
    "HOTSPOTS_ON_DATE_INDEX",
    "Index led by a date",
    "A range index led by a date column sends every new row to one tablet: a hotspot.",
    Level1,
    PerformanceOptimizations,
    "INDEX",
    "hotspots-with-range-sharded-timestamp-date-indexes",
    NOT_FIXED
);
issue_kind!(
    HOTSPOTS_ON_TIMESTAMP_PK_UK,
    "HOTSPOTS_ON_TIMESTAMP_PK_UK",
    "Key led by a timestamp",
    "A primary or unique key led by a timestamp column is a write hotspot when range-sharded.",
    Level1,
    PerformanceOptimizations,
    "INDEX",
    "hotspots-with-range-sharded-timestamp-date-indexes",
    NOT_FIXED
);
issue_kind!(
    HOTSPOTS_ON_DATE_PK_UK,
    "HOTSPOTS_ON_DATE_PK_UK",
    "Key led by a date",
    "A primary or unique key led by a date column is a write hotspot when range-sharded.",
    Level1,
    PerformanceOptimizations,
    "INDEX",
    "hotspots-with-range-sharded-timestamp-date-indexes",
    NOT_FIXED
);
issue_kind!(
    INDEX_ON_LOW_CARDINALITY_COLUMN,
    "INDEX_ON_LOW_CARDINALITY_COLUMN",
    "Index on a low-cardinality column",
    "The indexed column has 10 or fewer distinct values: the index concentrates on few tablets.",
    Level1,
    PerformanceOptimizations,
    "INDEX",
    "index-on-low-cardinality-column",
    NOT_FIXED
);
issue_kind!(INDEX_ON_NULLS, "INDEX_ON_COLUMN_WITH_HIGH_PERCENTAGE_OF_NULL_VALUES", "Index on a mostly NULL column", "Over 40% of the indexed column is NULL: those entries land on one tablet. Consider a partial index (WHERE col IS NOT NULL).", Level1, PerformanceOptimizations, "INDEX", "index-on-column-with-a-high-percentage-of-null-values", NOT_FIXED);
issue_kind!(
    INDEX_ON_ONE_VALUE,
    "INDEX_ON_COLUMN_WITH_HIGH_PERCENTAGE_OF_PARTICULAR_VALUE",
    "Index on a column dominated by one value",
    "Over 60% of the indexed column holds one value: those entries land on one tablet.",
    Level1,
    PerformanceOptimizations,
    "INDEX",
    "index-on-column-with-high-percentage-of-a-particular-value",
    NOT_FIXED
);
issue_kind!(
    FOREIGN_KEY_DATATYPE_MISMATCH,
    "FOREIGN_KEY_DATATYPE_MISMATCH",
    "Foreign key with mismatched types",
    "The foreign key's column and the referenced column have different types, which makes every check a conversion.",
    Level1,
    PerformanceOptimizations,
    "CONSTRAINT",
    "foreign-key-datatype-mismatch",
    NOT_FIXED
);
issue_kind!(
    MISSING_FOREIGN_KEY_INDEX,
    "MISSING_FOREIGN_KEY_INDEX",
    "Foreign key without an index",
    "No index starts with the foreign key's columns: deletes and updates of the referenced rows scan the table.",
    Level1,
    PerformanceOptimizations,
    "CONSTRAINT",
    "missing-foreign-key-index",
    NOT_FIXED
);
issue_kind!(MISSING_PRIMARY_KEY_WHEN_UNIQUE_NOT_NULL, "MISSING_PRIMARY_KEY_WHEN_UNIQUE_NOT_NULL", "No primary key, but a NOT NULL unique key", "The table has no primary key but a unique key on NOT NULL columns: make that the primary key, so YugabyteDB does not add a hidden one.", Level1, PerformanceOptimizations, "TABLE", "missing-primary-key", NOT_FIXED);
issue_kind!(
    REDUNDANT_INDEXES,
    "REDUNDANT_INDEXES",
    "Redundant index",
    "Another index starts with the same columns: this one costs writes and space for nothing.",
    Level1,
    PerformanceOptimizations,
    "INDEX",
    "redundant-indexes",
    NOT_FIXED
);

pub(super) fn find(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    let indexes: Vec<&Index> = c
        .snap
        .indexes
        .iter()
        .filter(|i| c.relations.get(&i.rel).is_some_and(|r| !r.is_partition))
        .collect();
    for index in &indexes {
        let Some(rel) = c.relations.get(&index.rel) else {
            continue;
        };
        let object = format!("{}.{}", rel.schema, index.name);
        let mut add = |kind: IssueKind| out.push(kind.issue(object.clone(), index.definition.clone()));
        let Some(&first) = index.key_columns.first() else {
            continue;
        };
        let Some(col) = c.column(index.rel, first).filter(|_| first > 0) else {
            continue;
        };
        if index.method == "btree" && !col.is_array {
            let key = index.primary || index.unique;
            match (col.base_type.as_str(), key) {
                ("timestamp" | "timestamptz", false) => add(HOTSPOTS_ON_TIMESTAMP_INDEX),
                ("date", false) => add(HOTSPOTS_ON_DATE_INDEX),
                ("timestamp" | "timestamptz", true) => add(HOTSPOTS_ON_TIMESTAMP_PK_UK),
                ("date", true) => add(HOTSPOTS_ON_DATE_PK_UK),
                _ => {}
            }
        }
        if index.primary || index.unique {
            continue;
        }
        if let Some(stats) = c.snap.stats.get(&(index.rel, col.name.clone())) {
            let distinct = if stats.n_distinct < 0.0 {
                -stats.n_distinct * rel.row_estimate
            } else {
                stats.n_distinct
            };
            let single = index.key_columns.len() == 1;
            if single && (1.0..=10.0).contains(&distinct) {
                add(INDEX_ON_LOW_CARDINALITY_COLUMN);
            } else if single && stats.null_frac > 0.4 {
                add(INDEX_ON_NULLS);
            } else if stats.max_common_freq >= 0.6 {
                // Judged on the leading column, whatever the number of columns (yb-voyager's
                // rule: one value in 60% or more of the rows).
                add(INDEX_ON_ONE_VALUE);
            }
        }
    }
    foreign_keys(c, out);
    primary_keys(c, out);
    redundant(c, &indexes, out);
}

fn foreign_keys(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for k in c.snap.constraints.iter().filter(|k| k.kind == 'f') {
        let Some(rel) = c.relations.get(&k.rel).filter(|r| !r.is_partition) else {
            continue;
        };
        let object = format!("{}.{}", rel.qualified(), k.name);
        let sql = super::features::constraint_sql(c, k);
        let referenced = k.referenced_rel.unwrap_or(0);
        let mismatch = k.columns.iter().zip(&k.referenced_columns).any(|(a, b)| {
            match (c.column(k.rel, *a), c.column(referenced, *b)) {
                (Some(x), Some(y)) => x.base_type != y.base_type || x.is_array != y.is_array,
                _ => false,
            }
        });
        if mismatch {
            out.push(FOREIGN_KEY_DATATYPE_MISMATCH.issue(object.clone(), sql.clone()));
        }
        let covered = c.indexes_of(k.rel).iter().any(|i| {
            i.key_columns.len() >= k.columns.len() && {
                let lead = &i.key_columns[..k.columns.len()];
                k.columns.iter().all(|col| lead.contains(col))
            }
        });
        if !covered {
            out.push(MISSING_FOREIGN_KEY_INDEX.issue(object, sql));
        }
    }
}

fn primary_keys(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for rel in c
        .snap
        .relations
        .iter()
        .filter(|r| matches!(r.kind, 'r' | 'p') && !r.is_partition)
    {
        let constraints = c.constraints_of(rel.oid);
        let has_pk = constraints.iter().any(|k| k.kind == 'p');
        if has_pk {
            continue;
        }
        let not_null = |cols: &[i16]| {
            !cols.is_empty()
                && cols
                    .iter()
                    .all(|n| c.column(rel.oid, *n).is_some_and(|col| col.not_null))
        };
        // A unique constraint, or a unique index (whole-table, on plain columns).
        let unique_not_null = constraints.iter().any(|k| k.kind == 'u' && not_null(&k.columns))
            || c.indexes_of(rel.oid)
                .iter()
                .any(|i| i.unique && !i.partial && !i.has_expressions && not_null(&i.key_columns));
        if unique_not_null {
            out.push(MISSING_PRIMARY_KEY_WHEN_UNIQUE_NOT_NULL.issue(rel.qualified(), ""));
        }
    }
}

fn redundant(c: &Catalog<'_>, indexes: &[&Index], out: &mut Vec<Issue>) {
    for a in indexes
        .iter()
        .filter(|i| i.method == "btree" && !i.unique && !i.has_expressions)
    {
        let redundant = c.indexes_of(a.rel).iter().any(|b| {
            b.oid != a.oid
                && b.method == "btree"
                && !b.has_expressions
                && b.key_columns.len() >= a.key_columns.len()
                && b.key_columns[..a.key_columns.len()] == a.key_columns[..]
                && b.options_desc.get(..a.options_desc.len()) == Some(&a.options_desc[..])
                // Of two identical indexes, only the later-named one is redundant.
                && (b.key_columns.len() > a.key_columns.len() || b.unique || b.name < a.name)
        });
        if redundant {
            let schema = c.relations.get(&a.rel).map(|r| r.schema.clone()).unwrap_or_default();
            out.push(REDUNDANT_INDEXES.issue(format!("{schema}.{}", a.name), a.definition.clone()));
        }
    }
}

/// Every issue type this module can find.
pub(crate) const KINDS: &[IssueKind] = &[
    HOTSPOTS_ON_TIMESTAMP_INDEX,
    HOTSPOTS_ON_DATE_INDEX,
    HOTSPOTS_ON_TIMESTAMP_PK_UK,
    HOTSPOTS_ON_DATE_PK_UK,
    INDEX_ON_LOW_CARDINALITY_COLUMN,
    INDEX_ON_NULLS,
    INDEX_ON_ONE_VALUE,
    FOREIGN_KEY_DATATYPE_MISMATCH,
    MISSING_FOREIGN_KEY_INDEX,
    MISSING_PRIMARY_KEY_WHEN_UNIQUE_NOT_NULL,
    REDUNDANT_INDEXES,
];
