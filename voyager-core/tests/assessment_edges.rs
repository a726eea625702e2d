//! The assessment at its edges: a user with few privileges, hostile names, an empty database,
//! a database that goes away, and a query count that does not grow with the schema.

mod support;

use support::*;
use voyager_core::assess_migration::{AssessRequest, Plan};
use voyager_core::assessment::{assess_database, AssessOptions};
use voyager_core::connection::{ConnectionString, LibpqEnv};
use voyager_core::ErrorKind;

#[tokio::test]
async fn a_user_with_few_privileges_gets_a_partial_report_with_notes() {
    // Without pg_stat_statements in the server's build (16, 18 here), the query check is
    // skipped because the extension is missing rather than unreadable; the note says so too.
    let statements = if source_has_extension("a_user_with_few_privileges", "pg_stat_statements").await {
        "CREATE EXTENSION pg_stat_statements;
         REVOKE EXECUTE ON FUNCTION pg_stat_statements(boolean) FROM PUBLIC;"
    } else {
        ""
    };
    let db = TestDb::create(
        "ve_privileges",
        &format!(
            "{statements}
         CREATE TABLE secret (id int PRIMARY KEY, doc xml, n int);
         INSERT INTO secret SELECT g, NULL, g % 2 FROM generate_series(1, 100) g;
         CREATE INDEX secret_n ON secret (n);
         ANALYZE secret;
         REVOKE ALL ON secret FROM PUBLIC;
         DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 've_weak') THEN
            CREATE ROLE ve_weak LOGIN PASSWORD 'weak-pw'; END IF; END $$;"
        ),
    )
    .await;
    let url = format!(
        "postgresql://ve_weak:weak-pw@{}:{}/{}",
        source_host(),
        source_port(),
        db.name
    );
    let client = ConnectionString::parse(&url)
        .unwrap()
        .resolve(&LibpqEnv::empty())
        .connect(TIMEOUT)
        .await
        .unwrap();
    let report = assess_database(&client, &AssessOptions::default())
        .await
        .expect("a partial report, not a failure");
    assert!(
        report
            .assessment_issues
            .iter()
            .any(|i| i.issue_type == "UNSUPPORTED_DATATYPE_XML"),
        "catalogs still tell types"
    );
    let skipped: Vec<String> = report.summary.skipped_checks.iter().map(|s| s.line()).collect();
    let skipped = skipped.join("\n");
    assert!(report.summary.partial);
    assert!(skipped.contains("pg_stats"), "{skipped}");
    assert!(skipped.contains("pg_stat_statements"), "{skipped}");
    assert!(report.notes.iter().any(|n| n.contains("skipped")));
    // The superuser sees the low-cardinality index the weak user could not judge.
    let full = assess_database(&db.admin().await, &AssessOptions::default())
        .await
        .unwrap();
    assert!(full
        .assessment_issues
        .iter()
        .any(|i| i.issue_type == "INDEX_ON_LOW_CARDINALITY_COLUMN"));
    assert!(!report
        .assessment_issues
        .iter()
        .any(|i| i.issue_type == "INDEX_ON_LOW_CARDINALITY_COLUMN"));
    db.drop().await;
}

#[tokio::test]
async fn hostile_names_are_reported_as_they_are() {
    let db = TestDb::create(
        "ve_names",
        r#"CREATE SCHEMA "Mixed Case";
           CREATE TABLE "Mixed Case"."a""quoted"" tëst ü" ("select" int PRIMARY KEY, "x; DROP TABLE t; --" xml);
           CREATE TABLE "Mixed Case"."<script>alert(1)</script>" (id int PRIMARY KEY, d xml);"#,
    )
    .await;
    let report = assess_database(&db.admin().await, &AssessOptions::default())
        .await
        .unwrap();
    let names: Vec<&str> = report
        .assessment_issues
        .iter()
        .map(|i| i.object_name.as_str())
        .collect();
    assert!(
        names.contains(&"Mixed Case.a\"quoted\" tëst ü.x; DROP TABLE t; --"),
        "{names:?}"
    );
    assert!(names.contains(&"Mixed Case.<script>alert(1)</script>.d"), "{names:?}");
    let html = voyager_core::assessment::html::render_html(&report);
    assert!(!html.contains("<script>alert(1)"), "HTML escapes names");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Only the named schema.
    let only = AssessOptions {
        schemas: Some(vec!["Mixed Case".into()]),
        ..Default::default()
    };
    let r = assess_database(&db.admin().await, &only).await.unwrap();
    assert_eq!(r.schema_summary.schema_names, vec!["Mixed Case".to_string()]);
    let missing = AssessOptions {
        schemas: Some(vec!["nope'; --".into()]),
        ..Default::default()
    };
    let err = assess_database(&db.admin().await, &missing).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.message().contains("no schema 'nope'; --'"), "{err}");
    db.drop().await;
}

