//! Schema features YugabyteDB lacks or restricts, as the catalogs show them, and the migration
//! caveats of roles and foreign tables.

use super::Catalog;
use crate::assessment::collect::Constraint;
use crate::assessment::issue::{
    issue_kind, Issue, IssueKind, FIXED_IN_2024_1, FIXED_IN_2024_2, FIXED_IN_2_25, NOT_FIXED,
};
use crate::assessment::sql_constructs::{
    sql_issues, SqlOrigin, SqlOriginKind, DATABASE_OPTIONS_PG15, DATABASE_OPTIONS_PG17,
};
use crate::assessment::sql_names::quote_ident;

issue_kind!(
    INHERITANCE,
    "INHERITANCE",
    "Table inheritance",
    "Table inheritance (INHERITS) is not supported by YugabyteDB.",
    Level3,
    UnsupportedFeatures,
    "TABLE",
    "table-inheritance-is-not-supported",
    NOT_FIXED,
    effort = 16.0
);
issue_kind!(DEFERRABLE_CONSTRAINTS, "DEFERRABLE_CONSTRAINTS", "Deferrable constraint", "YugabyteDB can defer only foreign key constraints; this unique, primary key or exclusion constraint cannot be deferrable.", Level3, UnsupportedFeatures, "CONSTRAINT", "deferrable-constraint-on-constraints-other-than-foreign-keys-is-not-supported", NOT_FIXED, effort = 4.0);
issue_kind!(
    UNSUPPORTED_EXTENSION,
    "UNSUPPORTED_EXTENSION",
    "Unsupported extension",
    "YugabyteDB does not ship this extension.",
    Level3,
    UnsupportedFeatures,
    "EXTENSION",
    "unsupported-extensions",
    NOT_FIXED,
    effort = 16.0
);
issue_kind!(
    CREATE_CONVERSION,
    "CREATE_CONVERSION",
    "Encoding conversion",
    "User-defined encoding conversions (CREATE CONVERSION) are not supported by YugabyteDB.",
    Level3,
    UnsupportedFeatures,
    "CONVERSION",
    "create-or-alter-conversion-is-not-supported",
    NOT_FIXED,
    effort = 4.0
);
issue_kind!(
    EXCLUSION_CONSTRAINTS,
    "EXCLUSION_CONSTRAINTS",
    "Exclusion constraint",
    "Exclusion constraints are not supported by YugabyteDB; enforce the rule with a trigger or in the application.",
    Level1,
    UnsupportedFeatures,
    "CONSTRAINT",
    "exclusion-constraints-is-not-supported",
    NOT_FIXED
);
issue_kind!(
    STORED_GENERATED_COLUMNS,
    "STORED_GENERATED_COLUMNS",
    "Stored generated column",
    "Stored generated columns are not in YugabyteDB before 2.25; use a trigger.",
    Level1,
    UnsupportedFeatures,
    "TABLE",
    "generated-always-as-stored-type-column-is-not-supported",
    FIXED_IN_2_25
);
issue_kind!(
    UNLOGGED_TABLES,
    "UNLOGGED_TABLES",
    "Unlogged table",
    "YugabyteDB has no unlogged tables; the table is created as an ordinary one.",
    Level1,
    UnsupportedFeatures,
    "TABLE",
    "unlogged-table-is-not-supported",
    FIXED_IN_2024_2
);
issue_kind!(
    GIST_INDEX,
    "UNSUPPORTED_GIST_INDEX_METHOD",
    "GiST index",
    "The GiST index method is not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "INDEX",
    "gist-brin-and-spgist-index-types-are-not-supported",
    NOT_FIXED
);
issue_kind!(
    BRIN_INDEX,
    "UNSUPPORTED_BRIN_INDEX_METHOD",
    "BRIN index",
    "The BRIN index method is not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "INDEX",
    "gist-brin-and-spgist-index-types-are-not-supported",
    NOT_FIXED
);
issue_kind!(
    SPGIST_INDEX,
    "UNSUPPORTED_SPGIST_INDEX_METHOD",
    "SP-GiST index",
    "The SP-GiST index method is not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "INDEX",
    "gist-brin-and-spgist-index-types-are-not-supported",
    NOT_FIXED
);
issue_kind!(
    MULTI_COLUMN_GIN_INDEX,
    "MULTI_COLUMN_GIN_INDEX",
    "Multi-column GIN index",
    "YugabyteDB's GIN indexes take one column.",
    Level1,
    UnsupportedFeatures,
    "INDEX",
    "gin-indexes-on-multiple-columns-are-not-supported",
    NOT_FIXED
);
issue_kind!(
    STORAGE_PARAMETERS,
    "STORAGE_PARAMETERS",
    "Storage parameters",
    "Storage parameters (WITH (fillfactor = ...)) are ignored or refused by YugabyteDB; drop them from the DDL.",
    Level1,
    UnsupportedFeatures,
    "TABLE",
    "storage-parameters-on-indexes-or-constraints-in-the-source-postgresql",
    NOT_FIXED
);
issue_kind!(
    CONSTRAINT_TRIGGER,
    "CONSTRAINT_TRIGGER",
    "Constraint trigger",
    "Constraint triggers are not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "TRIGGER",
    "constraint-trigger-is-not-supported",
    NOT_FIXED
);
issue_kind!(
    REFERENCING_CLAUSE_IN_TRIGGER,
    "REFERENCING_CLAUSE_IN_TRIGGER",
    "Trigger with transition tables",
    "Triggers with REFERENCING OLD/NEW TABLE are not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "TRIGGER",
    "referencing-clause-for-triggers",
    NOT_FIXED
);
issue_kind!(
    BEFORE_ROW_TRIGGER_ON_PARTITIONED_TABLE,
    "BEFORE_ROW_TRIGGER_ON_PARTITIONED_TABLE",
    "BEFORE ROW trigger on a partitioned table",
    "BEFORE ROW triggers on partitioned tables are not in YugabyteDB before 2.25; create them on each partition.",
    Level1,
    UnsupportedFeatures,
    "TRIGGER",
    "before-row-triggers-on-partitioned-tables",
    FIXED_IN_2_25
);
issue_kind!(
    EXPRESSION_PARTITION_WITH_PK_UK,
    "EXPRESSION_PARTITION_WITH_PK_UK",
    "Expression partitioning with a key",
    "A table partitioned by an expression cannot have a primary or unique key in YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "TABLE",
    "tables-partitioned-with-expressions-cannot-contain-primary-unique-keys",
    NOT_FIXED
);
issue_kind!(
    FOREIGN_KEY_REFERENCED_PARTITIONED_TABLE,
    "FOREIGN_KEY_REFERENCED_PARTITIONED_TABLE",
    "Foreign key to a partitioned table",
    "Foreign keys that reference a partitioned table are not in YugabyteDB before 2.25.",
    Level1,
    UnsupportedFeatures,
    "CONSTRAINT",
    "foreign-key-referenced-partitioned-table",
    FIXED_IN_2_25
);
issue_kind!(
    SECURITY_INVOKER_VIEWS,
    "SECURITY_INVOKER_VIEWS",
    "Security invoker view",
    "Views with security_invoker (PostgreSQL 15) are not in YugabyteDB before 2.25.",
    Level1,
    UnsupportedFeatures,
    "VIEW",
    "security-invoker-views",
    FIXED_IN_2_25
);
issue_kind!(
    VIEW_WITH_CHECK_OPTION,
    "VIEW_WITH_CHECK_OPTION",
    "View WITH CHECK OPTION",
    "Views WITH CHECK OPTION are not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "VIEW",
    "view-with-check-option",
    NOT_FIXED
);
issue_kind!(
    NON_DETERMINISTIC_COLLATION,
    "NON_DETERMINISTIC_COLLATION",
    "Non-deterministic collation",
    "Non-deterministic collations are not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "COLLATION",
    "non-deterministic-collations",
    NOT_FIXED
);
issue_kind!(
    SQL_BODY_IN_FUNCTION,
    "SQL_BODY_IN_FUNCTION",
    "SQL-standard function body",
    "Function bodies written as BEGIN ATOMIC or RETURN (PostgreSQL 14) are not in YugabyteDB before 2.25.",
    Level1,
    UnsupportedFeatures,
    "FUNCTION",
    "sql-body-in-function",
    FIXED_IN_2_25
);
issue_kind!(
    UNIQUE_NULLS_NOT_DISTINCT,
    "UNIQUE_NULLS_NOT_DISTINCT",
    "UNIQUE NULLS NOT DISTINCT",
    "UNIQUE NULLS NOT DISTINCT (PostgreSQL 15) is not in YugabyteDB before 2.25.",
    Level1,
    UnsupportedFeatures,
    "INDEX",
    "unique-nulls-not-distinct",
    FIXED_IN_2_25
);
issue_kind!(
    COMPRESSION_CLAUSE_IN_TABLE,
    "COMPRESSION_CLAUSE_IN_TABLE",
    "Column compression method",
    "Column compression methods (COMPRESSION lz4, PostgreSQL 14) are ignored by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "TABLE",
    "compression-clause-in-table",
    NOT_FIXED
);
issue_kind!(
    ALTER_TABLE_CLUSTER_ON,
    "ALTER_TABLE_CLUSTER_ON",
    "CLUSTER ON",
    "ALTER TABLE ... CLUSTER ON is not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "INDEX",
    "alter-table-cluster-on",
    NOT_FIXED
);
issue_kind!(
    ALTER_TABLE_DISABLE_RULE,
    "ALTER_TABLE_DISABLE_RULE",
    "Disabled rule",
    "ALTER TABLE ... DISABLE RULE is not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "TABLE",
    "alter-table-disable-rule",
    NOT_FIXED
);
issue_kind!(
    ALTER_TABLE_SET_COLUMN_ATTRIBUTE,
    "ALTER_TABLE_SET_COLUMN_ATTRIBUTE",
    "Column attribute options",
    "ALTER TABLE ... ALTER COLUMN ... SET (n_distinct = ...) is not supported by YugabyteDB.",
    Level1,
    UnsupportedFeatures,
    "COLUMN",
    "alter-table-alter-column-set-attribute",
    NOT_FIXED
);
issue_kind!(
    POLICY_WITH_ROLES,
    "POLICY_WITH_ROLES",
    "Policy for roles",
    "The roles this policy names must be created on YugabyteDB before the schema is imported.",
    Level1,
    MigrationCaveats,
    "POLICY",
    "policies-on-users-in-source-require-manual-user-creation",
    NOT_FIXED,
    effort = 0.5
);
issue_kind!(
    FOREIGN_TABLE,
    "FOREIGN_TABLE",
    "Foreign table",
    "The foreign server and user mapping of this foreign table must be created on YugabyteDB by hand.",
    Level1,
    MigrationCaveats,
    "FOREIGN_TABLE",
    "foreign-table-in-the-source-database-requires-server-and-user-mapping",
    NOT_FIXED,
    effort = 0.5
);
issue_kind!(
    ALTER_TABLE_ADD_PK_ON_PARTITIONED_TABLE,
    "ALTER_TABLE_ADD_PK_ON_PARTITIONED_TABLE",
    "Primary key on a partitioned table",
    "A primary key added to a partitioned table with ALTER TABLE is not supported; it must be in CREATE TABLE.",
    Level1,
    MigrationCaveats,
    "TABLE",
    "adding-primary-key-to-a-partitioned-table-results-in-an-error",
    FIXED_IN_2024_1
);
// Constructs of PostgreSQL 18 that yb-voyager has no Type for yet: Types of ours (README,
// "Issue types of ours").
issue_kind!(
    VIRTUAL_GENERATED_COLUMNS,
    "VIRTUAL_GENERATED_COLUMNS",
    "Virtual generated column",
    "Virtual generated columns (PostgreSQL 18) are not supported by YugabyteDB; make the column STORED (YugabyteDB 2.25 and later) or compute it in a view.",
    Level1,
    UnsupportedFeatures,
    "COLUMN",
    "generated-always-as-stored-type-column-is-not-supported",
    NOT_FIXED
);
issue_kind!(
    NOT_ENFORCED_CONSTRAINTS,
    "NOT_ENFORCED_CONSTRAINTS",
    "NOT ENFORCED constraint",
    "NOT ENFORCED check and foreign key constraints (PostgreSQL 18) are not supported by YugabyteDB; drop the constraint or enforce it.",
    Level1,
    UnsupportedFeatures,
    "CONSTRAINT",
    "",
    NOT_FIXED
);
issue_kind!(
    IVFFLAT_INDEX,
    "UNSUPPORTED_IVFFLAT_INDEX_METHOD",
    "IVFFlat index",
    "pgvector's ivfflat index method is not supported by YugabyteDB; use an hnsw index (ybhnsw in YugabyteDB).",
    Level1,
    UnsupportedFeatures,
    "INDEX",
    "gist-brin-and-spgist-index-types-are-not-supported",
    NOT_FIXED
);

