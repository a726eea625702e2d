//! The issue types found in SQL text, each declared once with its facts.

use crate::assessment::issue::{issue_kind, IssueKind, FIXED_IN_2025_1, FIXED_IN_2_25, FIXED_SAVEPOINTS, NOT_FIXED};

/// A construct of the workload's queries: its issues are filed under unsupported query
/// constructs, on a DML_QUERY, unless seen elsewhere (`Issue::found_in`).
macro_rules! construct {
    ($name:ident, $ty:expr, $title:expr, $desc:expr, $impact:ident, $($rest:tt)*) => {
        issue_kind!($name, $ty, $title, $desc, $impact, UnsupportedQueryConstructs, "DML_QUERY", $($rest)*);
    };
}

construct!(
    ADVISORY_LOCKS,
    "ADVISORY_LOCKS",
    "Advisory locks",
    "Advisory lock functions (pg_advisory_lock and friends) are not yet implemented in YugabyteDB.",
    Level2,
    "advisory-locks-is-not-yet-implemented",
    FIXED_IN_2025_1
);
/// The system columns YugabyteDB lacks, each a type of its own.
macro_rules! system_column {
    ($name:ident, $upper:literal, $column:literal) => {
        construct!(
            $name,
            concat!("SYSTEM_COLUMN_", $upper),
            concat!("System column ", $column),
            concat!("The system column ", $column, " does not exist in YugabyteDB."),
            Level2,
            "system-columns-is-not-yet-supported",
            NOT_FIXED
        );
    };
}
system_column!(SYSTEM_COLUMN_CTID, "CTID", "ctid");
system_column!(SYSTEM_COLUMN_XMIN, "XMIN", "xmin");
system_column!(SYSTEM_COLUMN_XMAX, "XMAX", "xmax");
system_column!(SYSTEM_COLUMN_CMIN, "CMIN", "cmin");
system_column!(SYSTEM_COLUMN_CMAX, "CMAX", "cmax");
construct!(
    XML_FUNCTIONS,
    "XML_FUNCTIONS",
    "XML functions",
    "XML functions need the xml data type, which YugabyteDB does not support.",
    Level2,
    "xml-functions-is-not-yet-supported",
    NOT_FIXED
);
construct!(
    REGEX_FUNCTIONS,
    "REGEX_FUNCTIONS",
    "Regular expression functions",
    "regexp_count, regexp_instr and regexp_like (PostgreSQL 15) are not in YugabyteDB before 2.25.",
    Level2,
    "postgresql-12-and-later-features",
    FIXED_IN_2_25
);
construct!(
    ANY_VALUE_AGGREGATE_FUNCTION,
    "ANY_VALUE_AGGREGATE_FUNCTION",
    "any_value aggregate",
    "The any_value aggregate (PostgreSQL 16) is not in YugabyteDB.",
    Level2,
    "postgresql-12-and-later-features",
    NOT_FIXED
);
construct!(
    RANGE_AGGREGATE_FUNCTION,
    "RANGE_AGGREGATE_FUNCTION",
    "Range aggregate functions",
    "range_agg and range_intersect_agg (PostgreSQL 14) are not in YugabyteDB before 2.25.",
    Level2,
    "postgresql-12-and-later-features",
    FIXED_IN_2_25
);
construct!(
    JSON_CONSTRUCTOR_FUNCTION,
    "JSON_CONSTRUCTOR_FUNCTION",
    "SQL/JSON constructors",
    "JSON_OBJECT, JSON_ARRAY, JSON_OBJECTAGG and JSON_ARRAYAGG (PostgreSQL 16) are not in YugabyteDB.",
    Level2,
    "postgresql-12-and-later-features",
    NOT_FIXED
);
construct!(
    JSON_QUERY_FUNCTION,
    "JSON_QUERY_FUNCTION",
    "SQL/JSON query functions",
    "JSON_QUERY, JSON_VALUE, JSON_EXISTS and JSON_TABLE (PostgreSQL 17) are not in YugabyteDB.",
    Level2,
    "postgresql-12-and-later-features",
    NOT_FIXED
);
construct!(
    JSON_TYPE_PREDICATE,
    "JSON_TYPE_PREDICATE",
    "IS JSON predicate",
    "The IS JSON predicate (PostgreSQL 16) is not in YugabyteDB.",
    Level2,
    "postgresql-12-and-later-features",
    NOT_FIXED
);
construct!(
    JSONB_SUBSCRIPTING,
    "JSONB_SUBSCRIPTING",
    "jsonb subscripting",
    "Subscripting a jsonb value with a key (data['key'], PostgreSQL 14) is not in YugabyteDB before 2.25.",
    Level2,
    "postgresql-12-and-later-features",
    FIXED_IN_2_25
);
construct!(
    LARGE_OBJECT_FUNCTIONS,
    "LARGE_OBJECT_FUNCTIONS",
    "Large object functions",
    "Large object functions (lo_create, lo_import, ...) are not supported by YugabyteDB.",
    Level2,
    "large-objects-and-its-functions-are-currently-not-supported",
    NOT_FIXED
);
construct!(
    FETCH_WITH_TIES,
    "FETCH_WITH_TIES",
    "FETCH ... WITH TIES",
    "FETCH FIRST ... WITH TIES (PostgreSQL 13) is not in YugabyteDB.",
    Level2,
    "postgresql-12-and-later-features",
    NOT_FIXED
);
construct!(
    CTE_WITH_MATERIALIZED_CLAUSE,
    "CTE_WITH_MATERIALIZED_CLAUSE",
    "CTE with [NOT] MATERIALIZED",
    "WITH ... AS [NOT] MATERIALIZED is not in YugabyteDB before 2.25.",
    Level2,
    "postgresql-12-and-later-features",
    FIXED_IN_2_25
);
construct!(
    MERGE_STATEMENT,
    "MERGE_STATEMENT",
    "MERGE statement",
    "MERGE (PostgreSQL 15) is not in YugabyteDB.",
    Level2,
    "merge-command",
    NOT_FIXED
);
construct!(
    LISTEN_NOTIFY,
    "LISTEN_NOTIFY",
    "LISTEN / NOTIFY",
    "LISTEN, NOTIFY and pg_notify are not supported by YugabyteDB.",
    Level2,
    "events-listen-notify",
    NOT_FIXED
);
construct!(
    NON_DECIMAL_INTEGER_LITERAL,
    "NON_DECIMAL_INTEGER_LITERAL",
    "Non-decimal integer literal",
    "Hexadecimal, octal and binary integer literals (0x1F, PostgreSQL 16) are not in YugabyteDB.",
    Level2,
    "postgresql-12-and-later-features",
    NOT_FIXED
);
construct!(
    COPY_FROM_WHERE,
    "COPY_FROM_WHERE",
    "COPY FROM ... WHERE",
    "COPY FROM with a WHERE clause is not in YugabyteDB before 2.25.",
    Level2,
    "postgresql-12-and-later-features",
    FIXED_IN_2_25
);
construct!(
    COPY_ON_ERROR,
    "COPY_ON_ERROR",
    "COPY ... ON_ERROR",
    "The COPY option ON_ERROR (PostgreSQL 17) is not in YugabyteDB.",
    Level2,
    "postgresql-12-and-later-features",
    NOT_FIXED
);
construct!(
    TWO_PHASE_COMMIT,
    "TWO_PHASE_COMMIT",
    "Two-phase commit",
    "PREPARE TRANSACTION, COMMIT PREPARED and ROLLBACK PREPARED are not supported by YugabyteDB.",
    Level3,
    "two-phase-commit",
    NOT_FIXED,
    effort = 16.0
);
issue_kind!(
    SAVEPOINT_USAGE,
    "SAVEPOINT_USAGE",
    "Savepoints",
    "Savepoints work on YugabyteDB but break live migration with fall-forward or fall-back.",
    Level1,
    MigrationCaveats,
    "DML_QUERY",
    "savepoint",
    FIXED_SAVEPOINTS
);

