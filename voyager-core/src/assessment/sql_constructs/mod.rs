//! Issues found in SQL text: view definitions, function and procedure bodies (PL/pgSQL and
//! SQL), and the workload's queries from pg_stat_statements. The text is parsed with
//! PostgreSQL's own parser (libpg_query, through the `pg_query` crate); the parse tree is walked
//! for the constructs YugabyteDB does not support. Text that does not parse yields no issue.

use std::collections::BTreeSet;

use pg_query::protobuf::{CteMaterialize, JsonExprOp, LimitOption, TransactionStmtKind};
use serde_json::Value;

use super::issue::{Category, Issue, IssueKind};

mod kinds;
pub use kinds::*;

/// Where a piece of SQL comes from; this decides the category and object of its issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlOriginKind {
    View,
    MaterializedView,
    Function,
    Procedure,
    Trigger,
    Query,
}

#[derive(Debug, Clone)]
pub struct SqlOrigin {
    pub kind: SqlOriginKind,
    /// Schema-qualified name of the view, function or trigger; empty for a workload query.
    pub object_name: String,
}

/// Texts longer than this are not parsed (no view or function of a real schema is this long).
const MAX_SQL_LEN: usize = 1 << 20;

const XML_FUNCTION_NAMES: &[&str] = &[
    "xmlcomment",
    "xmltext",
    "xmlagg",
    "xpath",
    "xpath_exists",
    "xml_is_well_formed",
    "xml_is_well_formed_document",
    "xml_is_well_formed_content",
    "table_to_xml",
    "query_to_xml",
    "cursor_to_xml",
    "table_to_xmlschema",
    "query_to_xmlschema",
    "cursor_to_xmlschema",
    "table_to_xml_and_xmlschema",
    "query_to_xml_and_xmlschema",
    "schema_to_xml",
    "schema_to_xmlschema",
    "database_to_xml",
    "database_to_xmlschema",
    "xmlvalidate",
];
const LARGE_OBJECT_FUNCTION_NAMES: &[&str] = &[
    "lo_create",
    "lo_creat",
    "lo_import",
    "lo_export",
    "lo_unlink",
    "lo_open",
    "lo_close",
    "lo_put",
    "lo_get",
    "lo_from_bytea",
    "lo_truncate",
    "lo_truncate64",
    "lo_lseek",
    "lo_lseek64",
    "lo_tell",
    "lo_tell64",
    "loread",
    "lowrite",
    "lo_manage",
];

/// The issues in one piece of SQL.
pub fn sql_issues(sql: &str, origin: &SqlOrigin) -> Vec<Issue> {
    if sql.len() > MAX_SQL_LEN {
        tracing::debug!("not parsing {} bytes of SQL from {}", sql.len(), origin.object_name);
        return Vec::new();
    }
    let mut found = Found::default();
    match origin.kind {
        SqlOriginKind::Function | SqlOriginKind::Procedure => scan_routine(sql, &mut found),
        _ => {
            scan_sql(sql, &mut found);
        }
    }
    let (category, object_type) = match origin.kind {
        SqlOriginKind::View => (Category::UnsupportedFeatures, "VIEW"),
        SqlOriginKind::MaterializedView => (Category::UnsupportedFeatures, "MVIEW"),
        SqlOriginKind::Function => (Category::UnsupportedPlpgsqlObjects, "FUNCTION"),
        SqlOriginKind::Procedure => (Category::UnsupportedPlpgsqlObjects, "PROCEDURE"),
        SqlOriginKind::Trigger => (Category::UnsupportedFeatures, "TRIGGER"),
        SqlOriginKind::Query => (Category::UnsupportedQueryConstructs, "DML_QUERY"),
    };
    found
        .kinds
        .into_iter()
        .map(|(kind, statement, object)| {
            let sql = if origin.kind == SqlOriginKind::Query {
                sql.to_string()
            } else {
                statement
            };
            // A CREATE DATABASE statement's options are about the database it creates.
            if let Some(database) = object {
                return kind.issue(database, sql);
            }
            let issue = kind.issue(origin.object_name.clone(), sql);
            // A caveat (savepoints) stays one wherever it is seen.
            if kind.category == Category::MigrationCaveats {
                issue.on(object_type)
            } else {
                issue.found_in(category, object_type)
            }
        })
        .collect()
}

