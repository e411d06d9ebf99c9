//! `get_session`: reads one session.
//!
//! ```sh
//! cargo run --example get_session -- fe603112-c194-45c1-90cf-513753aa0744
//! ```
//!
//! Without an argument it reads the first listed session. Uses
//! `BLACKBOX_SERVER_URL` and `BLACKBOX_BLACKBOX_AUTH_TOKEN`; without
//! `BLACKBOX_SERVER_URL` it runs against an in-process sandbox.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    common::run(async |blackbox| {
        let session_id = common::session_id(blackbox, false).await?;
        let result = blackbox
            .session_management()
            .get_session(session_id)
            .await?
            .into_data()?;
        println!("{result:#?}");
        Ok(())
    })
    .await
}
