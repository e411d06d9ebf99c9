//! The command line, read with `lexopt`, and the help texts.
//!
//! Options may come before or after the command (`blackbox -o json sessions
//! list` and `blackbox sessions list -o json` are the same); `--opt value`
//! and `--opt=value` are the same; `--` ends the options.

use std::borrow::Cow;
use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::Arg::{Long, Short, Value};

use crate::cli::{
    self, Invocation, Options, ServerChoice, SessionsCommand, parse_color, parse_hours,
    parse_output, parse_retries, parse_seconds, parse_server, parse_session_id,
};
use crate::complete;
use crate::exit::CliError;

/// Reads the arguments (without the program name).
///
/// # Errors
///
/// A usage error (exit 2) with a one-line message.
pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, CliError> {
    let mut parser = lexopt::Parser::from_args(args);
    let mut options = Options::default();
    let mut positionals: Vec<String> = Vec::new();
    let mut hours: Option<u32> = None;
    let mut keep_current = false;
    while let Some(arg) = parser.next().map_err(lexopt_error)? {
        match arg {
            Short('h') | Long("help") => return Ok(Invocation::Print(help_for(&positionals))),
            Short('V') | Long("version") => return Ok(Invocation::Print(Cow::Borrowed(VERSION))),
            Long("server") => {
                let server = parse_server(&string(&mut parser, "--server")?)?;
                set_server(&mut options, ServerChoice::Named(server))?;
            }
            Long("server-url") => {
                let url = string(&mut parser, "--server-url")?;
                set_server(&mut options, ServerChoice::Url(url))?;
            }
            Long("token-file") => {
                options.token_file = Some(PathBuf::from(parser.value().map_err(lexopt_error)?));
            }
            Long("ca-file") => {
                options.ca_file = Some(PathBuf::from(parser.value().map_err(lexopt_error)?));
            }
            Long("timeout") => {
                options.timeout = Some(parse_seconds(
                    "--timeout",
                    &string(&mut parser, "--timeout")?,
                )?);
            }
            Long("connect-timeout") => {
                let text = string(&mut parser, "--connect-timeout")?;
                options.connect_timeout = Some(parse_seconds("--connect-timeout", &text)?);
            }
            Long("attempt-timeout") => {
                let text = string(&mut parser, "--attempt-timeout")?;
                options.attempt_timeout = Some(parse_seconds("--attempt-timeout", &text)?);
            }
            Long("retries") => {
                options.retries = Some(parse_retries(&string(&mut parser, "--retries")?)?)
            }
            Long("debug") => options.debug = true,
            Short('o') | Long("output") => {
                options.output = parse_output(&string(&mut parser, "--output")?)?;
            }
            Long("show-tokens") => options.show_tokens = true,
            Short('y') | Long("yes") => options.yes = true,
            Long("color") => options.color = parse_color(&string(&mut parser, "--color")?)?,
            Long("hours") => hours = Some(parse_hours(&string(&mut parser, "--hours")?)?),
            Long("keep-current") => keep_current = true,
            Value(value) => positionals.push(value.into_string().map_err(|value| {
                CliError::usage(format!(
                    "argument {} is not valid UTF-8",
                    cli::quoted(&value.to_string_lossy())
                ))
            })?),
            other => return Err(lexopt_error(other.unexpected())),
        }
    }
    resolve(&positionals, options, hours, keep_current)
}

/// The value of `flag` as text.
fn string(parser: &mut lexopt::Parser, flag: &str) -> Result<String, CliError> {
    parser
        .value()
        .map_err(lexopt_error)?
        .into_string()
        .map_err(|_| CliError::usage(format!("the value of {flag} is not valid UTF-8")))
}

fn set_server(options: &mut Options, choice: ServerChoice) -> Result<(), CliError> {
    match (&options.server, &choice) {
        (Some(ServerChoice::Named(_)), ServerChoice::Url(_))
        | (Some(ServerChoice::Url(_)), ServerChoice::Named(_)) => Err(CliError::usage(
            "--server and --server-url cannot be used together",
        )),
        _ => {
            options.server = Some(choice);
            Ok(())
        }
    }
}

fn lexopt_error(error: lexopt::Error) -> CliError {
    CliError::usage(format!("{error} (see blackbox --help)"))
}

