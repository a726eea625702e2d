//! MigrationComplexity exactly as yb-voyager computes it for PostgreSQL, from the same issues:
//! count the report's issues (every category, those fixed in the target version left out) per
//! impact level; each level gives a complexity by its thresholds (LEVEL_1: over 20 MEDIUM, never
//! HIGH; LEVEL_2: over 10 MEDIUM, over 100 HIGH; LEVEL_3: 1 to 4 MEDIUM, over 4 HIGH); any HIGH
//! makes it HIGH, else any MEDIUM makes it MEDIUM, else LOW. The explanation is ours.

use super::issue::{Impact, Issue};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    pub level1: u64,
    pub level2: u64,
    pub level3: u64,
}

impl LevelCounts {
    pub fn of(issues: &[Issue]) -> Self {
        let mut counts = LevelCounts::default();
        for issue in issues {
            match issue.impact {
                Impact::Level1 => counts.level1 += 1,
                Impact::Level2 => counts.level2 += 1,
                Impact::Level3 => counts.level3 += 1,
            }
        }
        counts
    }
}

/// Above these counts, a level makes the migration MEDIUM, or HIGH (yb-voyager's thresholds;
/// LEVEL_1 issues alone never make it HIGH).
pub const LEVEL_1_MEDIUM_ABOVE: u64 = 20;
pub const LEVEL_2_MEDIUM_ABOVE: u64 = 10;
pub const LEVEL_2_HIGH_ABOVE: u64 = 100;
pub const LEVEL_3_MEDIUM_ABOVE: u64 = 0;
pub const LEVEL_3_HIGH_ABOVE: u64 = 4;

/// 0 LOW, 1 MEDIUM, 2 HIGH for `count` issues of one impact level.
fn level_complexity(impact: Impact, count: u64) -> usize {
    let (medium_above, high_above) = match impact {
        Impact::Level1 => (LEVEL_1_MEDIUM_ABOVE, u64::MAX),
        Impact::Level2 => (LEVEL_2_MEDIUM_ABOVE, LEVEL_2_HIGH_ABOVE),
        Impact::Level3 => (LEVEL_3_MEDIUM_ABOVE, LEVEL_3_HIGH_ABOVE),
    };
    if count > high_above {
        2
    } else if count > medium_above {
        1
    } else {
        0
    }
}

/// The complexity (LOW, MEDIUM, HIGH) and a sentence saying why: HIGH when any level is HIGH,
/// else MEDIUM when any level is MEDIUM, else LOW.
pub fn complexity(counts: LevelCounts) -> (&'static str, String) {
    let by_level1 = level_complexity(Impact::Level1, counts.level1);
    let by_level2 = level_complexity(Impact::Level2, counts.level2);
    let by_level3 = level_complexity(Impact::Level3, counts.level3);
    let worst = by_level1.max(by_level2).max(by_level3);
    let name = ["LOW", "MEDIUM", "HIGH"][worst];
    let mut reasons = Vec::new();
    if by_level3 == worst && worst > 0 {
        reasons.push(format!("{} LEVEL_3 (major) issue(s)", counts.level3));
    }
    if by_level2 == worst && worst > 0 {
        reasons.push(format!("{} LEVEL_2 (moderate) issues", counts.level2));
    }
    if by_level1 == worst && worst > 0 {
        reasons.push(format!("{} LEVEL_1 (minor) issues", counts.level1));
    }
    let explanation = if reasons.is_empty() {
        format!(
            "{name}: {} LEVEL_1, {} LEVEL_2 and {} LEVEL_3 issues, below every threshold",
            counts.level1, counts.level2, counts.level3
        )
    } else {
        format!(
            "{name} because of {} (in all: {} LEVEL_1, {} LEVEL_2, {} LEVEL_3)",
            reasons.join(" and "),
            counts.level1,
            counts.level2,
            counts.level3
        )
    };
    (name, explanation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(level1: u64, level2: u64, level3: u64) -> &'static str {
        complexity(LevelCounts { level1, level2, level3 }).0
    }

    #[test]
    fn thresholds_of_yb_voyager_at_every_boundary() {
        // LEVEL_1: LOW up to 20, MEDIUM above, never HIGH.
        assert_eq!(c(0, 0, 0), "LOW");
        assert_eq!(c(20, 0, 0), "LOW");
        assert_eq!(c(21, 0, 0), "MEDIUM");
        assert_eq!(c(1_000_000, 0, 0), "MEDIUM");
        // LEVEL_2: LOW up to 10, MEDIUM up to 100, HIGH above.
        assert_eq!(c(0, 10, 0), "LOW");
        assert_eq!(c(0, 11, 0), "MEDIUM");
        assert_eq!(c(0, 100, 0), "MEDIUM");
        assert_eq!(c(0, 101, 0), "HIGH");
        // LEVEL_3: LOW at 0, MEDIUM 1 to 4, HIGH above.
        assert_eq!(c(0, 0, 1), "MEDIUM");
        assert_eq!(c(0, 0, 4), "MEDIUM");
        assert_eq!(c(0, 0, 5), "HIGH");
        // Any HIGH wins; else any MEDIUM.
        assert_eq!(c(20, 10, 0), "LOW");
        assert_eq!(c(500, 0, 1), "MEDIUM");
        assert_eq!(c(21, 101, 0), "HIGH");
        assert_eq!(c(0, 11, 5), "HIGH");
        let (_, why) = complexity(LevelCounts {
            level1: 3,
            level2: 0,
            level3: 5,
        });
        assert!(why.contains("5 LEVEL_3"), "{why}");
    }

    #[test]
    fn counts_every_category() {
        use crate::assessment::issue::{Category, IssueKind, NOT_FIXED};
        let kind = |impact| IssueKind {
            issue_type: "T",
            name: "t",
            description: "d",
            impact,
            category: Category::PerformanceOptimizations,
            object_type: "INDEX",
            docs_link: "",
            fixed_in: NOT_FIXED,
            effort: None,
        };
        let mut issues: Vec<Issue> = (0..21)
            .map(|i| kind(Impact::Level1).issue(format!("s.i{i}"), ""))
            .collect();
        issues.push(
            kind(Impact::Level3)
                .issue("s.t.c", "")
                .found_in(Category::UnsupportedDatatypes, "COLUMN"),
        );
        let counts = LevelCounts::of(&issues);
        assert_eq!((counts.level1, counts.level2, counts.level3), (21, 0, 1));
        assert_eq!(complexity(counts).0, "MEDIUM");
    }
}
