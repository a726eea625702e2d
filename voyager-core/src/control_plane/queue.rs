//! The fleet's work queue: every database of a fleet run is an item that a worker claims with a
//! lease, renews while it assesses, and finishes in the same transaction that stores the
//! assessment. A killed worker's lease runs out and another worker takes the item, so several
//! `assess-fleet` processes, on one machine or many, assess each database exactly once.
//! Claims use `FOR UPDATE SKIP LOCKED`, which YugabyteDB runs too.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_postgres::Transaction;
use uuid::Uuid;

use super::{upsert_source, ControlPlane, SourceDetails};
use crate::vocabulary::QueueState;
use crate::Result;

/// Who holds an item: the fleet run and the worker's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub fleet_run_id: Uuid,
    pub worker: String,
}

/// One database of a fleet, as registered.
#[derive(Debug, Clone)]
pub struct FleetMember {
    pub migration_uuid: Uuid,
    pub source: SourceDetails,
    /// The inventory's labels, plus `fleet` (the fleet's name).
    pub labels: Value,
}

/// An item of this worker's inventory that another worker holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldItem {
    pub migration_uuid: Uuid,
    pub worker: String,
    /// How long until its lease runs out (negative: it has run out).
    pub lease_seconds_left: f64,
}

/// How far a fleet run is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueueCounts {
    pub pending: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

impl QueueCounts {
    pub fn total(&self) -> i64 {
        self.pending + self.running + self.done + self.failed
    }
}

/// A database of the run whose assessment failed, and why (never a password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueueFailure {
    pub migration_uuid: Uuid,
    pub host: String,
    pub database: String,
    pub error: String,
}

impl ControlPlane {
    /// Register a fleet run and its databases (source details and labels) and queue every one
    /// not queued yet. Failed items go back to pending; with `reassess`, done ones too.
    pub async fn enqueue_fleet(
        &self,
        fleet_run_id: Uuid,
        name: &str,
        members: &[FleetMember],
        reassess: bool,
    ) -> Result<()> {
        self.check_writable()?;
        let uuids: Vec<Uuid> = members.iter().map(|m| m.migration_uuid).collect();
        transact!(self, "could not queue the fleet", |tx| {
            tx.execute(
                "INSERT INTO voyager_fleet.fleet_runs (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                &[&fleet_run_id, &name],
            )
            .await?;
            for m in members {
                upsert_source(tx, m.migration_uuid, &m.source).await?;
                tx.execute(
                    "UPDATE voyager_fleet.sources SET labels = labels || $2 WHERE migration_uuid = $1",
                    &[&m.migration_uuid, &m.labels],
                )
                .await?;
            }
            tx.execute(
                "INSERT INTO voyager_fleet.work_queue (fleet_run_id, migration_uuid) \
                 SELECT $1, u FROM unnest($2::uuid[]) AS u ON CONFLICT (fleet_run_id, migration_uuid) DO NOTHING",
                &[&fleet_run_id, &uuids],
            )
            .await?;
            // Failed items are tried again by every run; done ones only when asked to.
            let again: &[&str] = if reassess {
                &[QueueState::Done.as_str(), QueueState::Failed.as_str()]
            } else {
                &[QueueState::Failed.as_str()]
            };
            tx.execute(
                "UPDATE voyager_fleet.work_queue SET state = 'pending', claimed_by = NULL, lease_until = NULL, \
                    updated_at = now() \
                 WHERE fleet_run_id = $1 AND migration_uuid = ANY($2) AND state = ANY($3)",
                &[&fleet_run_id, &uuids, &again],
            )
            .await?;
            Ok(())
        })
    }

    /// Claim up to `limit` items of `mine` (this worker's inventory) that are pending or whose
    /// lease ran out, skipping sources on `busy_hosts` (this worker's per-host limit). Items of
    /// the same fleet run that another inventory queued are not this worker's to take. Returns
    /// the claimed migrations' UUIDs.
    pub async fn claim(
        &self,
        claim: &Claim,
        lease: Duration,
        limit: i64,
        busy_hosts: &[String],
        mine: &[Uuid],
    ) -> Result<Vec<Uuid>> {
        self.check_writable()?;
        let lease_ms = lease.as_millis() as f64;
        transact!(self, "could not claim work from the fleet queue", |tx| {
            let rows = tx
                .query(
                    "UPDATE voyager_fleet.work_queue q SET state = 'running', claimed_by = $2, \
                        lease_until = now() + $3 * interval '1 millisecond', attempts = q.attempts + 1, updated_at = now() \
                     WHERE (q.fleet_run_id, q.migration_uuid) IN ( \
                        SELECT w.fleet_run_id, w.migration_uuid FROM voyager_fleet.work_queue w \
                        JOIN voyager_fleet.sources s ON s.migration_uuid = w.migration_uuid \
                        WHERE w.fleet_run_id = $1 AND NOT (s.host = ANY($5)) AND w.migration_uuid = ANY($6) \
                          AND (w.state = 'pending' OR (w.state = 'running' AND w.lease_until < now())) \
                        ORDER BY w.migration_uuid LIMIT $4 FOR UPDATE OF w SKIP LOCKED) \
                     RETURNING q.migration_uuid",
                    &[&claim.fleet_run_id, &claim.worker, &lease_ms, &limit, &busy_hosts, &mine],
                )
                .await?;
            rows.iter().map(|r| r.try_get("migration_uuid")).collect()
        })
    }

