//! Confirmation on a terminal (through `script`, which gives the tool a
//! pseudo-terminal), colours, the debug log, completions and help.

use blackbox_sandbox::{Operation, Sandbox};

use crate::support::{BIN, Cli};

/// `script` runs `command` on a pseudo-terminal, forwards our standard input
/// to it and exits with the command's code.
const SCRIPT: &str = "/usr/bin/script";

#[tokio::test]
async fn destructive_commands_ask_on_a_terminal() {
    assert!(
        std::path::Path::new(SCRIPT).exists(),
        "{SCRIPT} (util-linux) runs the tool on a pseudo-terminal"
    );
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let id = sandbox.demo_session_id();
    let other = sandbox
        .session_ids()
        .into_iter()
        .find(|session| *session != id && *session != sandbox.other_user_session_id())
        .expect("the demo user has more sessions");
    let command = format!("{BIN} sessions revoke {other}");
    let cli = Cli::for_sandbox(&sandbox);

    for answer in ["n\n", "\n", "nope\n", ""] {
        let declined = cli
            .clone()
            .stdin(answer.as_bytes())
            .run_program(SCRIPT, &["-qec", &command, "/dev/null"])
            .await;
        declined.code(1);
        assert!(
            declined
                .stdout
                .contains(&format!("Revoke session {other}? [y/N]")),
            "{declined:#?}"
        );
        assert!(
            declined
                .stdout
                .contains("error: cancelled: nothing was changed"),
            "{declined:#?}"
        );
    }
    assert_eq!(sandbox.request_count(Operation::RevokeSession), 0);

    let confirmed = cli
        .clone()
        .stdin(b"YES\n")
        .run_program(SCRIPT, &["-qec", &command, "/dev/null"])
        .await;
    confirmed.code(0);
    assert!(
        confirmed
            .stdout
            .contains(&format!("Revoked session {other}.")),
        "{confirmed:#?}"
    );
    assert_eq!(sandbox.request_count(Operation::RevokeSession), 1);
    assert!(!sandbox.session_ids().contains(&other));

    // On a terminal the table is coloured, unless NO_COLOR is set.
    let list = format!("{BIN} sessions list");
    let coloured = cli.run_program(SCRIPT, &["-qec", &list, "/dev/null"]).await;
    coloured.code(0);
    assert!(
        coloured.stdout.contains("\x1b[1;32m*\x1b[0m"),
        "{coloured:#?}"
    );
    let plain = cli
        .clone()
        .env("NO_COLOR", "1")
        .run_program(SCRIPT, &["-qec", &list, "/dev/null"])
        .await;
    plain.code(0);
    assert!(!plain.stdout.contains('\x1b'), "{plain:#?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn colours_follow_the_option_and_no_color() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);
    // Not a terminal: no colours by default.
    let piped = cli.run(&["sessions", "list"]).await;
    piped.code(0);
    assert!(!piped.stdout.contains('\x1b'), "{piped:#?}");
    let always = cli.run(&["sessions", "list", "--color", "always"]).await;
    always.code(0);
    assert!(always.stdout.contains("\x1b[1mID\x1b[0m"), "{always:#?}");
    let no_color = cli
        .clone()
        .env("NO_COLOR", "1")
        .run(&["sessions", "list", "--color", "always"])
        .await;
    no_color.code(0);
    assert!(!no_color.stdout.contains('\x1b'), "{no_color:#?}");
    assert_eq!(no_color.stdout, piped.stdout);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn debug_logs_each_exchange_without_the_token() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let cli = Cli::for_sandbox(&sandbox);
    for outcome in [
        cli.run(&["--debug", "sessions", "stats"]).await,
        cli.clone()
            .env("BLACKBOX_DEBUG", "1")
            .run(&["sessions", "stats"])
            .await,
    ] {
        outcome.code(0);
        assert!(
            outcome
                .stderr
                .contains("get_session_stats attempt 1: GET http://127.0.0.1:"),
            "{outcome:#?}"
        );
        assert!(outcome.stderr.contains("200 OK"), "{outcome:#?}");
        assert!(
            !outcome.stderr.contains(sandbox.demo_token()),
            "{outcome:#?}"
        );
    }
    let quiet = cli.run(&["sessions", "stats"]).await;
    assert_eq!(quiet.stderr, "", "no log without --debug");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bash_completion_completes_commands_and_values() {
    let script = Cli::bare().run(&["completions", "bash"]).await;
    script.code(0);
    let complete = |words: &str| {
        let script = script.stdout.clone();
        let words = words.to_owned();
        async move {
            let program = format!(
                "{script}\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
                 _blackbox; echo \"${{COMPREPLY[*]}}\""
            );
            let outcome = Cli::bare()
                .env("PATH", "/usr/bin:/bin")
                .run_program("bash", &["--norc", "--noprofile", "-c", &program])
                .await;
            outcome.code(0);
            outcome.stdout.trim_end().to_owned()
        }
    };
    assert_eq!(complete("blackbox ''").await, "sessions completions help");
    assert_eq!(complete("blackbox sessions re").await, "revoke revoke-all");
    assert_eq!(complete("blackbox --server st").await, "staging");
    assert_eq!(
        complete("blackbox -o json sessions extend ID --ho").await,
        "--hours"
    );
    assert_eq!(complete("blackbox completions ''").await, "bash zsh fish");
}

#[tokio::test]
async fn zsh_and_fish_completions_name_every_command_and_option() {
    for shell in ["zsh", "fish"] {
        let outcome = Cli::bare().run(&["completions", shell]).await;
        outcome.code(0);
        for word in [
            "sessions",
            "list",
            "get",
            "stats",
            "extend",
            "revoke-all",
            "cleanup",
            "server-url",
            "token-file",
            "ca-file",
            "timeout",
            "retries",
            "debug",
            "output",
            "show-tokens",
            "color",
            "yes",
            "hours",
            "keep-current",
            "production staging local",
        ] {
            assert!(outcome.stdout.contains(word), "{shell}: {word}");
        }
    }
}

#[tokio::test]
async fn help_and_version() {
    let help = Cli::bare().run(&["--help"]).await;
    help.code(0);
    for text in ["Examples:", "Exit codes:", "--token-file", "BLACKBOX_NOW"] {
        assert!(help.stdout.contains(text), "{text}");
    }
    assert!(
        !help.stdout.contains("--token "),
        "no option takes the token itself"
    );
    for command in [
        "list",
        "get",
        "stats",
        "extend",
        "revoke",
        "revoke-all",
        "cleanup",
    ] {
        let outcome = Cli::bare().run(&["sessions", command, "--help"]).await;
        outcome.code(0);
        assert!(
            outcome
                .stdout
                .starts_with(&format!("blackbox sessions {command}:")),
            "{outcome:#?}"
        );
        assert!(outcome.stdout.contains("Example"), "{outcome:#?}");
        let same = Cli::bare().run(&["help", "sessions", command]).await;
        assert_eq!(same.stdout, outcome.stdout);
    }
    let version = Cli::bare().run(&["--version"]).await;
    version.code(0);
    assert_eq!(
        version.stdout,
        format!("blackbox {}\n", env!("CARGO_PKG_VERSION"))
    );
}
