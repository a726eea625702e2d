//! Where the CLI's words go: people get sentences, scripts (`--json`) get one JSON document on
//! stdout, and progress and messages go to stderr so they never mix with it.

use serde::Serialize;
use voyager_core::Error;

pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Output { json }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// A progress bar on stderr, when a person is watching (a terminal, not --json).
    pub fn progress_bar(&self, prefix: &str) -> Option<indicatif::ProgressBar> {
        use std::io::IsTerminal;
        if self.json || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = indicatif::ProgressBar::new(1);
        let style = indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style.progress_chars("=> "));
        bar.set_prefix(prefix.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Some(bar)
    }

    /// Something the journey says on the way.
    pub fn say(&self, message: &str) {
        if self.json {
            eprintln!("{message}");
        } else {
            println!("{message}");
        }
    }

    /// A warning: on stderr, with or without `--json`, so scripts see it and JSON stays clean.
    pub fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }

    /// The command's result: JSON for scripts, or the human text.
    pub fn result<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(text) => println!("{text}"),
                Err(e) => eprintln!("error: could not print the result as JSON: {e}"),
            }
        } else {
            println!("{}", human());
        }
    }

    /// A failure: `{"error": {"kind", "message"}}` on stdout with `--json`, else on stderr.
    pub fn error(&self, err: &Error) {
        if self.json {
            let doc = serde_json::json!({ "error": err.report() });
            println!("{doc:#}");
        } else {
            eprintln!("error: {err}");
        }
    }
}
