//! The init journey against the sandbox servers, with every answer given up front and step by
//! step, for both control-plane choices, and every bad input it must refuse cleanly.

mod support;

use support::*;
use voyager_core::config::Config;
use voyager_core::connection::LibpqEnv;
use voyager_core::init::{run_with_env, InitAnswers, InitJourney, InitOutcome, LOCAL_CONTROL_PLANE};
use voyager_core::journey::{Journey, Step};
use voyager_core::migration_dir::MigrationDir;
use voyager_core::ErrorKind;

fn answers(dir: &std::path::Path) -> InitAnswers {
    InitAnswers {
        source: Some(source_url()),
        control_plane: Some("local".parse().unwrap()),
        migration_dir: Some(dir.display().to_string()),
        ..Default::default()
    }
}

#[tokio::test]
async fn local_control_plane() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db1-migration");
    let outcome = run_with_env(answers(&dir), LibpqEnv::empty()).await.unwrap();
    assert_eq!(outcome.control_plane.as_str(), "local");
    assert_eq!(outcome.assessment_control_plane, "postgresql://yugabyte@localhost:5433");
    assert!(outcome.next_step.contains("assess-migration --config-file"));
    let config = Config::load(&outcome.config_file).unwrap();
    assert_eq!(config.get_str("source.db-name").unwrap(), "db1");
    assert_eq!(config.get_str("source.db-user").unwrap(), "amakala");
    assert_eq!(config.get_str("source.db-port").unwrap(), source_port().to_string());
    assert_eq!(
        config.get_str("export-dir").unwrap(),
        dir.join("export-dir").display().to_string()
    );
    assert!(
        config.get("assess-migration.assessment-control-plane").is_none() && config.get("control-plane-type").is_none(),
        "local needs nothing set"
    );
    let meta = MigrationDir::new(&dir).read_metainfo().unwrap();
    assert_eq!(meta.migration_uuid, outcome.migration_uuid);
    assert!(meta.steps.contains_key("init"));
    assert!(dir.join("export-dir/assessment/reports").is_dir());
    assert!(dir.join("export-dir/logs").is_dir());
    assert!(!all_text_below(&dir).contains(":password@"));
    let _ = LOCAL_CONTROL_PLANE;
}

#[tokio::test]
async fn shared_control_plane_is_checked_and_kept_as_given() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    let mut a = answers(&dir);
    a.control_plane = Some("shared".parse().unwrap());
    a.assessment_control_plane = Some(cp_url());
    let outcome = run_with_env(a, LibpqEnv::empty()).await.unwrap();
    assert_eq!(outcome.control_plane.as_str(), "shared");
    assert!(
        !outcome.assessment_control_plane.contains(":yugabyte@"),
        "printed redacted"
    );
    let config = Config::load(&outcome.config_file).unwrap();
    assert_eq!(
        config.get_str("assess-migration.assessment-control-plane").unwrap(),
        cp_url()
    );
    assert_eq!(config.get_str("control-plane-type").as_deref(), Some("yugabyted"));
    assert_eq!(config.control_plane(), Some(cp_url()));

    // The shared control plane's address alone means shared, as on the CLI; with local it is
    // refused before anything is written.
    let mut implied = answers(&tmp.path().join("m-implied"));
    implied.control_plane = None;
    implied.assessment_control_plane = Some(cp_url());
    let outcome = run_with_env(implied.clone(), LibpqEnv::empty()).await.unwrap();
    assert_eq!(
        outcome.control_plane,
        voyager_core::vocabulary::ControlPlaneChoice::Shared
    );
    implied.control_plane = Some("local".parse().unwrap());
    implied.migration_dir = Some(tmp.path().join("m-contradiction").display().to_string());
    let err = run_with_env(implied, LibpqEnv::empty()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(
        err.render(voyager_core::error::Front::Cli)
            .contains("--assessment-control-plane goes with --control-plane shared, not local"),
        "{err}"
    );
    assert!(!tmp.path().join("m-contradiction").exists(), "nothing written");

    let mut bad = answers(&tmp.path().join("m2"));
    bad.control_plane = Some("shared".parse().unwrap());
    bad.assessment_control_plane = Some(format!(
        "postgresql://yugabyte:yugabyte@127.0.0.1:{}/yugabyte",
        closed_port()
    ));
    let err = run_with_env(bad, LibpqEnv::empty()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.message().contains("control plane"), "{err}");
    assert!(!tmp.path().join("m2").exists(), "nothing written");
}

