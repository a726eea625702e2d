use super::*;
use crate::ErrorKind;
use serde_json::json;

const TOML_FILE: &str = r#"# my migration
export-dir = "/data/export"   # where exports go
log-level = "info"

[source]
# the old primary
db-type = "postgresql"
db-host = "pg.example.com"
db-port = 5432
custom-key = "kept"

[my-own-section]
anything = [1, 2]
"#;

#[test]
fn toml_update_keeps_comments_order_and_unknown_keys() {
    let mut c = Config::parse(TOML_FILE, ConfigFormat::Toml, "m/config.toml").unwrap();
    c.set("source.db-port", json!("6432")).unwrap();
    c.set("export-dir", json!("/new/export")).unwrap();
    c.set("target.db-host", json!("yb.example.com")).unwrap();
    let text = c.render();
    assert!(text.starts_with("# my migration\n"));
    assert!(
        text.contains("export-dir = \"/new/export\"   # where exports go"),
        "{text}"
    );
    assert!(text.contains("# the old primary"));
    assert!(text.contains("db-port = 6432"));
    assert!(text.contains("custom-key = \"kept\""));
    assert!(text.contains("anything = [1, 2]"));
    let order: Vec<_> = ["[source]", "[my-own-section]", "[target]"]
        .iter()
        .map(|s| text.find(s).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert_eq!(c.get("source.db-port"), Some(json!(6432)));
    assert_eq!(c.get("my-own-section.anything"), Some(json!([1, 2])));
}

#[test]
fn yaml_round_trip_with_the_same_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    let mut c = Config::new(&path).unwrap();
    c.set("export-dir", json!("/e")).unwrap();
    c.set("source.db-host", json!("h")).unwrap();
    c.set("source.db-port", json!(5433)).unwrap();
    c.set(
        "assess-migration.assessment-control-plane",
        json!("postgresql://yugabyte:yb@cp:5433"),
    )
    .unwrap();
    c.set("zzz.extra", json!("kept")).unwrap();
    c.save().unwrap();
    let back = Config::load(&path).unwrap();
    assert_eq!(back.format(), ConfigFormat::Yaml);
    assert_eq!(back.get("source.db-port"), Some(json!(5433)));
    assert_eq!(
        back.get_str("assess-migration.assessment-control-plane").unwrap(),
        "postgresql://yugabyte:yb@cp:5433"
    );
    assert_eq!(
        back.keys(),
        vec![
            "export-dir",
            "source.db-host",
            "source.db-port",
            "assess-migration.assessment-control-plane",
            "zzz.extra"
        ]
    );
    let mut toml = back.clone();
    toml.save_as(dir.path().join("config.toml")).unwrap();
    let t = Config::load(dir.path().join("config.toml")).unwrap();
    assert_eq!(t.get("source.db-host"), Some(json!("h")));
}

