//! `revoke_all_sessions`: revokes all of the caller's sessions.
//!
//! ```sh
//! cargo run --example revoke_all_sessions
//! ```
//!
//! As in the API reference, `keep_current` is `false`: the token used for the
//! call is revoked too. Uses `BLACKBOX_SERVER_URL` and
//! `BLACKBOX_BLACKBOX_AUTH_TOKEN`; without `BLACKBOX_SERVER_URL` it runs against
//! an in-process sandbox.

mod common;

use std::process::ExitCode;

use blackbox::models::RevokeAllSessionsRequest;

#[tokio::main]
async fn main() -> ExitCode {
    common::run(async |blackbox| {
        blackbox
            .session_management()
            .revoke_all_sessions(RevokeAllSessionsRequest::new(false))
            .await?;
        println!("revoke_all_sessions: done");
        Ok(())
    })
    .await
}
