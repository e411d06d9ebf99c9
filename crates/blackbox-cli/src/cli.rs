//! What a command line asks for, whatever parser read it, and the checks of
//! its values (session ids, hours, seconds, server names).

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;

use blackbox::Server;
use blackbox::models::ExtendSessionRequest;
use blackbox::uuid::Uuid;

use crate::exit::CliError;

/// What the command line asks for.
#[derive(Debug)]
pub(crate) enum Invocation {
    /// Print this text on standard output and exit 0 (help, version,
    /// completion scripts).
    Print(Cow<'static, str>),
    /// Run a `sessions` command.
    Sessions(Options, SessionsCommand),
}

/// The server to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServerChoice {
    /// One of the API's named servers (`--server`).
    Named(Server),
    /// Any base URL (`--server-url`).
    Url(String),
}

/// How results are written on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum OutputFormat {
    /// Tables and sentences for people.
    #[default]
    Table,
    /// The API's data as pretty-printed JSON, for scripts.
    Json,
}

/// When the table output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ColorChoice {
    /// When standard output is a terminal.
    #[default]
    Auto,
    /// Even when standard output is not a terminal.
    Always,
    /// Never.
    Never,
}

/// The options every command accepts.
#[derive(Debug, Default)]
pub(crate) struct Options {
    /// `--server` or `--server-url`; `None` for `BLACKBOX_SERVER_URL` or production.
    pub(crate) server: Option<ServerChoice>,
    /// `--token-file`; `-` is standard input. `None` for the environment.
    pub(crate) token_file: Option<PathBuf>,
    /// `--timeout`: the whole call, retries included.
    pub(crate) timeout: Option<Duration>,
    /// `--connect-timeout`: establishing a connection.
    pub(crate) connect_timeout: Option<Duration>,
    /// `--attempt-timeout`: one attempt.
    pub(crate) attempt_timeout: Option<Duration>,
    /// `--retries`: retries after the first attempt.
    pub(crate) retries: Option<u32>,
    /// `--debug`: the SDK's debug log on standard error.
    pub(crate) debug: bool,
    /// `--ca-file`: a PEM file of certificates to trust besides the built-in roots.
    pub(crate) ca_file: Option<PathBuf>,
    /// `--output`.
    pub(crate) output: OutputFormat,
    /// `--show-tokens`: print session tokens instead of redacting them.
    pub(crate) show_tokens: bool,
    /// `--yes`: do not ask before destructive commands.
    pub(crate) yes: bool,
    /// `--color`.
    pub(crate) color: ColorChoice,
}

/// A `sessions` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionsCommand {
    /// `sessions list`.
    List,
    /// `sessions get ID`.
    Get(Uuid),
    /// `sessions stats`.
    Stats,
    /// `sessions extend ID --hours N`.
    Extend {
        /// The session.
        id: Uuid,
        /// Hours to add, at most [`ExtendSessionRequest::MAX_EXTENSION_HOURS`].
        hours: u32,
    },
    /// `sessions revoke ID`.
    Revoke(Uuid),
    /// `sessions revoke-all [--keep-current]`.
    RevokeAll {
        /// Keep the session of the token making the call.
        keep_current: bool,
    },
    /// `sessions cleanup`.
    Cleanup,
}

impl SessionsCommand {
    /// The command's name on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Get(_) => "get",
            Self::Stats => "stats",
            Self::Extend { .. } => "extend",
            Self::Revoke(_) => "revoke",
            Self::RevokeAll { .. } => "revoke-all",
            Self::Cleanup => "cleanup",
        }
    }

    /// The question asked before a destructive command, or `None` for a
    /// command that changes nothing or can be repeated harmlessly.
    pub(crate) fn confirmation(self) -> Option<String> {
        match self {
            Self::Revoke(id) => Some(format!("Revoke session {id}?")),
            Self::RevokeAll { keep_current: true } => {
                Some("Revoke all sessions except the current one?".to_owned())
            }
            Self::RevokeAll {
                keep_current: false,
            } => Some(
                "Revoke ALL sessions, the current one included (this token stops working)?"
                    .to_owned(),
            ),
            Self::Cleanup => Some("Delete all expired sessions?".to_owned()),
            Self::List | Self::Get(_) | Self::Stats | Self::Extend { .. } => None,
        }
    }
}

