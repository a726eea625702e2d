//! Blocking versions of the core's async calls, run on the library's one runtime. The C ABI and
//! the Python wheel call these; bindings hold no logic of their own.

use crate::runtime::block_on;
use crate::Result;

/// Run the init journey with every answer given up front. See [`crate::init::run`].
pub fn init(answers: crate::init::InitAnswers) -> Result<crate::init::InitOutcome> {
    block_on(crate::init::run(answers))?
}

/// Assess one database and write its report. See [`crate::assess_migration::run`].
pub fn assess(
    request: crate::assess_migration::AssessRequest,
    progress: Option<crate::assessment::ProgressFn>,
) -> Result<crate::assess_migration::AssessResult> {
    block_on(crate::assess_migration::run(request, progress))?
}

/// The control plane's status. See [`crate::control_plane::status`].
pub fn control_plane_status(control_plane: &str) -> Result<crate::control_plane::ControlPlaneStatus> {
    block_on(crate::control_plane::status(control_plane))?
}

/// Every migration with its latest assessment. See [`crate::control_plane::list`].
pub fn control_plane_list(
    control_plane: &str,
    filter: &crate::control_plane::ListFilter,
) -> Result<Vec<crate::control_plane::MigrationSummary>> {
    block_on(crate::control_plane::list(control_plane, filter))?
}

/// A migration's latest assessment and history. See [`crate::control_plane::show`].
pub fn control_plane_show(control_plane: &str, uuid: &str) -> Result<crate::control_plane::MigrationDetails> {
    block_on(crate::control_plane::show(control_plane, uuid))?
}

/// Store an export dir's report in the control plane. See [`crate::assess_migration::push`].
pub fn control_plane_push(
    request: crate::assess_migration::AssessRequest,
) -> Result<crate::assess_migration::ControlPlaneWrite> {
    block_on(crate::assess_migration::push(request))?
}

/// Run start-migration with every answer given up front. See [`crate::start_migration::run`].
pub fn start_migration(
    answers: crate::start_migration::StartMigrationAnswers,
) -> Result<crate::start_migration::StartMigrationOutcome> {
    block_on(crate::start_migration::run(answers))?
}

/// Assess every database of a fleet. See [`crate::fleet::run`].
pub fn assess_fleet(
    request: crate::fleet::FleetRequest,
    progress: Option<crate::fleet::FleetProgressFn>,
    cancel: crate::fleet::CancellationToken,
) -> Result<crate::fleet::FleetOutcome> {
    block_on(crate::fleet::run(request, progress, cancel))?
}

/// A fleet's migrations with their latest assessment. See [`crate::fleet::list`].
pub fn fleet_list(
    control_plane: &str,
    fleet: &str,
    filter: crate::control_plane::ListFilter,
) -> Result<Vec<crate::control_plane::MigrationSummary>> {
    block_on(crate::fleet::list(control_plane, fleet, filter))?
}

/// A fleet ranked into waves. See [`crate::fleet::rank()`].
pub fn fleet_rank(
    control_plane: &str,
    fleet: &str,
    weights: &crate::fleet::rank::Weights,
) -> Result<Vec<crate::fleet::rank::RankedMigration>> {
    block_on(crate::fleet::rank(control_plane, fleet, weights))?
}

/// One member of a fleet: its place in the ranking and its latest assessment. See
/// [`crate::fleet::show`].
pub fn fleet_show(
    control_plane: &str,
    fleet: &str,
    member: &str,
    weights: &crate::fleet::rank::Weights,
) -> Result<crate::fleet::FleetMemberDetails> {
    block_on(crate::fleet::show(control_plane, fleet, member, weights))?
}

/// The fleet a command is about: the one given, else the only one. See
/// [`crate::fleet::fleet_name`].
pub fn fleet_name(control_plane: &str, given: Option<&str>) -> Result<String> {
    block_on(crate::fleet::fleet_name(control_plane, given))?
}

/// Every database the control plane knows, ranked. See [`crate::ranking::rank`].
pub fn rank(control_plane: &str, request: &crate::ranking::RankRequest) -> Result<Vec<crate::ranking::RankedDatabase>> {
    block_on(crate::ranking::rank(control_plane, request))?
}

/// What changed between two assessments of a migration. See [`crate::control_plane::diff`].
pub fn control_plane_diff(
    control_plane: &str,
    uuid: &str,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<crate::control_plane::AssessmentDiff> {
    block_on(crate::control_plane::diff(control_plane, uuid, from, to))?
}

/// Remove libvoyager's rows of a migration. See [`crate::control_plane::forget`].
pub fn control_plane_forget(
    control_plane: &str,
    uuid: &str,
    include_yugabyted: bool,
) -> Result<crate::control_plane::ForgetOutcome> {
    block_on(crate::control_plane::forget(control_plane, uuid, include_yugabyted))?
}
