//! The control plane against the real control-plane server: round trips, history, yb-voyager's
//! rows, schema versions, concurrent writers, and no password anywhere.

mod support;

use std::collections::BTreeSet;

use support::*;
use uuid::Uuid;
use voyager_core::control_plane::{ControlPlane, ListFilter, Origin, SortKey, SourceDetails, StoreOutcome};
use voyager_core::ErrorKind;

fn source(db: &str) -> SourceDetails {
    SourceDetails {
        db_type: "postgresql".into(),
        host: "10.0.0.5".into(),
        port: 5432,
        database: db.into(),
        schemas: vec!["public".into(), "sales".into()],
        user: Some("amakala".into()),
        ssl_mode: Some("require".into()),
    }
}

#[tokio::test]
async fn round_trip_history_and_once_only() {
    let url = fresh_control_plane("cp_roundtrip").await;
    let cp = ControlPlane::connect(&url).await.unwrap();
    let uuid = Uuid::new_v4();
    let reports: Vec<_> = (1..=3).map(|n| sample_report("db2", "MEDIUM", n)).collect();
    for (i, r) in reports.iter().enumerate() {
        let out = cp.store_assessment(uuid, &source("db2"), r, "/m/db2").await.unwrap();
        assert_eq!(out, StoreOutcome::Stored { run: i as i32 + 1 });
    }
    assert_eq!(
        cp.store_assessment(uuid, &source("db2"), &reports[2], "/m")
            .await
            .unwrap(),
        StoreOutcome::AlreadyStored { run: 3 }
    );
    let latest = cp.latest(uuid).await.unwrap();
    assert_eq!(latest.report, reports[2]);
    assert_eq!(latest.source, source("db2"));
    assert_eq!(latest.origin, Origin::Libvoyager);
    assert_eq!(latest.summary.unwrap().level3, 3);
    let history = cp.history(uuid).await.unwrap();
    assert_eq!(history.iter().map(|h| h.run).collect::<Vec<_>>(), vec![3, 2, 1]);
    let err = cp.latest(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    // The yugabyted rows: IN PROGRESS then COMPLETED per stored run.
    let c = plain_client(&url).await;
    let rows = c
        .query(
            "SELECT invocation_sequence, status, payload FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata \
             WHERE migration_uuid = $1 AND migration_phase = 1 ORDER BY invocation_sequence",
            &[&uuid],
        )
        .await
        .unwrap();
    let seq: Vec<(i32, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(seq.len(), 6);
    assert!(seq
        .chunks(2)
        .all(|p| p[0].1 == "IN PROGRESS" && p[1].1 == "COMPLETED" && p[1].0 == p[0].0 + 1));
    let payload: serde_json::Value = serde_json::from_str(&rows[5].get::<_, String>(2)).unwrap();
    for key in [
        "PayloadVersion",
        "VoyagerVersion",
        "TargetDBVersion",
        "MigrationComplexity",
        "MigrationComplexityExplanation",
        "SchemaSummary",
        "AssessmentIssues",
        "SourceSizeDetails",
        "TargetRecommendations",
        "Sizing",
        "TableIndexStats",
        "GeneralNotes",
        "ColocatedShardedNotes",
        "SizingNotes",
        "RawAssessmentJsonReport",
    ] {
        assert!(payload.get(key).is_some(), "payload lacks {key}");
    }
    assert_eq!(payload["PayloadVersion"], "1.8");
    let raw: serde_json::Value = serde_json::from_str(payload["RawAssessmentJsonReport"].as_str().unwrap()).unwrap();
    assert_eq!(raw, reports[2]);
}

#[tokio::test]
async fn the_yugabyted_table_has_the_known_columns() {
    let url = fresh_control_plane("cp_ddl").await;
    ControlPlane::connect(&url).await.unwrap();
    let c = plain_client(&url).await;
    let cols: BTreeSet<(String, String)> = c
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = 'ybvoyager_visualizer' AND table_name = 'ybvoyager_visualizer_metadata'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("migration_uuid", "uuid"),
        ("migration_phase", "integer"),
        ("invocation_sequence", "integer"),
        ("migration_dir", "text"),
        ("database_name", "text"),
        ("schema_name", "text"),
        ("payload", "text"),
        ("complexity", "character varying"),
        ("db_type", "character varying"),
        ("status", "character varying"),
        ("invocation_timestamp", "timestamp with time zone"),
        ("host_ip", "character varying"),
        ("port", "integer"),
        ("db_version", "character varying"),
        ("voyager_info", "character varying"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(cols, expected);
    let pk: Vec<String> = c
        .query(
            "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = 'ybvoyager_visualizer.ybvoyager_visualizer_metadata'::regclass AND i.indisprimary ORDER BY a.attnum",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(pk, ["migration_uuid", "migration_phase", "invocation_sequence"]);
}

#[tokio::test]
async fn a_migration_only_yb_voyager_recorded_is_read_back() {
    let url = fresh_control_plane("cp_ybvoyager").await;
    let uuid = Uuid::new_v4();
    let report = sample_report("legacy_db", "HIGH", 5);
    insert_yb_voyager_rows(&url, uuid, "legacy_db", &report).await;
    let c = plain_client(&url).await;
    // Connecting adds the columns yugabyted's newer table has, and nothing else changes.
    let cp = ControlPlane::connect(&url).await.unwrap();
    c.execute(
        "UPDATE ybvoyager_visualizer.ybvoyager_visualizer_metadata SET host_ip = '{\"SourceDBIP\":\"10.1.2.3|10.1.2.4\"}', port = 5433 \
         WHERE migration_uuid = $1",
        &[&uuid],
    )
    .await
    .unwrap();
    let stored = cp.latest(uuid).await.unwrap();
    assert_eq!(stored.origin, Origin::YbVoyager);
    assert_eq!(stored.report, report);
    assert_eq!(stored.source.database, "legacy_db");
    assert_eq!(stored.source.schemas, vec!["public".to_string(), "sales".to_string()]);
    assert_eq!((stored.source.host.as_str(), stored.source.port), ("10.1.2.3", 5433));
    assert_eq!(stored.source.user, None);
}

#[tokio::test]
async fn schema_creation_is_idempotent_under_concurrency_and_a_newer_schema_is_refused() {
    let url = fresh_control_plane("cp_schema").await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { ControlPlane::connect(&url).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("concurrent schema creation succeeds");
    }
    let cp = ControlPlane::connect(&url).await.unwrap();
    assert_eq!(
        cp.status().await.unwrap().schema_version,
        voyager_core::control_plane::SCHEMA_VERSION
    );
    plain_client(&url)
        .await
        .batch_execute("UPDATE voyager_fleet.schema_version SET version = 99")
        .await
        .unwrap();
    let newer = ControlPlane::connect(&url).await.unwrap();
    let status = newer.status().await.unwrap();
    assert!(!status.writable);
    let err = newer
        .store_assessment(Uuid::new_v4(), &source("x"), &sample_report("x", "LOW", 0), "/m")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ControlPlane);
    assert!(
        err.message().contains("newer libvoyager") && err.message().contains("99"),
        "{err}"
    );
}

#[tokio::test]
async fn eight_concurrent_writers_on_the_same_and_different_migrations() {
    let url = fresh_control_plane("cp_concurrent").await;
    ControlPlane::connect(&url).await.unwrap();
    let shared = Uuid::new_v4();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let cp = ControlPlane::connect(&url).await.unwrap();
            let uuid = if i < 4 { shared } else { Uuid::new_v4() };
            cp.store_assessment(
                uuid,
                &source(&format!("db{i}")),
                &sample_report(&format!("db{i}"), "LOW", i),
                "/m",
            )
            .await
            .unwrap()
        }));
    }
    for t in tasks {
        assert!(matches!(t.await.unwrap(), StoreOutcome::Stored { .. }));
    }
    let cp = ControlPlane::connect(&url).await.unwrap();
    let runs: Vec<i32> = cp.history(shared).await.unwrap().iter().map(|h| h.run).collect();
    assert_eq!(runs, vec![4, 3, 2, 1]);
    let c = plain_client(&url).await;
    let seqs: Vec<i32> = c
        .query(
            "SELECT invocation_sequence FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata WHERE migration_uuid = $1 ORDER BY 1",
            &[&shared],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seqs, (1..=8).collect::<Vec<_>>());
    assert_eq!(cp.list(&ListFilter::default()).await.unwrap().len(), 5);
}