/// The invocation the positional arguments name.
fn resolve(
    positionals: &[String],
    options: Options,
    hours: Option<u32>,
    keep_current: bool,
) -> Result<Invocation, CliError> {
    let words: Vec<&str> = positionals.iter().map(String::as_str).collect();
    let command = match words.as_slice() {
        [] => {
            return Err(CliError::usage(
                "missing command: sessions, completions or help (see blackbox --help)",
            ));
        }
        ["help", topic @ ..] => {
            return match help_topic(topic) {
                Some(text) => Ok(Invocation::Print(Cow::Borrowed(text))),
                None => Err(CliError::usage(format!(
                    "no help for {}: try blackbox --help",
                    cli::quoted(&topic.join(" "))
                ))),
            };
        }
        ["completions", shell] => {
            return complete::script(shell)
                .map(|script| Invocation::Print(Cow::Borrowed(script)))
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "completions: unknown shell {}: expected bash, zsh or fish",
                        cli::quoted(shell)
                    ))
                });
        }
        ["completions"] => {
            return Err(CliError::usage(
                "completions needs a shell: blackbox completions bash|zsh|fish",
            ));
        }
        ["sessions"] => {
            return Err(CliError::usage(
                "missing sessions command: list, get, stats, extend, revoke, revoke-all or cleanup (see blackbox sessions --help)",
            ));
        }
        ["sessions", "list"] => SessionsCommand::List,
        ["sessions", "stats"] => SessionsCommand::Stats,
        ["sessions", "cleanup"] => SessionsCommand::Cleanup,
        ["sessions", "revoke-all"] => SessionsCommand::RevokeAll { keep_current },
        ["sessions", "get", id] => SessionsCommand::Get(parse_session_id(id)?),
        ["sessions", "revoke", id] => SessionsCommand::Revoke(parse_session_id(id)?),
        ["sessions", "extend", id] => {
            let id = parse_session_id(id)?;
            let hours = hours.ok_or_else(|| {
                CliError::usage(
                    "sessions extend needs --hours N (see blackbox sessions extend --help)",
                )
            })?;
            SessionsCommand::Extend { id, hours }
        }
        ["sessions", command @ ("get" | "revoke" | "extend")] => {
            return Err(CliError::usage(format!(
                "sessions {command} needs a session id (see blackbox sessions {command} --help)"
            )));
        }
        [
            "sessions",
            command @ ("list" | "stats" | "cleanup" | "revoke-all" | "get" | "revoke" | "extend"),
            extra,
            ..,
        ] => {
            return Err(CliError::usage(format!(
                "unexpected argument {} for sessions {command}",
                cli::quoted(extra)
            )));
        }
        ["sessions", other, ..] => {
            return Err(CliError::usage(format!(
                "unknown sessions command {}: expected list, get, stats, extend, revoke, revoke-all or cleanup",
                cli::quoted(other)
            )));
        }
        ["completions", _, extra, ..] => {
            return Err(CliError::usage(format!(
                "unexpected argument {} for completions",
                cli::quoted(extra)
            )));
        }
        [other, ..] => {
            return Err(CliError::usage(format!(
                "unknown command {}: expected sessions, completions or help",
                cli::quoted(other)
            )));
        }
    };
    if hours.is_some() && !matches!(command, SessionsCommand::Extend { .. }) {
        return Err(CliError::usage("--hours only applies to sessions extend"));
    }
    if keep_current && !matches!(command, SessionsCommand::RevokeAll { .. }) {
        return Err(CliError::usage(
            "--keep-current only applies to sessions revoke-all",
        ));
    }
    Ok(Invocation::Sessions(options, command))
}

/// The help for `--help` after these positional arguments: the most specific
/// one that they name.
fn help_for(positionals: &[String]) -> Cow<'static, str> {
    let words: Vec<&str> = positionals.iter().map(String::as_str).collect();
    let mut topic: &[&str] = &words;
    loop {
        if let Some(text) = help_topic(topic) {
            return Cow::Borrowed(text);
        }
        match topic.split_last() {
            Some((_, shorter)) => topic = shorter,
            None => return Cow::Borrowed(HELP),
        }
    }
}

/// The help text of a command path, such as `["sessions", "extend"]`.
fn help_topic(topic: &[&str]) -> Option<&'static str> {
    Some(match topic {
        [] | ["help"] => HELP,
        ["sessions"] => HELP_SESSIONS,
        ["sessions", "list"] => HELP_LIST,
        ["sessions", "get"] => HELP_GET,
        ["sessions", "stats"] => HELP_STATS,
        ["sessions", "extend"] => HELP_EXTEND,
        ["sessions", "revoke"] => HELP_REVOKE,
        ["sessions", "revoke-all"] => HELP_REVOKE_ALL,
        ["sessions", "cleanup"] => HELP_CLEANUP,
        ["completions"] => HELP_COMPLETIONS,
        _ => return None,
    })
}

