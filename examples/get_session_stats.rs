//! `get_session_stats`: counts the caller's sessions.
//!
//! ```sh
//! cargo run --example get_session_stats
//! ```
//!
//! Uses `BLACKBOX_SERVER_URL` and `BLACKBOX_BLACKBOX_AUTH_TOKEN`; without
//! `BLACKBOX_SERVER_URL` it runs against an in-process sandbox.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    common::run(async |blackbox| {
        let result = blackbox
            .session_management()
            .get_session_stats()
            .await?
            .into_data()?;
        println!("{result:#?}");
        Ok(())
    })
    .await
}
