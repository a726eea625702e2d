//! One assessment issue, in yb-voyager's field names (see shared/ISSUES.md for the vocabulary).

use serde::{Deserialize, Serialize};

/// Where an issue belongs (`AssessmentIssues[].Category`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    UnsupportedDatatypes,
    UnsupportedFeatures,
    UnsupportedQueryConstructs,
    UnsupportedPlpgsqlObjects,
    MigrationCaveats,
    PerformanceOptimizations,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::UnsupportedDatatypes => "unsupported_datatypes",
            Category::UnsupportedFeatures => "unsupported_features",
            Category::UnsupportedQueryConstructs => "unsupported_query_constructs",
            Category::UnsupportedPlpgsqlObjects => "unsupported_plpgsql_objects",
            Category::MigrationCaveats => "migration_caveats",
            Category::PerformanceOptimizations => "performance_optimizations",
        }
    }

    /// The sentence the report prints beside the category.
    pub fn description(self) -> &'static str {
        match self {
            Category::UnsupportedDatatypes => "Columns of data types YugabyteDB cannot store.",
            Category::UnsupportedFeatures => "Schema features YugabyteDB lacks or restricts.",
            Category::UnsupportedQueryConstructs => {
                "Constructs in the workload's queries (pg_stat_statements) that YugabyteDB does not support."
            }
            Category::UnsupportedPlpgsqlObjects => {
                "Constructs inside functions and procedures that YugabyteDB does not support."
            }
            Category::MigrationCaveats => "Works on YugabyteDB, with a caveat (live migration, roles, foreign tables).",
            Category::PerformanceOptimizations => "Works, but will be slow or hot on a distributed database.",
        }
    }
}

/// How much work an issue is (`AssessmentIssues[].Impact`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Impact {
    /// Minor: a workaround exists.
    #[serde(rename = "LEVEL_1")]
    Level1,
    /// Moderate: query or code changes.
    #[serde(rename = "LEVEL_2")]
    Level2,
    /// Major: a redesign or a data type change.
    #[serde(rename = "LEVEL_3")]
    Level3,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Level1 => "LEVEL_1",
            Impact::Level2 => "LEVEL_2",
            Impact::Level3 => "LEVEL_3",
        }
    }
}

/// One issue found in a source database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Issue {
    pub category: Category,
    pub category_description: String,
    /// yb-voyager's identifier, e.g. `UNSUPPORTED_DATATYPE_XML`.
    #[serde(rename = "Type")]
    pub issue_type: String,
    /// A short human title.
    pub name: String,
    pub description: String,
    pub impact: Impact,
    /// TABLE, FOREIGN_TABLE, COLUMN, INDEX, CONSTRAINT, VIEW, MVIEW, FUNCTION, PROCEDURE,
    /// TRIGGER, POLICY, EXTENSION, COLLATION, CONVERSION, SEQUENCE, DATABASE or DML_QUERY
    /// (`OBJECT_TYPES`).
    pub object_type: String,
    /// Schema-qualified name of the object (schema.table.column for a column).
    pub object_name: String,
    /// The SQL the issue was found in, where there is one.
    pub sql_statement: String,
    pub docs_link: String,
    /// Release series to the first YugabyteDB version of that series where this is fixed,
    /// e.g. `{"2.25": "2.25.0.0"}` (yb-voyager's shape). Empty when not fixed anywhere.
    pub minimum_versions_fixed_in: std::collections::BTreeMap<String, String>,
    /// The hours one issue of this type takes, where its kind says (else the effort table's
    /// rule by category and impact, [`crate::assessment::effort::hours_each`]). Not in the report.
    #[serde(skip)]
    #[schemars(skip)]
    pub effort: Option<Hours>,
}

/// The kinds of object an issue can be about (`AssessmentIssues[].ObjectType`).
pub const OBJECT_TYPES: &[&str] = &[
    "TABLE",
    "FOREIGN_TABLE",
    "COLUMN",
    "INDEX",
    "CONSTRAINT",
    "VIEW",
    "MVIEW",
    "FUNCTION",
    "PROCEDURE",
    "TRIGGER",
    "POLICY",
    "EXTENSION",
    "COLLATION",
    "CONVERSION",
    "SEQUENCE",
    "DATABASE",
    "DML_QUERY",
];

/// Hours of work, compared by value (so the types holding it stay `Eq`).
#[derive(Debug, Clone, Copy)]
pub struct Hours(pub f64);

impl PartialEq for Hours {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Hours {}

/// The fixed facts of one issue type, in one place: its title, description, impact, category,
/// object type, docs link, the versions that fixed it and its effort. Detectors declare these
/// as constants with `issue_kind!` and stamp issues out of them with [`IssueKind::issue`], so
/// every issue of a type reads the same; adding a type is its declaration, its rule and its test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueKind {
    pub issue_type: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub impact: Impact,
    /// Where an issue of this type is reported: the category its own rule files it under.
    /// A SQL construct takes the category of where it was seen ([`Issue::found_in`]).
    pub category: Category,
    /// The kind of object it is about (TABLE, INDEX, ...; DML_QUERY for a SQL construct),
    /// unless the rule says otherwise ([`Issue::on`]).
    pub object_type: &'static str,
    pub docs_link: &'static str,
    /// (series, first fixed version), e.g. `&[("2.25", "2.25.0.0")]`.
    pub fixed_in: &'static [(&'static str, &'static str)],
    /// Hours per issue when this type differs from the effort table's rule by category and
    /// impact ([`crate::assessment::effort::hours_each`]).
    pub effort: Option<Hours>,
}

