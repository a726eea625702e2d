//! Connection strings: parse and redact.

use std::ffi::c_char;

use voyager_core::connection::{redact, ConnectionString};

use crate::boundary::{arg_str, guard, out_param, to_json, write_string};
use crate::error::voyager_error;
use crate::status::voyager_status;

/// Parse a libpq connection string (URI or key=value; nothing is looked up in the environment).
///
/// On success `*json_out` is a JSON object {host, hosts, port, dbname, user, sslmode,
/// sslrootcert, has_password, redacted}, never the password, to free with
/// `voyager_string_free`.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `conn` must be NULL or a NUL-terminated string; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_connection_parse(
    conn: *const c_char,
    json_out: *mut *mut c_char,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        out_param(json_out, "json_out")?;
        let info = ConnectionString::parse(unsafe { arg_str(conn, "conn") }?)?.info();
        unsafe { write_string(json_out, to_json(&info)?) }
    })
}

/// Remove passwords from any text that may hold connection strings, even ones that do not
/// parse. On success `*redacted_out` is to free with `voyager_string_free`.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `text` must be NULL or a NUL-terminated string; `redacted_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_connection_redact(
    text: *const c_char,
    redacted_out: *mut *mut c_char,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        out_param(redacted_out, "redacted_out")?;
        let text = unsafe { arg_str(text, "text") }?;
        unsafe { write_string(redacted_out, redact(text)) }
    })
}
