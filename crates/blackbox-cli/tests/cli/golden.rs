//! The table and JSON outputs of every command, against golden files in
//! `tests/golden/` (`UPDATE_GOLDEN=1 cargo test -p blackbox-cli` rewrites them).

use crate::support::{Cli, Golden, assert_golden};

/// Runs `args`, expects success and nothing on standard error, and returns
/// standard output with the session ids anonymized.
async fn stdout(golden: &Golden, cli: &Cli, args: &[&str]) -> String {
    let outcome = cli.run(args).await;
    outcome.code(0);
    assert_eq!(outcome.stderr, "", "{outcome:#?}");
    golden.anonymize(&outcome.stdout)
}

#[tokio::test]
async fn every_command_matches_its_golden_output() {
    let golden = Golden::start().await;
    let cli = golden.cli();
    let [phone, laptop, ci, odd] = &golden.sessions;
    let (phone, laptop, ci, odd) = (
        phone.id.to_string(),
        laptop.id.to_string(),
        ci.id.to_string(),
        odd.id.to_string(),
    );

    let list = stdout(&golden, &cli, &["sessions", "list"]).await;
    assert_golden("list.txt", &list);
    let json = stdout(&golden, &cli, &["sessions", "list", "--output", "json"]).await;
    assert_golden("list.json", &json);
    for token in [
        "bbx_golden_phone",
        "bbx_golden_laptop",
        "bbx_golden_ci",
        "bbx_golden_odd",
    ] {
        assert!(
            !list.contains(token) && !json.contains(token),
            "{token} leaked"
        );
    }
    let shown = stdout(
        &golden,
        &cli,
        &["-o", "json", "--show-tokens", "sessions", "list"],
    )
    .await;
    assert_golden("list-show-tokens.json", &shown);
    let table = stdout(&golden, &cli, &["sessions", "list", "--show-tokens"]).await;
    assert_golden("list-show-tokens.txt", &table);

    assert_golden(
        "get-current.txt",
        &stdout(&golden, &cli, &["sessions", "get", &laptop]).await,
    );
    assert_golden(
        "get-expired.txt",
        &stdout(&golden, &cli, &["sessions", "get", &phone]).await,
    );
    assert_golden(
        "get.json",
        &stdout(&golden, &cli, &["sessions", "get", &phone, "-o", "json"]).await,
    );

    assert_golden(
        "stats.txt",
        &stdout(&golden, &cli, &["sessions", "stats"]).await,
    );
    assert_golden(
        "stats.json",
        &stdout(&golden, &cli, &["sessions", "stats", "-o=json"]).await,
    );

    assert_golden(
        "extend.txt",
        &stdout(&golden, &cli, &["sessions", "extend", &ci, "--hours", "24"]).await,
    );
    assert_golden(
        "extend.json",
        &stdout(
            &golden,
            &cli,
            &["sessions", "extend", &ci, "--hours=1", "-o", "json"],
        )
        .await,
    );

    assert_golden(
        "revoke.txt",
        &stdout(&golden, &cli, &["sessions", "revoke", &odd, "--yes"]).await,
    );
    assert_golden(
        "cleanup.json",
        &stdout(
            &golden,
            &cli,
            &["sessions", "cleanup", "--yes", "-o", "json"],
        )
        .await,
    );
    assert_golden(
        "revoke-all.txt",
        &stdout(
            &golden,
            &cli,
            &["sessions", "revoke-all", "--keep-current", "-y"],
        )
        .await,
    );
    // Only the current session is left: the phone was cleaned up (expired),
    // the odd one revoked, the CI one revoked by revoke-all.
    assert_golden(
        "list-after.txt",
        &stdout(&golden, &cli, &["sessions", "list"]).await,
    );
    assert_golden(
        "revoke-all.json",
        &stdout(
            &golden,
            &cli,
            &["sessions", "revoke-all", "--yes", "--output", "json"],
        )
        .await,
    );
    // That revoked the laptop's own session: its token no longer works.
    cli.run(&["sessions", "list"]).await.code(3);
    golden.sandbox.shutdown().await;
}

#[tokio::test]
async fn help_matches_its_golden_output() {
    let outcome = Cli::bare().run(&["--help"]).await;
    outcome.code(0);
    assert_golden("help.txt", &outcome.stdout);
    let outcome = Cli::bare().run(&["sessions", "extend", "--help"]).await;
    outcome.code(0);
    assert_golden("help-extend.txt", &outcome.stdout);
}
