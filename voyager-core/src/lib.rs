//! libvoyager's core: everything the CLI, the C ABI and the Python wheel do, done once.
//!
//! Each module is one concept of the user's journey. The async API is the real one; the
//! [`blocking`] facade runs it on the one runtime the library owns, for C and Python.

pub mod assess_migration;
pub mod assessment;
pub mod blocking;
pub mod cancel;
pub mod config;
pub mod connection;
pub mod contract;
pub mod control_plane;
pub mod csv_output;
pub mod error;
pub mod fleet;
pub mod fs_atomic;
pub mod init;
pub mod journey;
pub mod log;
pub mod meta_db;
pub mod migration_dir;
pub mod ranking;
pub mod runtime;
pub mod shell;
pub mod start_migration;
pub mod summary;
pub mod vocabulary;

pub use error::{Error, ErrorKind, Result};

/// A function called with each progress event of a long call (from any thread).
pub type OnProgress<T> = std::sync::Arc<dyn Fn(&T) + Send + Sync>;

/// The version written into reports and metainfo.
pub const VOYAGER_VERSION: &str = env!("CARGO_PKG_VERSION");
