//! Column data types: ones YugabyteDB cannot store, ones that break live migration, and key or
//! btree-index columns of types YugabyteDB cannot index that way.

use super::Catalog;
use crate::assessment::issue::{issue_kind, Issue, IssueKind, FIXED_IN_2_25, NOT_FIXED};

macro_rules! unsupported_type {
    ($name:ident, $suffix:literal, $fixed:expr) => {
        issue_kind!(
            $name,
            concat!("UNSUPPORTED_DATATYPE_", $suffix),
            concat!("Unsupported data type ", $suffix),
            "YugabyteDB cannot store columns of this data type; the column needs another type.",
            Level3,
            UnsupportedDatatypes,
            "COLUMN",
            "unsupported-datatypes-by-yugabytedb",
            $fixed,
            effort = 6.0
        );
    };
}
unsupported_type!(XML, "XML", NOT_FIXED);
unsupported_type!(XID, "XID", NOT_FIXED);
unsupported_type!(PG_LSN, "PG_LSN", NOT_FIXED);
unsupported_type!(TXID_SNAPSHOT, "TXID_SNAPSHOT", NOT_FIXED);
unsupported_type!(LARGE_OBJECT, "LARGE_OBJECT", NOT_FIXED);
unsupported_type!(GEOMETRY, "GEOMETRY", NOT_FIXED);
unsupported_type!(GEOGRAPHY, "GEOGRAPHY", NOT_FIXED);
unsupported_type!(BOX2D, "BOX2D", NOT_FIXED);
unsupported_type!(BOX3D, "BOX3D", NOT_FIXED);
unsupported_type!(TOPOGEOMETRY, "TOPOGEOMETRY", NOT_FIXED);
unsupported_type!(RASTER, "RASTER", NOT_FIXED);
unsupported_type!(INT4MULTIRANGE, "INT4MULTIRANGE", FIXED_IN_2_25);
unsupported_type!(INT8MULTIRANGE, "INT8MULTIRANGE", FIXED_IN_2_25);
unsupported_type!(NUMMULTIRANGE, "NUMMULTIRANGE", FIXED_IN_2_25);
unsupported_type!(DATEMULTIRANGE, "DATEMULTIRANGE", FIXED_IN_2_25);
unsupported_type!(TSMULTIRANGE, "TSMULTIRANGE", FIXED_IN_2_25);
unsupported_type!(TSTZMULTIRANGE, "TSTZMULTIRANGE", FIXED_IN_2_25);

/// The type YugabyteDB cannot store, by the base type's name.
fn unsupported(type_name: &str) -> Option<IssueKind> {
    Some(match type_name {
        "xml" => XML,
        "xid" => XID,
        "pg_lsn" => PG_LSN,
        "txid_snapshot" => TXID_SNAPSHOT,
        "lo" => LARGE_OBJECT,
        "geometry" => GEOMETRY,
        "geography" => GEOGRAPHY,
        "box2d" => BOX2D,
        "box3d" => BOX3D,
        "topogeometry" => TOPOGEOMETRY,
        "raster" => RASTER,
        "int4multirange" => INT4MULTIRANGE,
        "int8multirange" => INT8MULTIRANGE,
        "nummultirange" => NUMMULTIRANGE,
        "datemultirange" => DATEMULTIRANGE,
        "tsmultirange" => TSMULTIRANGE,
        "tstzmultirange" => TSTZMULTIRANGE,
        _ => return None,
    })
}

