//! After a full run (init, assess into the control plane, push), no table of the control plane
//! and no file of the migration dir holds the source password.

mod support;

use support::*;
use voyager_core::assess_migration::{run_plan, AssessRequest};
use voyager_core::connection::LibpqEnv;
use voyager_core::init::{run_with_env, InitAnswers};

#[tokio::test]
async fn the_source_password_is_in_no_control_plane_table_and_no_file() {
    ensure_secret_role().await;
    let cp = fresh_control_plane("cp_nopassword").await;
    let tmp = tempfile::tempdir().unwrap();
    let source = format!(
        "postgresql://{SECRET_ROLE}:{SECRET_PASSWORD}@{}:{}/db1",
        source_host(),
        source_port()
    );
    let answers = InitAnswers {
        source: Some(source),
        control_plane: Some("shared".parse().unwrap()),
        assessment_control_plane: Some(cp.clone()),
        migration_dir: Some(tmp.path().join("m").display().to_string()),
        ..Default::default()
    };
    let init = run_with_env(answers, LibpqEnv::empty()).await.unwrap();
    let env = LibpqEnv::empty().with_var("SOURCE_DB_PASSWORD", SECRET_PASSWORD);
    let request = AssessRequest {
        config_file: Some(init.config_file.display().to_string()),
        ..Default::default()
    };
    let result = run_plan(request.plan(&env).unwrap(), None).await.unwrap();
    let written = result
        .outcome
        .control_plane
        .clone()
        .expect("a control plane was configured");
    assert!(written.stored, "{:?}", written.error);

    let c = plain_client(&cp).await;
    let tables: Vec<String> = c
        .query(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables \
             WHERE table_schema IN ('voyager_fleet', 'ybvoyager_visualizer')",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(tables.len() >= 6, "{tables:?}");
    let mut dump = String::new();
    for t in &tables {
        for row in c
            .query(&format!("SELECT row_to_json(t)::text FROM {t} t"), &[])
            .await
            .unwrap()
        {
            dump.push_str(&row.get::<_, String>(0));
        }
    }
    assert!(dump.contains(SECRET_ROLE), "the dump holds the stored rows");
    assert!(!dump.contains(SECRET_PASSWORD), "a password reached the control plane");
    assert!(!all_text_below(&tmp.path().join("m")).contains(SECRET_PASSWORD));
    let printed = serde_json::to_string(&result.outcome).unwrap();
    assert!(!printed.contains(SECRET_PASSWORD));
}
