//! The sizing recommendation: which tables to colocate and which to shard, how many nodes of
//! how many vCPUs and how much memory, and how long the data import will take. The model is
//! ours, simple and stated here so a reader can check it:
//!
//! - A table (a partition counts as a table) with its indexes under 1 GiB, and fewer than
//!   1,000 writes per second on average since the statistics were reset, is colocated: many
//!   small tables share one tablet. The colocated tables together stay under 50 GiB; past that,
//!   the largest of them are sharded instead.
//! - Every other table is sharded (hash-sharded across all nodes).
//! - vCPUs per node: 4 under 100 GiB of data, 8 under 1 TiB, 16 above; memory 4 GiB per vCPU.
//! - Nodes: at least 3 (replication factor 3); with RF 3 each byte is stored three times and a
//!   node holds up to 125 GiB of data per vCPU.
//! - Import: sharded data loads at 40 MiB/s per node in parallel, colocated data at 20 MiB/s.

use serde::{Deserialize, Serialize};

use super::collect::SourceSnapshot;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
const MIB: f64 = 1024.0 * 1024.0;
pub const COLOCATE_TABLE_LIMIT_BYTES: f64 = GIB;
pub const COLOCATED_TOTAL_LIMIT_BYTES: f64 = 50.0 * GIB;
const BUSY_WRITES_PER_SECOND: f64 = 1000.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SizingRecommendation {
    pub colocated_tables: Vec<String>,
    pub colocated_reasoning: String,
    pub sharded_tables: Vec<String>,
    pub num_nodes: f64,
    #[serde(rename = "VCPUsPerInstance")]
    pub vcpus_per_instance: u32,
    pub memory_per_instance: u32,
    pub optimal_select_connections_per_node: u32,
    pub optimal_insert_connections_per_node: u32,
    pub estimated_time_in_min_for_import: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Sizing {
    pub sizing_recommendation: SizingRecommendation,
    pub failure_reasoning: String,
}

/// Sizes in bytes of what was colocated and sharded, for the control plane's payload.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SizingTotals {
    pub colocated_bytes: f64,
    pub sharded_bytes: f64,
}

pub fn recommend(snap: &SourceSnapshot, stats_age_seconds: f64) -> (Sizing, SizingTotals) {
    let mut tables: Vec<(String, f64, f64)> = snap
        .relations
        .iter()
        .filter(|r| matches!(r.kind, 'r' | 'm'))
        .map(|r| {
            (
                r.qualified(),
                r.total_bytes as f64,
                r.writes as f64 / stats_age_seconds.max(1.0),
            )
        })
        .collect();
    tables.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut colocated = Vec::new();
    let mut sharded = Vec::new();
    let mut colocated_bytes = 0.0;
    let mut sharded_bytes = 0.0;
    for (name, bytes, writes) in tables {
        let small = bytes < COLOCATE_TABLE_LIMIT_BYTES && writes < BUSY_WRITES_PER_SECOND;
        if small && colocated_bytes + bytes <= COLOCATED_TOTAL_LIMIT_BYTES {
            colocated_bytes += bytes;
            colocated.push(name);
        } else {
            sharded_bytes += bytes;
            sharded.push(name);
        }
    }
    colocated.sort();
    sharded.sort();
    let total = colocated_bytes + sharded_bytes;
    let vcpus: u32 = if total < 100.0 * GIB {
        4
    } else if total < 1024.0 * GIB {
        8
    } else {
        16
    };
    let per_node_bytes = vcpus as f64 * 125.0 * GIB;
    let nodes = ((total * 3.0) / per_node_bytes).ceil().max(3.0);
    let minutes = (colocated_bytes / (20.0 * MIB) + sharded_bytes / (40.0 * MIB * nodes)) / 60.0;
    // No table yet (an empty database) still needs the smallest cluster, never 0 nodes.
    let colocated_reasoning = if colocated.is_empty() && sharded.is_empty() {
        "the database has no tables yet: the smallest cluster (3 nodes for replication factor 3) holds it".to_string()
    } else {
        format!(
            "{} tables under 1 GiB each ({:.1} MiB together) share colocated tablets; {} larger or busier tables are sharded",
            colocated.len(),
            colocated_bytes / MIB,
            sharded.len()
        )
    };
    let recommendation = SizingRecommendation {
        colocated_reasoning,
        colocated_tables: colocated,
        sharded_tables: sharded,
        num_nodes: nodes,
        vcpus_per_instance: vcpus,
        memory_per_instance: vcpus * 4,
        optimal_select_connections_per_node: vcpus * 8,
        optimal_insert_connections_per_node: vcpus * 3,
        estimated_time_in_min_for_import: (minutes * 10.0).ceil() / 10.0,
    };
    (
        Sizing {
            sizing_recommendation: recommendation,
            failure_reasoning: String::new(),
        },
        SizingTotals {
            colocated_bytes,
            sharded_bytes,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_database_gets_the_smallest_cluster() {
        // Issue 10 item 27: an empty database was sized "0 nodes of 0 vCPUs".
        let (sizing, totals) = recommend(&SourceSnapshot::default(), 3600.0);
        let rec = &sizing.sizing_recommendation;
        assert_eq!(
            (rec.num_nodes, rec.vcpus_per_instance, rec.memory_per_instance),
            (3.0, 4, 16)
        );
        assert_eq!(rec.estimated_time_in_min_for_import, 0.0);
        assert!(
            rec.colocated_reasoning.contains("no tables"),
            "{}",
            rec.colocated_reasoning
        );
        assert!(sizing.failure_reasoning.is_empty());
        assert_eq!(totals, SizingTotals::default());
    }
}
