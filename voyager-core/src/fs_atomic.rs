//! Files are written whole or not at all: a temporary file beside the target, flushed, then
//! renamed over it. An interrupted command leaves the old file or the new one, never half.

use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// Write `contents` to `path` atomically, creating its parent directories.
pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, &e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".voyager-tmp-")
        .tempfile_in(parent)
        .map_err(|e| Error::io("create a temporary file in", parent, &e))?;
    tmp.write_all(contents)
        .map_err(|e| Error::io("write", tmp.path(), &e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("flush", tmp.path(), &e))?;
    tmp.persist(path).map_err(|e| Error::io("replace", path, &e.error))?;
    Ok(())
}

/// Write `value` as pretty JSON to `path` atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut text = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::internal(format!("could not serialise {}: {e}", path.display())))?;
    text.push(b'\n');
    write(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.json");
        write(&path, b"old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["file.json".to_string()]);
    }

    #[test]
    fn unwritable_directory_is_an_io_error() {
        let err = write(Path::new("/proc/voyager-cannot-write-here/x"), b"x").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Io);
        assert!(err.message().contains("/proc/voyager-cannot-write-here"), "{err}");
    }
}
