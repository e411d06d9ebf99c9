//! What every example shares: connect to `BLACKBOX_SERVER_URL` with
//! `BLACKBOX_BLACKBOX_AUTH_TOKEN`, or — when `BLACKBOX_SERVER_URL` is unset — to
//! an in-process sandbox with its demo token; run the example; stop the
//! sandbox; and turn an error into its message and exit code 1.

// Each example compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::error::Error;
use std::process::ExitCode;

use blackbox::Blackbox;
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

fn fail(error: &dyn Error) -> ExitCode {
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    ExitCode::FAILURE
}
