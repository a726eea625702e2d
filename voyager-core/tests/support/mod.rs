//! What the integration tests share: the sandbox servers' addresses (from `scripts/pg-sandbox
//! env`), and a superuser connection to make what a test needs.
//!
//! The assessment tests need only `VOYAGER_SOURCE_ADMIN_URL` (a superuser's URL): they run
//! against any PostgreSQL server, of any version, that way. What a server's build cannot create
//! (an extension, an ICU collation) is skipped, and the test says so on stderr.
#![allow(dead_code)]

pub mod pg_dump;

use std::time::Duration;

use voyager_core::connection::{ConnectionString, LibpqEnv};

/// A sandbox variable; the tests need the servers and fail clearly without them.
pub fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the tests with ./scripts/test, or `eval \"$(scripts/pg-sandbox up)\"` first")
    })
}

pub fn source_url() -> String {
    var("VOYAGER_SOURCE_URL")
}
/// The source's host: VOYAGER_SOURCE_HOST, else the admin URL's.
pub fn source_host() -> String {
    std::env::var("VOYAGER_SOURCE_HOST").unwrap_or_else(|_| admin_connection().host().to_string())
}
/// The source's port: VOYAGER_SOURCE_PORT, else the admin URL's.
pub fn source_port() -> u16 {
    match std::env::var("VOYAGER_SOURCE_PORT") {
        Ok(port) => port.parse().expect("VOYAGER_SOURCE_PORT is a port"),
        Err(_) => admin_connection().port(),
    }
}
fn admin_connection() -> ConnectionString {
    ConnectionString::parse(&var("VOYAGER_SOURCE_ADMIN_URL"))
        .expect("VOYAGER_SOURCE_ADMIN_URL is a postgresql:// URL")
        .resolve(&LibpqEnv::empty())
}
pub fn cp_url() -> String {
    var("VOYAGER_CP_URL")
}

pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A superuser client on the source server.
pub async fn source_admin() -> tokio_postgres::Client {
    let conn = ConnectionString::parse(&var("VOYAGER_SOURCE_ADMIN_URL"))
        .unwrap()
        .resolve(&LibpqEnv::empty());
    user_search_path(conn.connect(TIMEOUT).await.expect("the sandbox source server answers")).await
}

/// Our connections pin `search_path` to `pg_catalog`; a test that makes objects by their bare
/// names wants the usual one back.
pub async fn user_search_path(client: tokio_postgres::Client) -> tokio_postgres::Client {
    client
        .batch_execute("SET search_path = \"$user\", public")
        .await
        .expect("SET search_path");
    client
}

/// The source server's server_version_num, e.g. 150020 or 180003.
pub async fn source_version_num() -> i32 {
    let version: String = source_admin()
        .await
        .query_one("SELECT current_setting('server_version_num')", &[])
        .await
        .unwrap()
        .get(0);
    version.parse().unwrap()
}

/// Say on the test's output (past the test harness's capture) what it skipped and why.
pub fn say_skipped(test: &str, what: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED in {test}: {what} ({why})");
}

/// Whether the source server's build ships extension `name`; when not, says which part of
/// `test` is skipped.
pub async fn source_has_extension(test: &str, name: &str) -> bool {
    let admin = source_admin().await;
    let available = admin
        .query_opt("SELECT 1 FROM pg_available_extensions WHERE name = $1", &[&name])
        .await
        .unwrap()
        .is_some();
    if !available {
        let version: String = admin.query_one("SHOW server_version", &[]).await.unwrap().get(0);
        say_skipped(
            test,
            &format!("what needs extension {name}"),
            &format!("PostgreSQL {version} here does not ship it"),
        );
    }
    available
}

/// Whether the source server's build has ICU collations; when not, says what `test` skips.
pub async fn source_has_icu(test: &str) -> bool {
    source_can(
        test,
        "ICU collations",
        "CREATE COLLATION pg_temp.voyager_icu_probe (provider = icu, locale = 'und')",
    )
    .await
}

/// Whether the source server's build has libxml (XML functions); when not, says what `test`
/// skips.
pub async fn source_has_libxml(test: &str) -> bool {
    source_can(test, "XML functions (libxml)", "SELECT xmlelement(name r)").await
}

/// Whether `probe` runs on the source (in a transaction rolled back); when the build lacks the
/// feature (SQLSTATE 0A000), says that `test` skips `what`.
async fn source_can(test: &str, what: &str, probe: &str) -> bool {
    let mut admin = source_admin().await;
    let tx = admin.transaction().await.unwrap();
    match tx.batch_execute(probe).await {
        Ok(()) => true,
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::FEATURE_NOT_SUPPORTED) => {
            say_skipped(
                test,
                what,
                &e.as_db_error().map(|d| d.message().to_string()).unwrap_or_default(),
            );
            false
        }
        Err(e) => panic!("probing {what}: {e:?}"),
    }
}

/// A port on which nothing listens.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

/// A role with a distinctive password that tests search for in everything written.
pub const SECRET_ROLE: &str = "pwtest";
pub const SECRET_PASSWORD: &str = "Zq9-voyager-secret";

pub async fn ensure_secret_role() {
    let admin = source_admin().await;
    let _ = admin
        .batch_execute(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SECRET_ROLE}') THEN \
             CREATE ROLE {SECRET_ROLE} LOGIN PASSWORD '{SECRET_PASSWORD}'; END IF; END $$; \
             GRANT CONNECT ON DATABASE db1 TO {SECRET_ROLE}"
        ))
        .await;
}

