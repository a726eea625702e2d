//! The assessment on the PostgreSQL versions users run: what each version's catalogs hold that
//! another's do not (Debian 15.20's internal column options, PostgreSQL 18's NOT NULL
//! constraints, virtual generated columns and NOT ENFORCED constraints), and pgvector where the
//! server ships it. Run against 15, 16 and 18 by `scripts/test-rust`.

mod support;

use std::collections::BTreeSet;

use support::*;
use voyager_core::assessment::collect::collect;
use voyager_core::assessment::{assess_database, AssessOptions, AssessmentReport};

/// The report of `db`, checked against pg_dump (support/pg_dump.rs).
async fn assess(db: &TestDb) -> AssessmentReport {
    let report = assess_database(&db.admin().await, &AssessOptions::default())
        .await
        .expect("assessment runs");
    pg_dump::assert_parity(db, &report);
    report
}

fn of_type<'a>(report: &'a AssessmentReport, issue_type: &str) -> Vec<(&'a str, &'a str)> {
    report
        .assessment_issues
        .iter()
        .filter(|i| i.issue_type == issue_type)
        .map(|i| (i.object_name.as_str(), i.sql_statement.as_str()))
        .collect()
}

fn found(report: &AssessmentReport) -> BTreeSet<(String, String)> {
    report
        .assessment_issues
        .iter()
        .map(|i| (i.issue_type.clone(), i.object_name.clone()))
        .collect()
}

/// Debian's 15.20 stamps `pg_attver=<n>` into the options of every column; only what a user set
/// with `ALTER COLUMN ... SET (n_distinct ...)` is an issue, with a statement that runs.
#[tokio::test]
async fn column_options_are_issues_only_when_a_user_set_them() {
    let db = TestDb::create(
        "vv_column_options",
        r#"CREATE TABLE plain (id int PRIMARY KEY, a text, b int);
           CREATE TABLE tuned (id int PRIMARY KEY, "Odd ""Name""" text, c int, d int);
           ALTER TABLE tuned ALTER COLUMN "Odd ""Name""" SET (n_distinct = 100);
           ALTER TABLE tuned ALTER COLUMN c SET (n_distinct = -0.5, n_distinct_inherited = 7);"#,
    )
    .await;
    let admin = db.admin().await;
    let stamped: bool = admin
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'plain'::regclass AND attnum > 0 \
             AND attoptions::text LIKE '%pg_attver%')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    if !stamped {
        say_skipped(
            "column_options_are_issues_only_when_a_user_set_them",
            "the pg_attver phantom: plain columns carry no internal option on this server",
            "not Debian's 15.20",
        );
    }
    let report = assess(&db).await;
    let expected = vec![
        (
            "public.tuned.Odd \"Name\"",
            "ALTER TABLE ONLY public.tuned ALTER COLUMN \"Odd \"\"Name\"\"\" SET (n_distinct=100)",
        ),
        (
            "public.tuned.c",
            "ALTER TABLE ONLY public.tuned ALTER COLUMN c SET (n_distinct=-0.5, n_distinct_inherited=7)",
        ),
    ];
    let mut got = of_type(&report, "ALTER_TABLE_SET_COLUMN_ATTRIBUTE");
    got.sort();
    assert_eq!(got, expected, "only the user's settings, never pg_attver");
    // The statements are real SQL: reset the settings, run the report's statements, and the
    // same issues come back.
    admin
        .batch_execute(
            r#"ALTER TABLE tuned ALTER COLUMN "Odd ""Name""" RESET (n_distinct);
               ALTER TABLE tuned ALTER COLUMN c RESET (n_distinct, n_distinct_inherited);"#,
        )
        .await
        .unwrap();
    assert!(of_type(&assess(&db).await, "ALTER_TABLE_SET_COLUMN_ATTRIBUTE").is_empty());
    for (_, sql) in &expected {
        admin.batch_execute(sql).await.unwrap();
    }
    let mut again = of_type(&assess(&db).await, "ALTER_TABLE_SET_COLUMN_ATTRIBUTE")
        .into_iter()
        .map(|(o, s)| (o.to_string(), s.to_string()))
        .collect::<Vec<_>>();
    again.sort();
    let expected: Vec<(String, String)> = expected.iter().map(|(o, s)| (o.to_string(), s.to_string())).collect();
    assert_eq!(again, expected);
    db.drop().await;
}

