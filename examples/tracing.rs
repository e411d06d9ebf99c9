//! Tracing: the quickstart's seven operations with the SDK's spans and events
//! printed by `tracing-subscriber`'s fmt layer at debug level.
//!
//! ```sh
//! cargo run --example tracing --features tracing
//! ```
//!
//! One span per call, named after the operation, with OpenTelemetry's HTTP
//! client attributes (`http.request.method`, `url.template`, `url.full`,
//! `server.address`, `server.port`, `http.response.status_code`,
//! `network.protocol.version`, and on failure `error.type`); one event per
//! attempt and per backoff. Everything is at `DEBUG`: at `INFO` the SDK is
//! silent. Like the quickstart, it runs against an in-process sandbox unless
//! `BLACKBOX_SERVER_URL` is set.

mod common;

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("blackbox=debug")),
        )
        // A line when each call's span closes, with its attributes and timing.
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .init();
    common::run(common::all_operations).await
}
