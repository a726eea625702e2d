//! Issues the catalogs tell: data types, schema features and performance risks, each found by
//! rules over the collected snapshot (no further queries).

pub(crate) mod datatypes;
pub(crate) mod features;
mod performance;

use std::collections::{HashMap, HashSet};

use super::collect::{Column, Constraint, Index, Relation, SourceSnapshot};
use super::issue::Issue;
use super::sql_names::qualified;

/// Every issue type the catalog rules can find: data types, schema features, performance.
pub(crate) fn kinds() -> impl Iterator<Item = &'static super::issue::IssueKind> {
    datatypes::kinds().chain(features::KINDS).chain(performance::KINDS)
}

/// Lookups the rules share.
pub(crate) struct Catalog<'a> {
    pub snap: &'a SourceSnapshot,
    pub relations: HashMap<i64, &'a Relation>,
    pub columns: HashMap<(i64, i16), &'a Column>,
    pub indexes_by_rel: HashMap<i64, Vec<&'a Index>>,
    pub constraints_by_rel: HashMap<i64, Vec<&'a Constraint>>,
    /// Indexes that back a primary key or unique constraint.
    pub key_indexes: HashSet<i64>,
}

impl<'a> Catalog<'a> {
    pub fn new(snap: &'a SourceSnapshot) -> Self {
        Catalog {
            snap,
            relations: snap.relations.iter().map(|r| (r.oid, r)).collect(),
            columns: snap.columns.iter().map(|c| ((c.rel, c.num), c)).collect(),
            indexes_by_rel: group(&snap.indexes, |i| i.rel),
            constraints_by_rel: group(&snap.constraints, |k| k.rel),
            key_indexes: snap
                .constraints
                .iter()
                .filter(|k| matches!(k.kind, 'p' | 'u'))
                .filter_map(|k| k.index)
                .collect(),
        }
    }

    pub fn relation_name(&self, oid: i64) -> String {
        self.relations
            .get(&oid)
            .map(|r| r.qualified())
            .unwrap_or_else(|| format!("oid {oid}"))
    }

    /// The relation's name as SQL writes it (`schema.name`, quoted where needed).
    pub fn relation_sql(&self, oid: i64) -> String {
        self.relations
            .get(&oid)
            .map(|r| qualified(&r.schema, &r.name))
            .unwrap_or_else(|| format!("oid {oid}"))
    }

    pub fn indexes_of(&self, rel: i64) -> &[&'a Index] {
        self.indexes_by_rel.get(&rel).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn constraints_of(&self, rel: i64) -> &[&'a Constraint] {
        self.constraints_by_rel.get(&rel).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn column(&self, rel: i64, num: i16) -> Option<&'a Column> {
        self.columns.get(&(rel, num)).copied()
    }
}

/// Every catalog-detected issue of the snapshot.
pub fn catalog_issues(snap: &SourceSnapshot) -> Vec<Issue> {
    let catalog = Catalog::new(snap);
    let mut issues = Vec::new();
    datatypes::find(&catalog, &mut issues);
    features::find(&catalog, &mut issues);
    performance::find(&catalog, &mut issues);
    issues
}

fn group<T>(items: &[T], key: impl Fn(&T) -> i64) -> HashMap<i64, Vec<&T>> {
    let mut map: HashMap<i64, Vec<&T>> = HashMap::new();
    for item in items {
        map.entry(key(item)).or_default().push(item);
    }
    map
}
