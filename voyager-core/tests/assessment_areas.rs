//! The assessment engine against real databases, one per area: the exact issues found, type
//! and object, for every type the catalogs tell.

mod support;

use std::collections::BTreeSet;

use support::*;
use voyager_core::assessment::{assess_database, AssessOptions, AssessmentReport, Category};

async fn assess_with(db: &TestDb, options: AssessOptions) -> AssessmentReport {
    let client = db.admin().await;
    assess_database(&client, &options).await.expect("assessment runs")
}

/// A YugabyteDB release with none of the recorded fixes, so that every detection shows.
const BEFORE_ANY_FIX: &str = "2.20.0.0";

fn before_any_fix() -> AssessOptions {
    AssessOptions {
        target_db_version: BEFORE_ANY_FIX.into(),
        ..Default::default()
    }
}

async fn assess(name: &str, setup: &str) -> (TestDb, AssessmentReport) {
    let db = TestDb::create(name, setup).await;
    let report = assess_with(&db, before_any_fix()).await;
    // Every area's report is backed by pg_dump's view of the same database.
    pg_dump::assert_parity(&db, &report);
    assert_statements_parse(&report);
    (db, report)
}

/// Every SqlStatement of the report is SQL PostgreSQL's parser takes: the ones made up from the
/// catalogs too, names quoted (a function's is the PL/pgSQL statement it was found in).
fn assert_statements_parse(report: &AssessmentReport) {
    for issue in report
        .assessment_issues
        .iter()
        .filter(|i| !i.sql_statement.is_empty() && !matches!(i.object_type.as_str(), "FUNCTION" | "PROCEDURE"))
    {
        assert!(
            pg_query::parse(&issue.sql_statement, pg_query::ParserOptions::DEFAULT).is_ok(),
            "{} on {}: not SQL: {}",
            issue.issue_type,
            issue.object_name,
            issue.sql_statement
        );
    }
}

