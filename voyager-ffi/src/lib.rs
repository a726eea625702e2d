//! libvoyager's C ABI: a thin layer over voyager-core.
//!
//! Conventions (shared with every function here):
//! - every fallible function returns a [`voyager_status`]; outputs come through out-parameters
//!   that are written only on success;
//! - opaque handles are freed with their `voyager_<thing>_free`, and freeing NULL does nothing;
//! - strings the library returns are freed with [`voyager_string_free`];
//! - [`voyager_last_error_message`] explains the last failure of the calling thread;
//! - no panic crosses the boundary, and NULL or invalid UTF-8 arguments are refused;
//! - structured values cross as JSON text; calls block on the library's own runtime.
#![allow(non_camel_case_types)]

mod boundary;
mod cancel;
mod config;
mod connection;
mod control_plane;
mod error;
mod fleet;
mod journeys;
mod log;
mod progress;
mod rank;
mod status;

pub use cancel::*;
pub use config::*;
pub use connection::*;
pub use control_plane::*;
pub use error::*;
pub use journeys::*;
pub use log::*;
pub use progress::voyager_progress_fn;
pub use status::*;
