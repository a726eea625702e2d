//! The one error type of the library. Its [`ErrorKind`] is what the C status codes and the
//! Python exception classes are derived from, so every front reports the same failure the same way.
//!
//! Messages are written for the person who has to act on them: what was wrong and what to do.
//! They never hold a password: every connection string is redacted before it reaches one.

use serde::Serialize;

/// What kind of failure this is. The numbers are the C ABI's `voyager_status` values and are
/// never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[repr(i32)]
pub enum ErrorKind {
    /// A caller passed something malformed: a bad connection string, flag, UUID, JSON.
    InvalidArgument = 1,
    /// A config file is unreadable, malformed, or holds a wrong type or value.
    Config = 2,
    /// A source or target database could not be reached or refused us.
    Connection = 3,
    /// A migration, assessment, file or key that was asked for does not exist.
    NotFound = 4,
    /// The control-plane database failed or holds something this client cannot use.
    ControlPlane = 5,
    /// A file or directory could not be read or written.
    Io = 6,
    /// Something exists already and would be overwritten (for example a migration dir).
    AlreadyExists = 7,
    /// A journey needs an answer that was not given (the error names the question and its flag).
    MissingAnswer = 8,
    /// The work was interrupted (Ctrl-C, KeyboardInterrupt, a cancelled call).
    Cancelled = 9,
    /// A bug in libvoyager (a panic caught at a boundary, a broken invariant).
    Internal = 10,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Config => "config",
            ErrorKind::Connection => "connection",
            ErrorKind::NotFound => "not_found",
            ErrorKind::ControlPlane => "control_plane",
            ErrorKind::Io => "io",
            ErrorKind::AlreadyExists => "already_exists",
            ErrorKind::MissingAnswer => "missing_answer",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Internal => "internal",
        }
    }
}

/// Why a failure happened, finer than its [`ErrorKind`]: what a program branches on (ask for a
/// password, retry later, give up). Classified from structured data only (a server's SQLSTATE,
/// an [`std::io::ErrorKind`], what the call itself knows), never from message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Nothing finer is known than the kind.
    #[default]
    Other,
    /// The server asks for a password and none was given.
    PasswordMissing,
    /// The server refused the password or the login (28P01, 28000).
    AuthenticationFailed,
    /// Nothing listens on that host and port.
    ConnectionRefused,
    /// A host or a statement did not answer in time.
    Timeout,
    /// TLS failed: the server lacks it, or its certificate did not check out.
    Tls,
    /// The database does not exist on the server (3D000).
    DatabaseMissing,
    /// The user lacks a privilege (42501).
    Privilege,
    /// The host name does not resolve.
    HostUnknown,
    /// The server has no free connection slot (53300).
    TooManyConnections,
    /// A lock was held for longer than the lock timeout (55P03).
    LockTimeout,
    /// Two transactions collided; run it again (40001, 40P01).
    SerializationFailure,
    /// The connection broke during the work.
    ConnectionLost,
    /// The call was cancelled (a cancel token, Ctrl-C, a statement cancelled by the server).
    Cancelled,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Other => "other",
            Reason::PasswordMissing => "password_missing",
            Reason::AuthenticationFailed => "authentication_failed",
            Reason::ConnectionRefused => "connection_refused",
            Reason::Timeout => "timeout",
            Reason::Tls => "tls",
            Reason::DatabaseMissing => "database_missing",
            Reason::Privilege => "privilege",
            Reason::HostUnknown => "host_unknown",
            Reason::TooManyConnections => "too_many_connections",
            Reason::LockTimeout => "lock_timeout",
            Reason::SerializationFailure => "serialization_failure",
            Reason::ConnectionLost => "connection_lost",
            Reason::Cancelled => "cancelled",
        }
    }

    /// The reason a server's SQLSTATE gives, where it gives one.
    pub fn of_sqlstate(code: &str) -> Reason {
        match code {
            "28P01" | "28000" => Reason::AuthenticationFailed,
            "3D000" => Reason::DatabaseMissing,
            "42501" => Reason::Privilege,
            "53300" => Reason::TooManyConnections,
            "55P03" => Reason::LockTimeout,
            "40001" | "40P01" => Reason::SerializationFailure,
            "57014" => Reason::Cancelled,
            c if c.starts_with("08") || c == "57P01" || c == "57P02" || c == "57P03" => Reason::ConnectionLost,
            _ => Reason::Other,
        }
    }

    /// The reason an I/O failure gives, where it gives one.
    pub fn of_io(kind: std::io::ErrorKind) -> Reason {
        use std::io::ErrorKind as K;
        match kind {
            K::ConnectionRefused => Reason::ConnectionRefused,
            K::TimedOut | K::WouldBlock => Reason::Timeout,
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof | K::NotConnected => {
                Reason::ConnectionLost
            }
            K::PermissionDenied => Reason::Privilege,
            _ => Reason::Other,
        }
    }

    /// Whether the same call may succeed when tried again later, unchanged.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Reason::ConnectionRefused
                | Reason::Timeout
                | Reason::TooManyConnections
                | Reason::LockTimeout
                | Reason::SerializationFailure
                | Reason::ConnectionLost
        )
    }
}

