//! Fleet data safety on the test servers: the work queue fenced on the lease holder (two
//! workers on the real control plane), no livelock on another inventory's items under the same
//! fleet name, totals that follow the current inventory (and `prune`), work-dir names that never
//! collide, SOURCE_DB_PASSWORD for sources without a password, the wait for a killed run's
//! leases said, and out-of-range flags refused.

mod support;

use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::*;
use uuid::Uuid;
use voyager_core::connection::LibpqEnv;
use voyager_core::control_plane::{Claim, ControlPlane, FleetMember, ListFilter, SourceDetails};
use voyager_core::fleet::{self, CancellationToken, FleetOutcome, FleetProgress, FleetRequest};
use voyager_core::ErrorKind;

/// Small databases of this file (owned by amakala), made once per test that needs them.
async fn make_dbs(names: &[&str]) {
    let admin = source_admin().await;
    for db in names {
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
}

/// A TOML fleet file of `dbs` on the source server, with no password (SOURCE_DB_PASSWORD gives it).
fn fleet_file(dir: &std::path::Path, name: &str, dbs: &[&str]) -> String {
    let mut toml = format!("name = \"{name}\"\n[defaults]\nuser = \"amakala\"\n");
    for db in dbs {
        let _ = write!(
            toml,
            "[[source]]\nhost = \"{}\"\nport = {}\ndatabase = \"{}\"\n",
            source_host(),
            source_port(),
            db.replace('\\', "\\\\").replace('"', "\\\"")
        );
    }
    let path = dir.join(format!("{}.toml", Uuid::new_v4().simple()));
    std::fs::write(&path, toml).unwrap();
    path.display().to_string()
}

fn env() -> LibpqEnv {
    LibpqEnv::empty().with_var("SOURCE_DB_PASSWORD", "password")
}

async fn run(request: FleetRequest) -> FleetOutcome {
    tokio::time::timeout(
        Duration::from_secs(120),
        fleet::run_with_env(request, None, CancellationToken::new(), env()),
    )
    .await
    .expect("assess-fleet finished within 2 minutes")
    .unwrap()
}

#[tokio::test]
async fn finish_is_fenced_on_the_lease_holder() {
    let cp_url = fresh_control_plane("cp_fence").await;
    let cp = ControlPlane::connect(&cp_url).await.unwrap();
    let run_id = fleet::fleet_run_id("fenced");
    let uuid = Uuid::new_v4();
    let source = SourceDetails {
        db_type: "postgresql".into(),
        host: "pg1".into(),
        port: 5432,
        database: "d".into(),
        schemas: vec![],
        user: None,
        ssl_mode: None,
    };
    let member = FleetMember {
        migration_uuid: uuid,
        source: source.clone(),
        labels: serde_json::json!({"fleet": "fenced"}),
    };
    cp.enqueue_fleet(run_id, "fenced", &[member], false).await.unwrap();
    let a = Claim {
        fleet_run_id: run_id,
        worker: "worker-a".into(),
    };
    let b = Claim {
        fleet_run_id: run_id,
        worker: "worker-b".into(),
    };
    let lease = Duration::from_millis(500);
    assert_eq!(cp.claim(&a, lease, 1, &[], &[uuid]).await.unwrap(), vec![uuid]);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // A's lease ran out: B takes the item over.
    assert_eq!(
        cp.claim(&b, Duration::from_secs(60), 1, &[], &[uuid]).await.unwrap(),
        vec![uuid]
    );
    // A finishing now stores nothing and leaves B's claim alone, failed or done.
    assert!(!cp
        .record_failure_claimed(uuid, &source, "late failure", Some(&a))
        .await
        .unwrap());
    let report = sample_report("d", "LOW", 0);
    assert!(cp
        .store_claimed(uuid, &source, &report, "/m", Some(&a))
        .await
        .unwrap()
        .is_none());
    let counts = cp.queue_counts(run_id, &[uuid]).await.unwrap();
    assert_eq!((counts.running, counts.done, counts.failed), (1, 0, 0));
    let admin = plain_client(&cp_url).await;
    let row = admin
        .query_one(
            "SELECT claimed_by, (SELECT count(*) FROM voyager_fleet.assessments WHERE migration_uuid = $1) \
             FROM voyager_fleet.work_queue WHERE migration_uuid = $1",
            &[&uuid],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "worker-b");
    assert_eq!(
        row.get::<_, i64>(1),
        0,
        "nothing stored for the worker that lost its claim"
    );
    // B, the holder, completes it.
    assert!(cp
        .store_claimed(uuid, &source, &report, "/m", Some(&b))
        .await
        .unwrap()
        .is_some());
    let counts = cp.queue_counts(run_id, &[uuid]).await.unwrap();
    assert_eq!((counts.running, counts.done), (0, 1));
}

#[tokio::test]
async fn another_inventory_under_the_same_name_neither_hangs_nor_counts_and_prune_removes_leftovers() {
    make_dbs(&["fs_inv_a", "fs_inv_b"]).await;
    let cp = fresh_control_plane("cp_inventories").await;
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work").display().to_string();
    // Two --all-databases runs with different --include share the default name host:port.
    // The first is stopped before it assesses anything: its items stay pending.
    let first = FleetRequest {
        all_databases: Some(source_url()),
        include: vec!["fs_inv_a".into()],
        work_dir: Some(work.clone()),
        assessment_control_plane: Some(cp.clone()),
        ..Default::default()
    };
    let cancel = CancellationToken::new();
    cancel.cancel();
    let stopped = fleet::run_with_env(first, None, cancel, env()).await.unwrap();
    assert!(stopped.interrupted);
    let second = FleetRequest {
        all_databases: Some(source_url()),
        include: vec!["fs_inv_b".into()],
        work_dir: Some(work.clone()),
        assessment_control_plane: Some(cp.clone()),
        ..Default::default()
    };
    let outcome = run(second.clone()).await;
    assert_eq!(outcome.fleet_name, stopped.fleet_name);
    assert_eq!((outcome.total, outcome.done, outcome.failed), (1, 1, 0), "{outcome:?}");
    assert!(outcome.all_succeeded());
    assert_eq!(outcome.not_in_inventory, 1);
    assert!(outcome.next_step.contains("--prune"), "{}", outcome.next_step);

    // A database removed from a fleet file is not counted (nor failed) by later runs.
    let file_two = fleet_file(tmp.path(), "shrinking", &["fs_inv_a", "fs_missing_db"]);
    let file_one = fleet_file(tmp.path(), "shrinking", &["fs_inv_a"]);
    let request = |file: &str, prune: bool| FleetRequest {
        fleet_file: Some(file.into()),
        work_dir: Some(work.clone()),
        assessment_control_plane: Some(cp.clone()),
        prune,
        ..Default::default()
    };
    let both = run(request(&file_two, false)).await;
    assert_eq!((both.total, both.done, both.failed), (2, 1, 1));
    let shrunk = run(request(&file_one, false)).await;
    assert_eq!((shrunk.total, shrunk.done, shrunk.failed), (1, 1, 0), "{shrunk:?}");
    assert!(shrunk.failures.is_empty() && shrunk.all_succeeded());
    assert_eq!(shrunk.not_in_inventory, 1);
    assert_eq!(
        fleet::list(&cp, "shrinking", ListFilter::default())
            .await
            .unwrap()
            .len(),
        2
    );
    let pruned = run(request(&file_one, true)).await;
    assert_eq!((pruned.pruned, pruned.not_in_inventory), (1, 0));
    let listed = fleet::list(&cp, "shrinking", ListFilter::default()).await.unwrap();
    assert_eq!(
        listed.iter().map(|m| m.database.as_str()).collect::<Vec<_>>(),
        ["fs_inv_a"]
    );
}

#[tokio::test]
async fn names_that_sanitise_alike_get_their_own_work_dirs() {
    let dbs = ["fs_coll/x", "fs_coll_x", ".fs_collx", "fs_collx"];
    make_dbs(&dbs).await;
    let cp = fresh_control_plane("cp_collide").await;
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let outcome = run(FleetRequest {
        fleet_file: Some(fleet_file(tmp.path(), "colliding", &dbs)),
        work_dir: Some(work.display().to_string()),
        assessment_control_plane: Some(cp),
        ..Default::default()
    })
    .await;
    assert_eq!((outcome.total, outcome.done), (4, 4), "{:?}", outcome.failures);
    let names: Vec<String> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("collx") || n.contains("coll_x"))
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names.iter().all(|n| !n.starts_with('.') && !n.contains('/')),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_rerun_after_a_killed_worker_says_what_it_waits_for() {
    make_dbs(&["fs_killed"]).await;
    let cp_url = fresh_control_plane("cp_killed").await;
    let tmp = tempfile::tempdir().unwrap();
    let file = fleet_file(tmp.path(), "killed", &["fs_killed"]);
    let request = FleetRequest {
        fleet_file: Some(file),
        work_dir: Some(tmp.path().join("work").display().to_string()),
        assessment_control_plane: Some(cp_url.clone()),
        ..Default::default()
    };
    // A worker that claimed the database and was killed (its lease has 3 s to run).
    let inv = fleet::inventory(&request, &env()).await.unwrap();
    let run_id = fleet::fleet_run_id(&inv.name);
    let uuid = fleet::member_uuid(run_id, &inv.entries[0].key());
    let cp = ControlPlane::connect(&cp_url).await.unwrap();
    let member = FleetMember {
        migration_uuid: uuid,
        source: SourceDetails::of(&inv.entries[0].conn, vec![]),
        labels: serde_json::json!({"fleet": inv.name}),
    };
    cp.enqueue_fleet(run_id, &inv.name, &[member], false).await.unwrap();
    let dead = Claim {
        fleet_run_id: run_id,
        worker: "killed-host:4242:dead".into(),
    };
    cp.claim(&dead, Duration::from_secs(3), 1, &[], &[uuid]).await.unwrap();

    let seen: Arc<Mutex<Vec<FleetProgress>>> = Arc::default();
    let sink = seen.clone();
    let progress: fleet::FleetProgressFn = Arc::new(move |p: &FleetProgress| sink.lock().unwrap().push(p.clone()));
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        fleet::run_with_env(request, Some(progress), CancellationToken::new(), env()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((outcome.total, outcome.done), (1, 1), "{:?}", outcome.failures);
    let waiting: Vec<String> = seen.lock().unwrap().iter().filter_map(|p| p.waiting.clone()).collect();
    assert!(!waiting.is_empty(), "no waiting message");
    assert!(
        waiting[0].contains("killed-host:4242:dead") && waiting[0].contains("lease"),
        "{waiting:?}"
    );
}

#[tokio::test]
async fn out_of_range_numbers_are_refused_with_the_flag_named() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let base = FleetRequest {
        fleet_file: Some(fleet_file(tmp.path(), "ranges", &["db1"])),
        work_dir: Some(work.display().to_string()),
        assessment_control_plane: Some(cp_url()),
        ..Default::default()
    };
    let cases = [
        (
            FleetRequest {
                lease_seconds: Some(u64::MAX / 2),
                ..base.clone()
            },
            "--lease-seconds",
        ),
        (
            FleetRequest {
                lease_seconds: Some(0),
                ..base.clone()
            },
            "--lease-seconds",
        ),
        (
            FleetRequest {
                timeout_seconds: Some(10_000_000_000),
                ..base.clone()
            },
            "--timeout-seconds",
        ),
        (
            FleetRequest {
                parallel: Some(usize::MAX),
                ..base.clone()
            },
            "--parallel",
        ),
        (
            FleetRequest {
                per_host: Some(1_000_000),
                ..base.clone()
            },
            "--per-host",
        ),
    ];
    for (request, flag) in cases {
        let err = fleet::run_with_env(request, None, CancellationToken::new(), env())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
        let cli = err.render(voyager_core::error::Front::Cli);
        assert!(cli.contains(flag) && cli.contains("out of range"), "{cli}");
    }
    assert!(!work.exists());
}
