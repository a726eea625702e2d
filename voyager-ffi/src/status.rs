//! The status every call returns, the thread's last error, and the library's strings.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use voyager_core::error::Front;
use voyager_core::{Error, ErrorKind};

use crate::error::voyager_error;

/// What a call did. The numbers are fixed and never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum voyager_status {
    /// The call succeeded; its out-parameters are written.
    VOYAGER_OK = 0,
    /// An argument was NULL, not UTF-8, or malformed (a connection string, JSON, a key).
    VOYAGER_INVALID_ARGUMENT = 1,
    /// A config file is unreadable, malformed or holds a wrong value.
    VOYAGER_CONFIG = 2,
    /// A database could not be reached or refused the connection.
    VOYAGER_CONNECTION = 3,
    /// What was asked for does not exist.
    VOYAGER_NOT_FOUND = 4,
    /// The control-plane database failed.
    VOYAGER_CONTROL_PLANE = 5,
    /// A file or directory could not be read or written.
    VOYAGER_IO = 6,
    /// Something exists already and would be overwritten.
    VOYAGER_ALREADY_EXISTS = 7,
    /// A journey needs an answer that was not given; the message names its JSON key's flag.
    VOYAGER_MISSING_ANSWER = 8,
    /// The work was interrupted.
    VOYAGER_CANCELLED = 9,
    /// A bug in libvoyager (a caught panic included).
    VOYAGER_INTERNAL = 10,
}

impl From<ErrorKind> for voyager_status {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidArgument => voyager_status::VOYAGER_INVALID_ARGUMENT,
            ErrorKind::Config => voyager_status::VOYAGER_CONFIG,
            ErrorKind::Connection => voyager_status::VOYAGER_CONNECTION,
            ErrorKind::NotFound => voyager_status::VOYAGER_NOT_FOUND,
            ErrorKind::ControlPlane => voyager_status::VOYAGER_CONTROL_PLANE,
            ErrorKind::Io => voyager_status::VOYAGER_IO,
            ErrorKind::AlreadyExists => voyager_status::VOYAGER_ALREADY_EXISTS,
            ErrorKind::MissingAnswer => voyager_status::VOYAGER_MISSING_ANSWER,
            ErrorKind::Cancelled => voyager_status::VOYAGER_CANCELLED,
            ErrorKind::Internal => voyager_status::VOYAGER_INTERNAL,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Record `err` as this thread's last error, hand it to the caller through `err_out` (when not
/// NULL), and return its status.
pub(crate) fn fail(err: Error, err_out: *mut *mut voyager_error) -> voyager_status {
    let text = CString::new(err.render(Front::C).replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = Some(text));
    if !err_out.is_null() {
        // SAFETY: the caller passes NULL or a writable `voyager_error **`.
        unsafe { *err_out = Box::into_raw(Box::new(voyager_error::new(&err))) };
    }
    err.kind().into()
}

pub(crate) fn clear_error() {
    LAST_ERROR.with(|slot| *slot.borrow_mut() = None);
}

/// The message of the last failed call on this thread, or NULL when the last call succeeded
/// (every call that returns a status clears it first: no stale message).
///
/// For simple single-threaded C. Where a caller may move between threads between the call and
/// this read (Go's goroutines, green threads), use the call's `err_out` instead. The text
/// belongs to the library and stays valid until the next libvoyager call on this thread; copy it
/// to keep it. It never holds a password. Thread-safe (each thread has its own).
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
#[no_mangle]
pub extern "C" fn voyager_last_error_message() -> *const c_char {
    LAST_ERROR.with(|slot| slot.borrow().as_ref().map_or(std::ptr::null(), |s| s.as_ptr()))
}

/// Free a string returned by libvoyager. NULL does nothing.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `s` must be NULL or a string this library returned, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn voyager_string_free(s: *mut c_char) {
    if !s.is_null() {
        drop(unsafe { CString::from_raw(s) });
    }
}

/// libvoyager's version, e.g. "0.1.0". The string is static: do not free it.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
#[no_mangle]
pub extern "C" fn voyager_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}
