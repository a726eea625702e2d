//! Connection strings as libpq takes them: URIs (`postgresql://user:pass@host:port/db?...`) and
//! keyword/value strings (`host=... dbname=...`), with libpq's `PG*` environment variables and
//! `~/.pgpass`, every `sslmode` over rustls, and a redacted form that is the only one ever
//! printed, logged or stored.

mod connect;
mod parse;
mod pgpass;
mod tls;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use connect::PINNED_OPTIONS;
pub use parse::{check_host, debug_redacted, redact};

use crate::{Error, Result};

/// libpq's `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub const ALL: [SslMode; 6] = [
        SslMode::Disable,
        SslMode::Allow,
        SslMode::Prefer,
        SslMode::Require,
        SslMode::VerifyCa,
        SslMode::VerifyFull,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl FromStr for SslMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        SslMode::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| {
            Error::invalid_argument(format!(
                "sslmode '{s}' is not one of disable, allow, prefer, require, verify-ca, verify-full"
            ))
        })
    }
}

/// libpq's environment: the `PG*` variables, `HOME` (for `~/.pgpass` and
/// `~/.postgresql/root.crt`), and the variables our journeys read (`SOURCE_DB_PASSWORD`, ...).
/// Tests build one by hand instead of changing the process environment.
#[derive(Clone, Default)]
pub struct LibpqEnv {
    vars: std::collections::BTreeMap<String, String>,
    /// Whether variables the user names (a fleet file's `password-env`) come from the process.
    process: bool,
}

/// Only the names: the values may be passwords.
impl std::fmt::Debug for LibpqEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibpqEnv")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("process", &self.process)
            .finish()
    }
}

impl LibpqEnv {
    /// The variables of this process that libpq and libvoyager read.
    pub fn from_process() -> Self {
        let vars = std::env::vars()
            .filter(|(k, _)| k.starts_with("PG") || k.ends_with("_DB_PASSWORD") || k == "HOME" || k == "USER")
            .collect();
        LibpqEnv { vars, process: true }
    }
    pub fn empty() -> Self {
        LibpqEnv::default()
    }
    pub fn with_var(mut self, key: &str, value: &str) -> Self {
        self.vars.insert(key.to_string(), value.to_string());
        self
    }
    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }
    /// A variable the user named (for example a fleet file's `password-env`): from this
    /// environment, else from the process when this environment is the process's.
    pub fn named_var(&self, key: &str) -> Option<String> {
        self.var(key)
            .map(str::to_string)
            .or_else(|| self.process.then(|| std::env::var(key).ok()).flatten())
            .filter(|v| !v.is_empty())
    }
}

/// What a connection string says, without its password: what the C ABI and Python show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConnectionInfo {
    pub host: String,
    pub hosts: Vec<String>,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    pub sslmode: SslMode,
    pub sslrootcert: Option<String>,
    pub has_password: bool,
    pub redacted: String,
}

/// A parsed connection string. Its `Debug` and `Display` print the redacted form only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConnectionString {
    hosts: Vec<String>,
    ports: Vec<u16>,
    dbname: Option<String>,
    user: Option<String>,
    password: Option<String>,
    sslmode: Option<SslMode>,
    /// Every other keyword, in the order given (sslrootcert, application_name, options, ...).
    params: Vec<(String, String)>,
}

/// Keywords libpq knows that we pass on or honour; anything else is refused, as libpq does.
const KNOWN_PARAMS: &[&str] = &[
    "hostaddr",
    "passfile",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "sslpassword",
    "sslcompression",
    "sslsni",
    "connect_timeout",
    "application_name",
    "fallback_application_name",
    "options",
    "target_session_attrs",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "channel_binding",
    "gssencmode",
    "client_encoding",
    "load_balance_hosts",
    "requirepeer",
    "krbsrvname",
];

impl ConnectionString {
    /// Parse a URI or a keyword/value string. Nothing is looked up yet: see [`resolve`](Self::resolve).
    pub fn parse(text: &str) -> Result<Self> {
        parse::parse(text)
    }

    /// Connection details from their parts (no password).
    pub fn from_parts(host: &str, port: u16, dbname: &str, user: &str, sslmode: SslMode) -> Self {
        ConnectionString {
            hosts: vec![host.to_string()],
            ports: vec![port],
            dbname: Some(dbname.to_string()).filter(|s| !s.is_empty()),
            user: Some(user.to_string()).filter(|s| !s.is_empty()),
            password: None,
            sslmode: Some(sslmode),
            params: Vec::new(),
        }
    }

