//! pg_dump parity: on the sandbox's databases (scripts/sandbox/db1..3.sql, loaded here into
//! databases of their own so that any server will do), every object the report names is in
//! `pg_dump --schema-only` of the same database, and every issue found in DDL is justified by
//! pg_dump's text for that object. The area tests (assessment_areas.rs) run the same check on
//! each of their databases. Run on 15, 16 and 18 by `scripts/test-rust`.

mod support;

use support::*;
use voyager_core::assessment::{assess_database, AssessOptions, AssessmentReport};

fn sandbox_sql(name: &str) -> String {
    let path = format!("{}/../scripts/sandbox/{name}.sql", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn assessed(name: &str, setup: &str) -> (TestDb, AssessmentReport) {
    let db = TestDb::create(name, setup).await;
    let report = assess_database(&db.admin().await, &AssessOptions::default())
        .await
        .unwrap();
    (db, report)
}

#[tokio::test]
async fn the_sandbox_databases_match_pg_dump() {
    for (name, expect_issues) in [("db1", false), ("db2", true), ("db3", true)] {
        let (db, report) = assessed(&format!("vp_{name}"), &sandbox_sql(name)).await;
        let checked = pg_dump::assert_parity(&db, &report);
        assert_eq!(checked > 0, expect_issues, "{name}: {checked} issues checked");
        db.drop().await;
    }
}

/// The check itself fails on the phantom it exists for: an ALTER_TABLE_SET_COLUMN_ATTRIBUTE on a
/// column pg_dump shows no SET (n_distinct ...) for, and an object pg_dump does not know.
#[tokio::test]
async fn the_check_rejects_phantom_issues() {
    let (db, report) = assessed(
        "vp_phantom",
        "CREATE TABLE plain (id int PRIMARY KEY, a text);
         CREATE TABLE tuned (id int PRIMARY KEY, a text);
         ALTER TABLE tuned ALTER COLUMN a SET (n_distinct = 100);",
    )
    .await;
    assert_eq!(pg_dump::assert_parity(&db, &report), 1);
    let real = report
        .assessment_issues
        .iter()
        .find(|i| i.issue_type == "ALTER_TABLE_SET_COLUMN_ATTRIBUTE")
        .expect("the real setting is reported")
        .clone();
    for (object, why) in [
        ("public.plain.a", "is not justified by pg_dump"),
        ("public.nowhere.a", "which pg_dump --schema-only does not show"),
    ] {
        let mut phantom = report.clone();
        let mut issue = real.clone();
        issue.object_name = object.into();
        phantom.assessment_issues.push(issue);
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pg_dump::assert_parity(&db, &phantom)))
            .expect_err(object);
        let message = failed.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains(why), "{message}");
    }
    db.drop().await;
}
