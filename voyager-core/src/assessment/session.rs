//! The assessment's session on a source database that may be hostile: its owner controls the
//! database's `search_path`, its function and operator names, and its locks.
//!
//! - Every connection starts with `search_path=pg_catalog` (see
//!   [`PINNED_OPTIONS`](crate::connection::PINNED_OPTIONS)); the transaction sets it again, for
//!   poolers that drop startup options. The catalog SQL also names `pg_catalog` for every
//!   function it calls.
//! - Everything runs in one READ ONLY transaction per connection (REPEATABLE READ: the queries
//!   of a connection see one snapshot), so nothing the owner planted can write as us.
//! - A lock timeout and a statement timeout end the assessment with a message instead of a
//!   hang when a relation is locked ACCESS EXCLUSIVE (`ALTER`, `VACUUM FULL`, `REINDEX`); the
//!   message names the locked relations and who holds them, where `pg_locks` and
//!   `pg_stat_activity` show it.

use std::time::Duration;

use tokio_postgres::Client;

use crate::{Error, ErrorKind, Result};

/// How long one catalog query waits for a lock by default (`--lock-timeout-seconds`).
pub const DEFAULT_LOCK_TIMEOUT_SECONDS: u64 = 10;
/// How long one catalog query may run by default (`--statement-timeout-seconds`).
pub const DEFAULT_STATEMENT_TIMEOUT_SECONDS: u64 = 300;
/// The largest timeout PostgreSQL takes (`INT_MAX` milliseconds), in whole seconds.
const MAX_TIMEOUT_SECONDS: u64 = i32::MAX as u64 / 1000;

/// The assessment session's timeouts. Zero means none (PostgreSQL's meaning of 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub lock_timeout: Duration,
    pub statement_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            lock_timeout: Duration::from_secs(DEFAULT_LOCK_TIMEOUT_SECONDS),
            statement_timeout: Duration::from_secs(DEFAULT_STATEMENT_TIMEOUT_SECONDS),
        }
    }
}

impl Limits {
    /// The limits from flags given in seconds (the defaults for those not given).
    pub fn from_seconds(lock_timeout: Option<u64>, statement_timeout: Option<u64>) -> Result<Self> {
        let check = |value: Option<u64>, default: u64, flag: &str| match value {
            Some(s) if s > MAX_TIMEOUT_SECONDS => Err(Error::invalid_argument(format!(
                "{flag} {s} is too large: give at most {MAX_TIMEOUT_SECONDS} seconds, or 0 for no limit"
            ))),
            Some(s) => Ok(Duration::from_secs(s)),
            None => Ok(Duration::from_secs(default)),
        };
        Ok(Limits {
            lock_timeout: check(
                lock_timeout,
                DEFAULT_LOCK_TIMEOUT_SECONDS,
                "\u{E000}lock_timeout_seconds\u{E001}",
            )?,
            statement_timeout: check(
                statement_timeout,
                DEFAULT_STATEMENT_TIMEOUT_SECONDS,
                "\u{E000}statement_timeout_seconds\u{E001}",
            )?,
        })
    }
}

/// Start the assessment's read-only transaction on `client`.
pub async fn begin(client: &Client, limits: Limits) -> Result<()> {
    // Two statements (the settings in one): the session costs the source little.
    client
        .batch_execute(&format!(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; \
             SELECT pg_catalog.set_config('search_path', 'pg_catalog', true), \
                    pg_catalog.set_config('lock_timeout', '{}', true), \
                    pg_catalog.set_config('statement_timeout', '{}', true)",
            limits.lock_timeout.as_millis().min(i32::MAX as u128),
            limits.statement_timeout.as_millis().min(i32::MAX as u128)
        ))
        .await
        .map_err(|e| {
            let what = if e.code() == Some(&tokio_postgres::error::SqlState::ADMIN_SHUTDOWN) {
                "the source database went away before the assessment began; nothing was written"
            } else if e.is_closed() || e.code().is_none() {
                "the connection to the source was lost before the assessment began; nothing was written"
            } else {
                "could not start the assessment's read-only transaction"
            };
            Error::database(ErrorKind::Connection, what, &e)
        })
}

/// End the transaction (it wrote nothing: there is nothing to commit).
pub async fn end(client: &Client) {
    if !client.is_closed() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
}