/// Column options (`ALTER COLUMN ... SET (...)`) a user sets that YugabyteDB lacks. Entries a
/// server stamps itself (Debian's 15.20 `pg_attver`) are no user setting.
const UNSUPPORTED_COLUMN_OPTIONS: &[&str] = &["n_distinct", "n_distinct_inherited"];

/// Extensions YugabyteDB ships (its bundled PostgreSQL contrib modules and third-party ones).
/// Any other extension in a source database is an UNSUPPORTED_EXTENSION.
pub const YUGABYTEDB_EXTENSIONS: &[&str] = &[
    "adminpack",
    "amcheck",
    "autoinc",
    "bloom",
    "btree_gin",
    "btree_gist",
    "citext",
    "cube",
    "dblink",
    "dict_int",
    "dict_xsyn",
    "earthdistance",
    "file_fdw",
    "fuzzystrmatch",
    "hll",
    "hstore",
    "hypopg",
    "insert_username",
    "intagg",
    "intarray",
    "isn",
    "lo",
    "ltree",
    "moddatetime",
    "orafce",
    "pg_buffercache",
    "pg_cron",
    "pg_freespacemap",
    "pg_hint_plan",
    "pg_partman",
    "pg_prewarm",
    "pg_stat_monitor",
    "pg_stat_statements",
    "pg_trgm",
    "pg_visibility",
    "pgaudit",
    "pgcrypto",
    "pgrowlocks",
    "pgstattuple",
    "plpgsql",
    "postgres_fdw",
    "refint",
    "seg",
    "sslinfo",
    "tablefunc",
    "tcn",
    "tsm_system_rows",
    "tsm_system_time",
    "unaccent",
    "uuid-ossp",
    "vector",
    "yb_pg_metrics",
];

