//! MigrationComplexity, by the rule of ISSUES.md: counts of issues per impact level; LEVEL_1
//! over 20 is MEDIUM; LEVEL_2 over 10 MEDIUM, over 100 HIGH; LEVEL_3 1 to 4 MEDIUM, over 4 HIGH;
//! the worst wins, LOW otherwise.

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

/// The complexity (LOW, MEDIUM, HIGH) and a sentence saying why.
pub fn complexity(counts: LevelCounts) -> (&'static str, String) {
    let by_level1 = if counts.level1 > 20 { 1 } else { 0 };
    let by_level2 = match counts.level2 {
        n if n > 100 => 2,
        n if n > 10 => 1,
        _ => 0,
    };
    let by_level3 = match counts.level3 {
        0 => 0,
        1..=4 => 1,
        _ => 2,
    };
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
    fn thresholds_of_issues_md() {
        assert_eq!(c(0, 0, 0), "LOW");
        assert_eq!(c(20, 10, 0), "LOW");
        assert_eq!(c(21, 0, 0), "MEDIUM");
        assert_eq!(c(0, 11, 0), "MEDIUM");
        assert_eq!(c(0, 100, 0), "MEDIUM");
        assert_eq!(c(0, 101, 0), "HIGH");
        assert_eq!(c(0, 0, 1), "MEDIUM");
        assert_eq!(c(0, 0, 4), "MEDIUM");
        assert_eq!(c(0, 0, 5), "HIGH");
        assert_eq!(c(500, 0, 1), "MEDIUM");
        let (_, why) = complexity(LevelCounts {
            level1: 3,
            level2: 0,
            level3: 5,
        });
        assert!(why.contains("5 LEVEL_3"), "{why}");
    }
}
