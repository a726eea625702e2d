//! The config file as an opaque handle.

use std::ffi::c_char;

use voyager_core::config::Config;
use voyager_core::Error;

use crate::boundary::{arg_mut, arg_ref, arg_str, from_json, guard, out_param, to_json, write_string};
use crate::error::voyager_error;
use crate::status::voyager_status;

/// A config file in memory (opaque). Free with `voyager_config_free`.
pub struct voyager_config {
    inner: Config,
}

fn new_handle(out: *mut *mut voyager_config, config: Config) {
    // SAFETY: callers checked `out` with out_param.
    unsafe { *out = Box::into_raw(Box::new(voyager_config { inner: config })) };
}

/// A new, empty config for the file at `path` (.toml, .yaml or .yml); nothing is written until
/// `voyager_config_save`.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `path` must be NULL or a NUL-terminated string; `config_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_new(
    path: *const c_char,
    config_out: *mut *mut voyager_config,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        out_param(config_out, "config_out")?;
        let config = Config::new(unsafe { arg_str(path, "path") }?)?;
        new_handle(config_out, config);
        Ok(())
    })
}

/// Load and check the config file at `path`.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `path` must be NULL or a NUL-terminated string; `config_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_load(
    path: *const c_char,
    config_out: *mut *mut voyager_config,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        out_param(config_out, "config_out")?;
        let config = Config::load(unsafe { arg_str(path, "path") }?)?;
        new_handle(config_out, config);
        Ok(())
    })
}

/// The value of a dotted key (`source.db-host`) as JSON text; `VOYAGER_NOT_FOUND` when absent.
/// Free `*value_json_out` with `voyager_string_free`.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `config` must be NULL or a live handle; `key` NULL or a NUL-terminated string;
/// `value_json_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_get(
    config: *const voyager_config,
    key: *const c_char,
    value_json_out: *mut *mut c_char,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        out_param(value_json_out, "value_json_out")?;
        let config = unsafe { arg_ref(config, "config") }?;
        let key = unsafe { arg_str(key, "key") }?;
        let value = config
            .inner
            .get(key)
            .ok_or_else(|| Error::not_found(format!("the config has no key '{key}'")))?;
        unsafe { write_string(value_json_out, to_json(&value)?) }
    })
}

/// Set a dotted key to a JSON value (`"\"db.example.com\""`, `5433`), checked as on load; a
/// password key is refused.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `config` must be NULL or a live handle; `key` and `value_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_set(
    config: *mut voyager_config,
    key: *const c_char,
    value_json: *const c_char,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        let config = unsafe { arg_mut(config, "config") }?;
        let key = unsafe { arg_str(key, "key") }?;
        let value = from_json(unsafe { arg_str(value_json, "value_json") }?, "value_json")?;
        config.inner.set(key, value)
    })
}

/// Remove a dotted key; `VOYAGER_NOT_FOUND` when it was not there.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `config` must be NULL or a live handle; `key` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_remove(
    config: *mut voyager_config,
    key: *const c_char,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        let config = unsafe { arg_mut(config, "config") }?;
        let key = unsafe { arg_str(key, "key") }?;
        if config.inner.remove(key) {
            Ok(())
        } else {
            Err(Error::not_found(format!("the config has no key '{key}'")))
        }
    })
}

/// The config file's text. Free `*text_out` with `voyager_string_free`.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `config` must be NULL or a live handle; `text_out` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_render(
    config: *const voyager_config,
    text_out: *mut *mut c_char,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || {
        out_param(text_out, "text_out")?;
        let config = unsafe { arg_ref(config, "config") }?;
        unsafe { write_string(text_out, config.inner.render()) }
    })
}

/// Write the config to its file, atomically.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `config` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_save(
    config: *const voyager_config,
    err_out: *mut *mut voyager_error,
) -> voyager_status {
    guard(err_out, || unsafe { arg_ref(config, "config") }?.inner.save())
}

/// Free a config handle. NULL does nothing.
///
/// Threads: does not block on the network; thread-safe for different handles, one handle not
/// used by two threads at once; fork-safe.
///
/// # Safety
/// `config` must be NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn voyager_config_free(config: *mut voyager_config) {
    if !config.is_null() {
        drop(unsafe { Box::from_raw(config) });
    }
}
