//! Driving a journey from the terminal: print what it says, prompt for what it asks (or take
//! the default with --yes), and ask again after a failed check. Without a terminal a missing
//! answer is an error naming its flag.

use voyager_core::journey::{Journey, Step};
use voyager_core::runtime::block_on;
use voyager_core::{ErrorKind, Result};

use crate::output::Output;
use crate::prompt;

pub fn drive<J: Journey>(mut journey: J, yes: bool, out: &Output) -> Result<J::Outcome> {
    let interactive = prompt::interactive();
    let mut failures = 0;
    loop {
        match block_on(journey.next())? {
            Ok(Step::Say { message }) => out.say(&message),
            Ok(Step::Ask { question }) => {
                let answer = match (&question.default, yes, interactive) {
                    (Some(default), true, _) => default.clone(),
                    (_, _, true) => prompt::ask(&question)?,
                    _ => return Err(question.missing()),
                };
                if let Err(e) = journey.answer(&question.id, &answer) {
                    if !interactive {
                        return Err(e);
                    }
                    out.say(&format!("error: {}", e.render(voyager_core::error::Front::Cli)));
                }
            }
            Ok(Step::Done { outcome }) => return Ok(outcome),
            // On a terminal a failed check is reported and its question asked again.
            Err(e) if interactive && retryable(e.kind()) && failures < 5 => {
                failures += 1;
                out.say(&format!("error: {}", e.render(voyager_core::error::Front::Cli)));
            }
            Err(e) => return Err(e),
        }
    }
}

fn retryable(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Connection | ErrorKind::InvalidArgument | ErrorKind::AlreadyExists
    )
}
