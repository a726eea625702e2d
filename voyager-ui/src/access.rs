//! Who may ask and what every answer carries: the token check, the Host check (a page on
//! another site cannot reach a loopback dashboard through DNS rebinding), and the security
//! headers of every response.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::App;

/// The cookie that carries the token after the first request that gave it in the URL.
const COOKIE: &str = "voyager_ui_token";

/// No inline script or style, nothing from another origin, no framing, forms only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A fresh token: 122 random bits from the operating system.
pub fn new_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Refuse requests without the token (when there is one) or for a Host that is not this
/// dashboard's; add the security headers to every answer.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if !host_allowed(&app, request.headers()) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this dashboard answers only to its own address",
        );
    }
    let mut set_cookie = false;
    if let Some(token) = &app.token {
        let from_query = query_token(request.uri().query());
        let from_cookie = cookie_token(request.headers());
        let from_header = bearer_token(request.headers());
        let given = [from_header, from_cookie, from_query.clone()];
        if !given.iter().flatten().any(|t| same(t, token)) {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "this dashboard needs its token: open the URL `voyager ui` printed (it ends with ?token=...), \
                 or send Authorization: Bearer <token>",
            );
        }
        set_cookie = from_query.is_some_and(|t| same(&t, token));
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    secure(headers);
    if set_cookie {
        let cookie = app
            .token
            .as_ref()
            .map(|t| format!("{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/"));
        if let Some(Ok(value)) = cookie.map(HeaderValue::try_from) {
            headers.insert(header::SET_COOKIE, value);
        }
    }
    response
}

fn secure(headers: &mut HeaderMap) {
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

fn refuse(status: StatusCode, message: &'static str) -> Response {
    let mut response = (status, message).into_response();
    secure(response.headers_mut());
    response
}

/// On loopback, only loopback names may be in the Host header; elsewhere the token is the guard.
fn host_allowed(app: &App, headers: &HeaderMap) -> bool {
    if !app.bind.is_loopback() {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true; // HTTP/1.0 without Host: not a browser on another site
    };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "localhost" | "127.0.0.1" | "[::1]") || name.starts_with("127.")
}

fn query_token(query: Option<&str>) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "token").then(|| {
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| {
            cookies.split(';').find_map(|c| {
                let (name, value) = c.trim().split_once('=')?;
                (name == COOKIE).then(|| value.to_string())
            })
        })
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

/// Equal, in time that does not depend on where they differ.
fn same(given: &str, token: &str) -> bool {
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_where_clients_put_them() {
        assert_eq!(query_token(Some("page=2&token=abc%20d")).as_deref(), Some("abc d"));
        assert_eq!(query_token(Some("page=2")), None);
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; voyager_ui_token=xyz"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer qq"));
        assert_eq!(cookie_token(&h).as_deref(), Some("xyz"));
        assert_eq!(bearer_token(&h).as_deref(), Some("qq"));
        assert!(same("abc", "abc") && !same("abd", "abc") && !same("ab", "abc"));
        assert_eq!(new_token().len(), 32);
        assert_ne!(new_token(), new_token());
    }
}