    /// Extend this worker's leases on `uuids` (while it still holds them).
    pub async fn renew(&self, claim: &Claim, uuids: &[Uuid], lease: Duration) -> Result<()> {
        let lease_ms = lease.as_millis() as f64;
        transact!(self, "could not renew the fleet leases", |tx| {
            tx.execute(
                "UPDATE voyager_fleet.work_queue SET lease_until = now() + $4 * interval '1 millisecond' \
                 WHERE fleet_run_id = $1 AND claimed_by = $2 AND state = 'running' AND migration_uuid = ANY($3)",
                &[&claim.fleet_run_id, &claim.worker, &uuids, &lease_ms],
            )
            .await
            .map(|_| ())
        })
    }

    /// Give back some items this worker holds (claimed past its per-host limit).
    pub async fn give_back(&self, claim: &Claim, uuids: &[Uuid]) -> Result<()> {
        transact!(self, "could not give back the fleet's work", |tx| {
            tx.execute(
                "UPDATE voyager_fleet.work_queue SET state = 'pending', claimed_by = NULL, lease_until = NULL, \
                    attempts = greatest(attempts - 1, 0), updated_at = now() \
                 WHERE fleet_run_id = $1 AND claimed_by = $2 AND state = 'running' AND migration_uuid = ANY($3)",
                &[&claim.fleet_run_id, &claim.worker, &uuids],
            )
            .await
            .map(|_| ())
        })
    }

    /// Give back every item this worker holds (on a clean stop), so a next run takes them at once.
    pub async fn release(&self, claim: &Claim) -> Result<()> {
        transact!(self, "could not give back the fleet's work", |tx| {
            tx.execute(
                "UPDATE voyager_fleet.work_queue SET state = 'pending', claimed_by = NULL, lease_until = NULL, updated_at = now() \
                 WHERE fleet_run_id = $1 AND claimed_by = $2 AND state = 'running'",
                &[&claim.fleet_run_id, &claim.worker],
            )
            .await
            .map(|_| ())
        })
    }

    /// Remove from the fleet what is not in its current inventory `keep`: the fleet run's other
    /// queue items, and the `fleet` label of sources registered under `name` (so `fleet list`
    /// and `rank` leave them out). Their assessments stay, under their migration UUIDs.
    /// Returns how many databases left the fleet.
    pub async fn prune_fleet(&self, fleet_run_id: Uuid, name: &str, keep: &[Uuid]) -> Result<u64> {
        self.check_writable()?;
        transact!(self, "could not prune the fleet", |tx| {
            let queued = tx
                .execute(
                    "DELETE FROM voyager_fleet.work_queue WHERE fleet_run_id = $1 AND NOT (migration_uuid = ANY($2))",
                    &[&fleet_run_id, &keep],
                )
                .await?;
            let labelled = tx
                .execute(
                    "UPDATE voyager_fleet.sources SET labels = labels - 'fleet', updated_at = now() \
                     WHERE labels->>'fleet' = $1 AND NOT (migration_uuid = ANY($2))",
                    &[&name, &keep],
                )
                .await?;
            Ok(queued.max(labelled))
        })
    }

