//! assess-migration: what will not work on YugabyteDB, how hard the move is, and how big the
//! target should be, for one PostgreSQL database.

pub mod issue;
pub mod sql_constructs;

pub use issue::{Category, Impact, Issue};
