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
//! `|` or `;`.

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

    /// The connection to use: the entry's, the password from its variable, then libpq's ways.
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
        Ok(conn.resolve(env))
    }
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
        let entries = file
            .source
            .iter()
            .enumerate()
            .map(|(i, fields)| entry(merge(&file.defaults, fields), format!("{shown} source #{}", i + 1)))
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
        password: f.password.clone(),
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
    let mut conn = match (&f.connection, &f.database) {
        (Some(text), _) => {
            if f.host.is_some() && f.connection.is_some() && f.database.is_some() {
                return Err(Error::config(format!(
                    "{origin}: give either `connection` or `host`/`database`, not both"
                )));
            }
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
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for e in &inventory.entries {
        if let Some(first) = seen.insert(e.key(), &e.origin) {
            return Err(Error::config(format!(
                "{} lists {} again (first at {first}): each database once",
                e.origin,
                e.key()
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
    let include = patterns(include, "--include")?;
    let exclude = patterns(exclude, "--exclude")?;
    let base = ConnectionString::parse(server).map_err(|e| e.context("--all-databases"))?;
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
        let db: String = row.get(0);
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
