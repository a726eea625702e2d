//! One contract for all fronts: every JSON request and result that crosses the C ABI (and the
//! Python wheel, which passes the same JSON), with its JSON Schema made from the core types.
//!
//! `schemas/<name>.json` in the repository are these schemas; `voyager-core/tests/contract.rs`
//! fails when they differ from the code (`VOYAGER_BLESS=1` rewrites them), and the Python tests
//! check the `libvoyager` dataclasses and keyword arguments against them.

use schemars::{schema_for, Schema};

/// One JSON document that crosses the boundary: its file name (without `.json`), the C
/// function that takes or returns it, and its schema.
pub struct Crossing {
    pub name: &'static str,
    pub function: &'static str,
    pub schema: Schema,
}

fn crossing(name: &'static str, function: &'static str, mut schema: Schema) -> Crossing {
    schema.insert("$id".into(), format!("urn:libvoyager:schema:{name}").into());
    Crossing { name, function, schema }
}

/// Every request and result of the C ABI, in the order of the header.
pub fn crossings() -> Vec<Crossing> {
    use crate::{assess_migration as am, assessment, control_plane as cp, fleet, init, ranking, start_migration as sm};
    vec![
        crossing(
            "error",
            "voyager_error_json",
            schema_for!(crate::error::ErrorReport<'static>),
        ),
        crossing("init.request", "voyager_init", schema_for!(init::InitAnswers)),
        crossing("init.result", "voyager_init", schema_for!(init::InitOutcome)),
        crossing("assess.request", "voyager_assess", schema_for!(am::AssessRequest)),
        crossing(
            "assess.progress",
            "voyager_assess",
            schema_for!(assessment::AssessProgress),
        ),
        crossing("assess.result", "voyager_assess", schema_for!(am::AssessResult)),
        crossing(
            "start_migration.request",
            "voyager_start_migration",
            schema_for!(sm::StartMigrationAnswers),
        ),
        crossing(
            "start_migration.result",
            "voyager_start_migration",
            schema_for!(sm::StartMigrationOutcome),
        ),
        crossing(
            "control_plane_status.result",
            "voyager_control_plane_status",
            schema_for!(cp::ControlPlaneStatus),
        ),
        crossing(
            "control_plane_list.request",
            "voyager_control_plane_list",
            schema_for!(cp::ListFilter),
        ),
        crossing(
            "control_plane_list.result",
            "voyager_control_plane_list",
            schema_for!(Vec<cp::MigrationSummary>),
        ),
        crossing(
            "control_plane_show.result",
            "voyager_control_plane_show",
            schema_for!(cp::MigrationDetails),
        ),
        crossing(
            "control_plane_push.request",
            "voyager_control_plane_push",
            schema_for!(am::AssessRequest),
        ),
        crossing(
            "control_plane_push.result",
            "voyager_control_plane_push",
            schema_for!(am::ControlPlaneWrite),
        ),
        crossing(
            "control_plane_diff.result",
            "voyager_control_plane_diff",
            schema_for!(cp::AssessmentDiff),
        ),
        crossing(
            "control_plane_forget.result",
            "voyager_control_plane_forget",
            schema_for!(cp::ForgetOutcome),
        ),
        crossing(
            "assess_fleet.request",
            "voyager_assess_fleet",
            schema_for!(fleet::FleetRequest),
        ),
        crossing(
            "assess_fleet.progress",
            "voyager_assess_fleet",
            schema_for!(fleet::FleetProgress),
        ),
        crossing(
            "assess_fleet.result",
            "voyager_assess_fleet",
            schema_for!(fleet::FleetOutcome),
        ),
        crossing(
            "fleet_list.result",
            "voyager_fleet_list",
            schema_for!(Vec<cp::MigrationSummary>),
        ),
        crossing(
            "fleet_rank.result",
            "voyager_fleet_rank",
            schema_for!(Vec<fleet::rank::RankedMigration>),
        ),
        crossing("rank.request", "voyager_rank", schema_for!(ranking::RankRequest)),
        crossing("rank.result", "voyager_rank", schema_for!(Vec<ranking::RankedDatabase>)),
        crossing(
            "connection_parse.result",
            "voyager_connection_parse",
            schema_for!(crate::connection::ConnectionInfo),
        ),
    ]
}

/// A schema as the repository keeps it: pretty JSON with a final newline.
pub fn render(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
