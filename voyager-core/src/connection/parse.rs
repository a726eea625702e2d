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
    // The text itself is never echoed: it may hold a password we could not find.
    result.map_err(|e| e.context("invalid connection string"))
}

/// Whether a connection keyword names a secret (`password`, `sslpassword`), whatever its case.
pub(super) fn is_secret_key(key: &str) -> bool {
    let key = key.trim().to_ascii_lowercase();
    key.contains("password") || key.contains("passwd") || key.contains("secret")
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
    let (mut authority, mut path) = match before_query.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (before_query, None),
    };
    let mut query = query;
    if let Some((userinfo, after)) = userinfo_with_raw_delimiters(rest, authority)? {
        // A password holding a raw '/', '?' or '#': the authority runs to the last '@'.
        let (a, q) = match after.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (after, None),
        };
        query = q;
        (authority, path) = match a.split_once('/') {
            Some((h, p)) => (h, Some(p)),
            None => (a, None),
        };
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        if !user.is_empty() {
            conn.user = Some(decode(user, "user name")?);
        }
        conn.password = Some(decode(password, "password")?);
    }
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
    let mut after_secret = false;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let result = pair
            .split_once('=')
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "URI parameter '{}' has no '=value'",
                    pair.chars().take(40).collect::<String>()
                ))
            })
            .and_then(|(key, value)| {
                let key = decode(key, "parameter name")?;
                let secret = is_secret_key(&key);
                set(&mut conn, &key, decode(value, "parameter value")?)?;
                Ok(secret)
            });
        match result {
            Ok(secret) => after_secret = secret,
            // Right after a secret, this text may be the rest of it (an unencoded '&').
            Err(_) if after_secret => return Err(secret_split_error("a URI parameter", "%26 for '&'")),
            Err(e) => return Err(e),
        }
    }
    Ok(conn)
}

/// The error for text that may be part of a secret: it echoes nothing.
fn secret_split_error(what: &str, hint: &str) -> Error {
    Error::invalid_argument(format!(
        "{what} after a password could not be read (the password may hold a special character: \
         percent-encode it in a URI ({hint}), or quote it in single quotes in key=value form)"
    ))
}

