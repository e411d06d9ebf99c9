//! The bearer token: from `--token-file PATH`, `--token-file -` (standard
//! input) or `BLACKBOX_BLACKBOX_AUTH_TOKEN`; never from the command line,
//! which other users of the machine can read in the process list.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::Path;

use blackbox::core::{ENV_AUTH_TOKEN, SecretString};

use crate::exit::CliError;

/// The most bytes read from a token file: a token is a few hundred bytes.
const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// The token to send, from `--token-file` when given, else the environment.
///
/// # Errors
///
/// A usage error when the file cannot be read or holds no token, or when
/// there is no token at all. No message quotes the token.
pub(crate) fn read(token_file: Option<&Path>) -> Result<SecretString, CliError> {
    let Some(path) = token_file else {
        return from_env();
    };
    let text = if path == Path::new("-") {
        from_stdin()?
    } else {
        from_file(path)?
    };
    let source = if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        format!("the token file {}", path.display())
    };
    clean(&text).map_err(|problem| CliError::usage(format!("{source} {problem}")))
}

fn from_env() -> Result<SecretString, CliError> {
    match std::env::var(ENV_AUTH_TOKEN) {
        Ok(value) => {
            clean(&value).map_err(|problem| CliError::usage(format!("{ENV_AUTH_TOKEN} {problem}")))
        }
        Err(std::env::VarError::NotPresent) => Err(CliError::usage(format!(
            "no token: set {ENV_AUTH_TOKEN} or pass --token-file PATH (or --token-file - for standard input)"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError::usage(format!(
            "{ENV_AUTH_TOKEN} is not valid UTF-8"
        ))),
    }
}

fn from_file(path: &Path) -> Result<String, CliError> {
    let unreadable = |error: io::Error| {
        CliError::usage(format!(
            "cannot read the token file {}: {error}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    into_text(bytes, &format!("the token file {}", path.display()))
}

fn from_stdin() -> Result<String, CliError> {
    let stdin = io::stdin();
    let unreadable = |error: io::Error| {
        CliError::usage(format!(
            "cannot read the token from standard input: {error}"
        ))
    };
    let mut bytes = Vec::new();
    if stdin.is_terminal() {
        // Typed or pasted: one line (the token is echoed, as when pasted
        // into any prompt; prefer a file or the environment).
        let _ = write!(io::stderr(), "Token (one line): ");
        let _ = io::stderr().flush();
        stdin
            .lock()
            .take(MAX_TOKEN_FILE + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(unreadable)?;
    } else {
        stdin
            .lock()
            .take(MAX_TOKEN_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
    }
    into_text(bytes, "standard input")
}

fn into_text(bytes: Vec<u8>, source: &str) -> Result<String, CliError> {
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(CliError::usage(format!(
            "{source} is larger than {MAX_TOKEN_FILE} bytes: not a token"
        )));
    }
    String::from_utf8(bytes).map_err(|_| CliError::usage(format!("{source} is not UTF-8 text")))
}

/// The token in `text`: surrounding whitespace (a trailing newline) removed,
/// non-empty, one line.
fn clean(text: &str) -> Result<SecretString, &'static str> {
    let token = text.trim();
    if token.is_empty() {
        return Err("is empty: it must hold the token");
    }
    if token.contains(['\n', '\r']) {
        return Err("must hold the token alone, on one line");
    }
    Ok(SecretString::from(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_trimmed_and_one_line() {
        assert_eq!(
            clean("  bbx_token\n").map(|token| token.expose().to_owned()),
            Ok("bbx_token".to_owned())
        );
        assert!(clean("\n \t").is_err());
        assert!(clean("one\ntwo\n").is_err());
    }

    #[test]
    fn an_unreadable_file_is_a_usage_error_without_the_token() {
        let error = read(Some(Path::new("/nonexistent/blackbox-token"))).expect_err("missing");
        assert_eq!(error.code, crate::exit::Exit::Usage);
        assert!(
            error
                .message
                .starts_with("cannot read the token file /nonexistent/blackbox-token: ")
        );
    }
}
