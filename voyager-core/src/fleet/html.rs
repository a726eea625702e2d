//! The fleet report: one self-contained HTML page (inline SVG, no external assets) with the
//! complexity distribution, data size against effort, the waves, and the ranked table linking
//! to each database's own report. Everything that came from a database is escaped.

use std::collections::HashMap;
use std::fmt::Write;

use uuid::Uuid;

use super::rank::RankedMigration;
use crate::assessment::html::{escape, STYLE};
use crate::summary::human_bytes;

const CHART_STYLE: &str = "svg{background:#fafbfc;border:1px solid #eee;border-radius:8px;margin:.5rem 1rem .5rem 0}\
.w1{fill:#1a7f37}.w2{fill:#9a6700}.w3{fill:#cf222e}.wnone{fill:#8c959f}";

/// The page for a fleet; `links` maps a migration to its report page (relative to the page).
pub fn render(fleet: &str, ranked: &[RankedMigration], links: &HashMap<Uuid, String>) -> String {
    let mut h = String::new();
    let name = escape(fleet);
    let assessed = ranked.iter().filter(|r| r.score.is_some()).count();
    let failed = ranked.len() - assessed;
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fleet {name}: migration assessment</title>\
         <style>{STYLE}{CHART_STYLE}</style></head><body><h1>Fleet {name}</h1>\
         <div class=\"cards\"><div class=\"card\"><b>{}</b>databases</div><div class=\"card\"><b>{assessed}</b>assessed</div>\
         <div class=\"card\"><b>{failed}</b>failed or not assessed</div>",
        ranked.len()
    );
    for wave in 1..=3u8 {
        let n = ranked.iter().filter(|r| r.wave == Some(wave)).count();
        let _ = write!(h, "<div class=\"card\"><b>{n}</b>in wave {wave}</div>");
    }
    h.push_str("</div><h2>Charts</h2>");
    h.push_str(&complexity_chart(ranked));
    h.push_str(&size_effort_chart(ranked));
    h.push_str(&waves_chart(ranked));
    h.push_str(
        "<h2>Which to migrate first</h2><table><tr><th>#</th><th>wave</th><th>database</th><th>host</th>\
         <th>complexity</th><th>L3</th><th>L2</th><th>L1</th><th>size</th><th>hours</th><th>group</th><th>why</th></tr>",
    );
    for r in ranked {
        let db = match links.get(&r.migration_uuid) {
            Some(link) => format!("<a href=\"{}\">{}</a>", escape(&href(link)), escape(&r.database)),
            None => escape(&r.database),
        };
        let complexity = r.complexity.as_deref().unwrap_or("-");
        let class = complexity_class(complexity);
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td title=\"{}\">{db}</td><td>{}:{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td></tr>",
            r.rank,
            r.wave.map(|w| w.to_string()).unwrap_or_else(|| "-".into()),
            r.migration_uuid,
            escape(&r.host),
            r.port,
            class,
            escape(complexity),
            r.level3,
            r.level2,
            r.level1,
            human_bytes(r.total_size_bytes.max(0) as u64),
            r.effort_hours,
            r.group.map(|g| format!("{g} ({})", r.group_size)).unwrap_or_default(),
            escape(&r.why),
        );
    }
    h.push_str("</table></body></html>\n");
    h
}

/// A link to a file, relative to the page (or absolute): every path segment percent-encoded
/// and a relative path starting with `./`, so no name can become a scheme (`javascript:`), a
/// query or a fragment.
pub fn href(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    const SEGMENT: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let encoded: Vec<String> = path
        .split(['/', '\\'])
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect();
    let joined = encoded.join("/");
    if path.starts_with('/') {
        joined
    } else {
        format!("./{joined}")
    }
}

/// The CSS class of a complexity: one of ours, never text from the data.
pub(crate) fn complexity_class(complexity: &str) -> &'static str {
    match complexity {
        "LOW" => "LOW",
        "MEDIUM" => "MEDIUM",
        "HIGH" => "HIGH",
        _ => "",
    }
}

