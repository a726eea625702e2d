//! The HTML pages: minijinja templates embedded in the binary, escaping every value by default
//! (they are `.html` templates), and the links each page needs, built here from UUIDs and
//! percent-encoded values.

use minijinja::value::Serde;
use minijinja::{context, Environment, Value as Ctx};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use voyager_core::ranking::RankedDatabase;
use voyager_core::{Error, Result};

use crate::charts;
use crate::views::{DatabaseView, FleetView, Overview, TablePage, TableQuery, SORT_KEYS};

/// Left as they are in a query value: what RFC 3986 calls unreserved.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Every template, embedded at build time.
pub fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    let all = [
        ("base.html", include_str!("../templates/base.html")),
        ("overview.html", include_str!("../templates/overview.html")),
        ("databases.html", include_str!("../templates/databases.html")),
        ("database.html", include_str!("../templates/database.html")),
        ("fleets.html", include_str!("../templates/fleets.html")),
        ("error.html", include_str!("../templates/error.html")),
    ];
    for (name, source) in all {
        env.add_template(name, source)
            .expect("the embedded templates parse (a test renders each)");
    }
    env.add_filter("size", |bytes: i64| human_size(bytes));
    env
}

fn render(env: &Environment<'static>, name: &str, ctx: Ctx) -> Result<String> {
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| Error::internal(format!("the page template {name} failed: {e}")))
}

pub fn overview(env: &Environment<'static>, o: &Overview, ranked: &[RankedDatabase]) -> Result<String> {
    let pairs = |m: &std::collections::BTreeMap<String, usize>, order: &[&str]| -> Vec<(String, usize)> {
        order
            .iter()
            .map(|k| (k.to_string(), m.get(*k).copied().unwrap_or(0)))
            .collect()
    };
    let complexity = charts::bars(
        "Databases by complexity",
        &pairs(&o.by_complexity, &["LOW", "MEDIUM", "HIGH", "none"]),
        charts::complexity_class,
    );
    let waves = charts::bars("Databases by wave", &pairs(&o.by_wave, &["1", "2", "3", "none"]), |w| {
        format!("w-{w}")
    });
    let status = pairs(&o.by_status, &["completed", "failed", "not assessed"]);
    render(
        env,
        "overview.html",
        context! {
            title => "Overview",
            page => "overview",
            o => Ctx::from(Serde(o)),
            status => Ctx::from(Serde(status)),
            complexity_chart => Ctx::from(Serde(complexity)),
            wave_chart => Ctx::from(Serde(waves)),
            scatter => Ctx::from(Serde(charts::size_against_effort(ranked))),
            first => Ctx::from(Serde(ranked.iter().take(10).collect::<Vec<_>>())),
        },
    )
}

/// A header of the ranked table: its link sorts by it (again: the other way).
#[derive(Serialize)]
struct Column {
    key: &'static str,
    label: &'static str,
    href: String,
    /// "asc" or "desc" when the table is sorted by it.
    sorted: Option<String>,
}

pub fn databases(
    env: &Environment<'static>,
    page: &TablePage,
    query: &TableQuery,
    fleets: &[String],
) -> Result<String> {
    let labels = [
        "Rank",
        "Wave",
        "Score",
        "Database",
        "Host",
        "Complexity",
        "L3",
        "L2",
        "L1",
        "Size",
        "Effort (h)",
        "Status",
    ];
    let columns: Vec<Column> = SORT_KEYS
        .iter()
        .zip(labels)
        .map(|(key, label)| {
            let sorted = (page.sort == *key).then(|| page.dir.clone());
            let dir = if sorted.as_deref() == Some("asc") {
                "desc"
            } else {
                "asc"
            };
            let q = TableQuery {
                sort: Some(key.to_string()),
                dir: Some(dir.into()),
                page: None,
                ..query.clone()
            };
            Column {
                key,
                label,
                href: href("/databases", &q),
                sorted,
            }
        })
        .collect();
    let at = |n: usize| {
        href(
            "/databases",
            &TableQuery {
                page: Some(n),
                ..query.clone()
            },
        )
    };
    let prev = (page.page > 1).then(|| at(page.page - 1));
    let next = (page.page < page.pages).then(|| at(page.page + 1));
    render(
        env,
        "databases.html",
        context! {
            title => "Every database, ranked",
            page => "databases",
            t => Ctx::from(Serde(page)),
            q => Ctx::from(Serde(query)),
            columns => Ctx::from(Serde(columns)),
            fleets => Ctx::from(Serde(fleets)),
            prev => prev,
            next => next,
            json_href => href("/api/databases", query),
        },
    )
}

pub fn database(env: &Environment<'static>, view: &DatabaseView) -> Result<String> {
    let l = &view.details.latest;
    render(
        env,
        "database.html",
        context! {
            title => format!("{} on {}:{}", l.source.database, l.source.host, l.source.port),
            page => "database",
            v => Ctx::from(Serde(view)),
            summary => Ctx::from(Serde(l.report.get("LibvoyagerSummary"))),
            sizing => Ctx::from(Serde(sizing_rows(&l.report))),
            runs => Ctx::from(Serde(view.details.history.iter().map(|r| r.run).collect::<Vec<_>>())),
        },
    )
}

pub fn fleets(env: &Environment<'static>, fleets: &[FleetView]) -> Result<String> {
    render(
        env,
        "fleets.html",
        context! { title => "Fleets", page => "fleets", fleets => Ctx::from(Serde(fleets)) },
    )
}

pub fn error(env: &Environment<'static>, status: u16, message: &str) -> String {
    render(
        env,
        "error.html",
        context! { title => "Error", page => "", status => status, message => message },
    )
    .unwrap_or_else(|_| "error".into())
}

/// The report's sizing recommendation as (key, value) rows: its scalar fields as they are.
fn sizing_rows(report: &serde_json::Value) -> Vec<(String, String)> {
    let Some(rec) = report
        .pointer("/Sizing/SizingRecommendation")
        .and_then(|v| v.as_object())
    else {
        return Vec::new();
    };
    rec.iter()
        .filter_map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Array(a) if a.iter().all(|x| x.is_string()) => {
                    let names: Vec<&str> = a.iter().filter_map(|x| x.as_str()).collect();
                    format!("{} ({})", names.len(), names.join(", "))
                }
                _ => return None,
            };
            Some((k.clone(), text))
        })
        .collect()
}

/// `base?key=value&...` for the query's non-empty fields, each value percent-encoded.
pub fn href(base: &str, query: &TableQuery) -> String {
    let value = serde_json::to_value(query).unwrap_or_default();
    let pairs: Vec<String> = value
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) if !s.is_empty() => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some(format!("{k}={}", utf8_percent_encode(&text, QUERY_VALUE)))
        })
        .collect();
    if pairs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", pairs.join("&"))
    }
}

fn human_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_hostile_values_as_data() {
        let q = TableQuery {
            q: Some("a&b=<c> \"d\" ü".into()),
            page: Some(2),
            ..TableQuery::default()
        };
        let link = href("/databases", &q);
        assert_eq!(link, "/databases?q=a%26b%3D%3Cc%3E%20%22d%22%20%C3%BC&page=2");
        assert_eq!(href("/databases", &TableQuery::default()), "/databases");
    }

    #[test]
    fn every_template_parses_and_escapes() {
        let env = templates();
        let page = error(&env, 404, "<img src=x onerror=alert(1)>");
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert_eq!(human_size(1536), "1.5 KiB");
    }
}
