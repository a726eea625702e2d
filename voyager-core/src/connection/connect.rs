//! Connecting, host after host with a timeout for each (as libpq does), every session with its
//! `search_path` pinned, and errors that say which server and what failed.

use std::net::IpAddr;
use std::time::Duration;

use tokio_postgres::config::{SslMode as PgSslMode, TargetSessionAttrs};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{redact, tls, ConnectionString, SslMode};
use crate::error::{reason_of, Reason, Subject};
use crate::{Error, Result};

/// What every session we open starts with, after the user's own `options`: a database's owner
/// controls its `search_path` (`ALTER DATABASE ... SET search_path`), and an unqualified name
/// would then run their functions and operators with our privileges.
pub const PINNED_OPTIONS: &str = "-c search_path=pg_catalog";

/// One address to try: a host of the connection string, with one of its IP addresses (none for
/// a Unix socket directory).
struct Target {
    host: String,
    addr: Option<IpAddr>,
    port: u16,
    /// Whether the host has other addresses too (then messages name this one).
    several: bool,
}

impl Target {
    fn describe(&self, conn: &ConnectionString) -> String {
        let addr = match self.addr {
            Some(ip) if self.several => format!(" (address {ip})"),
            _ => String::new(),
        };
        format!("{}:{}{addr}/{} as {}", self.host, self.port, conn.dbname(), conn.user())
    }
}

/// Connect to the first host (of a multi-host string) that answers. Each host, and each address
/// of a host name, gets `connect_timeout` seconds (at least 2, as libpq), or `timeout` when the
/// string sets none.
pub(super) async fn connect(conn: &ConnectionString, timeout: Duration) -> Result<Client> {
    let per_host = per_host_timeout(conn, timeout);
    let options = startup_options(conn)?;
    let hosts = conn.hosts();
    for host in &hosts {
        super::parse::check_host(host)?;
    }
    if conn.ports.len() > 1 && conn.ports.len() != hosts.len() {
        return Err(Error::invalid_argument(format!(
            "port names {} ports for {} hosts: give one port, or one per host",
            conn.ports.len(),
            hosts.len()
        )));
    }
    let hostaddrs = hostaddrs(conn, hosts.len())?;
    let mut failures: Vec<Error> = Vec::new();
    for (i, host) in hosts.iter().enumerate() {
        let port = port_of(conn, i);
        let targets = match hostaddrs.get(i) {
            Some(ip) => Ok(vec![(Some(*ip), false)]),
            None if host.starts_with('/') => Ok(vec![(None, false)]),
            None => resolve(host, port, per_host).await,
        };
        let targets = match targets {
            Ok(targets) => targets,
            Err((reason, why)) => {
                failures.push(
                    Error::connection(format!(
                        "could not connect to {host}:{port}/{} as {}: {why}",
                        conn.dbname(),
                        conn.user()
                    ))
                    .with_reason(reason)
                    .with_subject(Subject {
                        host: Some(host.clone()),
                        port: Some(port),
                        database: Some(conn.dbname().to_string()),
                    }),
                );
                continue;
            }
        };
        for (addr, several) in targets {
            let target = Target {
                host: host.clone(),
                addr,
                port,
                several,
            };
            match tokio::time::timeout(per_host, connect_target(conn, &target, &options, per_host)).await {
                Ok(Ok(client)) => return Ok(client),
                // A mistake in the connection string (TLS files, ...) is the same for every host.
                Ok(Err(e)) if e.kind() != crate::ErrorKind::Connection => return Err(e),
                Ok(Err(e)) => failures.push(e),
                Err(_) => failures.push(
                    Error::connection(format!(
                        "could not connect to {}: no answer within {} s (is the host reachable and the port right? \
                         connect_timeout sets how long to wait for each host)",
                        target.describe(conn),
                        per_host.as_secs_f32()
                    ))
                    .with_reason(Reason::Timeout)
                    .with_subject(Subject {
                        host: Some(target.host.clone()),
                        port: Some(target.port),
                        database: Some(conn.dbname().to_string()),
                    }),
                ),
            }
        }
    }
    Err(match failures.len() {
        0 => Error::connection(format!("could not connect to {}: no host to try", conn.describe())),
        1 => failures.remove(0),
        n => {
            // One reason when every address failed the same way.
            let first = failures[0].reason();
            let reason = if failures.iter().all(|f| f.reason() == first) {
                first
            } else {
                Reason::Other
            };
            Error::connection(format!(
                "could not connect to any of {n} addresses: {}",
                failures.iter().map(Error::message).collect::<Vec<_>>().join("; ")
            ))
            .with_reason(reason)
            .with_subject(Subject {
                host: None,
                port: None,
                database: Some(conn.dbname().to_string()),
            })
        }
    })
}

