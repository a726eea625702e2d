//! The migration dir: `config.toml` plus the export dir that later commands read.
//!
//! ```text
//! <migration-dir>/config.toml
//! <migration-dir>/export-dir/assessment/reports/
//! <migration-dir>/export-dir/metainfo/migration.json   migration UUID and journey state
//! <migration-dir>/export-dir/logs/
//! ```
//! A new migration dir is built in a temporary sibling directory and renamed into place, so an
//! interrupted or failed command leaves either no migration dir or a whole one; the next command
//! on the same dir recovers what an interrupted one left (see [`create_atomically`]). Commands
//! that create or rewrite a migration dir hold its [`lock`].

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
    /// The source database this migration assesses, as [`source_key`] writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl MetaInfo {
    pub fn new(migration_uuid: Uuid) -> Self {
        MetaInfo {
            migration_uuid,
            created_at: Utc::now(),
            voyager_version: crate::VOYAGER_VERSION.to_string(),
            steps: Default::default(),
            source: None,
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

/// A source database as a migration records it: `host:port/database`, with loopback written
/// `localhost` (so `127.0.0.1` and `localhost` are the same source).
pub fn source_key(host: &str, port: u16, database: &str) -> String {
    format!("{}:{port}/{database}", crate::fleet::inventory::same_host(host))
}

/// Refuse to put an assessment of `source` (a [`source_key`]) into an export dir whose
/// migration records another source (in its metainfo, or else in its last report): it would
/// go under that migration's UUID.
pub fn check_same_source(export_dir: &Path, source: &str) -> Result<()> {
    let meta = match read_metainfo(export_dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == crate::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let recorded = meta.source.clone().or_else(|| {
        let path = export_dir.join(crate::assessment::report::REPORT_JSON_RELATIVE);
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
        let s = report.pointer("/LibvoyagerSummary/Source")?;
        Some(source_key(
            s.get("Host")?.as_str()?,
            u16::try_from(s.get("Port")?.as_u64()?).ok()?,
            s.get("Database")?.as_str()?,
        ))
    });
    match recorded {
        Some(recorded) if recorded != source => Err(Error::invalid_argument(format!(
            "{} belongs to migration {}, which assesses {recorded}, not {source}: give each source database its \
             own --export-dir (or run voyager init for it)",
            export_dir.display(),
            meta.migration_uuid
        ))),
        _ => Ok(()),
    }
}

/// Make `root` an absolute path without requiring it to exist.
pub fn absolute(root: &Path) -> Result<PathBuf> {
    std::path::absolute(root).map_err(|e| Error::io("resolve the path", root, &e))
}

/// What creating a migration dir did besides creating it (said to the user).
#[derive(Debug)]
pub struct Created {
    pub dir: MigrationDir,
    /// What else happened: an earlier migration moved aside, an interrupted command's leftovers
    /// recovered or removed.
    pub notes: Vec<String>,
}

/// An exclusive hold on a migration dir's path while one command creates or rewrites it: an
/// flock on `.<name>.voyager-lock` beside it. Dropping it removes the lock file and releases the
/// lock (a killed process releases it too, leaving the file, which the next command reuses).
#[derive(Debug)]
pub struct DirLock {
    file: Option<std::fs::File>,
    path: PathBuf,
    root: PathBuf,
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Unlink while still holding the lock: whoever opened this file meanwhile sees, once it
        // gets the lock, that the path no longer names it, and tries again (see `lock`).
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// Take the lock of the migration dir at `root` (an absolute path), or say plainly that another
/// command holds it.
pub fn lock(root: &Path) -> Result<DirLock> {
    let (parent, name) = parent_and_name(root)?;
    std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, &e))?;
    let path = parent.join(format!(".{}.voyager-lock", name.to_string_lossy()));
    let busy = || {
        Error::already_exists(format!(
            "another voyager command is creating or changing {} right now (it holds {}): wait for it to finish, \
             then look at what it made before running this again",
            root.display(),
            path.display()
        ))
    };
    for _ in 0..3 {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("create the lock file", &path, &e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(busy()),
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io("lock", &path, &e)),
        }
        // The holder before us may have removed the file between our open and our lock.
        use std::os::unix::fs::MetadataExt;
        let ours = file.metadata().map(|m| (m.dev(), m.ino())).ok();
        let named = std::fs::metadata(&path).map(|m| (m.dev(), m.ino())).ok();
        if ours.is_some() && ours == named {
            return Ok(DirLock {
                file: Some(file),
                path,
                root: root.to_path_buf(),
            });
        }
    }
    Err(busy())
}

/// [`lock`] for a migration dir as the user gave it (relative, or a symbolic link); `None` when
/// its parent does not exist yet (nothing is created for a lock: creating the dir takes it).
pub fn lock_migration_dir(root: &Path) -> Result<Option<DirLock>> {
    let root = follow_link(&absolute(root)?)?;
    match root.parent() {
        Some(parent) if parent.is_dir() => lock(&root).map(Some),
        _ => Ok(None),
    }
}

fn parent_and_name(root: &Path) -> Result<(&Path, &std::ffi::OsStr)> {
    match (root.parent(), root.file_name()) {
        (Some(parent), Some(name)) => Ok((parent, name)),
        _ => Err(Error::invalid_argument(format!(
            "{} cannot be a migration dir: give a directory below it",
            root.display()
        ))),
    }
}

/// A migration dir given as a symbolic link is the directory it points to; a link to nothing or
/// to a file is refused (the link itself is never replaced).
pub fn follow_link(root: &Path) -> Result<PathBuf> {
    match std::fs::symlink_metadata(root) {
        Ok(m) if m.file_type().is_symlink() => {
            let target = std::fs::read_link(root)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into());
            match std::fs::canonicalize(root) {
                Ok(resolved) if resolved.is_dir() => Ok(resolved),
                Ok(_) => Err(Error::already_exists(format!(
                    "{} is a symbolic link to {target}, which is not a directory: point it at a directory, or \
                     choose another \u{E000}migration_dir\u{E001}",
                    root.display()
                ))),
                Err(_) => Err(Error::invalid_argument(format!(
                    "{} is a symbolic link to {target}, which does not exist: create that directory, remove the \
                     link, or choose another \u{E000}migration_dir\u{E001}",
                    root.display()
                ))),
            }
        }
        _ => Ok(root.to_path_buf()),
    }
}

