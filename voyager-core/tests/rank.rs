//! `voyager rank` and the one-row-per-database control plane on the test servers: databases
//! assessed by hand, then by a fleet run over the server, then one only yb-voyager recorded, are
//! each ranked once; init reuses a known database's migration UUID; diff and forget; read-only
//! users; and bad stored data giving clear errors.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use support::*;
use uuid::Uuid;
use voyager_core::assess_migration::{run_plan, AssessRequest};
use voyager_core::connection::LibpqEnv;
use voyager_core::control_plane::{ControlPlane, ListFilter, Origin};
use voyager_core::fleet::{self, CancellationToken, FleetRequest};
use voyager_core::init::{run_with_env as init, InitAnswers, InitOutcome};
use voyager_core::ranking::{self, RankRequest};
use voyager_core::ErrorKind;

fn source_of(db: &str) -> String {
    format!("postgresql://amakala:password@{}:{}/{db}", source_host(), source_port())
}

async fn init_db(cp: &str, dir: &Path, source: &str, new_uuid: bool) -> InitOutcome {
    let answers = InitAnswers {
        source: Some(source.into()),
        control_plane: Some("shared".parse().unwrap()),
        assessment_control_plane: Some(cp.into()),
        migration_dir: Some(dir.display().to_string()),
        new_migration_uuid: new_uuid,
        ..Default::default()
    };
    init(answers, LibpqEnv::empty()).await.unwrap()
}

async fn assess(outcome: &InitOutcome) {
    let env = LibpqEnv::empty().with_var("SOURCE_DB_PASSWORD", "password");
    let request = AssessRequest {
        config_file: Some(outcome.config_file.display().to_string()),
        ..Default::default()
    };
    let result = run_plan(request.plan(&env).unwrap(), None).await.unwrap();
    assert!(result.outcome.control_plane.unwrap().stored);
}

fn counts(names: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for n in names {
        *m.entry(n).or_insert(0) += 1;
    }
    m
}