pub(super) fn find(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    tables(c, out);
    constraints(c, out);
    indexes(c, out);
    triggers_policies_rules(c, out);
    views_and_routines(c, out);
    database(c, out);
}

fn tables(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for rel in &c.snap.relations {
        let name = rel.qualified();
        match rel.kind {
            'r' | 'p' => {
                if let Some(parent) = rel.parent.filter(|_| !rel.is_partition) {
                    let sql = format!(
                        "ALTER TABLE {} INHERIT {}",
                        c.relation_sql(rel.oid),
                        c.relation_sql(parent)
                    );
                    out.push(INHERITANCE.issue(name.clone(), sql));
                }
                if rel.unlogged {
                    out.push(UNLOGGED_TABLES.issue(name.clone(), ""));
                }
                if !rel.options.is_empty() && !rel.is_partition {
                    let sql = format!(
                        "ALTER TABLE {} SET ({})",
                        c.relation_sql(rel.oid),
                        rel.options.join(", ")
                    );
                    out.push(STORAGE_PARAMETERS.issue(name.clone(), sql));
                }
            }
            'f' => out.push(FOREIGN_TABLE.issue(name.clone(), "")),
            _ => {}
        }
    }
    for col in &c.snap.columns {
        let Some(rel) = c.relations.get(&col.rel).filter(|r| !r.is_partition) else {
            continue;
        };
        let name = format!("{}.{}", rel.qualified(), col.name);
        if col.generated_stored {
            out.push(STORED_GENERATED_COLUMNS.issue(rel.qualified(), ""));
        }
        if col.compression {
            out.push(COMPRESSION_CLAUSE_IN_TABLE.issue(rel.qualified(), ""));
        }
        if col.generated_virtual {
            out.push(VIRTUAL_GENERATED_COLUMNS.issue(name.clone(), ""));
        }
        let options: Vec<&str> = col
            .attribute_options
            .iter()
            .map(String::as_str)
            .filter(|o| UNSUPPORTED_COLUMN_OPTIONS.contains(&o.split('=').next().unwrap_or_default()))
            .collect();
        if !options.is_empty() {
            let sql = format!(
                "ALTER TABLE ONLY {}.{} ALTER COLUMN {} SET ({})",
                quote_ident(&rel.schema),
                quote_ident(&rel.name),
                quote_ident(&col.name),
                options.join(", ")
            );
            out.push(ALTER_TABLE_SET_COLUMN_ATTRIBUTE.issue(name, sql));
        }
    }
}

