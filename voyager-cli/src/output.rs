//! Where the CLI's words go: people get sentences, scripts (`--json`) get one JSON document on
//! stdout, and progress and messages go to stderr so they never mix with it.
//!
//! Names come from databases and may hold terminal escape sequences (a clipboard write, a
//! cleared screen): every human line goes through [`terminal_safe`]. Writing never panics: a
//! closed pipe (`voyager ... | head`) ends the output quietly, a full disk is reported, and both
//! make the exit code non-zero.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};

use serde::Serialize;
use voyager_core::Error;

pub struct Output {
    json: bool,
    /// 0 while stdout works; then [`BROKEN_PIPE`] or [`WRITE_FAILED`].
    stdout_failure: AtomicU8,
}

const BROKEN_PIPE: u8 = 1;
const WRITE_FAILED: u8 = 2;

/// Text safe to show on a terminal: control characters (ESC, BEL, CR, backspace, DEL, the C1
/// range with its one-byte CSI) and bidirectional overrides are shown escaped (`\u{1b}`), so a
/// name can neither drive the terminal nor disguise itself. Newlines and tabs are kept.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}');
        if (c.is_control() && c != '\n' && c != '\t') || bidi {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A line on stderr; a failure to write it is ignored (there is nowhere left to say it).
pub fn to_stderr(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", terminal_safe(text));
}

impl Output {
    pub fn new(json: bool) -> Self {
        Output {
            json,
            stdout_failure: AtomicU8::new(0),
        }
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
            to_stderr(message);
        } else {
            self.stdout(&terminal_safe(message));
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
                Ok(text) => self.stdout(&text),
                Err(e) => to_stderr(&format!("error: could not print the result as JSON: {e}")),
            }
        } else {
            self.stdout(&terminal_safe(&human()));
        }
    }

    /// Data for other programs (CSV) on stdout, as it is; escaped only when a person's
    /// terminal would show it.
    pub fn data(&self, text: &str) {
        use std::io::IsTerminal;
        let text = text.strip_suffix('\n').unwrap_or(text);
        if std::io::stdout().is_terminal() {
            self.stdout(&terminal_safe(text));
        } else {
            self.stdout(text);
        }
    }

    /// A failure: `{"error": {"kind", "message"}}` on stdout with `--json`, else on stderr.
    pub fn error(&self, err: &Error) {
        if self.json {
            let doc = serde_json::json!({ "error": err.report(voyager_core::error::Front::Cli) });
            self.stdout(&format!("{doc:#}"));
        } else {
            to_stderr(&format!("error: {}", err.render(voyager_core::error::Front::Cli)));
        }
    }

    /// One line on stdout. After the first failure nothing more is written.
    fn stdout(&self, text: &str) {
        if self.stdout_failure.load(Ordering::Relaxed) != 0 {
            return;
        }
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.stdout_failure.store(BROKEN_PIPE, Ordering::Relaxed);
            } else {
                self.stdout_failure.store(WRITE_FAILED, Ordering::Relaxed);
                to_stderr(&format!("error: could not write to standard output: {e}"));
            }
        }
    }

    /// The exit code once the command is over: `code`, unless stdout could not be written
    /// (141 for a closed pipe, as a process ended by SIGPIPE; 1 for any other failure).
    pub fn exit_code(&self, code: ExitCode) -> ExitCode {
        match self.stdout_failure.load(Ordering::Relaxed) {
            BROKEN_PIPE => ExitCode::from(141),
            WRITE_FAILED => ExitCode::FAILURE,
            _ => code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_run() {
        let osc52 = "db\u{1b}]52;c;ZWNobyBoaQ==\u{7}";
        assert_eq!(terminal_safe(osc52), "db\\u{1b}]52;c;ZWNobyBoaQ==\\u{7}");
        assert_eq!(terminal_safe("a\u{1b}[2J\u{1b}[H"), "a\\u{1b}[2J\\u{1b}[H");
        assert_eq!(
            terminal_safe("x\u{9b}2Jy\rz\u{8}\u{7f}"),
            "x\\u{9b}2Jy\\u{d}z\\u{8}\\u{7f}"
        );
        assert_eq!(terminal_safe("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(terminal_safe("two\nlines\tand ünï 🚀"), "two\nlines\tand ünï 🚀");
    }
}