#[tokio::test]
async fn journey_asks_in_order_and_takes_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let mut journey = InitJourney::new(InitAnswers::default(), LibpqEnv::empty());
    let mut asked = Vec::new();
    let outcome = loop {
        match journey.next().await.unwrap() {
            Step::Say { .. } => {}
            Step::Ask { question } => {
                asked.push(question.id.clone());
                let answer = match question.id.as_str() {
                    "source" => format!("postgresql://amakala@{}:{}/db2", source_host(), source_port()),
                    "source_password" => "password".to_string(),
                    "control_plane" => {
                        assert!(question.text.contains("To assess multiple databases"));
                        assert_eq!(question.default.as_deref(), Some("local"));
                        "shared".to_string()
                    }
                    "assessment_control_plane" => cp_url(),
                    "migration_dir" => {
                        assert_eq!(question.default.as_deref(), Some("./db2-migration"));
                        tmp.path().join("x").display().to_string()
                    }
                    other => panic!("unexpected question {other}"),
                };
                journey.answer(&question.id, &answer).unwrap();
            }
            Step::Done { outcome } => break outcome,
        }
    };
    assert_eq!(
        asked,
        [
            "source",
            "source_password",
            "control_plane",
            "assessment_control_plane",
            "migration_dir"
        ]
    );
    assert!(
        outcome.source.ends_with("/db2?sslmode=prefer") || outcome.source.contains("/db2"),
        "{}",
        outcome.source
    );
    assert!(!all_text_below(&tmp.path().join("x")).contains("password\""));
}

#[tokio::test]
async fn bad_inputs_are_refused_and_leave_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let host = source_host();
    let port = source_port();
    let cases: Vec<(String, ErrorKind, &str)> = vec![
        (
            "postgresql://amakala:password@[::1/db1".into(),
            ErrorKind::InvalidArgument,
            "IPv6",
        ),
        (
            format!("postgresql://amakala:password@{host}:{}/db1", closed_port()),
            ErrorKind::Connection,
            "refused",
        ),
        (
            format!("postgresql://amakala:Wr0ng-pass@{host}:{port}/db1"),
            ErrorKind::Connection,
            "password authentication failed",
        ),
        (
            format!("postgresql://amakala:password@{host}:{port}/missing_db"),
            ErrorKind::Connection,
            "does not exist",
        ),
    ];
    for (i, (source, kind, words)) in cases.into_iter().enumerate() {
        let dir = tmp.path().join(format!("m{i}"));
        let mut a = answers(&dir);
        a.source = Some(source);
        let err = run_with_env(a, LibpqEnv::empty()).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        assert!(err.message().contains(words), "{err}");
        assert!(!err.message().contains("Wr0ng-pass"));
        assert!(!dir.exists());
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);

    // No password anywhere: a MissingAnswer naming the flag and the variable.
    let mut a = answers(&tmp.path().join("np"));
    a.source = Some(format!("postgresql://amakala@{host}:{port}/db1"));
    let err = run_with_env(a, LibpqEnv::empty()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingAnswer);
    assert!(
        err.render(voyager_core::error::Front::Cli)
            .contains("--source-db-password")
            && err.message().contains("SOURCE_DB_PASSWORD")
    );
    // ... which SOURCE_DB_PASSWORD answers.
    let mut a = answers(&tmp.path().join("np"));
    a.source = Some(format!("postgresql://amakala@{host}:{port}/db1"));
    run_with_env(a, LibpqEnv::empty().with_var("SOURCE_DB_PASSWORD", "password"))
        .await
        .unwrap();

    // Missing answers name their flags; --yes takes defaults where there are some.
    let err = run_with_env(InitAnswers::default(), LibpqEnv::empty())
        .await
        .unwrap_err();
    assert!(
        err.render(voyager_core::error::Front::Cli)
            .contains("--source-db-connection-string"),
        "{err}"
    );
    let mut a = answers(&tmp.path().join("d"));
    a.control_plane = None;
    let err = run_with_env(a.clone(), LibpqEnv::empty()).await.unwrap_err();
    assert!(
        err.render(voyager_core::error::Front::Cli).contains("--control-plane"),
        "{err}"
    );
    a.yes = true;
    assert_eq!(
        run_with_env(a, LibpqEnv::empty()).await.unwrap().control_plane.as_str(),
        "local"
    );
}