fn constraints(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for k in &c.snap.constraints {
        let Some(rel) = c.relations.get(&k.rel).filter(|r| !r.is_partition) else {
            continue;
        };
        let object = format!("{}.{}", rel.qualified(), k.name);
        let sql = constraint_sql(c, k);
        if k.deferrable && matches!(k.kind, 'p' | 'u' | 'x') {
            out.push(DEFERRABLE_CONSTRAINTS.issue(object.clone(), sql.clone()));
        }
        if k.not_enforced {
            out.push(NOT_ENFORCED_CONSTRAINTS.issue(object.clone(), sql.clone()));
        }
        if k.kind == 'x' {
            out.push(EXCLUSION_CONSTRAINTS.issue(object.clone(), sql.clone()));
        }
        if k.kind == 'f'
            && c.relations
                .get(&k.referenced_rel.unwrap_or(0))
                .is_some_and(|r| r.kind == 'p')
        {
            out.push(FOREIGN_KEY_REFERENCED_PARTITIONED_TABLE.issue(object.clone(), sql.clone()));
        }
        if matches!(k.kind, 'p' | 'u') && rel.kind == 'p' {
            if rel.partition_has_expressions {
                out.push(EXPRESSION_PARTITION_WITH_PK_UK.issue(rel.qualified(), sql.clone()));
            }
            if k.kind == 'p' {
                out.push(ALTER_TABLE_ADD_PK_ON_PARTITIONED_TABLE.issue(rel.qualified(), sql));
            }
        }
    }
}

