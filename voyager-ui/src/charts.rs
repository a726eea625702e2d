//! The overview's charts, as geometry: the templates draw them as SVG on the server (no script,
//! no library, nothing from another origin), escaping every label like any other text.

use serde::Serialize;
use voyager_core::ranking::RankedDatabase;

/// Plot area of every chart, in SVG user units.
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 24.0;

/// A bar chart: one bar per (label, count).
#[derive(Debug, Clone, Serialize)]
pub struct Bars {
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub count: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// A class of the stylesheet (the colour).
    pub class: String,
}

/// A scatter plot of size against effort, one point per assessed database.
#[derive(Debug, Clone, Serialize)]
pub struct Scatter {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub bottom: f64,
    pub points: Vec<Point>,
    /// Assessed databases in all; at most [`MAX_POINTS`] of them (the best ranked) are drawn.
    pub assessed: usize,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub cx: f64,
    pub cy: f64,
    /// The database's name and figures, shown as the point's tooltip.
    pub title: String,
    pub migration_uuid: String,
    pub class: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub at: f64,
    pub label: String,
    /// start, middle or end: the last x tick ends at the plot's edge.
    pub anchor: &'static str,
}

/// Bars for counts in the given order; `class_of` names each bar's colour.
pub fn bars(title: &str, counts: &[(String, usize)], class_of: impl Fn(&str) -> String) -> Bars {
    let max = counts.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1) as f64;
    let slot = (WIDTH - LEFT) / counts.len().max(1) as f64;
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, (label, count))| {
            let h = (HEIGHT - BOTTOM - 16.0) * *count as f64 / max;
            Bar {
                label: label.clone(),
                count: *count,
                x: round(LEFT + i as f64 * slot + slot * 0.15),
                y: round(HEIGHT - BOTTOM - h),
                w: round(slot * 0.7),
                h: round(h),
                class: class_of(label),
            }
        })
        .collect();
    Bars {
        title: title.to_string(),
        width: WIDTH,
        height: HEIGHT,
        bars,
    }
}

/// The most points a scatter draws, so the page stays light at 10,000 databases.
pub const MAX_POINTS: usize = 1_000;

/// Size (x, GiB, square-root scale so small databases spread out) against effort (y, hours).
pub fn size_against_effort(ranked: &[RankedDatabase]) -> Scatter {
    let all: Vec<&RankedDatabase> = ranked.iter().filter(|d| d.ranked.complexity.is_some()).collect();
    let assessed = &all[..all.len().min(MAX_POINTS)];
    let gib = |b: i64| b.max(0) as f64 / (1u64 << 30) as f64;
    let max_x = assessed
        .iter()
        .map(|d| gib(d.ranked.total_size_bytes))
        .fold(0.0, f64::max)
        .max(0.001);
    let max_y = assessed
        .iter()
        .map(|d| d.ranked.effort_hours)
        .fold(0.0, f64::max)
        .max(1.0);
    let (plot_w, plot_h) = (WIDTH - LEFT - 8.0, HEIGHT - BOTTOM - 8.0);
    let x_of = |v: f64| round(LEFT + plot_w * (v / max_x).sqrt());
    let y_of = |v: f64| round(HEIGHT - BOTTOM - plot_h * v / max_y);
    let points = assessed
        .iter()
        .map(|d| {
            let r = &d.ranked;
            Point {
                cx: x_of(gib(r.total_size_bytes)),
                cy: y_of(r.effort_hours),
                title: format!(
                    "{} on {}:{}: {:.3} GiB, {:.1} h, {}",
                    r.database,
                    r.host,
                    r.port,
                    gib(r.total_size_bytes),
                    r.effort_hours,
                    r.complexity.as_deref().unwrap_or("")
                ),
                migration_uuid: r.migration_uuid.to_string(),
                class: complexity_class(r.complexity.as_deref().unwrap_or("")),
            }
        })
        .collect();
    let ticks = |max: f64, at: &dyn Fn(f64) -> f64, unit: &str| {
        [0.0, 0.25, 1.0]
            .iter()
            .map(|f| Tick {
                at: at(max * f),
                label: format!("{}{unit}", short(max * f)),
                anchor: if *f == 1.0 { "end" } else { "middle" },
            })
            .collect::<Vec<_>>()
    };
    Scatter {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        bottom: HEIGHT - BOTTOM,
        x_ticks: ticks(max_x, &x_of, " GiB"),
        y_ticks: ticks(max_y, &y_of, " h"),
        points,
        assessed: all.len(),
    }
}

/// The stylesheet's class for a complexity (LOW, MEDIUM, HIGH; anything else is grey).
pub fn complexity_class(complexity: &str) -> String {
    match complexity {
        "LOW" => "c-low",
        "MEDIUM" => "c-medium",
        "HIGH" => "c-high",
        _ => "c-none",
    }
    .into()
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn short(v: f64) -> String {
    if v >= 100.0 || v == 0.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_count() {
        let b = bars(
            "x",
            &[("LOW".into(), 4), ("HIGH".into(), 2), ("none".into(), 0)],
            complexity_class,
        );
        assert_eq!(b.bars.len(), 3);
        assert_eq!(b.bars[0].h, 2.0 * b.bars[1].h);
        assert_eq!(b.bars[2].h, 0.0);
        assert_eq!(b.bars[1].class, "c-high");
        assert!(b.bars.iter().all(|bar| bar.x >= LEFT && bar.x + bar.w <= WIDTH));
        // No data at all is no division by zero.
        assert!(bars("y", &[], complexity_class).bars.is_empty());
    }
}
