//! The control plane stopped in the middle of writes and started again: nothing lost, nothing
//! twice. A test binary of its own, because it stops the shared control-plane server.

mod support;

use std::process::Command;
use std::time::Duration;

use support::*;
use uuid::Uuid;
use voyager_core::control_plane::{ControlPlane, SourceDetails, StoreOutcome};

fn sandbox(action: &str) {
    let script = var("VOYAGER_SANDBOX_SCRIPT");
    let status = Command::new(&script)
        .args([action, "cp"])
        .status()
        .expect("the sandbox script runs");
    assert!(status.success(), "{script} {action} cp failed");
}

#[tokio::test]
async fn a_control_plane_restarted_mid_write_loses_nothing_and_duplicates_nothing() {
    let url = fresh_control_plane("cp_restart").await;
    let cp = ControlPlane::connect(&url).await.unwrap();
    let uuid = Uuid::new_v4();
    let source = SourceDetails {
        db_type: "postgresql".into(),
        host: "h".into(),
        port: 5432,
        database: "db".into(),
        schemas: vec!["public".into()],
        user: Some("u".into()),
        ssl_mode: None,
    };
    let writer = tokio::spawn(async move {
        let mut outcomes = Vec::new();
        for n in 0..40 {
            let report = sample_report("db", "LOW", n);
            outcomes.push(
                cp.store_assessment(uuid, &source, &report, "/m")
                    .await
                    .expect("the write survives the restart"),
            );
            // A write retried after the restart must not be stored twice.
            let again = cp.store_assessment(uuid, &source, &report, "/m").await.unwrap();
            assert!(matches!(again, StoreOutcome::AlreadyStored { .. }));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        outcomes
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    tokio::task::spawn_blocking(|| {
        sandbox("stop");
        std::thread::sleep(Duration::from_millis(500));
        sandbox("start");
    })
    .await
    .unwrap();
    let outcomes = writer.await.unwrap();
    assert_eq!(outcomes.len(), 40);
    let c = plain_client(&url).await;
    let runs: Vec<i32> = c
        .query(
            "SELECT run FROM voyager_fleet.assessments WHERE migration_uuid = $1 ORDER BY run",
            &[&uuid],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(runs, (1..=40).collect::<Vec<_>>(), "every report once, none twice");
    let rows: i64 = c
        .query_one(
            "SELECT count(*) FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata WHERE migration_uuid = $1",
            &[&uuid],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 80);
}
