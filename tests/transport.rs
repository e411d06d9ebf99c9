//! `BlackboxCore` over real loopback sockets: the exact bytes on the wire,
//! retries, timeouts, limits, TLS, cancellation and the cleartext guard.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blackbox_core::http::Method;
use blackbox_core::{
    BlackboxCore, BoxError, BoxFuture, Error, HookContext, Hooks, Jitter, OperationRequest,
    RawResponse, RequestOptions, RetryConfig, SecretString, Server, Sleeper, TimeoutKind,
    TokenSource,
};
use blackbox_rs::{RawServer, Reply};
use blackbox_sandbox::Sandbox;

const OK_JSON: &str = r#"{"success":true,"message":null,"data":{"total_sessions":3,"active_sessions":2,"expired_sessions":1}}"#;

fn stats_request() -> OperationRequest {
    OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats")
}

fn extend_request() -> OperationRequest {
    OperationRequest::new(
        "extend_session",
        Method::POST,
        "/api/v0/sessions/5f0c7c2e-8a4b-4a53-9b5e-0d6f7c1f2a3b/extend",
    )
    .json_body(&serde_json::json!({"extension_hours": 24}))
    .expect("encodes")
}

/// Fast, deterministic retries: no waiting worth speaking of.
fn quick_retries() -> RetryConfig {
    RetryConfig::default()
        .with_initial_interval(Duration::from_millis(5))
        .with_jitter(Jitter::None)
}

fn core_for(url: &str) -> BlackboxCore {
    BlackboxCore::builder()
        .server_url(url)
        .token("test-token")
        .retry(quick_retries())
        .build()
        .expect("client builds")
}

fn ok() -> Reply {
    Reply::json(200, OK_JSON)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn get_sends_exactly_the_expected_bytes() {
    let server = RawServer::start([], ok()).await.unwrap();
    let core = core_for(&server.url());
    let response = core.execute(stats_request(), None).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), OK_JSON.as_bytes());

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let expected = format!(
        "GET /api/v0/sessions/stats HTTP/1.1\r\n\
         accept: application/json\r\n\
         user-agent: blackbox-rs/{}\r\n\
         authorization: Bearer test-token\r\n\
         host: {}\r\n\r\n",
        env!("CARGO_PKG_VERSION"),
        server.address()
    );
    assert_eq!(text(&requests[0]), expected);
}

#[tokio::test]
async fn post_with_body_sends_content_type_length_and_compact_json() {
    let server = RawServer::start([], ok()).await.unwrap();
    let core = BlackboxCore::builder()
        .server_url(format!("{}/prefix/", server.url()))
        .token("test-token")
        .user_agent_suffix("my-app/1.2")
        .default_header("x-tenant", "acme")
        .build()
        .unwrap();
    let options = RequestOptions::new()
        .header("x-request-id", "42")
        .header("x-tenant", "other");
    core.execute(extend_request(), Some(options)).await.unwrap();
    let request = text(&server.requests()[0]);
    let expected = format!(
        "POST /prefix/api/v0/sessions/5f0c7c2e-8a4b-4a53-9b5e-0d6f7c1f2a3b/extend HTTP/1.1\r\n\
         accept: application/json\r\n\
         user-agent: blackbox-rs/{} my-app/1.2\r\n\
         authorization: Bearer test-token\r\n\
         x-tenant: other\r\n\
         content-type: application/json\r\n\
         x-request-id: 42\r\n\
         host: {}\r\n\
         content-length: 22\r\n\r\n\
         {{\"extension_hours\":24}}",
        env!("CARGO_PKG_VERSION"),
        server.address()
    );
    assert_eq!(request, expected);
}