/// How long one host (or one address of a host name) may take: libpq's `connect_timeout` (its
/// minimum of 2 s; 0 means our default), else `timeout`.
fn per_host_timeout(conn: &ConnectionString, timeout: Duration) -> Duration {
    match conn.param("connect_timeout").and_then(|t| t.trim().parse::<u64>().ok()) {
        Some(0) | None => timeout,
        Some(seconds) => Duration::from_secs(seconds.clamp(2, u64::from(u32::MAX))),
    }
}

/// The user's `options` followed by ours, which therefore win (the server applies them in order).
fn startup_options(conn: &ConnectionString) -> Result<String> {
    let Some(user) = conn.param("options").map(str::trim).filter(|o| !o.is_empty()) else {
        return Ok(PINNED_OPTIONS.to_string());
    };
    // A trailing backslash would escape the space before ours and swallow them.
    if user.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1 {
        return Err(Error::invalid_argument(
            "the connection option 'options' ends with a backslash: remove it",
        ));
    }
    Ok(format!("{user} {PINNED_OPTIONS}"))
}

fn port_of(conn: &ConnectionString, i: usize) -> u16 {
    match conn.ports.len() {
        0 => 5432,
        1 => conn.ports[0],
        _ => conn.ports.get(i).copied().unwrap_or(5432),
    }
}

fn hostaddrs(conn: &ConnectionString, hosts: usize) -> Result<Vec<IpAddr>> {
    let Some(text) = conn.param("hostaddr") else {
        return Ok(Vec::new());
    };
    let addrs = text
        .split(',')
        .map(|addr| {
            addr.trim()
                .parse()
                .map_err(|_| Error::invalid_argument(format!("hostaddr '{addr}' is not an IP address")))
        })
        .collect::<Result<Vec<IpAddr>>>()?;
    if addrs.len() != hosts && !conn.hosts.is_empty() {
        return Err(Error::invalid_argument(format!(
            "hostaddr names {} addresses for {hosts} hosts: give one per host",
            addrs.len()
        )));
    }
    Ok(addrs)
}

/// A host name's addresses (each tried in turn, as libpq does), within the per-host timeout.
async fn resolve(
    host: &str,
    port: u16,
    within: Duration,
) -> std::result::Result<Vec<(Option<IpAddr>, bool)>, (Reason, String)> {
    let found = tokio::time::timeout(within, tokio::net::lookup_host((host, port))).await;
    let mut addrs: Vec<IpAddr> = match found {
        Ok(Ok(addrs)) => addrs.map(|a| a.ip()).collect(),
        Ok(Err(_)) => {
            return Err((
                Reason::HostUnknown,
                format!("host '{host}' was not found (check the host name)"),
            ))
        }
        Err(_) => {
            return Err((
                Reason::Timeout,
                format!("looking up host '{host}' took longer than {} s", within.as_secs_f32()),
            ))
        }
    };
    addrs.dedup();
    if addrs.is_empty() {
        return Err((
            Reason::HostUnknown,
            format!("host '{host}' has no address (check the host name)"),
        ));
    }
    let several = addrs.len() > 1;
    Ok(addrs.into_iter().map(|a| (Some(a), several)).collect())
}

async fn connect_target(conn: &ConnectionString, target: &Target, options: &str, timeout: Duration) -> Result<Client> {
    let with = |mode| connect_with(conn, target, options, mode, timeout);
    match conn.sslmode() {
        SslMode::Disable => with(PgSslMode::Disable).await,
        // allow: plain first, TLS only if the server insists.
        SslMode::Allow => match with(PgSslMode::Disable).await {
            Ok(client) => Ok(client),
            Err(_) => with(PgSslMode::Require).await,
        },
        SslMode::Prefer => with(PgSslMode::Prefer).await,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => with(PgSslMode::Require).await,
    }
}