/// What a failure was about: the database and server it concerns, where one is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Subject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

impl Subject {
    pub fn is_empty(&self) -> bool {
        self.host.is_none() && self.port.is_none() && self.database.is_none()
    }
}

/// A parameter of a call (`source_password`, `migration_dir`) named in a message, spelled as
/// each front spells it: see [`Error::render`]. The id is the key of the call's JSON request
/// (and the Python keyword); the CLI's flag is derived from it.
pub fn param(id: &str) -> String {
    format!("{PARAM_OPEN}{id}{PARAM_CLOSE}")
}

const PARAM_OPEN: char = '\u{E000}';
const PARAM_CLOSE: char = '\u{E001}';

/// How a front spells a parameter named in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    /// As its id, `source_password` (Rust callers, logs).
    Neutral,
    /// The CLI flag: `--source-db-password`.
    Cli,
    /// The Python keyword: `source_password=`.
    Python,
    /// The key of the C call's JSON request: `"source_password"`.
    C,
}

impl Front {
    /// How this front spells the parameter `id`.
    pub fn spell(self, id: &str) -> String {
        match self {
            Front::Neutral => id.to_string(),
            Front::Python => format!("{id}="),
            Front::C => format!("\"{id}\""),
            Front::Cli => {
                let flag = match id {
                    "source" => "source-db-connection-string",
                    "target" => "target-db-connection-string",
                    "source_password" => "source-db-password",
                    "target_password" => "target-db-password",
                    "labels" => "label",
                    "from_run" => "from",
                    "to_run" => "to",
                    other => return format!("--{}", other.replace('_', "-")),
                };
                format!("--{flag}")
            }
        }
    }
}

