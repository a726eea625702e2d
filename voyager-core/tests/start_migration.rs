//! start-migration on the test servers: the user's whole flow (init and assess three databases
//! into a shared control plane, rank them, lose the migration dirs, rebuild db2's from the
//! control plane by its UUID), the config-file way in, and every bad input it must refuse
//! without leaving a half-written migration dir.

mod support;

use std::path::{Path, PathBuf};

use support::*;
use uuid::Uuid;
use voyager_core::assess_migration::{run_plan, AssessRequest};
use voyager_core::config::Config;
use voyager_core::connection::LibpqEnv;
use voyager_core::control_plane::{ControlPlane, ListFilter, SortKey};
use voyager_core::init::{run_with_env as init, InitAnswers, InitOutcome};
use voyager_core::start_migration::{run_with_env as start, StartMigrationAnswers};
use voyager_core::ErrorKind;

/// The password of the target roles the tests make; searched for in everything written.
const TARGET_SECRET: &str = "Tq7-target-secret";

/// A database `name` on the control-plane server owned by a role of its own (password
/// [`TARGET_SECRET`]); returns its connection string without the password.
async fn target_db(name: &str) -> String {
    let owner = format!("{name}_owner");
    let admin = plain_client(&cp_url()).await;
    // One statement at a time: CREATE and DROP DATABASE refuse to run in a batch's transaction.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("DROP ROLE IF EXISTS {owner}"),
        format!("CREATE ROLE {owner} LOGIN PASSWORD '{TARGET_SECRET}'"),
        format!("CREATE DATABASE {name} OWNER {owner}"),
    ] {
        admin.batch_execute(&sql).await.unwrap();
    }
    format!(
        "postgresql://{owner}@{}:{}/{name}",
        var("VOYAGER_CP_HOST"),
        var("VOYAGER_CP_PORT")
    )
}

fn source_of(db: &str) -> String {
    format!("postgresql://amakala:password@{}:{}/{db}", source_host(), source_port())
}

/// `init` and `assess-migration` for each database into the control plane `cp`, each in its own
/// migration dir below `root`.
async fn assessed(cp: &str, root: &Path, dbs: &[&str]) -> Vec<InitOutcome> {
    let mut inits = Vec::new();
    for db in dbs {
        let answers = InitAnswers {
            source: Some(source_of(db)),
            control_plane: Some("shared".parse().unwrap()),
            assessment_control_plane: Some(cp.into()),
            migration_dir: Some(root.join(format!("{db}-migration")).display().to_string()),
            ..Default::default()
        };
        let outcome = init(answers, LibpqEnv::empty()).await.unwrap();
        // After init, yb-voyager's meta.db holds the migration, not yet assessed.
        let export_dir = outcome.migration_dir.join("export-dir");
        let msr = voyager_core::meta_db::read_migration_status(&export_dir)
            .unwrap()
            .unwrap();
        assert_eq!(msr["MigrationUUID"], outcome.migration_uuid.to_string());
        assert_eq!(msr["MigrationAssessmentDone"], false);
        let env = LibpqEnv::empty().with_var("SOURCE_DB_PASSWORD", "password");
        let request = AssessRequest {
            config_file: Some(outcome.config_file.display().to_string()),
            ..Default::default()
        };
        let result = run_plan(request.plan(&env).unwrap(), None).await.unwrap();
        assert!(result.outcome.control_plane.unwrap().stored, "{db} stored");
        let msr = voyager_core::meta_db::read_migration_status(&export_dir)
            .unwrap()
            .unwrap();
        assert_eq!(
            msr["MigrationAssessmentDone"], true,
            "{db}: assess-migration marks it assessed"
        );
        let schemas = msr["SourceDBConf"]["schema"].as_str().unwrap_or_default();
        assert!(schemas.split('|').any(|s| s == "public"), "{db}: {schemas}");
        inits.push(outcome);
    }
    inits
}