impl IssueKind {
    /// An issue of this kind about one object, filed under the kind's category and object type.
    pub fn issue(&self, object_name: impl Into<String>, sql_statement: impl Into<String>) -> Issue {
        Issue {
            category: self.category,
            category_description: self.category.description().to_string(),
            issue_type: self.issue_type.to_string(),
            name: self.name.to_string(),
            description: self.description.to_string(),
            impact: self.impact,
            object_type: self.object_type.to_string(),
            object_name: object_name.into(),
            sql_statement: sql_statement.into(),
            docs_link: self.docs_link.to_string(),
            minimum_versions_fixed_in: self
                .fixed_in
                .iter()
                .map(|(series, version)| (series.to_string(), version.to_string()))
                .collect(),
            effort: self.effort,
        }
    }
}

impl Issue {
    /// The same issue about another kind of object (storage parameters on an index rather than
    /// a table; a materialized view rather than a view).
    pub fn on(mut self, object_type: &str) -> Issue {
        self.object_type = object_type.to_string();
        self
    }

    /// The same issue as seen where a SQL construct was found: in a view, a function or a
    /// query, each with its own category.
    pub fn found_in(mut self, category: Category, object_type: &str) -> Issue {
        self.category = category;
        self.category_description = category.description().to_string();
        self.on(object_type)
    }
}

// The release series each fix is recorded against, as yb-voyager's issue definitions record them
// (MinimumVersionsFixedIn): a fix first shipped in the 2.25 preview series is in every stable
// series built on it (2025.1, 2025.2, 2026.1) from its first release. A series not listed has
// not got the fix. Tech-preview support (a feature behind a flag) is not a fix.

/// Not fixed in any YugabyteDB release yet.
pub const NOT_FIXED: &[(&str, &str)] = &[];
/// Fixed in the 2.25 preview series and the stable series after it.
pub const FIXED_IN_2_25: &[(&str, &str)] = &[
    ("2.25", "2.25.0.0"),
    ("2025.1", "2025.1.0.0"),
    ("2025.2", "2025.2.0.0"),
    ("2026.1", "2026.1.0.0"),
];
/// Fixed from the 2025.1 stable series on (tech preview only in 2.25).
pub const FIXED_IN_2025_1: &[(&str, &str)] = &[
    ("2025.1", "2025.1.0.0"),
    ("2025.2", "2025.2.0.0"),
    ("2026.1", "2026.1.0.0"),
];
/// UNLOGGED_TABLES: from 2024.2 (an unlogged table is created as a logged one).
pub const FIXED_IN_2024_2: &[(&str, &str)] = &[
    ("2024.2", "2024.2.0.0"),
    ("2.25", "2.25.0.0"),
    ("2025.1", "2025.1.0.0"),
    ("2025.2", "2025.2.0.0"),
    ("2026.1", "2026.1.0.0"),
];
/// ALTER_TABLE_ADD_PK_ON_PARTITIONED_TABLE: from 2.23 and 2024.1.
pub const FIXED_IN_2024_1: &[(&str, &str)] = &[
    ("2024.1", "2024.1.0.0"),
    ("2024.2", "2024.2.0.0"),
    ("2.23", "2.23.0.0"),
    ("2.25", "2.25.0.0"),
    ("2025.1", "2025.1.0.0"),
    ("2025.2", "2025.2.0.0"),
    ("2026.1", "2026.1.0.0"),
];
/// SAVEPOINT_USAGE: savepoints with live migration's fall-forward and fall-back.
pub const FIXED_SAVEPOINTS: &[(&str, &str)] = &[
    ("2024.2", "2024.2.8.0"),
    ("2025.1", "2025.1.3.0"),
    ("2025.2", "2025.2.1.0"),
    ("2026.1", "2026.1.0.0"),
];

/// Every fixed-in table above: a new table is added here too, so that
/// [`known_release_series`] (and `voyager --version`) name its series.
const FIXED_IN_TABLES: &[&[(&str, &str)]] = &[
    NOT_FIXED,
    FIXED_IN_2_25,
    FIXED_IN_2025_1,
    FIXED_IN_2024_2,
    FIXED_IN_2024_1,
    FIXED_SAVEPOINTS,
];

