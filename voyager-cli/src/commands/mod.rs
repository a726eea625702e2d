//! One module per command.

pub mod assess;
pub mod control_plane;
pub mod fleet;
pub mod init;
pub mod rank;
pub mod start;
pub mod ui;
