//! `revoke_session`: revokes one session.
//!
//! ```sh
//! cargo run --example revoke_session -- fe603112-c194-45c1-90cf-513753aa0744
//! ```
//!
//! Without an argument it revokes the first listed session that is not the
//! caller's own (so the example does not log itself out). Uses
//! `BLACKBOX_SERVER_URL` and `BLACKBOX_BLACKBOX_AUTH_TOKEN`; without
//! `BLACKBOX_SERVER_URL` it runs against an in-process sandbox.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    common::run(async |blackbox| {
        let session_id = common::session_id(blackbox, true).await?;
        blackbox
            .session_management()
            .revoke_session(session_id)
            .await?;
        println!("revoke_session: revoked {session_id}");
        Ok(())
    })
    .await
}