#[tokio::test]
async fn no_token_means_no_authorization_and_the_401_comes_back_typed() {
    let server = RawServer::start(
        [],
        Reply::json(
            401,
            r#"{"success":false,"message":"Missing bearer token","data":null}"#,
        ),
    )
    .await
    .unwrap();
    let core = BlackboxCore::builder()
        .server_url(server.url())
        .build()
        .unwrap();
    let error = core
        .execute(stats_request().expects_json(false), None)
        .await
        .unwrap_err();
    let request = text(&server.requests()[0]);
    assert!(
        !request.to_ascii_lowercase().contains("authorization"),
        "{request}"
    );
    assert!(request.contains("accept: */*\r\n"), "{request}");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.message(), Some("Missing bearer token"));
    assert_eq!(api.headers()["content-type"], "application/json");
    assert!(!error.is_retryable());
    assert_eq!(server.request_count(), 1, "401 is not retried");
}

#[tokio::test]
async fn get_is_retried_through_two_503s() {
    let server = RawServer::start([Reply::json(503, "{}"), Reply::json(503, "{}")], ok())
        .await
        .unwrap();
    let core = core_for(&server.url());
    let response = core.execute(stats_request(), None).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn retries_stop_after_max_attempts_with_the_last_answer() {
    let server = RawServer::start([], Reply::json(502, "{}")).await.unwrap();
    let core = core_for(&server.url());
    let error = core.execute(stats_request(), None).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(502));
    assert_eq!(server.request_count(), 3);

    let disabled = RequestOptions::new().retry(RetryConfig::disabled());
    core.execute(stats_request(), Some(disabled))
        .await
        .unwrap_err();
    assert_eq!(
        server.request_count(),
        4,
        "retries off per call: one more attempt only"
    );
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let server = RawServer::start([Reply::json(503, "{}")], ok())
        .await
        .unwrap();
    let core = core_for(&server.url());
    let error = core.execute(extend_request(), None).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    assert!(error.request_may_have_reached_server());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn post_is_retried_on_503_when_the_call_opts_in() {
    let server = RawServer::start([Reply::json(503, "{}")], ok())
        .await
        .unwrap();
    let core = core_for(&server.url());
    let options = RequestOptions::new().retry(quick_retries().with_retry_non_idempotent(true));
    core.execute(extend_request(), Some(options)).await.unwrap();
    assert_eq!(server.request_count(), 2);
}

/// Starts the server on the refused port while the client backs off, so the
/// retry finds it listening.
#[derive(Debug)]
struct StartServerDuringBackoff {
    address: std::net::SocketAddr,
    server: Arc<Mutex<Option<RawServer>>>,
    delays: Arc<Mutex<Vec<Duration>>>,
}

impl Sleeper for StartServerDuringBackoff {
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        let address = self.address;
        let server = Arc::clone(&self.server);
        self.delays.lock().unwrap().push(delay);
        Box::pin(async move {
            let mut slot = server.lock().unwrap().take();
            if slot.is_none() {
                slot = Some(
                    RawServer::start_at(address, [], ok())
                        .await
                        .expect("port is free again"),
                );
            }
            *server.lock().unwrap() = slot;
        })
    }
}

#[tokio::test]
async fn post_is_retried_after_a_refused_connection() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = probe.local_addr().unwrap();
    drop(probe);
    let server = Arc::new(Mutex::new(None));
    let delays = Arc::new(Mutex::new(Vec::new()));
    let core = BlackboxCore::builder()
        .server_url(format!("http://{address}"))
        .token("test-token")
        .retry(quick_retries())
        .sleeper(StartServerDuringBackoff {
            address,
            server: Arc::clone(&server),
            delays: Arc::clone(&delays),
        })
        .build()
        .unwrap();
    let response = core.execute(extend_request(), None).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        *delays.lock().unwrap(),
        vec![Duration::from_millis(5)],
        "exactly one backoff"
    );
    let requests = server
        .lock()
        .unwrap()
        .as_ref()
        .map(RawServer::request_count);
    assert_eq!(requests, Some(1), "the POST reached the server once");
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = probe.local_addr().unwrap();
    drop(probe);
    let core = core_for(&format!("http://{address}"));
    let error = core.execute(stats_request(), None).await.unwrap_err();
    assert!(matches!(error, Error::Connect(_)), "{error:?}");
    assert!(!error.request_may_have_reached_server());
    assert!(
        std::error::Error::source(&error).is_some(),
        "the cause is kept"
    );
}

