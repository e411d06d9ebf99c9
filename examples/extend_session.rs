//! `extend_session`: extends one session and prints it as updated.
//!
//! ```sh
//! cargo run --example extend_session -- 07fd44a8-744f-491f-8c7d-18e2c7e25afb
//! ```
//!
//! Without an argument it extends the first listed session. Uses
//! `BLACKBOX_SERVER_URL` and `BLACKBOX_BLACKBOX_AUTH_TOKEN`; without
//! `BLACKBOX_SERVER_URL` it runs against an in-process sandbox.

mod common;

use std::process::ExitCode;

use blackbox::models::ExtendSessionRequest;

#[tokio::main]
async fn main() -> ExitCode {
    common::run(async |blackbox| {
        let session_id = common::session_id(blackbox, false).await?;
        let result = blackbox
            .session_management()
            .extend_session(session_id, ExtendSessionRequest::new(24))
            .await?
            .into_data()?;
        println!("{result:#?}");
        Ok(())
    })
    .await
}
