use super::super::SslMode;
use super::*;

#[test]
fn uri_with_everything() {
    let c = parse("postgresql://am%40kala:p%40ss:w@db.example.com:6432/my%20db?sslmode=verify-full&sslrootcert=/ca.pem&application_name=x").unwrap();
    assert_eq!(c.user(), "am@kala");
    assert_eq!(c.password.as_deref(), Some("p@ss:w"));
    assert_eq!((c.host(), c.port(), c.dbname()), ("db.example.com", 6432, "my db"));
    assert_eq!(c.sslmode(), SslMode::VerifyFull);
    assert_eq!(c.sslrootcert(), Some("/ca.pem"));
    assert_eq!(c.param("application_name"), Some("x"));
    let shown = c.redacted();
    assert!(!shown.contains("p%40ss") && !shown.contains("p@ss"), "{shown}");
    assert_eq!(parse(&shown).unwrap().dbname(), "my db");
}

#[test]
fn uri_ipv6_and_multi_host() {
    let c = parse("postgres://u@[::1]:5433,h2:5434/db").unwrap();
    assert_eq!(c.hosts(), vec!["::1".to_string(), "h2".to_string()]);
    assert_eq!(c.ports, vec![5433, 5434]);
    assert!(c.redacted().starts_with("postgresql://u@[::1]:5433,h2:5434/db"));
}

#[test]
fn key_values_with_quotes_and_unicode() {
    let c =
        parse("host=localhost port = 5433 dbname='my \\'db\\' ünï' user=amakala password='a b\\'c' sslmode=require")
            .unwrap();
    assert_eq!(c.dbname(), "my 'db' ünï");
    assert_eq!(c.password.as_deref(), Some("a b'c"));
    assert_eq!(c.sslmode(), SslMode::Require);
    assert!(!c.redacted().contains("a b"));
    assert!(!format!("{c:?} {c}").contains("b'c"));
}

#[test]
fn every_sslmode_in_both_syntaxes() {
    for mode in SslMode::ALL {
        let a = parse(&format!("postgresql://h/db?sslmode={}", mode.as_str())).unwrap();
        let b = parse(&format!("host=h dbname=db sslmode={}", mode.as_str())).unwrap();
        assert_eq!(a.sslmode(), mode);
        assert_eq!(b.sslmode(), mode);
    }
}

#[test]
fn bad_input_is_refused_without_echoing_the_password() {
    assert_eq!(parse("  ").unwrap(), ConnectionString::default());
    for bad in [
        "postgresql://u:Secr3t@h:99999/db",
        "postgresql://u:Secr3t@h/db?sslmode=maybe",
        "postgresql://u:Secr3t@[::1/db",
        "host=h password=Secr3t bogus=1",
        "host=h password='Secr3t",
        "host h",
        "mysql://u:Secr3t@h/db",
        "host=h service=x",
    ] {
        let err = parse(bad).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
        assert!(!err.message().contains("Secr3t"), "{err}");
    }
    let huge = "host=h ".repeat(200_000);
    assert!(parse(&huge).unwrap_err().message().contains("too long"));
}

#[test]
fn hosts_are_names_addresses_or_socket_directories() {
    for good in [
        "db.example.com",
        "127.0.0.1",
        "my_host-1",
        "::1",
        "fe80::1%eth0",
        "2001:db8::5",
        "/var/run/postgresql",
    ] {
        assert!(check_host(good).is_ok(), "{good}");
    }
    for bad in [
        "evil.example]:5432/x?sslmode=disable&application_name=",
        "[::1]",
        "a]b",
        "a b",
        "h?x",
        "h#x",
        "u@h",
        "h/x",
        "h:5432",
        "",
        "h\nx",
        "fe80::1%",
        "fe80::1%a]b",
        "/tmp/a,b",
    ] {
        let err = check_host(bad).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
        assert!(err.message().contains("is not a host name"), "{err}");
        assert!(!err.message().contains('\n'), "{err}");
    }
    // In both syntaxes, a bad host is refused rather than read as something else.
    for bad in [
        "postgresql://u@evil]:5432/db?sslmode=verify-full",
        "postgresql://u@a%5Db:5432/db",
        "postgresql://u@h/db?host=a]b",
        "host=a]b dbname=db",
        "host='a b' dbname=db",
    ] {
        let err = parse(bad).unwrap_err();
        assert!(err.message().contains("is not a host name"), "{bad}: {err}");
    }
}

