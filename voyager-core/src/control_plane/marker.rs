//! What changed since: a short fingerprint of everything a ranking reads (assessments, sources
//! and their labels, fleet membership, yugabyted's rows), computed by the server in one query.
//! Every write to those tables adds, deletes or changes a row, and so moves its part.
//! A reader that keeps a ranking (the dashboard) computes it again only when the marker moves.

use super::ControlPlane;
use crate::Result;

/// One part: the row count and the sum of a 64-bit value per row, the XOR of each column's
/// own 32-bit hash shifted 11 bits from the last (our tables' columns are hashed as they are
/// typed, with no text made of them: about half the time of hashing the row as text). Order
/// does not matter to a sum, so the server neither sorts nor builds one long string; XOR keeps
/// a row's columns together, so two rows swapping a value still move the sum.
fn part(columns: &[&str], table: &str) -> String {
    let row = columns
        .iter()
        .enumerate()
        .map(|(i, hash)| format!("({hash}::bigint << {})", i * 11))
        .collect::<Vec<_>>()
        .join(" # ");
    format!("(SELECT pg_catalog.count(*)::text || ':' || coalesce(pg_catalog.sum({row}), 0)::text FROM {table})")
}

fn ours() -> [String; 3] {
    [
        part(
            &[
                "pg_catalog.uuid_hash(migration_uuid)",
                "pg_catalog.hashint4(run)",
                "pg_catalog.hashtext(status)",
            ],
            "voyager_fleet.assessments",
        ),
        part(
            &[
                "pg_catalog.uuid_hash(migration_uuid)",
                "pg_catalog.jsonb_hash(labels)",
                "pg_catalog.hashint4(coalesce(completed_run, -1))",
            ],
            "voyager_fleet.sources",
        ),
        part(
            &[
                "pg_catalog.uuid_hash(fleet_run_id)",
                "pg_catalog.uuid_hash(migration_uuid)",
            ],
            "voyager_fleet.work_queue",
        ),
    ]
}

/// yugabyted's table is read through text: its column types are yb-voyager's to choose.
fn yugabyted() -> String {
    part(
        &[
            "pg_catalog.hashtext(migration_uuid::text)",
            "pg_catalog.hashtext(migration_phase::text)",
            "pg_catalog.hashtext(invocation_sequence::text)",
            "pg_catalog.hashtext(coalesce(status::text, ''))",
        ],
        "ybvoyager_visualizer.ybvoyager_visualizer_metadata",
    )
}

impl ControlPlane {
    /// A fingerprint that changes whenever what a ranking reads changes.
    pub async fn change_marker(&self) -> Result<String> {
        let mut parts = Vec::new();
        if self.has_tables() {
            parts.extend(ours());
        }
        if self.yugabyted_table {
            parts.push(yugabyted());
        }
        if parts.is_empty() {
            return Ok(String::new());
        }
        let sql = format!("SELECT {} AS marker", parts.join(" || '/' || "));
        let client = self.client.lock().await;
        let row = client
            .query_one(&sql, &[])
            .await
            .map_err(|e| self.failed("could not read the control plane", &e))?;
        row.try_get("marker")
            .map_err(|e| self.failed("could not read the control plane", &e))
    }
}
