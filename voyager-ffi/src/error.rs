//! The error object a failed call hands back through its `err_out` parameter: everything the
//! core knows about the failure, owned by the caller, so no thread-local is needed (Go's
//! goroutines move between threads).

use std::ffi::{c_char, CString};

use voyager_core::error::Front;
use voyager_core::Error;

use crate::status::voyager_status;

/// A failure (opaque): its kind, reason, message, SQLSTATE, whether a retry may succeed, and
/// its subject. Made by a failed call; free it with `voyager_error_free`.
pub struct voyager_error {
    kind: voyager_status,
    reason: CString,
    message: CString,
    sqlstate: Option<CString>,
    retryable: bool,
    host: Option<CString>,
    port: u16,
    database: Option<CString>,
    json: CString,
}

fn c(text: &str) -> CString {
    CString::new(text.replace('\0', " ")).unwrap_or_default()
}

impl voyager_error {
    pub(crate) fn new(err: &Error) -> Self {
        let subject = err.subject();
        let json = serde_json::to_string(&err.report(Front::C)).unwrap_or_default();
        voyager_error {
            kind: err.kind().into(),
            reason: c(err.reason().as_str()),
            message: c(&err.render(Front::C)),
            sqlstate: err.sqlstate().map(c),
            retryable: err.retryable(),
            host: subject.host.as_deref().map(c),
            port: subject.port.unwrap_or(0),
            database: subject.database.as_deref().map(c),
            json: c(&json),
        }
    }
}

fn text(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// The error's kind, as the failed call returned it. `VOYAGER_INVALID_ARGUMENT` for NULL.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error. Thread-safe for concurrent reads.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_kind(err: *const voyager_error) -> voyager_status {
    unsafe { err.as_ref() }.map_or(voyager_status::VOYAGER_INVALID_ARGUMENT, |e| e.kind)
}

/// Why it failed, in snake_case: `password_missing`, `authentication_failed`,
/// `connection_refused`, `timeout`, `tls`, `database_missing`, `privilege`, `host_unknown`,
/// `too_many_connections`, `lock_timeout`, `serialization_failure`, `connection_lost`,
/// `cancelled` or `other`. Owned by `err` (valid until `voyager_error_free`); NULL for NULL.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_reason(err: *const voyager_error) -> *const c_char {
    unsafe { err.as_ref() }.map_or(std::ptr::null(), |e| e.reason.as_ptr())
}

/// What went wrong and what to do, naming parameters by their JSON keys. Never holds a
/// password. Owned by `err`; NULL for NULL.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_message(err: *const voyager_error) -> *const c_char {
    unsafe { err.as_ref() }.map_or(std::ptr::null(), |e| e.message.as_ptr())
}

/// The server's SQLSTATE (`28P01`, `55P03`, ...), or NULL when no server said what failed.
/// Owned by `err`.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_sqlstate(err: *const voyager_error) -> *const c_char {
    unsafe { err.as_ref() }.map_or(std::ptr::null(), |e| text(&e.sqlstate))
}

/// Whether the same call may succeed when tried again later, unchanged (refused, timed out,
/// lost connection, lock timeout, serialization failure). False for NULL.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_retryable(err: *const voyager_error) -> bool {
    unsafe { err.as_ref() }.is_some_and(|e| e.retryable)
}

/// The host the failure concerns, or NULL when none is known. Owned by `err`.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_subject_host(err: *const voyager_error) -> *const c_char {
    unsafe { err.as_ref() }.map_or(std::ptr::null(), |e| text(&e.host))
}

/// The port the failure concerns, or 0 when none is known.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_subject_port(err: *const voyager_error) -> u16 {
    unsafe { err.as_ref() }.map_or(0, |e| e.port)
}

/// The database the failure concerns, or NULL when none is known. Owned by `err`.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_subject_database(err: *const voyager_error) -> *const c_char {
    unsafe { err.as_ref() }.map_or(std::ptr::null(), |e| text(&e.database))
}

/// The whole error as JSON {kind, reason, message, sqlstate, retryable, subject: {host, port,
/// database}} (absent fields left out). Owned by `err`; NULL for NULL.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_json(err: *const voyager_error) -> *const c_char {
    unsafe { err.as_ref() }.map_or(std::ptr::null(), |e| e.json.as_ptr())
}

/// Free an error. NULL does nothing. Strings read from it are invalid afterwards.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `err` must be NULL or a live error, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn voyager_error_free(err: *mut voyager_error) {
    if !err.is_null() {
        drop(unsafe { Box::from_raw(err) });
    }
}