    /// Fill in what the string leaves out, as libpq does: `PGHOST`, `PGPORT`, `PGDATABASE`,
    /// `PGUSER`, `PGSSLMODE`, `PGSSLROOTCERT`, `PGCONNECT_TIMEOUT`, `PGAPPNAME`, `PGOPTIONS`,
    /// `PGTARGETSESSIONATTRS`, then the password from `PGPASSWORD` or the password file.
    pub fn resolve(mut self, env: &LibpqEnv) -> Self {
        if self.hosts.is_empty() {
            let host = env
                .var("PGHOST")
                .or_else(|| env.var("PGHOSTADDR"))
                .unwrap_or("localhost");
            self.hosts = host.split(',').map(str::to_string).collect();
        }
        if self.ports.is_empty() {
            let port = env.var("PGPORT").and_then(|p| p.parse().ok()).unwrap_or(5432);
            self.ports = vec![port];
        }
        if self.user.is_none() {
            self.user = Some(
                env.var("PGUSER")
                    .or_else(|| env.var("USER"))
                    .unwrap_or("postgres")
                    .to_string(),
            );
        }
        if self.dbname.is_none() {
            self.dbname = Some(
                env.var("PGDATABASE")
                    .map(str::to_string)
                    .unwrap_or_else(|| self.user().to_string()),
            );
        }
        if self.sslmode.is_none() {
            self.sslmode = env.var("PGSSLMODE").and_then(|m| m.parse().ok());
        }
        for (param, var) in [
            ("sslrootcert", "PGSSLROOTCERT"),
            ("connect_timeout", "PGCONNECT_TIMEOUT"),
            ("application_name", "PGAPPNAME"),
            ("options", "PGOPTIONS"),
            ("target_session_attrs", "PGTARGETSESSIONATTRS"),
            ("passfile", "PGPASSFILE"),
        ] {
            if self.param(param).is_none() {
                if let Some(value) = env.var(var) {
                    self.params.push((param.into(), value.into()));
                }
            }
        }
        if self.password.is_none() {
            self.password = env
                .var("PGPASSWORD")
                .map(str::to_string)
                .or_else(|| pgpass::lookup(&self, env));
        }
        self
    }

    pub fn hosts(&self) -> Vec<String> {
        if self.hosts.is_empty() {
            vec!["localhost".into()]
        } else {
            self.hosts.clone()
        }
    }
    /// The first host.
    pub fn host(&self) -> &str {
        self.hosts.first().map(String::as_str).unwrap_or("localhost")
    }
    /// The first port (5432 when none is set).
    pub fn port(&self) -> u16 {
        self.ports.first().copied().unwrap_or(5432)
    }
    pub fn dbname(&self) -> &str {
        self.dbname.as_deref().or(self.user.as_deref()).unwrap_or("postgres")
    }
    pub fn user(&self) -> &str {
        self.user.as_deref().unwrap_or("postgres")
    }
    /// The sslmode (libpq's default `prefer` when none is set).
    pub fn sslmode(&self) -> SslMode {
        self.sslmode.unwrap_or(SslMode::Prefer)
    }
    pub fn sslrootcert(&self) -> Option<&str> {
        self.param("sslrootcert")
    }
    /// Any other keyword's value (never the password).
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }
    pub fn set_password(&mut self, password: Option<String>) {
        self.password = password;
    }
    pub fn set_dbname(&mut self, dbname: &str) {
        self.dbname = Some(dbname.to_string());
    }
    pub fn set_user(&mut self, user: &str) {
        self.user = Some(user.to_string());
    }

    /// Where this connects, for messages: `host:port/db as user`.
    pub fn describe(&self) -> String {
        format!("{}:{}/{} as {}", self.host(), self.port(), self.dbname(), self.user())
    }

    /// What this connection string says, without the password.
    pub fn info(&self) -> ConnectionInfo {
        ConnectionInfo {
            host: self.host().to_string(),
            hosts: self.hosts(),
            port: self.port(),
            dbname: self.dbname().to_string(),
            user: self.user().to_string(),
            sslmode: self.sslmode(),
            sslrootcert: self.sslrootcert().map(str::to_string),
            has_password: self.has_password(),
            redacted: self.redacted(),
        }
    }

    /// A `postgresql://` URI with everything but the password: the only form ever shown.
    pub fn redacted(&self) -> String {
        parse::to_uri(self)
    }

    /// Connect, giving up after `timeout`. Errors name the host, database and user and say what
    /// failed; they never hold the password.
    pub async fn connect(&self, timeout: std::time::Duration) -> Result<tokio_postgres::Client> {
        connect::connect(self, timeout).await
    }
}

impl fmt::Display for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnectionString({})", self.redacted())
    }
}
