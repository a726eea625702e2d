//! A source database whose owner is hostile, on the real test server: they control its
//! `search_path`, the names of functions and operators, and its locks. A superuser assesses it
//! and must come out unharmed, read only, and with a clear message when something blocks.

mod support;

use std::time::{Duration, Instant};

use support::*;
use voyager_core::assessment::session::{self, Limits};
use voyager_core::assessment::{assess_source, AssessOptions};
use voyager_core::connection::{ConnectionString, LibpqEnv};
use voyager_core::ErrorKind;

fn conn(url: &str) -> ConnectionString {
    ConnectionString::parse(url).unwrap().resolve(&LibpqEnv::empty())
}

/// amakala's URL for a test database.
fn owner_url(db: &str) -> String {
    format!("postgresql://amakala:password@{}:{}/{db}", source_host(), source_port())
}

async fn is_superuser(role: &str) -> bool {
    source_admin()
        .await
        .query_one("SELECT rolsuper FROM pg_roles WHERE rolname = $1", &[&role])
        .await
        .unwrap()
        .get(0)
}

/// What the owner plants: the database's search_path puts their schema first, and their
/// functions and operators shadow every catalog function our SQL calls. Each one tries to make
/// the owner a superuser (and fails loudly when it cannot, so that a call never goes unseen).
const PLANTED: &str = r#"
CREATE FUNCTION public.escalate() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN EXECUTE 'ALTER ROLE amakala SUPERUSER'; END $f$;
CREATE FUNCTION public.current_database() RETURNS name LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.current_database(); END $f$;
CREATE FUNCTION public.current_setting(text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.current_setting($1); END $f$;
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.now(); END $f$;
CREATE FUNCTION public.pg_postmaster_start_time() RETURNS timestamptz LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_postmaster_start_time(); END $f$;
CREATE FUNCTION public.pg_get_viewdef(oid) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_get_viewdef($1); END $f$;
CREATE FUNCTION public.pg_get_constraintdef(oid) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_get_constraintdef($1); END $f$;
CREATE FUNCTION public.pg_get_indexdef(oid) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_get_indexdef($1); END $f$;
CREATE FUNCTION public.pg_get_triggerdef(oid) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_get_triggerdef($1); END $f$;
CREATE FUNCTION public.pg_get_functiondef(oid) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_get_functiondef($1); END $f$;
CREATE FUNCTION public.pg_get_userbyid(oid) RETURNS name LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_get_userbyid($1); END $f$;
CREATE FUNCTION public.pg_stat_get_numscans(oid) RETURNS int8 LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.pg_stat_get_numscans($1); END $f$;
CREATE FUNCTION public.unnest(oid[]) RETURNS SETOF oid LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN QUERY SELECT * FROM pg_catalog.unnest($1); END $f$;
CREATE FUNCTION public.evil_sum(int8, int4) RETURNS int8 LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.int8pl(coalesce($1, 0), $2); END $f$;
CREATE AGGREGATE public.sum(int4) (sfunc = public.evil_sum, stype = int8);
CREATE FUNCTION public.evil_eq(name, text) RETURNS bool LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.texteq($1::pg_catalog.text, $2); END $f$;
CREATE OPERATOR public.= (leftarg = name, rightarg = text, function = public.evil_eq);
CREATE FUNCTION public.evil_oideq(oid, oid) RETURNS bool LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.escalate(); RETURN pg_catalog.oideq($1, $2); END $f$;
CREATE OPERATOR public.= (leftarg = oid, rightarg = oid, function = public.evil_oideq);
-- Objects that make every catalog query run (and deparse something).
CREATE TABLE public.t (id int PRIMARY KEY, v text CHECK (v <> ''), d date);
CREATE INDEX t_lower ON public.t (pg_catalog.lower(v));
CREATE VIEW public.tv AS SELECT id, v FROM public.t;
CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;
CREATE TRIGGER t_trg BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.trg();
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY t_own ON public.t TO amakala USING (true);
"#;

/// The owner of a database (not a superuser) shadows every function our catalog SQL calls and
/// puts their schema first in the database's search_path; a superuser assesses the database.
/// The assessment succeeds and none of the owner's code ran (it would have made them a
/// superuser, or failed the read-only assessment).
#[tokio::test]
async fn a_database_owner_cannot_escalate_through_the_assessment() {
    let name = "vh_escalate";
    let db = TestDb::create(name, "").await;
    let admin = source_admin().await;
    admin
        .batch_execute(&format!(
            "ALTER ROLE amakala NOSUPERUSER; ALTER DATABASE {name} OWNER TO amakala; \
             ALTER SCHEMA public OWNER TO amakala"
        ))
        .await
        .unwrap();
    let owner = plain_client(&owner_url(name)).await;
    owner
        .batch_execute(&format!(
            "{PLANTED}; ALTER DATABASE {name} SET search_path = public, pg_catalog"
        ))
        .await
        .unwrap();
    // The planted functions work as planned on a session that does not pin its search_path.
    let plain = plain_client(&owner_url(name)).await;
    plain
        .batch_execute("SET search_path = public, pg_catalog")
        .await
        .unwrap();
    for planted in [
        "SELECT current_database()",
        "SELECT 1 FROM pg_class c WHERE c.oid = 1259",
    ] {
        let err = plain.query_one(planted, &[]).await.unwrap_err();
        assert!(format!("{err:?}").contains("ALTER ROLE"), "{planted}: {err:?}");
    }

    let started = Instant::now();
    let report = assess_source(&conn(&db.admin_url()), TIMEOUT, &AssessOptions::default()).await;
    let escalated = is_superuser("amakala").await;
    admin.batch_execute("ALTER ROLE amakala NOSUPERUSER").await.unwrap();
    assert!(!escalated, "the owner became a superuser through the assessment");
    let report = report.unwrap_or_else(|e| panic!("the assessment failed: {e}"));
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(report.schema_summary.db_name, name);
    let objects = |kind: &str| {
        report
            .schema_summary
            .database_objects
            .iter()
            .find(|o| o.object_type == kind)
            .map(|o| o.total_count)
            .unwrap_or(0)
    };
    assert_eq!((objects("TABLE"), objects("VIEW"), objects("POLICY")), (1, 1, 1));
    db.drop().await;
}

/// Every connection we open reads names in pg_catalog only, whatever the database, the role
/// or the user's own `options` say.
#[tokio::test]
async fn every_session_pins_its_search_path() {
    let name = "vh_pinned";
    let db = TestDb::create(name, "").await;
    let admin = source_admin().await;
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET search_path = public, pg_catalog; \
             ALTER ROLE amakala IN DATABASE {name} SET search_path = public"
        ))
        .await
        .unwrap();
    let url = format!(
        "{}?options=-c%20search_path%3Dpublic%20-c%20work_mem%3D5MB",
        owner_url(name)
    );
    let client = conn(&url).connect(TIMEOUT).await.unwrap();
    let row = client
        .query_one(
            "SELECT current_setting('search_path'), current_setting('work_mem')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "pg_catalog");
    // The user's other options still apply.
    assert_eq!(row.get::<_, String>(1), "5MB");
    // The control plane's connection too, and its own queries work there.
    let cp = voyager_core::control_plane::ControlPlane::connect_with_env(&cp_url(), &LibpqEnv::empty())
        .await
        .unwrap();
    cp.status().await.unwrap();
    // A trailing backslash would swallow our options: refused.
    let err = conn(&format!("{}?options=-c%20x%3Dy%5C", owner_url(name)))
        .connect(TIMEOUT)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    admin
        .batch_execute(&format!("ALTER ROLE amakala IN DATABASE {name} RESET search_path"))
        .await
        .unwrap();
    db.drop().await;
}

