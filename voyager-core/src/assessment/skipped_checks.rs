//! Checks an assessment could not run: which one, why, and what to do about it. A report with
//! any of these is partial, and says so in its JSON (`LibvoyagerSummary.SkippedChecks`), on the
//! terminal, in the control plane and in the fleet ranking.
//!
//! The privileges behind the usual skips are read with the small catalogs ([`PRIVILEGES_SQL`]):
//! the user's name, the assessed schemas it may not use and the tables it may not read.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::collect::SourceSnapshot;
use super::sql_names::quote_ident;

/// One check that did not run (or ran on part of what it needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase", from = "Wire")]
pub struct SkippedCheck {
    /// A stable name: `workload_queries`, `column_statistics`, `schema_usage`, `table_select`,
    /// or the catalog read that was refused.
    pub check: String,
    /// What was not assessed, in words ("... skipped", "... incomplete").
    pub what: String,
    pub reason: String,
    /// What to do so the next assessment runs it.
    pub fix: String,
}

/// Reports written before the checks had a shape held one sentence each (what the schema of a
/// read report allows; libvoyager writes the object).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum Wire {
    Text(String),
    Full {
        #[serde(rename = "Check", default)]
        check: String,
        #[serde(rename = "What", default)]
        what: String,
        #[serde(rename = "Reason", default)]
        reason: String,
        #[serde(rename = "Fix", default)]
        fix: String,
    },
}

impl From<Wire> for SkippedCheck {
    fn from(wire: Wire) -> Self {
        match wire {
            Wire::Text(text) => SkippedCheck {
                check: String::new(),
                what: text,
                reason: String::new(),
                fix: String::new(),
            },
            Wire::Full {
                check,
                what,
                reason,
                fix,
            } => SkippedCheck {
                check,
                what,
                reason,
                fix,
            },
        }
    }
}

impl SkippedCheck {
    fn new(check: &str, what: impl Into<String>, reason: impl Into<String>, fix: impl Into<String>) -> Self {
        SkippedCheck {
            check: check.into(),
            what: what.into(),
            reason: reason.into(),
            fix: fix.into(),
        }
    }

    /// One line for a person: what, why, and the fix.
    pub fn line(&self) -> String {
        let mut line = self.what.clone();
        if !self.reason.is_empty() {
            line.push_str(&format!(": {}", self.reason));
        }
        if !self.fix.is_empty() {
            line.push_str(&format!("; fix: {}", self.fix));
        }
        line
    }

    /// pg_stat_statements is not installed in the assessed database.
    pub fn workload_not_installed(database: &str) -> Self {
        Self::new(
            WORKLOAD,
            format!("{WORKLOAD_WHAT} skipped"),
            format!("the pg_stat_statements extension is not installed in database {database}"),
            "add pg_stat_statements to shared_preload_libraries, run CREATE EXTENSION pg_stat_statements in this database, \
             let the workload run, then assess again",
        )
    }

    /// The extension exists but the server did not load its library.
    pub fn workload_not_loaded(why: &str) -> Self {
        Self::new(
            WORKLOAD,
            format!("{WORKLOAD_WHAT} skipped"),
            format!("pg_stat_statements is installed but not loaded ({why})"),
            "add pg_stat_statements to shared_preload_libraries and restart the server, let the workload run, then assess again",
        )
    }

    /// The user may not read pg_stat_statements at all.
    pub fn workload_refused(user: &str, why: &str) -> Self {
        Self::new(
            WORKLOAD,
            format!("{WORKLOAD_WHAT} skipped"),
            format!("user {user} may not read pg_stat_statements ({why})"),
            format!(
                "GRANT pg_read_all_stats TO {user}, and EXECUTE on the pg_stat_statements functions if it was revoked"
            ),
        )
    }

    /// Other users' statements read `<insufficient privilege>`.
    pub fn workload_hidden(user: &str, hidden: i64, total: i64) -> Self {
        Self::new(
            WORKLOAD,
            format!("{WORKLOAD_WHAT} skipped"),
            format!(
                "{hidden} of the {total} statements in pg_stat_statements show <insufficient privilege> to user {user}: \
                 other users ran them, so their query constructs were not assessed"
            ),
            format!("GRANT pg_read_all_stats TO {user}"),
        )
    }

