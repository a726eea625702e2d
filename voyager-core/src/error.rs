//! The one error type of the library. Its [`ErrorKind`] is what the C status codes and the
//! Python exception classes are derived from, so every front reports the same failure the same way.
//!
//! Messages are written for the person who has to act on them: what was wrong and what to do.
//! They never hold a password: every connection string is redacted before it reaches one.

use serde::Serialize;

/// What kind of failure this is. The numbers are the C ABI's `voyager_status` values and are
/// never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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

/// A failure with a message that says what went wrong and what to do about it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    /// The server's SQLSTATE, when a database said what failed.
    sqlstate: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            sqlstate: None,
        }
    }
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The server's SQLSTATE (for example `55P03`), when a database said what failed.
    pub fn sqlstate(&self) -> Option<&str> {
        self.sqlstate.as_deref()
    }
    /// The same error with more said after its message: `"{message}; {more}"`.
    pub fn with_note(self, more: impl std::fmt::Display) -> Self {
        Error {
            kind: self.kind,
            message: format!("{}; {more}", self.message),
            sqlstate: self.sqlstate,
        }
    }
    /// The same error with some context in front: `"{context}: {message}"`.
    pub fn context(self, context: impl std::fmt::Display) -> Self {
        Error {
            kind: self.kind,
            message: format!("{context}: {}", self.message),
            sqlstate: self.sqlstate,
        }
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
            return Self::new(kind, redact(&format!("{what}: {err}{source}")));
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
            message: redact(&message),
            sqlstate: Some(db.code().code().to_string()),
        }
    }

    /// An I/O failure on `path`, saying what we were doing.
    pub fn io(action: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        Self::new(ErrorKind::Io, format!("could not {action} {}: {err}", path.display()))
    }
}

/// The JSON shape of an error, as the C ABI and `--json` print it.
#[derive(Debug, Serialize)]
pub struct ErrorReport<'a> {
    pub kind: ErrorKind,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqlstate: Option<&'a str>,
}

impl Error {
    pub fn report(&self) -> ErrorReport<'_> {
        ErrorReport {
            kind: self.kind,
            message: &self.message,
            sqlstate: self.sqlstate.as_deref(),
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
