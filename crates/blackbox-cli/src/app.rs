//! From what the command line asks for to an exit code: runs it, prints its
//! output, or prints `error: ...` on one line.

use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::Invocation;
use crate::exit::{CliError, Exit};
use crate::run;

/// Runs a parsed command line and returns the process's exit code.
pub(crate) fn main(parsed: Result<Invocation, CliError>) -> ExitCode {
    let output = parsed.and_then(|invocation| match invocation {
        Invocation::Print(text) => Ok(text.into_owned()),
        Invocation::Sessions(options, command) => run::sessions(&options, command),
    });
    match output {
        Ok(text) => print(&text),
        Err(error) => {
            report(&error);
            error.code.code()
        }
    }
}

/// Writes `text` on standard output. A reader that stopped reading early
/// (`blackbox sessions list | head -1`) is not an error.
fn print(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Exit::Success.code(),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Exit::Success.code(),
        Err(error) => {
            let error = CliError::new(Exit::Failure, format!("cannot write the output: {error}"));
            report(&error);
            error.code.code()
        }
    }
}

/// `error: ...` on standard error; nothing more can be done if that fails.
fn report(error: &CliError) {
    let _ = writeln!(io::stderr().lock(), "error: {error}");
}
