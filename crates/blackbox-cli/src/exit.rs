//! Exit codes by outcome class, and the one-line error messages.

use std::error::Error as StdError;
use std::fmt;
use std::process::ExitCode;

use blackbox::Error;

/// The exit codes of `blackbox`, one per outcome class. They are part of the
/// tool's interface: scripts branch on them, so a code never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0: the command succeeded.
    Success = 0,
    /// 1: the confirmation was declined, or a failure of the tool itself
    /// (its output could not be written, the runtime could not start).
    Failure = 1,
    /// 2: a usage error, found before anything was sent: bad arguments, a
    /// malformed session id, hours out of range, an unreadable token or CA
    /// file, no token, an unknown server name, an unusable server URL, a
    /// destructive command without `--yes` and without a terminal.
    Usage = 2,
    /// 3: the server refused the token: 401 Unauthorized or 403 Forbidden.
    Auth = 3,
    /// 4: 404 Not Found: no such session (or another user's).
    NotFound = 4,
    /// 5: any other 4xx answer (400, 405, 408, 409, 413, 415, 422, 429, ...).
    ClientError = 5,
    /// 6: a 5xx answer.
    ServerError = 6,
    /// 7: no answer: the connection could not be made (refused, DNS), the
    /// TLS handshake failed (for example an untrusted certificate), a timeout
    /// fired, or the connection broke mid-request.
    Network = 7,
    /// 8: an answer the tool cannot use: a success status whose body is not
    /// the API's JSON, a body over the size limit, a 1xx or 3xx status, or a
    /// success status whose envelope says `"success": false`.
    BadResponse = 8,
}

impl Exit {
    /// The process exit code.
    pub(crate) fn code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }

    /// The class of an HTTP status the API answered with.
    fn for_status(status: u16) -> Self {
        match status {
            401 | 403 => Self::Auth,
            404 => Self::NotFound,
            400..=499 => Self::ClientError,
            500..=599 => Self::ServerError,
            _ => Self::BadResponse,
        }
    }

    /// The class of an SDK error.
    pub(crate) fn for_error(error: &Error) -> Self {
        match error {
            Error::InvalidRequest(_) => Self::Usage,
            Error::Connect(_) | Error::Tls(_) | Error::Timeout(_) | Error::Transport(_) => {
                Self::Network
            }
            Error::Api(api) => Self::for_status(api.status().as_u16()),
            Error::ResponseValidation(_) | Error::BodyTooLarge(_) => Self::BadResponse,
            // A token source and hooks are never configured by this tool, and
            // a variant added later is a failure until it gets its own class.
            _ => Self::Failure,
        }
    }
}

/// A failure of a command: its exit code and a one-line message.
#[derive(Debug)]
pub(crate) struct CliError {
    /// The exit code.
    pub(crate) code: Exit,
    /// What went wrong, one line, printed after `error: `.
    pub(crate) message: String,
}

impl CliError {
    /// A failure with this exit code and message.
    pub(crate) fn new(code: Exit, message: impl Into<String>) -> Self {
        Self {
            code,
            message: one_line(&message.into()),
        }
    }

    /// A usage error (exit 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// An SDK error: its class, and its message with its causes.
    pub(crate) fn from_sdk(error: &Error) -> Self {
        let code = Exit::for_error(error);
        let mut message = chain(error);
        match (error, code) {
            (Error::Tls(_), _) => {
                message.push_str(" (for a server with a private CA, pass --ca-file PATH)");
            }
            (_, Exit::Auth) => message.push_str(
                " (check BLACKBOX_BLACKBOX_AUTH_TOKEN or --token-file: the token may be expired or revoked)",
            ),
            _ => {}
        }
        Self::new(code, message)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The error and its causes, `a: b: c`, leaving out a cause whose text is
/// already there.
fn chain(error: &Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    let mut depth = 0;
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
        depth += 1;
        if depth == 8 {
            break;
        }
    }
    message
}

/// The message on one line of at most 400 characters, without control
/// characters (a server's text cannot add lines or move the cursor).
pub(crate) fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len().min(400));
    for (count, character) in text.chars().enumerate() {
        if count == 400 {
            line.push('…');
            break;
        }
        line.push(if character.is_control() {
            ' '
        } else {
            character
        });
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_their_class() {
        for (status, exit) in [
            (400, Exit::ClientError),
            (401, Exit::Auth),
            (403, Exit::Auth),
            (404, Exit::NotFound),
            (405, Exit::ClientError),
            (422, Exit::ClientError),
            (429, Exit::ClientError),
            (500, Exit::ServerError),
            (503, Exit::ServerError),
            (599, Exit::ServerError),
            (200, Exit::BadResponse),
            (302, Exit::BadResponse),
            (100, Exit::BadResponse),
        ] {
            assert_eq!(Exit::for_status(status), exit, "{status}");
        }
    }

    #[test]
    fn codes_are_stable() {
        let codes = [
            Exit::Success,
            Exit::Failure,
            Exit::Usage,
            Exit::Auth,
            Exit::NotFound,
            Exit::ClientError,
            Exit::ServerError,
            Exit::Network,
            Exit::BadResponse,
        ]
        .map(|exit| exit as u8);
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn messages_are_one_bounded_line() {
        let error = CliError::usage("a\nb\r\u{1b}[31mc");
        assert_eq!(error.message, "a b  [31mc");
        let long = CliError::usage("x".repeat(1000));
        assert_eq!(long.message.chars().count(), 401);
    }

    #[test]
    fn invalid_requests_are_usage_errors() {
        let error =
            blackbox::Error::from("nowhere".parse::<blackbox::Server>().expect_err("unknown"));
        let cli = CliError::from_sdk(&error);
        assert_eq!(cli.code, Exit::Usage);
        assert!(cli.message.starts_with("invalid request: unknown server"));
    }
}
