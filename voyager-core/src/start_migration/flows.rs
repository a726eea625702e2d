//! The data migration flows yb-voyager runs, and the commands that carry each one on.

use std::path::Path;

/// The data migration flows yb-voyager runs.
pub const FLOWS: &[(&str, &str)] = &[
    (
        "offline",
        "Offline: stop writes to the source, copy the data, switch over",
    ),
    ("live", "Live: copy the data and stream changes until cutover"),
    (
        "live-fall-back",
        "Live with fall-back: stream target changes back to the source after cutover",
    ),
    (
        "live-fall-forward",
        "Live with fall-forward: also keep a source replica up to date",
    ),
];

/// The yb-voyager commands that carry the chosen flow on.
pub fn next_steps(flow: &str, config_file: &Path) -> Vec<String> {
    let f = format!("--config-file {}", config_file.display());
    let mut steps = vec![
        format!("yb-voyager export schema {f}"),
        format!("yb-voyager analyze-schema {f}"),
        format!("yb-voyager import schema {f}"),
        format!("yb-voyager export data {f}"),
        format!("yb-voyager import data {f}"),
    ];
    match flow {
        "live" => steps.push(format!("yb-voyager initiate cutover to target {f}")),
        "live-fall-back" => {
            steps.push(format!("yb-voyager initiate cutover to target {f}"));
            steps.push(format!("yb-voyager export data from target {f}"));
            steps.push(format!("yb-voyager initiate cutover to source {f}"));
        }
        "live-fall-forward" => {
            steps.push(format!("yb-voyager import data to source-replica {f}"));
            steps.push(format!("yb-voyager initiate cutover to target {f}"));
            steps.push(format!("yb-voyager initiate cutover to source-replica {f}"));
        }
        _ => steps.push(format!("yb-voyager finalize-schema-post-data-import {f}")),
    }
    steps.push(format!("yb-voyager end migration {f}"));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flow_has_next_steps_ending_the_migration() {
        for (flow, _) in FLOWS {
            let steps = next_steps(flow, Path::new("/m/config.toml"));
            assert!(steps.last().unwrap().contains("end migration"));
            assert!(steps.iter().all(|s| s.contains("--config-file /m/config.toml")));
        }
    }
}