/// `ALTER TABLE ... ADD CONSTRAINT ...` of a constraint, names quoted.
pub(super) fn constraint_sql(c: &Catalog<'_>, k: &Constraint) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {}",
        c.relation_sql(k.rel),
        quote_ident(&k.name),
        k.definition
    )
}

fn indexes(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for index in &c.snap.indexes {
        let Some(rel) = c.relations.get(&index.rel).filter(|r| !r.is_partition) else {
            continue;
        };
        let object = format!("{}.{}", rel.schema, index.name);
        let sql = index.definition.as_str();
        let method_kind = match index.method.as_str() {
            "gist" => Some(GIST_INDEX),
            "brin" => Some(BRIN_INDEX),
            "spgist" => Some(SPGIST_INDEX),
            "ivfflat" => Some(IVFFLAT_INDEX),
            _ => None,
        };
        // (Storage parameters are a table's kind; here they are an index's.)
        let mut add = |kind: IssueKind| out.push(kind.issue(object.clone(), sql).on("INDEX"));
        if let Some(kind) = method_kind {
            add(kind);
        }
        if index.method == "gin" && index.key_columns.len() > 1 {
            add(MULTI_COLUMN_GIN_INDEX);
        }
        if index.storage_options {
            add(STORAGE_PARAMETERS);
        }
        if index.nulls_not_distinct {
            add(UNIQUE_NULLS_NOT_DISTINCT);
        }
        if index.clustered {
            add(ALTER_TABLE_CLUSTER_ON);
        }
    }
}

