//! `cleanup_expired_sessions`: deletes the caller's expired sessions.
//!
//! ```sh
//! cargo run --example cleanup_expired_sessions
//! ```
//!
//! Uses `BLACKBOX_SERVER_URL` and `BLACKBOX_BLACKBOX_AUTH_TOKEN`; without
//! `BLACKBOX_SERVER_URL` it runs against an in-process sandbox.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    common::run(async |blackbox| {
        blackbox
            .session_management()
            .cleanup_expired_sessions()
            .await?;
        println!("cleanup_expired_sessions: done");
        Ok(())
    })
    .await
}
