//! Issues the catalogs tell: data types, schema features and performance risks, each found by
//! rules over the collected snapshot (no further queries).

mod datatypes;
mod features;
mod performance;

use std::collections::HashMap;

use super::collect::{Column, Relation, SourceSnapshot};
use super::issue::Issue;

/// Lookups the rules share.
pub(crate) struct Catalog<'a> {
    pub snap: &'a SourceSnapshot,
    pub relations: HashMap<i64, &'a Relation>,
    pub columns: HashMap<(i64, i16), &'a Column>,
}

impl<'a> Catalog<'a> {
    pub fn new(snap: &'a SourceSnapshot) -> Self {
        Catalog {
            snap,
            relations: snap.relations.iter().map(|r| (r.oid, r)).collect(),
            columns: snap.columns.iter().map(|c| ((c.rel, c.num), c)).collect(),
        }
    }

    pub fn relation_name(&self, oid: i64) -> String {
        self.relations
            .get(&oid)
            .map(|r| r.qualified())
            .unwrap_or_else(|| format!("oid {oid}"))
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
