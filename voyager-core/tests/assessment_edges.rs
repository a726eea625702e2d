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
    let skipped = report.summary.skipped_checks.join("\n");
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
    assert!(report.sizing.failure_reasoning.contains("no tables"));
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
    assert!(counts[0] <= 15, "a handful of queries: {counts:?}");
}
