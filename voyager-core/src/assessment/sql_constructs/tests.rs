use super::*;

fn types(sql: &str, kind: SqlOriginKind) -> Vec<String> {
    let origin = SqlOrigin {
        kind,
        object_name: "s.o".into(),
    };
    let mut t: Vec<String> = sql_issues(sql, &origin).into_iter().map(|i| i.issue_type).collect();
    t.sort();
    t
}

fn q(sql: &str) -> Vec<String> {
    types(sql, SqlOriginKind::Query)
}

#[test]
fn query_constructs_each_found() {
    assert_eq!(q("SELECT pg_advisory_lock(1)"), ["ADVISORY_LOCKS"]);
    assert_eq!(q("SELECT pg_catalog.pg_try_advisory_xact_lock($1)"), ["ADVISORY_LOCKS"]);
    assert_eq!(
        q("SELECT ctid, xmin FROM t"),
        ["SYSTEM_COLUMN_CTID", "SYSTEM_COLUMN_XMIN"]
    );
    assert_eq!(
        q("SELECT t.xmax, t.cmin, cmax FROM t"),
        ["SYSTEM_COLUMN_CMAX", "SYSTEM_COLUMN_CMIN", "SYSTEM_COLUMN_XMAX"]
    );
    assert_eq!(q("SELECT xmlelement(name foo, 'x')"), ["XML_FUNCTIONS"]);
    assert_eq!(q("SELECT xpath('/a', doc) FROM d"), ["XML_FUNCTIONS"]);
    assert_eq!(
        q("SELECT * FROM XMLTABLE('/r' PASSING x COLUMNS a int PATH 'a')"),
        ["XML_FUNCTIONS"]
    );
    assert_eq!(q("SELECT regexp_count('aaa', 'a')"), ["REGEX_FUNCTIONS"]);
    assert_eq!(q("SELECT any_value(a) FROM t"), ["ANY_VALUE_AGGREGATE_FUNCTION"]);
    assert_eq!(q("SELECT range_agg(r) FROM t"), ["RANGE_AGGREGATE_FUNCTION"]);
    assert_eq!(q("SELECT JSON_OBJECT('a' VALUE 1)"), ["JSON_CONSTRUCTOR_FUNCTION"]);
    assert_eq!(q("SELECT JSON_ARRAYAGG(a) FROM t"), ["JSON_CONSTRUCTOR_FUNCTION"]);
    assert_eq!(q("SELECT JSON_VALUE(j, '$.a') FROM t"), ["JSON_QUERY_FUNCTION"]);
    assert_eq!(
        q("SELECT * FROM JSON_TABLE(j, '$' COLUMNS (a int PATH '$.a')) jt"),
        ["JSON_QUERY_FUNCTION"]
    );
    assert_eq!(q("SELECT j IS JSON OBJECT FROM t"), ["JSON_TYPE_PREDICATE"]);
    assert_eq!(q("SELECT data['key'] FROM t"), ["JSONB_SUBSCRIPTING"]);
    assert_eq!(q("SELECT lo_import('/tmp/x')"), ["LARGE_OBJECT_FUNCTIONS"]);
    assert_eq!(
        q("SELECT * FROM t ORDER BY a FETCH FIRST 2 ROWS WITH TIES"),
        ["FETCH_WITH_TIES"]
    );
    assert_eq!(
        q("WITH c AS MATERIALIZED (SELECT 1) SELECT * FROM c"),
        ["CTE_WITH_MATERIALIZED_CLAUSE"]
    );
    assert_eq!(
        q("WITH c AS NOT MATERIALIZED (SELECT 1) SELECT * FROM c"),
        ["CTE_WITH_MATERIALIZED_CLAUSE"]
    );
    assert_eq!(
        q("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"),
        ["MERGE_STATEMENT"]
    );
    assert_eq!(q("LISTEN ch"), ["LISTEN_NOTIFY"]);
    assert_eq!(q("NOTIFY ch, 'x'"), ["LISTEN_NOTIFY"]);
    assert_eq!(q("SELECT pg_notify('ch', 'x')"), ["LISTEN_NOTIFY"]);
    assert_eq!(q("SELECT 0x1F, 0o17, 0b101"), ["NON_DECIMAL_INTEGER_LITERAL"]);
    assert_eq!(q("COPY t FROM STDIN WHERE a > 1"), ["COPY_FROM_WHERE"]);
    assert_eq!(q("COPY t FROM STDIN (ON_ERROR ignore)"), ["COPY_ON_ERROR"]);
    assert_eq!(q("PREPARE TRANSACTION 'tx1'"), ["TWO_PHASE_COMMIT"]);
    assert_eq!(q("COMMIT PREPARED 'tx1'"), ["TWO_PHASE_COMMIT"]);
    assert_eq!(q("SAVEPOINT sp1"), ["SAVEPOINT_USAGE"]);
}