fn triggers_policies_rules(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    const ROW: i32 = 1;
    const BEFORE: i32 = 2;
    for t in &c.snap.triggers {
        let Some(rel) = c.relations.get(&t.rel) else {
            continue;
        };
        let object = format!("{}.{}", rel.qualified(), t.name);
        if t.constraint_trigger {
            out.push(CONSTRAINT_TRIGGER.issue(object.clone(), t.definition.clone()));
        }
        if t.transition_tables {
            out.push(REFERENCING_CLAUSE_IN_TRIGGER.issue(object.clone(), t.definition.clone()));
        }
        if rel.kind == 'p' && t.tgtype & ROW != 0 && t.tgtype & BEFORE != 0 {
            out.push(BEFORE_ROW_TRIGGER_ON_PARTITIONED_TABLE.issue(object.clone(), t.definition.clone()));
        }
        // The function it executes (lo_manage: large objects).
        out.extend(sql_issues(
            &t.definition,
            &SqlOrigin {
                kind: SqlOriginKind::Trigger,
                object_name: object,
            },
        ));
    }
    for p in &c.snap.policies {
        if p.roles.iter().any(|r| r != "public") {
            let object = format!("{}.{}", c.relation_name(p.rel), p.name);
            let roles: Vec<String> = p
                .roles
                .iter()
                .map(|r| {
                    if r == "public" {
                        "PUBLIC".to_string()
                    } else {
                        quote_ident(r)
                    }
                })
                .collect();
            let sql = format!(
                "CREATE POLICY {} ON {} TO {}",
                quote_ident(&p.name),
                c.relation_sql(p.rel),
                roles.join(", ")
            );
            out.push(POLICY_WITH_ROLES.issue(object, sql));
        }
    }
    for r in c.snap.rules.iter().filter(|r| r.disabled) {
        let sql = format!(
            "ALTER TABLE {} DISABLE RULE {}",
            c.relation_sql(r.rel),
            quote_ident(&r.name)
        );
        out.push(ALTER_TABLE_DISABLE_RULE.issue(c.relation_name(r.rel), sql));
    }
}

