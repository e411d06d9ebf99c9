//! TLS with `--ca-file`, and the three sources of the token.

use blackbox_sandbox::{Operation, Sandbox};

use crate::support::{Cli, TempFile};

#[tokio::test]
async fn tls_needs_the_sandbox_ca_and_works_with_it() {
    let sandbox = Sandbox::start_tls().await.expect("start the TLS sandbox");
    let ca = TempFile::new(
        "sandbox-ca.pem",
        sandbox.ca_pem().expect("a TLS sandbox has a CA"),
    );
    // The certificate also names 127.0.0.1: no name resolution needed.
    let url = format!("https://127.0.0.1:{}", sandbox.local_addr().port());
    let cli = Cli::for_sandbox(&sandbox).env("BLACKBOX_SERVER_URL", &url);

    let trusted = cli
        .run(&["--ca-file", ca.path(), "sessions", "stats", "-o", "json"])
        .await;
    trusted.code(0);
    assert!(
        trusted.stdout.contains("\"total_sessions\": 4"),
        "{trusted:#?}"
    );

    // Without the CA the built-in roots do not trust the sandbox: exit 7.
    let untrusted = cli.run(&["--retries", "0", "sessions", "stats"]).await;
    untrusted.code(7);
    let line = untrusted.one_error_line();
    assert!(
        line.starts_with("error: TLS handshake with the server failed"),
        "{line}"
    );
    assert!(line.contains("--ca-file"), "{line}");
    assert_eq!(
        sandbox.request_count(Operation::GetSessionStats),
        1,
        "only the trusted call reached the server"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_token_comes_from_a_file_stdin_or_the_environment() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let with_env = Cli::for_sandbox(&sandbox);
    let without = with_env.clone().without("BLACKBOX_BLACKBOX_AUTH_TOKEN");
    let file = TempFile::new("token", format!("{}\n", sandbox.demo_token()));

    with_env.run(&["sessions", "stats"]).await.code(0);
    without
        .run(&["--token-file", file.path(), "sessions", "stats"])
        .await
        .code(0);
    without
        .clone()
        .stdin(format!("  {}\r\n", sandbox.demo_token()).as_bytes())
        .run(&["--token-file", "-", "sessions", "stats"])
        .await
        .code(0);
    // The file wins over the environment.
    with_env
        .clone()
        .env("BLACKBOX_BLACKBOX_AUTH_TOKEN", "bbx_wrong")
        .run(&["--token-file", file.path(), "sessions", "stats"])
        .await
        .code(0);
    // An empty standard input is no token.
    let empty = without
        .clone()
        .stdin(b"")
        .run(&["--token-file", "-", "sessions", "stats"])
        .await;
    empty.code(2);
    assert!(
        empty.one_error_line().contains("standard input is empty"),
        "{empty:#?}"
    );
    // The token is sent as the bearer token, and only there.
    let requests = sandbox.requests_for(Operation::GetSessionStats);
    let bearer = format!("Bearer {}", sandbox.demo_token());
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(request.header("authorization"), Some(bearer.as_str()));
        assert!(
            request
                .header("user-agent")
                .is_some_and(|agent| agent.contains("blackbox-cli/")),
            "{request:?}"
        );
    }
    sandbox.shutdown().await;
}
