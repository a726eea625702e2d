//! The Python module: to be written.