#[tokio::test]
async fn retry_after_one_second_delays_the_retry() {
    let server = RawServer::start(
        [Reply::with_headers(429, &[("retry-after", "1")], "{}")],
        ok(),
    )
    .await
    .unwrap();
    let core = core_for(&server.url());
    let started = Instant::now();
    core.execute(stats_request(), None).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_fails_with_the_wait_on_the_error() {
    let server = RawServer::start(
        [],
        Reply::with_headers(429, &[("retry-after", "120")], "{}"),
    )
    .await
    .unwrap();
    let core = BlackboxCore::builder()
        .server_url(server.url())
        .retry(quick_retries().with_max_interval(Duration::from_secs(30)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = core.execute(stats_request(), None).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn attempt_timeout_fires_against_a_silent_server() {
    let server = RawServer::start([], Reply::Hang).await.unwrap();
    let core = BlackboxCore::builder()
        .server_url(server.url())
        .attempt_timeout(Some(Duration::from_millis(200)))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let error = core.execute(stats_request(), None).await.unwrap_err();
    match &error {
        Error::Timeout(timeout) => {
            assert_eq!(timeout.kind(), TimeoutKind::Attempt);
            assert_eq!(timeout.limit(), Some(Duration::from_millis(200)));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(error.is_timeout());
    assert_eq!(error.to_string(), "attempt timeout of 200ms elapsed");
}

#[tokio::test]
async fn operation_timeout_bounds_all_attempts() {
    let server = RawServer::start([], Reply::Hang).await.unwrap();
    let core = core_for(&server.url());
    let options = RequestOptions::new()
        .attempt_timeout(Some(Duration::from_millis(150)))
        .operation_timeout(Some(Duration::from_millis(400)));
    let started = Instant::now();
    let error = core
        .execute(stats_request(), Some(options))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Timeout(timeout) if timeout.kind() == TimeoutKind::Operation),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(
        server.request_count(),
        3,
        "two attempt timeouts, then the operation's"
    );
}

#[tokio::test]
async fn oversized_bodies_fail_with_the_cap_error() {
    let big = "x".repeat(3000);
    let chunked = format!(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{big}\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        big.len(),
        big.len()
    );
    let declared = "x".repeat(6000);
    let server = RawServer::start(
        [
            Reply::json(200, &declared),
            Reply::Raw(chunked.into_bytes()),
        ],
        ok(),
    )
    .await
    .unwrap();
    let core = BlackboxCore::builder()
        .server_url(server.url())
        .max_body_size(5000)
        .build()
        .unwrap();
    for _ in 0..2 {
        let error = core.execute(stats_request(), None).await.unwrap_err();
        match &error {
            Error::BodyTooLarge(too_large) => assert_eq!(too_large.limit(), 5000),
            other => panic!("expected BodyTooLarge, got {other:?}"),
        }
        assert!(!error.is_retryable());
    }
    core.execute(stats_request(), None)
        .await
        .expect("a small body after the big ones");
}

#[tokio::test]
async fn a_dropped_call_leaves_the_client_usable() {
    let server = RawServer::start([Reply::Hang], ok()).await.unwrap();
    let core = core_for(&server.url());
    let dropped = tokio::time::timeout(
        Duration::from_millis(100),
        core.execute(stats_request(), None),
    )
    .await;
    assert!(dropped.is_err(), "the first call hangs and is dropped");
    let response = core.execute(stats_request(), None).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn connections_are_reused() {
    let server = RawServer::start([], ok()).await.unwrap();
    let core = core_for(&server.url());
    for _ in 0..5 {
        core.execute(stats_request(), None).await.unwrap();
    }
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test]
async fn cleartext_guard_refuses_non_loopback_http() {
    let error = BlackboxCore::builder()
        .server_url("http://api.example.com")
        .token("secret-token")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("plain HTTP"), "{error}");

    // Without a token there is nothing to protect, and the opt-in allows it.
    BlackboxCore::builder()
        .server_url("http://api.example.com")
        .build()
        .unwrap();
    BlackboxCore::builder()
        .server_url("http://api.example.com")
        .token("secret-token")
        .allow_insecure_http(true)
        .build()
        .unwrap();

    // A per-call override is checked the same way, before anything is sent.
    let server = RawServer::start([], ok()).await.unwrap();
    let core = core_for(&server.url());
    let options = RequestOptions::new().server_url("http://10.1.2.3:8080");
    let error = core
        .execute(stats_request(), Some(options))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn unusable_configuration_is_a_typed_error_not_a_panic() {
    for url in ["", "not a url", "ftp://h", "https://h/?q=1", "https://h/#f"] {
        let error = BlackboxCore::builder().server_url(url).build().unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{url}: {error:?}"
        );
    }
    // Servers are named (no index to get out of range): an unknown name is a
    // typed error, and every named server builds.
    let error = Error::from("sandbox".parse::<Server>().unwrap_err());
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("unknown server"), "{error}");
    for server in Server::ALL {
        assert_eq!(server.name().parse::<Server>().unwrap(), server);
        BlackboxCore::builder().server(server).build().unwrap();
    }
    let error = BlackboxCore::builder()
        .default_header("x-bad", "a\nb")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
    let error = BlackboxCore::builder()
        .add_root_certificate_pem("not pem")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));

    let server = RawServer::start([], ok()).await.unwrap();
    let core = core_for(&server.url());
    let options = RequestOptions::new().header("x-bad", "line\r\nbreak");
    let error = core
        .execute(stats_request(), Some(options))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
    let options = RequestOptions::new().server_url("https://h/?x=1");
    let error = core
        .execute(stats_request(), Some(options))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
    assert_eq!(server.request_count(), 0, "nothing was sent");
}

#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

#[derive(Debug)]
struct RecordingHooks(Arc<Recorder>);

impl Hooks for RecordingHooks {
    fn before_request(
        &self,
        context: &HookContext<'_>,
        request: &mut blackbox_core::http::Request<bytes::Bytes>,
    ) -> Result<(), BoxError> {
        self.0.seen.lock().unwrap().push(format!(
            "before {} {}",
            context.operation_id(),
            context.attempt()
        ));
        request
            .headers_mut()
            .insert("x-attempt", context.attempt().into());
        Ok(())
    }

    fn after_response(&self, context: &HookContext<'_>, response: &RawResponse) {
        self.0.seen.lock().unwrap().push(format!(
            "response {} {}",
            context.attempt(),
            response.status().as_u16()
        ));
    }

    fn after_error(&self, context: &HookContext<'_>, error: &Error) {
        self.0.seen.lock().unwrap().push(format!(
            "error {} {:?}",
            context.attempt(),
            error.status().map(|s| s.as_u16())
        ));
    }
}

#[tokio::test]
async fn hooks_see_every_attempt_and_may_modify_the_request() {
    let server = RawServer::start([Reply::json(500, "{}")], ok())
        .await
        .unwrap();
    let recorder = Arc::new(Recorder::default());
    let core = BlackboxCore::builder()
        .server_url(server.url())
        .retry(quick_retries())
        .hook(RecordingHooks(Arc::clone(&recorder)))
        .build()
        .unwrap();
    core.execute(stats_request(), None).await.unwrap();
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        vec![
            "before get_session_stats 1",
            "response 1 500",
            "error 1 Some(500)",
            "before get_session_stats 2",
            "response 2 200",
        ]
    );
    let requests = server.requests();
    assert!(text(&requests[0]).contains("x-attempt: 1\r\n"));
    assert!(text(&requests[1]).contains("x-attempt: 2\r\n"));
}

#[derive(Debug)]
struct RefusingHook;

impl Hooks for RefusingHook {
    fn before_request(
        &self,
        _: &HookContext<'_>,
        _: &mut blackbox_core::http::Request<bytes::Bytes>,
    ) -> Result<(), BoxError> {
        Err("not today".into())
    }
}

#[tokio::test]
async fn a_refusing_hook_stops_the_call_before_sending() {
    let server = RawServer::start([], ok()).await.unwrap();
    let core = BlackboxCore::builder()
        .server_url(server.url())
        .hook(RefusingHook)
        .build()
        .unwrap();
    let error = core.execute(stats_request(), None).await.unwrap_err();
    assert!(matches!(error, Error::Hook(_)), "{error:?}");
    assert_eq!(server.request_count(), 0);
}

#[derive(Debug, Default, Clone)]
struct RotatingTokens {
    calls: Arc<AtomicU32>,
}

impl TokenSource for RotatingTokens {
    fn token(&self) -> BoxFuture<'_, Result<Option<SecretString>, BoxError>> {
        Box::pin(async move {
            let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Some(SecretString::from(format!("token-{call}"))))
        })
    }
}

