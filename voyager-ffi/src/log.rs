//! The library's log events, to a C callback.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use voyager_core::log::LogLevel;

/// How severe a log event is.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum voyager_log_level {
    VOYAGER_LOG_ERROR = 1,
    VOYAGER_LOG_WARN = 2,
    VOYAGER_LOG_INFO = 3,
    VOYAGER_LOG_DEBUG = 4,
    VOYAGER_LOG_TRACE = 5,
}

/// Called with each log event: its level, its message (redacted: never a password; valid only
/// during the call) and the `user_data` given with it. It may be called from any thread,
/// concurrently, and must not call back into libvoyager.
pub type voyager_log_fn =
    Option<unsafe extern "C" fn(level: voyager_log_level, message: *const c_char, user_data: *mut c_void)>;

#[derive(Clone, Copy)]
struct UserData(*mut c_void);
// SAFETY: the caller promises the callback may use user_data from any thread (voyager.h).
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// Send the library's log events up to `max_level` (for example a `.pgpass` ignored for its
/// permissions, at `VOYAGER_LOG_WARN`) to `callback`; NULL stops them. Replaces any earlier
/// callback. Events go nowhere until this is called. When the process already has a `tracing`
/// subscriber of its own (a Rust program linking libvoyager), the events go there instead and
/// this returns false; true otherwise. Thread-safe.
///
/// # Safety
/// `callback`, when not NULL, must be safe to call from any thread with `user_data` until it is
/// replaced.
#[no_mangle]
pub unsafe extern "C" fn voyager_set_log_callback(
    callback: voyager_log_fn,
    max_level: voyager_log_level,
    user_data: *mut c_void,
) -> bool {
    let max = match max_level {
        voyager_log_level::VOYAGER_LOG_ERROR => LogLevel::Error,
        voyager_log_level::VOYAGER_LOG_WARN => LogLevel::Warn,
        voyager_log_level::VOYAGER_LOG_INFO => LogLevel::Info,
        voyager_log_level::VOYAGER_LOG_DEBUG => LogLevel::Debug,
        voyager_log_level::VOYAGER_LOG_TRACE => LogLevel::Trace,
    };
    let sink = callback.map(|callback| {
        let data = UserData(user_data);
        Arc::new(move |level: LogLevel, message: &str| {
            let data = data;
            let level = match level {
                LogLevel::Error => voyager_log_level::VOYAGER_LOG_ERROR,
                LogLevel::Warn => voyager_log_level::VOYAGER_LOG_WARN,
                LogLevel::Info => voyager_log_level::VOYAGER_LOG_INFO,
                LogLevel::Debug => voyager_log_level::VOYAGER_LOG_DEBUG,
                LogLevel::Trace => voyager_log_level::VOYAGER_LOG_TRACE,
            };
            let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
            // SAFETY: the caller promised a callback safe to call with these arguments.
            unsafe { callback(level, text.as_ptr(), data.0) };
        }) as voyager_core::log::LogSink
    });
    voyager_core::log::set_sink(sink, max)
}