/// The relations of this database that other sessions hold ACCESS EXCLUSIVE, and what those
/// sessions are doing (their query is shown only to a user allowed to see it).
const LOCK_HOLDERS_SQL: &str =
    "SELECT coalesce(n.nspname::text || '.' || c.relname::text, 'relation ' || l.relation::text) AS relation, \
        coalesce(CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' \
                 WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' ELSE 'table' END, 'relation') AS kind, \
        l.pid, a.usename::text AS usename, a.application_name::text AS application_name, a.state::text AS state, \
        extract(epoch FROM pg_catalog.now() - a.xact_start)::float8 AS xact_age, \
        pg_catalog.left(a.query, 200) AS query \
     FROM pg_catalog.pg_locks l \
     LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation \
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
     WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'AccessExclusiveLock' \
       AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) \
       AND l.pid <> pg_catalog.pg_backend_pid() \
     ORDER BY 1 LIMIT 10";

/// `err` (a lock timeout, SQLSTATE 55P03) with the locked relations and their holders named.
pub async fn explain_lock_timeout(client: &Client, err: Error, limits: Limits) -> Error {
    let seen = match lock_holders(client).await {
        holders if holders.is_empty() => {
            "a relation it reads was locked by another session (released since, so its holder is not known)".to_string()
        }
        holders => holders.join("; "),
    };
    err.with_note(format!(
        "{seen}; run the assessment again when that work is done, or let it wait longer than {} s with \
         \u{E000}lock_timeout_seconds\u{E001}",
        limits.lock_timeout.as_secs()
    ))
}

/// One line per session holding locks: `view a.b and table a.c are locked ACCESS EXCLUSIVE by
/// pid 7 (user u, application 'x', idle in transaction for 42 s, last query: ...)`.
async fn lock_holders(client: &Client) -> Vec<String> {
    let rows = async {
        client
            .batch_execute(
                "ROLLBACK; BEGIN READ ONLY; SET LOCAL search_path = pg_catalog; \
                 SET LOCAL lock_timeout = 1000; SET LOCAL statement_timeout = 5000",
            )
            .await?;
        let rows = client.query(LOCK_HOLDERS_SQL, &[]).await;
        let _ = client.batch_execute("ROLLBACK").await;
        rows
    }
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            tracing::debug!(
                "could not read the lock holders: {}",
                crate::connection::redact(&e.to_string())
            );
            return Vec::new();
        }
    };
    let mut by_holder: std::collections::BTreeMap<i32, (Vec<String>, String)> = Default::default();
    for r in &rows {
        let (Ok(pid), Ok(kind), Ok(relation)) = (
            r.try_get::<_, i32>("pid"),
            r.try_get::<_, String>("kind"),
            r.try_get::<_, String>("relation"),
        ) else {
            continue;
        };
        let object = format!("{kind} {relation}");
        let held = by_holder.entry(pid).or_insert_with(|| (Vec::new(), holder(r)));
        held.0.push(object);
    }
    by_holder
        .into_values()
        .map(|(objects, who)| {
            let verb = if objects.len() == 1 { "is" } else { "are" };
            crate::connection::redact(&format!(
                "{} {verb} locked ACCESS EXCLUSIVE by {who}",
                objects.join(" and ")
            ))
        })
        .collect()
}

/// Who holds a lock, as far as `pg_stat_activity` shows this user.
fn holder(r: &tokio_postgres::Row) -> String {
    let mut about = Vec::new();
    let text = |name: &str| r.try_get::<_, Option<String>>(name).ok().flatten();
    if let Some(user) = text("usename") {
        about.push(format!("user {user}"));
    }
    if let Some(app) = text("application_name").filter(|a| !a.is_empty()) {
        about.push(format!("application '{app}'"));
    }
    match (text("state"), r.try_get::<_, Option<f64>>("xact_age").ok().flatten()) {
        (Some(state), Some(age)) => about.push(format!("{state}, in a transaction for {} s", age.round() as i64)),
        (Some(state), None) => about.push(state),
        (None, Some(age)) => about.push(format!("in a transaction for {} s", age.round() as i64)),
        (None, None) => {}
    }
    if let Some(query) = text("query").filter(|q| !q.is_empty()) {
        // Someone else's statement: shown unless it may carry a secret.
        let lower = query.to_lowercase();
        if lower.contains("password") || lower.contains("secret") {
            about.push("last query hidden (it mentions a password)".into());
        } else {
            about.push(format!(
                "last query: {}",
                query.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    let pid: i32 = r.try_get("pid").unwrap_or_default();
    if about.is_empty() {
        format!("pid {pid}")
    } else {
        format!("pid {pid} ({})", about.join(", "))
    }
}