#[tokio::test]
async fn every_database_once_whichever_way_it_was_assessed() {
    let cp = fresh_control_plane("cp_rank_e2e").await;
    let tmp = tempfile::tempdir().unwrap();
    // db1 and db2 by hand.
    let db1 = init_db(&cp, &tmp.path().join("db1-migration"), &source_of("db1"), false).await;
    assess(&db1).await;
    let db2 = init_db(&cp, &tmp.path().join("db2-migration"), &source_of("db2"), false).await;
    assess(&db2).await;
    // Then a fleet run over the server (its three sandbox databases).
    let outcome = fleet::run_with_env(
        FleetRequest {
            all_databases: Some(source_url()),
            include: vec!["db[0-9]".into()],
            fleet_name: Some("server".into()),
            work_dir: Some(tmp.path().join("work").display().to_string()),
            assessment_control_plane: Some(cp.clone()),
            ..Default::default()
        },
        None,
        CancellationToken::new(),
        LibpqEnv::empty(),
    )
    .await
    .unwrap();
    assert_eq!((outcome.done, outcome.failed), (3, 0), "{outcome:?}");
    // Then a database only yb-voyager recorded.
    let legacy = Uuid::new_v4();
    insert_yb_voyager_rows(&cp, legacy, "legacy_db", &sample_report("legacy_db", "HIGH", 2)).await;

    // Six migrations, four databases, each ranked once.
    let ranked = ranking::rank(&cp, &RankRequest::default()).await.unwrap();
    let seen = counts(ranked.iter().map(|r| r.ranked.database.clone()));
    assert_eq!(
        seen,
        counts(["db1", "db2", "db3", "legacy_db"].iter().map(|s| s.to_string())),
        "{ranked:#?}"
    );
    let of = |db: &str| ranked.iter().find(|r| r.ranked.database == db).unwrap();
    let db1_uuids: Vec<Uuid> = of("db1").migrations.iter().map(|m| m.migration_uuid).collect();
    assert_eq!(db1_uuids.len(), 2, "by hand and by the fleet: {db1_uuids:?}");
    assert!(db1_uuids.contains(&db1.migration_uuid));
    assert_eq!(of("db1").fleets, ["server"]);
    // The row shows the latest completed assessment: the fleet's, which came last.
    assert_ne!(of("db1").ranked.migration_uuid, db1.migration_uuid);
    assert_eq!(of("db3").migrations.len(), 1);
    assert_eq!(of("legacy_db").origin, Origin::YbVoyager);
    assert!(of("legacy_db").ranked.why.contains("only by yb-voyager"));
    assert_eq!(of("legacy_db").ranked.level3, 2);
    assert_eq!(
        ranked.iter().map(|r| r.ranked.rank).collect::<Vec<_>>(),
        (1..=4).collect::<Vec<_>>()
    );

    // Filters.
    let fleet_only = ranking::rank(
        &cp,
        &RankRequest {
            fleet: Some("server".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(fleet_only.len(), 3);
    let high = ranking::rank(
        &cp,
        &RankRequest {
            complexity: Some("high".parse().unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        high.iter().map(|r| r.ranked.database.as_str()).collect::<Vec<_>>(),
        ["legacy_db"]
    );
    let by_host = ranking::rank(
        &cp,
        &RankRequest {
            host: Some("localhost".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_host.len(), 3, "127.0.0.1 is localhost");
    let err = ranking::rank(
        &cp,
        &RankRequest {
            labels: vec!["nokey".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    // A status no database has is refused where the request is read, naming the valid ones.
    let err = serde_json::from_str::<RankRequest>(r#"{"status": "running"}"#).unwrap_err();
    assert!(err.to_string().contains("completed, failed, not assessed"), "{err}");
    let not_assessed = ranking::rank(
        &cp,
        &RankRequest {
            status: Some("Not Assessed".parse().unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(not_assessed
        .iter()
        .all(|r| r.ranked.status == voyager_core::vocabulary::AssessmentStatus::NotAssessed));

    // control-plane list: one row per database too; --per-migration shows all six.
    let cpc = ControlPlane::open(&cp).await.unwrap();
    let listed = cpc.list(&ListFilter::default()).await.unwrap();
    assert_eq!(
        counts(listed.iter().map(|r| r.database.clone())),
        counts(["db1", "db2", "db3", "legacy_db"].iter().map(|s| s.to_string()))
    );
    let per = cpc
        .list(&ListFilter {
            per_migration: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(per.len(), 5, "our five migrations (yb-voyager's is not ours)");

    // fleet rank without --fleet: the only fleet.
    assert_eq!(fleet::fleet_name(&cp, None).await.unwrap(), "server");

    // A new init of db2 continues its migration; --new-migration-uuid starts another.
    let again = init_db(&cp, &tmp.path().join("db2-again"), &source_of("db2"), false).await;
    assert_eq!(again.migration_uuid, db2.migration_uuid, "{:?}", again.messages);
    assert!(again.messages.iter().any(|m| m.contains("already knows")));
    let fresh = init_db(&cp, &tmp.path().join("db2-fresh"), &source_of("db2"), true).await;
    assert_ne!(fresh.migration_uuid, db2.migration_uuid);
    // Through another alias of the same server, too.
    let alias = format!("postgresql://amakala:password@localhost:{}/db1", source_port());
    let by_alias = init_db(&cp, &tmp.path().join("db1-alias"), &alias, false).await;
    assert_eq!(by_alias.migration_uuid, db1.migration_uuid);

    // A second fleet: fleet rank without --fleet now lists both in its error.
    fleet::run_with_env(
        FleetRequest {
            all_databases: Some(source_url()),
            include: vec!["db3".into()],
            fleet_name: Some("other".into()),
            work_dir: Some(tmp.path().join("work2").display().to_string()),
            assessment_control_plane: Some(cp.clone()),
            ..Default::default()
        },
        None,
        CancellationToken::new(),
        LibpqEnv::empty(),
    )
    .await
    .unwrap();
    let err = fleet::fleet_name(&cp, None).await.unwrap_err();
    assert!(
        err.message().contains("other") && err.message().contains("server"),
        "{err}"
    );
    let ranked = ranking::rank(&cp, &RankRequest::default()).await.unwrap();
    assert_eq!(ranked.len(), 4, "still one row per database");
    assert_eq!(
        ranked.iter().find(|r| r.ranked.database == "db3").unwrap().fleets,
        ["other", "server"]
    );
}

#[tokio::test]
async fn diff_shows_an_added_issue_and_forget_removes_a_migration() {
    let cp = fresh_control_plane("cp_rank_diff").await;
    let db = TestDb::create("rank_diff", "CREATE TABLE t (id int PRIMARY KEY);").await;
    db.admin()
        .await
        .batch_execute("GRANT ALL ON SCHEMA public TO amakala; GRANT SELECT ON ALL TABLES IN SCHEMA public TO amakala")
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let outcome = init_db(&cp, &tmp.path().join("m"), &source_of("rank_diff"), false).await;
    assess(&outcome).await;
    let uuid = outcome.migration_uuid.to_string();
    let err = voyager_core::control_plane::diff(&cp, &uuid, None, None)
        .await
        .unwrap_err();
    assert!(err.message().contains("no completed assessment before run 1"), "{err}");
    db.admin()
        .await
        .batch_execute("CREATE TABLE docs (id int PRIMARY KEY, body xml)")
        .await
        .unwrap();
    assess(&outcome).await;
    let diff = voyager_core::control_plane::diff(&cp, &uuid, None, None).await.unwrap();
    assert_eq!((diff.from_run, diff.to_run), (1, 2));
    assert!(
        diff.added
            .iter()
            .any(|i| i.issue_type.contains("XML") && i.object_name.contains("docs")),
        "{diff:#?}"
    );
    assert!(diff.removed.is_empty(), "{diff:#?}");
    assert!(
        diff.level3.to > diff.level3.from || diff.level2.to > diff.level2.from || diff.level1.to > diff.level1.from
    );
    let err = voyager_core::control_plane::diff(&cp, &uuid, Some(7), None)
        .await
        .unwrap_err();
    assert!(err.message().contains("completed runs are 1, 2"), "{err}");

    // forget: our rows go, yugabyted's stay unless asked.
    let gone = voyager_core::control_plane::forget(&cp, &uuid, false).await.unwrap();
    assert_eq!((gone.assessments_removed, gone.sources_removed), (2, 1));
    assert_eq!(gone.yugabyted_rows_kept, 4);
    let cpc = ControlPlane::open(&cp).await.unwrap();
    let listed = cpc
        .list(&ListFilter {
            per_migration: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(listed.iter().all(|m| m.migration_uuid != outcome.migration_uuid));
    // What stays is yugabyted's view: listed as yb-voyager's, until forgotten with it.
    let ranked = ranking::rank(&cp, &RankRequest::default()).await.unwrap();
    assert_eq!(ranked.len(), 1);
    assert_eq!(ranked[0].origin, Origin::YbVoyager);
    let gone = voyager_core::control_plane::forget(&cp, &uuid, true).await.unwrap();
    assert_eq!(gone.yugabyted_rows_removed, 4);
    let err = voyager_core::control_plane::forget(&cp, &uuid, true).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    db.drop().await;
}

#[tokio::test]
async fn a_read_only_user_reads_and_the_schema_is_never_changed_by_reading() {
    let cp = fresh_control_plane("cp_rank_ro").await;
    let admin = plain_client(&cp).await;
    admin
        .batch_execute(
            "DROP ROLE IF EXISTS rank_reader; CREATE ROLE rank_reader LOGIN PASSWORD 'reader';
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        )
        .await
        .unwrap();
    admin
        .batch_execute(
            "REVOKE CREATE ON DATABASE \"cp_rank_ro\" FROM PUBLIC; GRANT CONNECT ON DATABASE \"cp_rank_ro\" TO rank_reader",
        )
        .await
        .unwrap();
    let reader = format!(
        "postgresql://rank_reader:reader@{}:{}/cp_rank_ro",
        var("VOYAGER_CP_HOST"),
        var("VOYAGER_CP_PORT")
    );
    // Nothing there yet: status says so, list and rank say what to do.
    let status = voyager_core::control_plane::status(&reader).await.unwrap();
    assert_eq!((status.schema_version, status.migrations), (0, 0));
    let err = voyager_core::control_plane::list(&reader, &ListFilter::default())
        .await
        .unwrap_err();
    assert!(err.message().contains("holds no assessment yet"), "{err}");
    let err = ranking::rank(&reader, &RankRequest::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    // No schema was created by reading.
    let schemas: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname IN ('voyager_fleet', 'ybvoyager_visualizer')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(schemas, 0);
    // A writer stores; the reader, with SELECT only, lists, shows and ranks.
    let writer = ControlPlane::connect(&cp).await.unwrap();
    let uuid = Uuid::new_v4();
    let source = voyager_core::control_plane::SourceDetails {
        db_type: "postgresql".into(),
        host: "10.0.0.9".into(),
        port: 5432,
        database: "sales".into(),
        schemas: vec!["public".into()],
        user: Some("u".into()),
        ssl_mode: None,
    };
    writer
        .store_assessment(uuid, &source, &sample_report("sales", "LOW", 0), "/m")
        .await
        .unwrap();
    admin
        .batch_execute(
            "GRANT USAGE ON SCHEMA voyager_fleet, ybvoyager_visualizer TO rank_reader;
             GRANT SELECT ON ALL TABLES IN SCHEMA voyager_fleet, ybvoyager_visualizer TO rank_reader;",
        )
        .await
        .unwrap();
    let status = voyager_core::control_plane::status(&reader).await.unwrap();
    assert_eq!(status.migrations, 1);
    assert_eq!(
        voyager_core::control_plane::list(&reader, &ListFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    voyager_core::control_plane::show(&reader, &uuid.to_string())
        .await
        .unwrap();
    assert_eq!(ranking::rank(&reader, &RankRequest::default()).await.unwrap().len(), 1);
    // Writing is refused by the server, and said as such.
    let err = voyager_core::control_plane::forget(&reader, &uuid.to_string(), false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ControlPlane, "{err}");
}

#[tokio::test]
async fn bad_stored_data_gives_clear_errors() {
    let cp = fresh_control_plane("cp_rank_bad").await;
    let writer = ControlPlane::connect(&cp).await.unwrap();
    let uuid = Uuid::new_v4();
    let source = voyager_core::control_plane::SourceDetails {
        db_type: "postgresql".into(),
        host: "10.0.0.9".into(),
        port: 5432,
        database: "sales".into(),
        schemas: vec!["public".into()],
        user: None,
        ssl_mode: None,
    };
    writer
        .store_assessment(uuid, &source, &sample_report("sales", "LOW", 1), "/m")
        .await
        .unwrap();
    drop(writer);
    let admin = plain_client(&cp).await;

    // schema_version = -1.
    admin
        .batch_execute("UPDATE voyager_fleet.schema_version SET version = -1")
        .await
        .unwrap();
    for err in [
        ControlPlane::connect(&cp).await.err().unwrap(),
        ControlPlane::open(&cp).await.err().unwrap(),
    ] {
        assert_eq!(err.kind(), ErrorKind::ControlPlane);
        assert!(err.message().contains("schema version -1"), "{err}");
    }

    // A newer layout: a column widened to bigint.
    admin
        .batch_execute(
            "UPDATE voyager_fleet.schema_version SET version = 99;
             ALTER TABLE voyager_fleet.assessments ALTER COLUMN level1 TYPE bigint",
        )
        .await
        .unwrap();
    let err = voyager_core::control_plane::list(&cp, &ListFilter::default())
        .await
        .unwrap_err();
    assert!(
        err.message().contains("level1") && err.message().contains("newer libvoyager"),
        "{err}"
    );
    let err = voyager_core::control_plane::show(&cp, &uuid.to_string())
        .await
        .unwrap_err();
    assert!(err.message().contains("level1"), "{err}");
    assert!(ranking::rank(&cp, &RankRequest::default())
        .await
        .unwrap_err()
        .message()
        .contains("level1"));
    // The same layout at this version: the column is still named.
    admin
        .batch_execute(&format!(
            "UPDATE voyager_fleet.schema_version SET version = {}",
            voyager_core::control_plane::SCHEMA_VERSION
        ))
        .await
        .unwrap();
    let err = voyager_core::control_plane::list(&cp, &ListFilter::default())
        .await
        .unwrap_err();
    assert!(
        err.message().contains("level1") && err.message().contains("int8"),
        "{err}"
    );
    admin
        .batch_execute("ALTER TABLE voyager_fleet.assessments ALTER COLUMN level1 TYPE int")
        .await
        .unwrap();

    // A corrupt yugabyted payload: never read as an empty report.
    let broken = Uuid::new_v4();
    insert_yb_voyager_rows(&cp, broken, "broken_db", &sample_report("broken_db", "LOW", 0)).await;
    admin
        .execute(
            "UPDATE ybvoyager_visualizer.ybvoyager_visualizer_metadata SET payload = '{\"PayloadVersion\": 1.8, tru' \
             WHERE migration_uuid = $1 AND status = 'COMPLETED'",
            &[&broken],
        )
        .await
        .unwrap();
    let cpc = ControlPlane::open(&cp).await.unwrap();
    let err = cpc.latest(broken).await.unwrap_err();
    assert!(err.message().contains("not valid JSON"), "{err}");
    let ranked = ranking::rank(&cp, &RankRequest::default()).await.unwrap();
    let row = ranked.iter().find(|r| r.ranked.database == "broken_db").unwrap();
    assert_eq!(row.ranked.score, None);
    assert!(row.ranked.why.contains("not valid JSON"), "{}", row.ranked.why);
    // start-migration refuses it instead of calling it ready.
    let tmp = tempfile::tempdir().unwrap();
    let err = voyager_core::start_migration::run_with_env(
        voyager_core::start_migration::StartMigrationAnswers {
            migration_dir: Some(tmp.path().join("m").display().to_string()),
            assessment_control_plane: Some(cp.clone()),
            migration_uuid: Some(broken.to_string()),
            ..Default::default()
        },
        LibpqEnv::empty(),
    )
    .await
    .unwrap_err();
    assert!(err.message().contains("not valid JSON"), "{err}");
    // A RawAssessmentJsonReport that is not JSON, likewise.
    admin
        .execute(
            "UPDATE ybvoyager_visualizer.ybvoyager_visualizer_metadata SET payload = '{\"RawAssessmentJsonReport\": \"null\"}' \
             WHERE migration_uuid = $1 AND status = 'COMPLETED'",
            &[&broken],
        )
        .await
        .unwrap();
    let err = cpc.latest(broken).await.unwrap_err();
    assert!(err.message().contains("RawAssessmentJsonReport"), "{err}");
}

/// A report whose tables are `tables` (TableIndexStats names).
fn report_with_tables(db: &str, tables: &[&str]) -> serde_json::Value {
    let mut report = sample_report(db, "LOW", 0);
    report["TableIndexStats"] = serde_json::Value::Array(
        tables
            .iter()
            .map(|t| serde_json::json!({"SchemaName": "public", "ObjectName": t, "IsIndex": false}))
            .collect(),
    );
    report
}

#[tokio::test]
async fn a_schema_version_3_control_plane_ranks_unchanged_and_a_writer_upgrades_it() {
    let cp = fresh_control_plane("cp_rank_v3").await;
    let writer = ControlPlane::connect(&cp).await.unwrap();
    let tables: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
    let same: Vec<&str> = tables.iter().map(String::as_str).collect();
    let mut nearly = same.clone();
    nearly[19] = "other";
    for (i, (db, tables)) in [("tenant_a", &same), ("tenant_b", &nearly), ("lonely", &vec!["x", "y"])]
        .into_iter()
        .enumerate()
    {
        let source = voyager_core::control_plane::SourceDetails {
            db_type: "postgresql".into(),
            host: format!("10.0.1.{i}"),
            port: 5432,
            database: db.into(),
            schemas: vec!["public".into()],
            user: Some("u".into()),
            ssl_mode: None,
        };
        writer
            .store_assessment(Uuid::new_v4(), &source, &report_with_tables(db, tables), "/m")
            .await
            .unwrap();
    }
    drop(writer);
    let groups = |ranked: &[ranking::RankedDatabase]| -> BTreeMap<String, Option<usize>> {
        ranked
            .iter()
            .map(|r| (r.ranked.database.clone(), r.ranked.group))
            .collect()
    };
    let current = ranking::rank(&cp, &RankRequest::default()).await.unwrap();
    let expected = groups(&current);
    // 19 of 21 names shared: tenant_a and tenant_b are one group (0.9); lonely is alone.
    assert_eq!(expected["tenant_a"], expected["tenant_b"]);
    assert!(expected["tenant_a"].is_some());
    assert_eq!(expected["lonely"], None);

    // The layout of schema version 3: no object_names column.
    let admin = plain_client(&cp).await;
    admin
        .batch_execute(
            "ALTER TABLE voyager_fleet.assessments DROP COLUMN object_names, DROP COLUMN object_name_hashes;
             UPDATE voyager_fleet.schema_version SET version = 3;",
        )
        .await
        .unwrap();
    // Readers upgrade nothing, and rank the same from the reports.
    assert_eq!(
        groups(&ranking::rank(&cp, &RankRequest::default()).await.unwrap()),
        expected
    );
    let version: i32 = admin
        .query_one("SELECT version FROM voyager_fleet.schema_version", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(version, 3);
    // A writer upgrades it to version 5, filling each stored assessment's names and their
    // hashes (computed in SQL as the library computes them).
    let writer = ControlPlane::connect(&cp).await.unwrap();
    drop(writer);
    let row = admin
        .query_one(
            "SELECT (SELECT version FROM voyager_fleet.schema_version),
                    count(*) FILTER (WHERE object_names IS NULL OR object_name_hashes IS NULL),
                    (SELECT object_names FROM voyager_fleet.assessments a JOIN voyager_fleet.sources s USING (migration_uuid)
                     WHERE s.database_name = 'lonely')
             FROM voyager_fleet.assessments",
            &[],
        )
        .await
        .unwrap();
    let (version, unfilled, mut lonely): (i32, i64, Vec<String>) = (row.get(0), row.get(1), row.get(2));
    lonely.sort();
    assert_eq!(
        (version, unfilled, lonely),
        (5, 0, vec!["x".to_string(), "y".to_string()])
    );
    let mut hashes: Vec<i64> = admin
        .query_one(
            "SELECT object_name_hashes FROM voyager_fleet.assessments a JOIN voyager_fleet.sources s USING (migration_uuid)
             WHERE s.database_name = 'lonely'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    hashes.sort();
    assert_eq!(hashes, voyager_core::control_plane::name_hashes(["x", "y"]));
    assert_eq!(
        groups(&ranking::rank(&cp, &RankRequest::default()).await.unwrap()),
        expected
    );
}

#[tokio::test]
async fn a_schema_version_1_control_plane_lists_and_ranks_without_the_later_columns() {
    let cp = fresh_control_plane("cp_rank_v1").await;
    let writer = ControlPlane::connect(&cp).await.unwrap();
    for (i, db) in ["old_a", "old_b"].into_iter().enumerate() {
        let source = voyager_core::control_plane::SourceDetails {
            db_type: "postgresql".into(),
            host: format!("10.0.2.{i}"),
            port: 5432,
            database: db.into(),
            schemas: vec!["public".into()],
            user: Some("u".into()),
            ssl_mode: None,
        };
        writer
            .store_assessment(Uuid::new_v4(), &source, &report_with_tables(db, &["t1", "t2"]), "/m")
            .await
            .unwrap();
    }
    drop(writer);
    let before = ranking::rank(&cp, &RankRequest::default()).await.unwrap();
    // The layout of schema version 1: none of the columns versions 2, 3 and 4 added.
    let admin = plain_client(&cp).await;
    admin
        .batch_execute(
            "ALTER TABLE voyager_fleet.assessments DROP COLUMN object_names, DROP COLUMN object_name_hashes,
                 DROP COLUMN partial, DROP COLUMN skipped_checks;
             ALTER TABLE voyager_fleet.sources DROP COLUMN source_identity;
             UPDATE voyager_fleet.schema_version SET version = 1;",
        )
        .await
        .unwrap();
    let reader = ControlPlane::open(&cp).await.unwrap();
    let mut listed: Vec<String> = reader
        .list(&ListFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.database)
        .collect();
    listed.sort();
    assert_eq!(listed, ["old_a", "old_b"]);
    let after = ranking::rank(&cp, &RankRequest::default()).await.unwrap();
    let key = |r: &[ranking::RankedDatabase]| -> Vec<(String, usize, Option<usize>)> {
        r.iter()
            .map(|r| (r.ranked.database.clone(), r.ranked.rank, r.ranked.group))
            .collect()
    };
    assert_eq!(key(&after), key(&before));
    assert!(after.iter().all(|r| r.identity.starts_with("addr:")), "{after:?}");
}
