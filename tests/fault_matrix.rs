//! The fault matrix: every fault the sandbox can script × one operation of each
//! kind × HTTP/1.1 and HTTP/2 over TLS. Each cell's expected outcome is written
//! in the table below: success after N attempts, or a named error after N
//! attempts, within a time bound, with the sandbox's request counter checked and
//! the client proven usable afterwards.

use std::time::{Duration, Instant, SystemTime};

use blackbox::core::{Jitter, TimeoutKind};
use blackbox::models::ExtendSessionRequest;
use blackbox::session_management as funcs;
use blackbox::{Blackbox, Error, RetryConfig};
use blackbox_sandbox::{Fault, Operation, Sandbox};
use uuid::Uuid;

/// One operation of each kind.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// GET with a JSON answer (`get_session`).
    Get,
    /// DELETE without a JSON answer (`revoke_session`).
    Delete,
    /// POST with a body and a JSON answer (`extend_session`), not idempotent.
    Post,
    /// POST without a body or JSON answer (`cleanup_expired_sessions`),
    /// idempotent in effect, so retried like a GET.
    PostNoBody,
}

const KINDS: [Kind; 4] = [Kind::Get, Kind::Delete, Kind::Post, Kind::PostNoBody];

impl Kind {
    fn operation(self) -> Operation {
        match self {
            Kind::Get => Operation::GetSession,
            Kind::Delete => Operation::RevokeSession,
            Kind::Post => Operation::ExtendSession,
            Kind::PostNoBody => Operation::CleanupExpiredSessions,
        }
    }

    async fn call(self, blackbox: &Blackbox, session: Uuid) -> Result<(), Error> {
        let core = blackbox.core();
        match self {
            Kind::Get => funcs::get_session(core, session, None).await.map(drop),
            Kind::Delete => funcs::revoke_session(core, session, None).await.map(drop),
            Kind::Post => funcs::extend_session(core, session, ExtendSessionRequest::new(1), None)
                .await
                .map(drop),
            Kind::PostNoBody => funcs::cleanup_expired_sessions(core, None).await.map(drop),
        }
    }
}

/// What a cell must end with.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Success after this many attempts.
    Ok(u64),
    /// An API error with this status after this many attempts.
    Api(u16, u64),
    /// `Error::Transport` (the connection failed mid-flight) after one attempt.
    Transport,
    /// `Error::Timeout` of the attempt after one attempt.
    AttemptTimeout,
    /// `Error::ResponseValidation` after one attempt.
    Invalid,
    /// `Error::BodyTooLarge` after one attempt.
    TooLarge,
}

use Expect::{Api, AttemptTimeout, Invalid, Ok, TooLarge, Transport};

const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(400);
const BODY_LIMIT: usize = 64 * 1024;
/// Timeouts and backoff of three attempts, a two-second Retry-After, and slack.
const CELL_BOUND: Duration = Duration::from_secs(6);