async fn connect_with(
    conn: &ConnectionString,
    target: &Target,
    options: &str,
    mode: PgSslMode,
    timeout: Duration,
) -> Result<Client> {
    let config = pg_config(conn, target, options, mode, timeout);
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
    result.map_err(|e| explain(conn, target, &e, mode))
}

async fn drive<F: std::future::Future<Output = std::result::Result<(), tokio_postgres::Error>>>(connection: F) {
    if let Err(e) = connection.await {
        tracing::debug!("connection closed: {}", redact(&e.to_string()));
    }
}

/// The configuration of one attempt: one host, at one address.
fn pg_config(conn: &ConnectionString, target: &Target, options: &str, mode: PgSslMode, timeout: Duration) -> Config {
    let mut config = Config::new();
    config.host(&target.host).port(target.port);
    if let Some(addr) = target.addr {
        config.hostaddr(addr);
    }
    config
        .user(conn.user())
        .dbname(conn.dbname())
        .ssl_mode(mode)
        .connect_timeout(timeout)
        .options(options);
    if let Some(password) = &conn.password {
        config.password(password);
    }
    config.application_name(conn.param("application_name").unwrap_or("libvoyager"));
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
    config
}

/// Whether TLS failed because the certificate names another host (a rustls error, not text).
fn wrong_name(err: &tokio_postgres::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let tls = cause.downcast_ref::<rustls::Error>().or_else(|| {
            cause
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(cert)) = tls {
            return matches!(
                cert,
                rustls::CertificateError::NotValidForName | rustls::CertificateError::NotValidForNameContext { .. }
            );
        }
        source = cause.source();
    }
    false
}

/// Turn a tokio-postgres failure into a message that says where and what, without a password.
/// The reason comes from the failure's structure (SQLSTATE, I/O kind, TLS error), never its text.
fn explain(conn: &ConnectionString, at: &Target, err: &tokio_postgres::Error, mode: PgSslMode) -> Error {
    let target = at.describe(conn);
    let subject = Subject {
        host: Some(at.host.clone()),
        port: Some(at.port),
        database: Some(conn.dbname().to_string()),
    };
    let fail = |reason: Reason, what: String| {
        Error::connection(format!("could not connect to {target}: {}", redact(&what)))
            .with_reason(reason)
            .with_subject(subject.clone())
    };
    if let Some(db) = err.as_db_error() {
        let code = db.code();
        let what = match code {
            c if *c == SqlState::INVALID_PASSWORD => format!(
                "password authentication failed for user '{}': check the password (SOURCE_DB_PASSWORD / TARGET_DB_PASSWORD, PGPASSWORD or ~/.pgpass also give one)",
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
            _ => format!("{} ({})", db.message(), code.code()),
        };
        let mut error = fail(Reason::of_sqlstate(code.code()), what);
        error.set_sqlstate(code.code());
        return error;
    }
    let text = redact(&err.to_string());
    let source = std::error::Error::source(err)
        .map(|s| redact(&s.to_string()))
        .unwrap_or_default();
    // tokio-postgres reports a missing password (and, where TLS is demanded, a server without
    // it) as an error of its own with no I/O or TLS cause: tell them apart by what we gave.
    let (reason, inferred) = match reason_of(err) {
        Reason::Other if !err.is_closed() && std::error::Error::source(err).is_some() => {
            if conn.password.is_none() {
                (Reason::PasswordMissing, true)
            } else if mode == PgSslMode::Require {
                (Reason::Tls, true)
            } else {
                (Reason::Other, false)
            }
        }
        reason => (reason, false),
    };
    let what = match reason {
        Reason::PasswordMissing => "the server asks for a password and none was given: give one (SOURCE_DB_PASSWORD / TARGET_DB_PASSWORD, PGPASSWORD or ~/.pgpass also give one)".to_string(),
        Reason::ConnectionRefused => "connection refused (is the server running and listening on that host and port?)".to_string(),
        Reason::Timeout => "timed out (is the host reachable?)".to_string(),
        Reason::Tls if inferred => format!(
            "the server does not support SSL, but sslmode={} requires it",
            conn.sslmode().as_str()
        ),
        Reason::Tls if wrong_name(err) => format!(
            "TLS: the server's certificate is not valid for host '{}' (sslmode=verify-full checks the name)",
            at.host
        ),
        Reason::Tls => format!("TLS handshake failed: {text} {source}"),
        _ => format!("{text} {source}"),
    };
    fail(reason, what.trim().to_string())
}
