//! Connecting, with a timeout, and errors that say which server and what failed.

use std::time::Duration;

use tokio_postgres::config::{SslMode as PgSslMode, TargetSessionAttrs};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{redact, tls, ConnectionString, SslMode};
use crate::{Error, Result};

pub(super) async fn connect(conn: &ConnectionString, timeout: Duration) -> Result<Client> {
    let attempt = async {
        match conn.sslmode() {
            SslMode::Disable => connect_with(conn, PgSslMode::Disable, timeout).await,
            // allow: plain first, TLS only if the server insists.
            SslMode::Allow => match connect_with(conn, PgSslMode::Disable, timeout).await {
                Ok(client) => Ok(client),
                Err(_) => connect_with(conn, PgSslMode::Require, timeout).await,
            },
            SslMode::Prefer => connect_with(conn, PgSslMode::Prefer, timeout).await,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                connect_with(conn, PgSslMode::Require, timeout).await
            }
        }
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(Error::connection(format!(
            "could not connect to {}: no answer within {} s (is the host reachable and the port right?)",
            conn.describe(),
            timeout.as_secs_f32()
        ))),
    }
}

async fn connect_with(conn: &ConnectionString, mode: PgSslMode, timeout: Duration) -> Result<Client> {
    let config = pg_config(conn, mode, timeout)?;
    let result = if mode == PgSslMode::Disable {
        config.connect(NoTls).await.map(|(client, connection)| {
            tokio::spawn(drive(connection));
            client
        })
    } else {
        let tls = MakeRustlsConnect::new(tls::client_config(conn)?);
        config.connect(tls).await.map(|(client, connection)| {
            tokio::spawn(drive(connection));
            client
        })
    };
    result.map_err(|e| explain(conn, &e))
}

async fn drive<F: std::future::Future<Output = std::result::Result<(), tokio_postgres::Error>>>(connection: F) {
    if let Err(e) = connection.await {
        tracing::debug!("connection closed: {}", redact(&e.to_string()));
    }
}

fn pg_config(conn: &ConnectionString, mode: PgSslMode, timeout: Duration) -> Result<Config> {
    let mut config = Config::new();
    for host in conn.hosts() {
        config.host(&host);
    }
    for port in &conn.ports {
        config.port(*port);
    }
    config
        .user(conn.user())
        .dbname(conn.dbname())
        .ssl_mode(mode)
        .connect_timeout(timeout);
    if let Some(password) = &conn.password {
        config.password(password);
    }
    config.application_name(conn.param("application_name").unwrap_or("libvoyager"));
    if let Some(options) = conn.param("options") {
        config.options(options);
    }
    if let Some(t) = conn
        .param("connect_timeout")
        .and_then(|t| t.parse::<u64>().ok())
        .filter(|t| *t > 0)
    {
        config.connect_timeout(Duration::from_secs(t).min(timeout));
    }
    match conn.param("target_session_attrs") {
        Some("read-write") => {
            config.target_session_attrs(TargetSessionAttrs::ReadWrite);
        }
        Some("read-only") => {
            config.target_session_attrs(TargetSessionAttrs::ReadOnly);
        }
        _ => {}
    }
    if conn.param("keepalives") == Some("0") {
        config.keepalives(false);
    }
    if let Some(idle) = conn.param("keepalives_idle").and_then(|t| t.parse().ok()) {
        config.keepalives_idle(Duration::from_secs(idle));
    }
    if let Some(hostaddr) = conn.param("hostaddr") {
        for addr in hostaddr.split(',') {
            let ip = addr
                .parse()
                .map_err(|_| Error::invalid_argument(format!("hostaddr '{addr}' is not an IP address")))?;
            config.hostaddr(ip);
        }
    }
    Ok(config)
}

/// Turn a tokio-postgres failure into a message that says where and what, without a password.
fn explain(conn: &ConnectionString, err: &tokio_postgres::Error) -> Error {
    let target = conn.describe();
    if let Some(db) = err.as_db_error() {
        let what = match db.code() {
            c if *c == SqlState::INVALID_PASSWORD => format!(
                "password authentication failed for user '{}': check the password (prompt, SOURCE_DB_PASSWORD / TARGET_DB_PASSWORD, PGPASSWORD or ~/.pgpass)",
                conn.user()
            ),
            c if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                format!("the server refused the login ({}): check pg_hba.conf and the user name", db.message())
            }
            c if *c == SqlState::INVALID_CATALOG_NAME => {
                format!("database '{}' does not exist on the server: check the database name", conn.dbname())
            }
            c if *c == SqlState::TOO_MANY_CONNECTIONS => "the server has too many connections".to_string(),
            c if *c == SqlState::INSUFFICIENT_PRIVILEGE => format!("permission denied: {}", db.message()),
            _ => format!("{} ({})", db.message(), db.code().code()),
        };
        return Error::connection(format!("could not connect to {target}: {}", redact(&what)));
    }
    let text = redact(&err.to_string());
    let source = std::error::Error::source(err)
        .map(|s| redact(&s.to_string()))
        .unwrap_or_default();
    let all = format!("{text} {source}").to_lowercase();
    let what = if all.contains("password missing") {
        "the server asks for a password and none was given: give it at the prompt, with SOURCE_DB_PASSWORD / TARGET_DB_PASSWORD, PGPASSWORD or ~/.pgpass".to_string()
    } else if all.contains("connection refused") {
        "connection refused (is the server running and listening on that host and port?)".to_string()
    } else if all.contains("timed out") || all.contains("timeout") {
        "timed out (is the host reachable?)".to_string()
    } else if all.contains("failed to lookup")
        || all.contains("name or service not known")
        || all.contains("no address")
    {
        format!("host '{}' was not found (check the host name)", conn.host())
    } else if all.contains("server does not support tls") {
        format!(
            "the server does not support SSL, but sslmode={} requires it",
            conn.sslmode().as_str()
        )
    } else if all.contains("notvalidforname") || all.contains("not valid for name") {
        format!(
            "TLS: the server's certificate is not valid for host '{}' (sslmode=verify-full checks the name)",
            conn.host()
        )
    } else if all.contains("unknownissuer") || all.contains("certificate") || all.contains("tls") {
        format!("TLS handshake failed: {} {}", text, source)
    } else {
        format!("{text} {source}")
    };
    Error::connection(format!("could not connect to {target}: {}", what.trim()))
}
