//! The two ways into start-migration, decided and checked before anything is touched: the
//! config file of the migration dir that ran the assessment, or a migration dir to rebuild from
//! the control plane (which must be new, empty, or this same migration's).

use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::StartMigrationAnswers;
use crate::migration_dir::MigrationDir;
use crate::vocabulary::WayIn;
use crate::{Error, Result};

/// Which way in, with what it needs, decided and checked before anything is touched.
pub(super) enum Route {
    ConfigFile(PathBuf),
    ControlPlane {
        dir: PathBuf,
        control_plane: String,
        uuid: Uuid,
    },
}

impl Route {
    /// Which way in this is, as the outcome names it.
    pub(super) fn way_in(&self) -> WayIn {
        match self {
            Route::ConfigFile(_) => WayIn::ConfigFile,
            Route::ControlPlane { .. } => WayIn::ControlPlane,
        }
    }
}

/// Decide the way in from the answers, before anything is touched.
pub(super) fn way_in(answers: &StartMigrationAnswers) -> Result<Route> {
    const TWO_WAYS: &str = "start-migration takes either \u{E000}config_file\u{E001} (the migration dir that ran \
        the assessment), or \u{E000}migration_dir\u{E001}, \u{E000}assessment_control_plane\u{E001} and \
        \u{E000}migration_uuid\u{E001} (rebuild it from the control plane)";
    let given: Vec<&str> = [
        ("\u{E000}migration_dir\u{E001}", &answers.migration_dir),
        (
            "\u{E000}assessment_control_plane\u{E001}",
            &answers.assessment_control_plane,
        ),
        ("\u{E000}migration_uuid\u{E001}", &answers.migration_uuid),
    ]
    .iter()
    .filter(|(_, v)| v.is_some())
    .map(|(flag, _)| *flag)
    .collect();
    match (&answers.config_file, given.len()) {
        (Some(_), n) if n > 0 => Err(Error::invalid_argument(format!(
            "\u{E000}config_file\u{E001} cannot be combined with {}: {TWO_WAYS}, not both",
            given.join(", ")
        ))),
        (Some(file), _) => Ok(Route::ConfigFile(PathBuf::from(file))),
        (None, 0) => Err(Error::invalid_argument(format!("nothing to start from: {TWO_WAYS}"))),
        (None, 3) => {
            let text = answers.migration_uuid.as_deref().unwrap_or_default();
            let uuid = Uuid::parse_str(text.trim()).map_err(|_| {
                Error::invalid_argument(format!(
                    "\u{E000}migration_uuid\u{E001} '{}' is not a UUID (it looks like acd1f159-2e9e-40c8-8f93-44d61bd24f54)",
                    text.chars().take(80).collect::<String>()
                ))
            })?;
            Ok(Route::ControlPlane {
                dir: PathBuf::from(answers.migration_dir.clone().unwrap_or_default()),
                control_plane: answers.assessment_control_plane.clone().unwrap_or_default(),
                uuid,
            })
        }
        (None, _) => {
            let missing: Vec<&str> = [
                "\u{E000}migration_dir\u{E001}",
                "\u{E000}assessment_control_plane\u{E001}",
                "\u{E000}migration_uuid\u{E001}",
            ]
            .into_iter()
            .filter(|f| !given.contains(f))
            .collect();
            Err(Error::invalid_argument(format!(
                "{} missing: {TWO_WAYS}",
                missing.join(" and ")
            )))
        }
    }
}

/// A rebuild may go into a new or empty directory, or one that holds this same migration (a
/// repeated start-migration converges); never into another migration or unrelated files.
pub(super) fn check_rebuild_target(dir: &Path, uuid: Uuid) -> Result<()> {
    let existing = MigrationDir::new(dir);
    if existing.holds_migration() {
        let meta = existing.read_metainfo()?;
        if meta.migration_uuid != uuid {
            return Err(Error::already_exists(format!(
                "{} holds another migration ({}): choose another \u{E000}migration_dir\u{E001}",
                dir.display(),
                meta.migration_uuid
            )));
        }
        return Ok(());
    }
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true);
        if non_empty || !dir.is_dir() {
            return Err(Error::already_exists(format!(
                "{} exists and is not an empty directory nor this migration's dir: choose a new \u{E000}migration_dir\u{E001}",
                dir.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migration_dir::MetaInfo;
    use crate::ErrorKind;

    fn answers(cf: bool, dir: bool, cp: bool, uuid: bool) -> StartMigrationAnswers {
        StartMigrationAnswers {
            config_file: cf.then(|| "m/config.toml".into()),
            migration_dir: dir.then(|| "m".into()),
            assessment_control_plane: cp.then(|| "postgresql://yugabyte@localhost:5433".into()),
            migration_uuid: uuid.then(|| Uuid::new_v4().to_string()),
            ..Default::default()
        }
    }

    #[test]
    fn config_file_with_any_of_the_three_is_refused() {
        for (d, c, u) in [
            (true, false, false),
            (false, true, false),
            (false, false, true),
            (true, true, true),
        ] {
            let err = way_in(&answers(true, d, c, u)).err().unwrap();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument);
            assert!(err.message().contains("not both"), "{err}");
        }
    }

    #[test]
    fn a_missing_one_of_the_three_is_named() {
        let err = way_in(&answers(false, true, true, false)).err().unwrap();
        assert!(
            err.render(crate::error::Front::Cli)
                .starts_with("--migration-uuid missing"),
            "{err}"
        );
        let err = way_in(&answers(false, true, false, false)).err().unwrap();
        assert!(
            err.render(crate::error::Front::Cli)
                .starts_with("--assessment-control-plane and --migration-uuid missing"),
            "{err}"
        );
        let err = way_in(&StartMigrationAnswers::default()).err().unwrap();
        assert!(err.message().contains("nothing to start from"), "{err}");
    }

    #[test]
    fn a_malformed_uuid_is_refused() {
        let mut a = answers(false, true, true, true);
        a.migration_uuid = Some("'; DROP TABLE x; --".into());
        let err = way_in(&a).err().unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.message().contains("is not a UUID"));
    }

    #[test]
    fn rebuild_target_rules() {
        let tmp = tempfile::tempdir().unwrap();
        let uuid = Uuid::new_v4();
        assert!(check_rebuild_target(&tmp.path().join("new"), uuid).is_ok());
        assert!(check_rebuild_target(tmp.path(), uuid).is_ok()); // empty
        std::fs::write(tmp.path().join("x"), "mine").unwrap();
        assert_eq!(
            check_rebuild_target(tmp.path(), uuid).unwrap_err().kind(),
            ErrorKind::AlreadyExists
        );
        let other = tmp.path().join("other");
        MigrationDir::new(&other)
            .write_metainfo(&MetaInfo::new(Uuid::new_v4()))
            .unwrap();
        assert_eq!(
            check_rebuild_target(&other, uuid).unwrap_err().kind(),
            ErrorKind::AlreadyExists
        );
        let same = tmp.path().join("same");
        MigrationDir::new(&same).write_metainfo(&MetaInfo::new(uuid)).unwrap();
        assert!(check_rebuild_target(&same, uuid).is_ok());
    }
}
