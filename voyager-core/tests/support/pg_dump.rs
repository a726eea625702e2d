//! The pg_dump parity check: each object an assessment report names appears in
//! `pg_dump --schema-only` of the same database, and each issue found in DDL is justified by
//! pg_dump's text for that object (e.g. ALTER_TABLE_SET_COLUMN_ATTRIBUTE only where pg_dump
//! shows `SET (n_distinct`). pg_dump is the source server's own (`$VOYAGER_PG_DUMP`, else
//! `$VOYAGER_SOURCE_PG_BIN/pg_dump`, else `pg_dump` on PATH): an older pg_dump cannot dump a
//! newer server.

use std::process::Command;

use voyager_core::assessment::{AssessmentReport, Issue};

use super::TestDb;

/// The pg_dump program for the source server.
pub fn program() -> String {
    if let Ok(p) = std::env::var("VOYAGER_PG_DUMP") {
        return p;
    }
    match std::env::var("VOYAGER_SOURCE_PG_BIN") {
        Ok(bin) => format!("{bin}/pg_dump"),
        Err(_) => "pg_dump".into(),
    }
}

/// `pg_dump --schema-only` of the test database.
pub fn schema_dump(db: &TestDb) -> String {
    let program = program();
    let out = Command::new(&program)
        .args(["--schema-only", "--no-owner", "--no-privileges", "-d", &db.admin_url()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): set VOYAGER_PG_DUMP to the source version's pg_dump"));
    assert!(
        out.status.success(),
        "{program} failed on {}: {} (an older pg_dump cannot dump a newer server: set VOYAGER_PG_DUMP)",
        db.name,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pg_dump writes UTF-8")
}

/// One object of the dump: its `-- Name: ...; Type: ...; Schema: ...` header and its text.
#[derive(Debug)]
pub struct Entry {
    pub name: String,
    pub kind: String,
    pub schema: String,
    pub text: String,
}

pub fn entries(dump: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for line in dump.lines() {
        if let Some(header) = line.strip_prefix("-- Name: ") {
            let (name, rest) = header.split_once("; Type: ").unwrap_or((header, ""));
            let (kind, rest) = rest.split_once("; Schema: ").unwrap_or((rest, ""));
            let schema = rest.split("; Owner:").next().unwrap_or("");
            out.push(Entry {
                name: name.into(),
                kind: kind.into(),
                schema: schema.into(),
                text: String::new(),
            });
        } else if let Some(last) = out.last_mut() {
            if !line.starts_with("--") {
                last.text.push_str(line);
                last.text.push('\n');
            }
        }
    }
    out
}

/// An identifier as pg_dump may print it: plain, and double-quoted.
fn spellings(name: &str) -> [String; 2] {
    [name.to_string(), format!("\"{}\"", name.replace('"', "\"\""))]
}

/// The `schema.table` entries of relations (and the part of `object` after them, a column).
fn relation_prefix<'a>(entries: &'a [Entry], object: &str) -> Option<(&'a Entry, String)> {
    entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind.as_str(),
                "TABLE" | "FOREIGN TABLE" | "VIEW" | "MATERIALIZED VIEW"
            )
        })
        .filter_map(|e| {
            let prefix = format!("{}.{}", e.schema, e.name);
            if object == prefix {
                Some((e, String::new()))
            } else {
                object
                    .strip_prefix(&format!("{prefix}."))
                    .map(|rest| (e, rest.to_string()))
            }
        })
        .max_by_key(|(e, _)| e.schema.len() + e.name.len())
}

/// Entries named `<table> <name>` (constraints, triggers, policies, rules) in `schema`.
fn on_table<'a>(entries: &'a [Entry], schema: &str, table: &str) -> impl Iterator<Item = &'a Entry> {
    let prefix = format!("{table} ");
    let schema = schema.to_string();
    entries
        .iter()
        .filter(move |e| e.schema == schema && e.name.starts_with(&prefix))
}

