//! Connection strings against the real sandbox server: passwords from everywhere libpq takes
//! them, every sslmode, and every way a connection fails.

mod support;

use std::time::Duration;

use support::*;
use voyager_core::connection::{ConnectionString, LibpqEnv, SslMode};
use voyager_core::ErrorKind;

fn conn(text: &str, env: &LibpqEnv) -> ConnectionString {
    ConnectionString::parse(text).unwrap().resolve(env)
}

async fn current_db(c: &ConnectionString) -> voyager_core::Result<String> {
    let client = c.connect(TIMEOUT).await?;
    Ok(client.query_one("SELECT current_database()", &[]).await.unwrap().get(0))
}

#[tokio::test]
async fn connects_in_both_syntaxes() {
    let env = LibpqEnv::empty();
    assert_eq!(current_db(&conn(&source_url(), &env)).await.unwrap(), "db1");
    let kv = format!(
        "host={} port={} dbname='db2' user=amakala password='password' application_name='voyager test'",
        source_host(),
        source_port()
    );
    assert_eq!(current_db(&conn(&kv, &env)).await.unwrap(), "db2");
}

#[tokio::test]
async fn password_from_pgpassword_and_pgpass() {
    let base = format!("postgresql://amakala@{}:{}/db3", source_host(), source_port());
    let env = LibpqEnv::empty().with_var("PGPASSWORD", "password");
    assert_eq!(current_db(&conn(&base, &env)).await.unwrap(), "db3");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pgpass");
    std::fs::write(
        &file,
        format!("{}:{}:*:amakala:password\n", source_host(), source_port()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let env = LibpqEnv::empty().with_var("PGPASSFILE", file.to_str().unwrap());
    assert_eq!(current_db(&conn(&base, &env)).await.unwrap(), "db3");
}

#[tokio::test]
async fn pg_environment_fills_what_the_string_leaves_out() {
    let env = LibpqEnv::empty()
        .with_var("PGHOST", &source_host())
        .with_var("PGPORT", &source_port().to_string())
        .with_var("PGUSER", "amakala")
        .with_var("PGDATABASE", "db2")
        .with_var("PGPASSWORD", "password")
        .with_var("PGSSLMODE", "disable");
    let c = conn("", &env);
    assert_eq!(c.sslmode(), SslMode::Disable);
    assert_eq!(current_db(&c).await.unwrap(), "db2");
}

#[tokio::test]
async fn failures_say_what_and_where_without_the_password() {
    let env = LibpqEnv::empty();
    let host = source_host();
    let port = source_port();
    let cases = [
        (
            format!("postgresql://amakala:Wr0ng-pass@{host}:{port}/db1"),
            "password authentication failed",
        ),
        (
            format!("postgresql://amakala:password@{host}:{port}/no_such_db"),
            "does not exist",
        ),
        (
            format!("postgresql://amakala:Wr0ng-pass@{host}:{}/db1", closed_port()),
            "connection refused",
        ),
        (
            format!("postgresql://amakala@{host}:{port}/db1?sslmode=disable"),
            "none was given",
        ),
    ];
    for (text, expected) in cases {
        let err = current_db(&conn(&text, &env)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
        assert!(err.message().contains(expected), "{text}: {err}");
        assert!(err.message().contains(&host), "{err}");
        assert!(!err.message().contains("Wr0ng-pass"), "{err}");
    }
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let c = conn(
        &format!("postgresql://u:Secr3t@127.0.0.1:{port}/db"),
        &LibpqEnv::empty(),
    );
    let started = std::time::Instant::now();
    let err = c.connect(Duration::from_secs(1)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        err.message().contains("1 s") || err.message().contains("timed out"),
        "{err}"
    );
    assert!(!err.message().contains("Secr3t"));
    drop(listener);
}

#[tokio::test]
async fn every_sslmode_against_the_ssl_server() {
    let ca = var("VOYAGER_SANDBOX_CA");
    let env = LibpqEnv::empty();
    let port = source_port();
    // The server listens on 127.0.0.1 only; other names reach it through hostaddr.
    let url = |host: &str, mode: &str, root: bool| {
        let root = if root {
            format!("&sslrootcert={ca}")
        } else {
            String::new()
        };
        format!("postgresql://amakala:password@{host}:{port}/db1?hostaddr=127.0.0.1&sslmode={mode}{root}")
    };
    let ssl_in_use = |c: ConnectionString| async move {
        let client = c.connect(TIMEOUT).await?;
        let row = client
            .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
            .await
            .unwrap();
        Ok::<bool, voyager_core::Error>(row.get(0))
    };
    assert!(!ssl_in_use(conn(&url("127.0.0.1", "disable", false), &env))
        .await
        .unwrap());
    assert!(!ssl_in_use(conn(&url("127.0.0.1", "allow", false), &env)).await.unwrap());
    assert!(ssl_in_use(conn(&url("127.0.0.1", "prefer", false), &env))
        .await
        .unwrap());
    assert!(ssl_in_use(conn(&url("127.0.0.1", "require", false), &env))
        .await
        .unwrap());
    assert!(ssl_in_use(conn(&url("127.0.0.1", "verify-ca", true), &env))
        .await
        .unwrap());
    assert!(ssl_in_use(conn(&url("localhost", "verify-full", true), &env))
        .await
        .unwrap());
    assert!(ssl_in_use(conn(&url("127.0.0.1", "verify-full", true), &env))
        .await
        .unwrap());
    // verify-ca ignores the name; verify-full does not (the name is not in the certificate).
    assert!(ssl_in_use(conn(&url("not-in-cert.invalid", "verify-ca", true), &env))
        .await
        .unwrap());
    let err = ssl_in_use(conn(&url("not-in-cert.invalid", "verify-full", true), &env))
        .await
        .unwrap_err();
    assert!(err.message().contains("not valid for host"), "{err}");
    assert_eq!(err.reason(), voyager_core::error::Reason::Tls, "{err}");
    let err = ssl_in_use(conn(&url("127.0.0.1", "verify-ca", false), &env))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.message().contains("sslrootcert"), "{err}");
    // A certificate from another CA is not trusted.
    let other = tempfile::tempdir().unwrap();
    let other_ca = other.path().join("ca.pem");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=other",
        ])
        .arg("-keyout")
        .arg(other.path().join("k.pem"))
        .arg("-out")
        .arg(&other_ca)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let text = format!(
        "postgresql://amakala:password@localhost:{port}/db1?sslmode=verify-full&sslrootcert={}",
        other_ca.display()
    );
    let err = ssl_in_use(conn(&text, &env)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.message().contains("TLS"), "{err}");
}

#[tokio::test]
async fn control_plane_server_refuses_ssl_require() {
    let url = format!("{}?sslmode=require", cp_url());
    let err = conn(&url, &LibpqEnv::empty()).connect(TIMEOUT).await.unwrap_err();
    assert!(err.message().contains("does not support SSL"), "{err}");
    assert!(!err.message().contains(":yugabyte@"), "{err}");
}
