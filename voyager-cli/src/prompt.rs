//! Turns a journey's questions into terminal prompts. Only the CLI reads a terminal; the core
//! only asks.

use std::io::IsTerminal;

use dialoguer::{theme::ColorfulTheme, Input, Password, Select};
use voyager_core::journey::{Question, QuestionKind};
use voyager_core::{Error, Result};

/// Whether the user can be asked: stdin and stderr are terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Ask `question` on the terminal and return the answer as text.
pub fn ask(question: &Question) -> Result<String> {
    let theme = ColorfulTheme::default();
    let failed = |e: dialoguer::Error| Error::cancelled(format!("no answer to \"{}\": {e}", question.text));
    match question.kind {
        QuestionKind::Choice => {
            let labels: Vec<&str> = question.choices.iter().map(|c| c.label.as_str()).collect();
            let default = question
                .default
                .as_ref()
                .and_then(|d| question.choices.iter().position(|c| &c.value == d))
                .unwrap_or(0);
            let picked = Select::with_theme(&theme)
                .with_prompt(&question.text)
                .items(&labels)
                .default(default)
                .interact()
                .map_err(failed)?;
            Ok(question.choices[picked].value.clone())
        }
        QuestionKind::Secret => Password::with_theme(&theme)
            .with_prompt(&question.text)
            .interact()
            .map_err(failed),
        QuestionKind::Confirm | QuestionKind::Text => {
            let mut input = Input::<String>::with_theme(&theme).with_prompt(&question.text);
            if let Some(default) = &question.default {
                input = input.default(default.clone());
            }
            input.interact_text().map_err(failed)
        }
    }
}