/// The names of the staging and replaced directories of the migration dir named `name`: a tag
/// from the name, so a later command on the same dir finds what an interrupted one left.
fn tag(name: &std::ffi::OsStr) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(name.as_encoded_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}
const STAGING_PREFIX: &str = ".voyager-staging-";
const REPLACED_PREFIX: &str = ".voyager-replaced-";
/// How old an untagged staging dir (left by an earlier version) must be to be removed.
const LEGACY_STAGING_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Clean up after a command on `root` that was killed (the lock is held): put back a migration
/// dir that was moved aside and never replaced, keep one that was replaced, remove staging
/// directories (ours; they may hold a config with the control plane's password).
fn recover(root: &Path, notes: &mut Vec<String>) -> Result<()> {
    let (parent, name) = parent_and_name(root)?;
    let tag = tag(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let path = entry.path();
        if !entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            continue;
        }
        if file_name.starts_with(&format!("{REPLACED_PREFIX}{tag}-")) {
            let old = path.join("old");
            if old.is_dir() {
                if root.symlink_metadata().is_err() {
                    std::fs::rename(&old, root).map_err(|e| Error::io("restore", root, &e))?;
                    notes.push(format!(
                        "Restored {} from {}, where an interrupted earlier command had moved it.",
                        root.display(),
                        path.display()
                    ));
                } else {
                    let kept = aside_name(root);
                    std::fs::rename(&old, &kept).map_err(|e| Error::io("move aside", &old, &e))?;
                    notes.push(format!(
                        "An interrupted earlier command left the migration dir it replaced in {}; it is now {}: \
                         remove it when you no longer need it.",
                        path.display(),
                        kept.display()
                    ));
                }
            }
            std::fs::remove_dir_all(&path).map_err(|e| Error::io("remove", &path, &e))?;
        } else if file_name.starts_with(&format!("{STAGING_PREFIX}{tag}-")) || is_old_legacy_staging(file_name, &path) {
            std::fs::remove_dir_all(&path).map_err(|e| Error::io("remove", &path, &e))?;
            notes.push(format!(
                "Removed {}, which an interrupted earlier command left while building a migration dir.",
                path.display()
            ));
        }
    }
    Ok(())
}

