//! Cancel tokens: cancel a long call from another thread, like `PQcancel` or `duckdb_interrupt`.

use voyager_core::cancel::CancelToken;

/// A cancel token (opaque). Pass it to long calls; `voyager_cancel_token_cancel` from any thread
/// makes every call using it return `VOYAGER_CANCELLED` (reason `cancelled`) promptly, its
/// connections closed. A cancelled token stays cancelled: make a new one for the next call.
pub struct voyager_cancel_token {
    pub(crate) inner: CancelToken,
}

/// A new, uncancelled token. Free it with `voyager_cancel_token_free` once no call uses it.
/// Never NULL.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
#[no_mangle]
pub extern "C" fn voyager_cancel_token_new() -> *mut voyager_cancel_token {
    Box::into_raw(Box::new(voyager_cancel_token {
        inner: CancelToken::new(),
    }))
}

/// Cancel every call using `token`, now and later. Thread-safe, async-signal-unsafe (do not call
/// it from a signal handler: set a flag there and cancel from a thread). NULL does nothing.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `token` must be NULL or a live token.
#[no_mangle]
pub unsafe extern "C" fn voyager_cancel_token_cancel(token: *const voyager_cancel_token) {
    if let Some(token) = unsafe { token.as_ref() } {
        token.inner.cancel();
    }
}

/// Whether `token` was cancelled. False for NULL.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `token` must be NULL or a live token.
#[no_mangle]
pub unsafe extern "C" fn voyager_cancel_token_is_cancelled(token: *const voyager_cancel_token) -> bool {
    unsafe { token.as_ref() }.is_some_and(|t| t.inner.is_cancelled())
}

/// Free a token. NULL does nothing. No call may still be using it.
///
/// Threads: does not block; thread-safe; re-entrant; fork-safe.
///
/// # Safety
/// `token` must be NULL or a live token, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn voyager_cancel_token_free(token: *mut voyager_cancel_token) {
    if !token.is_null() {
        drop(unsafe { Box::from_raw(token) });
    }
}
