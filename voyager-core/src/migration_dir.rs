//! The migration dir: `config.toml` plus the export dir that later commands read.
//!
//! ```text
//! <migration-dir>/config.toml
//! <migration-dir>/export-dir/assessment/reports/
//! <migration-dir>/export-dir/metainfo/migration.json   migration UUID and journey state
//! <migration-dir>/export-dir/logs/
//! ```
//! A new migration dir is built in a temporary sibling directory and renamed into place, so an
//! interrupted or failed command leaves either no migration dir or a whole one.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{fs_atomic, Error, Result};

pub const CONFIG_FILE_NAME: &str = "config.toml";
pub const EXPORT_DIR_NAME: &str = "export-dir";
const METAINFO_FILE: &str = "metainfo/migration.json";

/// A migration dir on disk (which may not exist yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationDir {
    root: PathBuf,
}

/// What `export-dir/metainfo/migration.json` records: which migration this is and how far its
/// journey has come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaInfo {
    pub migration_uuid: Uuid,
    pub created_at: DateTime<Utc>,
    pub voyager_version: String,
    /// When each journey step last completed (`init`, `assess-migration`, `start-migration`).
    #[serde(default)]
    pub steps: std::collections::BTreeMap<String, DateTime<Utc>>,
}

impl MetaInfo {
    pub fn new(migration_uuid: Uuid) -> Self {
        MetaInfo {
            migration_uuid,
            created_at: Utc::now(),
            voyager_version: crate::VOYAGER_VERSION.to_string(),
            steps: Default::default(),
        }
    }
}

impl MigrationDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        MigrationDir { root: root.into() }
    }

    /// The migration dir whose config file is `config_file`.
    pub fn of_config_file(config_file: &Path) -> Self {
        let parent = config_file.parent().filter(|p| !p.as_os_str().is_empty());
        MigrationDir::new(parent.unwrap_or(Path::new(".")))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn config_file(&self) -> PathBuf {
        self.root.join(CONFIG_FILE_NAME)
    }
    pub fn export_dir(&self) -> PathBuf {
        self.root.join(EXPORT_DIR_NAME)
    }
    pub fn metainfo_file(&self) -> PathBuf {
        self.export_dir().join(METAINFO_FILE)
    }

    /// Whether a migration lives here (its metainfo exists).
    pub fn holds_migration(&self) -> bool {
        self.metainfo_file().is_file()
    }

    pub fn read_metainfo(&self) -> Result<MetaInfo> {
        read_metainfo(&self.export_dir())
    }

    pub fn write_metainfo(&self, meta: &MetaInfo) -> Result<()> {
        fs_atomic::write_json(&self.metainfo_file(), meta)
    }

    /// Record that a journey step completed now.
    pub fn mark_step(&self, step: &str) -> Result<MetaInfo> {
        let mut meta = self.read_metainfo()?;
        meta.steps.insert(step.to_string(), Utc::now());
        self.write_metainfo(&meta)?;
        Ok(meta)
    }
}

/// Read the metainfo of an export dir.
pub fn read_metainfo(export_dir: &Path) -> Result<MetaInfo> {
    let path = export_dir.join(METAINFO_FILE);
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::not_found(format!(
                "{} holds no migration (no {}): run `voyager init` first, or pass the right directory",
                export_dir.display(),
                path.display()
            )))
        }
        Err(e) => return Err(Error::io("read", &path, &e)),
    };
    serde_json::from_slice(&text).map_err(|e| {
        Error::config(format!(
            "{} is damaged ({e}); it records the migration UUID, so restore it from the control plane \
             with `voyager start-migration --migration-uuid ...` into a new directory",
            path.display()
        ))
    })
}

/// Make `root` an absolute path without requiring it to exist.
pub fn absolute(root: &Path) -> Result<PathBuf> {
    std::path::absolute(root).map_err(|e| Error::io("resolve the path", root, &e))
}

/// Create a migration dir at `root` whole or not at all.
///
/// `fill` writes the contents into a staging directory (given as a [`MigrationDir`] whose paths
/// point into it); on success the staging directory is renamed to `root`. `root` may be absent
/// or an empty directory. One that holds a migration is replaced only with `force`; a non-empty
/// directory that is not a migration dir is never touched.
pub fn create_atomically(
    root: &Path,
    force: bool,
    fill: impl FnOnce(&MigrationDir) -> Result<()>,
) -> Result<MigrationDir> {
    let root = absolute(root)?;
    let existing = MigrationDir::new(&root);
    let replace = check_target(&existing, force)?;

    let parent = root
        .parent()
        .ok_or_else(|| Error::invalid_argument(format!("{} cannot be a migration dir", root.display())))?;
    std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, &e))?;
    let staging = tempfile::Builder::new()
        .prefix(".voyager-staging-")
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a staging directory in", parent, &e))?;
    fill(&MigrationDir::new(staging.path()))?;

    if replace {
        swap_in(staging, &root)?;
    } else {
        if root.is_dir() {
            // An empty directory: rename(2) replaces it, but only if it is still empty.
            std::fs::remove_dir(&root).map_err(|e| Error::io("replace the empty directory", &root, &e))?;
        }
        let staged = staging.keep();
        if let Err(e) = std::fs::rename(&staged, &root) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(Error::io("move the new migration dir into", &root, &e));
        }
    }
    Ok(MigrationDir::new(root))
}