/// A staging dir of an earlier version (`.voyager-staging-XXXXXX`, untagged) older than an hour.
fn is_old_legacy_staging(file_name: &str, path: &Path) -> bool {
    let Some(rest) = file_name.strip_prefix(STAGING_PREFIX) else {
        return false;
    };
    let old = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age >= LEGACY_STAGING_AGE);
    rest.len() == 6 && rest.chars().all(|c| c.is_ascii_alphanumeric()) && old
}

/// A new visible name beside `root` for an earlier migration dir kept aside:
/// `<name>.replaced-<UTC time>` (with a counter when taken).
fn aside_name(root: &Path) -> PathBuf {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let parent = root.parent().unwrap_or(Path::new("."));
    let mut candidate = parent.join(format!("{name}.replaced-{stamp}"));
    let mut n = 1;
    while candidate.symlink_metadata().is_ok() {
        n += 1;
        candidate = parent.join(format!("{name}.replaced-{stamp}-{n}"));
    }
    candidate
}

/// Create a migration dir at `root` whole or not at all.
///
/// `fill` writes the contents into a staging directory (given as a [`MigrationDir`] whose paths
/// point into it); on success the staging directory is renamed to `root`. `root` may be absent
/// or an empty directory (or a symbolic link to one). One that holds a migration is replaced
/// only with `force`, and then it is moved aside, whole, to `<name>.replaced-<time>` (nothing
/// in it is deleted; the notes say where). A non-empty directory that is not a migration dir is
/// never touched. The lock of [`lock`] is held throughout, so a concurrent command on the same
/// dir fails plainly; leftovers of an interrupted command are recovered first.
pub fn create_atomically(root: &Path, force: bool, fill: impl FnOnce(&MigrationDir) -> Result<()>) -> Result<Created> {
    create_atomically_holding(root, force, None, fill)
}

/// [`create_atomically`] with the dir's lock already `held` (taken by [`lock_migration_dir`]
/// when the command started, so that concurrent commands on one dir cannot all go ahead).
pub fn create_atomically_holding(
    root: &Path,
    force: bool,
    held: Option<DirLock>,
    fill: impl FnOnce(&MigrationDir) -> Result<()>,
) -> Result<Created> {
    let root = follow_link(&absolute(root)?)?;
    let _lock = match held {
        Some(held) if held.root == root => held,
        _ => lock(&root)?,
    };
    let mut notes = Vec::new();
    recover(&root, &mut notes)?;
    let existing = MigrationDir::new(&root);
    let replace = check_target(&existing, force)?;

    let (parent, name) = parent_and_name(&root)?;
    let tag = tag(name);
    let staging = tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{tag}-"))
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a staging directory in", parent, &e))?;
    fill(&MigrationDir::new(staging.path()))?;

    if replace {
        let old_uuid = existing.read_metainfo().map(|m| m.migration_uuid);
        let kept = swap_in(staging, &root, &tag)?;
        notes.push(format!(
            "The earlier migration dir{} was moved, whole, to {}: nothing in it was deleted; remove it when you \
             no longer need it.",
            old_uuid.map(|u| format!(" (migration {u})")).unwrap_or_default(),
            kept.display()
        ));
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
    Ok(Created {
        dir: MigrationDir::new(root),
        notes,
    })
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
            "{} exists and is not a directory: choose another \u{E000}migration_dir\u{E001}",
            root.display()
        )));
    }
    if target.holds_migration() {
        if force {
            return Ok(true);
        }
        let uuid = target.read_metainfo().map(|m| m.migration_uuid.to_string());
        return Err(Error::already_exists(format!(
            "{} already holds a migration{}: choose another \u{E000}migration_dir\u{E001}, or pass \u{E000}force\u{E001} to replace it (the \
             earlier one is then moved aside, not deleted)",
            root.display(),
            uuid.map(|u| format!(" ({u})")).unwrap_or_default()
        )));
    }
    let mut entries = std::fs::read_dir(root).map_err(|e| Error::io("read directory", root, &e))?;
    if entries.next().is_some() {
        return Err(Error::already_exists(format!(
            "{} is not empty and is not a migration dir; libvoyager will not write into it: \
             choose a new or empty \u{E000}migration_dir\u{E001}",
            root.display()
        )));
    }
    Ok(false)
}