/// When the URI's password holds a raw `/`, `?`, `#` or `@`, the user information up to the
/// last `@` and the text after it (libpq would cut the authority at the first `/` or `?`, and
/// then show part of the password as a host, port or database name). When both readings are
/// possible (`u:1/x@h/db`: host `u`, port 1 and database `x@h/db` for libpq, or password
/// `1/x`), the URI is refused: guessing wrong would either show a password or connect elsewhere.
fn userinfo_with_raw_delimiters<'a>(rest: &'a str, authority: &str) -> Result<Option<(&'a str, &'a str)>> {
    // An '@' inside a query parameter's value (`?application_name=a@b`) is no user
    // information: the candidates end at the first '=' after the first '?'.
    let end = rest
        .find('?')
        .map_or(rest.len(), |q| rest[q..].find('=').map_or(rest.len(), |e| q + e));
    let Some(at) = rest[..end].rfind('@') else {
        return Ok(None);
    };
    let (userinfo, after) = (&rest[..at], &rest[at + 1..]);
    match authority.rfind('@') {
        // The usual case, or no password given: libpq's reading.
        Some(at) if at == userinfo.len() || !authority[..at].contains(':') => Ok(None),
        Some(_) => Ok(Some((userinfo, after))),
        None if !authority.contains(':') => Ok(None),
        None => {
            let hosts_valid = authority.split(',').filter(|s| !s.is_empty()).all(|spec| {
                split_host_port(spec).is_ok_and(|(_, port)| !matches!(port, Some(p) if parse_port(p).is_err()))
            });
            if hosts_valid {
                Err(Error::invalid_argument(
                    "the URI has an '@' after its first '/' or '?', so it reads either as a \
                     password holding '/' or '?' or as a database name or parameter holding '@': \
                     percent-encode the password's '/' as %2F and '?' as %3F, or the '@' as %40",
                ))
            } else {
                Ok(Some((userinfo, after)))
            }
        }
    }
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
    // After an unquoted secret, a stray word may be the rest of it (an unquoted space).
    let mut after_unquoted_secret = false;
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
            if after_unquoted_secret {
                return Err(secret_split_error("a word", "%20 for a space"));
            }
            return Err(Error::invalid_argument(format!(
                "'{}' is not followed by '=' (expected key=value pairs such as host=db.example.com dbname=app)",
                key.chars().take(40).collect::<String>()
            )));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        let quoted = chars.peek() == Some(&'\'');
        if quoted {
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
        let secret = is_secret_key(&key);
        match set(&mut conn, &key, value) {
            Err(_) if after_unquoted_secret => return Err(secret_split_error("a word", "%20 for a space")),
            result => result?,
        }
        after_unquoted_secret = secret && !quoted;
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
    for (k, v) in conn.params.iter().filter(|(k, _)| !is_secret_key(k)) {
        query.push(format!("{}={}", enc(k), enc(v)));
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    out
}

/// Remove secrets from any text that may hold connection strings, even ones that do not parse:
/// a URI's user information up to its last `@`, and the value of every key that names a secret
/// (`password`, `sslpassword`, `PASSWORD`, ...) whatever its case or the spacing around `=`
/// or `:`, quoted or not.
pub fn redact(text: &str) -> String {
    redact_secret_values(&redact_uris(text))
}

const MASK: &str = "********";

fn redact_secret_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search_from = 0;
    while let Some((found, word)) = ["password", "passwd", "secret"]
        .iter()
        .filter_map(|w| lower[search_from..].find(w).map(|at| (search_from + at, w.len())))
        .min()
    {
        // Key characters ("_db-password", "sslpassword_x"), then blanks, then '=' or ':'.
        let mut i = found + word;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-') {
            i += 1;
        }
        // A quoted key (JSON's `"password": "x"`) may be followed by ':' too; prose such as
        // "wrong password: ..." is left alone.
        let quoted_key = i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'');
        if quoted_key {
            i += 1;
        }
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        // `password: "x"` (Rust's Debug, YAML with a quoted value) counts too.
        let quoted_value_follows = || {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'')
        };
        if i >= bytes.len() || !(bytes[i] == b'=' || (bytes[i] == b':' && (quoted_key || quoted_value_follows()))) {
            search_from = found + word;
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value_start = i;
        let mut end = i;
        match bytes.get(end) {
            Some(&q) if q == b'\'' || q == b'"' => {
                end += 1;
                while end < bytes.len() && bytes[end] != q {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                end = (end + 1).min(bytes.len());
            }
            _ => {
                // In a URI's query ('?' or '&' before the key) a value ends at '&'; in key=value
                // text only at a blank.
                let in_query = found > 0 && matches!(bytes[found - 1], b'?' | b'&');
                while end < bytes.len() && !bytes[end].is_ascii_whitespace() && !(in_query && bytes[end] == b'&') {
                    end += 1;
                }
            }
        }
        if end > value_start {
            out.push_str(&text[copied..value_start]);
            out.push_str(MASK);
            copied = end;
        }
        search_from = end.max(found + word);
    }
    out.push_str(&text[copied..]);
    out
}

/// `scheme://user:secret@host...` becomes `scheme://user:********@host...`: the user
/// information runs to the token's last `@` (a password may hold `/`, `?`, `#` or `@`).
fn redact_uris(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        // The token runs to a blank: a raw password may hold any other character, quotes too.
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let token = &tail[..end];
        // The last '@' of the token, even past a '/' or '?': a password may hold both, and
        // masking too much is better than too little.
        match token
            .rfind('@')
            .and_then(|at| token[..at].find(':').map(|colon| (colon, at)))
        {
            Some((colon, at)) => {
                out.push_str(&token[..colon]);
                out.push(':');
                out.push_str(MASK);
                out.push_str(&token[at..]);
            }
            None => out.push_str(token),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;

/// `Debug` for answers and requests that may hold passwords: the fields as JSON, with every
/// `*password*` field shown as set or not and every string redacted.
pub fn debug_redacted(value: &impl serde::Serialize, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    fn scrub(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (key, field) in map.iter_mut() {
                    if is_secret_key(key) && !field.is_null() {
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
