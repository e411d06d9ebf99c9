//! The command line, read with clap's derive API; completions by clap_complete.

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;

use blackbox::Server;
use blackbox::uuid::Uuid;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::cli::{
    self, ColorChoice, Invocation, Options, OutputFormat, ServerChoice, SessionsCommand,
};
use crate::exit::CliError;

const EXAMPLES: &str = "\
Examples:
  export BLACKBOX_BLACKBOX_AUTH_TOKEN=...   # or: --token-file ~/.config/blackbox/token
  blackbox sessions list
  blackbox --server staging sessions stats
  blackbox sessions get 07fd44a8-744f-491f-8c7d-18e2c7e25afb -o json
  blackbox sessions extend 07fd44a8-744f-491f-8c7d-18e2c7e25afb --hours 24
  blackbox sessions revoke-all --keep-current --yes
  blackbox --token-file - sessions list -o json < token.txt | jq '.total'

Exit codes:
  0 success                      5 another 4xx answer
  1 cancelled, or a tool failure 6 a 5xx answer
  2 usage error                  7 no answer: connection, TLS or timeout
  3 401 or 403: token refused    8 an answer that is not the API's
  4 404: no such session";

/// blackbox: manage the login sessions of a Blackbox account.
#[derive(Parser, Debug)]
#[command(name = "blackbox", version, after_help = EXAMPLES)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug)]
struct Global {
    /// production (the default), staging or local
    #[arg(long, global = true, value_name = "NAME", value_parser = server, conflicts_with = "server_url")]
    server: Option<Server>,
    /// Any base URL (default: $BLACKBOX_SERVER_URL, else production)
    #[arg(long, global = true, value_name = "URL")]
    server_url: Option<String>,
    /// The file holding the token; - reads standard input
    #[arg(long, global = true, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// Also trust the CA certificates of this PEM file
    #[arg(long, global = true, value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// Limit for the whole command, retries included
    #[arg(long, global = true, value_name = "SECONDS", value_parser = timeout)]
    timeout: Option<Duration>,
    /// Limit for connecting (default: 10)
    #[arg(long, global = true, value_name = "SECONDS", value_parser = connect_timeout)]
    connect_timeout: Option<Duration>,
    /// Limit for one attempt (default: 30)
    #[arg(long, global = true, value_name = "SECONDS", value_parser = attempt_timeout)]
    attempt_timeout: Option<Duration>,
    /// Retries of a failed attempt, 0 to 100 (default: 2)
    #[arg(long, global = true, value_name = "N", value_parser = retries)]
    retries: Option<u32>,
    /// Log each request and answer on standard error (secrets redacted)
    #[arg(long, global = true)]
    debug: bool,
    /// table or json
    #[arg(short, long, global = true, value_enum, default_value = "table")]
    output: Output,
    /// Show session tokens instead of hiding them
    #[arg(long, global = true)]
    show_tokens: bool,
    /// When to use colours
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: Color,
    /// Do not ask before revoke, revoke-all and cleanup
    #[arg(short, long, global = true)]
    yes: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Output {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The login sessions of the account the token belongs to
    Sessions {
        #[command(subcommand)]
        command: Sessions,
    },
    /// Print a completion script for bash, zsh or fish
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
enum Sessions {
    /// List the sessions; * marks the current one
    List,
    /// Show one session
    Get {
        #[arg(value_parser = session_id)]
        id: Uuid,
    },
    /// Count the sessions: total, active, expired
    Stats,
    /// Extend a session by N hours
    Extend {
        #[arg(value_parser = session_id)]
        id: Uuid,
        /// Hours to add: 0 to 2147483647
        #[arg(long, value_parser = hours)]
        hours: u32,
    },
    /// Revoke one session (asks first)
    Revoke {
        #[arg(value_parser = session_id)]
        id: Uuid,
    },
    /// Revoke all sessions (asks first)
    RevokeAll {
        /// Keep the session of the token making the call
        #[arg(long)]
        keep_current: bool,
    },
    /// Delete the expired sessions (asks first)
    Cleanup,
}

fn message(error: CliError) -> String {
    error.message
}

fn server(text: &str) -> Result<Server, String> {
    cli::parse_server(text).map_err(message)
}

fn timeout(text: &str) -> Result<Duration, String> {
    cli::parse_seconds("--timeout", text).map_err(message)
}

fn connect_timeout(text: &str) -> Result<Duration, String> {
    cli::parse_seconds("--connect-timeout", text).map_err(message)
}

fn attempt_timeout(text: &str) -> Result<Duration, String> {
    cli::parse_seconds("--attempt-timeout", text).map_err(message)
}

fn retries(text: &str) -> Result<u32, String> {
    cli::parse_retries(text).map_err(message)
}

fn session_id(text: &str) -> Result<Uuid, String> {
    cli::parse_session_id(text).map_err(message)
}

fn hours(text: &str) -> Result<u32, String> {
    cli::parse_hours(text).map_err(message)
}

/// Reads the process's arguments.
pub(crate) fn parse() -> Result<Invocation, CliError> {
    let parsed = match Cli::try_parse() {
        Ok(parsed) => parsed,
        Err(error) => {
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Ok(Invocation::Print(Cow::Owned(error.render().to_string())))
                }
                _ => {
                    let rendered = error.render().to_string();
                    let first = rendered.lines().next().unwrap_or_default();
                    Err(CliError::usage(first.trim_start_matches("error: ")))
                }
            };
        }
    };
    let global = parsed.global;
    let command = match parsed.command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "blackbox", &mut script);
            return Ok(Invocation::Print(Cow::Owned(
                String::from_utf8_lossy(&script).into_owned(),
            )));
        }
        Command::Sessions { command } => match command {
            Sessions::List => SessionsCommand::List,
            Sessions::Get { id } => SessionsCommand::Get(id),
            Sessions::Stats => SessionsCommand::Stats,
            Sessions::Extend { id, hours } => SessionsCommand::Extend { id, hours },
            Sessions::Revoke { id } => SessionsCommand::Revoke(id),
            Sessions::RevokeAll { keep_current } => SessionsCommand::RevokeAll { keep_current },
            Sessions::Cleanup => SessionsCommand::Cleanup,
        },
    };
    let options = Options {
        server: match (global.server, global.server_url) {
            (Some(server), _) => Some(ServerChoice::Named(server)),
            (None, Some(url)) => Some(ServerChoice::Url(url)),
            (None, None) => None,
        },
        token_file: global.token_file,
        timeout: global.timeout,
        connect_timeout: global.connect_timeout,
        attempt_timeout: global.attempt_timeout,
        retries: global.retries,
        debug: global.debug,
        ca_file: global.ca_file,
        output: match global.output {
            Output::Table => OutputFormat::Table,
            Output::Json => OutputFormat::Json,
        },
        show_tokens: global.show_tokens,
        yes: global.yes,
        color: match global.color {
            Color::Auto => ColorChoice::Auto,
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
        },
    };
    Ok(Invocation::Sessions(options, command))
}