    /// The statistics were reset a short while ago: the workload seen is a small sample.
    pub fn workload_recently_reset(age_seconds: f64) -> Self {
        Self::new(
            WORKLOAD,
            format!("{WORKLOAD_WHAT} incomplete"),
            format!(
                "pg_stat_statements was reset {} ago (pg_stat_statements_info.stats_reset), so only the statements run \
                 since then were seen",
                human_age(age_seconds)
            ),
            "let the workload run for a representative period (a full business cycle) before assessing again",
        )
    }

    /// pg_stats itself may not be read.
    pub fn statistics_refused(user: &str, why: &str) -> Self {
        Self::new(
            STATISTICS,
            format!("{STATISTICS_WHAT} skipped"),
            format!("user {user} may not read pg_catalog.pg_stats ({why})"),
            format!("GRANT SELECT ON pg_catalog.pg_stats TO {user}"),
        )
    }

    /// Tables with rows but no statistics although the user may read them: never analysed.
    pub fn statistics_missing(tables: &[String]) -> Self {
        Self::new(
            STATISTICS,
            format!("{STATISTICS_WHAT} skipped for {}", some_names(tables)),
            "pg_stats has no statistics for them: they were never analysed",
            "run ANALYZE on them (or the whole database) before assessing",
        )
    }

    /// Assessed schemas the user has no USAGE on.
    pub fn schema_usage(user: &str, schemas: &[String]) -> Self {
        Self::new(
            "schema_usage",
            format!("Export readiness of schema {} not assured", some_names(schemas)),
            format!(
                "user {user} has no USAGE on it: its objects were assessed from the catalogs, but this user cannot read \
                 its tables, so exporting its schema and data with this user would fail"
            ),
            schemas
                .iter()
                .map(|s| format!("GRANT USAGE ON SCHEMA {} TO {user}", quote_ident(s)))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// Tables the user may not SELECT from: pg_stats hides their columns.
    pub fn table_select(user: &str, tables: &[String]) -> Self {
        Self::new(
            "table_select",
            format!("{STATISTICS_WHAT} skipped for {}", some_names(tables)),
            format!("user {user} has no SELECT on these tables, so pg_stats hides their statistics"),
            format!(
                "GRANT SELECT ON them (or ALL TABLES IN SCHEMA) TO {user}; on PostgreSQL 14 and later GRANT pg_read_all_data TO {user}"
            ),
        )
    }

    /// A catalog read the server refused.
    pub fn catalog_refused(what: &str, why: &str) -> Self {
        Self::new(
            "catalog",
            format!("Reading {what} skipped"),
            format!("the assessing user may not read it ({why})"),
            "assess as a user that may read the system catalogs, or GRANT SELECT on them to this user",
        )
    }
}

const WORKLOAD: &str = "workload_queries";
const WORKLOAD_WHAT: &str = "Workload queries check (pg_stat_statements)";
const STATISTICS: &str = "column_statistics";
const STATISTICS_WHAT: &str = "Index performance checks (pg_stats column statistics)";

/// Below this age, pg_stat_statements is taken as "reset very recently".
pub const RECENT_RESET_SECONDS: f64 = 3600.0;

/// The first few names, and how many more.
fn some_names(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

fn human_age(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..=119 => format!("{s} seconds"),
        120..=7199 => format!("{} minutes", s / 60),
        _ => format!("{} hours", s / 3600),
    }
}

/// What the user may not do in the assessed schemas.
#[derive(Debug, Clone, Default)]
pub struct Privileges {
    /// The user's name, quoted as SQL writes it (for the fixes).
    pub user: String,
    pub schemas_without_usage: Vec<String>,
    /// Qualified names of tables and materialized views without SELECT.
    pub tables_without_select: Vec<String>,
    /// Their oids, to tell "not readable" from "not analysed".
    pub table_oids_without_select: Vec<i64>,
}

/// Rows (kind, name, extra) of the user and what it may not read; read with the other small
/// catalogs, so the number of queries does not grow. `$1` holds the assessed schemas.
pub const PRIVILEGES_SQL: &str = "SELECT 'user', pg_catalog.quote_ident(current_user::text), '' \
     UNION ALL SELECT 'no_usage', n.nspname::text, '' FROM pg_catalog.pg_namespace n \
       WHERE n.nspname = ANY($1) AND NOT pg_catalog.has_schema_privilege(n.oid, 'USAGE') \
     UNION ALL SELECT 'no_select', n.nspname || '.' || c.relname, c.oid::text \
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
       WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition \
         AND NOT pg_catalog.has_table_privilege(c.oid, 'SELECT') \
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid \
                         AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'e')";

impl Privileges {
    /// Take one row of [`PRIVILEGES_SQL`]; false when the row is not one of its kinds.
    pub fn add(&mut self, kind: &str, name: String, extra: &str) -> bool {
        match kind {
            "user" => self.user = name,
            "no_usage" => self.schemas_without_usage.push(name),
            "no_select" => {
                self.tables_without_select.push(name);
                self.table_oids_without_select.push(extra.parse().unwrap_or(0));
            }
            _ => return false,
        }
        true
    }

