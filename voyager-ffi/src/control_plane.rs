//! The control plane: status, list, show, push.

use std::ffi::c_char;

use crate::boundary::{arg_str, from_json, guard, json_call, out_param, to_json, write_string};
use crate::status::voyager_status;

/// The control plane's status as JSON {control_plane, server_version, schema_version,
/// client_schema_version, writable, migrations, assessments}. Free `*json_out` with
/// `voyager_string_free`.
///
/// # Safety
/// `control_plane` must be NULL or a NUL-terminated connection string; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_status(
    control_plane: *const c_char,
    json_out: *mut *mut c_char,
) -> voyager_status {
    guard(|| {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let status = voyager_core::blocking::control_plane_status(cp)?;
        unsafe { write_string(json_out, to_json(&status)?) }
    })
}

/// Every migration with its latest assessment, as a JSON array. `filter_json` (may be NULL for
/// none) is an object with any of complexity, status, host, database, sort (name, complexity,
/// size, effort, issues, assessed_at), descending, limit, offset.
///
/// # Safety
/// `control_plane` and `filter_json` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_list(
    control_plane: *const c_char,
    filter_json: *const c_char,
    json_out: *mut *mut c_char,
) -> voyager_status {
    guard(|| {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let filter = if filter_json.is_null() {
            Default::default()
        } else {
            from_json(unsafe { arg_str(filter_json, "filter_json") }?, "filter_json")?
        };
        let rows = voyager_core::blocking::control_plane_list(cp, &filter)?;
        unsafe { write_string(json_out, to_json(&rows)?) }
    })
}

/// A migration's latest assessment and run history as JSON {latest: {migration_uuid, source,
/// report, summary, origin}, history: [...]}; `VOYAGER_NOT_FOUND` for an unknown UUID.
///
/// # Safety
/// `control_plane` and `migration_uuid` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_show(
    control_plane: *const c_char,
    migration_uuid: *const c_char,
    json_out: *mut *mut c_char,
) -> voyager_status {
    guard(|| {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let uuid = unsafe { arg_str(migration_uuid, "migration_uuid") }?;
        let details = voyager_core::blocking::control_plane_show(cp, uuid)?;
        unsafe { write_string(json_out, to_json(&details)?) }
    })
}

/// Store the report already in an export dir in the control plane. `request_json` is as for
/// `voyager_assess` (config_file, or source with export_dir, and assessment_control_plane).
///
/// # Safety
/// `request_json` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_push(
    request_json: *const c_char,
    json_out: *mut *mut c_char,
) -> voyager_status {
    unsafe {
        json_call(
            request_json,
            "request_json",
            json_out,
            voyager_core::blocking::control_plane_push,
        )
    }
}
