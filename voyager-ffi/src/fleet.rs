//! Fleets: assess every database of one, list and rank them.

use std::ffi::{c_char, c_void};

use crate::boundary::{arg_str, guard_cancel, json_call, out_param, to_json, write_string};
use crate::cancel::voyager_cancel_token;
use crate::error::voyager_error;
use crate::progress::{forward, voyager_progress_fn};
use crate::status::voyager_status;

/// Assess every database of a fleet, concurrently, storing each assessment in the control
/// plane (several processes may share one fleet).
///
/// `request_json` is an object with `work_dir` and either `fleet_file` (TOML or CSV) or
/// `all_databases` (a server connection string, with optional `include` and `exclude` glob
/// arrays); optional `fleet_name`, `assessment_control_plane`, `parallel`, `per_host`,
/// `reassess`, `lease_seconds`, `timeout_seconds`, `source_db_schema`, `target_db_version`,
/// `worker`, `prune` (true: remove from the fleet the databases no longer in its inventory).
/// `progress` (may be NULL) is called with JSON {total, done, failed, running, pending,
/// eta_seconds, event, waiting} after each database, and with `waiting` (what it waits for)
/// when other workers hold the rest. A database that fails does not fail the
/// call: see `failed` and `failures` in `*outcome_json_out` (free with `voyager_string_free`).
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `request_json` must be NULL or a NUL-terminated string; `outcome_json_out` NULL or valid;
/// `progress`, when not NULL, must be safe to call from any thread with `user_data`.
#[no_mangle]
pub unsafe extern "C" fn voyager_assess_fleet(
    request_json: *const c_char,
    progress: voyager_progress_fn,
    user_data: *mut c_void,
    outcome_json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    let progress = forward(progress, user_data);
    // The fleet stops itself on the token (giving its claims back) rather than being dropped.
    let token = unsafe { cancel.as_ref() }.map(|t| t.inner.clone()).unwrap_or_default();
    unsafe {
        json_call(
            request_json,
            "request_json",
            outcome_json_out,
            std::ptr::null(),
            err_out,
            |request| {
                let outcome = voyager_core::blocking::assess_fleet(request, progress, token)?;
                if outcome.interrupted {
                    return Err(voyager_core::cancel::cancelled_error());
                }
                Ok(outcome)
            },
        )
    }
}

/// A fleet's databases with their latest assessment, as a JSON array.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane` and `fleet` must be NULL or NUL-terminated; `json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_fleet_list(
    control_plane: *const c_char,
    fleet: *const c_char,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let fleet = unsafe { arg_str(fleet, "fleet") }?;
        let rows = voyager_core::blocking::fleet_list(cp, fleet, Default::default())?;
        unsafe { write_string(json_out, to_json(&rows)?) }
    })
}

/// A fleet ranked: a JSON array of {rank, wave, score, migration_uuid, database, host, port,
/// status, complexity, level1, level2, level3, total_size_bytes, effort_hours, labels, group,
/// group_size, why, error}, first to migrate first. `fleet` may be NULL for the only fleet of
/// the control plane. `weights_file` (may be NULL for the defaults) is a TOML file of weights.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `control_plane`, `fleet` and `weights_file` must be NULL or NUL-terminated; `json_out` NULL
/// or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_fleet_rank(
    control_plane: *const c_char,
    fleet: *const c_char,
    weights_file: *const c_char,
    json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard_cancel(err_out, cancel, || {
        out_param(json_out, "json_out")?;
        let cp = unsafe { arg_str(control_plane, "control_plane") }?;
        let given = if fleet.is_null() {
            None
        } else {
            Some(unsafe { arg_str(fleet, "fleet") }?)
        };
        let fleet = &voyager_core::blocking::fleet_name(cp, given)?;
        let weights = if weights_file.is_null() {
            Default::default()
        } else {
            let path = unsafe { arg_str(weights_file, "weights_file") }?;
            voyager_core::fleet::rank::Weights::load(std::path::Path::new(path))?
        };
        let ranked = voyager_core::blocking::fleet_rank(cp, fleet, &weights)?;
        unsafe { write_string(json_out, to_json(&ranked)?) }
    })
}