fn bar_chart(title: &str, bars: &[(String, usize, &str)]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let (w, bar_h) = (360.0, 26.0);
    let height = 40.0 + bar_h * bars.len() as f64;
    let mut s = format!(
        "<svg width=\"{w}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\"><text x=\"10\" y=\"20\" font-weight=\"bold\">{t}</text>",
        t = escape(title)
    );
    for (i, (label, n, class)) in bars.iter().enumerate() {
        let y = 32.0 + i as f64 * bar_h;
        let len = 220.0 * *n as f64 / max as f64;
        let _ = write!(
            s,
            "<text x=\"10\" y=\"{}\">{}</text><rect class=\"{class}\" x=\"100\" y=\"{y}\" width=\"{len:.1}\" height=\"18\"/>\
             <text x=\"{:.1}\" y=\"{}\">{n}</text>",
            y + 14.0,
            escape(label),
            106.0 + len,
            y + 14.0
        );
    }
    s.push_str("</svg>");
    s
}

fn complexity_chart(ranked: &[RankedMigration]) -> String {
    let count = |c: Option<&str>| ranked.iter().filter(|r| r.complexity.as_deref() == c).count();
    bar_chart(
        "Complexity",
        &[
            ("LOW".into(), count(Some("LOW")), "w1"),
            ("MEDIUM".into(), count(Some("MEDIUM")), "w2"),
            ("HIGH".into(), count(Some("HIGH")), "w3"),
            ("not assessed".into(), count(None), "wnone"),
        ],
    )
}

fn waves_chart(ranked: &[RankedMigration]) -> String {
    let count = |w: Option<u8>| ranked.iter().filter(|r| r.wave == w).count();
    bar_chart(
        "Waves",
        &[
            ("wave 1".into(), count(Some(1)), "w1"),
            ("wave 2".into(), count(Some(2)), "w2"),
            ("wave 3".into(), count(Some(3)), "w3"),
            ("none".into(), count(None), "wnone"),
        ],
    )
}

