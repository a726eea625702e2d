//! The init journey: to be written.
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InitAnswers {}
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitOutcome {}
pub async fn run(_answers: InitAnswers) -> crate::Result<InitOutcome> {
    Err(crate::Error::internal("not yet"))
}
