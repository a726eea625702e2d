//! The control plane: status, list, show, push, diff, forget.

use std::ffi::c_char;

use crate::boundary::{arg_str, from_json, guard_cancel, json_call, out_param, to_json, write_string};
use crate::cancel::voyager_cancel_token;
use crate::error::voyager_error;
use crate::status::voyager_status;

/// The control plane's status as JSON {control_plane, server_version, schema_version,
/// client_schema_version, writable, migrations, assessments}. Free `*json_out` with
/// `voyager_string_free`.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane` must be NULL or a NUL-terminated connection string; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_status(
    control_plane: *const c_char,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let status = voyager_core::blocking::control_plane_status(cp)?;
        unsafe { write_string(json_out, to_json(&status)?) }
    })
}

/// Every source database with its latest assessment, one row each (its `migrations` with their
/// runs underneath; yb-voyager-only ones with origin `yb_voyager`), as a JSON array.
/// `filter_json` (may be NULL for none) is an object with any of complexity, status, host,
/// database, sort (name, complexity, size, effort, issues, assessed_at), descending, limit,
/// offset, per_migration (one row per migration UUID instead).
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane` and `filter_json` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_list(
    control_plane: *const c_char,
    filter_json: *const c_char,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
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
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane` and `migration_uuid` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_show(
    control_plane: *const c_char,
    migration_uuid: *const c_char,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
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
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `request_json` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_push(
    request_json: *const c_char,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    unsafe {
        json_call(
            request_json,
            "request_json",
            json_out,
            cancel,
            err_out,
            voyager_core::blocking::control_plane_push,
        )
    }
}

/// What changed between two completed assessment runs of a migration, as JSON {migration_uuid,
/// database, from_run, to_run, from_assessed_at, to_assessed_at, complexity, level1, level2,
/// level3, total_size_bytes, effort_hours (each {from, to}), added, removed (issues, each
/// {issue_type, object_type, object_name, impact, category})}. `from_run` and `to_run` of 0
/// take the defaults: the latest completed run, and the completed run before it.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane` and `migration_uuid` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_diff(
    control_plane: *const c_char,
    migration_uuid: *const c_char,
    from_run: i32,
    to_run: i32,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let uuid = unsafe { arg_str(migration_uuid, "migration_uuid") }?;
        let run = |r: i32| (r != 0).then_some(r);
        let diff = voyager_core::blocking::control_plane_diff(cp, uuid, run(from_run), run(to_run))?;
        unsafe { write_string(json_out, to_json(&diff)?) }
    })
}

/// Remove libvoyager's rows of a migration (its source, assessments and fleet queue items);
/// yugabyted's rows stay unless `include_yugabyted`. The caller confirms first: this cannot be
/// undone. JSON {migration_uuid, database, assessments_removed, sources_removed,
/// queue_items_removed, yugabyted_rows_removed, yugabyted_rows_kept}; `VOYAGER_NOT_FOUND` when
/// there is nothing to remove.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane` and `migration_uuid` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_control_plane_forget(
    control_plane: *const c_char,
    migration_uuid: *const c_char,
    include_yugabyted: bool,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let uuid = unsafe { arg_str(migration_uuid, "migration_uuid") }?;
        let outcome = voyager_core::blocking::control_plane_forget(cp, uuid, include_yugabyted)?;
        unsafe { write_string(json_out, to_json(&outcome)?) }
    })
}
