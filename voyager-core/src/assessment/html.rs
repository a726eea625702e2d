//! The HTML report: one self-contained page (no external assets) a person would rather read
//! than the JSON. Summary first, then the issues by category with their objects and SQL, then
//! the table and index statistics. Everything that came from the database is escaped.

use std::fmt::Write;

use super::issue::{Category, Issue};
use super::report::AssessmentReport;
use crate::summary::human_bytes;

/// Escape text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}\
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}\
.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #ddd;border-radius:8px;padding:.8rem 1rem;min-width:150px}\
.card b{display:block;font-size:1.4rem}.LOW{color:#1a7f37}.MEDIUM{color:#9a6700}.HIGH{color:#cf222e}\
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left}\
details{margin:.3rem 0}summary{cursor:pointer}pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap}\
.lvl{font-size:.75rem;padding:0 .4rem;border-radius:4px;background:#eee}.LEVEL_3{background:#ffd8d3}.LEVEL_2{background:#fff1c2}";

pub fn render_html(report: &AssessmentReport) -> String {
    let s = &report.summary;
    let rec = &report.sizing.sizing_recommendation;
    let db = escape(&report.schema_summary.db_name);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Migration assessment: {db}</title>\
         <style>{STYLE}</style></head><body><h1>Migration assessment of {db}</h1>\
         <p>PostgreSQL {} · schemas {} · target YugabyteDB {} · assessed {} by libvoyager {}</p>",
        escape(&report.schema_summary.db_version),
        escape(&report.schema_summary.schema_names.join(", ")),
        escape(&report.target_db_version),
        escape(&s.assessed_at),
        escape(&report.voyager_version),
    );
    let complexity = escape(&report.migration_complexity);
    let class = crate::fleet::html::complexity_class(&report.migration_complexity);
    let _ = write!(
        h,
        "<h2>Summary</h2><div class=\"cards\">\
         <div class=\"card\">Migration complexity<b class=\"{class}\">{complexity}</b></div>\
         <div class=\"card\">Blocking (LEVEL_3)<b>{}</b></div><div class=\"card\">LEVEL_2<b>{}</b></div>\
         <div class=\"card\">LEVEL_1<b>{}</b></div><div class=\"card\">Estimated effort<b>{:.1} h</b></div>\
         <div class=\"card\">Data size<b>{}</b></div><div class=\"card\">Cluster<b>{} × {} vCPU</b>{} GiB memory each</div>\
         <div class=\"card\">Data import<b>{} min</b></div></div><p>{}</p>",
        s.issue_counts.level3,
        s.issue_counts.level2,
        s.issue_counts.level1,
        s.effort_hours,
        human_bytes(s.source_size_details.total_db_size.max(0) as u64),
        rec.num_nodes,
        rec.vcpus_per_instance,
        rec.memory_per_instance,
        rec.estimated_time_in_min_for_import,
        escape(&report.migration_complexity_explanation),
    );
    let _ = write!(
        h,
        "<h2>Sizing</h2><p>{}</p><details><summary>{} colocated tables</summary><pre>{}</pre></details>\
         <details><summary>{} sharded tables</summary><pre>{}</pre></details>",
        escape(&rec.colocated_reasoning),
        rec.colocated_tables.len(),
        escape(&rec.colocated_tables.join("\n")),
        rec.sharded_tables.len(),
        escape(&rec.sharded_tables.join("\n")),
    );
    if !report.sizing.failure_reasoning.is_empty() {
        let _ = write!(h, "<p>{}</p>", escape(&report.sizing.failure_reasoning));
    }
    h.push_str("<h2>Effort</h2><table><tr><th>Issue type</th><th>Count</th><th>Hours each</th><th>Hours</th></tr>");
    for e in &s.effort_by_type {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td></tr>",
            escape(&e.issue_type),
            e.count,
            e.hours_each,
            e.hours
        );
    }
    h.push_str("</table>");
    issues_by_category(&mut h, &report.assessment_issues);
    if !report.notes.is_empty() {
        h.push_str("<h2>Notes</h2><ul>");
        for n in &report.notes {
            let _ = write!(h, "<li>{}</li>", escape(n));
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Tables and indexes</h2><table><tr><th>Object</th><th>Type</th><th>Rows</th><th>Size</th><th>Reads</th><th>Writes</th></tr>");
    for t in &report.table_index_stats {
        let _ = write!(
            h,
            "<tr><td>{}.{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.schema_name),
            escape(&t.object_name),
            escape(&t.object_type),
            t.row_count.map(|r| r.to_string()).unwrap_or_default(),
            t.size_in_bytes
                .map(|b| human_bytes(b.max(0) as u64))
                .unwrap_or_default(),
            t.reads.unwrap_or(0),
            t.writes.unwrap_or(0),
        );
    }
    h.push_str("</table></body></html>\n");
    h
}

fn issues_by_category(h: &mut String, issues: &[Issue]) {
    let _ = write!(h, "<h2>Issues ({})</h2>", issues.len());
    if issues.is_empty() {
        h.push_str("<p>No issue was found.</p>");
    }
    let mut categories: Vec<Category> = issues.iter().map(|i| i.category).collect();
    categories.sort();
    categories.dedup();
    for category in categories {
        let in_category: Vec<&Issue> = issues.iter().filter(|i| i.category == category).collect();
        let _ = write!(
            h,
            "<h3>{} ({})</h3><p>{}</p>",
            escape(category.as_str()),
            in_category.len(),
            escape(category.description())
        );
        for issue in in_category {
            let impact = issue.impact.as_str();
            let _ = write!(
                h,
                "<details><summary><span class=\"lvl {impact}\">{impact}</span> {} · {} <code>{}</code></summary>\
                 <p>{} (<code>{}</code>){}</p>",
                escape(&issue.name),
                escape(&issue.object_type),
                escape(&issue.object_name),
                escape(&issue.description),
                escape(&issue.issue_type),
                docs_link(&issue.docs_link),
            );
            if !issue.sql_statement.is_empty() {
                let _ = write!(h, "<pre>{}</pre>", escape(&issue.sql_statement));
            }
            h.push_str("</details>");
        }
    }
}

/// A documentation link: only an https:// address becomes a link (never `javascript:`).
fn docs_link(url: &str) -> String {
    let safe = url.starts_with("https://") && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if safe {
        format!(" <a href=\"{}\">docs</a>", escape(url))
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_hostile_names() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn only_https_documentation_links_become_links() {
        assert_eq!(docs_link("javascript:alert(1)"), "");
        assert_eq!(docs_link("https://x\" onclick=\"y"), "");
        assert_eq!(
            docs_link("https://docs.yugabyte.com/a?b=1&c=2"),
            " <a href=\"https://docs.yugabyte.com/a?b=1&amp;c=2\">docs</a>"
        );
    }
}
