//! The fleet's inventory: which source databases to assess, from a fleet file (TOML, or CSV for
//! spreadsheets) or discovered on a server. A password in the file is accepted for compatibility
//! and used to connect, but never stored; the normal ways are `PGPASSWORD`, `~/.pgpass` or a
//! per-entry environment variable (`password-env`).
//!
//! ```toml
//! name = "payments"                      # the fleet's name (default: the file's stem)
//! [defaults]                             # applies to every source
//! user = "amakala"
//! labels = { team = "payments" }
//! [[source]]
//! connection = "postgresql://amakala@pg1:5432/orders"
//! labels = { criticality = "high", environment = "prod" }
//! [[source]]
//! host = "pg2"
//! database = "ledger"
//! schemas = ["public", "audit"]
//! password-env = "LEDGER_PASSWORD"
//! ```
//! CSV: a header row naming any of `name, connection, host, port, database, user, schemas,
//! sslmode, password, password_env`; every other column is a label. Schemas are separated by
//! `|` or `;`. A column named twice, or a label that looks like a secret (`db_password`,
//! `pgpassword`, `pass`, `secret`, ...), is refused: labels are stored in the control plane.
//!
//! A source without a password of its own (`password`, `password-env`) takes
//! `SOURCE_DB_PASSWORD`, then libpq's `PGPASSWORD` and `~/.pgpass`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::connection::{ConnectionString, LibpqEnv, SslMode};
use crate::{Error, Result};

/// One source database of the fleet.
#[derive(Clone)]
pub struct FleetEntry {
    /// Where it was defined (file and line or entry), for error messages.
    pub origin: String,
    /// The connection details; a password only when the file gave one (never stored).
    pub conn: ConnectionString,
    pub schemas: Option<Vec<String>>,
    pub labels: BTreeMap<String, String>,
    /// The environment variable holding this source's password.
    pub password_env: Option<String>,
}

impl std::fmt::Debug for FleetEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FleetEntry({} {})", self.origin, self.conn.redacted())
    }
}

impl FleetEntry {
    /// The key that names this database in the fleet: `host:port/database`.
    pub fn key(&self) -> String {
        format!(
            "{}:{}/{}",
            self.conn.host().to_lowercase(),
            self.conn.port(),
            self.conn.dbname()
        )
    }

    /// The key that finds the same server under another name: loopback addresses and
    /// `localhost` are one host, IP addresses compare by value, a trailing dot is dropped.
    fn alias_key(&self) -> String {
        format!(
            "{}:{}/{}",
            same_host(self.conn.host()),
            self.conn.port(),
            self.conn.dbname()
        )
    }

    /// The connection to use: the entry's, the password from its variable, then
    /// `SOURCE_DB_PASSWORD`, then libpq's ways.
    pub fn connection(&self, env: &LibpqEnv) -> Result<ConnectionString> {
        let mut conn = self.conn.clone();
        if let Some(var) = &self.password_env {
            match env.named_var(var) {
                Some(p) => conn.set_password(Some(p)),
                None if !conn.has_password() => {
                    return Err(Error::invalid_argument(format!(
                        "{}: the environment variable {var} (password-env) is not set",
                        self.origin
                    )))
                }
                None => {}
            }
        }
        with_source_db_password(&mut conn, env);
        Ok(conn.resolve(env))
    }
}

/// Give `conn` the password of `SOURCE_DB_PASSWORD` when it has none of its own.
fn with_source_db_password(conn: &mut ConnectionString, env: &LibpqEnv) {
    if !conn.has_password() {
        if let Some(p) = env.var("SOURCE_DB_PASSWORD") {
            conn.set_password(Some(p.to_string()));
        }
    }
}

/// A host name as it compares for duplicates: loopback is `localhost`.
pub(crate) fn same_host(host: &str) -> String {
    let host = host.trim_end_matches('.').to_lowercase();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_loopback() => "localhost".into(),
        Ok(ip) => ip.to_string(),
        Err(_) if host == "localhost" || host.ends_with(".localhost") => "localhost".into(),
        Err(_) => host,
    }
}

