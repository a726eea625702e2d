//! Commands we print for the user to copy: each word quoted as a POSIX shell needs it, so a
//! hostile database name stays one word and runs nothing.

/// A word as a shell would need it quoted.
pub fn shell_word(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/@".contains(c)) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The command that shows a control plane in the local web dashboard; `control_plane` must be
/// redacted (libpq's PGPASSWORD or ~/.pgpass supply the password).
pub fn ui_command(control_plane: &str) -> String {
    format!("voyager ui --assessment-control-plane {}", shell_word(control_plane))
}

/// The command that starts the migration of `uuid` on any machine, rebuilding its migration dir
/// (named after the database) from the control plane: `control_plane` must be redacted, so the
/// command holds no password (libpq's PGPASSWORD or ~/.pgpass supply it).
pub fn resume_command(control_plane: &str, database: &str, uuid: uuid::Uuid) -> String {
    let dir = format!("./{}-migration", crate::init::sanitize_dir_name(database));
    format!(
        "voyager start-migration --migration-dir {} --assessment-control-plane {} --migration-uuid {uuid}",
        shell_word(&dir),
        shell_word(control_plane)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_words_stay_one_word() {
        assert_eq!(shell_word("db1"), "db1");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("x'; rm -rf / #"), "'x'\\''; rm -rf / #'");
        assert_eq!(shell_word("$(id)"), "'$(id)'");
    }
}
