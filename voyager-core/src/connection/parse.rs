//! Reading and writing connection strings: libpq's URI and keyword/value syntaxes.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use super::{ConnectionString, KNOWN_PARAMS};
use crate::{Error, Result};

/// Longer strings are refused before any work: no real connection string is this long.
const MAX_LEN: usize = 64 * 1024;

pub(super) fn parse(text: &str) -> Result<ConnectionString> {
    if text.len() > MAX_LEN {
        return Err(Error::invalid_argument(format!(
            "a connection string of {} bytes is too long (at most {MAX_LEN})",
            text.len()
        )));
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        // As libpq: everything comes from the PG* environment and the defaults.
        return Ok(ConnectionString::default());
    }
    let result = match trimmed
        .strip_prefix("postgresql://")
        .or_else(|| trimmed.strip_prefix("postgres://"))
    {
        Some(rest) => parse_uri(rest),
        None if trimmed.contains("://") => Err(Error::invalid_argument(
            "only postgresql:// and postgres:// URIs are connection strings".to_string(),
        )),
        None => parse_key_values(trimmed),
    };
    result.map_err(|e| e.context(format!("invalid connection string '{}'", redact(trimmed))))
}

fn decode(part: &str, what: &str) -> Result<String> {
    percent_decode_str(part)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::invalid_argument(format!("the {what} is not valid percent-encoded UTF-8")))
}

fn parse_uri(rest: &str) -> Result<ConnectionString> {
    let mut conn = ConnectionString::default();
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (before_query, None),
    };
    let hostspec = match authority.rsplit_once('@') {
        Some((userinfo, hostspec)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                conn.user = Some(decode(user, "user name")?);
            }
            if let Some(p) = password {
                conn.password = Some(decode(p, "password")?);
            }
            hostspec
        }
        None => authority,
    };
    for spec in hostspec.split(',').filter(|s| !s.is_empty()) {
        let (host, port) = split_host_port(spec)?;
        if !host.is_empty() {
            let host = decode(host, "host")?;
            check_host(&host)?;
            conn.hosts.push(host);
        }
        if let Some(port) = port {
            conn.ports.push(parse_port(port)?);
        }
    }
    if let Some(path) = path.filter(|p| !p.is_empty()) {
        conn.dbname = Some(decode(path, "database name")?);
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            Error::invalid_argument(format!(
                "URI parameter '{}' has no '=value'",
                pair.chars().take(40).collect::<String>()
            ))
        })?;
        set(
            &mut conn,
            &decode(key, "parameter name")?,
            decode(value, "parameter value")?,
        )?;
    }
    Ok(conn)
}

fn split_host_port(spec: &str) -> Result<(&str, Option<&str>)> {
    if let Some(rest) = spec.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| Error::invalid_argument("an IPv6 host '[' has no closing ']'"))?;
        return match after {
            "" => Ok((host, None)),
            p if p.starts_with(':') => Ok((host, Some(&p[1..]))),
            _ => Err(Error::invalid_argument("unexpected text after an IPv6 host's ']'")),
        };
    }
    Ok(match spec.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (spec, None),
    })
}

/// What a host may be: a host name or IPv4 address (letters, digits, `-`, `.`, `_`), an IPv6
/// address (hex digits, `:` and `.`, with an optional `%zone`), or a Unix socket directory (an
/// absolute path). Anything else (`]`, `/`, `?`, `@`, `#`, spaces, control characters) is
/// refused: re-read as part of a URI it could name another server or drop `sslmode`.
pub fn check_host(host: &str) -> Result<()> {
    let name = |h: &str| {
        !h.is_empty()
            && h.len() <= 253
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    };
    let ipv6 = |h: &str| {
        let (addr, zone) = match h.split_once('%') {
            Some((a, z)) => (a, Some(z)),
            None => (h, None),
        };
        addr.contains(':')
            && addr.parse::<std::net::Ipv6Addr>().is_ok()
            && zone.is_none_or(|z| {
                !z.is_empty()
                    && z.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            })
    };
    let socket_dir = |h: &str| h.starts_with('/') && !h.chars().any(|c| c.is_control() || c == ',');
    if name(host) || ipv6(host) || socket_dir(host) {
        return Ok(());
    }
    let shown: String = host.chars().take(60).flat_map(char::escape_default).collect();
    Err(Error::invalid_argument(format!(
        "host '{shown}' is not a host name, an IP address or a Unix socket directory: \
         a host name holds only letters, digits, '-', '.' and '_' (an IPv6 address in a URI goes in [brackets])"
    )))
}

fn parse_port(text: &str) -> Result<u16> {
    match text.parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(Error::invalid_argument(format!(
            "port '{}' is not a number from 1 to 65535",
            text.chars().take(20).collect::<String>()
        ))),
    }
}

fn parse_key_values(text: &str) -> Result<ConnectionString> {
    let mut conn = ConnectionString::default();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(Error::invalid_argument(format!(
                "'{}' is not followed by '=' (expected key=value pairs such as host=db.example.com dbname=app)",
                key.chars().take(40).collect::<String>()
            )));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => {
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(Error::invalid_argument(format!(
                    "the quoted value of '{key}' has no closing quote"
                )));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        set(&mut conn, &key, value)?;
    }
    Ok(conn)
}

