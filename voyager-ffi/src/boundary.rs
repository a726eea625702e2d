//! The boundary every call goes through: panics become `VOYAGER_INTERNAL`, NULL and non-UTF-8
//! arguments become `VOYAGER_INVALID_ARGUMENT`, results become out-parameters written only on
//! success. Function bodies use these helpers instead of touching raw pointers.

use std::ffi::{c_char, CStr, CString};

use voyager_core::{Error, Result};

use crate::cancel::voyager_cancel_token;
use crate::error::voyager_error;
use crate::status::{clear_error, fail, voyager_status};

/// Run `body` behind the panic boundary and turn its result into a status; a failure also goes
/// to `err_out` (when not NULL), which a success sets to NULL.
pub(crate) fn guard(err_out: *mut *mut voyager_error, body: impl FnOnce() -> Result<()>) -> voyager_status {
    clear_error();
    if !err_out.is_null() {
        // SAFETY: the caller passes NULL or a writable `voyager_error **`.
        unsafe { *err_out = std::ptr::null_mut() };
    }
    match voyager_core::error::catch_panic(body) {
        Ok(()) => voyager_status::VOYAGER_OK,
        Err(err) => fail(err, err_out),
    }
}

/// [`guard`] for a long call: cancelling `cancel` (may be NULL) ends it with `VOYAGER_CANCELLED`.
///
/// # Safety
/// `cancel` must be NULL or a live token.
pub(crate) unsafe fn guard_cancel(
    err_out: *mut *mut voyager_error,
    cancel: *const voyager_cancel_token,
    body: impl FnOnce() -> Result<()>,
) -> voyager_status {
    let token = unsafe { cancel.as_ref() }.map(|t| &t.inner);
    guard(err_out, || voyager_core::cancel::with_cancel(token, body))
}

/// A borrowed UTF-8 argument.
///
/// # Safety
/// `ptr` must be NULL or a NUL-terminated string valid for the call.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(format!("argument '{name}' is NULL")));
    }
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| Error::invalid_argument(format!("argument '{name}' is not valid UTF-8")))
}

/// A borrowed handle argument.
///
/// # Safety
/// `ptr` must be NULL or a live handle of type `T` made by this library.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T> {
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::invalid_argument(format!("argument '{name}' is NULL")))
}

/// A borrowed mutable handle argument.
///
/// # Safety
/// `ptr` must be NULL or a live handle of type `T` made by this library, not used elsewhere
/// during the call.
pub(crate) unsafe fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T> {
    unsafe { ptr.as_mut() }.ok_or_else(|| Error::invalid_argument(format!("argument '{name}' is NULL")))
}

/// Check an out-parameter before any work, so a NULL one fails fast and nothing is lost.
pub(crate) fn out_param<T>(ptr: *mut T, name: &str) -> Result<()> {
    if ptr.is_null() {
        Err(Error::invalid_argument(format!("out-parameter '{name}' is NULL")))
    } else {
        Ok(())
    }
}

/// Write a string result to an out-parameter (checked with [`out_param`]).
///
/// # Safety
/// `out` must be a valid, writable `char **`.
pub(crate) unsafe fn write_string(out: *mut *mut c_char, text: String) -> Result<()> {
    let c = CString::new(text).map_err(|_| Error::internal("a result held a NUL byte"))?;
    unsafe { *out = c.into_raw() };
    Ok(())
}

/// Parse a JSON argument into `T`.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str, name: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::invalid_argument(format!("argument '{name}' is not valid JSON for it: {e}")))
}

/// Serialise a result to JSON text.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("could not serialise a result: {e}")))
}

/// The common shape "JSON in, one core call, JSON out".
///
/// # Safety
/// `input` must be NULL or a NUL-terminated string; `out` NULL or a valid `char **`; `cancel`
/// NULL or a live token; `err_out` NULL or a valid `voyager_error **`.
pub(crate) unsafe fn json_call<I, O>(
    input: *const c_char,
    input_name: &str,
    out: *mut *mut c_char,
    cancel: *const voyager_cancel_token,
    err_out: *mut *mut voyager_error,
    call: impl FnOnce(I) -> Result<O>,
) -> voyager_status
where
    I: serde::de::DeserializeOwned,
    O: serde::Serialize,
{
    guard_cancel(err_out, cancel, || {
        out_param(out, "out")?;
        let text = unsafe { arg_str(input, input_name) }?;
        let value = from_json(text, input_name)?;
        let result = to_json(&call(value)?)?;
        unsafe { write_string(out, result) }
    })
}
