//! The password file (`~/.pgpass`, `PGPASSFILE`, or the `passfile` keyword), read as libpq
//! reads it: `host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped,
//! the first matching line winning, and the file ignored when others may read it.

use std::path::PathBuf;

use super::{ConnectionString, LibpqEnv};

pub(super) fn lookup(conn: &ConnectionString, env: &LibpqEnv) -> Option<String> {
    let path = conn
        .param("passfile")
        .map(PathBuf::from)
        .or_else(|| env.var("PGPASSFILE").map(PathBuf::from))
        .or_else(|| env.var("HOME").map(|h| PathBuf::from(h).join(".pgpass")))?;
    let metadata = std::fs::metadata(&path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                "password file {} has group or world access; it is ignored (chmod 0600 it)",
                path.display()
            );
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let port = conn.port().to_string();
    find(&text, conn.host(), &port, conn.dbname(), conn.user())
}

/// The password of the first line that matches.
fn find(text: &str, host: &str, port: &str, dbname: &str, user: &str) -> Option<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#') && !line.trim().is_empty())
        .find_map(|line| {
            let fields = split(line);
            if fields.len() < 5 {
                return None;
            }
            let matches = |field: &str, value: &str| field == "*" || field == value;
            (matches(&fields[0], host)
                && matches(&fields[1], port)
                && matches(&fields[2], dbname)
                && matches(&fields[3], user))
            .then(|| fields[4..].join(":"))
        })
}

fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().unwrap_or(&mut String::new()).extend(chars.next()),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c)
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_line_with_wildcards_and_escapes() {
        let text = "# comment\nother:5432:*:*:nope\nlocalhost:*:db1:amakala:pa\\:ss\\\\w\n*:*:*:*:fallback\n";
        assert_eq!(
            find(text, "localhost", "5432", "db1", "amakala").as_deref(),
            Some("pa:ss\\w")
        );
        assert_eq!(find(text, "h", "1", "x", "y").as_deref(), Some("fallback"));
        assert_eq!(find("h:1:d:u\n", "h", "1", "d", "u"), None);
    }

    #[cfg(unix)]
    #[test]
    fn file_from_env_and_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "127.0.0.1:5432:db1:amakala:fromfile\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let env = LibpqEnv::empty().with_var("PGPASSFILE", path.to_str().unwrap());
        let conn = ConnectionString::parse("postgresql://amakala@127.0.0.1/db1")
            .unwrap()
            .resolve(&env);
        assert!(conn.has_password());
        assert_eq!(lookup(&conn, &env).as_deref(), Some("fromfile"));

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let conn = ConnectionString::parse("postgresql://amakala@127.0.0.1/db1")
            .unwrap()
            .resolve(&env);
        assert!(!conn.has_password(), "a world-readable password file is ignored");

        let home = LibpqEnv::empty().with_var("HOME", dir.path().to_str().unwrap());
        std::fs::write(dir.path().join(".pgpass"), "*:*:*:*:fromhome\n").unwrap();
        std::fs::set_permissions(dir.path().join(".pgpass"), std::fs::Permissions::from_mode(0o600)).unwrap();
        let conn = ConnectionString::parse("host=x dbname=y user=z")
            .unwrap()
            .resolve(&home);
        assert_eq!(lookup(&conn, &home).as_deref(), Some("fromhome"));
        // PGPASSWORD wins over the file.
        let both = home.clone().with_var("PGPASSWORD", "fromenv");
        let conn = ConnectionString::parse("host=x dbname=y user=z")
            .unwrap()
            .resolve(&both);
        assert_eq!(conn.password.as_deref(), Some("fromenv"));
    }
}