    /// The user as the fixes name it.
    pub fn user(&self) -> &str {
        if self.user.is_empty() {
            "the assessing user"
        } else {
            &self.user
        }
    }
}

/// What the collected snapshot shows could not be judged: schemas without USAGE, tables without
/// SELECT (pg_stats hides them), and tables with rows that were never analysed.
pub fn from_privileges_and_statistics(snap: &SourceSnapshot, statistics_read: bool) -> Vec<SkippedCheck> {
    let p = &snap.privileges;
    let mut out = Vec::new();
    if !p.schemas_without_usage.is_empty() {
        out.push(SkippedCheck::schema_usage(p.user(), &p.schemas_without_usage));
    }
    if !p.tables_without_select.is_empty() {
        out.push(SkippedCheck::table_select(p.user(), &p.tables_without_select));
    }
    if statistics_read {
        let with_stats: HashSet<i64> = snap.stats.keys().map(|(rel, _)| *rel).collect();
        let not_analysed: Vec<String> = snap
            .relations
            .iter()
            .filter(|r| matches!(r.kind, 'r' | 'm') && r.row_estimate > 0.0)
            .filter(|r| !with_stats.contains(&r.oid) && !p.table_oids_without_select.contains(&r.oid))
            .map(|r| r.qualified())
            .collect();
        if !not_analysed.is_empty() {
            out.push(SkippedCheck::statistics_missing(&not_analysed));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_what_why_and_the_fix() {
        let s = SkippedCheck::workload_hidden("weak", 3, 5);
        let line = s.line();
        assert!(
            line.starts_with("Workload queries check (pg_stat_statements) skipped: 3 of the 5"),
            "{line}"
        );
        assert!(line.ends_with("fix: GRANT pg_read_all_stats TO weak"), "{line}");
        assert!(SkippedCheck::workload_recently_reset(30.0).line().starts_with(
            "Workload queries check (pg_stat_statements) incomplete: pg_stat_statements was reset 30 seconds ago"
        ));
        let names: Vec<String> = (1..=7).map(|i| format!("s.t{i}")).collect();
        assert!(SkippedCheck::table_select("u", &names)
            .what
            .ends_with("s.t5 and 2 more"));
        assert_eq!(
            SkippedCheck::schema_usage("u", &["Odd \"s\"".into()]).fix,
            "GRANT USAGE ON SCHEMA \"Odd \"\"s\"\"\" TO u"
        );
        assert_eq!(human_age(90.0), "90 seconds");
        assert_eq!(human_age(600.0), "10 minutes");
    }

    #[test]
    fn reads_both_shapes() {
        let old: Vec<SkippedCheck> = serde_json::from_str(r#"["pg_stats: not readable"]"#).unwrap();
        assert_eq!(old[0].what, "pg_stats: not readable");
        let s = SkippedCheck::workload_not_installed("db");
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"Check\":\"workload_queries\""), "{text}");
        assert_eq!(serde_json::from_str::<SkippedCheck>(&text).unwrap(), s);
    }
}
