//! `blackbox` with clap (derive) instead of lexopt: every module but the
//! argument parser is the tool's own, so that the two binaries differ only in
//! the parser, its help and its completions.
#![forbid(unsafe_code)]

#[path = "../../src/app.rs"]
mod app;
mod args;
// The value parsers of --output and --color are clap's own here.
#[allow(dead_code)]
#[path = "../../src/cli.rs"]
mod cli;
#[path = "../../src/exit.rs"]
mod exit;
#[path = "../../src/output.rs"]
mod output;
#[path = "../../src/run.rs"]
mod run;
#[path = "../../src/time.rs"]
mod time;
#[path = "../../src/token.rs"]
mod token;

fn main() -> std::process::ExitCode {
    app::main(args::parse())
}
