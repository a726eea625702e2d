//! Fleet assessment on the test servers: a fleet of 30 databases with known differences (clean,
//! a few LEVEL_1 issues, LEVEL_3 blockers, large, per-tenant copies) plus three that must fail
//! alone (server down, wrong password, no privileges); the ranking, waves and groups; exactly
//! one stored assessment per database, also after a second run; and discovery.

mod support;

use std::collections::BTreeMap;
use std::fmt::Write;

use support::*;
use voyager_core::connection::LibpqEnv;
use voyager_core::fleet::rank::Weights;
use voyager_core::fleet::{self, CancellationToken, FleetRequest};

const WRONG_PASSWORD: &str = "Wr0ng-fleet-pw";
/// A database name with quotes, a space, unicode and SQL in it.
const HOSTILE: &str = "fl_\"x\"; DROP TABLE t; -- ünï";

/// (name, what it holds) of the 30 good databases.
fn fleet_databases() -> Vec<(String, String)> {
    let mut dbs = Vec::new();
    for i in 1..=10 {
        dbs.push((
            format!("fl_clean_{i:02}"),
            format!(
                "CREATE TABLE clean{i}_items (id bigint PRIMARY KEY, name text NOT NULL);
                 CREATE TABLE clean{i}_notes (id bigint PRIMARY KEY, item_id bigint REFERENCES clean{i}_items, body text);"
            ),
        ));
    }
    for i in 1..=5 {
        dbs.push((
            format!("fl_level1_{i:02}"),
            format!(
                "CREATE UNLOGGED TABLE l1_{i}_cache (k text PRIMARY KEY, v text);
                 CREATE UNLOGGED TABLE l1_{i}_scratch (id int PRIMARY KEY);
                 CREATE TABLE l1_{i}_booking (id int PRIMARY KEY, during int4range, EXCLUDE USING gist (during WITH &&));"
            ),
        ));
    }
    for i in 1..=5 {
        dbs.push((
            format!("fl_blocked_{i:02}"),
            format!(
                "CREATE TABLE b{i}_parent (id int PRIMARY KEY, kind text);
                 CREATE TABLE b{i}_child (extra text) INHERITS (b{i}_parent);
                 CREATE TABLE b{i}_doc (id int PRIMARY KEY, body xml);"
            ),
        ));
    }
    for i in 1..=2 {
        dbs.push((
            format!("fl_large_{i:02}"),
            format!(
                "CREATE TABLE big{i} (id bigint PRIMARY KEY, payload text);
                 INSERT INTO big{i} SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 120000) g;
                 ANALYZE big{i};"
            ),
        ));
    }
    for i in 1..=8 {
        dbs.push((
            format!("fl_tenant_{i:02}"),
            "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text);
             CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers, placed timestamptz);
             CREATE INDEX orders_customer ON orders (customer_id);
             CREATE TABLE order_lines (order_id bigint REFERENCES orders, line int, amount numeric(12,2), PRIMARY KEY (order_id, line));
             CREATE VIEW big_orders AS SELECT o.id, sum(l.amount) AS total FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id;"
                .to_string(),
        ));
    }
    dbs
}

/// Make the fleet's databases on the source server (owned by amakala), and one amakala may
/// not connect to.
async fn make_fleet() {
    let admin = source_admin().await;
    let mut dbs = fleet_databases();
    dbs.push(("fl_noprivs".into(), "CREATE TABLE t (id int PRIMARY KEY);".into()));
    dbs.push(("fl_badpw".into(), "CREATE TABLE t (id int PRIMARY KEY);".into()));
    dbs.push((
        HOSTILE.into(),
        "CREATE TABLE \"Odd \"\"table\"\" ü\" (id int PRIMARY KEY);".into(),
    ));
    for (db, _) in &dbs {
        let quoted = format!("\"{}\"", db.replace('"', "\"\""));
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            .await
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {quoted} OWNER amakala"))
            .await
            .unwrap();
    }
    admin
        .batch_execute("REVOKE CONNECT ON DATABASE fl_noprivs FROM PUBLIC, amakala")
        .await
        .unwrap();
    let base = var("VOYAGER_SOURCE_ADMIN_URL");
    let base = &base[..base.rfind('/').unwrap()];
    let fills = dbs.iter().map(|(db, sql)| async move {
        let encoded: String = percent_encoding::utf8_percent_encode(db, percent_encoding::NON_ALPHANUMERIC).to_string();
        let c = plain_client(&format!("{base}/{encoded}")).await;
        c.batch_execute(&format!("SET ROLE amakala; {sql}")).await.unwrap();
    });
    futures_util::future::join_all(fills).await;
}

