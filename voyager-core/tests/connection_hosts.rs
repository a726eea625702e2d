//! Multi-host connection strings against the real sandbox server: `connect_timeout` applies to
//! each host (and each address of a host name), as libpq applies it, so a first host that
//! accepts TCP but never answers does not stop the failover to the next one.

mod support;

use std::time::{Duration, Instant};

use support::*;
use voyager_core::connection::{ConnectionString, LibpqEnv};
use voyager_core::ErrorKind;

fn conn(text: &str) -> ConnectionString {
    ConnectionString::parse(text).unwrap().resolve(&LibpqEnv::empty())
}

/// A TCP port that accepts connections (the kernel completes the handshake) and never answers.
fn silent_listener() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

#[tokio::test]
async fn a_silent_first_host_fails_over_to_the_next_after_its_connect_timeout() {
    let (_silent, silent) = silent_listener();
    let (host, port) = (source_host(), source_port());
    let text = format!("postgresql://amakala:password@{host}:{silent},{host}:{port}/db1?connect_timeout=2");
    let started = Instant::now();
    let client = conn(&text).connect(TIMEOUT).await.unwrap();
    let took = started.elapsed();
    let db: String = client.query_one("SELECT current_database()", &[]).await.unwrap().get(0);
    assert_eq!(db, "db1");
    // The first host had its 2 s; the second answered at once.
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(6),
        "{took:?}"
    );

    // Keyword/value form, with the ports listed apart; without connect_timeout each host gets
    // the caller's timeout.
    let text = format!("host={host},{host} port={silent},{port} dbname=db2 user=amakala password=password");
    let started = Instant::now();
    conn(&text).connect(Duration::from_secs(1)).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn connect_timeout_is_not_capped_by_the_callers_timeout() {
    let (_silent, silent) = silent_listener();
    let text = format!("postgresql://u:Secr3t-hosts@127.0.0.1:{silent}/db?connect_timeout=3");
    let started = Instant::now();
    let err = conn(&text).connect(Duration::from_secs(1)).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(2900) && took < Duration::from_secs(6),
        "{took:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.message().contains("no answer within 3 s"), "{err}");
    assert!(!err.message().contains("Secr3t"), "{err}");
    // libpq's minimum: 1 s means 2 s.
    let text = format!("postgresql://u@127.0.0.1:{silent}/db?connect_timeout=1");
    let started = Instant::now();
    conn(&text).connect(Duration::from_secs(10)).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[tokio::test]
async fn when_every_host_fails_the_message_names_each() {
    let (_silent, silent) = silent_listener();
    let closed = closed_port();
    let text = format!("postgresql://u:Secr3t-hosts@127.0.0.1:{silent},127.0.0.1:{closed}/db?connect_timeout=2");
    let err = conn(&text).connect(TIMEOUT).await.unwrap_err();
    let message = err.message();
    assert!(message.contains("any of 2 addresses"), "{message}");
    assert!(
        message.contains(&format!("127.0.0.1:{silent}/db as u: no answer within 2 s")),
        "{message}"
    );
    assert!(
        message.contains(&format!("127.0.0.1:{closed}/db as u: connection refused")),
        "{message}"
    );
    assert!(!message.contains("Secr3t"), "{message}");
    // One port per host, or one for all.
    let err = conn("host=a,b,c port=1,2 dbname=d").connect(TIMEOUT).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
}