fn rebuild(dir: &Path, cp: &str, uuid: Uuid, target: &str, flow: &str) -> StartMigrationAnswers {
    StartMigrationAnswers {
        migration_dir: Some(dir.display().to_string()),
        assessment_control_plane: Some(cp.into()),
        migration_uuid: Some(uuid.to_string()),
        source_password: Some("password".into()),
        target: Some(target.into()),
        target_password: Some(TARGET_SECRET.into()),
        flow: Some(flow.parse().unwrap()),
        ..Default::default()
    }
}

fn env() -> LibpqEnv {
    LibpqEnv::empty()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test]
async fn the_whole_flow_rebuilds_db2_from_the_control_plane() {
    let cp = fresh_control_plane("cp_start_flow").await;
    let target = target_db("target_flow").await;
    let tmp = tempfile::tempdir().unwrap();
    let inits = assessed(&cp, tmp.path(), &["db1", "db2", "db3"]).await;

    // Rank them as the user would: by complexity, then effort.
    let ranked = voyager_core::control_plane::list(
        &cp,
        &ListFilter {
            sort: SortKey::Effort,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut names: Vec<&str> = ranked.iter().map(|m| m.database.as_str()).collect();
    names.sort();
    assert_eq!(names, ["db1", "db2", "db3"]);
    let db2 = inits[1].migration_uuid;
    assert!(ranked.iter().any(|m| m.migration_uuid == db2));

    for i in &inits {
        std::fs::remove_dir_all(&i.migration_dir).unwrap();
    }
    let dir = tmp.path().join("db2-migration");
    let outcome = start(rebuild(&dir, &cp, db2, &target, "live"), env()).await.unwrap();
    assert_eq!(outcome.migration_uuid, db2);
    assert_eq!(outcome.way_in.as_str(), "control-plane");
    assert_eq!(outcome.flow.as_str(), "live");
    assert!(outcome
        .next_steps
        .iter()
        .any(|s| s.contains("initiate cutover to target")));

    // The report file equals the stored report; its HTML page is beside it.
    let stored = ControlPlane::connect(&cp).await.unwrap().latest(db2).await.unwrap();
    let written: serde_json::Value = serde_json::from_str(&read(&outcome.report_json)).unwrap();
    assert_eq!(written, stored.report);
    assert_eq!(
        outcome.report_json,
        dir.join("export-dir/assessment/reports/migration_assessment_report.json")
    );
    assert!(read(outcome.report_html.as_ref().unwrap()).contains("db2"));

    // The config: source and target without passwords, the control plane, the flow, db2's UUID.
    let config = Config::load(&outcome.config_file).unwrap();
    assert_eq!(config.get_str("source.db-name").as_deref(), Some("db2"));
    assert_eq!(config.get_str("source.db-user").as_deref(), Some("amakala"));
    assert_eq!(config.get_str("target.db-name").as_deref(), Some("target_flow"));
    assert_eq!(config.get_str("target.db-user").as_deref(), Some("target_flow_owner"));
    assert_eq!(
        config.get_str("assess-migration.assessment-control-plane").as_deref(),
        Some(cp.as_str())
    );
    // ... and again where every yb-voyager command reads it, so yugabyted's UI shows the
    // phases after this one under the same migration.
    assert_eq!(config.get_str("control-plane-type").as_deref(), Some("yugabyted"));
    assert_eq!(
        config.get_str("yugabyted-control-plane.db-conn-string").as_deref(),
        Some(cp.as_str())
    );
    assert_eq!(
        config.get_str("start-migration.data-migration-flow").as_deref(),
        Some("live")
    );
    assert!(
        config.keys().iter().all(|k| !k.contains("password")),
        "{:?}",
        config.keys()
    );
    let meta = voyager_core::migration_dir::MigrationDir::new(&dir)
        .read_metainfo()
        .unwrap();
    assert_eq!(meta.migration_uuid, db2);
    // yb-voyager's meta.db, read with SQLite: its migration status record continues db2's
    // migration, assessed, with the source's configuration and no password.
    let meta_db = rusqlite::Connection::open(dir.join("export-dir/metainfo/meta.db")).unwrap();
    let msr: String = meta_db
        .query_row(
            "SELECT json_text FROM json_objects WHERE key = 'migration_status'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let msr: serde_json::Value = serde_json::from_str(&msr).unwrap();
    assert_eq!(msr["MigrationUUID"], db2.to_string());
    assert_eq!(msr["MigrationAssessmentDone"], true);
    assert_eq!(msr["SourceDBConf"]["db_name"], "db2");
    assert_eq!(msr["SourceDBConf"]["db_type"], "postgresql");
    assert!(msr["SourceDBConf"].get("password").is_none(), "{msr}");
    for table in [
        "queue_segment_meta",
        "exported_events_stats",
        "exported_events_stats_per_table",
    ] {
        let n: i64 = meta_db
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table} is there, empty");
    }
    drop(meta_db);
    let everything = all_text_below(&dir);
    assert!(!everything.contains(TARGET_SECRET));
    assert!(!everything.contains("amakala:password"));
    assert!(!serde_json::to_string(&outcome).unwrap().contains(TARGET_SECRET));

    // Running it again converges: the same config and report, nothing else left behind.
    let config_text = read(&outcome.config_file);
    let again = start(rebuild(&dir, &cp, db2, &target, "live"), env()).await.unwrap();
    assert_eq!(again.migration_uuid, db2);
    assert_eq!(read(&again.config_file), config_text);
    assert_eq!(read(&again.report_json), read(&outcome.report_json));
    let siblings: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(siblings, vec![dir.clone()], "no staging dir is left");
}

#[tokio::test]
async fn from_the_config_file_of_the_assessment_keeping_comments() {
    let cp = fresh_control_plane("cp_start_config").await;
    let target = target_db("target_config").await;
    let tmp = tempfile::tempdir().unwrap();
    let inits = assessed(&cp, tmp.path(), &["db1"]).await;
    let config_file = inits[0].config_file.clone();
    let commented = format!("# our team's db1 migration\n{}", read(&config_file));
    std::fs::write(&config_file, &commented).unwrap();

    let answers = StartMigrationAnswers {
        config_file: Some(config_file.display().to_string()),
        source_password: Some("password".into()),
        target: Some(format!("{target}?sslmode=disable")),
        target_password: Some(TARGET_SECRET.into()),
        flow: Some("offline".parse().unwrap()),
        ..Default::default()
    };
    let outcome = start(answers, env()).await.unwrap();
    assert_eq!(outcome.way_in.as_str(), "config-file");
    assert_eq!(outcome.migration_uuid, inits[0].migration_uuid);
    assert_eq!(outcome.summary.database, "db1");
    let text = read(&config_file);
    assert!(text.starts_with("# our team's db1 migration\n"), "{text}");
    let config = Config::load(&config_file).unwrap();
    assert_eq!(config.get_str("target.db-name").as_deref(), Some("target_config"));
    assert_eq!(config.get_str("target.ssl-mode").as_deref(), Some("disable"));
    assert_eq!(
        config.get_str("start-migration.data-migration-flow").as_deref(),
        Some("offline")
    );
    assert!(!all_text_below(&inits[0].migration_dir).contains(TARGET_SECRET));
    assert!(outcome
        .next_steps
        .iter()
        .any(|s| s.contains("finalize-schema-post-data-import")));

    // A migration dir that never ran assess-migration says how to run it.
    let fresh = init(
        InitAnswers {
            source: Some(source_of("db3")),
            control_plane: Some("shared".parse().unwrap()),
            assessment_control_plane: Some(cp.clone()),
            migration_dir: Some(tmp.path().join("unassessed").display().to_string()),
            ..Default::default()
        },
        env(),
    )
    .await
    .unwrap();
    let err = start(
        StartMigrationAnswers {
            config_file: Some(fresh.config_file.display().to_string()),
            ..Default::default()
        },
        env(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.message().contains("voyager assess-migration --config-file"),
        "{err}"
    );
}

#[tokio::test]
async fn bad_inputs_are_refused_and_leave_no_migration_dir() {
    let cp = fresh_control_plane("cp_start_bad").await;
    let target = target_db("target_bad").await;
    let tmp = tempfile::tempdir().unwrap();
    let inits = assessed(&cp, tmp.path(), &["db2"]).await;
    let db2 = inits[0].migration_uuid;
    let new_dir = tmp.path().join("rebuilt");

    let check = |err: voyager_core::Error, kind: ErrorKind, says: &str| {
        assert_eq!(err.kind(), kind, "{err}");
        let cli = err.render(voyager_core::error::Front::Cli);
        assert!(cli.contains(says), "expected '{says}' in: {cli}");
        assert!(!err.to_string().contains(TARGET_SECRET) && !err.to_string().contains("amakala:password"));
        assert!(!new_dir.exists(), "a failed start-migration left {}", new_dir.display());
    };

    // Both ways in at once, before anything is touched.
    let mut both = rebuild(&new_dir, &cp, db2, &target, "offline");
    both.config_file = Some(inits[0].config_file.display().to_string());
    check(
        start(both, env()).await.unwrap_err(),
        ErrorKind::InvalidArgument,
        "not both",
    );
    // One of the three missing.
    let mut missing = rebuild(&new_dir, &cp, db2, &target, "offline");
    missing.assessment_control_plane = None;
    check(
        start(missing, env()).await.unwrap_err(),
        ErrorKind::InvalidArgument,
        "--assessment-control-plane missing",
    );
    // An unknown UUID.
    let unknown = Uuid::new_v4();
    check(
        start(rebuild(&new_dir, &cp, unknown, &target, "offline"), env())
            .await
            .unwrap_err(),
        ErrorKind::NotFound,
        &unknown.to_string(),
    );
    // An unreachable control plane.
    let nowhere = format!("postgresql://yugabyte:yugabyte@127.0.0.1:{}/yugabyte", closed_port());
    let err = start(rebuild(&new_dir, &nowhere, db2, &target, "offline"), env())
        .await
        .unwrap_err();
    check(err, ErrorKind::ControlPlane, "127.0.0.1");
    // A source that is another database than the one assessed.
    let mut other_db = rebuild(&new_dir, &cp, db2, &target, "offline");
    other_db.source = Some(source_of("db1"));
    check(
        start(other_db, env()).await.unwrap_err(),
        ErrorKind::InvalidArgument,
        "assessed 'db2'",
    );
    // A wrong source password.
    let mut wrong = rebuild(&new_dir, &cp, db2, &target, "offline");
    wrong.source_password = Some("not-the-password".into());
    check(start(wrong, env()).await.unwrap_err(), ErrorKind::Connection, "source");
    // An unreachable target.
    let closed = format!("postgresql://yugabyte@127.0.0.1:{}/yugabyte", closed_port());
    check(
        start(rebuild(&new_dir, &cp, db2, &closed, "offline"), env())
            .await
            .unwrap_err(),
        ErrorKind::Connection,
        "target",
    );
    // A target user who may not create objects there.
    let admin = plain_client(&cp_url()).await;
    admin
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS start_reader; CREATE ROLE start_reader LOGIN PASSWORD '{TARGET_SECRET}';"
        ))
        .await
        .unwrap();
    let reader = target.replace("target_bad_owner", "start_reader");
    check(
        start(rebuild(&new_dir, &cp, db2, &reader, "offline"), env())
            .await
            .unwrap_err(),
        ErrorKind::Connection,
        "cannot create objects",
    );
    // An unknown flow is refused where the answers are read, naming the flows.
    let err = serde_json::from_str::<StartMigrationAnswers>(r#"{"flow": "sideways"}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("give one of offline, live, live-fall-back, live-fall-forward"),
        "{err}"
    );
    // Unattended, with the target missing: the error names the flag.
    let mut no_target = rebuild(&new_dir, &cp, db2, &target, "offline");
    no_target.target = None;
    check(
        start(no_target, env()).await.unwrap_err(),
        ErrorKind::MissingAnswer,
        "--target",
    );

    // A directory holding another migration, or unrelated files, is left as it was.
    let err = start(
        rebuild(&inits[0].migration_dir, &cp, Uuid::new_v4(), &target, "offline"),
        env(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{err}");
    let unrelated = tmp.path().join("photos");
    std::fs::create_dir(&unrelated).unwrap();
    std::fs::write(unrelated.join("cat.jpg"), "meow").unwrap();
    let err = start(rebuild(&unrelated, &cp, db2, &target, "offline"), env())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{err}");
    assert_eq!(std::fs::read_dir(&unrelated).unwrap().count(), 1);
    assert_eq!(read(&unrelated.join("cat.jpg")), "meow");

    // And with good answers the same dir is made.
    start(rebuild(&new_dir, &cp, db2, &target, "offline"), env())
        .await
        .unwrap();
    assert!(new_dir.join("config.toml").is_file() || new_dir.join("config.yaml").is_file());
}

#[tokio::test]
async fn a_migration_only_yb_voyager_recorded_needs_the_source_connection_string() {
    let cp = fresh_control_plane("cp_start_ybv").await;
    let target = target_db("target_ybv").await;
    let tmp = tempfile::tempdir().unwrap();
    let uuid = Uuid::new_v4();
    let report = sample_report("db3", "HIGH", 2);
    insert_yb_voyager_rows(&cp, uuid, "db3", &report).await;
    let dir = tmp.path().join("db3-migration");

    // yb-voyager does not record the user: unattended, the source string must be given.
    let err = start(rebuild(&dir, &cp, uuid, &target, "live-fall-forward"), env())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingAnswer, "{err}");
    assert!(
        err.render(voyager_core::error::Front::Cli).contains("--source"),
        "{err}"
    );
    assert!(!dir.exists());

    let mut answers = rebuild(&dir, &cp, uuid, &target, "live-fall-forward");
    answers.source = Some(format!("postgresql://amakala@{}:{}/db3", source_host(), source_port()));
    let outcome = start(answers, env()).await.unwrap();
    assert_eq!(outcome.migration_uuid, uuid);
    let written: serde_json::Value = serde_json::from_str(&read(&outcome.report_json)).unwrap();
    assert_eq!(written, report);
    let config = Config::load(&outcome.config_file).unwrap();
    assert_eq!(config.get_str("source.db-name").as_deref(), Some("db3"));
    assert_eq!(config.get_str("source.db-schema").as_deref(), Some("public,sales"));
    assert!(outcome.next_steps.iter().any(|s| s.contains("source-replica")));
}

#[tokio::test]
async fn a_rerun_on_its_own_dir_updates_it_in_place_keeping_what_others_wrote() {
    let cp = fresh_control_plane("cp_start_in_place").await;
    let target = target_db("target_in_place").await;
    let tmp = tempfile::tempdir().unwrap();
    let inits = assessed(&cp, tmp.path(), &["db1"]).await;
    let uuid = inits[0].migration_uuid;
    let dir = tmp.path().join("rebuilt");
    let first = start(rebuild(&dir, &cp, uuid, &target, "offline"), env())
        .await
        .unwrap();

    // What yb-voyager exported, the user's own file, a comment in the config.
    let exported = dir.join("export-dir/schema/tables/table.sql");
    std::fs::create_dir_all(exported.parent().unwrap()).unwrap();
    std::fs::write(&exported, "CREATE TABLE t (id int);").unwrap();
    std::fs::write(dir.join("notes.txt"), "my notes").unwrap();
    let config_text = format!("# kept: my comment\n{}", read(&first.config_file));
    std::fs::write(&first.config_file, config_text).unwrap();

    // Again, to change the flow.
    let again = start(rebuild(&dir, &cp, uuid, &target, "live"), env()).await.unwrap();
    assert_eq!(again.migration_uuid, uuid);
    assert!(
        again.notes.iter().any(|m| m.contains("in place")),
        "{:?}",
        again.messages
    );
    assert_eq!(read(&exported), "CREATE TABLE t (id int);");
    assert_eq!(read(&dir.join("notes.txt")), "my notes");
    let config = read(&again.config_file);
    assert!(config.contains("# kept: my comment"), "{config}");
    assert_eq!(
        Config::load(&again.config_file)
            .unwrap()
            .get_str("start-migration.data-migration-flow")
            .as_deref(),
        Some("live")
    );
    let siblings: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert!(siblings.is_empty(), "{siblings:?}");
}

#[tokio::test]
async fn a_database_of_the_same_name_on_another_server_is_refused() {
    let cp = fresh_control_plane("cp_start_other_server").await;
    let target = target_db("target_other_server").await;
    let tmp = tempfile::tempdir().unwrap();
    let inits = assessed(&cp, tmp.path(), &["db3"]).await;
    // A db3 on the control-plane server: same name, another server.
    let admin = plain_client(&cp_url()).await;
    admin
        .batch_execute("DROP DATABASE IF EXISTS db3 WITH (FORCE)")
        .await
        .unwrap();
    admin.batch_execute("CREATE DATABASE db3").await.unwrap();
    let other = format!(
        "postgresql://yugabyte:yugabyte@{}:{}/db3",
        var("VOYAGER_CP_HOST"),
        var("VOYAGER_CP_PORT")
    );
    let mut answers = rebuild(&tmp.path().join("m"), &cp, inits[0].migration_uuid, &target, "offline");
    answers.source = Some(other);
    answers.source_password = None;
    let err = start(answers, env()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.message().contains("is not the server"), "{err}");
    assert!(!tmp.path().join("m").exists());

    // The assessed server under another name for the same address is accepted.
    let mut answers = rebuild(&tmp.path().join("m"), &cp, inits[0].migration_uuid, &target, "offline");
    answers.source = Some(format!("postgresql://amakala@localhost:{}/db3", source_port()));
    start(answers, env()).await.unwrap();
}

#[tokio::test]
async fn an_export_dir_takes_only_its_own_source() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = InitAnswers {
        source: Some(source_of("db1")),
        control_plane: Some("local".parse().unwrap()),
        migration_dir: Some(tmp.path().join("db1-migration").display().to_string()),
        ..Default::default()
    };
    let db1 = init(answers, LibpqEnv::empty()).await.unwrap();
    let with_source = |db: &str| AssessRequest {
        source: Some(source_of(db)),
        export_dir: Some(db1.export_dir.display().to_string()),
        ..Default::default()
    };
    let err = with_source("db2").plan(&env()).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(
        err.message().contains(&db1.migration_uuid.to_string()) && err.message().contains("/db1"),
        "{err}"
    );
    assert!(!err.message().contains("password"), "{err}");
    with_source("db1").plan(&env()).unwrap();
    // A bare export dir records its source with the first assessment.
    let bare = tmp.path().join("bare");
    let request = AssessRequest {
        source: Some(source_of("db2")),
        export_dir: Some(bare.display().to_string()),
        ..Default::default()
    };
    run_plan(request.plan(&env()).unwrap(), None).await.unwrap();
    let request = AssessRequest {
        source: Some(source_of("db3")),
        export_dir: Some(bare.display().to_string()),
        ..Default::default()
    };
    assert!(request.plan(&env()).err().unwrap().message().contains("/db2"));
}