/// Whether a label name looks like it holds a secret (labels are stored and printed).
fn looks_secret(name: &str) -> bool {
    let n = name.to_lowercase().replace('-', "_");
    let words: Vec<&str> = n.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "credential",
        "apikey",
        "api_key",
        "private_key",
    ]
    .iter()
    .any(|w| n.contains(w))
        || words.iter().any(|w| ["pass", "pwd", "pw", "pgpass"].contains(w))
}

fn refuse_secret_label(origin: &str, name: &str) -> Error {
    Error::config(format!(
        "{origin}: the column or label '{name}' looks like a password or secret; labels are stored in the \
         control plane and printed by `fleet list`, so it is refused: name the column `password` (used to \
         connect, never stored), or better give passwords with `password-env`, SOURCE_DB_PASSWORD, PGPASSWORD \
         or ~/.pgpass"
    ))
}

/// The fleet's name and its databases.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub name: String,
    pub entries: Vec<FleetEntry>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Fields {
    name: Option<String>,
    connection: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    user: Option<String>,
    schemas: Option<Vec<String>>,
    sslmode: Option<String>,
    password: Option<String>,
    password_env: Option<String>,
    labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    name: Option<String>,
    #[serde(default)]
    defaults: Fields,
    #[serde(default)]
    source: Vec<Fields>,
}

/// Read a fleet file: `.csv` as CSV, anything else as TOML.
pub fn load(path: &Path, env: &LibpqEnv) -> Result<Inventory> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read the fleet file", path, &e))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "fleet".into());
    let shown = path.display().to_string();
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let inventory = if is_csv {
        Inventory {
            name: stem,
            entries: parse_csv(&text, &shown, env)?,
        }
    } else {
        let file: FleetFile = toml::from_str(&text).map_err(|e| {
            Error::config(format!(
                "{shown}: {}; a fleet file has `name`, `[defaults]` and `[[source]]` entries",
                e.message()
            ))
        })?;
        for (what, given) in [
            ("name", file.defaults.name.is_some()),
            ("connection", file.defaults.connection.is_some()),
            ("database", file.defaults.database.is_some()),
        ] {
            if given {
                return Err(Error::config(format!(
                    "{shown}: [defaults] cannot hold `{what}`: it names one source; put it in a [[source]] entry"
                )));
            }
        }
        let entries = file
            .source
            .iter()
            .enumerate()
            .map(|(i, fields)| {
                let origin = format!("{shown} source #{}", i + 1);
                one_way_to_connect(fields, &origin)?;
                entry(merge(&file.defaults, fields), origin)
            })
            .collect::<Result<Vec<_>>>()?;
        Inventory {
            name: file.name.unwrap_or(stem),
            entries,
        }
    };
    check(inventory, &shown)
}

fn parse_csv(text: &str, shown: &str, _env: &LibpqEnv) -> Result<Vec<FleetEntry>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::config(format!("{shown}: the header row is unreadable: {e}")))?
        .iter()
        .map(|h| h.to_lowercase().replace('-', "_"))
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err(Error::config(format!(
                "{shown}: the header row names the column '{h}' twice: each column once"
            )));
        }
        let known = ["password", "password_env"].contains(&h.as_str());
        if !known && looks_secret(h) {
            return Err(refuse_secret_label(&format!("{shown} header row"), h));
        }
    }
    let mut entries = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::config(format!("{shown}: {}", crate::connection::redact(&e.to_string()))))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let origin = format!("{shown} line {line}");
        let mut fields = Fields::default();
        let mut labels = BTreeMap::new();
        for (header, value) in headers.iter().zip(record.iter()) {
            if value.is_empty() {
                continue;
            }
            let value = value.to_string();
            match header.as_str() {
                "name" => fields.name = Some(value),
                "connection" | "connection_string" => fields.connection = Some(value),
                "host" => fields.host = Some(value),
                "port" => {
                    fields.port = Some(value.parse().map_err(|_| {
                        Error::config(format!("{origin}: port '{value}' is not a port number (1-65535)"))
                    })?)
                }
                "database" | "dbname" => fields.database = Some(value),
                "user" => fields.user = Some(value),
                "schemas" => {
                    fields.schemas = Some(
                        value
                            .split(['|', ';'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                    )
                }
                "sslmode" => fields.sslmode = Some(value),
                "password" => fields.password = Some(value),
                "password_env" => fields.password_env = Some(value),
                label => {
                    labels.insert(label.to_string(), value);
                }
            }
        }
        fields.labels = Some(labels);
        one_way_to_connect(&fields, &origin)?;
        entries.push(entry(fields, origin)?);
    }
    Ok(entries)
}

