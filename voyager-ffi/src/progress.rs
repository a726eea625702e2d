//! Progress reports to a C callback.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

/// Called with a progress report as JSON (`{"step", "done", "total"}`), and the `user_data`
/// given with it. The string is valid only during the call. It may be called from another
/// thread than the caller's.
pub type voyager_progress_fn = Option<unsafe extern "C" fn(progress_json: *const c_char, user_data: *mut c_void)>;

/// The user data pointer, carried across threads as the caller promised it may be.
#[derive(Clone, Copy)]
struct UserData(*mut c_void);
// SAFETY: the C caller hands us user_data for use by the callback on libvoyager's threads, as
// voyager.h documents.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// A core progress function that forwards to `callback` (None when there is none).
pub(crate) fn forward<T: serde::Serialize + 'static>(
    callback: voyager_progress_fn,
    user_data: *mut c_void,
) -> Option<voyager_core::OnProgress<T>> {
    let callback = callback?;
    let data = UserData(user_data);
    Some(Arc::new(move |progress: &T| {
        let data = data;
        if let Ok(Ok(text)) = serde_json::to_string(progress).map(CString::new) {
            // SAFETY: the caller promised a callback safe to call with these arguments.
            unsafe { callback(text.as_ptr(), data.0) };
        }
    }))
}
