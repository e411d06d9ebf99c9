//! Running the built `blackbox` binary, temporary files, golden files and the
//! deterministic sandbox of the golden tests.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use blackbox::uuid::Uuid;
use blackbox_sandbox::{Sandbox, SeededSession, SessionSeed};
use tokio::io::AsyncWriteExt;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_blackbox");

/// The longest one run of the binary may take; a test fails past it (and
/// the child is killed when its handle is dropped).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// What a run of the binary gave.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The exit code.
    pub(crate) code: i32,
    /// Standard output.
    pub(crate) stdout: String,
    /// Standard error.
    pub(crate) stderr: String,
}

impl Outcome {
    /// Asserts the exit code, showing the whole outcome when it differs.
    #[track_caller]
    pub(crate) fn code(&self, expected: i32) -> &Self {
        assert_eq!(self.code, expected, "unexpected exit code: {self:#?}");
        self
    }

    /// Asserts a failure as the tool promises it: nothing on standard
    /// output, and one line `error: ...` on standard error, no panic.
    #[track_caller]
    pub(crate) fn one_error_line(&self) -> &str {
        assert!(self.stdout.is_empty(), "{self:#?}");
        assert!(
            self.stderr.starts_with("error: ") && self.stderr.ends_with('\n'),
            "{self:#?}"
        );
        assert_eq!(self.stderr.lines().count(), 1, "{self:#?}");
        for word in ["panicked", "backtrace", "RUST_BACKTRACE"] {
            assert!(!self.stderr.contains(word), "{self:#?}");
        }
        self.stderr.trim_end()
    }
}

/// A command line to run: environment and standard input. The environment
/// starts empty, so that the machine's variables do not change the outcome.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cli {
    env: Vec<(String, String)>,
    stdin: Option<Vec<u8>>,
}

impl Cli {
    /// No environment at all.
    pub(crate) fn bare() -> Self {
        Self::default()
    }

    /// The sandbox's URL and demo token in the environment.
    pub(crate) fn for_sandbox(sandbox: &Sandbox) -> Self {
        Self::bare()
            .env("BLACKBOX_SERVER_URL", sandbox.base_url())
            .env("BLACKBOX_BLACKBOX_AUTH_TOKEN", sandbox.demo_token())
    }

    /// Sets an environment variable.
    pub(crate) fn env(mut self, name: &str, value: &str) -> Self {
        self.env.retain(|(existing, _)| existing != name);
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Removes an environment variable.
    pub(crate) fn without(mut self, name: &str) -> Self {
        self.env.retain(|(existing, _)| existing != name);
        self
    }

    /// Feeds these bytes on standard input (else it is empty: /dev/null).
    pub(crate) fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// Runs the binary with `args`.
    pub(crate) async fn run(&self, args: &[&str]) -> Outcome {
        self.run_program(BIN, args).await
    }

    /// Runs `program` (the binary, or a wrapper such as `script`) with this
    /// environment and standard input.
    pub(crate) async fn run_program(&self, program: &str, args: &[&str]) -> Outcome {
        let mut command = tokio::process::Command::new(program);
        command
            .args(args)
            .env_clear()
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the binary starts");
        if let Some(bytes) = &self.stdin {
            let mut stdin = child.stdin.take().expect("piped stdin");
            // The child may exit without reading it all.
            let _ = stdin.write_all(bytes).await;
            drop(stdin);
        }
        let output = tokio::time::timeout(TIME_LIMIT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("{program} {args:?} ran for more than {TIME_LIMIT:?}"))
            .expect("the binary's output");
        Outcome {
            code: output
                .status
                .code()
                .unwrap_or_else(|| panic!("{args:?} ended by a signal: {:?}", output.status)),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
        }
    }
}

/// A file in the temporary directory, removed when dropped.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// A new file holding `contents`.
    pub(crate) fn new(name: &str, contents: impl AsRef<[u8]>) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "blackbox-cli-test-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, contents).expect("write a temporary file");
        Self { path }
    }

    /// Its path, as text for the command line.
    pub(crate) fn path(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A port of 127.0.0.1 where nothing listens (bound, then released).
pub(crate) fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

/// Compares `actual` with `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites the file.
#[track_caller]
pub(crate) fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error} (UPDATE_GOLDEN=1 cargo test -p blackbox-cli writes it)",
            path.display()
        )
    });
    assert!(
        actual == expected,
        "output differs from {} (UPDATE_GOLDEN=1 cargo test -p blackbox-cli rewrites it)\n\
         --- expected\n{expected}--- actual\n{actual}",
        path.display()
    );
}