    /// The items of `mine` that other workers hold, with their leases.
    pub async fn queue_held_by_others(&self, claim: &Claim, mine: &[Uuid]) -> Result<Vec<HeldItem>> {
        transact!(self, "could not read the fleet queue", |tx| {
            let rows = tx
                .query(
                    "SELECT migration_uuid, coalesce(claimed_by, '') AS worker, \
                        extract(epoch FROM (lease_until - now()))::float8 AS lease_seconds_left \
                     FROM voyager_fleet.work_queue WHERE fleet_run_id = $1 AND migration_uuid = ANY($2) \
                       AND state = 'running' AND claimed_by IS DISTINCT FROM $3 ORDER BY migration_uuid",
                    &[&claim.fleet_run_id, &mine, &claim.worker],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(HeldItem {
                        migration_uuid: r.try_get("migration_uuid")?,
                        worker: r.try_get("worker")?,
                        lease_seconds_left: r.try_get::<_, Option<f64>>("lease_seconds_left")?.unwrap_or(0.0),
                    })
                })
                .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        })
    }

    /// How many items of a fleet run are not in the inventory `mine` (another inventory queued
    /// them under the same fleet name, or they left the inventory).
    pub async fn queue_leftovers(&self, fleet_run_id: Uuid, mine: &[Uuid]) -> Result<i64> {
        transact!(self, "could not read the fleet queue", |tx| {
            let row = tx
                .query_one(
                    "SELECT count(*) AS n FROM voyager_fleet.work_queue WHERE fleet_run_id = $1 AND NOT (migration_uuid = ANY($2))",
                    &[&fleet_run_id, &mine],
                )
                .await?;
            row.try_get("n")
        })
    }

    /// How many items of a fleet run's inventory `mine` are pending, running, done and failed
    /// (items another inventory queued under the same fleet name, or that left the inventory,
    /// are not counted).
    pub async fn queue_counts(&self, fleet_run_id: Uuid, mine: &[Uuid]) -> Result<QueueCounts> {
        transact!(self, "could not read the fleet queue", |tx| {
            let rows = tx
                .query(
                    "SELECT state, count(*) AS n FROM voyager_fleet.work_queue \
                     WHERE fleet_run_id = $1 AND migration_uuid = ANY($2) GROUP BY state",
                    &[&fleet_run_id, &mine],
                )
                .await?;
            let mut counts = QueueCounts::default();
            for r in rows {
                let n: i64 = r.try_get("n")?;
                match r.try_get::<_, &str>("state")?.parse() {
                    Ok(QueueState::Pending) => counts.pending = n,
                    Ok(QueueState::Running) => counts.running = n,
                    Ok(QueueState::Done) => counts.done = n,
                    _ => counts.failed += n,
                }
            }
            Ok(counts)
        })
    }

    /// The failed items of a fleet run's inventory `mine`, with their errors.
    pub async fn queue_failures(&self, fleet_run_id: Uuid, mine: &[Uuid]) -> Result<Vec<QueueFailure>> {
        transact!(self, "could not read the fleet queue", |tx| {
            let rows = tx
                .query(
                    "SELECT w.migration_uuid, s.host, s.database_name, coalesce(w.last_error, '') AS last_error \
                     FROM voyager_fleet.work_queue w JOIN voyager_fleet.sources s ON s.migration_uuid = w.migration_uuid \
                     WHERE w.fleet_run_id = $1 AND w.migration_uuid = ANY($2) AND w.state = 'failed' \
                     ORDER BY s.database_name",
                    &[&fleet_run_id, &mine],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(QueueFailure {
                        migration_uuid: r.try_get("migration_uuid")?,
                        host: r.try_get("host")?,
                        database: r.try_get("database_name")?,
                        error: r.try_get("last_error")?,
                    })
                })
                .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        })
    }
}

/// Mark an item finished (done or failed) inside the transaction that stores its outcome, if
/// this worker still holds it. Returns false when it does not (its lease ran out and another
/// worker claimed the item, or the item is finished already): the caller then stores nothing.
pub(super) async fn finish(
    tx: &Transaction<'_>,
    claim: &Claim,
    uuid: Uuid,
    state: QueueState,
    error: Option<&str>,
) -> Result<bool, tokio_postgres::Error> {
    let held = tx
        .query_opt(
            "SELECT 1 FROM voyager_fleet.work_queue \
             WHERE fleet_run_id = $1 AND migration_uuid = $2 AND claimed_by = $3 AND state = 'running' FOR UPDATE",
            &[&claim.fleet_run_id, &uuid, &claim.worker],
        )
        .await?;
    if held.is_none() {
        return Ok(false);
    }
    tx.execute(
        "UPDATE voyager_fleet.work_queue SET state = $3, last_error = $4, lease_until = NULL, updated_at = now() \
         WHERE fleet_run_id = $1 AND migration_uuid = $2 AND claimed_by = $5 AND state = 'running'",
        &[&claim.fleet_run_id, &uuid, &state.as_str(), &error, &claim.worker],
    )
    .await
    .map(|n| n == 1)
}