#[tokio::test]
async fn the_token_source_is_asked_once_per_attempt() {
    let server = RawServer::start([Reply::json(503, "{}")], ok())
        .await
        .unwrap();
    let source = RotatingTokens::default();
    let core = BlackboxCore::builder()
        .server_url(server.url())
        .retry(quick_retries())
        .token_source(source.clone())
        .build()
        .unwrap();
    core.execute(stats_request(), None).await.unwrap();
    assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    let requests = server.requests();
    assert!(text(&requests[0]).contains("authorization: Bearer token-1\r\n"));
    assert!(text(&requests[1]).contains("authorization: Bearer token-2\r\n"));
}

async fn tls_sandbox(builder: blackbox_sandbox::SandboxBuilder) -> Sandbox {
    builder.tls(true).start().await.expect("sandbox starts")
}

fn tls_core(sandbox: &Sandbox, trust_ca: bool) -> Result<BlackboxCore, Error> {
    let mut builder = BlackboxCore::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .retry(RetryConfig::disabled());
    if trust_ca {
        builder = builder
            .tls_built_in_roots(false)
            .add_root_certificate_pem(sandbox.ca_pem().expect("TLS sandbox has a CA"));
    }
    builder.build()
}

#[tokio::test]
async fn tls_succeeds_when_the_test_ca_is_trusted() {
    let sandbox = tls_sandbox(Sandbox::builder()).await;
    assert!(sandbox.base_url().starts_with("https://"));
    let core = tls_core(&sandbox, true).unwrap();
    let response = core.execute(stats_request(), None).await.unwrap();
    let stats = response.into_api_response::<serde_json::Value>().unwrap();
    assert!(stats.success);
    assert_eq!(stats.meta().status(), 200);
    assert!(stats.into_data().unwrap()["total_sessions"].is_u64());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tls_fails_with_the_tls_error_for_an_unknown_ca() {
    let sandbox = tls_sandbox(Sandbox::builder()).await;
    let core = tls_core(&sandbox, false).unwrap();
    let error = core.execute(stats_request(), None).await.unwrap_err();
    assert!(matches!(error, Error::Tls(_)), "{error:?}");
    assert!(!error.request_may_have_reached_server());
    assert_eq!(sandbox.total_requests(), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tls_fails_with_the_tls_error_for_a_wrong_host_name() {
    let sandbox =
        tls_sandbox(Sandbox::builder().tls_server_names(vec!["wrong.example".into()])).await;
    let core = tls_core(&sandbox, true).unwrap();
    let error = core.execute(stats_request(), None).await.unwrap_err();
    assert!(matches!(error, Error::Tls(_)), "{error:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tls_fails_with_the_tls_error_for_an_expired_certificate() {
    let sandbox = tls_sandbox(Sandbox::builder().tls_expired_certificate(true)).await;
    let core = tls_core(&sandbox, true).unwrap();
    let error = core.execute(stats_request(), None).await.unwrap_err();
    assert!(matches!(error, Error::Tls(_)), "{error:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn http2_is_negotiated_over_tls() {
    let sandbox = tls_sandbox(Sandbox::builder()).await;
    let core = tls_core(&sandbox, true).unwrap();
    // The first call learns by ALPN that the server speaks HTTP/2; later calls,
    // even concurrent ones, share that connection.
    core.execute(stats_request(), None).await.unwrap();
    let (first, second) = tokio::join!(
        core.execute(stats_request(), None),
        core.execute(stats_request(), None)
    );
    assert_eq!(
        first.unwrap().version(),
        blackbox_core::http::Version::HTTP_2
    );
    assert_eq!(
        second.unwrap().version(),
        blackbox_core::http::Version::HTTP_2
    );
    assert_eq!(
        sandbox.connection_count(),
        1,
        "both calls share one multiplexed connection"
    );
    sandbox.shutdown().await;
}

/// What the scripted transport saw, shared with the test.
#[derive(Debug, Default)]
struct TransportLog {
    seen: Mutex<Vec<String>>,
    failures_left: AtomicU32,
}

/// A custom transport: answers from a script and records what it was given.
#[derive(Debug, Default)]
struct ScriptedTransport(Arc<TransportLog>);

impl blackbox_core::HttpClient for ScriptedTransport {
    fn send(
        &self,
        request: blackbox_core::http::Request<bytes::Bytes>,
    ) -> BoxFuture<
        '_,
        Result<
            blackbox_core::http::Response<blackbox_core::ResponseBody>,
            blackbox_core::TransportError,
        >,
    > {
        Box::pin(async move {
            self.0
                .seen
                .lock()
                .unwrap()
                .push(format!("{} {}", request.method(), request.uri()));
            if self.0.failures_left.load(Ordering::SeqCst) > 0 {
                self.0.failures_left.fetch_sub(1, Ordering::SeqCst);
                return Err(blackbox_core::TransportError::connect(
                    "no route (scripted)",
                ));
            }
            let response = blackbox_core::http::Response::builder()
                .status(200)
                .body(blackbox_core::ResponseBody::from_bytes(OK_JSON))
                .expect("a valid response");
            Ok(response)
        })
    }
}

#[tokio::test]
async fn a_custom_http_client_gets_absolute_requests_and_its_errors_keep_their_meaning() {
    let transport = Arc::new(TransportLog::default());
    transport.failures_left.store(1, Ordering::SeqCst);
    // A non-loopback https URL: the custom transport decides how to reach it.
    let core = BlackboxCore::builder()
        .server_url("https://api.example.com/base")
        .token("test-token")
        .retry(quick_retries())
        .http_client(ScriptedTransport(Arc::clone(&transport)))
        .build()
        .unwrap();
    let response = core.execute(stats_request(), None).await.unwrap();
    assert_eq!(response.body(), OK_JSON.as_bytes());
    // The scripted connect failure was retried, as connect failures are.
    assert_eq!(
        *transport.seen.lock().unwrap(),
        vec![
            "GET https://api.example.com/base/api/v0/sessions/stats",
            "GET https://api.example.com/base/api/v0/sessions/stats"
        ]
    );
}

#[tokio::test]
async fn connect_timeout_fires_when_the_server_never_accepts() {
    // A listener with a backlog of one that never accepts: once its queue is
    // full, the kernel drops further SYNs and a new connect hangs.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let address = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(address),
        )
        .await
        {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let core = BlackboxCore::builder()
        .server_url(format!("http://{address}"))
        .connect_timeout(Some(Duration::from_millis(300)))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = core.execute(stats_request(), None).await.unwrap_err();
    match &error {
        Error::Timeout(timeout) => {
            assert_eq!(timeout.kind(), TimeoutKind::Connect);
            assert_eq!(timeout.limit(), Some(Duration::from_millis(300)));
        }
        other => panic!("expected a connect timeout, got {other:?}"),
    }
    assert!(!error.request_may_have_reached_server());
    assert!(started.elapsed() < Duration::from_secs(5));
    drop((listener, fillers));
}