/// The sandbox's "now" in the golden tests, and `BLACKBOX_NOW` for the tool.
pub(crate) const GOLDEN_NOW: &str = "2099-01-01T12:00:00Z";
/// [`GOLDEN_NOW`] in seconds since the Unix epoch.
const GOLDEN_NOW_UNIX: u64 = 4_070_952_000;

/// The user of the golden sessions.
pub(crate) const GOLDEN_USER: Uuid = Uuid::from_u128(0xa11ce000_0000_4000_8000_000000000001);

/// Seconds in a minute, an hour and a day.
const MINUTE: u64 = 60;
const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;

/// A sandbox whose clock reads [`GOLDEN_NOW`] and four sessions of
/// [`GOLDEN_USER`] seeded at exactly that second, so that every timestamp of
/// the answers is the same on every run.
#[derive(Debug)]
pub(crate) struct Golden {
    /// The sandbox.
    pub(crate) sandbox: Sandbox,
    /// Sessions in the order the API lists them (by `created_at`): an
    /// expired phone, the current laptop, a CI job, and one whose user agent
    /// holds terminal escape sequences.
    pub(crate) sessions: [SeededSession; 4],
}

impl Golden {
    /// Starts and seeds it.
    pub(crate) async fn start() -> Self {
        for _ in 0..5 {
            let sandbox = Sandbox::start().await.expect("start the sandbox");
            let real = unix_now();
            let offset = GOLDEN_NOW_UNIX
                .checked_sub(real)
                .expect("the golden time is in the future");
            sandbox.clock().set_offset(Duration::from_secs(offset));
            let seed = |seed: SessionSeed| {
                sandbox
                    .seed_session(seed.user(GOLDEN_USER))
                    .expect("seed a session")
            };
            let sessions = [
                seed(SessionSeed::new()
                    .token("bbx_golden_phone")
                    .created_ago(Duration::from_secs(9 * DAY))
                    .expired_for(Duration::from_secs(2 * DAY))
                    .ip_address("2001:db8::42")
                    .user_agent("BlackboxMobile/3.1 (iPhone; iOS 18.1)")),
                seed(SessionSeed::new()
                    .token("bbx_golden_laptop")
                    .created_ago(Duration::from_secs(2 * HOUR))
                    .expires_in(Duration::from_secs(3 * HOUR + 12 * MINUTE))
                    .ip_address("203.0.113.7")
                    .user_agent(
                        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                    )),
                seed(SessionSeed::new()
                    .token("bbx_golden_ci")
                    .created_ago(Duration::from_secs(30 * MINUTE))
                    .expires_in(Duration::from_secs(6 * DAY + 23 * HOUR))
                    .ip_address("198.51.100.20")
                    .user_agent("curl/8.5.0")),
                seed(SessionSeed::new()
                    .token("bbx_golden_odd")
                    .created_ago(Duration::from_secs(45))
                    .expires_in(Duration::from_secs(5 * MINUTE + 59))
                    .ip_address("192.0.2.1")
                    .user_agent("odd\u{1b}[2J\u{202e}agent")),
            ];
            // Seeded within the second the clock was set in: every timestamp
            // is exactly GOLDEN_NOW plus or minus the durations above.
            if unix_now() == real {
                return Self { sandbox, sessions };
            }
            sandbox.shutdown().await;
        }
        panic!("could not seed the golden sessions within one second, five times");
    }

    /// The tool, with the laptop's token (the current session), the
    /// sandbox's URL and `BLACKBOX_NOW`.
    pub(crate) fn cli(&self) -> Cli {
        Cli::bare()
            .env("BLACKBOX_SERVER_URL", self.sandbox.base_url())
            .env("BLACKBOX_BLACKBOX_AUTH_TOKEN", &self.sessions[1].token)
            .env("BLACKBOX_NOW", GOLDEN_NOW)
    }

    /// `text` with the random session ids replaced by fixed ones of the same
    /// length (`00000000-0000-4000-8000-00000000000N`, N from 1).
    pub(crate) fn anonymize(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (index, session) in self.sessions.iter().enumerate() {
            text = text.replace(
                &session.id.to_string(),
                &format!("00000000-0000-4000-8000-{:012}", index + 1),
            );
        }
        text
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}