/// Makes text from the command line safe to quote in a one-line message.
pub(crate) fn quoted(text: &str) -> String {
    let mut shown: String = text.chars().take(80).collect();
    if text.chars().nth(80).is_some() {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// A session id: a UUID.
pub(crate) fn parse_session_id(text: &str) -> Result<Uuid, CliError> {
    text.trim().parse::<Uuid>().map_err(|_| {
        CliError::usage(format!(
            "invalid session id {}: expected a UUID such as 07fd44a8-744f-491f-8c7d-18e2c7e25afb",
            quoted(text)
        ))
    })
}

/// `--hours`: a whole number from 0 to the API's `int32` maximum.
pub(crate) fn parse_hours(text: &str) -> Result<u32, CliError> {
    let max = ExtendSessionRequest::MAX_EXTENSION_HOURS;
    let out_of_range = || {
        CliError::usage(format!(
            "--hours must be a whole number from 0 to {max}, got {}",
            quoted(text)
        ))
    };
    let trimmed = text.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(out_of_range());
    }
    // All digits: the only parse failure left is a number too large for u32.
    match trimmed.parse::<u32>() {
        Ok(hours) if hours <= max => Ok(hours),
        _ => Err(out_of_range()),
    }
}

/// A timeout in seconds: a positive number, fractions allowed, at most a day.
pub(crate) fn parse_seconds(flag: &str, text: &str) -> Result<Duration, CliError> {
    let invalid = || {
        CliError::usage(format!(
            "{flag} must be a number of seconds greater than 0 and at most 86400, got {}",
            quoted(text)
        ))
    };
    let seconds: f64 = text.trim().parse().map_err(|_| invalid())?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(invalid());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| invalid())
}

/// The largest `--retries`.
pub(crate) const MAX_RETRIES: u32 = 100;

/// `--retries`: a whole number from 0 to [`MAX_RETRIES`].
pub(crate) fn parse_retries(text: &str) -> Result<u32, CliError> {
    match text.trim().parse::<u32>() {
        Ok(retries) if retries <= MAX_RETRIES => Ok(retries),
        _ => Err(CliError::usage(format!(
            "--retries must be a whole number from 0 to {MAX_RETRIES}, got {}",
            quoted(text)
        ))),
    }
}

/// `--server`: production, staging or local, as the SDK names them.
pub(crate) fn parse_server(text: &str) -> Result<Server, CliError> {
    text.parse::<Server>()
        .map_err(|error| CliError::usage(format!("--server: {error}")))
}

/// `--output`: table or json.
pub(crate) fn parse_output(text: &str) -> Result<OutputFormat, CliError> {
    match text {
        "table" => Ok(OutputFormat::Table),
        "json" => Ok(OutputFormat::Json),
        _ => Err(CliError::usage(format!(
            "--output must be table or json, got {}",
            quoted(text)
        ))),
    }
}

/// `--color`: auto, always or never.
pub(crate) fn parse_color(text: &str) -> Result<ColorChoice, CliError> {
    match text {
        "auto" => Ok(ColorChoice::Auto),
        "always" => Ok(ColorChoice::Always),
        "never" => Ok(ColorChoice::Never),
        _ => Err(CliError::usage(format!(
            "--color must be auto, always or never, got {}",
            quoted(text)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    #[test]
    fn hours_are_the_apis_int32_range() {
        assert_eq!(parse_hours("0").ok(), Some(0));
        assert_eq!(parse_hours("24").ok(), Some(24));
        assert_eq!(parse_hours("2147483647").ok(), Some(2_147_483_647));
        for bad in [
            "2147483648",
            "4294967295",
            "4294967296",
            "99999999999999999999999",
            "-1",
            "-0",
            "+3",
            "1.5",
            "1e3",
            "",
            "twelve",
        ] {
            let error = parse_hours(bad).expect_err(bad);
            assert_eq!(error.code, Exit::Usage, "{bad}");
            assert!(error.message.starts_with("--hours must be"), "{bad}");
        }
    }

    #[test]
    fn session_ids_are_uuids() {
        let id = "07fd44a8-744f-491f-8c7d-18e2c7e25afb";
        assert_eq!(
            parse_session_id(id)
                .ok()
                .map(|id| id.to_string())
                .as_deref(),
            Some(id)
        );
        for bad in ["", "42", "07fd44a8-744f-491f-8c7d", "x\ny", "../../etc"] {
            let error = parse_session_id(bad).expect_err(bad);
            assert!(!error.message.contains('\n'), "{bad}");
        }
    }

    #[test]
    fn seconds_are_positive_and_bounded() {
        assert_eq!(
            parse_seconds("--timeout", "0.5").ok(),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            parse_seconds("--timeout", "30").ok(),
            Some(Duration::from_secs(30))
        );
        for bad in ["0", "-1", "NaN", "inf", "86401", "1e300", "", "soon"] {
            assert!(parse_seconds("--timeout", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retries_servers_outputs_and_colours() {
        assert_eq!(parse_retries("0").ok(), Some(0));
        assert_eq!(parse_retries("100").ok(), Some(100));
        assert!(parse_retries("101").is_err());
        assert!(parse_retries("-1").is_err());
        assert_eq!(parse_server("staging").ok(), Some(Server::Staging));
        let error = parse_server("prod").expect_err("unknown");
        assert!(error.message.contains("production, staging or local"));
        assert_eq!(parse_output("json").ok(), Some(OutputFormat::Json));
        assert!(parse_output("yaml").is_err());
        assert_eq!(parse_color("never").ok(), Some(ColorChoice::Never));
        assert!(parse_color("sometimes").is_err());
    }

    #[test]
    fn quoting_is_bounded_and_escaped() {
        assert_eq!(quoted("a\nb"), "\"a\\nb\"");
        let long = "x".repeat(500);
        assert!(quoted(&long).chars().count() < 90);
    }
}
