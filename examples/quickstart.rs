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

use blackbox::models::{ExtendSessionRequest, RevokeAllSessionsRequest};

#[tokio::main]
async fn main() -> ExitCode {
    common::run(async |blackbox| {
        let sessions = blackbox.session_management();

        let stats = sessions.get_session_stats().await?.into_data()?;
        println!("1. get_session_stats:\n{stats:#?}");

        let list = sessions.list_sessions().await?.into_data()?;
        println!("2. list_sessions:\n{list:#?}");
        let listed = list.sessions;

        // The caller's own session if it is listed, else the first one.
        let Some(chosen) = listed
            .iter()
            .find(|session| session.is_current)
            .or_else(|| listed.first())
        else {
            println!("The server listed no session; nothing more to show.");
            return Ok(());
        };

        let session = sessions.get_session(chosen.id).await?.into_data()?;
        println!("3. get_session {}:\n{session:#?}", chosen.id);

        let extended = sessions
            .extend_session(chosen.id, ExtendSessionRequest::new(24))
            .await?
            .into_data()?;
        println!(
            "4. extend_session {} by 24 hours:\n{extended:#?}",
            chosen.id
        );

        match listed
            .iter()
            .find(|session| session.id != chosen.id && !session.is_current)
        {
            Some(other) => {
                sessions.revoke_session(other.id).await?;
                println!("5. revoke_session: revoked {}", other.id);
            }
            None => println!("5. revoke_session: skipped, no other session to revoke"),
        }

        let keep_current = true;
        sessions
            .revoke_all_sessions(RevokeAllSessionsRequest::new(keep_current))
            .await?;
        println!("6. revoke_all_sessions (keep_current: true): done");

        sessions.cleanup_expired_sessions().await?;
        println!("7. cleanup_expired_sessions: done");
        Ok(())
    })
    .await
}