/// `--version`.
const VERSION: &str = concat!("blackbox ", env!("CARGO_PKG_VERSION"), "\n");

/// `blackbox --help`.
const HELP: &str = "\
blackbox: manage the login sessions of a Blackbox account.

Usage: blackbox [OPTIONS] sessions <COMMAND>
       blackbox completions <bash|zsh|fish>
       blackbox help [COMMAND...]

Commands:
  sessions list                         List the sessions; * marks the current one
  sessions get ID                       Show one session
  sessions stats                        Count the sessions: total, active, expired
  sessions extend ID --hours N          Extend a session by N hours
  sessions revoke ID                    Revoke one session (asks first)
  sessions revoke-all [--keep-current]  Revoke all sessions (asks first)
  sessions cleanup                      Delete the expired sessions (asks first)
  completions SHELL                     Print a completion script for bash, zsh or fish

Server:
      --server NAME              production (the default), staging or local
      --server-url URL           Any base URL (default: $BLACKBOX_SERVER_URL, else production)
      --ca-file PATH             Also trust the CA certificates of this PEM file

Token:
  Read from $BLACKBOX_BLACKBOX_AUTH_TOKEN, or from a file with:
      --token-file PATH          The file holding the token; - reads standard input
  There is no option for the token itself: other users can read command lines.

Requests:
      --timeout SECONDS          Limit for the whole command, retries included (default: none)
      --connect-timeout SECONDS  Limit for connecting (default: 10)
      --attempt-timeout SECONDS  Limit for one attempt (default: 30)
      --retries N                Retries of a failed attempt, 0 to 100 (default: 2); extend,
                                 revoke-all and cleanup are retried only when the request
                                 provably never reached the server
      --debug                    Log each request and answer on standard error (secrets redacted)

