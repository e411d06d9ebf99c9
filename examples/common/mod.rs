//! What every example shares: connect to `BLACKBOX_SERVER_URL` with
//! `BLACKBOX_BLACKBOX_AUTH_TOKEN`, or — when `BLACKBOX_SERVER_URL` is unset — to
//! an in-process sandbox with its demo token; run the example; stop the
//! sandbox; and turn an error into its message and exit code 1.

// Each example compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::error::Error;
use std::process::ExitCode;

use blackbox::Blackbox;
use blackbox::models::{ExtendSessionRequest, RevokeAllSessionsRequest};
use blackbox::uuid::Uuid;
use blackbox_sandbox::Sandbox;

/// Any error an example can meet.
pub type BoxError = Box<dyn Error>;

/// Connects, runs `example` with the client, stops the sandbox if one was
/// started, and reports an error as `error: <message>` with exit code 1.
pub async fn run(example: impl AsyncFnOnce(&Blackbox) -> Result<(), BoxError>) -> ExitCode {
    let (blackbox, sandbox) = match connect().await {
        Ok(connected) => connected,
        Err(error) => return fail(&*error),
    };
    let result = example(&blackbox).await;
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&*error),
    }
}

/// The client, and the sandbox it talks to when `BLACKBOX_SERVER_URL` is unset.
async fn connect() -> Result<(Blackbox, Option<Sandbox>), BoxError> {
    let server_url_set =
        std::env::var("BLACKBOX_SERVER_URL").is_ok_and(|url| !url.trim().is_empty());
    if server_url_set {
        return Ok((Blackbox::from_env()?, None));
    }
    let sandbox = Sandbox::start().await?;
    println!(
        "BLACKBOX_SERVER_URL is not set: using an in-process sandbox at {}",
        sandbox.base_url()
    );
    let blackbox = Blackbox::builder()
        .from_env()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .build()?;
    Ok((blackbox, Some(sandbox)))
}

/// The session id given as the first argument; without one, the id of the
/// first listed session (skipping the caller's own session when
/// `skip_current` is true).
pub async fn session_id(blackbox: &Blackbox, skip_current: bool) -> Result<Uuid, BoxError> {
    if let Some(argument) = std::env::args().nth(1) {
        return argument.parse().map_err(|error| {
            format!("the first argument {argument:?} is not a session id: {error}").into()
        });
    }
    let list = blackbox
        .session_management()
        .list_sessions()
        .await?
        .into_data()?;
    list.sessions
        .into_iter()
        .find(|session| !(skip_current && session.is_current))
        .map(|session| session.id)
        .ok_or_else(|| "no session id given, and the server listed no session to use".into())
}

/// All seven operations, one after the other, printing what each returns: the
/// quickstart, and the tracing example's workload.
pub async fn all_operations(blackbox: &Blackbox) -> Result<(), BoxError> {
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
}

fn fail(error: &dyn Error) -> ExitCode {
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    ExitCode::FAILURE
}