/// `text` with every [`param`] spelled for `front`.
pub fn render(text: &str, front: Front) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(PARAM_OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + PARAM_OPEN.len_utf8()..];
        match after.find(PARAM_CLOSE) {
            Some(close) => {
                out.push_str(&front.spell(&after[..close]));
                rest = &after[close + PARAM_CLOSE.len_utf8()..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A failure with a message that says what went wrong and what to do about it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render(&self.message, Front::Neutral))]
pub struct Error {
    kind: ErrorKind,
    reason: Reason,
    message: String,
    /// The server's SQLSTATE, when a database said what failed.
    sqlstate: Option<String>,
    subject: Subject,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            reason: if kind == ErrorKind::Cancelled {
                Reason::Cancelled
            } else {
                Reason::Other
            },
            message: message.into(),
            sqlstate: None,
            subject: Subject::default(),
        }
    }
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn reason(&self) -> Reason {
        self.reason
    }
    /// Whether the same call may succeed when tried again later, unchanged.
    pub fn retryable(&self) -> bool {
        self.reason.retryable()
    }
    pub fn subject(&self) -> &Subject {
        &self.subject
    }
    /// The message with parameters spelled neutrally (by their ids); see [`Error::render`].
    pub fn message(&self) -> String {
        render(&self.message, Front::Neutral)
    }
    /// The message with parameters spelled as `front` spells them.
    pub fn render(&self, front: Front) -> String {
        render(&self.message, front)
    }
    /// The server's SQLSTATE (for example `55P03`), when a database said what failed.
    pub fn sqlstate(&self) -> Option<&str> {
        self.sqlstate.as_deref()
    }
    /// Record the server's SQLSTATE.
    pub fn set_sqlstate(&mut self, code: &str) {
        self.sqlstate = Some(code.to_string());
    }
    /// The same failure as another kind (reason, SQLSTATE and subject kept): a connection error
    /// of the control plane is a control-plane error.
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }
    /// The same error with its reason set.
    pub fn with_reason(mut self, reason: Reason) -> Self {
        self.reason = reason;
        self
    }
    /// The same error about `subject` (fields already known are kept).
    pub fn with_subject(mut self, subject: Subject) -> Self {
        let s = &mut self.subject;
        s.host = s.host.take().or(subject.host);
        s.port = s.port.or(subject.port);
        s.database = s.database.take().or(subject.database);
        self
    }
    /// The same error with more said after its message: `"{message}; {more}"`.
    pub fn with_note(mut self, more: impl std::fmt::Display) -> Self {
        self.message = format!("{}; {more}", self.message);
        self
    }
    /// The same error with some context in front: `"{context}: {message}"`.
    pub fn context(mut self, context: impl std::fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
    /// The same error with another message (kind, reason, SQLSTATE and subject kept).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }
    pub fn connection(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Connection, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn control_plane(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ControlPlane, message)
    }
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AlreadyExists, message)
    }
    pub fn cancelled(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Cancelled, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    /// A failure of a statement on a database: `{what}: {server message} (SQLSTATE {code})`,
    /// with the server's detail and hint when it gave them, and the SQLSTATE kept apart. The
    /// text goes through [`redact`](crate::connection::redact): no password ever lands in it.
    pub fn database(kind: ErrorKind, what: &str, err: &tokio_postgres::Error) -> Self {
        let redact = crate::connection::redact;
        let Some(db) = err.as_db_error() else {
            let source = std::error::Error::source(err)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            return Self::new(kind, redact(&format!("{what}: {err}{source}"))).with_reason(reason_of(err));
        };
        let mut message = format!("{what}: {} (SQLSTATE {})", db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            message.push_str(&format!("; detail: {detail}"));
        }
        if let Some(hint) = db.hint() {
            message.push_str(&format!("; hint: {hint}"));
        }
        Error {
            kind,
            reason: Reason::of_sqlstate(db.code().code()),
            message: redact(&message),
            sqlstate: Some(db.code().code().to_string()),
            subject: Subject::default(),
        }
    }

    /// An I/O failure on `path`, saying what we were doing.
    pub fn io(action: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        Self::new(ErrorKind::Io, format!("could not {action} {}: {err}", path.display()))
            .with_reason(Reason::of_io(err.kind()))
    }
}

/// The reason of a tokio-postgres failure, from its structure: the server's SQLSTATE, a closed
/// connection, or the [`std::io::ErrorKind`] found in its chain of sources.
pub fn reason_of(err: &tokio_postgres::Error) -> Reason {
    if let Some(code) = err.code() {
        return Reason::of_sqlstate(code.code());
    }
    if err.is_closed() {
        return Reason::ConnectionLost;
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return Reason::Tls;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return Reason::Tls;
            }
            return Reason::of_io(io.kind());
        }
        source = cause.source();
    }
    Reason::Other
}

/// The JSON shape of an error, as the C ABI and `--json` print it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ErrorReport<'a> {
    pub kind: ErrorKind,
    pub reason: Reason,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqlstate: Option<&'a str>,
    pub retryable: bool,
    #[serde(skip_serializing_if = "Subject::is_empty")]
    pub subject: &'a Subject,
}