#[tokio::test]
async fn an_empty_database() {
    let db = TestDb::create("ve_empty", "").await;
    let report = assess_database(&db.admin().await, &AssessOptions::default())
        .await
        .unwrap();
    assert!(report.assessment_issues.is_empty());
    assert_eq!(report.migration_complexity, "LOW");
    // Nothing to size still gets the smallest cluster, never "0 nodes of 0 vCPUs".
    let rec = &report.sizing.sizing_recommendation;
    assert!(
        rec.colocated_reasoning.contains("no tables"),
        "{}",
        rec.colocated_reasoning
    );
    assert_eq!(rec.num_nodes, 3.0);
    assert_eq!(report.summary.effort_hours, 0.0);
    db.drop().await;
}

#[tokio::test]
async fn a_database_that_goes_away_gives_a_clear_error_and_writes_nothing() {
    let db = TestDb::create("ve_vanish", "CREATE TABLE t (id int PRIMARY KEY);").await;
    let client = db.admin().await;
    let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    source_admin()
        .await
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap();
    let err = assess_database(&client, &AssessOptions::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(
        err.message().contains("went away") || err.message().contains("lost"),
        "{err}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let request = AssessRequest {
        source: Some(db.admin_url()),
        export_dir: Some(tmp.path().join("e").display().to_string()),
        ..Default::default()
    };
    let plan: Plan = request.plan(&LibpqEnv::empty()).unwrap();
    db.drop().await;
    let err = voyager_core::assess_migration::run_plan(plan, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.message().contains("does not exist"), "{err}");
    assert!(!tmp.path().join("e").exists(), "nothing written");
}

/// The number of statements the assessment sends is the same for 10 and for 200 tables, counted
/// by the server (pg_stat_statements), not by us.
#[tokio::test]
async fn the_query_count_does_not_grow_with_the_schema() {
    if !source_has_extension("the_query_count_does_not_grow_with_the_schema", "pg_stat_statements").await {
        return;
    }
    let mut counts = Vec::new();
    for tables in [10, 200] {
        let name = format!("ve_count_{tables}");
        let setup = format!(
            "CREATE EXTENSION pg_stat_statements;
             DO $$ BEGIN FOR i IN 1..{tables} LOOP
               EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, a text, b xml)', i);
               EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', i, i);
             END LOOP; END $$;"
        );
        let db = TestDb::create(&name, &setup).await;
        let admin = source_admin().await;
        let oid: u32 = admin
            .query_one("SELECT oid FROM pg_database WHERE datname = $1", &[&name])
            .await
            .unwrap()
            .get(0);
        let client = db.admin().await;
        let observer = db.admin().await;
        observer
            .execute("SELECT pg_stat_statements_reset(0, $1, 0)", &[&oid])
            .await
            .unwrap();
        let report = assess_database(&client, &AssessOptions::default()).await.unwrap();
        assert_eq!(
            report
                .assessment_issues
                .iter()
                .filter(|i| i.issue_type == "UNSUPPORTED_DATATYPE_XML")
                .count(),
            tables
        );
        let calls: i64 = observer
            .query_one(
                "SELECT coalesce(sum(calls), 0)::int8 FROM pg_stat_statements WHERE dbid = $1",
                &[&oid],
            )
            .await
            .unwrap()
            .get(0);
        counts.push(calls);
        db.drop().await;
    }
    assert_eq!(
        counts[0], counts[1],
        "statements sent for 10 and 200 tables: {counts:?}"
    );
    // The catalog queries, plus the read-only session's BEGIN, settings and ROLLBACK, the
    // pg_stats privilege check and the server identity (a privilege check, then the read).
    assert!(counts[0] <= 20, "a handful of queries: {counts:?}");
}

/// A client for `role` (password `pw`) on the test database.
async fn connect_as(db: &TestDb, role: &str) -> tokio_postgres::Client {
    let url = format!("postgresql://{role}:pw@{}:{}/{}", source_host(), source_port(), db.name);
    ConnectionString::parse(&url)
        .unwrap()
        .resolve(&LibpqEnv::empty())
        .connect(TIMEOUT)
        .await
        .unwrap()
}