#[test]
fn a_uri_read_back_names_the_same_server_and_keeps_verify_full() {
    let hostile = [
        "evil.example]:5432/x?sslmode=disable&application_name=",
        "evil.example:1/x?sslmode=disable#",
        "a@evil.example",
        "[evil.example]",
        "evil.example, other",
        "h%2Fx",
    ];
    for host in hostile {
        let conn = ConnectionString::from_parts(host, 5433, "db", "u", SslMode::VerifyFull);
        let uri = conn.redacted();
        // Either refused, or read back exactly: never another server, never without verify-full.
        match parse(&uri) {
            Ok(back) => {
                assert_eq!(back.hosts(), vec![host.to_string()], "{uri}");
                assert_eq!(back.port(), 5433, "{uri}");
                assert_eq!(back.dbname(), "db", "{uri}");
                assert_eq!(back.sslmode(), SslMode::VerifyFull, "{uri}");
                assert!(back.params.is_empty(), "{uri}");
            }
            Err(e) => assert!(e.message().contains("is not a host name"), "{uri}: {e}"),
        }
    }
    for host in [
        "db.example.com",
        "::1",
        "fe80::1%eth0",
        "/var/run/postgresql",
        "10.0.0.7",
    ] {
        let mut conn = ConnectionString::from_parts(host, 6543, "my db", "u", SslMode::VerifyFull);
        conn.params.push(("sslrootcert".into(), "/etc/ca.pem".into()));
        let back = parse(&conn.redacted()).unwrap();
        assert_eq!(back.hosts(), vec![host.to_string()]);
        assert_eq!(
            (back.port(), back.dbname(), back.sslmode()),
            (6543, "my db", SslMode::VerifyFull)
        );
        assert_eq!(back.sslrootcert(), Some("/etc/ca.pem"));
    }
}

#[test]
fn passwords_with_special_characters_never_show() {
    // Issue 10 item 6: raw '/', '?', '#' in a URI password; tabs, upper case and unquoted
    // spaces in key=value form. Each either parses (the password found) or fails without it.
    for (text, password) in [
        ("postgresql://u:Se/cr3t@h:5432/db", "Se/cr3t"),
        ("postgresql://u:Se?cr3t@h/db?sslmode=require", "Se?cr3t"),
        ("postgresql://u:Se#cr3t@h/db", "Se#cr3t"),
        ("postgresql://u:Se@cr/3t@h/db", "Se@cr/3t"),
        ("postgresql://u:Se/cr3t@h:5432/db?sslmode=require", "Se/cr3t"),
    ] {
        let c = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(c.password.as_deref(), Some(password), "{text}");
        assert_eq!((c.host(), c.dbname()), ("h", "db"), "{text}");
        assert!(!format!("{c} {c:?} {}", redact(text)).contains("cr"), "{text}");
    }
    for bad in [
        "host=h password=Se cr3t",
        "host=h password=Secr3t x3t=1",
        "host=h\tPASSWORD\t=\tSecr3t",
        "host=h PASSWORD=Secr3t",
        "postgresql://u:Se/cr3t@h:99999/db",
        // Ambiguous: a port and a database name holding '@', or a password holding '/'.
        "postgresql://u:1/Secr3t@h:5432/db?sslmode=require",
        "postgresql://u:1?Secr3t@h/db",
        "postgresql://h/db?password=Se&cr3t",
        "postgresql://h/db?sslpassword=Se&cr3t=1",
    ] {
        let err = parse(bad).unwrap_err();
        assert!(
            !err.message().contains("cr3t") && !err.message().contains("Se"),
            "{bad}: {err}"
        );
        assert!(!redact(bad).contains("Secr3t"), "{bad}: {}", redact(bad));
    }
    // libpq's own case: an '@' in the query is no user information.
    let c = parse("postgresql://h:5433/db?application_name=a@b").unwrap();
    assert_eq!(
        (c.host(), c.port(), c.param("application_name")),
        ("h", 5433, Some("a@b"))
    );
    assert!(!c.has_password());
}

#[test]
fn every_secret_parameter_is_left_out_of_the_redacted_form() {
    // Issue 10 item 7.
    let c = parse("host=h dbname=d sslpassword=KeyPass1 sslcert=/c.pem").unwrap();
    let shown = format!(
        "{} {c} {c:?} {}",
        c.redacted(),
        serde_json::to_string(&c.info()).unwrap()
    );
    assert!(!shown.contains("KeyPass1"), "{shown}");
    assert!(shown.contains("sslcert=%2Fc.pem"), "{shown}");
    let c = parse("postgresql://u@h/d?sslpassword=KeyPass1").unwrap();
    assert!(!c.redacted().contains("KeyPass1"));
    for text in [
        "sslpassword=KeyPass1",
        "SSLPASSWORD = 'KeyPass1'",
        "x\tpassword\t=\tKeyPass1",
        "{\"db-password\": \"KeyPass1\"}",
        "postgresql://u:KeyPass1@h",
    ] {
        assert!(!redact(text).contains("KeyPass1"), "{text}: {}", redact(text));
    }
    assert_eq!(redact("wrong password: check it"), "wrong password: check it");
}

#[test]
fn redact_any_text() {
    let text = "failed: postgresql://u:Secr3t@h:5/db and host=h password=Secr3t2 x password = 'a b' y";
    let r = redact(text);
    assert!(!r.contains("Secr3t") && !r.contains("a b'"), "{r}");
    assert!(r.contains("postgresql://u:********@h:5/db"), "{r}");
    assert_eq!(redact("no secrets here"), "no secrets here");
}
