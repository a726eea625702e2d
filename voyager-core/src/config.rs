//! The config file: to be written.
