//! The keys a config file may hold, in yb-voyager's names, and what each allows. Keys not listed
//! here are the user's own (or yb-voyager's) and are kept as they are.

use serde_json::Value;

/// What a known key allows.
#[derive(Debug, Clone, Copy)]
pub(super) enum Allowed {
    Text,
    /// A host name, IP address or Unix socket directory (see `connection::check_host`).
    Host,
    Port,
    Whole,
    OneOf(&'static [&'static str]),
}

impl Allowed {
    pub(super) fn describe(self) -> String {
        match self {
            Allowed::Text => "a string".into(),
            Allowed::Host => "a host name, an IP address or a Unix socket directory (letters, digits, '-', '.', '_'; \
                              no ']', '/', '?', '@', '#' or spaces)"
                .into(),
            Allowed::Port => "an integer port from 1 to 65535".into(),
            Allowed::Whole => "a whole number (0 or more)".into(),
            Allowed::OneOf(values) => format!("one of {}", values.join(", ")),
        }
    }

    /// The value in its canonical form, or None if it is not allowed.
    pub(super) fn check(self, value: &Value) -> Option<Value> {
        match (self, value) {
            (Allowed::Text, Value::String(_)) => Some(value.clone()),
            (Allowed::Host, Value::String(s)) => crate::connection::check_host(s).ok().map(|()| value.clone()),
            (Allowed::Port, Value::Number(n)) => n.as_u64().filter(|p| (1..=65535).contains(p)).map(Value::from),
            (Allowed::Port, Value::String(s)) => s.trim().parse::<u16>().ok().filter(|p| *p > 0).map(Value::from),
            (Allowed::Whole, Value::Number(n)) => n.as_u64().map(Value::from),
            (Allowed::Whole, Value::String(s)) => s.trim().parse::<u64>().ok().map(Value::from),
            (Allowed::OneOf(values), Value::String(s)) => values.contains(&s.as_str()).then(|| value.clone()),
            _ => None,
        }
    }
}

pub(super) const SECTIONS: &[&str] = &[
    "source",
    "target",
    "source-replica",
    "assess-migration",
    "start-migration",
    "yugabyted-control-plane",
];

const SSL_MODES: &[&str] = &["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
const DB_TYPES: &[&str] = &["postgresql", "yugabytedb", "oracle", "mysql"];
const CONTROL_PLANE_TYPES: &[&str] = &["yugabyted", "ybaeon"];
const LOG_LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error"];
pub const FLOWS: &[&str] = crate::vocabulary::Flow::NAMES;

/// What `key` (dotted) allows, if it is one of ours.
pub(super) fn allowed(key: &str) -> Option<Allowed> {
    let (section, name) = match key.split_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, key),
    };
    Some(match (section, name) {
        (None, "export-dir") => Allowed::Text,
        (None, "log-level") => Allowed::OneOf(LOG_LEVELS),
        (None, "control-plane-type") => Allowed::OneOf(CONTROL_PLANE_TYPES),
        (Some("yugabyted-control-plane"), "db-conn-string") => Allowed::Text,
        (Some("source" | "target" | "source-replica"), name) => match name {
            "db-type" => Allowed::OneOf(DB_TYPES),
            "db-port" => Allowed::Port,
            "ssl-mode" => Allowed::OneOf(SSL_MODES),
            "db-host" => Allowed::Host,
            "db-name" | "db-schema" | "db-user" | "ssl-cert" | "ssl-key" | "ssl-root-cert" | "ssl-crl" => Allowed::Text,
            _ => return None,
        },
        (Some("assess-migration"), "assessment-control-plane" | "target-db-version" | "assessment-metadata-dir") => {
            Allowed::Text
        }
        (Some("assess-migration"), "iops-capture-interval") => Allowed::Whole,
        (Some("start-migration"), "data-migration-flow") => Allowed::OneOf(FLOWS),
        _ => return None,
    })
}

/// Whether `key` would hold a database password, which libvoyager never keeps in a file.
/// Any case or separator: `db-password`, `DB_PASSWORD`, `sslpassword`, `pass`, `secret`.
pub(super) fn is_password(key: &str) -> bool {
    key.rsplit('.').next().is_some_and(|k| {
        let k: String = k
            .trim()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        k.contains("password")
            || k.contains("passwd")
            || k.contains("secret")
            || k.split('-').any(|word| word == "pass" || word == "pwd")
    })
}

pub(super) const PASSWORD_HINT: &str = "libvoyager never keeps a database password in a config file: remove it and \
give the password with \u{E000}source_password\u{E001} / \u{E000}target_password\u{E001}, SOURCE_DB_PASSWORD / \
TARGET_DB_PASSWORD, PGPASSWORD or ~/.pgpass";
