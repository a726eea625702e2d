//! The assessment report, `migration_assessment_report.json`, in yb-voyager's field names so
//! its readers can read ours. Our additions live under `LibvoyagerSummary`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::effort::TypeEffort;
use super::issue::Issue;
use super::sizing::Sizing;
use super::skipped_checks::SkippedCheck;
use crate::{fs_atomic, Error, Result};

pub const REPORT_JSON_RELATIVE: &str = "assessment/reports/migration_assessment_report.json";
pub const REPORT_HTML_RELATIVE: &str = "assessment/reports/migration_assessment_report.html";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AssessmentReport {
    pub voyager_version: String,
    #[serde(rename = "TargetDBVersion")]
    pub target_db_version: String,
    pub migration_complexity: String,
    pub migration_complexity_explanation: String,
    pub schema_summary: SchemaSummary,
    pub sizing: Sizing,
    pub assessment_issues: Vec<Issue>,
    pub table_index_stats: Vec<TableIndexStat>,
    pub notes: Vec<String>,
    #[serde(rename = "LibvoyagerSummary")]
    pub summary: ReportSummary,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaSummary {
    pub db_name: String,
    pub schema_names: Vec<String>,
    pub db_version: String,
    pub database_objects: Vec<DatabaseObject>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct DatabaseObject {
    pub object_type: String,
    pub total_count: u64,
    pub invalid_count: u64,
    /// Comma-separated, as yb-voyager writes it.
    pub object_names: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TableIndexStat {
    pub schema_name: String,
    pub object_name: String,
    pub row_count: Option<i64>,
    pub column_count: Option<i64>,
    pub reads: Option<i64>,
    pub writes: Option<i64>,
    pub reads_per_second: Option<i64>,
    pub writes_per_second: Option<i64>,
    pub is_index: bool,
    pub object_type: String,
    pub parent_table_name: Option<String>,
    pub size_in_bytes: Option<i64>,
}

/// Our additions to yb-voyager's report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReportSummary {
    pub issue_counts: IssueCounts,
    pub blocking_issue_count: u64,
    pub effort_hours: f64,
    pub effort_by_type: Vec<TypeEffort>,
    pub source_size_details: SourceSizeDetails,
    pub target_recommendations: TargetRecommendations,
    pub assessed_at: String,
    pub duration_ms: u64,
    pub source: ReportSource,
    /// Whether some check could not run (see `skipped_checks`).
    #[serde(default)]
    pub partial: bool,
    /// The checks that could not run: which, why, and the fix.
    #[serde(default)]
    pub skipped_checks: Vec<SkippedCheck>,
    /// How many catalog queries the assessment sent (a fixed number, whatever the size).
    pub catalog_queries: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssueCounts {
    #[serde(rename = "LEVEL_1")]
    pub level1: u64,
    #[serde(rename = "LEVEL_2")]
    pub level2: u64,
    #[serde(rename = "LEVEL_3")]
    pub level3: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SourceSizeDetails {
    #[serde(rename = "TotalDBSize")]
    pub total_db_size: i64,
    pub total_table_size: i64,
    pub total_index_size: i64,
    pub total_table_row_count: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TargetRecommendations {
    pub total_colocated_size: i64,
    pub total_sharded_size: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReportSource {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub schemas: Vec<String>,
    pub user: String,
    /// The server's pg_control_system().system_identifier, when the user could read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_identifier: Option<String>,
}

/// Where a report was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportPaths {
    pub json: PathBuf,
    pub html: PathBuf,
}

impl AssessmentReport {
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json_str(text: &str) -> Result<Self> {
        serde_json::from_str(text)
            .map_err(|e| Error::invalid_argument(format!("not a libvoyager assessment report: {e}")))
    }

    /// Write the JSON and HTML reports into `export_dir`, each atomically.
    pub fn write(&self, export_dir: &Path) -> Result<ReportPaths> {
        let json = export_dir.join(REPORT_JSON_RELATIVE);
        let html = export_dir.join(REPORT_HTML_RELATIVE);
        let mut text = self.to_json_string();
        text.push('\n');
        fs_atomic::write(&json, text.as_bytes())?;
        fs_atomic::write(&html, super::html::render_html(self).as_bytes())?;
        Ok(ReportPaths { json, html })
    }
}