#[tokio::test]
async fn an_existing_migration_is_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    let first = run_with_env(answers(&dir), LibpqEnv::empty()).await.unwrap();
    let err = run_with_env(answers(&dir), LibpqEnv::empty()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert!(err.message().contains(&first.migration_uuid.to_string()));
    assert_eq!(
        MigrationDir::new(&dir).read_metainfo().unwrap().migration_uuid,
        first.migration_uuid
    );
    let mut forced = answers(&dir);
    forced.force = true;
    let second = run_with_env(forced, LibpqEnv::empty()).await.unwrap();
    assert_ne!(second.migration_uuid, first.migration_uuid);
    assert_eq!(
        MigrationDir::new(&dir).read_metainfo().unwrap().migration_uuid,
        second.migration_uuid
    );
}

#[tokio::test]
async fn an_unwritable_place_is_an_io_error() {
    let err = run_with_env(answers(std::path::Path::new("/proc/voyager-m")), LibpqEnv::empty())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
}

#[tokio::test]
async fn the_password_is_nowhere_init_wrote() {
    ensure_secret_role().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    let mut a = answers(&dir);
    a.source = Some(format!(
        "postgresql://{SECRET_ROLE}:{SECRET_PASSWORD}@{}:{}/db1",
        source_host(),
        source_port()
    ));
    let outcome = run_with_env(a, LibpqEnv::empty()).await.unwrap();
    let printed = serde_json::to_string(&outcome).unwrap();
    assert!(!printed.contains(SECRET_PASSWORD));
    assert!(!all_text_below(&dir).contains(SECRET_PASSWORD));
    assert!(all_text_below(&dir).contains(SECRET_ROLE), "the user is kept");
}

#[tokio::test]
async fn concurrent_forced_inits_of_one_dir_do_not_all_win_and_keep_every_earlier_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    let first = run_with_env(answers(&dir), LibpqEnv::empty()).await.unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let runs = (0..6).map(|_| {
        let mut a = answers(&dir);
        a.force = true;
        tokio::spawn(run_with_env(a, LibpqEnv::empty()))
    });
    let results: Vec<_> = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let won: Vec<&InitOutcome> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert!(!won.is_empty() && won.len() < 6, "{results:?}");
    for err in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{err}");
        assert!(err.message().contains("another voyager command"), "{err}");
    }
    // The last winner's migration is in place; the first one, with the user's file, was moved
    // aside (as the winners' messages say), never deleted.
    let now = MigrationDir::new(&dir).read_metainfo().unwrap().migration_uuid;
    assert!(won.iter().any(|o| o.migration_uuid == now));
    let aside: Vec<std::path::PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("m.replaced-"))
        .collect();
    assert_eq!(aside.len(), won.len(), "{aside:?}");
    assert!(aside.iter().any(|p| {
        MigrationDir::new(p).read_metainfo().unwrap().migration_uuid == first.migration_uuid
            && std::fs::read_to_string(p.join("notes.txt")).unwrap() == "mine"
    }));
    assert!(won.iter().all(|o| o.messages.iter().any(|m| m.contains("m.replaced-"))));
}

#[tokio::test]
async fn a_symlinked_migration_dir_is_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let outcome = run_with_env(answers(&link), LibpqEnv::empty()).await.unwrap();
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(
        MigrationDir::new(&real).read_metainfo().unwrap().migration_uuid,
        outcome.migration_uuid
    );
    let mut forced = answers(&link);
    forced.force = true;
    run_with_env(forced, LibpqEnv::empty()).await.unwrap();
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    let dangling = tmp.path().join("dangling");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
    let err = run_with_env(answers(&dangling), LibpqEnv::empty()).await.unwrap_err();
    assert!(err.message().contains("is a symbolic link to"), "{err}");
}
