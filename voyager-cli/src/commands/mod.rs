//! One module per command.

pub mod assess;
pub mod init;
