//! Quickstart: all seven Session Management operations, one after the other.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Without `BLACKBOX_SERVER_URL` it starts an in-process sandbox and uses its
//! demo token, so it runs anywhere. With `BLACKBOX_SERVER_URL` (and
//! `BLACKBOX_BLACKBOX_AUTH_TOKEN`) it talks to that server — and really
//! revokes sessions there: one other session, then all but the current one.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    common::run(common::all_operations).await
}
