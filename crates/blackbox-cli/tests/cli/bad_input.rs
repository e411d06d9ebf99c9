//! Bad input: one `error: ...` line, exit 2, no panic, and nothing sent.

use blackbox_sandbox::Sandbox;

use crate::support::{Cli, TempFile};

#[tokio::test]
async fn bad_input_is_one_line_exit_2_and_sends_nothing() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);
    let id = sandbox.demo_session_id().to_string();
    let empty = TempFile::new("empty-token", "\n");
    let two_lines = TempFile::new("two-line-token", "bbx_one\nbbx_two\n");
    let not_utf8 = TempFile::new("binary-token", [0xff_u8, 0xfe, 0x00]);
    let not_a_certificate = TempFile::new("not-a-ca.pem", "hello\n");

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], "missing command"),
        (vec!["sessionz", "list"], "unknown command"),
        (vec!["sessions"], "missing sessions command"),
        (vec!["sessions", "delete", &id], "unknown sessions command"),
        (vec!["sessions", "get"], "needs a session id"),
        (
            vec!["sessions", "get", "not-a-uuid"],
            "invalid session id \"not-a-uuid\"",
        ),
        (
            vec!["sessions", "get", "07fd44a8-744f-491f-8c7d"],
            "invalid session id",
        ),
        (
            vec!["sessions", "revoke", "../../etc/passwd", "--yes"],
            "invalid session id",
        ),
        (vec!["sessions", "get", &id, "extra"], "unexpected argument"),
        (vec!["sessions", "extend", &id], "needs --hours"),
        (
            vec!["sessions", "extend", &id, "--hours", "-1"],
            "--hours must be a whole number",
        ),
        (
            vec!["sessions", "extend", &id, "--hours=-24"],
            "--hours must be a whole number",
        ),
        (
            vec!["sessions", "extend", &id, "--hours", "2147483648"],
            "from 0 to 2147483647",
        ),
        (
            vec!["sessions", "extend", &id, "--hours", "4294967296"],
            "from 0 to 2147483647",
        ),
        (
            vec![
                "sessions",
                "extend",
                &id,
                "--hours",
                "340282366920938463463374607431768211456",
            ],
            "from 0 to 2147483647",
        ),
        (
            vec!["sessions", "extend", &id, "--hours", "1.5"],
            "--hours must be a whole number",
        ),
        (
            vec!["sessions", "extend", &id, "--hours"],
            "missing argument",
        ),
        (
            vec!["sessions", "list", "--hours", "1"],
            "only applies to sessions extend",
        ),
        (
            vec!["sessions", "list", "--keep-current"],
            "only applies to sessions revoke-all",
        ),
        (
            vec!["--server", "prod", "sessions", "list"],
            "unknown server \"prod\"",
        ),
        (
            vec![
                "--server",
                "local",
                "--server-url",
                "http://127.0.0.1:1",
                "sessions",
                "list",
            ],
            "cannot be used together",
        ),
        (
            vec!["--server-url", "ftp://127.0.0.1", "sessions", "list"],
            "scheme must be http or https",
        ),
        (
            vec!["--server-url", "not a url", "sessions", "list"],
            "not a valid URL",
        ),
        (
            vec!["--token", "bbx_secret", "sessions", "list"],
            "invalid option '--token'",
        ),
        (
            vec!["--token-file", "/nonexistent/token", "sessions", "list"],
            "cannot read the token file /nonexistent/token",
        ),
        (
            vec!["--token-file", empty.path(), "sessions", "list"],
            "is empty",
        ),
        (
            vec!["--token-file", two_lines.path(), "sessions", "list"],
            "on one line",
        ),
        (
            vec!["--token-file", not_utf8.path(), "sessions", "list"],
            "not UTF-8",
        ),
        (
            vec!["--ca-file", "/nonexistent/ca.pem", "sessions", "list"],
            "cannot read the CA file",
        ),
        (
            vec!["--ca-file", not_a_certificate.path(), "sessions", "list"],
            "--ca-file",
        ),
        (
            vec!["--timeout", "0", "sessions", "list"],
            "--timeout must be",
        ),
        (
            vec!["--timeout", "-3", "sessions", "list"],
            "--timeout must be",
        ),
        (
            vec!["--connect-timeout", "soon", "sessions", "list"],
            "--connect-timeout must be",
        ),
        (
            vec!["--retries", "-1", "sessions", "list"],
            "--retries must be",
        ),
        (
            vec!["--retries", "1000", "sessions", "list"],
            "--retries must be",
        ),
        (
            vec!["--output", "yaml", "sessions", "list"],
            "--output must be table or json",
        ),
        (
            vec!["--color", "sometimes", "sessions", "list"],
            "--color must be",
        ),
        (
            vec!["--debug=yes", "sessions", "list"],
            "unexpected argument for option '--debug'",
        ),
        (vec!["completions", "tcsh"], "unknown shell"),
        (vec!["sessions", "revoke", &id], "pass --yes to confirm"),
        (vec!["sessions", "revoke-all"], "pass --yes to confirm"),
        (
            vec!["sessions", "cleanup", "-o", "json"],
            "pass --yes to confirm",
        ),
    ];
    for (args, expected) in &cases {
        let outcome = cli.run(args).await;
        outcome.code(2);
        let line = outcome.one_error_line();
        assert!(
            line.contains(expected),
            "{args:?}: {line:?} lacks {expected:?}"
        );
        assert!(!line.contains(sandbox.demo_token()), "{args:?}: {line}");
    }

    // Missing or unusable environment.
    let no_token = cli
        .clone()
        .without("BLACKBOX_BLACKBOX_AUTH_TOKEN")
        .run(&["sessions", "list"])
        .await;
    no_token.code(2);
    assert!(
        no_token.one_error_line().contains("no token"),
        "{no_token:#?}"
    );
    let blank_token = cli
        .clone()
        .env("BLACKBOX_BLACKBOX_AUTH_TOKEN", " ")
        .run(&["sessions", "list"])
        .await;
    blank_token.code(2);
    blank_token.one_error_line();
    let bad_now = cli
        .clone()
        .env("BLACKBOX_NOW", "yesterday")
        .run(&["sessions", "list"])
        .await;
    bad_now.code(2);
    assert!(
        bad_now.one_error_line().contains("BLACKBOX_NOW"),
        "{bad_now:#?}"
    );
    let bad_url = cli
        .clone()
        .env("BLACKBOX_SERVER_URL", "ftp://x")
        .run(&["sessions", "list"])
        .await;
    bad_url.code(2);
    bad_url.one_error_line();
    let control = cli
        .clone()
        .env("BLACKBOX_BLACKBOX_AUTH_TOKEN", "bbx\u{7}bell")
        .run(&["sessions", "list"])
        .await;
    control.code(2);
    assert!(
        control.one_error_line().contains("not allowed in a header"),
        "{control:#?}"
    );

    assert_eq!(sandbox.total_requests(), 0, "bad input sent a request");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn arguments_that_are_not_utf8_are_refused() {
    use std::os::unix::ffi::OsStrExt;

    let argument = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    let output = tokio::process::Command::new(crate::support::BIN)
        .args([
            std::ffi::OsStr::new("sessions"),
            std::ffi::OsStr::new("get"),
            argument,
        ])
        .env_clear()
        .kill_on_drop(true)
        .output()
        .await
        .expect("run the binary");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: argument "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