async fn ensure_role(role: &str) {
    source_admin()
        .await
        .batch_execute(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN \
             CREATE ROLE {role} LOGIN PASSWORD 'pw'; END IF; END $$; REVOKE pg_read_all_stats FROM {role}"
        ))
        .await
        .unwrap();
}

fn skipped(report: &voyager_core::assessment::AssessmentReport, check: &str) -> Vec<String> {
    report
        .summary
        .skipped_checks
        .iter()
        .filter(|s| s.check == check)
        .map(|s| s.line())
        .collect()
}

fn query_issues(report: &voyager_core::assessment::AssessmentReport) -> Vec<String> {
    report
        .assessment_issues
        .iter()
        .filter(|i| i.object_type == "DML_QUERY")
        .map(|i| i.issue_type.clone())
        .collect()
}

/// pg_stat_statements missing: the workload check is skipped, said so, with the fix.
#[tokio::test]
async fn without_pg_stat_statements_the_workload_check_is_skipped_with_the_fix() {
    let db = TestDb::create("ve_no_pgss", "CREATE TABLE t (id int PRIMARY KEY)").await;
    let report = assess_database(&db.admin().await, &AssessOptions::default())
        .await
        .unwrap();
    let lines = skipped(&report, "workload_queries");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("not installed in database ve_no_pgss")
            && lines[0].contains(
                "fix: add pg_stat_statements to shared_preload_libraries, run CREATE EXTENSION pg_stat_statements"
            ),
        "{}",
        lines[0]
    );
    assert!(report.summary.partial);
    db.drop().await;
}

/// Without pg_read_all_stats, other users' statements read `<insufficient privilege>`: the
/// report says how many and to grant pg_read_all_stats; with the grant, the query issue shows.
#[tokio::test]
async fn hidden_statements_of_other_users_are_a_skipped_check_until_pg_read_all_stats_is_granted() {
    if !source_has_extension("hidden_statements_of_other_users", "pg_stat_statements").await {
        return;
    }
    ensure_role("ve_nostats").await;
    let db = TestDb::create(
        "ve_hidden_queries",
        "CREATE EXTENSION pg_stat_statements;
         CREATE TABLE t (id int PRIMARY KEY);
         GRANT SELECT ON t TO ve_nostats;",
    )
    .await;
    // The superuser runs the workload: other users' queries for ve_nostats.
    db.admin()
        .await
        .batch_execute("SELECT xmin, id FROM t WHERE id = 1; SELECT pg_try_advisory_lock(7)")
        .await
        .unwrap();
    let weak = connect_as(&db, "ve_nostats").await;
    let report = assess_database(&weak, &AssessOptions::default()).await.unwrap();
    assert!(query_issues(&report).is_empty(), "{:?}", query_issues(&report));
    let lines = skipped(&report, "workload_queries");
    let hidden: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("<insufficient privilege>"))
        .collect();
    assert_eq!(hidden.len(), 1, "{lines:?}");
    assert!(hidden[0].contains("to user ve_nostats"), "{}", hidden[0]);
    assert!(
        hidden[0].ends_with("fix: GRANT pg_read_all_stats TO ve_nostats"),
        "{}",
        hidden[0]
    );
    // The fix works: the same user, granted pg_read_all_stats, sees the construct.
    source_admin()
        .await
        .batch_execute("GRANT pg_read_all_stats TO ve_nostats")
        .await
        .unwrap();
    let granted = connect_as(&db, "ve_nostats").await;
    let report = assess_database(&granted, &AssessOptions::default()).await.unwrap();
    assert!(
        query_issues(&report).contains(&"SYSTEM_COLUMN_XMIN".to_string()),
        "{:?}",
        query_issues(&report)
    );
    assert!(
        !skipped(&report, "workload_queries")
            .iter()
            .any(|l| l.contains("<insufficient privilege>")),
        "{:?}",
        skipped(&report, "workload_queries")
    );
    source_admin()
        .await
        .batch_execute("REVOKE pg_read_all_stats FROM ve_nostats")
        .await
        .unwrap();
    db.drop().await;
}

/// pg_stat_statements reset a moment ago: the workload seen is a sample, and the report says so.
#[tokio::test]
async fn a_recent_reset_of_pg_stat_statements_is_said() {
    if !source_has_extension("a_recent_reset_of_pg_stat_statements_is_said", "pg_stat_statements").await {
        return;
    }
    let db = TestDb::create("ve_reset", "CREATE EXTENSION pg_stat_statements").await;
    let admin = db.admin().await;
    admin.batch_execute("SELECT pg_stat_statements_reset()").await.unwrap();
    let report = assess_database(&admin, &AssessOptions::default()).await.unwrap();
    let lines = skipped(&report, "workload_queries");
    assert!(
        lines.iter().any(|l| l.contains("pg_stat_statements was reset")
            && l.contains("seconds ago")
            && l.contains("fix: let the workload run for a representative period")),
        "{lines:?}"
    );
    db.drop().await;
}