/// What one origin showed: each issue kind once, with the first statement that showed it (and
/// the object it is about, when that is not the origin: the database a CREATE DATABASE makes).
#[derive(Default)]
struct Found {
    kinds: Vec<(IssueKind, String, Option<String>)>,
    seen: BTreeSet<&'static str>,
}

impl Found {
    fn add(&mut self, kind: IssueKind, statement: &str) {
        if self.seen.insert(kind.issue_type) {
            self.kinds.push((kind, statement.to_string(), None));
        }
    }

    fn add_about(&mut self, kind: IssueKind, statement: &str, object: String) {
        if self.seen.insert(kind.issue_type) {
            self.kinds.push((kind, statement.to_string(), Some(object)));
        }
    }
}

/// CREATE DATABASE options YugabyteDB lacks (yb-voyager's lists).
const DATABASE_OPTIONS_OF_PG15: &[&str] = &[
    "icu_locale",
    "locale_provider",
    "locale",
    "strategy",
    "collation_version",
    "oid",
];
const DATABASE_OPTIONS_OF_PG17: &[&str] = &["builtin_locale", "icu_rules"];

/// A function or procedure: PL/pgSQL bodies through the PL/pgSQL parser, SQL bodies as SQL.
fn scan_routine(sql: &str, found: &mut Found) {
    // libpg_query's PL/pgSQL parser gives a function without an action for other languages.
    let plpgsql = pg_query::parse_plpgsql(sql)
        .ok()
        .filter(|tree| tree.pointer("/0/PLpgSQL_function/action").is_some());
    if let Some(tree) = plpgsql {
        let mut queries = Vec::new();
        collect_plpgsql_queries(&tree, &mut queries);
        for (query, mode) in queries {
            scan_embedded(&query, mode, found);
        }
        return;
    }
    // Not PL/pgSQL: a SQL-language routine. Its BEGIN ATOMIC body is in the tree; a quoted body
    // is a string to parse on its own.
    let Ok(parsed) = pg_query::parse(sql, pg_query::ParserOptions::DEFAULT) else {
        return;
    };
    let Ok(tree) = serde_json::to_value(&parsed.protobuf) else {
        return;
    };
    walk(&tree, sql, found);
    let mut bodies = Vec::new();
    collect_as_bodies(&tree, &mut bodies);
    for body in bodies {
        scan_sql(&body, found);
    }
}

/// The SQL inside a PL/pgSQL parse tree: every PLpgSQL_expr's query with the raw-parse mode
/// PL/pgSQL parses it in (a statement, an expression, or an assignment `x := ...`).
fn collect_plpgsql_queries(value: &Value, out: &mut Vec<(String, i64)>) {
    match value {
        Value::Object(map) => {
            if let Some(expr) = map.get("PLpgSQL_expr") {
                if let Some(q) = expr.get("query").and_then(Value::as_str) {
                    out.push((
                        q.to_string(),
                        expr.get("parseMode").and_then(Value::as_i64).unwrap_or(0),
                    ));
                }
            }
            for v in map.values() {
                collect_plpgsql_queries(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_plpgsql_queries(v, out)),
        _ => {}
    }
}

/// The `AS '...'` body strings of CREATE FUNCTION statements.
fn collect_as_bodies(tree: &Value, out: &mut Vec<String>) {
    for_each_node(tree, &mut |name, node| {
        if name == "CreateFunctionStmt" {
            for option in node.get("options").and_then(Value::as_array).into_iter().flatten() {
                let def = option.pointer("/node/DefElem");
                if def.and_then(|d| d.get("defname")).and_then(Value::as_str) == Some("as") {
                    let items = def
                        .and_then(|d| d.pointer("/arg/node/List/items"))
                        .and_then(Value::as_array);
                    for item in items.into_iter().flatten() {
                        if let Some(s) = item.pointer("/node/String/sval").and_then(Value::as_str) {
                            out.push(s.to_string());
                        }
                    }
                }
            }
        }
    });
}

/// SQL embedded in PL/pgSQL, parsed in the mode PL/pgSQL gives it (a statement, an expression,
/// an assignment `x := ...`). A string constant run by EXECUTE is SQL too.
fn scan_embedded(query: &str, mode: i64, found: &mut Found) {
    let options = match mode {
        3 => pg_query::ParserOptions::PLPGSQL_ASSIGN1,
        4 => pg_query::ParserOptions::PLPGSQL_ASSIGN2,
        5 => pg_query::ParserOptions::PLPGSQL_ASSIGN3,
        _ => {
            if scan_sql(query, found) {
                return;
            }
            pg_query::ParserOptions::PLPGSQL_EXPR
        }
    };
    let Ok(parsed) = pg_query::parse(query, options) else {
        return;
    };
    let Ok(tree) = serde_json::to_value(&parsed.protobuf) else {
        return;
    };
    walk(&tree, query, found);
    let mut literals = Vec::new();
    for_each_node(&tree, &mut |name, node| {
        if name == "AConst" {
            if let Some(s) = node.pointer("/val/Sval/sval").and_then(Value::as_str) {
                literals.push(s.to_string());
            }
        }
    });
    for literal in literals {
        scan_sql(&literal, found);
    }
}

/// Parse `sql` as statements and look for issues; whether it parsed.
fn scan_sql(sql: &str, found: &mut Found) -> bool {
    let Ok(parsed) = pg_query::parse(sql, pg_query::ParserOptions::DEFAULT) else {
        tracing::debug!("SQL that does not parse is skipped");
        return false;
    };
    let Ok(tree) = serde_json::to_value(&parsed.protobuf) else {
        return false;
    };
    walk(&tree, sql, found);
    true
}

/// Call `f(node type, node)` for every node of a parse tree (serialised as JSON).
fn for_each_node(value: &Value, f: &mut impl FnMut(&str, &Value)) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key.starts_with(|c: char| c.is_ascii_uppercase()) && v.is_object() {
                    f(key, v);
                }
                for_each_node(v, f);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| for_each_node(v, f)),
        _ => {}
    }
}

