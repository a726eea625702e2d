//! The effort estimate: hours of work per issue, summed per database.
//!
//! An issue type whose work differs from the rule below says its hours where it is declared
//! (`issue_kind!(..., effort = 16.0)`: inheritance, extensions, two-phase commit 16; deferrable
//! constraints, conversions 4; policies with roles, foreign tables 0.5; unsupported data types 6,
//! 0.25 for those only live migration lacks). Every other type takes the rule:
//!
//! | issue | hours each |
//! |---|---|
//! | any performance_optimizations issue | 0.25 |
//! | LEVEL_1 issue | 0.5 |
//! | LEVEL_2 issue | 2 |
//! | LEVEL_3 issue | 8 |

use serde::{Deserialize, Serialize};

use super::issue::{Category, Impact, Issue};

/// The hours one issue takes: its kind's, else the rule by category and impact (the table above).
pub fn hours_each(issue: &Issue) -> f64 {
    match issue.effort {
        Some(hours) => hours.0,
        None if issue.category == Category::PerformanceOptimizations => 0.25,
        None => match issue.impact {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::issue::{issue_kind, IssueKind, NOT_FIXED};
    use crate::assessment::rules::{datatypes, features};
    use crate::assessment::sql_constructs::TWO_PHASE_COMMIT;

    issue_kind!(
        PLAIN_L2,
        "PLAIN_L2",
        "t",
        "d",
        Level2,
        UnsupportedFeatures,
        "TABLE",
        "a",
        NOT_FIXED
    );
    issue_kind!(
        OWN_HOURS,
        "OWN_HOURS",
        "t",
        "d",
        Level1,
        UnsupportedFeatures,
        "TABLE",
        "a",
        NOT_FIXED,
        effort = 3.5
    );

    fn hours(kind: IssueKind, category: Category) -> f64 {
        hours_each(&kind.issue("s.t", "").found_in(category, "TABLE"))
    }

    #[test]
    fn each_kind_carries_its_hours_and_the_rest_follow_the_rule() {
        use Category::*;
        assert_eq!(hours(features::INHERITANCE, UnsupportedFeatures), 16.0);
        assert_eq!(hours(features::UNSUPPORTED_EXTENSION, UnsupportedFeatures), 16.0);
        assert_eq!(hours(TWO_PHASE_COMMIT, UnsupportedQueryConstructs), 16.0);
        assert_eq!(hours(features::DEFERRABLE_CONSTRAINTS, UnsupportedFeatures), 4.0);
        assert_eq!(hours(features::CREATE_CONVERSION, UnsupportedFeatures), 4.0);
        assert_eq!(hours(features::POLICY_WITH_ROLES, MigrationCaveats), 0.5);
        assert_eq!(hours(features::FOREIGN_TABLE, MigrationCaveats), 0.5);
        assert_eq!(hours(datatypes::XML, UnsupportedDatatypes), 6.0);
        assert_eq!(hours(datatypes::LIVE_POINT, MigrationCaveats), 0.25);
        assert_eq!(hours(OWN_HOURS, UnsupportedFeatures), 3.5);
        assert_eq!(hours(PLAIN_L2, UnsupportedFeatures), 2.0);
        assert_eq!(hours(PLAIN_L2, PerformanceOptimizations), 0.25);
        let (rows, total) = effort(&[
            features::INHERITANCE.issue("s.a", ""),
            features::INHERITANCE.issue("s.b", ""),
            PLAIN_L2.issue("s.c", ""),
        ]);
        assert_eq!(total, 34.0);
        assert_eq!(
            (rows[0].issue_type.as_str(), rows[0].count, rows[0].hours),
            ("INHERITANCE", 2, 32.0)
        );
    }
}
