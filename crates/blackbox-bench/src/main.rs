//! # blackbox-bench
//!
//! What the blackbox-rs SDK costs compared with what a careful engineer writes by
//! hand (the **floor**: hyper 1, hyper-util's pooled client, hyper-rustls with
//! ring and webpki roots, `TCP_NODELAY`, serde_json into the same structs) and
//! with a **peer** built on reqwest 0.13 with the same rustls configuration.
//!
//! ## Usage
//!
//! ```text
//! cargo run -p blackbox-bench --release -- all            # everything, prints the tables
//! cargo run -p blackbox-bench --release -- all --quick    # CI smoke test (no size section)
//! cargo run -p blackbox-bench --release -- throughput [--quick] [--pairs N]
//! cargo run -p blackbox-bench --release -- decode [--quick]
//! cargo run -p blackbox-bench --release -- size
//! cargo run -p blackbox-bench --release -- nginx [--scenarios defaults,keepalive5,streams4]
//!                                                 [--calls N] [--methods post,get]
//! ```
//!
//! `nginx` needs a local nginx (Debian's `nginx-light`), so CI never runs it.
//!
//! Every client runs in its own child process (the harness re-invokes itself
//! with the hidden `client` subcommand), so CPU time and peak RSS are the
//! client's alone; the loopback responder runs in another child process.
//! Nothing here asserts on timings: the numbers are for people to read.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod chart;
mod clients;
mod decode;
mod fixtures;
mod measure;
mod nginx;
mod responder;
mod size;
mod stats;
mod throughput;

use std::process::ExitCode;

/// The error type of the harness: anything, with a message.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Options shared by the subcommands.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Small counts, one pair, no size section: a smoke test for CI.
    pub quick: bool,
    /// Number of interleaved rounds (A B A B ...); the median of their ratios is reported.
    pub pairs: Option<usize>,
    /// Run the size and cold-build section even with `--quick`.
    pub size: bool,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: blackbox-bench <all|throughput|decode|size> [--quick] [--pairs N] [--size]\n\
         \x20      blackbox-bench nginx [--scenarios defaults,keepalive5,streams4] [--calls N]\n\
         \x20                            [--methods post,get]\n\
         \n\
         all         throughput (+ chart), decode and size tables (size skipped by --quick\n\
                     unless --size is given)\n\
         throughput  calls/s, p50/p99, CPU µs per call and peak RSS of the SDK, the floor\n\
                     and the reqwest peer against a loopback responder and the sandbox\n\
         decode      SDK decode of a 10,000-session list vs plain serde_json\n\
         size        binary sizes, crate counts and cold build times\n\
         nginx       the SDK through a local nginx (HTTP/2 over TLS) in front of the sandbox:\n\
         \x20           failures and failed-but-processed calls per scenario (needs nginx;\n\
         \x20           --calls defaults to 20000/10000/5000 per scenario)\n\
         chart FILE  redraw docs/throughput.svg from a saved throughput report"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        return usage();
    };
    let rest = &args[1..];
    let result = match command.as_str() {
        // Hidden subcommands: the child processes.
        "responder" => responder::main(rest),
        "client" => measure::client_main(rest),
        // Redraws docs/throughput.svg from a saved `throughput` report.
        "chart" => chart::redraw_from_report(rest),
        // Its own options (scenarios, calls, methods), not the shared ones.
        "nginx" => match nginx::parse_options(rest) {
            Ok(options) => nginx::run(&options),
            Err(message) => {
                eprintln!("{message}");
                return usage();
            }
        },
        _ => {
            let options = match parse_options(rest) {
                Ok(options) => options,
                Err(message) => {
                    eprintln!("{message}");
                    return usage();
                }
            };
            match command.as_str() {
                "all" => all(&options),
                "throughput" => throughput::run(&options).map(drop),
                "decode" => decode::run(&options).map(drop),
                "size" => size::run(&options).map(drop),
                _ => return usage(),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("blackbox-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--size" => options.size = true,
            "--pairs" => {
                let value = args.next().ok_or("--pairs needs a number")?;
                let pairs: usize = value.parse().map_err(|_| "--pairs needs a number")?;
                options.pairs = Some(pairs.max(1));
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

fn all(options: &Options) -> Result<(), BoxError> {
    throughput::run(options)?;
    decode::run(options)?;
    if !options.quick || options.size {
        size::run(options)?;
    } else {
        println!("\n(size and cold-build section skipped in --quick; add --size to run it)");
    }
    Ok(())
}
