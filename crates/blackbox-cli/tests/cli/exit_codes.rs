//! Every exit code, from real answers of the sandbox and from its faults.

use std::time::Duration;

use blackbox_sandbox::{Fault, Operation, Sandbox};

use crate::support::{Cli, refused_port};

/// The command line that sends `operation`, for the sandbox's demo session.
fn command_for(operation: Operation, id: &str) -> Vec<String> {
    let words: &[&str] = match operation {
        Operation::ListSessions => &["sessions", "list"],
        Operation::GetSession => &["sessions", "get", id],
        Operation::GetSessionStats => &["sessions", "stats"],
        Operation::ExtendSession => &["sessions", "extend", id, "--hours", "1"],
        Operation::RevokeSession => &["sessions", "revoke", id, "--yes"],
        Operation::RevokeAllSessions => &["sessions", "revoke-all", "--keep-current", "--yes"],
        Operation::CleanupExpiredSessions => &["sessions", "cleanup", "--yes"],
    };
    words.iter().map(|word| (*word).to_owned()).collect()
}

#[tokio::test]
async fn api_statuses_of_every_operation_map_to_their_class() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);
    let id = sandbox.demo_session_id().to_string();
    let statuses = [
        (401, 3),
        (403, 3),
        (404, 4),
        (400, 5),
        (409, 5),
        (422, 5),
        (429, 5),
        (500, 6),
        (502, 6),
        (503, 6),
    ];
    for operation in Operation::ALL {
        for (status, code) in statuses {
            sandbox.faults().push(operation, Fault::status(status));
            let mut args = vec!["--retries".to_owned(), "0".to_owned()];
            args.extend(command_for(operation, &id));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let outcome = cli.run(&args).await;
            outcome.code(code);
            let line = outcome.one_error_line();
            assert!(line.contains(&status.to_string()), "{operation:?}: {line}");
            assert!(!line.contains(sandbox.demo_token()), "{line}");
        }
        assert_eq!(sandbox.faults().pending(operation), 0, "{operation:?}");
    }
    // Every fault answered before the request was processed: all still there.
    cli.run(&["sessions", "get", &id]).await.code(0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn real_refusals_of_the_sandbox() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);

    let unknown = cli
        .run(&["sessions", "get", "00000000-0000-4000-8000-000000000000"])
        .await;
    unknown.code(4);
    assert_eq!(
        unknown.one_error_line(),
        "error: API error 404 Not Found: Session not found"
    );
    // Another user's session does not exist for this token.
    let other = sandbox.other_user_session_id().to_string();
    cli.run(&["sessions", "revoke", &other, "--yes"])
        .await
        .code(4);

    let wrong_token = cli
        .clone()
        .env("BLACKBOX_BLACKBOX_AUTH_TOKEN", "bbx_not_a_session")
        .run(&["sessions", "list"])
        .await;
    wrong_token.code(3);
    let line = wrong_token.one_error_line();
    assert!(
        line.starts_with("error: API error 401 Unauthorized"),
        "{line}"
    );
    assert!(line.contains("BLACKBOX_BLACKBOX_AUTH_TOKEN"), "{line}");
    assert!(!line.contains("bbx_not_a_session"), "{line}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn no_answer_is_exit_7() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);

    // Nothing listens on the port: connection refused, with and without retries.
    let url = format!("http://127.0.0.1:{}", refused_port());
    for retries in [&["--retries", "0"][..], &[]] {
        let mut args = vec!["--server-url", &url];
        args.extend_from_slice(retries);
        args.extend_from_slice(&["sessions", "list"]);
        let outcome = cli.run(&args).await;
        outcome.code(7);
        let line = outcome.one_error_line();
        assert!(
            line.starts_with("error: could not connect to the server"),
            "{line}"
        );
    }

    // A server that never answers: the whole-call timeout, then the attempt timeout.
    sandbox.faults().push(Operation::ListSessions, Fault::Stall);
    let outcome = cli
        .run(&["--timeout", "0.5", "--retries", "0", "sessions", "list"])
        .await;
    outcome.code(7);
    assert!(
        outcome.one_error_line().contains("operation timeout"),
        "{outcome:#?}"
    );
    sandbox
        .faults()
        .push(Operation::GetSessionStats, Fault::Stall);
    let outcome = cli
        .run(&[
            "--attempt-timeout",
            "0.5",
            "--retries",
            "0",
            "sessions",
            "stats",
        ])
        .await;
    outcome.code(7);
    assert!(
        outcome.one_error_line().contains("attempt timeout"),
        "{outcome:#?}"
    );

    // A connection reset before the answer.
    sandbox
        .faults()
        .push(Operation::ListSessions, Fault::ResetBeforeHeaders);
    let outcome = cli.run(&["--retries", "0", "sessions", "list"]).await;
    outcome.code(7);
    outcome.one_error_line();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_answer_that_is_not_the_apis_is_exit_8() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);
    let faults = [
        Fault::InvalidJson,
        Fault::WrongShapeJson,
        Fault::WrongContentType,
        Fault::raw(
            200,
            "application/json",
            r#"{"success":false,"message":"locked"}"#,
        ),
        Fault::raw(302, "text/plain", "elsewhere"),
    ];
    for fault in faults {
        sandbox
            .faults()
            .push(Operation::ListSessions, fault.clone());
        let outcome = cli.run(&["sessions", "list"]).await;
        outcome.code(8);
        let line = outcome.one_error_line();
        assert!(!line.contains(sandbox.demo_token()), "{fault:?}: {line}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn retries_follow_the_option_and_spare_non_idempotent_calls() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);

    // Two 503s, then the answer: --retries 2 gets it on the third attempt.
    sandbox.faults().script(
        Operation::GetSessionStats,
        [Fault::status(503), Fault::status(503)],
    );
    cli.run(&["--retries", "2", "sessions", "stats"])
        .await
        .code(0);
    assert_eq!(sandbox.request_count(Operation::GetSessionStats), 3);

    // With --retries 1 the second 503 is the answer.
    sandbox.faults().script(
        Operation::GetSessionStats,
        [Fault::status(503), Fault::status(503)],
    );
    cli.run(&["--retries", "1", "sessions", "stats"])
        .await
        .code(6);
    assert_eq!(sandbox.request_count(Operation::GetSessionStats), 5);

    // extend is a POST: a 503 after it may have been processed is not retried.
    let id = sandbox.demo_session_id().to_string();
    sandbox
        .faults()
        .push(Operation::ExtendSession, Fault::status(503));
    cli.run(&["--retries", "5", "sessions", "extend", &id, "--hours", "1"])
        .await
        .code(6);
    assert_eq!(sandbox.request_count(Operation::ExtendSession), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_succeeds() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    sandbox.faults().push(
        Operation::GetSessionStats,
        Fault::DelayBeforeHeaders(Duration::from_millis(200)),
    );
    Cli::for_sandbox(&sandbox)
        .run(&["--timeout", "10", "sessions", "stats"])
        .await
        .code(0);
    sandbox.shutdown().await;
}