/// Set one keyword, checking its value where libpq would.
fn set(conn: &mut ConnectionString, key: &str, value: String) -> Result<()> {
    match key {
        "host" => {
            conn.hosts = value.split(',').filter(|h| !h.is_empty()).map(str::to_string).collect();
            conn.hosts.iter().try_for_each(|h| check_host(h))?;
        }
        "port" => {
            conn.ports = value
                .split(',')
                .filter(|p| !p.is_empty())
                .map(parse_port)
                .collect::<Result<_>>()?;
        }
        "dbname" => conn.dbname = Some(value),
        "user" => conn.user = Some(value),
        "password" => conn.password = Some(value),
        "sslmode" => conn.sslmode = Some(value.parse()?),
        "connect_timeout"
        | "keepalives"
        | "keepalives_idle"
        | "keepalives_interval"
        | "keepalives_count"
        | "tcp_user_timeout" => {
            if value.parse::<u64>().is_err() {
                return Err(Error::invalid_argument(format!(
                    "{key} '{value}' is not a whole number"
                )));
            }
            conn.params.push((key.into(), value));
        }
        "target_session_attrs" if !matches!(value.as_str(), "any" | "read-write" | "read-only") => {
            return Err(Error::invalid_argument(format!(
                "target_session_attrs '{value}' is not one of any, read-write, read-only"
            )))
        }
        k if KNOWN_PARAMS.contains(&k) => conn.params.push((key.into(), value)),
        "service" => {
            return Err(Error::invalid_argument(
                "the 'service' keyword (pg_service.conf) is not supported: give host, port and dbname instead",
            ))
        }
        _ => {
            return Err(Error::invalid_argument(format!(
                "'{}' is not a connection option libpq knows",
                key.chars().take(40).collect::<String>()
            )))
        }
    }
    Ok(())
}

/// What percent-encoding leaves alone in a URI component.
const COMPONENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b',')
    .add(b'+');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// The URI form without the password.
pub(super) fn to_uri(conn: &ConnectionString) -> String {
    let mut out = String::from("postgresql://");
    if let Some(user) = &conn.user {
        out.push_str(&enc(user));
        out.push('@');
    }
    let hosts = if conn.hosts.is_empty() {
        vec![String::new()]
    } else {
        conn.hosts.clone()
    };
    let specs: Vec<String> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            // Brackets only around a real IPv6 address; anything else is percent-encoded, so
            // that reading the URI back gives the same host and parameters.
            let host = if h.contains(':') && check_host(h).is_ok() && !h.starts_with('/') {
                format!("[{}]", h.replace('%', "%25"))
            } else {
                enc(h)
            };
            let port = conn.ports.get(i).or(if conn.ports.len() == 1 {
                conn.ports.first()
            } else {
                None
            });
            match port {
                Some(p) => format!("{host}:{p}"),
                None => host,
            }
        })
        .collect();
    out.push_str(&specs.join(","));
    if let Some(db) = &conn.dbname {
        out.push('/');
        out.push_str(&enc(db));
    }
    let mut query: Vec<String> = Vec::new();
    if let Some(mode) = conn.sslmode {
        query.push(format!("sslmode={}", mode.as_str()));
    }
    for (k, v) in &conn.params {
        query.push(format!("{}={}", enc(k), enc(v)));
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    out
}

/// Remove passwords from any text that may hold connection strings, even ones that do not
/// parse: the `:password@` of URIs and `password=...` pairs (quoted or not).
pub fn redact(text: &str) -> String {
    let mut out = redact_uris(text);
    let mut search_from = 0;
    while let Some(found) = out[search_from..].find("password") {
        let start = search_from + found;
        let mut i = start + "password".len();
        let bytes = out.as_bytes();
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            search_from = start + "password".len();
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let value_start = i;
        let mut end = i;
        if end < bytes.len() && bytes[end] == b'\'' {
            end += 1;
            while end < bytes.len() && bytes[end] != b'\'' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            end = (end + 1).min(bytes.len());
        } else {
            while end < bytes.len() && !bytes[end].is_ascii_whitespace() && bytes[end] != b'&' {
                end += 1;
            }
        }
        out.replace_range(value_start..end, "********");
        search_from = value_start + 8;
    }
    out
}

fn redact_uris(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '/' || c == '?' || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => match authority[..at].find(':') {
                Some(colon) => {
                    out.push_str(&authority[..colon]);
                    out.push_str(":********");
                    out.push_str(&authority[at..]);
                }
                None => out.push_str(authority),
            },
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
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
        let c = parse(
            "host=localhost port = 5433 dbname='my \\'db\\' ünï' user=amakala password='a b\\'c' sslmode=require",
        )
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
    fn redact_any_text() {
        let text = "failed: postgresql://u:Secr3t@h:5/db and host=h password=Secr3t2 x password = 'a b' y";
        let r = redact(text);
        assert!(!r.contains("Secr3t") && !r.contains("a b'"), "{r}");
        assert!(r.contains("postgresql://u:********@h:5/db"), "{r}");
        assert_eq!(redact("no secrets here"), "no secrets here");
    }
}

/// `Debug` for answers and requests that may hold passwords: the fields as JSON, with every
/// `*password*` field shown as set or not and every string redacted.
pub fn debug_redacted(value: &impl serde::Serialize, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    fn scrub(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (key, field) in map.iter_mut() {
                    if key.contains("password") && !field.is_null() {
                        *field = serde_json::Value::String("<set>".into());
                    } else {
                        scrub(field);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
            serde_json::Value::String(s) => *s = redact(s),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(value).map_err(|_| std::fmt::Error)?;
    scrub(&mut json);
    write!(f, "{json}")
}

#[cfg(test)]
mod debug_tests {
    #[test]
    fn debug_of_answers_never_shows_a_password() {
        let answers = crate::init::InitAnswers {
            source: Some("postgresql://u:Sekrit1@h/db".into()),
            source_password: Some("Sekrit2".into()),
            ..Default::default()
        };
        let shown = format!("{answers:?}");
        assert!(!shown.contains("Sekrit"), "{shown}");
        assert!(shown.contains("<set>") && shown.contains("@h/db"), "{shown}");
    }
}