/// A fault's name, how to make it, and what each kind of operation must end with.
type Row = (&'static str, fn() -> Fault, [Expect; 4]);

/// One row per fault; the columns are GET, DELETE, POST, POST without body.
/// Why the less obvious cells are what they are:
/// - The non-idempotent POST (`extend_session`) is never re-sent once it may
///   have reached the server; the bodiless POST (`cleanup_expired_sessions`)
///   is idempotent in effect and retried like a GET.
/// - The mid-body faults come after the sandbox did the work, so the retried
///   DELETE finds its session already revoked: 404 on the second attempt.
/// - Operations without a JSON answer do not read the body's shape, so a 200
///   with invalid JSON or HTML is a success for them.
/// - A 2xx whose body is the API's envelope saying `"success": false` is an
///   API error with that 2xx status for every operation, never retried.
fn table() -> Vec<Row> {
    vec![
        (
            "408",
            || Fault::status(408),
            [Ok(2), Ok(2), Api(408, 1), Ok(2)],
        ),
        (
            "429",
            || Fault::status(429),
            [Ok(2), Ok(2), Api(429, 1), Ok(2)],
        ),
        (
            "429 Retry-After seconds",
            || Fault::status_retry_after(429, "1"),
            [Ok(2), Ok(2), Api(429, 1), Ok(2)],
        ),
        (
            "429 Retry-After date",
            retry_after_date,
            [Ok(2), Ok(2), Api(429, 1), Ok(2)],
        ),
        (
            "500",
            || Fault::status(500),
            [Ok(2), Ok(2), Api(500, 1), Ok(2)],
        ),
        (
            "502",
            || Fault::status(502),
            [Ok(2), Ok(2), Api(502, 1), Ok(2)],
        ),
        (
            "503",
            || Fault::status(503),
            [Ok(2), Ok(2), Api(503, 1), Ok(2)],
        ),
        (
            "504",
            || Fault::status(504),
            [Ok(2), Ok(2), Api(504, 1), Ok(2)],
        ),
        (
            "400",
            || Fault::status(400),
            [Api(400, 1), Api(400, 1), Api(400, 1), Api(400, 1)],
        ),
        (
            "401",
            || Fault::status(401),
            [Api(401, 1), Api(401, 1), Api(401, 1), Api(401, 1)],
        ),
        (
            "404",
            || Fault::status(404),
            [Api(404, 1), Api(404, 1), Api(404, 1), Api(404, 1)],
        ),
        (
            "413",
            || Fault::status(413),
            [Api(413, 1), Api(413, 1), Api(413, 1), Api(413, 1)],
        ),
        (
            "200 with success false",
            || {
                Fault::raw(
                    200,
                    "application/json",
                    r#"{"success":false,"message":"Session is locked","data":null}"#,
                )
            },
            [Api(200, 1), Api(200, 1), Api(200, 1), Api(200, 1)],
        ),
        (
            "reset before headers",
            || Fault::ResetBeforeHeaders,
            [Ok(2), Ok(2), Transport, Ok(2)],
        ),
        (
            "reset mid-body",
            || Fault::ResetMidBody,
            [Ok(2), Api(404, 2), Transport, Ok(2)],
        ),
        (
            "truncated body",
            || Fault::TruncatedBody,
            [Ok(2), Api(404, 2), Transport, Ok(2)],
        ),
        (
            "invalid JSON",
            || Fault::InvalidJson,
            [Invalid, Ok(1), Invalid, Ok(1)],
        ),
        (
            "wrong-shape JSON",
            || Fault::WrongShapeJson,
            [Invalid, Ok(1), Invalid, Ok(1)],
        ),
        (
            "wrong content type",
            || Fault::WrongContentType,
            [Invalid, Ok(1), Invalid, Ok(1)],
        ),
        (
            "oversized body",
            || Fault::OversizedBody(BODY_LIMIT * 4),
            [TooLarge, TooLarge, TooLarge, TooLarge],
        ),
        (
            "stall before headers",
            || Fault::DelayBeforeHeaders(Duration::from_secs(2)),
            [Ok(2), Ok(2), AttemptTimeout, Ok(2)],
        ),
        (
            "stall mid-body",
            || Fault::DelayMidBody(Duration::from_secs(2)),
            [Ok(2), Api(404, 2), AttemptTimeout, Ok(2)],
        ),
    ]
}

fn retry_after_date() -> Fault {
    // HTTP dates have one-second resolution: two seconds ahead waits 1–2 s.
    let at = SystemTime::now() + Duration::from_secs(2);
    Fault::status_retry_after(429, httpdate::fmt_http_date(at))
}

fn client(sandbox: &Sandbox, http1_only: bool) -> Blackbox {
    Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .tls_built_in_roots(false)
        .add_root_certificate_pem(sandbox.ca_pem().expect("TLS sandbox"))
        .attempt_timeout(Some(ATTEMPT_TIMEOUT))
        .max_body_size(BODY_LIMIT)
        .retry(
            RetryConfig::default()
                .with_initial_interval(Duration::from_millis(5))
                .with_max_interval(Duration::from_secs(3))
                .with_jitter(Jitter::None),
        )
        .http1_only(http1_only)
        .build()
        .expect("client builds")
}

fn check(expect: Expect, result: &Result<(), Error>, attempts: u64) -> Result<(), String> {
    let matches = match (expect, result) {
        (Ok(n), Result::Ok(())) => attempts == n,
        (Api(status, n), Err(error)) => {
            // A 2xx failure carries the envelope's message.
            matches!(error, Error::Api(api)
                if !api.status().is_success() || api.message() == Some("Session is locked"))
                && error.status().map(|s| s.as_u16()) == Some(status)
                && attempts == n
        }
        (Transport, Err(Error::Transport(_))) => attempts == 1,
        (AttemptTimeout, Err(Error::Timeout(timeout))) => {
            timeout.kind() == TimeoutKind::Attempt && attempts == 1
        }
        (Invalid, Err(Error::ResponseValidation(_))) => attempts == 1,
        (TooLarge, Err(Error::BodyTooLarge(_))) => attempts == 1,
        _ => false,
    };
    if matches {
        Result::Ok(())
    } else {
        Err(format!(
            "expected {expect:?}, got {result:?} after {attempts} attempts"
        ))
    }
}

async fn run_matrix(http1_only: bool) {
    let sandbox = Sandbox::builder()
        .tls(true)
        .start()
        .await
        .expect("sandbox starts");
    let blackbox = client(&sandbox, http1_only);
    let mut failures = Vec::new();
    for (name, fault, expectations) in table() {
        for (kind, expect) in KINDS.into_iter().zip(expectations) {
            let (session, _) = sandbox.add_session(Duration::from_secs(3600));
            let operation = kind.operation();
            let before = sandbox.request_count(operation);
            sandbox.faults().push(operation, fault());
            let started = Instant::now();
            let result = kind.call(&blackbox, session).await;
            let elapsed = started.elapsed();
            let attempts = sandbox.request_count(operation) - before;
            let cell = format!("{name} × {kind:?} (http1_only={http1_only})");
            if let Err(problem) = check(expect, &result, attempts) {
                failures.push(format!("{cell}: {problem}"));
            }
            if elapsed > CELL_BOUND {
                failures.push(format!("{cell}: took {elapsed:?}"));
            }
            if name.starts_with("429 Retry-After")
                && matches!(expect, Ok(_))
                && elapsed < Duration::from_millis(900)
            {
                failures.push(format!("{cell}: Retry-After not honoured ({elapsed:?})"));
            }
            if let Err(error) = result
                && error.is_retryable()
                && !error.request_may_have_reached_server()
            {
                failures.push(format!("{cell}: a never-sent failure was not retried"));
            }
            assert_eq!(
                sandbox.faults().pending(operation),
                0,
                "{cell}: fault consumed"
            );
            // The next call on the same client must work.
            let (fresh, _) = sandbox.add_session(Duration::from_secs(3600));
            if let Err(error) = Kind::Get.call(&blackbox, fresh).await {
                failures.push(format!("{cell}: client unusable afterwards: {error:?}"));
            }
        }
    }
    sandbox.shutdown().await;
    assert!(
        failures.is_empty(),
        "{} failing cells:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn fault_matrix_http1_over_tls() {
    run_matrix(true).await;
}

#[tokio::test]
async fn fault_matrix_http2_over_tls() {
    run_matrix(false).await;
}

#[tokio::test]
async fn connection_refused_is_retried_for_every_kind_then_reported() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = probe.local_addr().unwrap();
    drop(probe);
    let blackbox = Blackbox::builder()
        .server_url(format!("http://{address}"))
        .token("token")
        .retry(
            RetryConfig::default()
                .with_initial_interval(Duration::from_millis(5))
                .with_jitter(Jitter::None),
        )
        .build()
        .unwrap();
    for kind in KINDS {
        let started = Instant::now();
        let error = kind.call(&blackbox, Uuid::new_v4()).await.unwrap_err();
        assert!(matches!(error, Error::Connect(_)), "{kind:?}: {error:?}");
        assert!(!error.request_may_have_reached_server());
        assert!(started.elapsed() < CELL_BOUND);
    }
}

#[tokio::test]
async fn tls_failures_are_typed_never_retried_and_never_reach_the_server() {
    let cases: [(&str, blackbox_sandbox::SandboxBuilder, bool); 3] = [
        ("untrusted CA", Sandbox::builder(), false),
        (
            "wrong host name",
            Sandbox::builder().tls_server_names(vec!["wrong.example".into()]),
            true,
        ),
        (
            "expired certificate",
            Sandbox::builder().tls_expired_certificate(true),
            true,
        ),
    ];
    for (name, builder, trust_ca) in cases {
        let sandbox = builder.tls(true).start().await.unwrap();
        for http1_only in [true, false] {
            let mut builder = Blackbox::builder()
                .server_url(sandbox.base_url())
                .token(sandbox.demo_token());
            if trust_ca {
                builder = builder
                    .tls_built_in_roots(false)
                    .add_root_certificate_pem(sandbox.ca_pem().unwrap());
            }
            let blackbox = builder.http1_only(http1_only).build().unwrap();
            for kind in KINDS {
                let error = kind.call(&blackbox, Uuid::new_v4()).await.unwrap_err();
                assert!(matches!(error, Error::Tls(_)), "{name} {kind:?}: {error:?}");
                assert!(!error.is_retryable(), "{name}");
            }
        }
        assert_eq!(
            sandbox.total_requests(),
            0,
            "{name}: nothing reached the server"
        );
        sandbox.shutdown().await;
    }
}