#[test]
fn wrong_types_name_file_key_and_what_is_allowed() {
    for (text, key, allowed) in [
        ("[source]\ndb-port = \"abc\"\n", "source.db-port", "integer port"),
        ("[source]\ndb-port = 70000\n", "source.db-port", "integer port"),
        ("[target]\nssl-mode = \"maybe\"\n", "target.ssl-mode", "verify-full"),
        ("log-level = 5\n", "log-level", "one of trace"),
        ("source = \"pg\"\n", "'source' must be a section", "a string"),
        (
            "[start-migration]\ndata-migration-flow = \"fast\"\n",
            "start-migration.data-migration-flow",
            "live-fall-forward",
        ),
    ] {
        let err = Config::parse(text, ConfigFormat::Toml, "dir/config.toml").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let m = err.message();
        assert!(
            m.contains("dir/config.toml") && m.contains(key) && m.contains(allowed),
            "{m}"
        );
    }
    let mut c = Config::new("x.toml").unwrap();
    assert_eq!(
        c.set("source.ssl-mode", json!("nope")).unwrap_err().kind(),
        ErrorKind::Config
    );
    assert_eq!(c.set("a.b.c", json!(1)).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn passwords_are_refused_on_set_and_on_load() {
    let mut c = Config::new("x.toml").unwrap();
    for key in ["source.db-password", "target.db-password"] {
        let err = c.set(key, json!("Secr3t")).unwrap_err();
        assert!(
            err.message().contains("SOURCE_DB_PASSWORD") && !err.message().contains("Secr3t"),
            "{err}"
        );
    }
    assert!(!c.render().contains("Secr3t"));
    let err = Config::parse("[source]\ndb-password = \"Secr3t\"\n", ConfigFormat::Toml, "c.toml").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(!err.message().contains("Secr3t"));
    let err = Config::parse("source:\n  db-password: Secr3t\n", ConfigFormat::Yaml, "c.yaml").unwrap_err();
    assert!(err.message().contains("source.db-password"));
}

#[test]
fn passwords_inside_a_section_value_are_refused() {
    // Issue 10 item 9: `cfg["target"] = {"db-password": ...}` in Python is `set("target", {...})`.
    for format in ["x.toml", "x.yaml"] {
        let mut c = Config::new(format).unwrap();
        for (key, value) in [
            ("target", json!({"db-host": "h", "db-password": "Secr3t"})),
            ("source", json!({"DB_PASSWORD": "Secr3t"})),
            ("assess-migration", json!({"nested": {"sslpassword": "Secr3t"}})),
            ("mine", json!([{"password": "Secr3t"}])),
            ("source.PASSWORD", json!("Secr3t")),
        ] {
            let err = c.set(key, value).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{key}");
            assert!(!err.message().contains("Secr3t"), "{err}");
        }
        assert!(!c.render().contains("Secr3t"));
        c.set("target", json!({"db-host": "h", "db-port": "5433"})).unwrap();
        assert_eq!(c.get("target.db-port"), Some(json!(5433)));
    }
    let err = Config::parse("mine = [{ password = \"Secr3t\" }]\n", ConfigFormat::Toml, "c.toml").unwrap_err();
    assert!(
        !err.message().contains("Secr3t") && err.message().contains("password"),
        "{err}"
    );
}

#[test]
fn empty_malformed_and_huge_files() {
    assert!(Config::parse("", ConfigFormat::Toml, "c.toml")
        .unwrap()
        .keys()
        .is_empty());
    assert!(Config::parse("", ConfigFormat::Yaml, "c.yaml")
        .unwrap()
        .keys()
        .is_empty());
    let err = Config::parse("[source\ndb-host = 1", ConfigFormat::Toml, "c.toml").unwrap_err();
    assert!(err.message().contains("line 1"), "{err}");
    let err = Config::parse("source: [unclosed", ConfigFormat::Yaml, "c.yaml").unwrap_err();
    assert!(err.message().contains("line"), "{err}");
    assert_eq!(Config::new("c.json").unwrap_err().kind(), ErrorKind::Config);
    let mut big = String::from("[bulk]\n");
    for i in 0..100_000 {
        big.push_str(&format!("k{i} = \"{}\"\n", "v".repeat(20)));
    }
    let started = std::time::Instant::now();
    let c = Config::parse(&big, ConfigFormat::Toml, "big.toml").unwrap();
    assert_eq!(c.keys().len(), 100_000);
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn unicode_and_quotes_survive() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["c.toml", "c.yaml"] {
        let path = dir.path().join(name);
        let mut c = Config::new(&path).unwrap();
        c.set("source.db-name", json!("Ünï \"quoted\" 'db' ; DROP TABLE x; --"))
            .unwrap();
        c.save().unwrap();
        let back = Config::load(&path).unwrap();
        assert_eq!(
            back.get_str("source.db-name").unwrap(),
            "Ünï \"quoted\" 'db' ; DROP TABLE x; --"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_failed_save_leaves_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    if unsafe_is_root() {
        return; // root writes anywhere; the atomic-write test in fs_atomic covers the failure path
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "log-level = \"info\"\n").unwrap();
    let mut c = Config::load(&path).unwrap();
    c.set("log-level", json!("debug")).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500)).unwrap();
    let err = c.save().unwrap_err();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "log-level = \"info\"\n");
}

#[test]
fn a_failed_save_into_a_missing_unwritable_place_is_an_io_error() {
    let c = Config::new("/proc/voyager/config.toml").unwrap();
    assert_eq!(c.save().unwrap_err().kind(), ErrorKind::Io);
}

fn unsafe_is_root() -> bool {
    std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || std::path::Path::new("/root")
            .metadata()
            .map(|m| {
                use std::os::unix::fs::MetadataExt;
                m.uid() == 0 && std::fs::read_dir("/root").is_ok()
            })
            .unwrap_or(false)
}

#[test]
fn db_sections_as_typed_data() {
    let mut c = Config::new("c.toml").unwrap();
    let db = DbSection {
        db_host: Some("h".into()),
        db_port: Some(5433),
        db_name: Some("db1".into()),
        ..Default::default()
    };
    c.set_db_section("target", &db).unwrap();
    assert_eq!(c.db_section("target"), db);
    assert!(c.render().starts_with("# libvoyager migration config"));
}

#[test]
fn db_host_must_be_a_host_name_an_address_or_a_socket_directory() {
    let hostile = "evil.example]:5432/x?sslmode=disable&application_name=";
    let mut c = Config::parse(TOML_FILE, ConfigFormat::Toml, "m/config.toml").unwrap();
    let err = c.set("source.db-host", json!(hostile)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.message().contains("db-host"), "{err}");
    for good in ["db.example.com", "10.1.2.3", "::1", "/var/run/postgresql"] {
        c.set("source.db-host", json!(good)).unwrap();
    }
    let text = TOML_FILE.replace("pg.example.com", "pg.example.com]:1/x?sslmode=disable");
    let err = Config::parse(&text, ConfigFormat::Toml, "m/config.toml").unwrap_err();
    assert!(err.message().contains("db-host"), "{err}");
}

#[test]
fn the_control_plane_is_written_as_yb_voyager_reads_it_and_read_back_from_either() {
    let dir = tempfile::tempdir().unwrap();
    let cp = "postgresql://yugabyte:yb@cp.example:5433";
    for name in ["config.toml", "config.yaml"] {
        let path = dir.path().join(name);
        let mut c = Config::new(&path).unwrap();
        c.set_control_plane(cp).unwrap();
        c.save().unwrap();
        let back = Config::load(&path).unwrap();
        let mut keys = back.keys();
        keys.sort();
        assert_eq!(
            keys,
            vec![
                "assess-migration.assessment-control-plane",
                "control-plane-type",
                "yugabyted-control-plane.db-conn-string"
            ],
            "{name}"
        );
        assert_eq!(back.get_str("control-plane-type").as_deref(), Some("yugabyted"));
        assert_eq!(back.control_plane().as_deref(), Some(cp));
    }
    // A file yb-voyager wrote names only yugabyted's control plane: it is the control plane.
    let text = format!("control-plane-type: yugabyted\nyugabyted-control-plane:\n  db-conn-string: {cp}\n");
    let c = Config::parse(&text, ConfigFormat::Yaml, dir.path().join("yb.yaml")).unwrap();
    assert_eq!(c.control_plane().as_deref(), Some(cp));
    // ... unless the type is another one.
    let text = text.replace("type: yugabyted", "type: ybaeon");
    let c = Config::parse(&text, ConfigFormat::Yaml, dir.path().join("yb.yaml")).unwrap();
    assert_eq!(c.control_plane(), None);
    let err = Config::parse("control-plane-type = \"cloud\"\n", ConfigFormat::Toml, "c.toml").unwrap_err();
    assert!(err.message().contains("yugabyted"), "{err}");
}