/// The dump text an issue is about, and the column it names, if any; None for issues about
/// no DDL object (workload queries, the database's own options).
fn object_text(entries: &[Entry], issue: &Issue) -> Option<(String, Option<(String, bool)>)> {
    let object = issue.object_name.as_str();
    let found = match issue.object_type.as_str() {
        "DML_QUERY" | "DATABASE" => return None,
        "TABLE" | "FOREIGN_TABLE" | "VIEW" | "MVIEW" | "COLUMN" => {
            relation_prefix(entries, object).and_then(|(e, rest)| {
                let mut text = e.text.clone();
                for related in on_table(entries, &e.schema, &e.name) {
                    text.push_str(&related.text);
                }
                if issue.object_type == "COLUMN" {
                    let view = matches!(e.kind.as_str(), "VIEW" | "MATERIALIZED VIEW");
                    (!rest.is_empty()).then_some((text, Some((rest, view))))
                } else {
                    rest.is_empty().then_some((text, None))
                }
            })
        }
        "CONSTRAINT" | "TRIGGER" | "POLICY" => relation_prefix(entries, object).and_then(|(table, name)| {
            let named = on_table(entries, &table.schema, &table.name)
                .find(|e| e.name == format!("{} {name}", table.name))
                .map(|e| e.text.clone());
            // Check constraints are inline in CREATE TABLE.
            let inline = spellings(&name)
                .iter()
                .any(|n| table.text.contains(&format!("CONSTRAINT {n} ")))
                .then(|| table.text.clone());
            named.or(inline).map(|t| (t, None))
        }),
        "INDEX" => entries
            .iter()
            .find(|e| {
                (e.kind == "INDEX" && format!("{}.{}", e.schema, e.name) == object)
                    || (e.kind.ends_with("CONSTRAINT")
                        && e.name
                            .rsplit_once(' ')
                            .is_some_and(|(_, n)| format!("{}.{n}", e.schema) == object))
            })
            .map(|e| (e.text.clone(), None)),
        "FUNCTION" | "PROCEDURE" => entries
            .iter()
            .find(|e| {
                e.kind == issue.object_type
                    && e.name
                        .split_once('(')
                        .is_some_and(|(n, _)| format!("{}.{n}", e.schema) == object)
            })
            .map(|e| (e.text.clone(), None)),
        "EXTENSION" => entries
            .iter()
            .find(|e| e.kind == "EXTENSION" && e.name == object)
            .map(|e| (e.text.clone(), None)),
        kind => entries
            .iter()
            .find(|e| e.kind == kind && format!("{}.{}", e.schema, e.name) == object)
            .map(|e| (e.text.clone(), None)),
    };
    Some(found.unwrap_or_else(|| {
        panic!(
            "the report names {} {object:?} ({}), which pg_dump --schema-only does not show",
            issue.object_type, issue.issue_type
        )
    }))
}

/// The line of CREATE TABLE that declares `column`.
fn column_line<'a>(text: &'a str, column: &str) -> Option<&'a str> {
    let [plain, quoted] = spellings(column);
    text.lines().find(|l| {
        let l = l.trim_start();
        l.starts_with(&format!("{plain} ")) || l.starts_with(&format!("{quoted} "))
    })
}

/// What pg_dump's text must hold for an issue of this Type found in DDL (each entry, with `|`
/// between alternatives); None where the Type says nothing pg_dump spells out (performance,
/// keys on types, user-defined types).
fn evidence(issue_type: &str) -> Option<&'static [&'static str]> {
    let type_word = |t: &str| -> Option<&'static [&'static str]> {
        Some(match t {
            "XML" => &["xml"],
            "XID" => &["xid"],
            "PG_LSN" => &["pg_lsn"],
            "TXID_SNAPSHOT" => &["txid_snapshot"],
            "INT4MULTIRANGE" => &["int4multirange"],
            "INT8MULTIRANGE" => &["int8multirange"],
            "NUMMULTIRANGE" => &["nummultirange"],
            "DATEMULTIRANGE" => &["datemultirange"],
            "TSMULTIRANGE" => &["tsmultirange"],
            "TSTZMULTIRANGE" => &["tstzmultirange"],
            "POINT" => &["point"],
            "LINE" => &["line"],
            "LSEG" => &["lseg"],
            "BOX" => &["box"],
            "PATH" => &["path"],
            "POLYGON" => &["polygon"],
            "CIRCLE" => &["circle"],
            "VECTOR" => &["vector"],
            "TIMETZ" => &["with time zone"],
            "TSQUERY" => &["tsquery"],
            _ => return None,
        })
    };
    if let Some(t) = issue_type.strip_prefix("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_WITH_FF_FB_") {
        return type_word(t);
    }
    if let Some(t) = issue_type.strip_prefix("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_") {
        return type_word(t);
    }
    if let Some(t) = issue_type.strip_prefix("UNSUPPORTED_DATATYPE_") {
        return type_word(t);
    }
    Some(match issue_type {
        "ALTER_TABLE_SET_COLUMN_ATTRIBUTE" => &["SET (n_distinct"],
        "INHERITANCE" => &["INHERITS ("],
        "DEFERRABLE_CONSTRAINTS" => &["DEFERRABLE"],
        "EXCLUSION_CONSTRAINTS" => &["EXCLUDE USING"],
        "STORED_GENERATED_COLUMNS" => &["GENERATED ALWAYS AS", "STORED"],
        "VIRTUAL_GENERATED_COLUMNS" => &["GENERATED ALWAYS AS"],
        "UNLOGGED_TABLES" => &["CREATE UNLOGGED TABLE"],
        "UNSUPPORTED_GIST_INDEX_METHOD" => &["USING gist"],
        "UNSUPPORTED_BRIN_INDEX_METHOD" => &["USING brin"],
        "UNSUPPORTED_SPGIST_INDEX_METHOD" => &["USING spgist"],
        "UNSUPPORTED_IVFFLAT_INDEX_METHOD" => &["USING ivfflat"],
        "MULTI_COLUMN_GIN_INDEX" => &["USING gin", ","],
        "STORAGE_PARAMETERS" => &["WITH ("],
        "CONSTRAINT_TRIGGER" => &["CREATE CONSTRAINT TRIGGER"],
        "REFERENCING_CLAUSE_IN_TRIGGER" => &["REFERENCING"],
        "BEFORE_ROW_TRIGGER_ON_PARTITIONED_TABLE" => &["BEFORE", "FOR EACH ROW"],
        "EXPRESSION_PARTITION_WITH_PK_UK" => &["PARTITION BY"],
        "FOREIGN_KEY_REFERENCED_PARTITIONED_TABLE" => &["FOREIGN KEY"],
        "ALTER_TABLE_ADD_PK_ON_PARTITIONED_TABLE" => &["PARTITION BY", "PRIMARY KEY"],
        "SECURITY_INVOKER_VIEWS" => &["security_invoker"],
        "VIEW_WITH_CHECK_OPTION" => &["CHECK OPTION"],
        "NON_DETERMINISTIC_COLLATION" => &["deterministic = false"],
        "SQL_BODY_IN_FUNCTION" => &["BEGIN ATOMIC|RETURN "],
        "UNIQUE_NULLS_NOT_DISTINCT" => &["NULLS NOT DISTINCT"],
        "COMPRESSION_CLAUSE_IN_TABLE" => &["COMPRESSION"],
        "ALTER_TABLE_CLUSTER_ON" => &["CLUSTER ON"],
        "ALTER_TABLE_DISABLE_RULE" => &["DISABLE RULE"],
        "NOT_ENFORCED_CONSTRAINTS" => &["NOT ENFORCED"],
        "POLICY_WITH_ROLES" => &[" TO "],
        "FOREIGN_TABLE" => &["CREATE FOREIGN TABLE"],
        "UNSUPPORTED_EXTENSION" => &["CREATE EXTENSION"],
        "CREATE_CONVERSION" => &["CREATE CONVERSION"],
        "SYSTEM_COLUMN_XMIN" => &["xmin"],
        "SYSTEM_COLUMN_XMAX" => &["xmax"],
        "SYSTEM_COLUMN_CTID" => &["ctid"],
        "XML_FUNCTIONS" => &["xml"],
        "REGEX_FUNCTIONS" => &["regexp_"],
        "ADVISORY_LOCKS" => &["advisory"],
        "LISTEN_NOTIFY" => &["notify"],
        "LARGE_OBJECT_FUNCTIONS" => &["lo_"],
        _ => return None,
    })
}