#[test]
fn nothing_in_ordinary_sql() {
    for sql in [
        "SELECT a, b FROM t WHERE id = $1",
        "SELECT arr[1], arr[2:3] FROM t",
        "SELECT 31, 017, 1e3, 'x0x1'",
        "WITH c AS (SELECT 1) SELECT * FROM c",
        "SELECT regexp_replace(a, 'x', 'y'), ctid_count, xmin_total FROM t",
        "SELECT * FROM t ORDER BY a LIMIT 2",
        "COPY t TO STDOUT",
        "BEGIN; COMMIT",
        "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
    ] {
        assert!(q(sql).is_empty(), "{sql}: {:?}", q(sql));
    }
}

#[test]
fn nested_in_subqueries_and_ctes() {
    assert_eq!(q("SELECT * FROM (SELECT ctid FROM t) s"), ["SYSTEM_COLUMN_CTID"]);
    assert_eq!(
        q("WITH c AS (SELECT pg_advisory_lock(1)) SELECT 1 WHERE EXISTS (SELECT * FROM c)"),
        ["ADVISORY_LOCKS"]
    );
}

#[test]
fn categories_and_objects_follow_the_origin() {
    let view = SqlOrigin {
        kind: SqlOriginKind::View,
        object_name: "s.v".into(),
    };
    let issues = sql_issues("SELECT xmin FROM t", &view);
    assert_eq!(issues[0].category, Category::UnsupportedFeatures);
    assert_eq!(
        (issues[0].object_type.as_str(), issues[0].object_name.as_str()),
        ("VIEW", "s.v")
    );
    let query = SqlOrigin {
        kind: SqlOriginKind::Query,
        object_name: String::new(),
    };
    let issues = sql_issues("SAVEPOINT a", &query);
    assert_eq!(issues[0].category, Category::MigrationCaveats);
    assert_eq!(issues[0].object_type, "DML_QUERY");
    assert_eq!(issues[0].sql_statement, "SAVEPOINT a");
}

#[test]
fn plpgsql_bodies() {
    let f = r#"CREATE OR REPLACE FUNCTION s.f(p integer) RETURNS SETOF integer LANGUAGE plpgsql AS $function$
DECLARE n integer;
BEGIN
    PERFORM pg_advisory_xact_lock(p);
    IF p > 0 THEN
        LOOP
            SELECT count(*) INTO n FROM t WHERE t.ctid IS NOT NULL;
            EXIT;
        END LOOP;
    END IF;
    EXECUTE 'LISTEN my_channel';
    RETURN QUERY SELECT regexp_like('a', 'a')::int;
    RETURN;
END;
$function$"#;
    let issues = sql_issues(
        f,
        &SqlOrigin {
            kind: SqlOriginKind::Function,
            object_name: "s.f".into(),
        },
    );
    let mut t: Vec<&str> = issues.iter().map(|i| i.issue_type.as_str()).collect();
    t.sort();
    assert_eq!(
        t,
        [
            "ADVISORY_LOCKS",
            "LISTEN_NOTIFY",
            "REGEX_FUNCTIONS",
            "SYSTEM_COLUMN_CTID"
        ]
    );
    assert!(issues
        .iter()
        .all(|i| i.category == Category::UnsupportedPlpgsqlObjects && i.object_type == "FUNCTION"));
    let lock = issues.iter().find(|i| i.issue_type == "ADVISORY_LOCKS").unwrap();
    assert!(
        lock.sql_statement.contains("pg_advisory_xact_lock"),
        "{}",
        lock.sql_statement
    );
}

#[test]
fn sql_language_bodies() {
    let quoted = "CREATE FUNCTION s.g() RETURNS bigint LANGUAGE sql AS $$ SELECT lo_creat(-1)::bigint $$";
    assert_eq!(types(quoted, SqlOriginKind::Function), ["LARGE_OBJECT_FUNCTIONS"]);
    let atomic = "CREATE FUNCTION s.h() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT xmin::text::int FROM t; END";
    assert_eq!(types(atomic, SqlOriginKind::Procedure), ["SYSTEM_COLUMN_XMIN"]);
}

#[test]
fn garbage_huge_and_deep_input_give_nothing() {
    assert!(q("this is not sql at all ((((").is_empty());
    assert!(q("").is_empty());
    let huge = format!("SELECT {}", "1+".repeat(600_000));
    assert!(q(&huge).is_empty());
    let deep = format!("SELECT {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(q(&deep).is_empty());
    assert!(types("CREATE FUNCTION broken(", SqlOriginKind::Function).is_empty());
}