fn views_and_routines(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for rel in c.snap.relations.iter().filter(|r| matches!(r.kind, 'v' | 'm')) {
        let name = rel.qualified();
        let object_type = if rel.kind == 'v' { "VIEW" } else { "MVIEW" };
        if rel
            .options
            .iter()
            .any(|o| o == "security_invoker=true" || o == "security_invoker=on")
        {
            out.push(SECURITY_INVOKER_VIEWS.issue(name.clone(), "").on(object_type));
        }
        if rel.options.iter().any(|o| o.starts_with("check_option=")) {
            out.push(VIEW_WITH_CHECK_OPTION.issue(name.clone(), "").on(object_type));
        }
        if let Some(def) = &rel.view_definition {
            let kind = if rel.kind == 'v' {
                SqlOriginKind::View
            } else {
                SqlOriginKind::MaterializedView
            };
            let create = if rel.kind == 'v' { "VIEW" } else { "MATERIALIZED VIEW" };
            let sql = format!("CREATE {create} {} AS {def}", c.relation_sql(rel.oid));
            out.extend(sql_issues(
                &sql,
                &SqlOrigin {
                    kind,
                    object_name: name,
                },
            ));
        }
    }
    for r in &c.snap.routines {
        let object_type = if r.is_procedure { "PROCEDURE" } else { "FUNCTION" };
        if r.sql_body {
            out.push(
                SQL_BODY_IN_FUNCTION
                    .issue(r.qualified(), r.definition.clone())
                    .on(object_type),
            );
        }
        if !r.definition.is_empty() {
            let kind = if r.is_procedure {
                SqlOriginKind::Procedure
            } else {
                SqlOriginKind::Function
            };
            out.extend(sql_issues(
                &r.definition,
                &SqlOrigin {
                    kind,
                    object_name: r.qualified(),
                },
            ));
        }
    }
    for query in &c.snap.workload {
        out.extend(sql_issues(
            query,
            &SqlOrigin {
                kind: SqlOriginKind::Query,
                object_name: String::new(),
            },
        ));
    }
}

fn database(c: &Catalog<'_>, out: &mut Vec<Issue>) {
    for ext in c
        .snap
        .extensions
        .iter()
        .filter(|e| !YUGABYTEDB_EXTENSIONS.contains(&e.as_str()))
    {
        out.push(UNSUPPORTED_EXTENSION.issue(ext.clone(), format!("CREATE EXTENSION {}", quote_ident(ext))));
    }
    for (name, deterministic) in &c.snap.collations {
        if !deterministic {
            out.push(NON_DETERMINISTIC_COLLATION.issue(name.clone(), ""));
        }
    }
    for conv in &c.snap.conversions {
        out.push(CREATE_CONVERSION.issue(conv.clone(), ""));
    }
    match c.snap.locale_provider {
        'i' => out.push(DATABASE_OPTIONS_PG15.issue(c.snap.database.clone(), "")),
        'b' => out.push(DATABASE_OPTIONS_PG17.issue(c.snap.database.clone(), "")),
        _ => {}
    }
}

/// Every issue type this module can find.
pub(crate) const KINDS: &[IssueKind] = &[
    INHERITANCE,
    DEFERRABLE_CONSTRAINTS,
    UNSUPPORTED_EXTENSION,
    CREATE_CONVERSION,
    EXCLUSION_CONSTRAINTS,
    STORED_GENERATED_COLUMNS,
    UNLOGGED_TABLES,
    GIST_INDEX,
    BRIN_INDEX,
    SPGIST_INDEX,
    MULTI_COLUMN_GIN_INDEX,
    STORAGE_PARAMETERS,
    CONSTRAINT_TRIGGER,
    REFERENCING_CLAUSE_IN_TRIGGER,
    BEFORE_ROW_TRIGGER_ON_PARTITIONED_TABLE,
    EXPRESSION_PARTITION_WITH_PK_UK,
    FOREIGN_KEY_REFERENCED_PARTITIONED_TABLE,
    SECURITY_INVOKER_VIEWS,
    VIEW_WITH_CHECK_OPTION,
    NON_DETERMINISTIC_COLLATION,
    SQL_BODY_IN_FUNCTION,
    UNIQUE_NULLS_NOT_DISTINCT,
    COMPRESSION_CLAUSE_IN_TABLE,
    ALTER_TABLE_CLUSTER_ON,
    ALTER_TABLE_DISABLE_RULE,
    ALTER_TABLE_SET_COLUMN_ATTRIBUTE,
    POLICY_WITH_ROLES,
    FOREIGN_TABLE,
    ALTER_TABLE_ADD_PK_ON_PARTITIONED_TABLE,
    VIRTUAL_GENERATED_COLUMNS,
    NOT_ENFORCED_CONSTRAINTS,
    IVFFLAT_INDEX,
];