issue_kind!(
    DATABASE_OPTIONS_PG15,
    "DATABASE_OPTIONS_PG15",
    "ICU locale provider",
    "Database options of PostgreSQL 15 (LOCALE_PROVIDER, ICU_LOCALE, LOCALE, STRATEGY, COLLATION_VERSION, OID; a database using the ICU locale provider) are not supported by YugabyteDB.",
    Level2,
    UnsupportedFeatures,
    "DATABASE",
    "database-options",
    NOT_FIXED
);
issue_kind!(
    DATABASE_OPTIONS_PG17,
    "DATABASE_OPTIONS_PG17",
    "Builtin locale provider",
    "Database options of PostgreSQL 17 (BUILTIN_LOCALE, ICU_RULES; a database using the builtin locale provider) are not supported by YugabyteDB.",
    Level2,
    UnsupportedFeatures,
    "DATABASE",
    "database-options",
    NOT_FIXED
);
/// Every issue type this module can find.
pub const KINDS: &[IssueKind] = &[
    ADVISORY_LOCKS,
    SYSTEM_COLUMN_CTID,
    SYSTEM_COLUMN_XMIN,
    SYSTEM_COLUMN_XMAX,
    SYSTEM_COLUMN_CMIN,
    SYSTEM_COLUMN_CMAX,
    XML_FUNCTIONS,
    REGEX_FUNCTIONS,
    ANY_VALUE_AGGREGATE_FUNCTION,
    RANGE_AGGREGATE_FUNCTION,
    JSON_CONSTRUCTOR_FUNCTION,
    JSON_QUERY_FUNCTION,
    JSON_TYPE_PREDICATE,
    JSONB_SUBSCRIPTING,
    LARGE_OBJECT_FUNCTIONS,
    FETCH_WITH_TIES,
    CTE_WITH_MATERIALIZED_CLAUSE,
    MERGE_STATEMENT,
    LISTEN_NOTIFY,
    NON_DECIMAL_INTEGER_LITERAL,
    COPY_FROM_WHERE,
    COPY_ON_ERROR,
    TWO_PHASE_COMMIT,
    SAVEPOINT_USAGE,
    DATABASE_OPTIONS_PG15,
    DATABASE_OPTIONS_PG17,
];
