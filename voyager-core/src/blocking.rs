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
