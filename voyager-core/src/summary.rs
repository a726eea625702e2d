//! The assessment summary a person reads before deciding: complexity and why, issue counts by
//! level and the blocking ones, the sizing recommendation, data size and effort. It is read from
//! the report JSON, so it works for our reports and for yb-voyager's alike.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::assessment::skipped_checks::SkippedCheck;

/// The summary of one assessment report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssessmentSummaryView {
    pub database: String,
    pub complexity: String,
    pub complexity_explanation: String,
    pub level1: u64,
    pub level2: u64,
    pub level3: u64,
    /// `Type on ObjectName` of every LEVEL_3 issue (at most 20; `blocking_total` has them all).
    pub blocking: Vec<String>,
    pub blocking_total: u64,
    pub sharded_tables: u64,
    pub colocated_tables: u64,
    pub num_nodes: f64,
    pub vcpus_per_instance: f64,
    pub memory_per_instance: f64,
    pub estimated_import_minutes: f64,
    pub total_size_bytes: u64,
    pub effort_hours: f64,
    /// Whether some check could not run; `skipped_checks` says which, why and the fix.
    #[serde(default)]
    pub partial: bool,
    /// One line per skipped check.
    #[serde(default)]
    pub skipped_checks: Vec<String>,
}

impl AssessmentSummaryView {
    pub fn from_report(report: &Value) -> Self {
        let issues = report
            .get("AssessmentIssues")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let level = |l: &str| {
            issues
                .iter()
                .filter(|i| i.get("Impact").and_then(Value::as_str) == Some(l))
                .count() as u64
        };
        let blocking_all: Vec<String> = issues
            .iter()
            .filter(|i| i.get("Impact").and_then(Value::as_str) == Some("LEVEL_3"))
            .map(|i| {
                let t = i.get("Type").and_then(Value::as_str).unwrap_or("?");
                let o = i.get("ObjectName").and_then(Value::as_str).unwrap_or("");
                if o.is_empty() {
                    t.to_string()
                } else {
                    format!("{t} on {o}")
                }
            })
            .collect();
        let rec = report
            .pointer("/Sizing/SizingRecommendation")
            .cloned()
            .unwrap_or(Value::Null);
        let count = |key: &str| {
            rec.get(key)
                .and_then(Value::as_array)
                .map(|a| a.len() as u64)
                .unwrap_or(0)
        };
        let num = |v: &Value, key: &str| v.get(key).and_then(Value::as_f64).unwrap_or(0.0);
        let ours = report.get("LibvoyagerSummary").cloned().unwrap_or(Value::Null);
        let skipped: Vec<String> = ours
            .get("SkippedChecks")
            .cloned()
            .and_then(|v| serde_json::from_value::<Vec<SkippedCheck>>(v).ok())
            .unwrap_or_default()
            .iter()
            .map(SkippedCheck::line)
            .collect();
        AssessmentSummaryView {
            database: report
                .pointer("/SchemaSummary/DbName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            complexity: report
                .get("MigrationComplexity")
                .and_then(Value::as_str)
                .unwrap_or("UNKNOWN")
                .to_string(),
            complexity_explanation: report
                .get("MigrationComplexityExplanation")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            level1: level("LEVEL_1"),
            level2: level("LEVEL_2"),
            level3: level("LEVEL_3"),
            blocking_total: blocking_all.len() as u64,
            blocking: blocking_all.into_iter().take(20).collect(),
            sharded_tables: count("ShardedTables"),
            colocated_tables: count("ColocatedTables"),
            num_nodes: num(&rec, "NumNodes"),
            vcpus_per_instance: num(&rec, "VCPUsPerInstance"),
            memory_per_instance: num(&rec, "MemoryPerInstance"),
            estimated_import_minutes: num(&rec, "EstimatedTimeInMinForImport"),
            total_size_bytes: ours
                .pointer("/SourceSizeDetails/TotalDBSize")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            effort_hours: num(&ours, "EffortHours"),
            partial: ours.get("Partial").and_then(Value::as_bool).unwrap_or(false) || !skipped.is_empty(),
            skipped_checks: skipped,
        }
    }

    /// The summary as a few lines for the terminal.
    pub fn render_text(&self) -> String {
        let mut out = format!(
            "Assessment of {}: migration complexity {}\n  {}\n  issues: {} LEVEL_3 (blocking), {} LEVEL_2, {} LEVEL_1\n",
            if self.database.is_empty() { "the source" } else { &self.database },
            self.complexity,
            self.complexity_explanation,
            self.level3,
            self.level2,
            self.level1
        );
        for b in &self.blocking {
            out.push_str(&format!("    blocking: {b}\n"));
        }
        if self.blocking_total > self.blocking.len() as u64 {
            out.push_str(&format!(
                "    ... and {} more\n",
                self.blocking_total - self.blocking.len() as u64
            ));
        }
        out.push_str(&format!(
            "  sizing: {} nodes of {} vCPUs and {} GiB; {} colocated and {} sharded tables; data import about {} min\n  data size: {}; estimated effort: {:.1} hours",
            self.num_nodes,
            self.vcpus_per_instance,
            self.memory_per_instance,
            self.colocated_tables,
            self.sharded_tables,
            self.estimated_import_minutes.round(),
            human_bytes(self.total_size_bytes),
            self.effort_hours
        ));
        if self.partial {
            out.push_str(&format!(
                "\n  partial: {} check(s) skipped, so the issues above may be incomplete (see the warnings)",
                self.skipped_checks.len()
            ));
        }
        out
    }

    /// A warning line per skipped check, each with its fix.
    pub fn warnings(&self) -> Vec<String> {
        self.skipped_checks
            .iter()
            .map(|line| format!("partial assessment: {line}"))
            .collect()
    }
}

/// Bytes as a person reads them (1.5 GiB).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_counts_blockers_and_sizing_from_report_json() {
        let report = serde_json::json!({
            "SchemaSummary": {"DbName": "db2"},
            "MigrationComplexity": "MEDIUM",
            "MigrationComplexityExplanation": "1 LEVEL_3 issue",
            "AssessmentIssues": [
                {"Impact": "LEVEL_3", "Type": "UNSUPPORTED_DATATYPE_XML", "ObjectName": "hr.docs.body"},
                {"Impact": "LEVEL_1", "Type": "UNLOGGED_TABLES", "ObjectName": "hr.tmp"},
                {"Impact": "LEVEL_1", "Type": "UNLOGGED_TABLES", "ObjectName": "hr.tmp2"}
            ],
            "Sizing": {"SizingRecommendation": {"ColocatedTables": ["a", "b"], "ShardedTables": ["c"], "NumNodes": 3.0,
                        "VCPUsPerInstance": 4.0, "MemoryPerInstance": 16.0, "EstimatedTimeInMinForImport": 2.4}},
            "LibvoyagerSummary": {"EffortHours": 9.5, "SourceSizeDetails": {"TotalDBSize": 1572864}}
        });
        let s = AssessmentSummaryView::from_report(&report);
        assert_eq!((s.level1, s.level2, s.level3), (2, 0, 1));
        assert_eq!(s.blocking, vec!["UNSUPPORTED_DATATYPE_XML on hr.docs.body".to_string()]);
        assert_eq!((s.colocated_tables, s.sharded_tables), (2, 1));
        let text = s.render_text();
        assert!(!s.partial && !text.contains("partial"));
        assert!(text.contains("complexity MEDIUM"));
        assert!(text.contains("1.5 MiB"));
        assert!(text.contains("9.5 hours"));
    }

    #[test]
    fn skipped_checks_make_a_partial_summary_with_warnings() {
        let report = serde_json::json!({"LibvoyagerSummary": {"Partial": true, "SkippedChecks": [
            {"Check": "workload_queries", "What": "Workload queries check (pg_stat_statements) skipped",
             "Reason": "2 of the 3 statements show <insufficient privilege>", "Fix": "GRANT pg_read_all_stats TO weak"}]}});
        let s = AssessmentSummaryView::from_report(&report);
        assert!(s.partial);
        assert!(s.render_text().contains("partial: 1 check(s) skipped"));
        assert_eq!(
            s.warnings(),
            vec![
                "partial assessment: Workload queries check (pg_stat_statements) skipped: 2 of the 3 statements show \
                  <insufficient privilege>; fix: GRANT pg_read_all_stats TO weak"
                    .to_string()
            ]
        );
    }

    #[test]
    fn an_empty_or_foreign_report_gives_an_empty_summary() {
        let s = AssessmentSummaryView::from_report(&serde_json::json!({"x": 1}));
        assert_eq!(s.complexity, "UNKNOWN");
        assert_eq!(s.level3, 0);
    }
}
