//! Retrying the control plane's transactions: serialization failures (SQLSTATE 40001, as
//! YugabyteDB requires), deadlocks, key races between concurrent writers, and a dropped
//! connection (after reconnecting), with backoff.

/// Run `$body` (which uses `$tx`, the transaction) in one transaction on `$cp`, retried with
/// backoff on the failures worth another try (and key races between concurrent writers).
/// `return` in the body ends the transaction's work early, still committing. A macro rather
/// than a function over async closures, whose futures the compiler cannot yet prove `Send`.
macro_rules! transact {
    ($cp:expr, $what:expr, |$tx:ident| $body:block) => {{
        let cp: &$crate::control_plane::ControlPlane = $cp;
        let mut tries = 0;
        loop {
            let mut client = cp.client.lock().await;
            let result = match client.transaction().await {
                Ok(transaction) => {
                    let worked: std::result::Result<_, tokio_postgres::Error> = async {
                        let $tx = &transaction;
                        $body
                    }
                    .await;
                    match worked {
                        Ok(value) => transaction.commit().await.map(|()| value),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            drop(client);
            match result {
                Ok(value) => break Ok(value),
                Err(e) if $crate::control_plane::retry::worth_retrying(&e, tries) => {
                    tries += 1;
                    cp.recover(&e, tries).await?;
                }
                Err(e) => break Err(cp.failed($what, &e)),
            }
        }
    }};
}

use std::time::Duration;

use tokio_postgres::error::SqlState;

use super::{ControlPlane, CONNECT_TIMEOUT};
use crate::Result;

/// How many times a transaction is retried before its failure is reported.
pub(super) const MAX_TRIES: u32 = 8;

/// Whether a transaction's failure is worth try number `tries + 1`.
pub(super) fn worth_retrying(e: &tokio_postgres::Error, tries: u32) -> bool {
    tries < MAX_TRIES && (retryable(e) || e.code() == Some(&SqlState::UNIQUE_VIOLATION))
}

/// Failures worth another try: serialization (40001), deadlock, and a lost connection.
pub(super) fn retryable(e: &tokio_postgres::Error) -> bool {
    match e.code() {
        Some(c) => {
            *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
        }
        None => true,
    }
}

/// Two processes creating the same schema at once collide on the catalogs' unique keys.
pub(super) fn is_creation_race(e: &tokio_postgres::Error) -> bool {
    matches!(e.code(), Some(c) if *c == SqlState::UNIQUE_VIOLATION || *c == SqlState::DUPLICATE_TABLE || *c == SqlState::DUPLICATE_SCHEMA || *c == SqlState::DUPLICATE_OBJECT)
}

impl ControlPlane {
    /// Wait before the next try, reconnecting if the connection is gone.
    pub(super) async fn recover(&self, e: &tokio_postgres::Error, tries: u32) -> Result<()> {
        let backoff = Duration::from_millis((25u64 << tries.min(6)).min(2_000));
        tokio::time::sleep(backoff).await;
        let mut client = self.client.lock().await;
        if e.is_closed() || client.is_closed() || e.code().is_none() {
            match self.conn.connect(CONNECT_TIMEOUT).await {
                Ok(fresh) => *client = fresh,
                Err(err) if tries < MAX_TRIES => tracing::debug!("control plane still away: {}", err.message()),
                Err(err) => return Err(err.with_kind(crate::ErrorKind::ControlPlane)),
            }
        }
        Ok(())
    }
}
