//! The effort estimate: hours of work per issue, by issue type, summed per database.
//!
//! | issue type (or impact level when the type is not listed) | hours each |
//! |---|---|
//! | LEVEL_1 issue | 0.5 |
//! | LEVEL_2 issue | 2 |
//! | LEVEL_3 issue | 8 |
//! | any performance_optimizations issue | 0.25 |
//! | UNSUPPORTED_DATATYPE_* (LEVEL_3: a column type change and its data) | 6 |
//! | INHERITANCE | 16 |
//! | UNSUPPORTED_EXTENSION | 16 |
//! | TWO_PHASE_COMMIT | 16 |
//! | DEFERRABLE_CONSTRAINTS | 4 |
//! | CREATE_CONVERSION | 4 |
//! | POLICY_WITH_ROLES, FOREIGN_TABLE (a manual step on the target) | 0.5 |
//! | UNSUPPORTED_DATATYPE_LIVE_MIGRATION_* (only for live migration) | 0.25 |

use serde::{Deserialize, Serialize};

use super::issue::{Category, Impact, Issue};

/// The hours one issue of this kind takes (the table above).
pub fn hours_each(issue: &Issue) -> f64 {
    let t = issue.issue_type.as_str();
    match t {
        "INHERITANCE" | "UNSUPPORTED_EXTENSION" | "TWO_PHASE_COMMIT" => 16.0,
        "DEFERRABLE_CONSTRAINTS" | "CREATE_CONVERSION" => 4.0,
        "POLICY_WITH_ROLES" | "FOREIGN_TABLE" => 0.5,
        _ if t.starts_with("UNSUPPORTED_DATATYPE_LIVE_MIGRATION") => 0.25,
        _ if t.starts_with("UNSUPPORTED_DATATYPE_") => 6.0,
        _ if issue.category == Category::PerformanceOptimizations => 0.25,
        _ => match issue.impact {
            Impact::Level1 => 0.5,
            Impact::Level2 => 2.0,
            Impact::Level3 => 8.0,
        },
    }
}

/// The effort of one issue type in a database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TypeEffort {
    #[serde(rename = "Type")]
    pub issue_type: String,
    pub count: u64,
    pub hours_each: f64,
    pub hours: f64,
}

/// Hours per issue type (most first) and the total.
pub fn effort(issues: &[Issue]) -> (Vec<TypeEffort>, f64) {
    let mut by_type: std::collections::BTreeMap<&str, TypeEffort> = Default::default();
    for issue in issues {
        let each = hours_each(issue);
        let entry = by_type.entry(issue.issue_type.as_str()).or_insert_with(|| TypeEffort {
            issue_type: issue.issue_type.clone(),
            count: 0,
            hours_each: each,
            hours: 0.0,
        });
        entry.count += 1;
        entry.hours += each;
    }
    let mut rows: Vec<TypeEffort> = by_type.into_values().collect();
    rows.sort_by(|a, b| {
        b.hours
            .total_cmp(&a.hours)
            .then_with(|| a.issue_type.cmp(&b.issue_type))
    });
    // (An empty f64 sum is -0.0.)
    let total = rows.iter().map(|r| r.hours).sum::<f64>() + 0.0;
    (rows, total)
}
