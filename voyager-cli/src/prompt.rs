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
            let labels: Vec<String> = question
                .choices
                .iter()
                .map(|c| crate::output::terminal_safe(&c.label))
                .collect();
            let default = question
                .default
                .as_ref()
                .and_then(|d| question.choices.iter().position(|c| &c.value == d))
                .unwrap_or(0);
            let picked = Select::with_theme(&theme)
                .with_prompt(crate::output::terminal_safe(&question.text))
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
            // dialoguer would show the answer again as given; a pasted URL may hold a password,
            // so the answer is shown redacted instead.
            let mut input = Input::<String>::with_theme(&theme)
                .with_prompt(crate::output::terminal_safe(&question.text))
                .report(false);
            if let Some(default) = &question.default {
                input = input.default(default.clone());
            }
            let answer = input.interact_text().map_err(failed)?;
            crate::output::to_stderr(&answered(&question.text, &answer));
            Ok(answer)
        }
    }
}

/// The line that stays on the terminal after an answer: the answer without any password.
fn answered(question: &str, answer: &str) -> String {
    format!("✔ {question} · {}", voyager_core::connection::redact(answer))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pasted_url_is_shown_without_its_password() {
        // Issue 10 item 27: the prompt re-rendered a pasted URL with its password.
        let line = super::answered("Source database", "postgresql://u:Pa55@h/db");
        assert_eq!(line, "✔ Source database · postgresql://u:********@h/db");
        let line = super::answered("Source database", "host=h PASSWORD = Pa55");
        assert!(!line.contains("Pa55"), "{line}");
    }
}