fn fleet_file(dir: &std::path::Path) -> std::path::PathBuf {
    let (host, port) = (source_host(), source_port());
    let mut toml = String::from("name = \"test fleet\"\n[defaults]\nuser = \"amakala\"\npassword-env = \"FLEET_PW\"\nlabels = { team = \"core\" }\n");
    for (db, _) in fleet_databases() {
        let criticality = if db == "fl_clean_10" { "high" } else { "low" };
        let _ = write!(
            toml,
            "[[source]]\nhost = \"{host}\"\nport = {port}\ndatabase = \"{db}\"\nlabels = {{ criticality = \"{criticality}\" }}\n"
        );
    }
    let _ = write!(
        toml,
        "[[source]]\nconnection = \"postgresql://amakala@127.0.0.1:{}/fl_down?connect_timeout=2\"\n\
         [[source]]\nhost = \"{host}\"\nport = {port}\ndatabase = \"fl_badpw\"\nuser = \"pwtest\"\npassword-env = \"WRONG_PW\"\n\
         [[source]]\nhost = \"{host}\"\nport = {port}\ndatabase = \"fl_noprivs\"\n",
        closed_port()
    );
    let path = dir.join("fleet.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

#[tokio::test]
async fn a_fleet_of_thirty_ranks_in_the_expected_order_and_failures_stay_alone() {
    make_fleet().await;
    ensure_secret_role().await;
    discovery_finds_exactly_the_servers_connectable_databases().await;
    let cp = fresh_control_plane("cp_fleet").await;
    let tmp = tempfile::tempdir().unwrap();
    let env = LibpqEnv::empty()
        .with_var("FLEET_PW", "password")
        .with_var("WRONG_PW", WRONG_PASSWORD);
    let request = FleetRequest {
        fleet_file: Some(fleet_file(tmp.path()).display().to_string()),
        work_dir: Some(tmp.path().join("work").display().to_string()),
        assessment_control_plane: Some(cp.clone()),
        parallel: Some(6),
        per_host: Some(4),
        ..Default::default()
    };
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let progress: fleet::FleetProgressFn = std::sync::Arc::new(move |p: &fleet::FleetProgress| {
        seen.lock().unwrap().push(p.clone());
    });
    let outcome = fleet::run_with_env(request.clone(), Some(progress), CancellationToken::new(), env.clone())
        .await
        .unwrap();
    assert_eq!(
        (outcome.total, outcome.done, outcome.failed),
        (33, 30, 3),
        "{:?}",
        outcome.failures
    );
    assert_eq!(outcome.assessed_here, 33);
    assert!(!outcome.all_succeeded());
    let failed: BTreeMap<&str, &str> = outcome
        .failures
        .iter()
        .map(|f| (f.database.as_str(), f.error.as_str()))
        .collect();
    assert!(failed["fl_down"].contains("refused"), "{failed:?}");
    assert!(
        failed["fl_badpw"].contains("password authentication failed"),
        "{failed:?}"
    );
    assert!(failed["fl_noprivs"].contains("permission denied"), "{failed:?}");
    assert!(!format!("{outcome:?}").contains(WRONG_PASSWORD));
    // Progress: one event per database, the last one complete.
    let events = events.lock().unwrap().clone();
    assert_eq!(events.iter().filter(|p| p.event.is_some()).count(), 33);
    let last = events.last().unwrap();
    assert_eq!((last.done, last.failed, last.pending, last.running), (30, 3, 0, 0));

    // The ranking, with the wave-1 size limit lowered so the large ones go to wave 2.
    let mut weights = Weights::default();
    weights.waves.first_max_size_gib = 0.015;
    let ranked = fleet::rank(&cp, "test fleet", &weights).await.unwrap();
    assert_eq!(ranked.len(), 33);
    let position = |db: &str| {
        ranked
            .iter()
            .position(|r| r.database == db && r.score.is_some())
            .unwrap()
    };
    let wave = |db: &str| ranked[position(db)].wave.unwrap();
    let max_pos = |prefix: &str| {
        ranked
            .iter()
            .enumerate()
            .filter(|(_, r)| r.database.starts_with(prefix) && r.score.is_some())
            .map(|(i, _)| i)
            .max()
            .unwrap()
    };
    let min_pos = |prefix: &str| {
        ranked
            .iter()
            .enumerate()
            .filter(|(_, r)| r.database.starts_with(prefix))
            .map(|(i, _)| i)
            .min()
            .unwrap()
    };
    assert!(max_pos("fl_clean_0") < min_pos("fl_level1"), "clean before LEVEL_1");
    assert!(max_pos("fl_tenant") < min_pos("fl_level1"), "tenants before LEVEL_1");
    assert!(max_pos("fl_level1") < min_pos("fl_blocked"), "LEVEL_1 before blockers");
    assert!(max_pos("fl_large") < min_pos("fl_blocked"));
    assert!(
        position("fl_clean_10") > position("fl_clean_09"),
        "the high criticality one later"
    );
    assert_eq!(wave("fl_clean_01"), 1);
    assert_eq!(wave("fl_tenant_03"), 1);
    assert_eq!(wave("fl_large_01"), 2);
    assert_eq!(wave("fl_blocked_02"), 3);
    assert!(
        ranked[position("fl_blocked_02")].why.contains("blocking"),
        "{}",
        ranked[position("fl_blocked_02")].why
    );
    // The failed ones come last, in no wave, with their reason.
    assert!(ranked[30..]
        .iter()
        .all(|r| r.wave.is_none() && r.why.starts_with("assessment failed")));
    // The eight tenants are one group; no clean database is in it.
    let tenant_group = ranked[position("fl_tenant_01")].group.expect("tenants grouped");
    assert!(ranked
        .iter()
        .filter(|r| r.database.starts_with("fl_tenant"))
        .all(|r| r.group == Some(tenant_group) && r.group_size == 8));
    assert!(ranked
        .iter()
        .filter(|r| r.database.starts_with("fl_clean"))
        .all(|r| r.group != Some(tenant_group)));
    // Labels came from the fleet file.
    assert_eq!(ranked[position("fl_clean_10")].labels["criticality"], "high");
    assert_eq!(ranked[position("fl_clean_10")].labels["team"], "core");

    // The HTML fleet report names every database and links to their reports.
    let html = std::fs::read_to_string(outcome.html_report.as_ref().unwrap()).unwrap();
    assert!(fleet_databases().iter().all(|(db, _)| html.contains(db.as_str())));
    assert!(html.contains("export-dir/assessment/reports/migration_assessment_report.html"));

    // A second run resumes: nothing done is assessed again; only the failures are retried.
    let again = fleet::run_with_env(request, None, CancellationToken::new(), env)
        .await
        .unwrap();
    assert_eq!(
        (again.done, again.failed, again.assessed_here, again.already_done),
        (30, 3, 3, 30)
    );
    let c = plain_client(&cp).await;
    let runs: Vec<(String, i64)> = c
        .query(
            "SELECT s.database_name, count(*) FILTER (WHERE a.status = 'completed') FROM voyager_fleet.sources s \
             JOIN voyager_fleet.assessments a ON a.migration_uuid = s.migration_uuid GROUP BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(runs.iter().filter(|(_, n)| *n == 1).count(), 30, "{runs:?}");
    assert!(runs.iter().all(|(_, n)| *n <= 1), "{runs:?}");
    let dump: String = c
        .query("SELECT row_to_json(t)::text FROM voyager_fleet.work_queue t", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    assert!(!dump.contains(WRONG_PASSWORD) && !dump.contains("password@"));

    // A hostile database name, found by discovery and assessed like any other.
    let hostile = fleet::run_with_env(
        FleetRequest {
            all_databases: Some(source_url()),
            include: vec!["fl_\"x*".into()],
            fleet_name: Some("hostile \"names\"".into()),
            work_dir: Some(tmp.path().join("hostile").display().to_string()),
            assessment_control_plane: Some(cp.clone()),
            ..Default::default()
        },
        None,
        CancellationToken::new(),
        LibpqEnv::empty(),
    )
    .await
    .unwrap();
    assert_eq!((hostile.total, hostile.done), (1, 1), "{:?}", hostile.failures);
    let ranked = fleet::rank(&cp, "hostile \"names\"", &Weights::default())
        .await
        .unwrap();
    assert_eq!(ranked[0].database, HOSTILE);
    let dirs: Vec<String> = std::fs::read_dir(tmp.path().join("hostile"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("fl_"))
        .collect();
    assert_eq!(dirs.len(), 1);
    assert!(dirs[0].contains("ünï") && !dirs[0].contains('/'), "{dirs:?}");
}

/// Run after the fleet is made, so no other test of this file changes the databases meanwhile.
async fn discovery_finds_exactly_the_servers_connectable_databases() {
    let inv = fleet::inventory(
        &FleetRequest {
            all_databases: Some(source_url()),
            ..Default::default()
        },
        &LibpqEnv::empty(),
    )
    .await
    .unwrap();
    let admin = source_admin().await;
    let expected: Vec<String> = admin
        .query(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate \
             AND has_database_privilege('amakala', datname, 'CONNECT') ORDER BY datname",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let found: Vec<String> = inv.entries.iter().map(|e| e.conn.dbname().to_string()).collect();
    assert_eq!(found, expected);
    assert!(found.contains(&"db2".to_string()) && !found.iter().any(|d| d.starts_with("template")));
    assert!(found.contains(&"fl_tenant_08".to_string()) && !found.contains(&"fl_noprivs".to_string()));
}

#[tokio::test]
async fn discovery_takes_include_and_exclude_patterns() {
    let only = fleet::inventory(
        &FleetRequest {
            all_databases: Some(source_url()),
            include: vec!["db*".into()],
            exclude: vec!["db3".into()],
            ..Default::default()
        },
        &LibpqEnv::empty(),
    )
    .await
    .unwrap();
    let names: Vec<&str> = only.entries.iter().map(|e| e.conn.dbname()).collect();
    assert_eq!(names, ["db1", "db2"]);
    let err = fleet::inventory(
        &FleetRequest {
            all_databases: Some(source_url()),
            include: vec!["[".into()],
            ..Default::default()
        },
        &LibpqEnv::empty(),
    )
    .await
    .unwrap_err();
    assert!(
        err.render(voyager_core::error::Front::Cli).contains("--include '['"),
        "{err}"
    );
}

#[tokio::test]
async fn bad_requests_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let cases = [
        (
            FleetRequest {
                work_dir: Some(work.display().to_string()),
                ..Default::default()
            },
            "nothing to assess",
        ),
        (
            FleetRequest {
                fleet_file: Some("f.toml".into()),
                all_databases: Some(source_url()),
                work_dir: Some(work.display().to_string()),
                ..Default::default()
            },
            "not both",
        ),
        (
            FleetRequest {
                fleet_file: Some("f.toml".into()),
                ..Default::default()
            },
            "--work-dir",
        ),
        (
            FleetRequest {
                fleet_file: Some("f.toml".into()),
                work_dir: Some(work.display().to_string()),
                parallel: Some(0),
                ..Default::default()
            },
            "at least 1",
        ),
    ];
    for (request, says) in cases {
        let err = fleet::run_with_env(request, None, CancellationToken::new(), LibpqEnv::empty())
            .await
            .unwrap_err();
        let cli = err.render(voyager_core::error::Front::Cli);
        assert!(cli.contains(says), "expected '{says}' in {cli}");
    }
    assert!(!work.exists());
}