impl Error {
    /// The error as JSON's shape, its message spelled for `front`.
    pub fn report(&self, front: Front) -> ErrorReport<'_> {
        ErrorReport {
            kind: self.kind,
            reason: self.reason,
            message: self.render(front),
            sqlstate: self.sqlstate.as_deref(),
            retryable: self.retryable(),
            subject: &self.subject,
        }
    }
}

impl Error {
    /// A panic (a bug) as an `Internal` error; its message is redacted like every other.
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Self::internal(format!(
            "libvoyager panicked (a bug; please report it): {}",
            crate::connection::redact(&what)
        ))
    }
}

/// Run `body`; a panic inside becomes an `Internal` error instead of unwinding into a binding.
pub fn catch_panic<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|panic| Err(Error::from_panic(&*panic)))
}

/// [`catch_panic`] for a future.
pub async fn catch_panic_async<T>(future: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(Error::from_panic(&*panic)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_come_from_sqlstates_and_io_kinds() {
        assert_eq!(Reason::of_sqlstate("28P01"), Reason::AuthenticationFailed);
        assert_eq!(Reason::of_sqlstate("3D000"), Reason::DatabaseMissing);
        assert_eq!(Reason::of_sqlstate("42501"), Reason::Privilege);
        assert_eq!(Reason::of_sqlstate("55P03"), Reason::LockTimeout);
        assert_eq!(Reason::of_sqlstate("40001"), Reason::SerializationFailure);
        assert_eq!(Reason::of_sqlstate("08006"), Reason::ConnectionLost);
        assert_eq!(Reason::of_sqlstate("22012"), Reason::Other);
        assert_eq!(
            Reason::of_io(std::io::ErrorKind::ConnectionRefused),
            Reason::ConnectionRefused
        );
        assert_eq!(Reason::of_io(std::io::ErrorKind::TimedOut), Reason::Timeout);
        assert!(Reason::LockTimeout.retryable() && Reason::ConnectionRefused.retryable());
        assert!(!Reason::AuthenticationFailed.retryable() && !Reason::PasswordMissing.retryable());
        assert_eq!(Error::cancelled("x").reason(), Reason::Cancelled);
        assert_eq!(
            serde_json::to_string(&Reason::PasswordMissing).unwrap(),
            "\"password_missing\""
        );
    }

    #[test]
    fn each_front_spells_parameters_its_own_way() {
        let err = Error::invalid_argument(format!("{} needs {}", param("source"), param("export_dir")))
            .context("assess")
            .with_note(format!("or give {}", param("config_file")));
        assert_eq!(err.message(), "assess: source needs export_dir; or give config_file");
        assert_eq!(
            err.render(Front::Cli),
            "assess: --source-db-connection-string needs --export-dir; or give --config-file"
        );
        assert_eq!(
            err.render(Front::Python),
            "assess: source= needs export_dir=; or give config_file="
        );
        assert_eq!(
            err.render(Front::C),
            "assess: \"source\" needs \"export_dir\"; or give \"config_file\""
        );
        assert_eq!(err.to_string(), err.message());
        let report = serde_json::to_value(err.report(Front::Cli)).unwrap();
        assert_eq!(report["message"], err.render(Front::Cli));
        assert_eq!(report["reason"], "other");
        assert_eq!(report["retryable"], false);
    }
}

#[cfg(test)]
mod panic_tests {
    #[test]
    fn a_panic_becomes_an_internal_error_without_a_password() {
        let err = super::catch_panic::<()>(|| panic!("boom at postgresql://u:Sekr1t@h/db")).unwrap_err();
        assert_eq!(err.kind(), super::ErrorKind::Internal);
        assert!(
            err.message().contains("boom") && !err.message().contains("Sekr1t"),
            "{err}"
        );
        let err = crate::runtime::block_on(super::catch_panic_async::<()>(async { panic!("late") }))
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind(), super::ErrorKind::Internal);
    }
}