/// pg_stats unreadable, a schema without USAGE, a table without SELECT: each a skipped check
/// with its grant; the statistics-based checks skipped them.
#[tokio::test]
async fn unreadable_statistics_schemas_and_tables_are_skipped_checks_with_their_grants() {
    ensure_role("ve_reader").await;
    let setup = "CREATE SCHEMA closed;
         CREATE TABLE closed.t (id int PRIMARY KEY);
         CREATE TABLE public.locked (id int PRIMARY KEY, n int);
         INSERT INTO public.locked SELECT g, g % 2 FROM generate_series(1, 200) g;
         CREATE INDEX locked_n ON public.locked (n);
         CREATE TABLE public.open (id int PRIMARY KEY, n int);
         INSERT INTO public.open SELECT g, g % 2 FROM generate_series(1, 200) g;
         CREATE INDEX open_n ON public.open (n);
         GRANT SELECT ON public.open TO ve_reader;
         ANALYZE;";
    let db = TestDb::create("ve_grants", setup).await;
    let reader = connect_as(&db, "ve_reader").await;
    let report = assess_database(&reader, &AssessOptions::default()).await.unwrap();
    let usage = skipped(&report, "schema_usage");
    assert_eq!(usage.len(), 1, "{:?}", report.summary.skipped_checks);
    assert!(usage[0].contains("schema closed") && usage[0].ends_with("fix: GRANT USAGE ON SCHEMA closed TO ve_reader"));
    let select = skipped(&report, "table_select");
    assert_eq!(select.len(), 1, "{:?}", report.summary.skipped_checks);
    assert!(select[0].contains("closed.t, public.locked"), "{}", select[0]);
    assert!(
        select[0].contains("fix: GRANT SELECT ON them (or ALL TABLES IN SCHEMA) TO ve_reader"),
        "{}",
        select[0]
    );
    // The readable table was judged; the locked one could not be.
    let low: Vec<&str> = report
        .assessment_issues
        .iter()
        .filter(|i| i.issue_type == "INDEX_ON_LOW_CARDINALITY_COLUMN")
        .map(|i| i.object_name.as_str())
        .collect();
    assert_eq!(low, ["public.open_n"]);
    assert!(
        skipped(&report, "column_statistics").is_empty(),
        "analysed and readable: nothing missing"
    );
    // pg_stats itself refused.
    db.admin()
        .await
        .batch_execute("REVOKE SELECT ON pg_catalog.pg_stats FROM PUBLIC")
        .await
        .unwrap();
    let reader = connect_as(&db, "ve_reader").await;
    let report = assess_database(&reader, &AssessOptions::default()).await.unwrap();
    let stats = skipped(&report, "column_statistics");
    assert_eq!(stats.len(), 1, "{:?}", report.summary.skipped_checks);
    assert!(
        stats[0].contains("may not read pg_catalog.pg_stats")
            && stats[0].ends_with("fix: GRANT SELECT ON pg_catalog.pg_stats TO ve_reader"),
        "{}",
        stats[0]
    );
    assert!(!report
        .assessment_issues
        .iter()
        .any(|i| i.issue_type == "INDEX_ON_LOW_CARDINALITY_COLUMN"));
    // Never analysed: said as such, with ANALYZE as the fix.
    let fresh = TestDb::create(
        "ve_unanalysed",
        "CREATE TABLE big (id int PRIMARY KEY, n int) WITH (autovacuum_enabled = false);
         INSERT INTO big SELECT g, g % 2 FROM generate_series(1, 2000) g;
         CREATE INDEX big_n ON big (n);",
    )
    .await;
    let admin = fresh.admin().await;
    // VACUUM sets the row estimate; the statistics an autovacuum may have gathered are dropped.
    admin.batch_execute("VACUUM big").await.unwrap();
    admin
        .batch_execute("DELETE FROM pg_statistic WHERE starelid = 'big'::regclass")
        .await
        .unwrap();
    let report = assess_database(&admin, &AssessOptions::default()).await.unwrap();
    let missing = skipped(&report, "column_statistics");
    assert!(
        missing.len() == 1 && missing[0].contains("skipped for public.big") && missing[0].contains("fix: run ANALYZE"),
        "{missing:?}"
    );
    fresh.drop().await;
    db.drop().await;
}