/// Every file below `dir`, read as (lossy) text.
pub fn all_text_below(dir: &std::path::Path) -> String {
    let mut out = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// A database of its own for one test, made on the source server by the superuser.
pub struct TestDb {
    pub name: String,
}

impl TestDb {
    /// Create database `name` (dropped first if left over) and run `setup` in it.
    pub async fn create(name: &str, setup: &str) -> TestDb {
        let admin = source_admin().await;
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let db = TestDb { name: name.to_string() };
        if !setup.is_empty() {
            db.admin()
                .await
                .batch_execute(setup)
                .await
                .unwrap_or_else(|e| panic!("setup of {name}: {e:?}"));
        }
        db
    }

    /// The superuser's URL for this database.
    pub fn admin_url(&self) -> String {
        let base = var("VOYAGER_SOURCE_ADMIN_URL");
        let (base, params) = base.split_once('?').unwrap_or((&base, ""));
        let cut = base.rfind('/').unwrap();
        let params = if params.is_empty() {
            String::new()
        } else {
            format!("?{params}")
        };
        format!("{}/{}{params}", &base[..cut], self.name)
    }

    pub async fn admin(&self) -> tokio_postgres::Client {
        let conn = ConnectionString::parse(&self.admin_url())
            .unwrap()
            .resolve(&LibpqEnv::empty());
        user_search_path(conn.connect(TIMEOUT).await.expect("the test database answers")).await
    }

    pub async fn drop(self) {
        let admin = source_admin().await;
        let _ = admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
            .await;
    }
}

/// A database of its own on the control-plane server, for one test.
pub async fn fresh_control_plane(name: &str) -> String {
    let base = cp_url();
    let admin = ConnectionString::parse(&base)
        .unwrap()
        .resolve(&LibpqEnv::empty())
        .connect(TIMEOUT)
        .await
        .unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    format!("{}/{name}", &base[..base.rfind('/').unwrap()])
}

pub async fn plain_client(url: &str) -> tokio_postgres::Client {
    let client = ConnectionString::parse(url)
        .unwrap()
        .resolve(&LibpqEnv::empty())
        .connect(TIMEOUT)
        .await
        .unwrap();
    user_search_path(client).await
}

/// A small but real-shaped report (the keys the control plane reads).
pub fn sample_report(db: &str, complexity: &str, level3: usize) -> serde_json::Value {
    let issues: Vec<serde_json::Value> = (0..level3)
        .map(|i| {
            serde_json::json!({"Category": "unsupported_datatypes", "Type": "UNSUPPORTED_DATATYPE_XML",
            "Name": "xml", "Impact": "LEVEL_3", "ObjectType": "COLUMN", "ObjectName": format!("public.t.c{i}")})
        })
        .collect();
    serde_json::json!({
        "VoyagerVersion": "0.1.0", "TargetDBVersion": "2025.1.0.0", "MigrationComplexity": complexity,
        "MigrationComplexityExplanation": "test", "SchemaSummary": {"DbName": db, "SchemaNames": ["public"], "DbVersion": "15.18"},
        "Sizing": {"SizingRecommendation": {"ColocatedTables": ["public.t"], "ShardedTables": [], "NumNodes": 3.0}, "FailureReasoning": ""},
        "AssessmentIssues": issues, "TableIndexStats": [], "Notes": ["n"],
        "LibvoyagerSummary": {"EffortHours": 8.0 * level3 as f64, "SourceSizeDetails": {"TotalDBSize": 1000, "TotalTableRowCount": 5},
            "TargetRecommendations": {"TotalColocatedSize": 1000, "TotalShardedSize": 0}}
    })
}

/// Write a migration into the control plane `url` the way yb-voyager does: only yugabyted's
/// `ybvoyager_visualizer_metadata` rows (IN PROGRESS, then COMPLETED with the report).
pub async fn insert_yb_voyager_rows(url: &str, uuid: uuid::Uuid, db: &str, report: &serde_json::Value) {
    let c = plain_client(url).await;
    c.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS ybvoyager_visualizer;
         CREATE TABLE IF NOT EXISTS ybvoyager_visualizer.ybvoyager_visualizer_metadata (migration_uuid uuid,
           migration_phase int, invocation_sequence int, migration_dir text, database_name text, schema_name text,
           payload text, complexity varchar(30), db_type varchar(30), status varchar(30),
           invocation_timestamp timestamptz, PRIMARY KEY (migration_uuid, migration_phase, invocation_sequence));",
    )
    .await
    .unwrap();
    let payload =
        serde_json::json!({"PayloadVersion": "1.8", "RawAssessmentJsonReport": report.to_string()}).to_string();
    c.execute(
        "INSERT INTO ybvoyager_visualizer.ybvoyager_visualizer_metadata VALUES
           ($1, 1, 1, '/old', $2, 'public|sales', '', 'HIGH', 'postgresql', 'IN PROGRESS', now()),
           ($1, 1, 2, '/old', $2, 'public|sales', $3, 'HIGH', 'postgresql', 'COMPLETED', now())",
        &[&uuid, &db, &payload],
    )
    .await
    .unwrap();
}
