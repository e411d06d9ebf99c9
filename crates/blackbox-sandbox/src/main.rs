//! `blackbox-sandbox`: runs the reference server from the command line.
//!
//! ```text
//! cargo run -p blackbox-sandbox -- --port 8080 [--tls] [--ca-out PATH]
//!     [--seconds N] [--extra-sessions N] [--demo-token TOKEN]
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use blackbox_sandbox::Sandbox;

const USAGE: &str = "\
Usage: blackbox-sandbox [OPTIONS]

Runs the Blackbox Session Management API sandbox on 127.0.0.1.

Options:
  --port N             port to listen on (default 8080; 0 picks a free one)
  --tls                serve HTTPS (HTTP/2 and HTTP/1.1) with a CA generated at start
  --ca-out PATH        where --tls writes the CA certificate (PEM)
                       (default ./blackbox-sandbox-ca.pem)
  --seconds N          stop after N seconds (default: run until Ctrl-C)
  --extra-sessions N   give the demo user N more active sessions
  --demo-token TOKEN   use this demo token instead of a random one
  -h, --help           print this help
";

/// Parsed command line.
#[derive(Debug)]
struct Args {
    port: u16,
    tls: bool,
    ca_out: PathBuf,
    seconds: Option<u64>,
    extra_sessions: usize,
    demo_token: Option<String>,
}

enum Parsed {
    Run(Args),
    Help,
}

fn value<T: std::str::FromStr>(
    flag: &str,
    args: &mut impl Iterator<Item = String>,
) -> Result<T, String> {
    let raw = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
    raw.parse()
        .map_err(|_| format!("invalid value for {flag}: {raw:?}"))
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut parsed = Args {
        port: 8080,
        tls: false,
        ca_out: PathBuf::from("blackbox-sandbox-ca.pem"),
        seconds: None,
        extra_sessions: 0,
        demo_token: None,
    };
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, v)) if flag.starts_with("--") => (flag.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut source: Box<dyn Iterator<Item = String>> = match inline {
            Some(v) => Box::new(std::iter::once(v)),
            None => Box::new(&mut args),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--tls" => parsed.tls = true,
            "--port" => parsed.port = value(&flag, &mut source)?,
            "--ca-out" => parsed.ca_out = PathBuf::from(value::<String>(&flag, &mut source)?),
            "--seconds" => parsed.seconds = Some(value(&flag, &mut source)?),
            "--extra-sessions" => parsed.extra_sessions = value(&flag, &mut source)?,
            "--demo-token" => parsed.demo_token = Some(value(&flag, &mut source)?),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Parsed::Run(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("blackbox-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let mut builder = Sandbox::builder()
        .port(args.port)
        .tls(args.tls)
        .extra_sessions(args.extra_sessions);
    if let Some(token) = args.demo_token {
        builder = builder.demo_token(token);
    }
    let sandbox = match builder.start().await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!(
                "blackbox-sandbox: cannot start on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };

    println!("blackbox-sandbox listening");
    println!("base URL: {}", sandbox.base_url());
    println!("demo token: {}", sandbox.demo_token());
    println!("demo session id: {}", sandbox.demo_session_id());
    if let Some(pem) = sandbox.ca_pem() {
        if let Err(e) = std::fs::write(&args.ca_out, pem) {
            eprintln!(
                "blackbox-sandbox: cannot write the CA certificate to {}: {e}",
                args.ca_out.display()
            );
            return ExitCode::FAILURE;
        }
        println!("CA certificate: {}", args.ca_out.display());
    }
    println!();
    println!("export BLACKBOX_SERVER_URL={}", sandbox.base_url());
    println!(
        "export BLACKBOX_BLACKBOX_AUTH_TOKEN={}",
        sandbox.demo_token()
    );
    match args.seconds {
        Some(seconds) => println!("stopping after {seconds} s (or on Ctrl-C)"),
        None => println!("press Ctrl-C to stop"),
    }

    let deadline = async {
        match args.seconds {
            Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = deadline => {}
        result = tokio::signal::ctrl_c() => {
            if let Err(e) = result {
                eprintln!("blackbox-sandbox: cannot listen for Ctrl-C: {e}");
            }
        }
    }
    sandbox.shutdown().await;
    println!("blackbox-sandbox stopped");
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Parsed, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags_and_rejects_bad_ones() {
        let Ok(Parsed::Run(args)) = run(&[
            "--port",
            "0",
            "--tls",
            "--seconds=3",
            "--extra-sessions",
            "5",
            "--ca-out",
            "x.pem",
        ]) else {
            panic!("valid arguments rejected");
        };
        assert_eq!(args.port, 0);
        assert!(args.tls);
        assert_eq!(args.seconds, Some(3));
        assert_eq!(args.extra_sessions, 5);
        assert_eq!(args.ca_out, PathBuf::from("x.pem"));
        assert!(matches!(run(&["--help"]), Ok(Parsed::Help)));
        assert!(run(&["--port"]).is_err());
        assert!(run(&["--port", "70000"]).is_err());
        assert!(run(&["--seconds", "-1"]).is_err());
        assert!(run(&["--bogus"]).is_err());
        let Ok(Parsed::Run(args)) = run(&[]) else {
            panic!("no arguments rejected");
        };
        assert_eq!(args.port, 8080);
        assert!(!args.tls);
    }
}