fn found(report: &AssessmentReport) -> BTreeSet<(String, String)> {
    report
        .assessment_issues
        .iter()
        .map(|i| (i.issue_type.clone(), i.object_name.clone()))
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

fn without_performance(report: &AssessmentReport) -> BTreeSet<(String, String)> {
    report
        .assessment_issues
        .iter()
        .filter(|i| i.category != Category::PerformanceOptimizations)
        .map(|i| (i.issue_type.clone(), i.object_name.clone()))
        .collect()
}

#[tokio::test]
async fn datatypes() {
    let (db, report) = assess(
        "va_datatypes",
        "CREATE TYPE mood AS ENUM ('ok', 'sad');
         CREATE TYPE pair AS (a int, b int);
         CREATE DOMAIN posint AS int CHECK (VALUE > 0);
         CREATE TYPE floatrange AS RANGE (subtype = float8);
         CREATE TABLE t (id int PRIMARY KEY, x xml, xs xml[], i xid, l pg_lsn, s txid_snapshot, m int4multirange,
             dm datemultirange, p point, ln line, sg lseg, bx box, pa path, pg polygon, c circle, tz timetz,
             q tsquery, md mood, pr pair, prs pair[], dn posint, fr floatrange, ok_text text, ok_json jsonb);",
    )
    .await;
    let expected = set(&[
        ("UNSUPPORTED_DATATYPE_XML", "public.t.x"),
        ("UNSUPPORTED_DATATYPE_XML", "public.t.xs"),
        ("UNSUPPORTED_DATATYPE_XID", "public.t.i"),
        ("UNSUPPORTED_DATATYPE_PG_LSN", "public.t.l"),
        ("UNSUPPORTED_DATATYPE_TXID_SNAPSHOT", "public.t.s"),
        ("UNSUPPORTED_DATATYPE_INT4MULTIRANGE", "public.t.m"),
        ("UNSUPPORTED_DATATYPE_DATEMULTIRANGE", "public.t.dm"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_POINT", "public.t.p"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_LINE", "public.t.ln"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_LSEG", "public.t.sg"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_BOX", "public.t.bx"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_PATH", "public.t.pa"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_POLYGON", "public.t.pg"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_CIRCLE", "public.t.c"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_TIMETZ", "public.t.tz"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_WITH_FF_FB_TSQUERY", "public.t.q"),
        // Composite types only: not the enum, the domain or the range.
        (
            "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_WITH_FF_FB_USER_DEFINED",
            "public.t.pr",
        ),
        (
            "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_WITH_FF_FB_USER_DEFINED",
            "public.t.prs",
        ),
    ]);
    assert_eq!(found(&report), expected);
    assert_eq!(report.migration_complexity, "HIGH", "7 LEVEL_3 issues");
    // Multiranges are fixed in 2.25 and the stable series after it: a report for those releases
    // (the default target among them) leaves them out.
    for target in ["2.25.1.0", "2025.1.0.0", "2025.2.1.0"] {
        let newer = assess_with(
            &db,
            AssessOptions {
                target_db_version: target.into(),
                ..Default::default()
            },
        )
        .await;
        assert!(!found(&newer).iter().any(|(t, _)| t.contains("MULTIRANGE")), "{target}");
        assert_eq!(found(&newer).len(), expected.len() - 2, "{target}");
    }
    let default = assess_with(&db, AssessOptions::default()).await;
    assert_eq!(found(&default).len(), expected.len() - 2);
    db.drop().await;
}

#[tokio::test]
async fn constraints_and_keys() {
    let (db, report) = assess(
        "va_constraints",
        "CREATE TABLE parent (id bigint PRIMARY KEY, code text, CONSTRAINT code_key UNIQUE (code) DEFERRABLE);
         CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent(id));
         CREATE TABLE booking (id int PRIMARY KEY, during tsrange, EXCLUDE USING gist (during WITH &&));
         CREATE TABLE nopk (a int NOT NULL, b int NOT NULL, UNIQUE (a, b));
         CREATE TABLE addr (ip inet PRIMARY KEY, tags text[], doc jsonb);
         CREATE INDEX addr_doc ON addr (doc);
         CREATE INDEX addr_tags ON addr (tags);",
    )
    .await;
    let expected = set(&[
        ("DEFERRABLE_CONSTRAINTS", "public.parent.code_key"),
        ("EXCLUSION_CONSTRAINTS", "public.booking.booking_during_excl"),
        ("UNSUPPORTED_GIST_INDEX_METHOD", "public.booking_during_excl"),
        ("FOREIGN_KEY_DATATYPE_MISMATCH", "public.child.child_parent_id_fkey"),
        ("MISSING_FOREIGN_KEY_INDEX", "public.child.child_parent_id_fkey"),
        ("MISSING_PRIMARY_KEY_WHEN_UNIQUE_NOT_NULL", "public.nopk"),
        ("PK_UK_ON_INET_DATATYPE", "public.addr_pkey"),
        ("INDEX_ON_JSONB_DATATYPE", "public.addr_doc"),
        ("INDEX_ON_ARRAY_DATATYPE", "public.addr_tags"),
    ]);
    assert_eq!(found(&report), expected);
    db.drop().await;
}

#[tokio::test]
async fn indexes() {
    let (db, report) = assess(
        "va_indexes",
        "CREATE TABLE ev (id int PRIMARY KEY, at timestamptz, day date, body tsvector, title tsvector, pt point, n int, k int);
         CREATE INDEX ev_brin ON ev USING brin (n);
         CREATE INDEX ev_spgist ON ev USING spgist (pt);
         CREATE INDEX ev_gin2 ON ev USING gin (body, title);
         CREATE INDEX ev_ff ON ev (k) WITH (fillfactor = 70);
         CREATE INDEX ev_at ON ev (at);
         CREATE INDEX ev_day ON ev (day);
         CREATE INDEX ev_n ON ev (n);
         CREATE INDEX ev_n_k ON ev (n, k);
         CREATE UNIQUE INDEX ev_nnd ON ev (id, k) NULLS NOT DISTINCT;
         CREATE TABLE ts (at timestamp PRIMARY KEY);
         CLUSTER ev USING ev_n_k;",
    )
    .await;
    let expected = set(&[
        ("UNSUPPORTED_BRIN_INDEX_METHOD", "public.ev_brin"),
        ("UNSUPPORTED_SPGIST_INDEX_METHOD", "public.ev_spgist"),
        ("UNSUPPORTED_DATATYPE_LIVE_MIGRATION_POINT", "public.ev.pt"),
        ("MULTI_COLUMN_GIN_INDEX", "public.ev_gin2"),
        ("STORAGE_PARAMETERS", "public.ev_ff"),
        ("HOTSPOTS_ON_TIMESTAMP_INDEX", "public.ev_at"),
        ("HOTSPOTS_ON_DATE_INDEX", "public.ev_day"),
        ("HOTSPOTS_ON_TIMESTAMP_PK_UK", "public.ts_pkey"),
        ("REDUNDANT_INDEXES", "public.ev_n"),
        ("UNIQUE_NULLS_NOT_DISTINCT", "public.ev_nnd"),
        ("ALTER_TABLE_CLUSTER_ON", "public.ev_n_k"),
    ]);
    assert_eq!(found(&report), expected);
    db.drop().await;
}

#[tokio::test]
async fn partitions_and_inheritance() {
    let (db, report) = assess(
        "va_partitions",
        "CREATE TABLE sales (region text, amount int) PARTITION BY LIST (region);
         CREATE TABLE m (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
         CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
         CREATE TABLE ref (id int PRIMARY KEY, m_id int, m_at date, FOREIGN KEY (m_id, m_at) REFERENCES m (id, at));
         CREATE INDEX ref_m ON ref (m_id, m_at);
         CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER m_before BEFORE INSERT ON m FOR EACH ROW EXECUTE FUNCTION noop();
         CREATE TABLE base (id int PRIMARY KEY);
         CREATE TABLE derived (extra int) INHERITS (base);",
    )
    .await;
    let expected = set(&[
        ("ALTER_TABLE_ADD_PK_ON_PARTITIONED_TABLE", "public.m"),
        (
            "FOREIGN_KEY_REFERENCED_PARTITIONED_TABLE",
            "public.ref.ref_m_id_m_at_fkey",
        ),
        ("BEFORE_ROW_TRIGGER_ON_PARTITIONED_TABLE", "public.m.m_before"),
        ("INHERITANCE", "public.derived"),
    ]);
    assert_eq!(found(&report), expected);
    db.drop().await;
}

#[tokio::test]
async fn triggers_policies_rules_and_table_options() {
    let (db, report) = assess(
        "va_triggers",
        "CREATE ROLE va_reader;
         CREATE TABLE acct (id int PRIMARY KEY, owner text, total int GENERATED ALWAYS AS (id * 2) STORED,
                            note text COMPRESSION pglz) WITH (fillfactor = 80);
         ALTER TABLE acct ALTER COLUMN owner SET (n_distinct = 100);
         CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY);
         CREATE FUNCTION chk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
         CREATE CONSTRAINT TRIGGER acct_ct AFTER INSERT ON acct FOR EACH ROW EXECUTE FUNCTION chk();
         CREATE TRIGGER acct_ref AFTER UPDATE ON acct REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION chk();
         ALTER TABLE acct ENABLE ROW LEVEL SECURITY;
         CREATE POLICY acct_readers ON acct FOR SELECT TO va_reader USING (true);
         CREATE POLICY acct_all ON acct USING (true);
         CREATE RULE scratch_noop AS ON INSERT TO scratch DO ALSO NOTHING;
         ALTER TABLE scratch DISABLE RULE scratch_noop;",
    )
    .await;
    let expected = set(&[
        ("STORED_GENERATED_COLUMNS", "public.acct"),
        ("COMPRESSION_CLAUSE_IN_TABLE", "public.acct"),
        ("STORAGE_PARAMETERS", "public.acct"),
        ("ALTER_TABLE_SET_COLUMN_ATTRIBUTE", "public.acct.owner"),
        ("UNLOGGED_TABLES", "public.scratch"),
        ("CONSTRAINT_TRIGGER", "public.acct.acct_ct"),
        ("REFERENCING_CLAUSE_IN_TRIGGER", "public.acct.acct_ref"),
        ("POLICY_WITH_ROLES", "public.acct.acct_readers"),
        ("ALTER_TABLE_DISABLE_RULE", "public.scratch"),
    ]);
    assert_eq!(found(&report), expected);
    db.drop().await;
    let _ = source_admin()
        .await
        .batch_execute("DROP ROLE IF EXISTS va_reader")
        .await;
}

#[tokio::test]
async fn views_and_materialized_views() {
    // The wheels' servers (16, 18) are built without libxml: no XML functions there.
    let xml = source_has_libxml("views_and_materialized_views").await;
    let (db, report) = assess(
        "va_views",
        &format!(
            "CREATE TYPE pair AS (a int, b int);
         CREATE TYPE mood AS ENUM ('ok', 'sad');
         CREATE TABLE t (id int PRIMARY KEY, a text, doc xml);
         CREATE VIEW v_doc AS SELECT id, doc FROM t;
         CREATE VIEW v_pair AS SELECT id, ROW(id, id)::pair AS p, 'ok'::mood AS m FROM t;
         CREATE VIEW v_invoker WITH (security_invoker = true) AS SELECT id FROM t;
         CREATE VIEW v_check AS SELECT id, a FROM t WHERE id > 0 WITH CHECK OPTION;
         CREATE VIEW v_sys AS SELECT id, xmin AS x FROM t;
         CREATE VIEW v_regex AS SELECT regexp_count(a, 'x') AS n FROM t;
         {}
         CREATE VIEW v_clean AS SELECT id, upper(a) AS a FROM t;",
            if xml {
                "CREATE MATERIALIZED VIEW mv_xml AS SELECT xmlelement(name r, a) AS e FROM t;"
            } else {
                ""
            }
        ),
    )
    .await;
    let mut expected = set(&[
        ("UNSUPPORTED_DATATYPE_XML", "public.t.doc"),
        ("SECURITY_INVOKER_VIEWS", "public.v_invoker"),
        ("VIEW_WITH_CHECK_OPTION", "public.v_check"),
        ("SYSTEM_COLUMN_XMIN", "public.v_sys"),
        ("REGEX_FUNCTIONS", "public.v_regex"),
        // The columns of views, as of materialized views.
        ("UNSUPPORTED_DATATYPE_XML", "public.v_doc.doc"),
        ("UNSUPPORTED_DATATYPE_XID", "public.v_sys.x"),
        (
            "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_WITH_FF_FB_USER_DEFINED",
            "public.v_pair.p",
        ),
    ]);
    if xml {
        expected.extend(set(&[
            ("XML_FUNCTIONS", "public.mv_xml"),
            ("UNSUPPORTED_DATATYPE_XML", "public.mv_xml.e"),
        ]));
    }
    assert_eq!(found(&report), expected);
    let view_issue = report
        .assessment_issues
        .iter()
        .find(|i| i.issue_type == "SYSTEM_COLUMN_XMIN")
        .unwrap();
    assert_eq!(
        (view_issue.object_type.as_str(), view_issue.category),
        ("VIEW", Category::UnsupportedFeatures)
    );
    assert!(
        view_issue.sql_statement.contains("xmin"),
        "{}",
        view_issue.sql_statement
    );
    db.drop().await;
}

#[tokio::test]
async fn functions_and_procedures() {
    let (db, report) = assess(
        "va_plpgsql",
        "CREATE TABLE t (id int PRIMARY KEY);
         CREATE FUNCTION lock_it(k bigint) RETURNS void LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_advisory_xact_lock(k); END $$;
         CREATE PROCEDURE load_blob(path text) LANGUAGE plpgsql AS $$
         DECLARE o oid; BEGIN o := lo_import(path); END $$;
         CREATE FUNCTION atomic_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM t; END;
         CREATE FUNCTION notify_it() RETURNS void LANGUAGE sql AS $$ SELECT pg_notify('c', 'x') $$;
         CREATE FUNCTION clean(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN x + 1; END $$;",
    )
    .await;
    let expected = set(&[
        ("ADVISORY_LOCKS", "public.lock_it"),
        ("LARGE_OBJECT_FUNCTIONS", "public.load_blob"),
        ("SQL_BODY_IN_FUNCTION", "public.atomic_count"),
        ("LISTEN_NOTIFY", "public.notify_it"),
    ]);
    assert_eq!(found(&report), expected);
    let proc = report
        .assessment_issues
        .iter()
        .find(|i| i.issue_type == "LARGE_OBJECT_FUNCTIONS")
        .unwrap();
    assert_eq!(
        (proc.object_type.as_str(), proc.category),
        ("PROCEDURE", Category::UnsupportedPlpgsqlObjects)
    );
    db.drop().await;
}

#[tokio::test]
async fn extensions_collations_conversions() {
    // The wheels' servers (16, 18) ship neither hstore nor pageinspect, nor ICU.
    const TEST: &str = "extensions_collations_conversions";
    let mut setup = String::from("CREATE CONVERSION my_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;");
    let mut expected = vec![("CREATE_CONVERSION", "public.my_conv")];
    if source_has_extension(TEST, "hstore").await {
        setup.push_str("CREATE EXTENSION hstore;");
    }
    if source_has_extension(TEST, "pageinspect").await {
        setup.push_str("CREATE EXTENSION pageinspect;");
        expected.push(("UNSUPPORTED_EXTENSION", "pageinspect"));
    }
    if source_has_icu(TEST).await {
        setup.push_str("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);");
        expected.push(("NON_DETERMINISTIC_COLLATION", "public.ci"));
    }
    let (db, report) = assess("va_extensions", &setup).await;
    assert_eq!(found(&report), set(&expected));
    db.drop().await;
}

#[tokio::test]
async fn workload_queries_from_pg_stat_statements() {
    if !source_has_extension("workload_queries_from_pg_stat_statements", "pg_stat_statements").await {
        return;
    }
    let db = TestDb::create(
        "va_workload",
        "CREATE EXTENSION pg_stat_statements; CREATE TABLE t (id int PRIMARY KEY, doc jsonb);
         INSERT INTO t SELECT g, '{}' FROM generate_series(1, 10) g;",
    )
    .await;
    let c = db.admin().await;
    c.batch_execute(
        "SELECT pg_advisory_lock(42); SELECT pg_advisory_unlock(42);
         SELECT ctid, id FROM t WHERE id = 1;
         WITH x AS MATERIALIZED (SELECT id FROM t) SELECT count(*) FROM x;
         SELECT id FROM t ORDER BY id FETCH FIRST 1 ROWS WITH TIES;",
    )
    .await
    .unwrap();
    let report = assess_with(&db, before_any_fix()).await;
    let queries: BTreeSet<String> = report
        .assessment_issues
        .iter()
        .filter(|i| i.category == Category::UnsupportedQueryConstructs)
        .map(|i| i.issue_type.clone())
        .collect();
    let expected: BTreeSet<String> = [
        "ADVISORY_LOCKS",
        "SYSTEM_COLUMN_CTID",
        "CTE_WITH_MATERIALIZED_CLAUSE",
        "FETCH_WITH_TIES",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(queries, expected);
    assert!(report
        .assessment_issues
        .iter()
        .filter(|i| i.category == Category::UnsupportedQueryConstructs)
        .all(|i| i.object_type == "DML_QUERY"));
    db.drop().await;
}

#[tokio::test]
async fn performance_from_statistics() {
    let (db, report) = assess(
        "va_performance",
        "CREATE TABLE p (id int PRIMARY KEY, status int, maybe int, skew int);
         INSERT INTO p SELECT g, g % 3, CASE WHEN g % 10 < 7 THEN NULL ELSE g END, CASE WHEN g % 10 < 8 THEN 1 ELSE g END
           FROM generate_series(1, 5000) g;
         CREATE INDEX p_status ON p (status);
         CREATE INDEX p_maybe ON p (maybe);
         CREATE INDEX p_skew ON p (skew);
         ANALYZE p;",
    )
    .await;
    let expected = set(&[
        ("INDEX_ON_LOW_CARDINALITY_COLUMN", "public.p_status"),
        ("INDEX_ON_COLUMN_WITH_HIGH_PERCENTAGE_OF_NULL_VALUES", "public.p_maybe"),
        (
            "INDEX_ON_COLUMN_WITH_HIGH_PERCENTAGE_OF_PARTICULAR_VALUE",
            "public.p_skew",
        ),
    ]);
    assert_eq!(found(&report), expected);
    db.drop().await;
}

/// pgbench's schema plus common types, keys and indexes: nothing outside
/// performance_optimizations.
#[tokio::test]
async fn a_clean_realistic_schema_has_no_blocking_issue() {
    let (db, report) = assess(
        "va_clean",
        "CREATE TABLE pgbench_branches (bid int NOT NULL PRIMARY KEY, bbalance int, filler char(88));
         CREATE TABLE pgbench_tellers (tid int NOT NULL PRIMARY KEY, bid int, tbalance int, filler char(84));
         CREATE TABLE pgbench_accounts (aid int NOT NULL PRIMARY KEY, bid int, abalance int, filler char(84));
         CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
         CREATE TABLE customers (id uuid PRIMARY KEY, email text NOT NULL, name varchar(200), born date,
             balance numeric(12,2), active boolean DEFAULT true, prefs jsonb, tags text[], created timestamptz DEFAULT now());
         CREATE UNIQUE INDEX customers_email ON customers (lower(email));
         CREATE INDEX customers_prefs ON customers USING gin (prefs);
         CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id uuid NOT NULL REFERENCES customers(id), total numeric(12,2));
         CREATE INDEX orders_customer ON orders (customer_id);
         CREATE SEQUENCE invoice_numbers;
         CREATE VIEW big_orders AS SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 1000;
         CREATE FUNCTION order_total(oid bigint) RETURNS numeric LANGUAGE plpgsql AS $$
         DECLARE t numeric; BEGIN SELECT total INTO t FROM orders WHERE id = oid; RETURN t; END $$;",
    )
    .await;
    assert!(
        without_performance(&report).is_empty(),
        "{:?}",
        without_performance(&report)
    );
    assert_eq!(report.migration_complexity, "LOW");
    assert_eq!(report.schema_summary.schema_names, vec!["public".to_string()]);
    let tables = report
        .schema_summary
        .database_objects
        .iter()
        .find(|o| o.object_type == "TABLE")
        .unwrap();
    assert_eq!(tables.total_count, 6);
    db.drop().await;
}

/// A unique index (not a constraint) on NOT NULL columns stands for a primary key; a partial
/// one or one on a nullable column does not. Expression indexes are judged by the type of the
/// expression. A multi-column index led by a column dominated by one value is reported.
#[tokio::test]
async fn unique_indexes_expression_indexes_and_skewed_leading_columns() {
    let (db, report) = assess(
        "va_gaps",
        "CREATE TABLE u (a int NOT NULL, b text);
         CREATE UNIQUE INDEX u_a ON u (a);
         CREATE TABLE up (a int NOT NULL);
         CREATE UNIQUE INDEX up_a ON up (a) WHERE a > 0;
         CREATE TABLE un (a int);
         CREATE UNIQUE INDEX un_a ON un (a);
         CREATE TABLE docs (id int PRIMARY KEY, body text, data jsonb);
         CREATE INDEX docs_json ON docs ((body::jsonb));
         CREATE INDEX docs_field ON docs ((data -> 'k'));
         CREATE INDEX docs_arr ON docs ((string_to_array(body, ',')));
         CREATE INDEX docs_lower ON docs (lower(body));
         CREATE TABLE sk (id int PRIMARY KEY, status int, k int);
         INSERT INTO sk SELECT g, CASE WHEN g % 10 < 8 THEN 1 ELSE g END, g FROM generate_series(1, 5000) g;
         CREATE INDEX sk_status_k ON sk (status, k);
         ANALYZE sk;",
    )
    .await;
    let expected = set(&[
        ("MISSING_PRIMARY_KEY_WHEN_UNIQUE_NOT_NULL", "public.u"),
        ("INDEX_ON_JSONB_DATATYPE", "public.docs_json"),
        ("INDEX_ON_JSONB_DATATYPE", "public.docs_field"),
        ("INDEX_ON_ARRAY_DATATYPE", "public.docs_arr"),
        (
            "INDEX_ON_COLUMN_WITH_HIGH_PERCENTAGE_OF_PARTICULAR_VALUE",
            "public.sk_status_k",
        ),
    ]);
    assert_eq!(found(&report), expected);
    db.drop().await;
}

/// The `lo` extension: its type is a large object column, and a trigger running lo_manage uses
/// large object functions. Skipped, saying so, where the server lacks the extension.
#[tokio::test]
async fn large_objects_of_the_lo_extension() {
    let db = TestDb::create("va_lo", "").await;
    if let Err(e) = db.admin().await.batch_execute("CREATE EXTENSION lo").await {
        eprintln!("skipped: this server cannot create the lo extension ({e})");
        db.drop().await;
        return;
    }
    db.admin()
        .await
        .batch_execute(
            "CREATE TABLE image (title text PRIMARY KEY, raster lo);
             CREATE TRIGGER t_raster BEFORE UPDATE OR DELETE ON image
                 FOR EACH ROW EXECUTE FUNCTION lo_manage(raster);",
        )
        .await
        .unwrap();
    let report = assess_with(&db, before_any_fix()).await;
    assert_statements_parse(&report);
    let expected = set(&[
        ("UNSUPPORTED_DATATYPE_LARGE_OBJECT", "public.image.raster"),
        ("LARGE_OBJECT_FUNCTIONS", "public.image.t_raster"),
    ]);
    assert_eq!(found(&report), expected);
    let trigger = report
        .assessment_issues
        .iter()
        .find(|i| i.issue_type == "LARGE_OBJECT_FUNCTIONS")
        .unwrap();
    assert_eq!(
        (trigger.object_type.as_str(), trigger.category),
        ("TRIGGER", Category::UnsupportedFeatures)
    );
    assert!(
        trigger.sql_statement.contains("lo_manage("),
        "{}",
        trigger.sql_statement
    );
    db.drop().await;
}

/// The workload is queries, on the assessed schemas: DDL recorded by pg_stat_statements is not
/// (CREATE DATABASE aside, whose options are reported), nor a query naming only other schemas.
#[tokio::test]
async fn workload_is_the_queries_on_the_assessed_schemas() {
    if !source_has_extension("workload_is_the_queries_on_the_assessed_schemas", "pg_stat_statements").await {
        return;
    }
    let db = TestDb::create(
        "va_workload_scope",
        "CREATE EXTENSION pg_stat_statements;
         CREATE SCHEMA app; CREATE SCHEMA other;
         CREATE TABLE app.t (id int PRIMARY KEY); CREATE TABLE other.t (id int PRIMARY KEY);",
    )
    .await;
    let c = db.admin().await;
    c.batch_execute(
        "SELECT ctid, id FROM app.t; SELECT xmin, id FROM other.t;
         CREATE VIEW app.v AS SELECT xmax AS x, id FROM app.t;",
    )
    .await
    .unwrap();
    let _ = source_admin()
        .await
        .batch_execute("DROP DATABASE IF EXISTS va_icu_created")
        .await;
    c.batch_execute("CREATE DATABASE va_icu_created LOCALE_PROVIDER icu ICU_LOCALE 'und' TEMPLATE template0")
        .await
        .unwrap();
    c.batch_execute("DROP DATABASE va_icu_created").await.unwrap();
    let report = assess_with(
        &db,
        AssessOptions {
            schemas: Some(vec!["app".into()]),
            ..before_any_fix()
        },
    )
    .await;
    assert_statements_parse(&report);
    let queries: BTreeSet<String> = report
        .assessment_issues
        .iter()
        .filter(|i| i.object_type == "DML_QUERY")
        .map(|i| i.issue_type.clone())
        .collect();
    assert_eq!(queries, BTreeSet::from(["SYSTEM_COLUMN_CTID".to_string()]));
    let expected = set(&[
        ("SYSTEM_COLUMN_CTID", ""),
        ("SYSTEM_COLUMN_XMAX", "app.v"),
        ("UNSUPPORTED_DATATYPE_XID", "app.v.x"),
        ("DATABASE_OPTIONS_PG15", "va_icu_created"),
    ]);
    assert_eq!(found(&report), expected);
    let options = report
        .assessment_issues
        .iter()
        .find(|i| i.issue_type == "DATABASE_OPTIONS_PG15")
        .unwrap();
    assert_eq!(options.object_type, "DATABASE");
    assert!(
        options.sql_statement.contains("LOCALE_PROVIDER icu"),
        "{}",
        options.sql_statement
    );
    db.drop().await;
}

/// The SqlStatement made up from the catalogs is the real statement, names quoted: running it
/// on the server works.
#[tokio::test]
async fn made_up_statements_are_real_quoted_sql() {
    let (db, report) = assess(
        "va_quoting",
        r#"CREATE TABLE "WITH" (id int PRIMARY KEY) WITH (fillfactor = 80);
           CREATE TABLE "Order Lines" (id int PRIMARY KEY, "select" int,
               CONSTRAINT "unique" UNIQUE ("select") DEFERRABLE);
           CREATE TABLE "Base" (id int PRIMARY KEY);
           CREATE TABLE "Kid" (extra int) INHERITS ("Base");"#,
    )
    .await;
    let sql_of = |t: &str| {
        report
            .assessment_issues
            .iter()
            .find(|i| i.issue_type == t)
            .unwrap_or_else(|| panic!("no {t}"))
            .sql_statement
            .clone()
    };
    assert_eq!(
        sql_of("STORAGE_PARAMETERS"),
        r#"ALTER TABLE public."WITH" SET (fillfactor=80)"#
    );
    assert_eq!(
        sql_of("DEFERRABLE_CONSTRAINTS"),
        r#"ALTER TABLE public."Order Lines" ADD CONSTRAINT "unique" UNIQUE ("select") DEFERRABLE"#
    );
    assert_eq!(
        sql_of("INHERITANCE"),
        r#"ALTER TABLE public."Kid" INHERIT public."Base""#
    );
    let admin = db.admin().await;
    admin
        .batch_execute(&sql_of("STORAGE_PARAMETERS"))
        .await
        .expect("the statement runs as it is");
    admin
        .batch_execute(&format!(
            r#"ALTER TABLE "Order Lines" DROP CONSTRAINT "unique"; {}"#,
            sql_of("DEFERRABLE_CONSTRAINTS")
        ))
        .await
        .expect("the statement runs as it is");
    db.drop().await;
}