Output:
  -o, --output FORMAT            table (the default) or json (the API's data; tokens null)
      --show-tokens              Show session tokens instead of hiding them
      --color WHEN               auto (the default: when standard output is a terminal),
                                 always or never; a non-empty NO_COLOR turns colours off
  -y, --yes                      Do not ask before revoke, revoke-all and cleanup
                                 (required when standard input is not a terminal)
  -h, --help                     Print help (blackbox sessions extend --help: one command's)
  -V, --version                  Print the version

Environment:
  BLACKBOX_BLACKBOX_AUTH_TOKEN   The bearer token (unless --token-file is given)
  BLACKBOX_SERVER_URL            The server (unless --server or --server-url is given)
  BLACKBOX_DEBUG                 1 or true: as --debug
  BLACKBOX_NOW                   An RFC 3339 time used as now for relative times
                                 (reproducible output; the server is not affected)
  NO_COLOR                       Set and not empty: no colours

Exit codes:
  0 success                      5 another 4xx answer
  1 cancelled, or a tool failure 6 a 5xx answer
  2 usage error                  7 no answer: connection, TLS or timeout
  3 401 or 403: token refused    8 an answer that is not the API's
  4 404: no such session

Examples:
  export BLACKBOX_BLACKBOX_AUTH_TOKEN=...   # or: --token-file ~/.config/blackbox/token
  blackbox sessions list
  blackbox --server staging sessions stats
  blackbox sessions get 07fd44a8-744f-491f-8c7d-18e2c7e25afb -o json
  blackbox sessions extend 07fd44a8-744f-491f-8c7d-18e2c7e25afb --hours 24
  blackbox sessions revoke-all --keep-current --yes
  blackbox --token-file - sessions list -o json < token.txt | jq '.total'
";

/// `blackbox sessions --help`.
const HELP_SESSIONS: &str = "\
blackbox sessions: the login sessions of the account the token belongs to.

Usage: blackbox [OPTIONS] sessions <COMMAND>

Commands:
  list                         List the sessions; * marks the current one
  get ID                       Show one session
  stats                        Count the sessions: total, active, expired
  extend ID --hours N          Extend a session by N hours
  revoke ID                    Revoke one session (asks first)
  revoke-all [--keep-current]  Revoke all sessions (asks first)
  cleanup                      Delete the expired sessions (asks first)

The current session is the one of the token making the call. Options: blackbox --help.

Examples:
  blackbox sessions list
  blackbox sessions list -o json | jq -r '.sessions[] | select(.is_current | not) | .id'
  blackbox sessions revoke 07fd44a8-744f-491f-8c7d-18e2c7e25afb --yes
";

/// `blackbox sessions list --help`.
const HELP_LIST: &str = "\
blackbox sessions list: list the sessions, expired ones included.

Usage: blackbox [OPTIONS] sessions list

The table shows each session's id, age, expiry (\"expires in 3 h 12 min\",
\"expired 2 d ago\"), IP address and user agent; * marks the current session.
With -o json it prints the API's data, {\"sessions\": [...], \"total\": N}, with
each token null unless --show-tokens is given.

Examples:
  blackbox sessions list
  blackbox sessions list -o json | jq '.total'
";

/// `blackbox sessions get --help`.
const HELP_GET: &str = "\
blackbox sessions get: show one session.

Usage: blackbox [OPTIONS] sessions get ID

ID is the session's id, a UUID. A session of another account is not found (exit 4).
With -o json it prints the API's SessionInfo, its token null unless --show-tokens.

Examples:
  blackbox sessions get 07fd44a8-744f-491f-8c7d-18e2c7e25afb
  blackbox sessions get 07fd44a8-744f-491f-8c7d-18e2c7e25afb -o json | jq -r .expires_at
";

/// `blackbox sessions stats --help`.
const HELP_STATS: &str = "\
blackbox sessions stats: count the sessions.

Usage: blackbox [OPTIONS] sessions stats

Prints the total, active and expired counts; with -o json the API's
{\"total_sessions\", \"active_sessions\", \"expired_sessions\"}.

Example:
  blackbox sessions stats -o json | jq .active_sessions
";

/// `blackbox sessions extend --help`.
const HELP_EXTEND: &str = "\
blackbox sessions extend: extend a session and show it as updated.

Usage: blackbox [OPTIONS] sessions extend ID --hours N

      --hours N    Hours to add to the session's expiry: 0 to 2147483647

It is not retried after it may have reached the server (running it twice
would extend twice). No confirmation is asked.

Example:
  blackbox sessions extend 07fd44a8-744f-491f-8c7d-18e2c7e25afb --hours 24
";

/// `blackbox sessions revoke --help`.
const HELP_REVOKE: &str = "\
blackbox sessions revoke: revoke one session; its token stops working.

Usage: blackbox [OPTIONS] sessions revoke ID [--yes]

Asks for confirmation when standard input is a terminal; otherwise --yes is
required.

Example:
  blackbox sessions revoke 07fd44a8-744f-491f-8c7d-18e2c7e25afb --yes
";

/// `blackbox sessions revoke-all --help`.
const HELP_REVOKE_ALL: &str = "\
blackbox sessions revoke-all: revoke all sessions of the account.

Usage: blackbox [OPTIONS] sessions revoke-all [--keep-current] [--yes]

      --keep-current    Keep the session of the token making the call
                        (without it, that token stops working too)

Asks for confirmation when standard input is a terminal; otherwise --yes is
required.

Example:
  blackbox sessions revoke-all --keep-current --yes
";

/// `blackbox sessions cleanup --help`.
const HELP_CLEANUP: &str = "\
blackbox sessions cleanup: delete the expired sessions.

Usage: blackbox [OPTIONS] sessions cleanup [--yes]

Asks for confirmation when standard input is a terminal; otherwise --yes is
required.

Example:
  blackbox sessions cleanup --yes
";

/// `blackbox completions --help`.
const HELP_COMPLETIONS: &str = "\
blackbox completions: print a completion script for a shell.

Usage: blackbox completions <bash|zsh|fish>

Examples:
  source <(blackbox completions bash)                       # in ~/.bashrc
  blackbox completions zsh > \"${fpath[1]}/_blackbox\"        # then restart zsh
  blackbox completions fish > ~/.config/fish/completions/blackbox.fish
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{ColorChoice, OutputFormat};
    use crate::exit::Exit;

    fn run(args: &[&str]) -> Result<Invocation, CliError> {
        parse(args.iter().map(OsString::from))
    }

    fn sessions(args: &[&str]) -> (Options, SessionsCommand) {
        match run(args) {
            Ok(Invocation::Sessions(options, command)) => (options, command),
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        match run(args) {
            Err(error) => {
                assert_eq!(error.code, Exit::Usage, "{args:?}");
                assert!(!error.message.contains('\n'), "{args:?}");
                error.message
            }
            Ok(other) => panic!("{args:?}: {other:?}"),
        }
    }

    const ID: &str = "07fd44a8-744f-491f-8c7d-18e2c7e25afb";

    #[test]
    fn options_go_before_or_after_the_command() {
        let (options, command) = sessions(&["-o", "json", "sessions", "list", "--retries=0"]);
        assert_eq!(command, SessionsCommand::List);
        assert_eq!(options.output, OutputFormat::Json);
        assert_eq!(options.retries, Some(0));
        let (options, command) = sessions(&[
            "sessions",
            "extend",
            ID,
            "--hours",
            "24",
            "--server",
            "staging",
            "--color",
            "never",
            "--timeout",
            "2.5",
            "--debug",
            "-y",
            "--show-tokens",
        ]);
        assert_eq!(command.name(), "extend");
        assert!(matches!(command, SessionsCommand::Extend { hours: 24, .. }));
        assert_eq!(
            options.server,
            Some(ServerChoice::Named(blackbox::Server::Staging))
        );
        assert_eq!(options.color, ColorChoice::Never);
        assert!(options.debug && options.yes && options.show_tokens);
        let (_, command) = sessions(&["sessions", "revoke-all", "--keep-current"]);
        assert_eq!(command, SessionsCommand::RevokeAll { keep_current: true });
        let (options, _) = sessions(&["--token-file", "-", "sessions", "stats"]);
        assert_eq!(options.token_file, Some(PathBuf::from("-")));
    }

    #[test]
    fn bad_input_is_one_line() {
        assert!(usage_error(&[]).starts_with("missing command"));
        assert!(usage_error(&["session"]).starts_with("unknown command \"session\""));
        assert!(usage_error(&["sessions"]).starts_with("missing sessions command"));
        assert!(usage_error(&["sessions", "lsit"]).starts_with("unknown sessions command"));
        assert!(usage_error(&["sessions", "get"]).contains("needs a session id"));
        assert!(usage_error(&["sessions", "get", "nope"]).starts_with("invalid session id"));
        assert!(usage_error(&["sessions", "list", "extra"]).starts_with("unexpected argument"));
        assert!(usage_error(&["sessions", "extend", ID]).contains("needs --hours"));
        assert!(usage_error(&["sessions", "extend", ID, "--hours", "-1"]).starts_with("--hours"));
        assert!(
            usage_error(&["sessions", "extend", ID, "--hours=2147483648"]).starts_with("--hours")
        );
        assert!(usage_error(&["sessions", "list", "--hours", "1"]).contains("only applies"));
        assert!(usage_error(&["sessions", "list", "--keep-current"]).contains("only applies"));
        assert!(usage_error(&["--server", "prod", "sessions", "list"]).contains("unknown server"));
        assert!(
            usage_error(&[
                "--server",
                "local",
                "--server-url",
                "http://x",
                "sessions",
                "list"
            ])
            .contains("cannot be used together")
        );
        assert!(usage_error(&["--token", "abc", "sessions", "list"]).contains("--token"));
        assert!(usage_error(&["--debug=yes", "sessions", "list"]).contains("--debug"));
        assert!(usage_error(&["--retries"]).contains("--retries"));
        assert!(usage_error(&["completions", "tcsh"]).contains("unknown shell"));
        assert!(usage_error(&["completions"]).contains("needs a shell"));
        assert!(usage_error(&["help", "nothing"]).starts_with("no help for"));
    }

    #[test]
    fn help_is_the_most_specific_one() {
        let help = |args: &[&str]| match run(args) {
            Ok(Invocation::Print(text)) => text.into_owned(),
            other => panic!("{args:?}: {other:?}"),
        };
        assert_eq!(help(&["--help"]), HELP);
        assert_eq!(help(&["-h", "sessions"]), HELP);
        assert_eq!(help(&["sessions", "--help"]), HELP_SESSIONS);
        assert_eq!(help(&["sessions", "extend", ID, "-h"]), HELP_EXTEND);
        assert_eq!(help(&["sessions", "nope", "--help"]), HELP_SESSIONS);
        assert_eq!(help(&["help", "sessions", "revoke-all"]), HELP_REVOKE_ALL);
        assert_eq!(help(&["completions", "--help"]), HELP_COMPLETIONS);
        assert_eq!(help(&["-V"]), VERSION);
        assert!(help(&["completions", "bash"]).contains("complete -F _blackbox"));
        for text in [
            HELP,
            HELP_SESSIONS,
            HELP_LIST,
            HELP_GET,
            HELP_STATS,
            HELP_EXTEND,
            HELP_REVOKE,
            HELP_REVOKE_ALL,
            HELP_CLEANUP,
            HELP_COMPLETIONS,
        ] {
            assert!(text.contains("Example"), "{text}");
            assert!(
                text.lines().all(|line| line.chars().count() <= 100),
                "{text}"
            );
        }
    }
}