/// Data size (log scale) against estimated effort, one dot per database, coloured by wave.
fn size_effort_chart(ranked: &[RankedMigration]) -> String {
    let (w, h, left, bottom) = (460.0, 260.0, 50.0, 30.0);
    let points: Vec<&RankedMigration> = ranked.iter().filter(|r| r.score.is_some()).collect();
    let max_size = points
        .iter()
        .map(|r| ((r.total_size_bytes.max(0) as f64) + 1.0).log10())
        .fold(1.0, f64::max);
    let max_effort = points.iter().map(|r| r.effort_hours).fold(1.0, f64::max);
    let mut s = format!(
        "<svg width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Size against effort\">\
         <text x=\"10\" y=\"20\" font-weight=\"bold\">Data size (log) against effort (hours)</text>\
         <line x1=\"{left}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#999\"/><line x1=\"{left}\" y1=\"30\" x2=\"{left}\" y2=\"{y0}\" stroke=\"#999\"/>\
         <text x=\"{left}\" y=\"{yl}\" font-size=\"11\">0</text><text x=\"{xr}\" y=\"{yl}\" font-size=\"11\">{}</text>\
         <text x=\"4\" y=\"40\" font-size=\"11\">{max_effort:.0} h</text>",
        human_bytes(10f64.powf(max_size) as u64),
        y0 = h - bottom,
        x1 = w - 10.0,
        yl = h - bottom + 16.0,
        xr = w - 60.0,
    );
    for r in points {
        let x = left + (w - left - 20.0) * ((r.total_size_bytes.max(0) as f64) + 1.0).log10() / max_size;
        let y = (h - bottom) - (h - bottom - 40.0) * r.effort_hours / max_effort;
        let _ = write!(
            s,
            "<circle class=\"w{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\"><title>{}: {}, {:.1} h</title></circle>",
            r.wave.unwrap_or(0),
            escape(&r.database),
            human_bytes(r.total_size_bytes.max(0) as u64),
            r.effort_hours
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_escaped_and_links_kept() {
        let r = RankedMigration {
            rank: 1,
            wave: Some(1),
            score: Some(0.0),
            migration_uuid: Uuid::nil(),
            database: "<script>alert(1)</script>".into(),
            host: "h\"x".into(),
            port: 5432,
            status: crate::vocabulary::AssessmentStatus::Completed,
            complexity: Some("LOW".into()),
            level1: 0,
            level2: 0,
            level3: 0,
            total_size_bytes: 1 << 20,
            effort_hours: 1.0,
            labels: Default::default(),
            group: None,
            group_size: 1,
            why: "wave 1".into(),
            error: None,
            partial: false,
        };
        let links = HashMap::from([(Uuid::nil(), "db@h_5432/export-dir/r.html".to_string())]);
        let page = render("f'leet", &[r], &links);
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;") && page.contains("f&#39;leet"));
        assert!(page.contains("href=\"./db%40h_5432/export-dir/r.html\""), "{page}");
        assert!(page.contains("<svg") && page.contains("<circle"));
    }

    /// Every tag of the page with its attributes (values unescaped), read as a browser would:
    /// text holds no raw `<`, and attribute values are double-quoted and hold no raw `"`.
    fn tags(page: &str) -> Vec<(String, Vec<(String, String)>)> {
        let unescape = |v: &str| {
            v.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        };
        let mut out = Vec::new();
        for chunk in page.split('<').skip(1) {
            let inside = &chunk[..chunk.find('>').expect("every tag is closed")];
            if inside == "!doctype html" {
                continue;
            }
            let inside = inside.trim_start_matches('/').trim_end_matches('/');
            let (name, mut rest) = inside.split_once(' ').unwrap_or((inside, ""));
            let mut attributes = Vec::new();
            while let Some((key, after)) = rest.trim_start().split_once("=\"") {
                let (value, next) = after.split_once('"').expect("every attribute value is closed");
                attributes.push((key.to_string(), unescape(value)));
                rest = next;
            }
            assert!(rest.trim().is_empty(), "stray text in <{inside}>");
            out.push((name.to_ascii_lowercase(), attributes));
        }
        out
    }

    #[test]
    fn hostile_names_never_become_links_scripts_or_attributes() {
        // Issue 10 item 2: `javascript:alert(1)<!--` was a javascript: link.
        let names = [
            "javascript:alert(1)<!--",
            "<img src=x onerror=alert(1)>",
            "a\"onmouseover=\"alert(1)",
            "b'onfocus='alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ünï 🚀 ?x#y%z",
            "..",
        ];
        let ranked: Vec<RankedMigration> = names
            .iter()
            .enumerate()
            .map(|(i, name)| RankedMigration {
                rank: i + 1,
                wave: Some(1),
                score: Some(0.0),
                migration_uuid: Uuid::from_u128(i as u128),
                database: name.to_string(),
                host: name.to_string(),
                port: 5432,
                status: crate::vocabulary::AssessmentStatus::Completed,
                complexity: Some(format!("LOW\" onclick=\"{name}")),
                level1: 0,
                level2: 0,
                level3: 0,
                total_size_bytes: 1,
                effort_hours: 1.0,
                labels: Default::default(),
                group: None,
                group_size: 1,
                why: name.to_string(),
                error: None,
                partial: false,
            })
            .collect();
        let links: HashMap<Uuid, String> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (Uuid::from_u128(i as u128), format!("{name}/export-dir/r.html")))
            .collect();
        let page = render(names[0], &ranked, &links);
        let allowed_tags = [
            "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "div", "b", "svg", "text",
            "rect", "line", "circle", "table", "tr", "th", "td", "a",
        ];
        let allowed_attributes = [
            "lang",
            "charset",
            "class",
            "width",
            "height",
            "role",
            "aria-label",
            "x",
            "y",
            "x1",
            "y1",
            "x2",
            "y2",
            "stroke",
            "font-weight",
            "font-size",
            "cx",
            "cy",
            "r",
            "title",
            "href",
        ];
        let mut hrefs = Vec::new();
        for (tag, attributes) in tags(&page) {
            assert!(allowed_tags.contains(&tag.as_str()), "<{tag}> in the page");
            for (key, value) in attributes {
                assert!(allowed_attributes.contains(&key.as_str()), "<{tag} {key}=...>");
                match key.as_str() {
                    "class" => assert!(["LOW", "MEDIUM", "HIGH", ""].contains(&value.as_str()) || !value.contains(' ')),
                    "href" => hrefs.push(value),
                    _ => {}
                }
            }
        }
        assert_eq!(hrefs.len(), names.len());
        for (href, name) in hrefs.iter().zip(names) {
            assert!(href.starts_with("./"), "{href}");
            assert!(
                !href.contains(':') && !href.contains('?') && !href.contains('#'),
                "{href}"
            );
            let decoded = percent_encoding::percent_decode_str(href).decode_utf8().unwrap();
            assert_eq!(decoded, format!("./{name}/export-dir/r.html"));
        }
        assert_eq!(href("/abs/a b/r.html"), "/abs/a%20b/r.html");
    }
}
