//! Connection strings: to be written.
