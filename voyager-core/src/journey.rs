//! The shape every journey (init, start-migration) shares: it yields questions and takes answers,
//! and never reads a terminal. The CLI turns a question into a prompt; C and Python pass the
//! answers up front and get a `MissingAnswer` error that names the question, its flag and its
//! environment variable when one is missing.

use serde::{Deserialize, Serialize};

use crate::{Error, ErrorKind};

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Free text (a connection string, a path).
    Text,
    /// Text that must not be echoed or kept (a password).
    Secret,
    /// One of `choices`, answered by its `value`.
    Choice,
    /// Yes or no, answered `yes`/`no` (also `true`/`false`, `y`/`n`).
    Confirm,
}

/// One of the answers a [`QuestionKind::Choice`] question accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A question a journey needs answered before it can go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The answer's key, as the library calls take it (`source`, `control_plane`, ...).
    pub id: String,
    pub kind: QuestionKind,
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub choices: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default: Option<String>,
    /// The CLI flag that answers it.
    pub flag: String,
    /// The environment variable that answers it, where there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub env: Option<String>,
}

impl Question {
    pub fn text(id: &str, text: &str, flag: &str) -> Self {
        Question {
            id: id.into(),
            kind: QuestionKind::Text,
            text: text.into(),
            choices: Vec::new(),
            default: None,
            flag: flag.into(),
            env: None,
        }
    }

    pub fn with_kind(mut self, kind: QuestionKind) -> Self {
        self.kind = kind;
        self
    }

    pub fn with_default(mut self, default: impl Into<String>) -> Self {
        self.default = Some(default.into());
        self
    }

    pub fn with_env(mut self, env: &str) -> Self {
        self.env = Some(env.into());
        self
    }

    pub fn with_choices(mut self, choices: &[(&str, &str)]) -> Self {
        self.kind = QuestionKind::Choice;
        self.choices = choices
            .iter()
            .map(|(v, l)| Choice {
                value: (*v).into(),
                label: (*l).into(),
            })
            .collect();
        self
    }

    /// Choices from a closed list of words ([`crate::vocabulary`]), labelled by their help.
    pub fn with_choices_of<W: crate::vocabulary::Word>(self, words: &[W]) -> Self {
        let choices: Vec<(&str, &str)> = words
            .iter()
            .map(|w| (w.word(), w.label().unwrap_or(w.word())))
            .collect();
        self.with_choices(&choices)
    }

    /// Check an answer against the question: a choice must be one of the choices, a
    /// confirmation yes or no. Returns the answer in its canonical form.
    pub fn accept(&self, answer: &str) -> crate::Result<String> {
        let answer = answer.trim();
        match self.kind {
            QuestionKind::Choice => {
                let found = self.choices.iter().find(|c| c.value.eq_ignore_ascii_case(answer));
                match found {
                    Some(c) => Ok(c.value.clone()),
                    None => Err(Error::invalid_argument(format!(
                        "'{answer}' is not an answer to \"{}\" ({}): choose one of {}",
                        self.text,
                        crate::error::param(&self.id),
                        self.choices
                            .iter()
                            .map(|c| c.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))),
                }
            }
            QuestionKind::Confirm => match answer.to_ascii_lowercase().as_str() {
                "y" | "yes" | "true" | "1" => Ok("yes".into()),
                "n" | "no" | "false" | "0" => Ok("no".into()),
                _ => Err(Error::invalid_argument(format!(
                    "'{answer}' is not yes or no (question \"{}\", {})",
                    self.text,
                    crate::error::param(&self.id)
                ))),
            },
            QuestionKind::Text | QuestionKind::Secret => {
                if answer.is_empty() {
                    Err(Error::invalid_argument(format!(
                        "an empty answer to \"{}\" ({}) is not allowed",
                        self.text,
                        crate::error::param(&self.id)
                    )))
                } else {
                    Ok(answer.to_string())
                }
            }
        }
    }

    /// The error for this question having no answer in a call that cannot ask.
    pub fn missing(&self) -> Error {
        let how = match &self.env {
            Some(env) => format!("pass {} or set {env}", crate::error::param(&self.id)),
            None => format!("pass {}", crate::error::param(&self.id)),
        };
        Error::new(
            ErrorKind::MissingAnswer,
            format!(
                "no answer to \"{}\": {how}",
                self.text.trim_end_matches(['?', ':', ' '])
            ),
        )
    }
}

/// What a journey does next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step<T> {
    /// Something to tell the user before going on (printed by the CLI, collected by the others).
    Say { message: String },
    /// A question to answer with [`answer`](crate::init::InitJourney::answer) before going on.
    Ask { question: Question },
    /// The journey is over.
    Done { outcome: T },
}

/// A journey that yields [`Step`]s and takes answers: init and start-migration.
#[allow(async_fn_in_trait)]
pub trait Journey {
    type Outcome;
    /// Go on as far as the answers allow.
    async fn next(&mut self) -> crate::Result<Step<Self::Outcome>>;
    /// Answer the question with id `id`.
    fn answer(&mut self, id: &str, value: &str) -> crate::Result<()>;
}

/// Run a journey with every answer given up front: a question with a default takes it when
/// `yes`, any other question is a `MissingAnswer` error naming its flag.
pub async fn run_to_end<J: Journey>(mut journey: J, yes: bool) -> crate::Result<J::Outcome> {
    loop {
        match journey.next().await? {
            Step::Say { .. } => {}
            Step::Ask { question } => match (&question.default, yes) {
                (Some(default), true) => journey.answer(&question.id, default)?,
                _ => return Err(question.missing()),
            },
            Step::Done { outcome } => return Ok(outcome),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_answers_are_checked_and_canonical() {
        let q = Question::text("control_plane", "Where?", "--control-plane")
            .with_choices(&[("shared", "Shared"), ("local", "Local")]);
        assert_eq!(q.accept(" SHARED ").unwrap(), "shared");
        let err = q.accept("cloud").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.message().contains("shared, local"), "{err}");
    }

    #[test]
    fn missing_answer_names_flag_and_env() {
        let q = Question::text("source_password", "Source password:", "--source-db-password")
            .with_env("SOURCE_DB_PASSWORD");
        let err = q.missing();
        assert_eq!(err.kind(), ErrorKind::MissingAnswer);
        assert!(err.message().contains("pass source_password or"), "{err}");
        assert!(err
            .render(crate::error::Front::Cli)
            .contains("pass --source-db-password or"));
        assert!(err
            .render(crate::error::Front::Python)
            .contains("pass source_password= or"));
        assert!(err
            .render(crate::error::Front::C)
            .contains("pass \"source_password\" or"));
        assert!(err.message().contains("SOURCE_DB_PASSWORD"));
    }
}