/// PostgreSQL 18 keeps NOT NULL as pg_constraint rows (contype 'n'): they are column properties,
/// never constraints or issues of the report, on any version.
#[tokio::test]
async fn not_null_is_no_constraint_on_any_version() {
    let db = TestDb::create(
        "vv_not_null",
        "CREATE TABLE t (id int PRIMARY KEY, a text NOT NULL, b int NOT NULL CHECK (b > 0), c int);",
    )
    .await;
    let snap = collect(&db.admin().await, None, None).await.unwrap();
    let kinds: BTreeSet<(String, char)> = snap.constraints.iter().map(|k| (k.name.clone(), k.kind)).collect();
    let expected: BTreeSet<(String, char)> = [("t_pkey".to_string(), 'p'), ("t_b_check".to_string(), 'c')]
        .into_iter()
        .collect();
    assert_eq!(kinds, expected, "on {}", snap.server_version);
    let not_null: BTreeSet<&str> = snap
        .columns
        .iter()
        .filter(|c| c.not_null)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(not_null, ["id", "a", "b"].into_iter().collect());
    assert!(found(&assess(&db).await).is_empty());
    db.drop().await;
}

/// What PostgreSQL 18 brings that YugabyteDB lacks: virtual generated columns and NOT ENFORCED
/// constraints, Types of ours (README).
#[tokio::test]
async fn postgresql_18_constructs() {
    if source_version_num().await < 180000 {
        say_skipped(
            "postgresql_18_constructs",
            "virtual generated columns and NOT ENFORCED constraints",
            "the source is older than PostgreSQL 18",
        );
        return;
    }
    let db = TestDb::create(
        "vv_pg18",
        "CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE t (id int PRIMARY KEY, price int, parent_id int,
             doubled int GENERATED ALWAYS AS (price * 2) VIRTUAL,
             stored int GENERATED ALWAYS AS (price * 3) STORED,
             CONSTRAINT price_positive CHECK (price > 0) NOT ENFORCED,
             CONSTRAINT t_parent FOREIGN KEY (parent_id) REFERENCES parent (id) NOT ENFORCED,
             CONSTRAINT enforced_check CHECK (price < 1000));
         CREATE INDEX t_parent_idx ON t (parent_id);",
    )
    .await;
    let report = assess(&db).await;
    let expected: BTreeSet<(String, String)> = [
        // Stored generated columns are fixed in 2.25, so the default target (2025.1) omits them.
        ("VIRTUAL_GENERATED_COLUMNS", "public.t.doubled"),
        ("NOT_ENFORCED_CONSTRAINTS", "public.t.price_positive"),
        ("NOT_ENFORCED_CONSTRAINTS", "public.t.t_parent"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(found(&report), expected);
    for (_, sql) in of_type(&report, "NOT_ENFORCED_CONSTRAINTS") {
        assert!(sql.contains("NOT ENFORCED"), "{sql}");
    }
    db.drop().await;
}

/// pgvector (in the 16 and 18 wheels): vector columns break live migration, and YugabyteDB has
/// no ivfflat index method.
#[tokio::test]
async fn pgvector_columns_and_indexes() {
    if !source_has_extension("pgvector_columns_and_indexes", "vector").await {
        return;
    }
    let db = TestDb::create(
        "vv_vector",
        "CREATE EXTENSION vector;
         CREATE TABLE docs (id int PRIMARY KEY, embedding vector(3), title text);
         CREATE INDEX docs_ivf ON docs USING ivfflat (embedding vector_l2_ops) WITH (lists = 1);",
    )
    .await;
    let report = assess(&db).await;
    let got = found(&report);
    assert!(
        got.contains(&(
            "UNSUPPORTED_DATATYPE_LIVE_MIGRATION_VECTOR".to_string(),
            "public.docs.embedding".to_string()
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "UNSUPPORTED_IVFFLAT_INDEX_METHOD".to_string(),
            "public.docs_ivf".to_string()
        )),
        "{got:?}"
    );
    db.drop().await;
}
