//! The data migration flows yb-voyager runs, and the commands that carry each one on.

use std::path::Path;

use crate::vocabulary::Flow;

/// The yb-voyager commands that carry the chosen flow on.
pub fn next_steps(flow: Flow, config_file: &Path) -> Vec<String> {
    let f = format!("--config-file {}", config_file.display());
    let mut steps = vec![
        format!("yb-voyager export schema {f}"),
        format!("yb-voyager analyze-schema {f}"),
        format!("yb-voyager import schema {f}"),
        format!("yb-voyager export data {f}"),
        format!("yb-voyager import data {f}"),
    ];
    match flow {
        Flow::Live => steps.push(format!("yb-voyager initiate cutover to target {f}")),
        Flow::LiveFallBack => {
            steps.push(format!("yb-voyager initiate cutover to target {f}"));
            steps.push(format!("yb-voyager export data from target {f}"));
            steps.push(format!("yb-voyager initiate cutover to source {f}"));
        }
        Flow::LiveFallForward => {
            steps.push(format!("yb-voyager import data to source-replica {f}"));
            steps.push(format!("yb-voyager initiate cutover to target {f}"));
            steps.push(format!("yb-voyager initiate cutover to source-replica {f}"));
        }
        Flow::Offline => steps.push(format!("yb-voyager finalize-schema-post-data-import {f}")),
    }
    steps.push(format!("yb-voyager end migration {f}"));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flow_has_next_steps_ending_the_migration() {
        for &flow in Flow::ALL {
            let steps = next_steps(flow, Path::new("/m/config.toml"));
            assert!(steps.last().unwrap().contains("end migration"));
            assert!(steps.iter().all(|s| s.contains("--config-file /m/config.toml")));
        }
    }
}
