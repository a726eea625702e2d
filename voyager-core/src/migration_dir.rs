//! Migration dir: to be written.
