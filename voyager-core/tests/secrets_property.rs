//! Property tests (issue 10): the connection-string, config and fleet-inventory parsers on
//! random input and random secrets. None panics, and the secret never appears in what they
//! return or say: Display, Debug, the redacted forms, errors, and `redact` of the raw text.

use proptest::prelude::*;
use serde_json::json;
use voyager_core::config::{Config, ConfigFormat};
use voyager_core::connection::{redact, ConnectionString, LibpqEnv};

/// A secret with a distinctive core (so it cannot appear by chance) and any printable ASCII
/// around it, the characters that break naive parsers included (`/ ? # @ & = ' " \ :`).
fn secret() -> impl Strategy<Value = String> {
    ("[!-~]{0,8}", "[!-~]{0,8}").prop_map(|(a, b)| format!("{a}Zx9Qv{b}"))
}

/// A secret as it would be given unencoded in a URI: anything but blanks.
fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Everything a parsed connection string or its error shows.
fn shown(text: &str) -> String {
    let mut all = redact(text);
    match ConnectionString::parse(text) {
        Ok(c) => {
            let resolved = c.clone().resolve(&LibpqEnv::empty());
            all.push_str(&format!(
                "{c} {c:?} {} {} {} {resolved:?}",
                c.redacted(),
                c.describe(),
                serde_json::to_string(&c.info()).unwrap()
            ));
        }
        Err(e) => all.push_str(&format!(
            "{e} {e:?} {}",
            serde_json::to_string(&e.report(voyager_core::error::Front::Cli)).unwrap()
        )),
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn connection_strings_never_show_their_secret(secret in secret(), junk in "[ -~]{0,12}") {
        let raw = secret.clone();
        let forms = [
            format!("postgresql://u:{raw}@h:5432/db?sslmode=require"),
            format!("postgres://u:{}@h/db", percent_encoded(&raw)),
            format!("postgresql://u:{raw}@h/db?application_name={junk}"),
            format!("host=h password={} dbname=d", quoted(&raw)),
            format!("host=h\tpassword\t=\t{} {junk}", quoted(&raw)),
            format!("host=h PASSWORD={raw} dbname=d"),
            format!("host=h password = {raw} {junk}"),
            format!("host=h sslpassword={} sslcert=/c.pem", quoted(&raw)),
            format!("SSLPASSWORD={raw} host=h"),
            format!("postgresql://h/db?password={}&sslpassword={}", percent_encoded(&raw), percent_encoded(&raw)),
            format!("{junk} password={raw}"),
        ];
        for text in forms {
            let all = shown(&text);
            prop_assert!(!all.contains(&secret), "{text:?} shows its secret: {all}");
        }
    }

    #[test]
    fn connection_strings_on_random_input_never_panic(text in "\\PC{0,80}", uri in "[ -~]{0,60}") {
        let _ = shown(&text);
        let _ = shown(&format!("postgresql://{uri}"));
        let _ = shown(&format!("host={uri}"));
    }

    #[test]
    fn config_never_writes_a_secret(
        secret in secret(),
        key in "((db|ssl|source|my)[-_ .]?)?(password|PASSWORD|Password|passwd|secret)|((db|my)[-_ ])?(pass|PASS|pwd)",
        section in "(source|target|source-replica|assess-migration|start-migration|mine)",
        yaml in any::<bool>(),
    ) {
        let path = if yaml { "c.yaml" } else { "c.toml" };
        let mut c = Config::new(path).unwrap();
        let holding = |v: serde_json::Value| serde_json::Value::Object([(key.clone(), v)].into_iter().collect());
        let attempts = [
            (format!("{section}.{key}"), json!(secret)),
            (section.clone(), holding(json!(secret))),
            (section.clone(), json!({ "db-host": "h", "nested": holding(json!(secret)) })),
            (section.clone(), json!([holding(json!(secret))])),
        ];
        for (k, v) in attempts {
            let result = c.set(&k, v);
            if let Err(e) = &result {
                prop_assert!(!format!("{e} {e:?}").contains(&secret), "{e}");
            }
            prop_assert!(!c.render().contains(&secret), "{k}: {}", c.render());
        }
        // The same keys in a file to load: refused, without the secret.
        let text = if yaml {
            format!("{section}:\n  {key:?}: {secret:?}\n")
        } else {
            format!("[{section}]\n{key:?} = {}\n", toml_string(&secret))
        };
        let format = if yaml { ConfigFormat::Yaml } else { ConfigFormat::Toml };
        match Config::parse(&text, format, path) {
            Ok(c) => prop_assert!(false, "loaded a password: {:?}", c.keys()),
            Err(e) => prop_assert!(!format!("{e} {e:?}").contains(&secret), "{e}"),
        }
    }

    #[test]
    fn config_on_random_input_never_panics(text in "\\PC{0,120}", yaml in any::<bool>()) {
        let format = if yaml { ConfigFormat::Yaml } else { ConfigFormat::Toml };
        if let Ok(mut c) = Config::parse(&text, format, if yaml { "c.yaml" } else { "c.toml" }) {
            let _ = c.render();
            for k in c.keys() {
                let _ = c.get(&k);
            }
            let _ = c.set("source.db-host", json!("h"));
        }
    }

    #[test]
    fn fleet_inventories_never_show_a_secret(secret in secret(), junk in "[ -~]{0,20}", csv in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = if csv {
            (
                "fleet.csv",
                format!(
                    "name,host,database,password,connection,team\nf,h,d,{},,{}\n,h2,d2,,{},x\n",
                    csv_cell(&secret),
                    csv_cell(&junk),
                    csv_cell(&format!("postgresql://u:{}@h3/d3", percent_encoded(&secret))),
                ),
            )
        } else {
            (
                "fleet.toml",
                format!(
                    "name = \"f\"\n[[source]]\nhost = \"h\"\ndatabase = \"d\"\npassword = {}\n\
                     [[source]]\nconnection = {}\nlabels = {{ team = {} }}\n",
                    toml_string(&secret),
                    toml_string(&format!("postgresql://u:{secret}@h3/d3")),
                    toml_string(&junk),
                ),
            )
        };
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let shown = match voyager_core::fleet::inventory::load(&path, &LibpqEnv::empty()) {
            Ok(inv) => format!(
                "{inv:?} {}",
                inv.entries
                    .iter()
                    .map(|e| format!("{} {} {:?}", e.conn, e.key(), e.labels))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Err(e) => format!("{e} {e:?}"),
        };
        prop_assert!(!shown.contains(&secret), "{text}\nshows its secret: {shown}");
    }

    #[test]
    fn fleet_inventories_on_random_input_never_panic(text in "\\PC{0,160}", csv in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if csv { "f.csv" } else { "f.toml" });
        std::fs::write(&path, &text).unwrap();
        let _ = voyager_core::fleet::inventory::load(&path, &LibpqEnv::empty()).map(|i| format!("{i:?}"));
    }
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn csv_cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}