/// The assessment's session writes nothing: a write fails there, whatever calls it.
#[tokio::test]
async fn the_assessment_session_is_read_only() {
    let db = TestDb::create(
        "vh_readonly",
        "CREATE TABLE public.t (id int); CREATE SEQUENCE public.s;
         CREATE FUNCTION public.writes() RETURNS int LANGUAGE sql AS 'INSERT INTO public.t VALUES (1) RETURNING id';",
    )
    .await;
    let client = conn(&db.admin_url()).connect(TIMEOUT).await.unwrap();
    let limits = Limits {
        lock_timeout: Duration::from_secs(3),
        statement_timeout: Duration::from_secs(7),
    };
    session::begin(&client, limits).await.unwrap();
    let row = client
        .query_one(
            "SELECT current_setting('transaction_read_only'), current_setting('search_path'), \
                    current_setting('lock_timeout'), current_setting('statement_timeout'), \
                    current_setting('transaction_isolation')",
            &[],
        )
        .await
        .unwrap();
    let settings: Vec<String> = (0..5).map(|i| row.get(i)).collect();
    assert_eq!(settings, ["on", "pg_catalog", "3s", "7s", "repeatable read"]);
    for write in [
        "SELECT public.writes()",
        "SELECT nextval('public.s')",
        "ALTER ROLE amakala SUPERUSER",
    ] {
        let err = client.batch_execute(write).await.unwrap_err();
        assert_eq!(err.code().map(|c| c.code()), Some("25006"), "{write}: {err:?}");
        client.batch_execute("ROLLBACK").await.unwrap();
        session::begin(&client, limits).await.unwrap();
    }
    session::end(&client).await;
    let rows: i64 = db
        .admin()
        .await
        .query_one("SELECT count(*) FROM public.t", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0);
    db.drop().await;
}