fn int(node: &Value, key: &str) -> i64 {
    node.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn last_name(list: Option<&Value>) -> Option<String> {
    list?
        .as_array()?
        .last()?
        .pointer("/node/String/sval")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
}

/// The detectors, over every node of one parsed text.
fn walk(tree: &Value, sql: &str, found: &mut Found) {
    for_each_node(tree, &mut |name, node| match name {
        "FuncCall" => {
            let Some(func) = last_name(node.get("funcname")) else {
                return;
            };
            let f = func.as_str();
            if f.starts_with("pg_advisory_") || f.starts_with("pg_try_advisory_") {
                found.add(ADVISORY_LOCKS, sql);
            } else if XML_FUNCTION_NAMES.contains(&f) {
                found.add(XML_FUNCTIONS, sql);
            } else if matches!(f, "regexp_count" | "regexp_instr" | "regexp_like") {
                found.add(REGEX_FUNCTIONS, sql);
            } else if f == "any_value" {
                found.add(ANY_VALUE_AGGREGATE_FUNCTION, sql);
            } else if matches!(f, "range_agg" | "range_intersect_agg") {
                found.add(RANGE_AGGREGATE_FUNCTION, sql);
            } else if LARGE_OBJECT_FUNCTION_NAMES.contains(&f) {
                found.add(LARGE_OBJECT_FUNCTIONS, sql);
            } else if f == "pg_notify" {
                found.add(LISTEN_NOTIFY, sql);
            }
        }
        "ColumnRef" => {
            // A qualified or bare reference whose last field is a system column name.
            let field = last_name(node.get("fields"));
            match field.as_deref() {
                Some("ctid") => found.add(SYSTEM_COLUMN_CTID, sql),
                Some("xmin") => found.add(SYSTEM_COLUMN_XMIN, sql),
                Some("xmax") => found.add(SYSTEM_COLUMN_XMAX, sql),
                Some("cmin") => found.add(SYSTEM_COLUMN_CMIN, sql),
                Some("cmax") => found.add(SYSTEM_COLUMN_CMAX, sql),
                _ => {}
            }
        }
        "XmlExpr" | "XmlSerialize" | "RangeTableFunc" => found.add(XML_FUNCTIONS, sql),
        "JsonObjectConstructor"
        | "JsonArrayConstructor"
        | "JsonArrayQueryConstructor"
        | "JsonObjectAgg"
        | "JsonArrayAgg" => found.add(JSON_CONSTRUCTOR_FUNCTION, sql),
        "JsonFuncExpr" => {
            let op = int(node, "op");
            if [
                JsonExprOp::JsonQueryOp,
                JsonExprOp::JsonValueOp,
                JsonExprOp::JsonExistsOp,
                JsonExprOp::JsonTableOp,
            ]
            .iter()
            .any(|o| *o as i64 == op)
            {
                found.add(JSON_QUERY_FUNCTION, sql);
            }
        }
        "JsonTable" => found.add(JSON_QUERY_FUNCTION, sql),
        "JsonIsPredicate" => found.add(JSON_TYPE_PREDICATE, sql),
        "AIndirection" => {
            // Without column types, a subscript by a string constant ('key') is taken for jsonb
            // subscripting: array subscripts are integers.
            let by_text_key = node
                .get("indirection")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|ind| ind.pointer("/node/AIndices/uidx/node/AConst/val/Sval").is_some());
            if by_text_key {
                found.add(JSONB_SUBSCRIPTING, sql);
            }
        }
        "SelectStmt" if int(node, "limit_option") == LimitOption::WithTies as i64 => found.add(FETCH_WITH_TIES, sql),
        "CommonTableExpr" => {
            let m = int(node, "ctematerialized");
            if m == CteMaterialize::Always as i64 || m == CteMaterialize::Never as i64 {
                found.add(CTE_WITH_MATERIALIZED_CLAUSE, sql);
            }
        }
        "MergeStmt" => found.add(MERGE_STATEMENT, sql),
        // EXECUTE FUNCTION lo_manage(...): the trigger maintains large objects.
        "CreateTrigStmt"
            if last_name(node.get("funcname")).is_some_and(|f| LARGE_OBJECT_FUNCTION_NAMES.contains(&f.as_str())) =>
        {
            found.add(LARGE_OBJECT_FUNCTIONS, sql)
        }
        "CreatedbStmt" => {
            let database = node.get("dbname").and_then(Value::as_str).unwrap_or("").to_string();
            let options: Vec<String> = node
                .get("options")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| o.pointer("/node/DefElem/defname").and_then(Value::as_str))
                .map(str::to_ascii_lowercase)
                .collect();
            if options.iter().any(|o| DATABASE_OPTIONS_OF_PG15.contains(&o.as_str())) {
                found.add_about(DATABASE_OPTIONS_PG15, sql, database.clone());
            }
            if options.iter().any(|o| DATABASE_OPTIONS_OF_PG17.contains(&o.as_str())) {
                found.add_about(DATABASE_OPTIONS_PG17, sql, database);
            }
        }
        "ListenStmt" | "NotifyStmt" | "UnlistenStmt" => found.add(LISTEN_NOTIFY, sql),
        "AConst" if node.pointer("/val/Ival").is_some() => {
            let at = usize::try_from(int(node, "location")).unwrap_or(usize::MAX);
            let text = sql.get(at..at.saturating_add(2)).unwrap_or("").to_ascii_lowercase();
            if matches!(text.as_str(), "0x" | "0o" | "0b") {
                found.add(NON_DECIMAL_INTEGER_LITERAL, sql);
            }
        }
        "CopyStmt" => {
            if node.get("is_from").and_then(Value::as_bool) == Some(true)
                && node.get("where_clause").is_some_and(|w| !w.is_null())
            {
                found.add(COPY_FROM_WHERE, sql);
            }
            let options = node.get("options").and_then(Value::as_array).into_iter().flatten();
            if options
                .filter_map(|o| o.pointer("/node/DefElem/defname").and_then(Value::as_str))
                .any(|d| d == "on_error")
            {
                found.add(COPY_ON_ERROR, sql);
            }
        }
        "TransactionStmt" => {
            let kind = int(node, "kind");
            if [
                TransactionStmtKind::TransStmtPrepare,
                TransactionStmtKind::TransStmtCommitPrepared,
                TransactionStmtKind::TransStmtRollbackPrepared,
            ]
            .iter()
            .any(|k| *k as i64 == kind)
            {
                found.add(TWO_PHASE_COMMIT, sql);
            } else if [
                TransactionStmtKind::TransStmtSavepoint,
                TransactionStmtKind::TransStmtRelease,
                TransactionStmtKind::TransStmtRollbackTo,
            ]
            .iter()
            .any(|k| *k as i64 == kind)
            {
                found.add(SAVEPOINT_USAGE, sql);
            }
        }
        _ => {}
    });
}

#[cfg(test)]
mod tests;
