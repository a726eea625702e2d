//! The built `voyager` binary on a user without pg_read_all_stats: the skipped workload check is
//! a warning line with its fix on the terminal, sits in the report JSON, and the control plane
//! stores the assessment as partial, saying why. Runs against the sandbox servers
//! (`eval "$(scripts/pg-sandbox up)"`).

use std::process::Command;
use std::time::Duration;

use voyager_core::connection::{ConnectionString, LibpqEnv};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run `eval \"$(scripts/pg-sandbox up)\"` first"))
}

async fn client(url: &str) -> tokio_postgres::Client {
    ConnectionString::parse(url)
        .unwrap()
        .resolve(&LibpqEnv::empty())
        .connect(Duration::from_secs(10))
        .await
        .unwrap()
}

fn with_db(url: &str, db: &str) -> String {
    format!("{}/{db}", &url[..url.rfind('/').unwrap()])
}

#[tokio::test]
async fn a_user_without_pg_read_all_stats_gets_a_partial_assessment_everywhere() {
    let admin_url = var("VOYAGER_SOURCE_ADMIN_URL");
    let (db, role) = ("vc_partial", "vc_nostats");
    let admin = client(&admin_url).await;
    for statement in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("CREATE DATABASE {db}"),
    ] {
        admin.batch_execute(&statement).await.unwrap();
    }
    admin
        .batch_execute(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
               CREATE ROLE {role} LOGIN PASSWORD 'pw'; END IF; END $$;
             REVOKE pg_read_all_stats FROM {role};"
        ))
        .await
        .unwrap();
    let source_admin = client(&with_db(&admin_url, db)).await;
    source_admin
        .batch_execute(&format!(
            "SET search_path = public; CREATE EXTENSION pg_stat_statements; CREATE TABLE t (id int PRIMARY KEY); GRANT SELECT ON t TO {role};
             SELECT xmin, id FROM t WHERE id = 1;"
        ))
        .await
        .unwrap();
    let cp_base = var("VOYAGER_CP_URL");
    let cp_admin = client(&cp_base).await;
    for statement in [
        "DROP DATABASE IF EXISTS vc_partial_cp WITH (FORCE)",
        "CREATE DATABASE vc_partial_cp",
    ] {
        cp_admin.batch_execute(statement).await.unwrap();
    }
    let cp_url = with_db(&cp_base, "vc_partial_cp");
    let export = tempfile::tempdir().unwrap();
    let source = format!(
        "postgresql://{role}@{}:{}/{db}",
        var("VOYAGER_SOURCE_HOST"),
        var("VOYAGER_SOURCE_PORT")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_voyager"))
        .args(["assess-migration", "--source", &source, "--export-dir"])
        .arg(export.path().join("e"))
        .args(["--assessment-control-plane", &cp_url, "--json"])
        .env("SOURCE_DB_PASSWORD", "pw")
        .env_remove("PGPASSWORD")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // On the terminal: a warning line with the fix.
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning: partial assessment: Workload queries check (pg_stat_statements) skipped"))
        .unwrap_or_else(|| panic!("no warning line in: {stderr}"));
    assert!(
        warning.contains("<insufficient privilege> to user vc_nostats"),
        "{warning}"
    );
    assert!(
        warning.ends_with("fix: GRANT pg_read_all_stats TO vc_nostats"),
        "{warning}"
    );
    // In the report JSON.
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            export
                .path()
                .join("e/assessment/reports/migration_assessment_report.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let ours = &report["LibvoyagerSummary"];
    assert_eq!(ours["Partial"], true);
    let checks = ours["SkippedChecks"].as_array().unwrap();
    let hidden = checks
        .iter()
        .find(|c| {
            c["Check"] == "workload_queries" && c["Reason"].as_str().unwrap().contains("<insufficient privilege>")
        })
        .unwrap_or_else(|| panic!("{checks:?}"));
    assert_eq!(hidden["Fix"], "GRANT pg_read_all_stats TO vc_nostats");
    assert!(!report["AssessmentIssues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["ObjectType"] == "DML_QUERY"));
    // In the control plane's summary columns, and in what `control-plane list` shows.
    let cp = client(&cp_url).await;
    let row = cp
        .query_one("SELECT partial, skipped_checks FROM voyager_fleet.assessments", &[])
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
    let text: String = row.get(1);
    assert!(text.contains("GRANT pg_read_all_stats TO vc_nostats"), "{text}");
    let list = Command::new(env!("CARGO_BIN_EXE_voyager"))
        .args(["control-plane", "--assessment-control-plane", &cp_url, "--json", "list"])
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let latest = &listed.as_array().unwrap()[0]["latest"];
    assert_eq!(latest["partial"], true, "{listed}");
    assert!(latest["skipped_checks"].as_str().unwrap().contains("pg_read_all_stats"));
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await
        .unwrap();
    cp_admin
        .batch_execute("DROP DATABASE IF EXISTS vc_partial_cp WITH (FORCE)")
        .await
        .unwrap();
}