/// Decide what to do with what is already at the target: Ok(false) to create, Ok(true) to
/// replace an existing migration (only with `force`), or an error.
fn check_target(target: &MigrationDir, force: bool) -> Result<bool> {
    let root = target.root();
    if !root.exists() {
        return Ok(false);
    }
    if !root.is_dir() {
        return Err(Error::already_exists(format!(
            "{} exists and is not a directory: choose another --migration-dir",
            root.display()
        )));
    }
    if target.holds_migration() {
        if force {
            return Ok(true);
        }
        let uuid = target.read_metainfo().map(|m| m.migration_uuid.to_string());
        return Err(Error::already_exists(format!(
            "{} already holds a migration{}: choose another --migration-dir, or pass --force to replace it",
            root.display(),
            uuid.map(|u| format!(" ({u})")).unwrap_or_default()
        )));
    }
    let mut entries = std::fs::read_dir(root).map_err(|e| Error::io("read directory", root, &e))?;
    if entries.next().is_some() {
        return Err(Error::already_exists(format!(
            "{} is not empty and is not a migration dir; libvoyager will not write into it: \
             choose a new or empty --migration-dir",
            root.display()
        )));
    }
    Ok(false)
}

/// Replace the migration at `root` with the staged one: old aside, new in, old removed; the old
/// one is put back if the new one cannot be moved in.
fn swap_in(staging: tempfile::TempDir, root: &Path) -> Result<()> {
    let parent = root.parent().unwrap_or(Path::new("."));
    let aside = tempfile::Builder::new()
        .prefix(".voyager-replaced-")
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a directory in", parent, &e))?
        .keep();
    let old = aside.join("old");
    std::fs::rename(root, &old).map_err(|e| Error::io("move aside", root, &e))?;
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, root) {
        let _ = std::fs::rename(&old, root);
        let _ = std::fs::remove_dir_all(&staged);
        let _ = std::fs::remove_dir_all(&aside);
        return Err(Error::io("move the new migration dir into", root, &e));
    }
    let _ = std::fs::remove_dir_all(&aside);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn fill_with(uuid: Uuid) -> impl FnOnce(&MigrationDir) -> Result<()> {
        move |dir| dir.write_metainfo(&MetaInfo::new(uuid))
    }

    #[test]
    fn creates_then_refuses_then_replaces_with_force() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m1");
        let first = Uuid::new_v4();
        let dir = create_atomically(&root, false, fill_with(first)).unwrap();
        assert_eq!(dir.read_metainfo().unwrap().migration_uuid, first);

        let err = create_atomically(&root, false, fill_with(Uuid::new_v4())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert!(err.message().contains(&first.to_string()), "{err}");
        assert!(err.message().contains("--force"), "{err}");

        let second = Uuid::new_v4();
        create_atomically(&root, true, fill_with(second)).unwrap();
        assert_eq!(dir.read_metainfo().unwrap().migration_uuid, second);
        // No staging or replaced directories left behind.
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("m1")]);
    }

    #[test]
    fn empty_directory_is_used_unrelated_one_is_never_touched() {
        let tmp = tempfile::tempdir().unwrap();
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        create_atomically(&empty, false, fill_with(Uuid::new_v4())).unwrap();
        assert!(MigrationDir::new(&empty).holds_migration());

        let busy = tmp.path().join("busy");
        std::fs::create_dir(&busy).unwrap();
        std::fs::write(busy.join("notes.txt"), "mine").unwrap();
        for force in [false, true] {
            let err = create_atomically(&busy, force, fill_with(Uuid::new_v4())).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        }
        assert_eq!(std::fs::read_to_string(busy.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn a_failing_fill_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m");
        let err = create_atomically(&root, false, |dir| {
            dir.write_metainfo(&MetaInfo::new(Uuid::new_v4()))?;
            Err(Error::connection("source went away"))
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn damaged_metainfo_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = MigrationDir::new(tmp.path());
        fs_atomic::write(&dir.metainfo_file(), b"{not json").unwrap();
        let err = dir.read_metainfo().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("damaged"));
    }
}