#[tokio::test]
async fn list_filters_and_sorts() {
    let url = fresh_control_plane("cp_list").await;
    let cp = ControlPlane::connect(&url).await.unwrap();
    for (db, complexity, l3) in [
        ("alpha", "LOW", 0),
        ("beta", "HIGH", 6),
        ("gamma", "MEDIUM", 2),
        ("alphabet", "MEDIUM", 1),
    ] {
        cp.store_assessment(Uuid::new_v4(), &source(db), &sample_report(db, complexity, l3), "/m")
            .await
            .unwrap();
    }
    let failed = Uuid::new_v4();
    cp.record_failure(
        failed,
        &source("delta"),
        "could not connect: postgresql://u:Secr3t@h/d refused",
    )
    .await
    .unwrap();
    let names = |rows: Vec<voyager_core::control_plane::MigrationSummary>| {
        rows.into_iter().map(|m| m.database).collect::<Vec<_>>()
    };
    assert_eq!(
        names(cp.list(&ListFilter::default()).await.unwrap()),
        ["alpha", "alphabet", "beta", "delta", "gamma"]
    );
    let by_issues = ListFilter {
        sort: SortKey::Issues,
        descending: true,
        ..Default::default()
    };
    assert_eq!(
        names(cp.list(&by_issues).await.unwrap())[..4],
        ["beta", "gamma", "alphabet", "alpha"]
    );
    let medium = ListFilter {
        complexity: Some("medium".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(names(cp.list(&medium).await.unwrap()), ["alphabet", "gamma"]);
    let alpha = ListFilter {
        database: Some("alpha".into()),
        ..Default::default()
    };
    assert_eq!(names(cp.list(&alpha).await.unwrap()), ["alpha", "alphabet"]);
    let failures = cp
        .list(&ListFilter {
            status: Some("failed".parse().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failures.len(), 1);
    let error = failures[0].latest.as_ref().unwrap().error.clone().unwrap();
    assert!(error.contains("refused") && !error.contains("Secr3t"), "{error}");
    let page = ListFilter {
        limit: Some(2),
        offset: Some(1),
        ..Default::default()
    };
    assert_eq!(names(cp.list(&page).await.unwrap()), ["alphabet", "beta"]);
}

/// The dashboard keeps its ranking until the change marker moves: it is stable while nothing is
/// written, and moves with a new run, a label edited in place, and a forgotten migration.
#[tokio::test]
async fn the_change_marker_moves_with_every_write_and_only_then() {
    let url = fresh_control_plane("cp_marker").await;
    let cp = ControlPlane::connect(&url).await.unwrap();
    let uuid = Uuid::new_v4();
    cp.store_assessment(uuid, &source("db_marker"), &sample_report("db_marker", "LOW", 1), "/m")
        .await
        .unwrap();
    let first = cp.change_marker().await.unwrap();
    assert!(!first.is_empty());
    assert_eq!(cp.change_marker().await.unwrap(), first, "nothing was written");
    cp.store_assessment(uuid, &source("db_marker"), &sample_report("db_marker", "HIGH", 2), "/m")
        .await
        .unwrap();
    let second = cp.change_marker().await.unwrap();
    assert_ne!(second, first, "a new run");
    assert_eq!(cp.change_marker().await.unwrap(), second);
    plain_client(&url)
        .await
        .execute(
            "UPDATE voyager_fleet.sources SET labels = '{\"team\": \"blue\"}' WHERE migration_uuid = $1",
            &[&uuid],
        )
        .await
        .unwrap();
    let third = cp.change_marker().await.unwrap();
    assert_ne!(third, second, "a label edited in place");
    // Two databases swapping their labels: the same values, on other rows.
    let other = Uuid::new_v4();
    cp.store_assessment(
        other,
        &source("db_marker_2"),
        &sample_report("db_marker_2", "LOW", 1),
        "/m",
    )
    .await
    .unwrap();
    let client = plain_client(&url).await;
    let label = |team: &str| serde_json::json!({ "team": team });
    let set = "UPDATE voyager_fleet.sources SET labels = $2 WHERE migration_uuid = $1";
    client.execute(set, &[&other, &label("red")]).await.unwrap();
    let before_swap = cp.change_marker().await.unwrap();
    client.execute(set, &[&uuid, &label("red")]).await.unwrap();
    client.execute(set, &[&other, &label("blue")]).await.unwrap();
    assert_ne!(
        cp.change_marker().await.unwrap(),
        before_swap,
        "two rows swapping a label"
    );
    // yugabyted's row of a run changing its status in place.
    let before_status = cp.change_marker().await.unwrap();
    let changed = client
        .execute(
            "UPDATE ybvoyager_visualizer.ybvoyager_visualizer_metadata SET status = 'ERROR' WHERE migration_uuid = $1",
            &[&uuid],
        )
        .await
        .unwrap();
    assert!(changed > 0, "the assessment was also written to yugabyted's table");
    assert_ne!(
        cp.change_marker().await.unwrap(),
        before_status,
        "a yugabyted row's status"
    );
    cp.forget(other, true).await.unwrap();
    cp.forget(uuid, true).await.unwrap();
    let fourth = cp.change_marker().await.unwrap();
    assert!(![first, second, third].contains(&fourth), "a forgotten migration");
}
