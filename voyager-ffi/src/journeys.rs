//! The journeys, with every answer given up front as JSON.

use std::ffi::c_char;

use crate::boundary::json_call;
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
/// # Safety
/// `answers_json` must be NULL or a NUL-terminated string; `outcome_json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_init(
    answers_json: *const c_char,
    outcome_json_out: *mut *mut c_char,
) -> voyager_status {
    unsafe {
        json_call(
            answers_json,
            "answers_json",
            outcome_json_out,
            voyager_core::blocking::init,
        )
    }
}