fn merge(defaults: &Fields, f: &Fields) -> Fields {
    let mut labels = defaults.labels.clone().unwrap_or_default();
    labels.extend(f.labels.clone().unwrap_or_default());
    Fields {
        name: f.name.clone(),
        connection: f.connection.clone(),
        host: f.host.clone().or_else(|| defaults.host.clone()),
        port: f.port.or(defaults.port),
        database: f.database.clone(),
        user: f.user.clone().or_else(|| defaults.user.clone()),
        schemas: f.schemas.clone().or_else(|| defaults.schemas.clone()),
        sslmode: f.sslmode.clone().or_else(|| defaults.sslmode.clone()),
        password: f.password.clone().or_else(|| defaults.password.clone()),
        password_env: f.password_env.clone().or_else(|| defaults.password_env.clone()),
        labels: Some(labels),
    }
}

fn entry(f: Fields, origin: String) -> Result<FleetEntry> {
    let sslmode = match &f.sslmode {
        Some(m) => Some(
            m.parse::<SslMode>()
                .map_err(|e| Error::config(format!("{origin}: {}", e.message())))?,
        ),
        None => None,
    };
    if let Some(secret) = f.labels.iter().flat_map(|l| l.keys()).find(|k| looks_secret(k)) {
        return Err(refuse_secret_label(&origin, secret));
    }
    let mut conn = match (&f.connection, &f.database) {
        (Some(text), _) => {
            ConnectionString::parse(text).map_err(|e| Error::config(format!("{origin}: {}", e.message())))?
        }
        (None, Some(db)) => {
            let mut conn = ConnectionString::from_parts(
                f.host.as_deref().unwrap_or("localhost"),
                f.port.unwrap_or(5432),
                db,
                f.user.as_deref().unwrap_or(""),
                sslmode.unwrap_or(SslMode::Prefer),
            );
            conn.set_password(None);
            conn
        }
        (None, None) => {
            return Err(Error::config(format!(
                "{origin}: a source needs `connection` (a libpq connection string) or `database` (with `host`, `port`, `user`)"
            )))
        }
    };
    if f.connection.is_some() {
        if let Some(user) = &f.user {
            if conn.info().user.is_empty() {
                conn.set_user(user);
            }
        }
    }
    if let Some(p) = f.password {
        conn.set_password(Some(p));
    }
    if let Some(schemas) = &f.schemas {
        if schemas.is_empty() {
            return Err(Error::config(format!("{origin}: `schemas` names no schema")));
        }
    }
    let mut labels = f.labels.unwrap_or_default();
    if let Some(name) = f.name {
        labels.insert("name".into(), name);
    }
    Ok(FleetEntry {
        origin,
        conn,
        schemas: f.schemas,
        labels,
        password_env: f.password_env,
    })
}

/// A source's own fields give `connection` or `host`/`port`/`database`/`sslmode`, not both
/// (`[defaults]` apply only to what an entry leaves out, so they are not checked here).
fn one_way_to_connect(f: &Fields, origin: &str) -> Result<()> {
    if f.connection.is_none() {
        return Ok(());
    }
    let also: Vec<&str> = [
        ("host", f.host.is_some()),
        ("port", f.port.is_some()),
        ("database", f.database.is_some()),
        ("sslmode", f.sslmode.is_some()),
    ]
    .iter()
    .filter(|(_, given)| *given)
    .map(|(name, _)| *name)
    .collect();
    if also.is_empty() {
        return Ok(());
    }
    Err(Error::config(format!(
        "{origin}: give either `connection` or `host`/`port`/`database`/`sslmode`, not both (this source gives \
         `connection` and `{}`, which would be ignored): put everything in the connection string, or drop it",
        also.join("`, `")
    )))
}