/// A view locked ACCESS EXCLUSIVE (as `ALTER VIEW`, `VACUUM FULL` or `REINDEX` hold it) ends
/// the assessment within the lock timeout, and the message names the view and who holds it.
#[tokio::test]
async fn a_locked_relation_ends_the_assessment_and_names_the_lock_holder() {
    let db = TestDb::create(
        "vh_locked",
        "CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
         CREATE VIEW public.big_orders AS SELECT id FROM public.orders WHERE total > 100;",
    )
    .await;
    let holder = db.admin().await;
    holder
        .batch_execute(
            "SET application_name = 'vh_lock_holder'; BEGIN; LOCK TABLE public.big_orders IN ACCESS EXCLUSIVE MODE",
        )
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let export_dir = tmp.path().join("export");
    let request = voyager_core::assess_migration::AssessRequest {
        source: Some(db.admin_url()),
        export_dir: Some(export_dir.display().to_string()),
        lock_timeout_seconds: Some(1),
        statement_timeout_seconds: Some(20),
        ..Default::default()
    };
    let started = Instant::now();
    let err = voyager_core::assess_migration::run(request, None).await.unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let message = err.render(voyager_core::error::Front::Cli);
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert_eq!(err.sqlstate(), Some("55P03"), "{err}");
    for expected in [
        "view public.big_orders and table public.orders are locked ACCESS EXCLUSIVE by pid",
        "vh_lock_holder",
        "LOCK TABLE public.big_orders",
        "wait longer than 1 s",
        "--lock-timeout-seconds",
        "SQLSTATE 55P03",
    ] {
        assert!(message.contains(expected), "{expected} missing: {message}");
    }
    assert!(!export_dir.join("assessment").exists(), "a report was written");
    holder.batch_execute("ROLLBACK").await.unwrap();
    // Once the lock is gone, the same assessment works.
    let options = AssessOptions {
        limits: Limits::from_seconds(Some(1), None).unwrap(),
        ..Default::default()
    };
    assess_source(&conn(&db.admin_url()), TIMEOUT, &options).await.unwrap();
    db.drop().await;
}

#[test]
fn timeouts_too_large_for_postgresql_are_refused() {
    assert_eq!(Limits::from_seconds(None, None).unwrap(), Limits::default());
    assert_eq!(
        Limits::from_seconds(Some(0), Some(0)).unwrap().lock_timeout,
        Duration::ZERO
    );
    let err = Limits::from_seconds(Some(u64::MAX), None).unwrap_err();
    assert!(
        err.render(voyager_core::error::Front::Cli)
            .contains("--lock-timeout-seconds"),
        "{err}"
    );
    let err = Limits::from_seconds(None, Some(3_000_000)).unwrap_err();
    assert!(
        err.render(voyager_core::error::Front::Cli)
            .contains("--statement-timeout-seconds"),
        "{err}"
    );
}

/// A catalog query that fails keeps the server's message, its SQLSTATE and which query it
/// was: in the error, and in what the control plane records for a failed fleet member.
#[tokio::test]
async fn a_failed_catalog_query_keeps_the_server_message_sqlstate_and_query() {
    let name = "vh_noread";
    let db = TestDb::create(name, "REVOKE SELECT ON pg_catalog.pg_namespace FROM PUBLIC;").await;
    let err = assess_source(&conn(&owner_url(name)), TIMEOUT, &AssessOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.sqlstate(), Some("42501"), "{err}");
    for expected in [
        "permission denied for table pg_namespace",
        "SQLSTATE 42501",
        "the catalog query for the database's name, version and schemas",
    ] {
        assert!(err.message().contains(expected), "{expected} missing: {err}");
    }

    let cp = fresh_control_plane("cp_vh_noread").await;
    let tmp = tempfile::tempdir().unwrap();
    let fleet_file = tmp.path().join("fleet.toml");
    std::fs::write(
        &fleet_file,
        format!(
            "name = \"noread\"\n[[source]]\nhost = \"{}\"\nport = {}\ndatabase = \"{name}\"\nuser = \"amakala\"\npassword-env = \"VH_PW\"\n",
            source_host(),
            source_port()
        ),
    )
    .unwrap();
    let outcome = voyager_core::fleet::run_with_env(
        voyager_core::fleet::FleetRequest {
            fleet_file: Some(fleet_file.display().to_string()),
            work_dir: Some(tmp.path().join("work").display().to_string()),
            assessment_control_plane: Some(cp.clone()),
            ..Default::default()
        },
        None,
        voyager_core::fleet::CancellationToken::new(),
        LibpqEnv::empty().with_var("VH_PW", "password"),
    )
    .await
    .unwrap();
    assert_eq!((outcome.total, outcome.failed), (1, 1));
    let stored: String = plain_client(&cp)
        .await
        .query_one(
            "SELECT error FROM voyager_fleet.assessments WHERE status <> 'completed'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    for text in [&outcome.failures[0].error, &stored] {
        assert!(text.contains("permission denied for table pg_namespace"), "{text}");
        assert!(text.contains("SQLSTATE 42501"), "{text}");
        assert!(text.contains("name, version and schemas"), "{text}");
        assert!(!text.contains("password@") && !text.contains(":password"), "{text}");
    }
    db.drop().await;
}