/// Assert that `report` (of `db`) is backed by pg_dump: every object it names is in the dump,
/// and every DDL issue's evidence is in that object's text (its column's line for a column).
/// Returns how many issues were checked against the dump.
pub fn assert_parity(db: &TestDb, report: &AssessmentReport) -> usize {
    let dump = schema_dump(db);
    let entries = entries(&dump);
    let mut checked = 0;
    for issue in &report.assessment_issues {
        let Some((text, column)) = object_text(&entries, issue) else {
            continue;
        };
        checked += 1;
        let Some(words) = evidence(&issue.issue_type) else {
            continue;
        };
        // A column's evidence is on its own line of CREATE TABLE, or in its own ALTER COLUMN. A
        // view's column has its type from the query: its name must be in the view's text.
        let scope: String = match &column {
            Some((col, true)) => {
                assert!(
                    spellings(col).iter().any(|n| text.contains(n.as_str())),
                    "{} names column {col:?} of view {:?}, which pg_dump's text of the view does not show",
                    issue.issue_type,
                    issue.object_name
                );
                continue;
            }
            Some((col, false)) => {
                let line = column_line(&text, col).unwrap_or("");
                let [plain, quoted] = spellings(col);
                let mut scope = line.to_string();
                for l in text.lines().filter(|l| {
                    l.contains(&format!("ALTER COLUMN {plain} ")) || l.contains(&format!("ALTER COLUMN {quoted} "))
                }) {
                    scope.push_str(l);
                }
                assert!(
                    !line.is_empty(),
                    "{} names column {:?}, which pg_dump's CREATE TABLE does not show",
                    issue.issue_type,
                    issue.object_name
                );
                with_domain(&entries, line, scope)
            }
            None => text.clone(),
        };
        for word in words {
            assert!(
                word.split('|').any(|w| scope.contains(w)),
                "{} on {} {:?} is not justified by pg_dump (no {word:?} in {scope:?})",
                issue.issue_type,
                issue.object_type,
                issue.object_name
            );
        }
    }
    checked
}

/// A column of a domain type: the domain's text counts too (`CREATE DOMAIN d AS xml`).
fn with_domain(entries: &[Entry], line: &str, mut scope: String) -> String {
    let type_name = line.split_whitespace().nth(1).unwrap_or("");
    let bare = type_name.rsplit('.').next().unwrap_or("").trim_matches('"');
    for e in entries.iter().filter(|e| e.kind == "DOMAIN" && e.name == bare) {
        scope.push_str(&e.text);
    }
    scope
}