/// No empty fleet, no database listed twice.
fn check(inventory: Inventory, shown: &str) -> Result<Inventory> {
    if inventory.entries.is_empty() {
        return Err(Error::config(format!(
            "{shown} lists no source: add [[source]] entries (TOML) or rows (CSV)"
        )));
    }
    if inventory.name.trim().is_empty() {
        return Err(Error::config(format!("{shown}: the fleet's `name` is empty")));
    }
    let mut seen: BTreeMap<String, &FleetEntry> = BTreeMap::new();
    for e in &inventory.entries {
        if let Some(first) = seen.insert(e.alias_key(), e) {
            let same = if first.key() == e.key() {
                String::new()
            } else {
                format!(", as {}", first.key())
            };
            return Err(Error::config(format!(
                "{} lists {} again (first at {}{same}): each database once",
                e.origin,
                e.key(),
                first.origin
            )));
        }
    }
    Ok(inventory)
}

/// Every database of a server that can be connected to (templates excluded), filtered by glob
/// patterns (`*`, `?`, `[...]`): included if it matches any `include` (or none is given) and no
/// `exclude`.
pub async fn discover(server: &str, include: &[String], exclude: &[String], env: &LibpqEnv) -> Result<Inventory> {
    let patterns = |list: &[String], flag: &str| -> Result<Vec<glob::Pattern>> {
        list.iter()
            .map(|p| {
                glob::Pattern::new(p)
                    .map_err(|e| Error::invalid_argument(format!("{flag} '{p}' is not a glob pattern: {}", e.msg)))
            })
            .collect()
    };
    let include = patterns(include, "\u{E000}include\u{E001}")?;
    let exclude = patterns(exclude, "\u{E000}exclude\u{E001}")?;
    let mut base = ConnectionString::parse(server).map_err(|e| e.context("\u{E000}all_databases\u{E001}"))?;
    with_source_db_password(&mut base, env);
    let conn = base.clone().resolve(env);
    let client = conn.connect(crate::init::CONNECT_TIMEOUT).await?;
    let rows = client
        .query(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate \
             AND pg_catalog.has_database_privilege(datname, 'CONNECT') ORDER BY datname",
            &[],
        )
        .await
        .map_err(|e| {
            Error::connection(format!(
                "{}: could not list the databases: {}",
                conn.redacted(),
                crate::connection::redact(&e.to_string())
            ))
        })?;
    let name = format!("{}:{}", conn.host(), conn.port());
    let mut entries = Vec::new();
    for row in rows {
        let db: String = row
            .try_get("datname")
            .map_err(|e| Error::connection(format!("{}: could not list the databases: {e}", conn.redacted())))?;
        let wanted =
            (include.is_empty() || include.iter().any(|p| p.matches(&db))) && !exclude.iter().any(|p| p.matches(&db));
        if !wanted {
            continue;
        }
        let mut entry_conn = base.clone();
        entry_conn.set_dbname(&db);
        entries.push(FleetEntry {
            origin: format!("{} database {db}", conn.redacted()),
            conn: entry_conn.resolve(env),
            schemas: None,
            labels: BTreeMap::from([("server".to_string(), name.clone())]),
            password_env: None,
        });
    }
    if entries.is_empty() {
        return Err(Error::not_found(format!(
            "{} has no database to assess (that this user may connect to and the patterns allow)",
            conn.redacted()
        )));
    }
    Ok(Inventory { name, entries })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn toml_with_defaults_and_labels() {
        let (_d, path) = write(
            "payments.toml",
            r#"
[defaults]
host = "pg1"
user = "amakala"
labels = { team = "payments" }
[[source]]
database = "orders"
labels = { criticality = "high" }
[[source]]
connection = "postgresql://bob@pg2:5433/ledger"
password-env = "LEDGER_PW"
"#,
        );
        let inv = load(&path, &LibpqEnv::empty()).unwrap();
        assert_eq!(inv.name, "payments");
        assert_eq!(inv.entries[0].key(), "pg1:5432/orders");
        assert_eq!(inv.entries[0].labels["team"], "payments");
        assert_eq!(inv.entries[0].labels["criticality"], "high");
        assert_eq!(inv.entries[1].key(), "pg2:5433/ledger");
        let err = inv.entries[1].connection(&LibpqEnv::empty()).unwrap_err();
        assert!(err.message().contains("LEDGER_PW"), "{err}");
        let conn = inv.entries[1]
            .connection(&LibpqEnv::empty().with_var("LEDGER_PW", "s3cret"))
            .unwrap();
        assert!(conn.has_password() && !format!("{:?}", inv.entries[1]).contains("s3cret"));
    }

    #[test]
    fn csv_with_label_columns_and_a_password_column() {
        let (_d, path) = write(
            "fleet.csv",
            "host,port,database,user,schemas,password,team,criticality\n\
             pg1,5432,orders,amakala,public|sales,Pw-in-csv,payments,high\n\
             pg1,5432,\"we\"\"ird db\",amakala,,,payments,low\n",
        );
        let inv = load(&path, &LibpqEnv::empty()).unwrap();
        assert_eq!(inv.entries.len(), 2);
        assert_eq!(
            inv.entries[0].schemas.as_deref(),
            Some(&["public".to_string(), "sales".to_string()][..])
        );
        assert_eq!(inv.entries[0].labels["criticality"], "high");
        assert!(!inv.entries[0].labels.contains_key("password"));
        assert!(inv.entries[0].conn.has_password());
        assert_eq!(inv.entries[1].conn.dbname(), "we\"ird db");
    }

    #[test]
    fn secret_looking_columns_and_labels_are_refused_without_their_values() {
        for column in [
            "db_password",
            "db-password",
            "PGPASSWORD",
            "pass",
            "secret",
            "api_token",
            "pwd",
        ] {
            let (_d, path) = write("f.csv", &format!("host,database,{column}\npg1,orders,Hunter2-value\n"));
            let err = load(&path, &LibpqEnv::empty()).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Config, "{column}: {err}");
            assert!(err.message().contains("looks like a password"), "{column}: {err}");
            assert!(!err.message().contains("Hunter2"), "{column}: {err}");
        }
        let (_d, path) = write(
            "f.toml",
            "[[source]]\ndatabase = \"a\"\nlabels = { db_password = \"Hunter2-value\" }\n",
        );
        let err = load(&path, &LibpqEnv::empty()).unwrap_err();
        assert!(err.message().contains("'db_password' looks like a password"), "{err}");
        // Ordinary labels stay labels.
        let (_d, path) = write("f.csv", "host,database,passport_office,team\npg1,orders,x,y\n");
        let inv = load(&path, &LibpqEnv::empty()).unwrap();
        assert_eq!(inv.entries[0].labels["team"], "y");
    }

    #[test]
    fn defaults_password_applies_and_source_db_password_fills_in() {
        let (_d, path) = write(
            "f.toml",
            "[defaults]\npassword = \"Dflt-pw\"\n[[source]]\ndatabase = \"a\"\n[[source]]\ndatabase = \"b\"\npassword = \"Own-pw\"\n",
        );
        let with_password = |conn: &ConnectionString, p: &str| {
            let mut c = conn.clone();
            c.set_password(Some(p.to_string()));
            c == *conn
        };
        let inv = load(&path, &LibpqEnv::empty()).unwrap();
        assert!(with_password(&inv.entries[0].conn, "Dflt-pw"));
        assert!(with_password(&inv.entries[1].conn, "Own-pw"));
        let (_d, path) = write("f.toml", "[defaults]\ndatabase = \"x\"\n[[source]]\ndatabase = \"a\"\n");
        let err = load(&path, &LibpqEnv::empty()).unwrap_err();
        assert!(err.message().contains("[defaults] cannot hold `database`"), "{err}");

        let (_d, path) = write(
            "f.toml",
            "[[source]]\ndatabase = \"a\"\n[[source]]\ndatabase = \"b\"\npassword-env = \"B_PW\"\n",
        );
        let inv = load(&path, &LibpqEnv::empty()).unwrap();
        let env = LibpqEnv::empty()
            .with_var("SOURCE_DB_PASSWORD", "From-env")
            .with_var("B_PW", "B-own");
        let a = inv.entries[0].connection(&env).unwrap();
        let b = inv.entries[1].connection(&env).unwrap();
        assert!(with_password(&a, "From-env") && !with_password(&a, "B-own"));
        assert!(with_password(&b, "B-own"));
    }

    #[test]
    fn duplicate_headers_connection_with_host_and_aliases_are_refused() {
        let (_d, path) = write("f.csv", "host,database,Host\npg1,orders,pg2\n");
        let err = load(&path, &LibpqEnv::empty()).unwrap_err();
        assert!(err.message().contains("'host' twice"), "{err}");

        let (_d, path) = write(
            "f.toml",
            "[[source]]\nconnection = \"postgresql://u@pg1/a\"\nhost = \"pg2\"\n",
        );
        let err = load(&path, &LibpqEnv::empty()).unwrap_err();
        assert!(
            err.message().contains("not both") && err.message().contains("`host`"),
            "{err}"
        );
        let (_d, path) = write("f.csv", "connection,port\npostgresql://u@pg1/a,5433\n");
        let err = load(&path, &LibpqEnv::empty()).unwrap_err();
        assert!(err.message().contains("`port`"), "{err}");
        // A host in [defaults] is for the sources that give none.
        let (_d, path) = write(
            "f.toml",
            "[defaults]\nhost = \"pg2\"\n[[source]]\nconnection = \"postgresql://u@pg1/a\"\n",
        );
        assert_eq!(load(&path, &LibpqEnv::empty()).unwrap().entries[0].key(), "pg1:5432/a");

        for (a, b) in [
            ("localhost", "127.0.0.1"),
            ("127.0.0.1", "[::1]"),
            ("PG1.example.com.", "pg1.example.com"),
        ] {
            let (_d, path) = write(
                "f.toml",
                &format!(
                    "[[source]]\nhost = \"{a}\"\ndatabase = \"d\"\n[[source]]\nhost = \"{b}\"\ndatabase = \"d\"\n"
                ),
            );
            let err = load(&path, &LibpqEnv::empty()).unwrap_err();
            assert!(err.message().contains("again"), "{a} {b}: {err}");
        }
    }

    #[test]
    fn bad_files_say_where_and_what() {
        let cases = [
            ("a.csv", "host,port,database\npg1,abc,db\n", "line 2: port 'abc'"),
            ("b.csv", "host,port,database\n", "lists no source"),
            ("c.toml", "[[source]]\nhost = \"x\"\n", "needs `connection`"),
            ("d.toml", "[[source]]\ndatabase = \"a\"\ncolour = 1\n", "unknown field"),
            (
                "e.toml",
                "[[source]]\ndatabase = \"a\"\n[[source]]\ndatabase = \"a\"\n",
                "again",
            ),
            (
                "f.toml",
                "[[source]]\nconnection = \"postgresql://[oops\"\n",
                "source #1",
            ),
        ];
        for (name, text, says) in cases {
            let (_d, path) = write(name, text);
            let err = load(&path, &LibpqEnv::empty()).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Config, "{name}: {err}");
            assert!(err.message().contains(says), "{name}: expected '{says}' in {err}");
        }
        let err = load(Path::new("/nonexistent/fleet.toml"), &LibpqEnv::empty()).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Io);
    }
}
