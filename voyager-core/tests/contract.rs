//! schemas/*.json are the JSON Schemas of every request and result of the C ABI, made from the
//! core types (voyager_core::contract); this test fails when they differ from the code.
//! `VOYAGER_BLESS=1 cargo test -p voyager-core --test contract` rewrites them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use voyager_core::contract::{crossings, render};

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

#[test]
fn committed_schemas_match_the_code() {
    let dir = schemas_dir();
    let bless = std::env::var_os("VOYAGER_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected = BTreeSet::new();
    let mut drifted = Vec::new();
    for c in crossings() {
        let file = format!("{}.json", c.name);
        let path = dir.join(&file);
        let text = render(&c.schema);
        if bless {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            drifted.push(file.clone());
        }
        expected.insert(file);
    }
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".json"))
                .collect()
        })
        .unwrap_or_default();
    let stale: Vec<&String> = present.difference(&expected).collect();
    if bless {
        for name in stale {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        return;
    }
    assert!(
        drifted.is_empty() && stale.is_empty(),
        "schemas/ differs from the core types (changed or missing: {drifted:?}; no longer made: {stale:?}): run \
         `VOYAGER_BLESS=1 cargo test -p voyager-core --test contract` and commit schemas/"
    );
}

#[test]
fn every_c_function_that_takes_or_returns_json_has_a_schema() {
    let header =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../include/voyager.h")).unwrap();
    let covered: BTreeSet<&str> = crossings().iter().map(|c| c.function).collect();
    for f in &covered {
        assert!(header.contains(&format!("{f}(")), "{f} is not in include/voyager.h");
    }
    // Every function declared in the header (a line that starts with its return type) with a
    // JSON argument or result, except the config's values (any JSON).
    let mut json_functions = BTreeSet::new();
    let lines: Vec<&str> = header.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with(|c: char| c.is_ascii_lowercase())
            || line.starts_with("typedef")
            || !line.contains("voyager_")
            || !line.contains('(')
        {
            continue;
        }
        let name = line
            .split('(')
            .next()
            .unwrap()
            .split_whitespace()
            .last()
            .unwrap()
            .trim_start_matches('*');
        let mut decl = String::new();
        for l in &lines[i..] {
            decl.push_str(l);
            if l.contains(");") {
                break;
            }
        }
        if decl.contains("json") && !name.starts_with("voyager_config_") {
            json_functions.insert(name.to_string());
        }
    }
    assert!(json_functions.contains("voyager_assess"), "{json_functions:?}");
    let missing: Vec<&String> = json_functions
        .iter()
        .filter(|f| !covered.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "no schema for {missing:?}: add them to voyager_core::contract::crossings"
    );
}

#[test]
fn the_schemas_carry_the_closed_lists_as_enums() {
    let all = crossings();
    let find = |name: &str| serde_json::to_value(&all.iter().find(|c| c.name == name).unwrap().schema).unwrap();
    let list = find("control_plane_list.request");
    let sort = &list["$defs"]["SortKey"]["enum"];
    assert_eq!(
        sort,
        &serde_json::json!(["name", "complexity", "size", "effort", "issues", "assessed_at"])
    );
    let start = find("start_migration.request");
    assert_eq!(
        start["$defs"]["Flow"]["enum"],
        serde_json::json!(["offline", "live", "live-fall-back", "live-fall-forward"])
    );
    let init = find("init.request");
    assert_eq!(
        init["$defs"]["ControlPlaneChoice"]["enum"],
        serde_json::json!(["shared", "local"])
    );
    // Unknown keys are refused by the code, so by the schema too.
    assert_eq!(init["additionalProperties"], serde_json::json!(false));
}
