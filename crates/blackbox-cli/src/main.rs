//! `blackbox`: the command-line tool of the Blackbox Session Management API.
//!
//! ```text
//! blackbox sessions list | get ID | stats | extend ID --hours N | revoke ID
//!                        | revoke-all [--keep-current] | cleanup
//! blackbox completions bash|zsh|fish
//! ```
//!
//! It is built on the public API of the `blackbox` SDK only. `blackbox --help`
//! and `README.md` describe the options, the output and the exit codes.
//!
//! The tool never panics on bad input: every failure is an `error: ...` line
//! on standard error and an exit code of its class (`exit.rs`).
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::print_stdout,
        clippy::print_stderr,
        clippy::unreachable,
        clippy::todo
    )
)]

mod app;
mod args;
mod cli;
mod complete;
mod exit;
mod output;
mod run;
mod time;
mod token;

fn main() -> std::process::ExitCode {
    app::main(args::parse(std::env::args_os().skip(1)))
}