/// The YugabyteDB release series whose fixes the issue tables record (`2.25`, `2025.1`, ...),
/// each once, oldest series number first.
pub fn known_release_series() -> Vec<&'static str> {
    let number = |series: &str| -> (u32, u32) {
        let (major, minor) = series.split_once('.').unwrap_or((series, "0"));
        (major.parse().unwrap_or(u32::MAX), minor.parse().unwrap_or(u32::MAX))
    };
    let mut series: Vec<&'static str> = FIXED_IN_TABLES
        .iter()
        .flat_map(|table| table.iter().map(|(series, _)| *series))
        .collect();
    series.sort_by_key(|s| number(s));
    series.dedup();
    series
}

/// The registry: every issue type an assessment can report, from the catalog rules and the SQL
/// constructs, each once, with the `PK_UK_ON_<T>_DATATYPE` / `INDEX_ON_<T>_DATATYPE` pair of
/// every type that cannot be a key. A new type joins its module's `KINDS` list.
pub fn registry() -> Vec<IssueKind> {
    crate::assessment::rules::kinds()
        .chain(crate::assessment::sql_constructs::KINDS)
        .copied()
        .collect()
}

/// Declare an [`IssueKind`] constant:
/// `issue_kind!(NAME, "TYPE", "Title", "Description.", Level2, Category, "OBJECT_TYPE",
/// "docs-anchor", fixed_in);`, with `, effort = 16.0` at the end when its hours differ from the
/// effort table's rule. `issue_kind!(@kind ...)` with the same arguments after the name is the
/// value alone.
macro_rules! issue_kind {
    ($name:ident, $($rest:tt)*) => {
        pub const $name: $crate::assessment::issue::IssueKind = $crate::assessment::issue::issue_kind!(@kind $($rest)*);
    };
    (@kind $ty:expr, $title:expr, $desc:expr, $impact:ident, $category:ident, $object:literal, $anchor:literal, $fixed:expr, effort = $hours:expr $(,)?) => {
        $crate::assessment::issue::issue_kind!(@make $ty, $title, $desc, $impact, $category, $object, $anchor, $fixed,
            Some($crate::assessment::issue::Hours($hours)))
    };
    (@kind $ty:expr, $title:expr, $desc:expr, $impact:ident, $category:ident, $object:literal, $anchor:literal, $fixed:expr $(,)?) => {
        $crate::assessment::issue::issue_kind!(@make $ty, $title, $desc, $impact, $category, $object, $anchor, $fixed, None)
    };
    (@make $ty:expr, $title:expr, $desc:expr, $impact:ident, $category:ident, $object:literal, $anchor:literal, $fixed:expr, $effort:expr) => {
        $crate::assessment::issue::IssueKind {
            issue_type: $ty,
            name: $title,
            description: $desc,
            impact: $crate::assessment::issue::Impact::$impact,
            category: $crate::assessment::issue::Category::$category,
            object_type: $object,
            docs_link: concat!(
                "https://docs.yugabyte.com/preview/yugabyte-voyager/known-issues/postgresql/#",
                $anchor
            ),
            fixed_in: $fixed,
            effort: $effort,
        }
    };
}
pub(crate) use issue_kind;

#[cfg(test)]
mod registry_tests {
    use super::*;
    use crate::assessment::version::YbVersion;

    /// Every registered type is unique and complete: a name, a description, an https docs
    /// link, and fixed-in versions that parse and belong to their series.
    #[test]
    fn every_registered_issue_type_is_unique_and_complete() {
        let kinds = registry();
        assert!(kinds.len() > 150, "{} kinds", kinds.len());
        let types: Vec<&str> = kinds.iter().map(|k| k.issue_type).collect();
        for ty in [
            "UNSUPPORTED_DATATYPE_XML",
            "PK_UK_ON_JSONB_DATATYPE",
            "INDEX_ON_USER_DEFINED_DATATYPE",
            "MERGE_STATEMENT",
        ] {
            assert!(types.contains(&ty), "{ty} is not registered");
        }
        let known = known_release_series();
        let mut seen = std::collections::HashSet::new();
        for kind in &kinds {
            let ty = kind.issue_type;
            assert!(seen.insert(ty), "{ty} registered twice");
            assert!(
                !ty.is_empty()
                    && ty
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                "type {ty:?}"
            );
            assert!(!kind.name.trim().is_empty(), "{ty}: empty name");
            assert!(
                OBJECT_TYPES.contains(&kind.object_type),
                "{ty}: object type {}",
                kind.object_type
            );
            let issue = kind.issue("s.t", "");
            assert_eq!(
                (issue.category, issue.object_type.as_str()),
                (kind.category, kind.object_type),
                "{ty}"
            );
            assert!(!kind.description.trim().is_empty(), "{ty}: empty description");
            assert!(
                kind.docs_link.is_empty() || kind.docs_link.starts_with("https://"),
                "{ty}: docs link {}",
                kind.docs_link
            );
            for (series, version) in kind.fixed_in {
                let v = YbVersion::parse(version).unwrap_or_else(|e| panic!("{ty}: {version}: {e}"));
                assert_eq!(&v.series(), series, "{ty}: {version} is not of series {series}");
                assert!(known.contains(series), "{ty}: series {series} not in FIXED_IN_TABLES");
            }
        }
    }
}