macro_rules! live_type {
    ($name:ident, $ty:literal) => {
        issue_kind!(
            $name,
            $ty,
            "Data type unsupported by live migration",
            "Live migration cannot stream changes of columns of this data type; offline migration works.",
            Level1,
            MigrationCaveats,
            "COLUMN",
            "unsupported-datatypes-by-voyager-during-live-migration",
            NOT_FIXED,
            effort = 0.25
        );
    };
}
live_type!(LIVE_POINT, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_POINT");
live_type!(LIVE_LINE, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_LINE");
live_type!(LIVE_LSEG, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_LSEG");
live_type!(LIVE_BOX, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_BOX");
live_type!(LIVE_PATH, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_PATH");
live_type!(LIVE_POLYGON, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_POLYGON");
live_type!(LIVE_CIRCLE, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_CIRCLE");
live_type!(LIVE_VECTOR, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_VECTOR");
live_type!(LIVE_TIMETZ, "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_TIMETZ");
live_type!(
    LIVE_FF_FB_USER_DEFINED,
    "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_WITH_FF_FB_USER_DEFINED"
);
live_type!(
    LIVE_FF_FB_TSQUERY,
    "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_WITH_FF_FB_TSQUERY"
);

fn live_caveat(type_name: &str, user_defined: bool) -> Option<IssueKind> {
    Some(match type_name {
        "point" => LIVE_POINT,
        "line" => LIVE_LINE,
        "lseg" => LIVE_LSEG,
        "box" => LIVE_BOX,
        "path" => LIVE_PATH,
        "polygon" => LIVE_POLYGON,
        "circle" => LIVE_CIRCLE,
        "vector" => LIVE_VECTOR,
        "timetz" => LIVE_TIMETZ,
        "tsquery" => LIVE_FF_FB_TSQUERY,
        _ if user_defined => LIVE_FF_FB_USER_DEFINED,
        _ => return None,
    })
}

/// The types YugabyteDB cannot use in a primary key, unique key or btree index, and arrays and
/// composite types: (T as in PK_UK_ON_<T>_DATATYPE, the type's name, on a key, in a btree index).
macro_rules! key_kinds {
    (@one $prefix:literal, $t:literal, $title:literal, $shown:literal, $what:literal) => {
        issue_kind!(@kind
            concat!($prefix, $t, "_DATATYPE"),
            concat!($title, " on a column of type ", $shown),
            concat!("YugabyteDB cannot use a column of this type in ", $what, "; key on another column or an expression of a supported type."),
            Level1,
            UnsupportedFeatures,
            "INDEX",
            "indexes-on-some-complex-data-types-are-not-supported",
            NOT_FIXED
        )
    };
    ($($t:literal: $shown:literal),* $(,)?) => {
        const KEY_KINDS: &[(&str, &str, IssueKind, IssueKind)] = &[$((
            $t,
            $shown,
            key_kinds!(@one "PK_UK_ON_", $t, "Key", $shown, "a primary or unique key"),
            key_kinds!(@one "INDEX_ON_", $t, "Index", $shown, "a btree index"),
        )),*];
    };
}
key_kinds!(
    "CITEXT": "citext", "TSVECTOR": "tsvector", "TSQUERY": "tsquery", "JSONB": "jsonb", "JSON": "json",
    "INET": "inet", "CIDR": "cidr", "MACADDR": "macaddr", "MACADDR8": "macaddr8", "BIT": "bit",
    "VARBIT": "varbit", "DATERANGE": "daterange", "TSRANGE": "tsrange", "TSTZRANGE": "tstzrange",
    "NUMRANGE": "numrange", "INT4RANGE": "int4range", "INT8RANGE": "int8range", "INTERVAL": "interval",
    "CIRCLE": "circle", "BOX": "box", "LINE": "line", "LSEG": "lseg", "POINT": "point", "PATH": "path",
    "POLYGON": "polygon", "PG_LSN": "pg_lsn", "TXID_SNAPSHOT": "txid_snapshot", "ARRAY": "array",
    "USER_DEFINED": "user_defined",
);

/// The T of PK_UK_ON_<T>_DATATYPE / INDEX_ON_<T>_DATATYPE for a type YugabyteDB cannot use in a
/// key or btree index, by the type's name (arrays and composite types are found otherwise).
fn unindexable(type_name: &str) -> Option<&'static str> {
    KEY_KINDS
        .iter()
        .find(|(t, shown, _, _)| *shown == type_name && !matches!(*t, "ARRAY" | "USER_DEFINED"))
        .map(|(t, _, _, _)| *t)
}

/// The PK_UK_ON_<T>_DATATYPE or INDEX_ON_<T>_DATATYPE kind.
fn key_kind(on_key: bool, t: &str) -> Option<IssueKind> {
    let (_, _, key, index) = KEY_KINDS.iter().find(|(name, _, _, _)| *name == t)?;
    Some(if on_key { *key } else { *index })
}

pub(super) fn find(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for col in &c.snap.columns {
        let Some(rel) = c.relations.get(&col.rel) else {
            continue;
        };
        // Views' columns too, as yb-voyager reports them.
        if !matches!(rel.kind, 'r' | 'p' | 'f' | 'v' | 'm') || rel.is_partition {
            continue;
        }
        let name = format!("{}.{}", rel.qualified(), col.name);
        // The `lo` extension's type is a domain over oid: a large object reference.
        let declared = match col.domain.as_deref() {
            Some("lo") => "lo",
            _ => col.base_type.as_str(),
        };
        if let Some(kind) = unsupported(declared) {
            out.push(kind.issue(name.clone(), ""));
        }
        // Of the user's own types, only composite ones break live migration with fall-forward or
        // fall-back (enums, domains, ranges and base types stream fine).
        let user_type = col.user_defined && col.type_kind == 'c';
        if let Some(kind) = live_caveat(&col.base_type, user_type) {
            out.push(kind.issue(name, ""));
        }
    }
    for index in &c.snap.indexes {
        let Some(rel) = c.relations.get(&index.rel) else {
            continue;
        };
        if rel.is_partition || !matches!(index.method.as_str(), "btree" | "hash") {
            continue;
        }
        let on_key = c.key_indexes.contains(&index.oid);
        let mut seen = Vec::new();
        for (at, &num) in index.key_columns.iter().enumerate() {
            let t = if num == 0 {
                // An expression: judged by its result type.
                match index.key_types.get(at).map(String::as_str) {
                    Some("ARRAY") => Some("ARRAY"),
                    Some("USER_DEFINED") => Some("USER_DEFINED"),
                    Some(other) => unindexable(other),
                    None => None,
                }
            } else {
                let Some(col) = c.column(index.rel, num) else {
                    continue;
                };
                if col.is_array {
                    Some("ARRAY")
                } else if col.user_defined && col.type_kind == 'c' {
                    Some("USER_DEFINED")
                } else {
                    unindexable(&col.base_type)
                }
            };
            if let Some(t) = t.filter(|t| !seen.contains(t)) {
                seen.push(t);
                let object = format!("{}.{}", rel.schema, index.name);
                if let Some(kind) = key_kind(on_key, t) {
                    out.push(kind.issue(object, index.definition.as_str()));
                }
            }
        }
    }
}

/// Every issue type this module can find.
pub(crate) fn kinds() -> impl Iterator<Item = &'static IssueKind> {
    KINDS
        .iter()
        .chain(KEY_KINDS.iter().flat_map(|(_, _, key, index)| [key, index]))
}

/// The column type kinds.
const KINDS: &[IssueKind] = &[
    XML,
    XID,
    PG_LSN,
    TXID_SNAPSHOT,
    LARGE_OBJECT,
    GEOMETRY,
    GEOGRAPHY,
    BOX2D,
    BOX3D,
    TOPOGEOMETRY,
    RASTER,
    INT4MULTIRANGE,
    INT8MULTIRANGE,
    NUMMULTIRANGE,
    DATEMULTIRANGE,
    TSMULTIRANGE,
    TSTZMULTIRANGE,
    LIVE_POINT,
    LIVE_LINE,
    LIVE_LSEG,
    LIVE_BOX,
    LIVE_PATH,
    LIVE_POLYGON,
    LIVE_CIRCLE,
    LIVE_VECTOR,
    LIVE_TIMETZ,
    LIVE_FF_FB_USER_DEFINED,
    LIVE_FF_FB_TSQUERY,
];
