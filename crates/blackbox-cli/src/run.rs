//! Running a `sessions` command: the client from the options, the
//! confirmation of destructive commands, the call, and its output.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::Path;

use blackbox::core::{ENV_DEBUG, ENV_SERVER_URL};
use blackbox::models::{ApiResponse, ExtendSessionRequest, RevokeAllSessionsRequest};
use blackbox::{Blackbox, RetryConfig};

use crate::cli::{Options, OutputFormat, ServerChoice, SessionsCommand};
use crate::exit::{CliError, Exit};
use crate::output::{self, Style};
use crate::{time, token};

/// The most bytes read from a CA file.
const MAX_CA_FILE: u64 = 1024 * 1024;

/// Runs `command` and returns what to print on standard output.
///
/// # Errors
///
/// The failure, with its exit code.
pub(crate) fn sessions(options: &Options, command: SessionsCommand) -> Result<String, CliError> {
    let stdin_is_terminal = io::stdin().is_terminal();
    let question = if options.yes {
        None
    } else {
        command.confirmation()
    };
    // Without a terminal nobody can answer: say so before anything else.
    if question.is_some() && !stdin_is_terminal {
        return Err(CliError::usage(format!(
            "sessions {} changes sessions: pass --yes to confirm (standard input is not a terminal)",
            command.name()
        )));
    }
    let now = time::now().map_err(CliError::usage)?;
    let client = client(options)?;
    if let Some(question) = question
        && !confirm(&question)?
    {
        return Err(CliError::new(
            Exit::Failure,
            "cancelled: nothing was changed",
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            CliError::new(
                Exit::Failure,
                format!("cannot start the async runtime: {error}"),
            )
        })?;
    runtime.block_on(call(&client, options, command, now))
}

/// The client for `options`.
fn client(options: &Options) -> Result<Blackbox, CliError> {
    let token = token::read(options.token_file.as_deref())?;
    let mut builder = Blackbox::builder()
        .token(token)
        .user_agent_suffix(concat!("blackbox-cli/", env!("CARGO_PKG_VERSION")));
    builder = match &options.server {
        Some(ServerChoice::Named(server)) => builder.server(*server),
        Some(ServerChoice::Url(url)) => builder.server_url(url.as_str()),
        None => match std::env::var(ENV_SERVER_URL) {
            Ok(url) if !url.trim().is_empty() => builder.server_url(url),
            _ => builder,
        },
    };
    if let Some(timeout) = options.timeout {
        builder = builder.operation_timeout(Some(timeout));
    }
    if let Some(timeout) = options.connect_timeout {
        builder = builder.connect_timeout(Some(timeout));
    }
    if let Some(timeout) = options.attempt_timeout {
        builder = builder.attempt_timeout(Some(timeout));
    }
    if let Some(retries) = options.retries {
        builder =
            builder.retry(RetryConfig::default().with_max_attempts(retries.saturating_add(1)));
    }
    let debug_env = std::env::var(ENV_DEBUG)
        .is_ok_and(|value| value == "1" || value.eq_ignore_ascii_case("true"));
    builder = builder.debug(options.debug || debug_env);
    if let Some(path) = &options.ca_file {
        builder = builder.add_root_certificate_pem(read_ca_file(path)?);
    }
    builder.build().map_err(|error| {
        let mut cli = CliError::from_sdk(&error);
        if let Some(path) = &options.ca_file
            && cli.message.contains("certificate")
        {
            cli.message = format!("--ca-file {}: {}", path.display(), cli.message);
        }
        cli
    })
}

fn read_ca_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let unreadable = |error: io::Error| {
        CliError::usage(format!(
            "cannot read the CA file {}: {error}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut pem = Vec::new();
    file.take(MAX_CA_FILE + 1)
        .read_to_end(&mut pem)
        .map_err(unreadable)?;
    if pem.len() as u64 > MAX_CA_FILE {
        return Err(CliError::usage(format!(
            "the CA file {} is larger than 1 MiB",
            path.display()
        )));
    }
    Ok(pem)
}

/// Asks `question` on standard error and reads the answer from standard
/// input: `y` or `yes` (any case) confirms; anything else, or nothing, declines.
fn confirm(question: &str) -> Result<bool, CliError> {
    let mut stderr = io::stderr();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = Vec::new();
    io::stdin()
        .lock()
        .take(1024)
        .read_until(b'\n', &mut answer)
        .map_err(|error| {
            CliError::new(Exit::Failure, format!("cannot read the answer: {error}"))
        })?;
    if !answer.ends_with(b"\n") {
        // End of input without a newline: end the prompt's line.
        let _ = writeln!(stderr);
    }
    let answer = String::from_utf8_lossy(&answer);
    let answer = answer.trim();
    Ok(answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes"))
}

/// An answer's data, or the error that stands for the call: the SDK's, or
/// the server's `"success": false`.
fn data<T>(answer: Result<ApiResponse<T>, blackbox::Error>) -> Result<T, CliError> {
    answer
        .and_then(ApiResponse::into_data)
        .map_err(|error| CliError::from_sdk(&error))
}

/// Sends `command` and renders its answer.
async fn call(
    client: &Blackbox,
    options: &Options,
    command: SessionsCommand,
    now: i64,
) -> Result<String, CliError> {
    let sessions = client.session_management();
    let sdk = |error: blackbox::Error| CliError::from_sdk(&error);
    let json = options.output == OutputFormat::Json;
    let show_tokens = options.show_tokens;
    let style = Style::new(
        options.color,
        io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty()),
    );
    let text = match command {
        SessionsCommand::List => {
            let list = data(sessions.list_sessions().await)?;
            if json {
                output::list_json(&list, show_tokens)
            } else {
                output::session_table(&list, now, show_tokens, style)
            }
        }
        SessionsCommand::Get(id) => {
            let session = data(sessions.get_session(id).await)?;
            if json {
                output::session_json(&session, show_tokens)
            } else {
                output::session_details("Session", &session, now, show_tokens, style)
            }
        }
        SessionsCommand::Stats => {
            let stats = data(sessions.get_session_stats().await)?;
            if json {
                output::stats_json(&stats)
            } else {
                output::stats_table(&stats)
            }
        }
        SessionsCommand::Extend { id, hours } => {
            let session = data(
                sessions
                    .extend_session(id, ExtendSessionRequest::new(hours))
                    .await,
            )?;
            if json {
                output::session_json(&session, show_tokens)
            } else {
                let title = format!("Extended by {hours} h: session");
                output::session_details(&title, &session, now, show_tokens, style)
            }
        }
        SessionsCommand::Revoke(id) => {
            let answer = sessions.revoke_session(id).await.map_err(sdk)?;
            if json {
                output::done_json(answer.message.as_deref())
            } else {
                format!("Revoked session {id}.\n")
            }
        }
        SessionsCommand::RevokeAll { keep_current } => {
            let answer = sessions
                .revoke_all_sessions(RevokeAllSessionsRequest::new(keep_current))
                .await
                .map_err(sdk)?;
            if json {
                output::done_json(answer.message.as_deref())
            } else if keep_current {
                "Revoked all sessions except the current one.\n".to_owned()
            } else {
                "Revoked all sessions, the current one included: this token no longer works.\n"
                    .to_owned()
            }
        }
        SessionsCommand::Cleanup => {
            let answer = sessions.cleanup_expired_sessions().await.map_err(sdk)?;
            if json {
                output::done_json(answer.message.as_deref())
            } else {
                "Deleted the expired sessions.\n".to_owned()
            }
        }
    };
    Ok(text)
}
