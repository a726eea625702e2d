//! The migration's config file, in yb-voyager's key names so a yb-voyager user recognises every
//! key and can hand the file to yb-voyager: top-level `export-dir` and `log-level`; sections
//! `source`, `target`, `assess-migration` (with `assessment-control-plane`) and
//! `start-migration` (with `data-migration-flow`).
//!
//! The control plane is written twice, as yb-voyager's own `init` writes it: as
//! `assess-migration.assessment-control-plane` (what the fleet journey reads) and as
//! `control-plane-type = "yugabyted"` with `yugabyted-control-plane.db-conn-string` (what every
//! yb-voyager command reads to report its phases to yugabyted's UI), so the phases after
//! start-migration show under the same migration in the same UI.
//!
//! TOML is the native format and keeps the user's comments, key order and formatting on every
//! update (toml_edit). YAML (`.yaml`, `.yml`) is read and written with the same keys and keeps
//! key order; YAML comments are not kept. Unknown keys are kept as they are. A database
//! password is never written: `set` refuses one and `load` refuses a file that holds one.

mod document;
mod keys;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use keys::FLOWS;

use crate::{fs_atomic, Error, Result};
use document::Document;

pub const DEFAULT_CONFIG_FILE_NAME: &str = "config.toml";

/// Where the fleet journey keeps the control plane.
pub const CONTROL_PLANE_KEY: &str = "assess-migration.assessment-control-plane";
/// Where yb-voyager's commands read yugabyted's control plane.
const YUGABYTED_CONTROL_PLANE_KEY: &str = "yugabyted-control-plane.db-conn-string";

/// The file format, chosen by the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigFormat {
    Toml,
    Yaml,
}

impl ConfigFormat {
    pub fn from_path(path: &Path) -> Result<Self> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("toml") => Ok(ConfigFormat::Toml),
            Some("yaml" | "yml") => Ok(ConfigFormat::Yaml),
            _ => Err(Error::config(format!(
                "{}: a config file must end in .toml, .yaml or .yml",
                path.display()
            ))),
        }
    }
}

/// A config file, loaded or new.
#[derive(Debug, Clone)]
pub struct Config {
    path: PathBuf,
    doc: Document,
}

/// The `source` or `target` section as typed data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DbSection {
    pub db_type: Option<String>,
    pub db_host: Option<String>,
    pub db_port: Option<u16>,
    pub db_name: Option<String>,
    pub db_schema: Option<String>,
    pub db_user: Option<String>,
    pub ssl_mode: Option<String>,
    pub ssl_root_cert: Option<String>,
    pub ssl_cert: Option<String>,
    pub ssl_key: Option<String>,
}

