//! Records the git commit the CLI is built from, for `voyager --version`: from `git` in a
//! checkout, else from `VOYAGER_GIT_COMMIT` at build time, else `unknown` (an sdist or a copy
//! of the source without `.git`).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=VOYAGER_GIT_COMMIT");
    let commit = std::env::var("VOYAGER_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]));
    // Built again when HEAD moves: HEAD, the branch it points to, packed refs (only files that
    // exist: cargo reruns a build script on every build for a missing one).
    if commit.is_some() {
        let names = ["HEAD".to_string(), "packed-refs".to_string()];
        for name in names.into_iter().chain(git(&["symbolic-ref", "-q", "HEAD"])) {
            let path = git(&["rev-parse", "--path-format=absolute", "--git-path", &name]);
            if let Some(path) = path.filter(|p| std::path::Path::new(p).is_file()) {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
    println!(
        "cargo:rustc-env=VOYAGER_GIT_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
}