/// Replace the migration at `root` with the staged one: old aside (into a tagged directory, so
/// an interrupted swap is recovered by the next command), new in, then the old one to a visible
/// name beside it, which is returned. The old one is put back if the new one cannot be moved in.
fn swap_in(staging: tempfile::TempDir, root: &Path, tag: &str) -> Result<PathBuf> {
    let parent = root.parent().unwrap_or(Path::new("."));
    let aside = tempfile::Builder::new()
        .prefix(&format!("{REPLACED_PREFIX}{tag}-"))
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
    let kept = aside_name(root);
    std::fs::rename(&old, &kept).map_err(|e| Error::io("move aside", &old, &e))?;
    let _ = std::fs::remove_dir(&aside);
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn fill_with(uuid: Uuid) -> impl FnOnce(&MigrationDir) -> Result<()> {
        move |dir| dir.write_metainfo(&MetaInfo::new(uuid))
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn creates_then_refuses_then_replaces_with_force_keeping_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m1");
        let first = Uuid::new_v4();
        let dir = create_atomically(&root, false, fill_with(first)).unwrap().dir;
        assert_eq!(dir.read_metainfo().unwrap().migration_uuid, first);
        // What yb-voyager and the user put there.
        std::fs::create_dir_all(dir.export_dir().join("schema")).unwrap();
        std::fs::write(dir.export_dir().join("schema/tables.sql"), "CREATE TABLE t ();").unwrap();
        std::fs::write(root.join("notes.txt"), "mine").unwrap();

        let err = create_atomically(&root, false, fill_with(Uuid::new_v4())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert!(err.message().contains(&first.to_string()), "{err}");
        assert!(err.render(crate::error::Front::Cli).contains("--force"), "{err}");

        let second = Uuid::new_v4();
        let created = create_atomically(&root, true, fill_with(second)).unwrap();
        assert_eq!(dir.read_metainfo().unwrap().migration_uuid, second);
        // The old dir is kept whole beside it, and the notes say where.
        let names = names_in(tmp.path());
        let kept: Vec<&String> = names.iter().filter(|n| n.starts_with("m1.replaced-")).collect();
        assert_eq!(kept.len(), 1, "{names:?}");
        let kept = tmp.path().join(kept[0]);
        assert_eq!(std::fs::read_to_string(kept.join("notes.txt")).unwrap(), "mine");
        assert!(kept.join("export-dir/schema/tables.sql").is_file());
        assert_eq!(MigrationDir::new(&kept).read_metainfo().unwrap().migration_uuid, first);
        assert!(
            created.notes.iter().any(|n| n.contains(&kept.display().to_string())),
            "{:?}",
            created.notes
        );
        // No staging or replaced directories, no lock file left behind.
        assert!(!names.iter().any(|n| n.starts_with('.')), "{names:?}");
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

    /// The state a SIGKILL between the two renames of a replacement leaves: the old migration
    /// dir inside `.voyager-replaced-<tag>-*/old`, the new one in `.voyager-staging-<tag>-*`
    /// (with a config that may hold the control plane's password), no migration dir.
    fn killed_mid_swap(parent: &Path, name: &str, old_uuid: Uuid) {
        let tag = tag(std::ffi::OsStr::new(name));
        let old = parent.join(format!("{REPLACED_PREFIX}{tag}-abc123/old"));
        MigrationDir::new(&old)
            .write_metainfo(&MetaInfo::new(old_uuid))
            .unwrap();
        std::fs::write(old.join("notes.txt"), "mine").unwrap();
        let staging = parent.join(format!("{STAGING_PREFIX}{tag}-def456"));
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(
            staging.join(CONFIG_FILE_NAME),
            "assessment-control-plane = \"postgresql://yugabyte:Cp-Secret@h:5433\"\n",
        )
        .unwrap();
    }

    #[test]
    fn a_replacement_killed_between_its_renames_is_recovered_by_the_next_command() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m");
        let old_uuid = Uuid::new_v4();
        killed_mid_swap(tmp.path(), "m", old_uuid);
        // Another migration dir's leftovers are not this one's to touch.
        killed_mid_swap(tmp.path(), "other", Uuid::new_v4());

        // The next command (here: a create without --force) first puts the old dir back, so it
        // refuses to replace it, and the staging dir with the password is gone.
        let err = create_atomically(&root, false, fill_with(Uuid::new_v4())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{err}");
        assert_eq!(
            MigrationDir::new(&root).read_metainfo().unwrap().migration_uuid,
            old_uuid
        );
        assert_eq!(std::fs::read_to_string(root.join("notes.txt")).unwrap(), "mine");
        let names = names_in(tmp.path());
        let tag_m = tag(std::ffi::OsStr::new("m"));
        assert!(!names.iter().any(|n| n.contains(&tag_m)), "{names:?}");
        let tag_other = tag(std::ffi::OsStr::new("other"));
        assert_eq!(names.iter().filter(|n| n.contains(&tag_other)).count(), 2, "{names:?}");

        // With --force: recovered, then replaced, the old one kept aside.
        killed_mid_swap(tmp.path(), "m2", old_uuid);
        let created = create_atomically(&tmp.path().join("m2"), true, fill_with(Uuid::new_v4())).unwrap();
        assert!(
            created.notes.iter().any(|n| n.starts_with("Restored")),
            "{:?}",
            created.notes
        );
        assert!(
            created.notes.iter().any(|n| n.starts_with("Removed")),
            "{:?}",
            created.notes
        );
        assert!(names_in(tmp.path()).iter().any(|n| n.starts_with("m2.replaced-")));
    }

    #[test]
    fn a_replacement_killed_after_its_renames_keeps_the_old_dir_visible() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m");
        let new_uuid = Uuid::new_v4();
        MigrationDir::new(&root)
            .write_metainfo(&MetaInfo::new(new_uuid))
            .unwrap();
        killed_mid_swap(tmp.path(), "m", Uuid::new_v4());
        let err = create_atomically(&root, false, fill_with(Uuid::new_v4())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert_eq!(
            MigrationDir::new(&root).read_metainfo().unwrap().migration_uuid,
            new_uuid
        );
        let names = names_in(tmp.path());
        let kept: Vec<&String> = names.iter().filter(|n| n.starts_with("m.replaced-")).collect();
        assert_eq!(kept.len(), 1, "{names:?}");
        assert!(tmp.path().join(kept[0]).join("notes.txt").is_file());
        assert!(!names.iter().any(|n| n.starts_with(".voyager-")), "{names:?}");
    }

    #[test]
    fn concurrent_creates_of_one_dir_have_one_winner_the_others_are_told() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("m");
        create_atomically(&root, false, fill_with(Uuid::new_v4())).unwrap();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let runs: Vec<_> = (0..6)
            .map(|_| {
                let (root, barrier) = (root.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let uuid = Uuid::new_v4();
                    barrier.wait();
                    create_atomically(&root, true, |dir| {
                        std::thread::sleep(std::time::Duration::from_millis(300));
                        dir.write_metainfo(&MetaInfo::new(uuid))
                    })
                    .map(|_| uuid)
                })
            })
            .collect();
        let results: Vec<Result<Uuid>> = runs.into_iter().map(|r| r.join().unwrap()).collect();
        let won: Vec<Uuid> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
        assert_eq!(won.len(), 1, "{results:?}");
        for err in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(err.kind(), ErrorKind::AlreadyExists);
            assert!(err.message().contains("another voyager command"), "{err}");
        }
        assert_eq!(MigrationDir::new(&root).read_metainfo().unwrap().migration_uuid, won[0]);
    }

    #[test]
    fn a_symlinked_migration_dir_is_followed_and_never_replaced_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let first = Uuid::new_v4();
        create_atomically(&link, false, fill_with(first)).unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(MigrationDir::new(&real).read_metainfo().unwrap().migration_uuid, first);
        let second = Uuid::new_v4();
        create_atomically(&link, true, fill_with(second)).unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(MigrationDir::new(&link).read_metainfo().unwrap().migration_uuid, second);

        let dangling = tmp.path().join("dangling");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
        for force in [false, true] {
            let err = create_atomically(&dangling, force, fill_with(Uuid::new_v4())).unwrap_err();
            assert!(err.message().contains("is a symbolic link to"), "{err}");
            assert!(dangling.symlink_metadata().unwrap().file_type().is_symlink());
        }
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let to_file = tmp.path().join("to_file");
        std::os::unix::fs::symlink(&file, &to_file).unwrap();
        let err = create_atomically(&to_file, true, fill_with(Uuid::new_v4())).unwrap_err();
        assert!(err.message().contains("not a directory"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
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
