//! The `voyager` binary: everything is in the library's [`voyager_cli::run`].

fn main() -> std::process::ExitCode {
    voyager_cli::run(std::env::args_os())
}