impl Config {
    /// An empty config for a new file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let format = ConfigFormat::from_path(&path)?;
        Ok(Config {
            doc: Document::new(format),
            path,
        })
    }

    /// Read and check a config file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let format = ConfigFormat::from_path(path)?;
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::not_found(format!(
                    "config file {} does not exist: run `voyager init` to create one, or check the path",
                    path.display()
                )))
            }
            Err(e) => return Err(Error::io("read the config file", path, &e)),
        };
        Config::parse(&text, format, path)
    }

    /// Parse config text; `path` is where it came from (for messages) and where it is saved.
    pub fn parse(text: &str, format: ConfigFormat, path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let doc = Document::parse(text, format).map_err(|e| Error::config(format!("{}: {e}", path.display())))?;
        let config = Config { path, doc };
        config.check_all()?;
        Ok(config)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn format(&self) -> ConfigFormat {
        self.doc.format()
    }

    /// The value at a dotted key (`export-dir`, `source.db-port`).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.doc.get(&split(key))
    }

    /// The value at a dotted key as text (numbers and booleans rendered).
    pub fn get_str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// Set a dotted key, checked like `load` checks it; the section is created when missing.
    pub fn set(&mut self, key: &str, value: Value) -> Result<()> {
        let parts = split(key);
        if parts.iter().any(|p| p.is_empty()) || parts.len() > 2 {
            return Err(Error::invalid_argument(format!(
                "'{key}' is not a config key: use a top-level key (export-dir) or section.key (source.db-host)"
            )));
        }
        let value = self.check(key, &value)?;
        if parts.len() == 2 && keys::SECTIONS.contains(&parts[0].as_str()) {
            if let Some(existing) = self.doc.get(&parts[..1]) {
                if !existing.is_object() {
                    return Err(Error::config(format!(
                        "{}: '{}' must be a section, but it is {}",
                        self.path.display(),
                        parts[0],
                        kind_of(&existing)
                    )));
                }
            }
        }
        self.doc
            .set(&parts, &value)
            .map_err(|e| Error::config(format!("{}: {e}", self.path.display())))
    }

    /// Record the control plane, in both of the key sets yb-voyager reads (see the module
    /// docs): the assessment's and the one every yb-voyager command reports its phases to.
    pub fn set_control_plane(&mut self, control_plane: &str) -> Result<()> {
        self.set(CONTROL_PLANE_KEY, control_plane.into())?;
        self.set("control-plane-type", "yugabyted".into())?;
        self.set(YUGABYTED_CONTROL_PLANE_KEY, control_plane.into())
    }

    /// The control plane this config names: `assess-migration.assessment-control-plane`, else
    /// yugabyted's control plane when `control-plane-type` is `yugabyted` (a file yb-voyager
    /// wrote).
    pub fn control_plane(&self) -> Option<String> {
        self.get_str(CONTROL_PLANE_KEY)
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                (self.get_str("control-plane-type").as_deref() == Some("yugabyted"))
                    .then(|| self.get_str(YUGABYTED_CONTROL_PLANE_KEY))
                    .flatten()
                    .filter(|s| !s.trim().is_empty())
            })
    }

    /// Remove a dotted key; whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        self.doc.remove(&split(key))
    }

    /// Every dotted key present, in file order.
    pub fn keys(&self) -> Vec<String> {
        self.doc.keys()
    }

    /// The file's text.
    pub fn render(&self) -> String {
        self.doc.render()
    }

    /// Write the file atomically (after checking it again: no password is ever written).
    pub fn save(&self) -> Result<()> {
        self.check_all()?;
        fs_atomic::write(&self.path, self.render().as_bytes())
    }

    /// Write to another path (the format follows the new extension: TOML and YAML convert).
    pub fn save_as(&mut self, path: impl Into<PathBuf>) -> Result<()> {
        let path = path.into();
        let format = ConfigFormat::from_path(&path)?;
        if format != self.doc.format() {
            self.doc = self.doc.convert(format);
        }
        self.path = path;
        self.save()
    }

    pub fn db_section(&self, section: &str) -> DbSection {
        let get = |k: &str| self.get_str(&format!("{section}.{k}"));
        DbSection {
            db_type: get("db-type"),
            db_host: get("db-host"),
            db_port: get("db-port").and_then(|p| p.parse().ok()),
            db_name: get("db-name"),
            db_schema: get("db-schema"),
            db_user: get("db-user"),
            ssl_mode: get("ssl-mode"),
            ssl_root_cert: get("ssl-root-cert"),
            ssl_cert: get("ssl-cert"),
            ssl_key: get("ssl-key"),
        }
    }

    /// Write the fields of `db` that are set into `section`, keeping its other keys.
    pub fn set_db_section(&mut self, section: &str, db: &DbSection) -> Result<()> {
        let fields: [(&str, Option<Value>); 10] = [
            ("db-type", db.db_type.clone().map(Value::from)),
            ("db-host", db.db_host.clone().map(Value::from)),
            ("db-port", db.db_port.map(Value::from)),
            ("db-name", db.db_name.clone().map(Value::from)),
            ("db-schema", db.db_schema.clone().map(Value::from)),
            ("db-user", db.db_user.clone().map(Value::from)),
            ("ssl-mode", db.ssl_mode.clone().map(Value::from)),
            ("ssl-root-cert", db.ssl_root_cert.clone().map(Value::from)),
            ("ssl-cert", db.ssl_cert.clone().map(Value::from)),
            ("ssl-key", db.ssl_key.clone().map(Value::from)),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                self.set(&format!("{section}.{key}"), value)?;
            }
        }
        Ok(())
    }

    /// Check one key's value; returns it in canonical form.
    fn check(&self, key: &str, value: &Value) -> Result<Value> {
        if keys::is_password(key) {
            return Err(Error::config(format!(
                "{}: refusing to set {key}: {}",
                self.path.display(),
                keys::PASSWORD_HINT
            )));
        }
        // A section or a list given whole: every key inside is checked as if set one by one.
        match value {
            Value::Object(map) => {
                return map
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.check(&format!("{key}.{k}"), v)?)))
                    .collect::<Result<serde_json::Map<_, _>>>()
                    .map(Value::Object)
            }
            Value::Array(items) if keys::allowed(key).is_none() => {
                return items
                    .iter()
                    .map(|v| self.check(key, v))
                    .collect::<Result<Vec<_>>>()
                    .map(Value::Array)
            }
            _ => {}
        }
        match keys::allowed(key) {
            None => Ok(value.clone()),
            Some(allowed) => allowed.check(value).ok_or_else(|| {
                Error::config(format!(
                    "{}: {key} must be {}, found {}",
                    self.path.display(),
                    allowed.describe(),
                    shown(value)
                ))
            }),
        }
    }

    /// Check every key of a loaded file.
    fn check_all(&self) -> Result<()> {
        for section in keys::SECTIONS {
            if let Some(v) = self.doc.get(&[section.to_string()]) {
                if !v.is_object() {
                    return Err(Error::config(format!(
                        "{}: '{section}' must be a section, but it is {}",
                        self.path.display(),
                        kind_of(&v)
                    )));
                }
            }
        }
        for key in self.keys() {
            if keys::is_password(&key) {
                return Err(Error::config(format!(
                    "{} holds {key}: {}",
                    self.path.display(),
                    keys::PASSWORD_HINT
                )));
            }
            if let Some(value) = self.get(&key) {
                self.check(&key, &value)?;
            }
        }
        Ok(())
    }
}

fn split(key: &str) -> Vec<String> {
    key.split('.').map(str::to_string).collect()
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a section",
    }
}

fn shown(value: &Value) -> String {
    let text = value.to_string();
    let short: String = text.chars().take(60).collect();
    format!("{} {short}", kind_of(value))
}

#[cfg(test)]
mod tests;

/// The schemas of a `source.db-schema` value or `--source-db-schema` flag: separated by `,` or
/// `|` (yb-voyager's separator), blanks dropped.
pub fn split_schemas(text: &str) -> Vec<String> {
    text.split([',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
