//! Which database to migrate first, across everything the control plane holds.

use std::ffi::c_char;

use crate::boundary::{arg_str, from_json, guard_cancel, out_param, to_json, write_string};
use crate::cancel::voyager_cancel_token;
use crate::error::voyager_error;
use crate::status::voyager_status;

/// Every source database the control plane knows, once each (assessed by hand, by a fleet run,
/// or only by yb-voyager), ranked: a JSON array of the fleet ranking's rows {rank, wave, score,
/// migration_uuid, database, host, port, status, complexity, level1, level2, level3,
/// total_size_bytes, effort_hours, labels, group, group_size, why, error} with identity, origin
/// (libvoyager or yb_voyager), fleets, and migrations (each {migration_uuid, origin, fleet,
/// runs}). `request_json` (may be NULL for everything, default weights) is an object with any of
/// fleet, labels (array of "key=value"), host, complexity, status, weights_file.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane` and `request_json` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_rank(
    control_plane: *const c_char,
    request_json: *const c_char,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let request = if request_json.is_null() {
            Default::default()
        } else {
            from_json(unsafe { arg_str(request_json, "request_json") }?, "request_json")?
        };
        let ranked = voyager_core::blocking::rank(cp, &request)?;
        unsafe { write_string(json_out, to_json(&ranked)?) }
    })
}
