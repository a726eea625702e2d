//! What changed since: a short fingerprint of everything a ranking reads (assessments, sources
//! and their labels, fleet membership, yugabyted's rows), computed by the server in one query.
//! A reader that keeps a ranking (the dashboard) computes it again only when the marker moves.

use super::ControlPlane;
use crate::Result;

/// Each part: an md5 over the identifying columns of one table, in a fixed order.
const OURS: &str =
    "(SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg(migration_uuid::text || ':' || run::text || ':' \
     || status, ',' ORDER BY migration_uuid, run), '')) FROM voyager_fleet.assessments) \
     || (SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg(migration_uuid::text || ':' || labels::text || ':' \
     || coalesce(completed_run::text, ''), ',' ORDER BY migration_uuid), '')) FROM voyager_fleet.sources) \
     || (SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg(fleet_run_id::text || ':' || migration_uuid::text, ',' \
     ORDER BY fleet_run_id, migration_uuid), '')) FROM voyager_fleet.work_queue)";
const YUGABYTED: &str = "(SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg(migration_uuid::text || ':' \
     || migration_phase::text || ':' || invocation_sequence::text, ',' ORDER BY migration_uuid, migration_phase, \
     invocation_sequence), '')) FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata)";

impl ControlPlane {
    /// A fingerprint that changes whenever what a ranking reads changes.
    pub async fn change_marker(&self) -> Result<String> {
        let parts: Vec<&str> = [
            self.has_tables().then_some(OURS),
            self.yugabyted_table.then_some(YUGABYTED),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            return Ok(String::new());
        }
        let sql = format!("SELECT {} AS marker", parts.join(" || "));
        let client = self.client.lock().await;
        let row = client
            .query_one(&sql, &[])
            .await
            .map_err(|e| self.failed("could not read the control plane", &e))?;
        row.try_get("marker")
            .map_err(|e| self.failed("could not read the control plane", &e))
    }
}
