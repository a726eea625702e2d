//! The wheel's `voyager` command: the Rust CLI itself (`voyager_cli::run`), run inside the
//! Python process from this extension module, so that the wheel holds one copy of the core.

use std::ffi::OsString;

use pyo3::prelude::*;

/// Runs the `voyager` command with `argv` (the program name first) and returns its exit status.
/// The GIL is released while it runs.
#[pyfunction]
pub fn cli_main(py: Python<'_>, argv: Vec<OsString>) -> u8 {
    py.detach(|| voyager_cli::exit_status(voyager_cli::run(argv)))
}
