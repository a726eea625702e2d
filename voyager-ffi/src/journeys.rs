//! The journeys, with every answer given up front as JSON.

use std::ffi::{c_char, c_void};

use crate::boundary::json_call;
use crate::cancel::voyager_cancel_token;
use crate::error::voyager_error;
use crate::progress::{forward, voyager_progress_fn};
use crate::status::voyager_status;

/// Run init: check the source, choose the control plane, create the migration dir.
///
/// `answers_json` is an object with any of the keys `source`, `source_password`,
/// `control_plane` ("shared" or "local"), `assessment_control_plane`, `migration_dir`, `force`,
/// `yes`; an unknown key is refused. A question without an answer gives
/// `VOYAGER_MISSING_ANSWER` (its message names the flag). On success `*outcome_json_out` is a
/// JSON object (migration_uuid, migration_dir, config_file, export_dir, source, control_plane,
/// assessment_control_plane, messages, next_step) to free with `voyager_string_free`.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `answers_json` must be NULL or a NUL-terminated string; `outcome_json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_init(
    answers_json: *const c_char,
    outcome_json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    unsafe {
        json_call(
            answers_json,
            "answers_json",
            outcome_json_out,
            cancel,
            err_out,
            voyager_core::blocking::init,
        )
    }
}

/// Assess one PostgreSQL database and write its report into the export dir.
///
/// `request_json` is an object with either `config_file` (a migration dir from init), or
/// `source` and `export_dir`; optional `source_password`, `source_db_schema` (comma-separated),
/// `target_db_version` (X.Y.Z.W), `lock_timeout_seconds` (how long a catalog query waits for
/// a lock; default 10, 0 for none), `statement_timeout_seconds` (default 300, 0 for none). A
/// lock held too long gives `VOYAGER_CONNECTION` naming the relation and its holder.
/// `progress` (may be NULL) is called with each step as JSON.
/// On success `*result_json_out` is {"outcome": {...}, "report": {...}} (the report in
/// yb-voyager's field names), to free with `voyager_string_free`.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `request_json` must be NULL or a NUL-terminated string; `result_json_out` NULL or valid;
/// `progress`, when not NULL, must be safe to call from any thread with `user_data`.
#[no_mangle]
pub unsafe extern "C" fn voyager_assess(
    request_json: *const c_char,
    progress: voyager_progress_fn,
    user_data: *mut c_void,
    result_json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    let progress = forward(progress, user_data);
    unsafe {
        json_call(
            request_json,
            "request_json",
            result_json_out,
            cancel,
            err_out,
            |request| voyager_core::blocking::assess(request, progress),
        )
    }
}

/// Start the migration of an assessed database: either from the migration dir that ran the
/// assessment (`config_file`), or rebuilt from the control plane (`migration_dir`,
/// `assessment_control_plane`, `migration_uuid`); then check the source and the target and
/// record the data migration flow.
///
/// `answers_json` is an object with any of the keys `config_file`, `migration_dir`,
/// `assessment_control_plane`, `migration_uuid`, `source`, `source_password`, `target`,
/// `target_password`, `flow` (offline, live, live-fall-back, live-fall-forward), `yes`; an
/// unknown key is refused. Passwords are used to check the connections and never kept. A
/// question without an answer gives `VOYAGER_MISSING_ANSWER` (its message names the flag). On
/// success `*outcome_json_out` is a JSON object (migration_uuid, migration_dir, config_file,
/// report_json, report_html, way_in, source, target, flow, summary, messages, next_steps) to free
/// with `voyager_string_free`.
///
/// Threads: blocks the caller until done or cancelled; thread-safe; re-entrant except from a
/// libvoyager callback; needs a process not forked after the library's first long call.
///
/// # Safety
/// `answers_json` must be NULL or a NUL-terminated string; `outcome_json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_start_migration(
    answers_json: *const c_char,
    outcome_json_out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    unsafe {
        json_call(
            answers_json,
            "answers_json",
            outcome_json_out,
            cancel,
            err_out,
            voyager_core::blocking::start_migration,
        )
    }
}
