//! "Was it sent?" answered exactly, `Retry-After` that cannot make the client
//! hammer, echoed credentials hidden, and the client-wide retry budget — over
//! real sockets on 127.0.0.1.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blackbox::core::{
    BlackboxCore, BoxFuture, HookContext, Hooks, Jitter, SecretString, Sleeper, TimeoutKind,
    TokenSource,
};
use blackbox::models::{ExtendSessionRequest, RevokeAllSessionsRequest};
use blackbox::session_management::{cleanup_expired_sessions, extend_session, get_session_stats};
use blackbox::{Blackbox, Error, RetryConfig};
use blackbox_rs::{RawServer, Reply};
use blackbox_sandbox::{Fault, Operation, Sandbox};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// Counts attempts that failed (one `after_error` per failed attempt).
#[derive(Debug, Default)]
struct CountFailures(Arc<AtomicUsize>);

impl Hooks for CountFailures {
    fn after_error(&self, _: &HookContext<'_>, _: &Error) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Records backoff delays and returns at once.
#[derive(Debug, Default, Clone)]
struct RecordDelays(Arc<Mutex<Vec<Duration>>>);

impl Sleeper for RecordDelays {
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(delay);
        Box::pin(async {})
    }
}

fn quick_retries() -> RetryConfig {
    RetryConfig::default()
        .with_initial_interval(Duration::from_millis(100))
        .with_jitter(Jitter::None)
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so
/// a TCP connect to it stalls. Returns the address and what keeps it full.
async fn stalled_listener() -> (
    std::net::SocketAddr,
    Vec<TcpStream>,
    tokio::net::TcpListener,
) {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().unwrap()).expect("bind");
    let listener = socket.listen(0).expect("listen");
    let address = listener.local_addr().expect("address");
    let mut fillers = Vec::new();
    // Fill the queue (its length is backlog + 1 on Linux); never accept.
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(address)).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    (address, fillers, listener)
}

/// A client with the given connect and attempt timeouts and three quick
/// attempts, counting failed attempts.
fn client(url: &str, connect: Duration, attempt: Duration) -> (Blackbox, Arc<AtomicUsize>) {
    let failures = Arc::new(AtomicUsize::new(0));
    let blackbox = Blackbox::builder()
        .server_url(url)
        .token("test-token")
        .connect_timeout(Some(connect))
        .attempt_timeout(Some(attempt))
        .retry(quick_retries().with_initial_interval(Duration::from_millis(1)))
        .hook(CountFailures(Arc::clone(&failures)))
        .build()
        .expect("client");
    (blackbox, failures)
}

fn assert_never_sent_connect_timeout(error: &Error) {
    let Error::Timeout(timeout) = error else {
        panic!("expected a connect timeout, got {error:?}")
    };
    assert_eq!(timeout.kind(), TimeoutKind::Connect, "{error}");
    assert!(!error.request_may_have_reached_server(), "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_stalled_tcp_connect_is_a_connect_timeout_for_get_and_post() {
    let (address, _fillers, _listener) = stalled_listener().await;
    let url = format!("http://{address}");
    // The connect timeout fires first.
    let (blackbox, failures) = client(&url, Duration::from_millis(150), Duration::from_secs(5));
    let sessions = blackbox.session_management();
    let error = sessions.get_session_stats().await.expect_err("stalled");
    assert_never_sent_connect_timeout(&error);
    assert_eq!(failures.swap(0, Ordering::SeqCst), 3, "GET: three attempts");
    let error = sessions
        .cleanup_expired_sessions()
        .await
        .expect_err("stalled");
    assert_never_sent_connect_timeout(&error);
    assert_eq!(
        failures.swap(0, Ordering::SeqCst),
        3,
        "POST: retried, as it was never sent"
    );

    // The attempt ends first, while connecting: still a connect timeout.
    let (blackbox, failures) = client(&url, Duration::from_secs(10), Duration::from_millis(150));
    let started = Instant::now();
    let error = blackbox
        .session_management()
        .revoke_all_sessions(RevokeAllSessionsRequest::new(true))
        .await
        .expect_err("stalled");
    assert_never_sent_connect_timeout(&error);
    let Error::Timeout(timeout) = &error else {
        unreachable!()
    };
    assert!(
        timeout
            .limit()
            .is_some_and(|limit| limit <= Duration::from_millis(150)),
        "the limit says what set-up was allowed: {error}"
    );
    assert_eq!(failures.load(Ordering::SeqCst), 3, "POST retried");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_tls_handshake_that_never_completes_is_a_connect_timeout() {
    // Accepts, reads the ClientHello, never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let held = Arc::new(Mutex::new(Vec::new()));
    let holder = Arc::clone(&held);
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            holder.lock().unwrap().push(stream);
        }
    });
    let url = format!("https://127.0.0.1:{}", address.port());
    for (connect, attempt) in [
        (Duration::from_millis(150), Duration::from_secs(5)),
        (Duration::from_secs(10), Duration::from_millis(150)),
    ] {
        let (blackbox, failures) = client(&url, connect, attempt);
        let error = get_session_stats(blackbox.core(), None)
            .await
            .expect_err("no handshake");
        assert_never_sent_connect_timeout(&error);
        assert_eq!(failures.swap(0, Ordering::SeqCst), 3);
        let error = cleanup_expired_sessions(blackbox.core(), None)
            .await
            .expect_err("no handshake");
        assert_never_sent_connect_timeout(&error);
        assert_eq!(failures.swap(0, Ordering::SeqCst), 3, "POST retried");
    }
    assert!(held.lock().unwrap().len() >= 12, "every attempt connected");
    server.abort();
}

#[tokio::test]
async fn a_reset_right_after_accept_is_never_reported_as_sent_when_nothing_was_written() {
    // Accepts and resets at once (SO_LINGER 0, then close).
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // Deprecated because a positive linger blocks the thread on drop;
            // a zero linger closes at once with a reset, which is the point.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    });
    let blackbox = Blackbox::builder()
        .server_url(format!("http://{address}"))
        .token("test-token")
        .retry(RetryConfig::disabled())
        .build()
        .expect("client");
    let (mut never_sent, mut maybe_sent) = (0, 0);
    for round in 0..60 {
        let result = if round % 2 == 0 {
            get_session_stats(blackbox.core(), None).await.map(drop)
        } else {
            cleanup_expired_sessions(blackbox.core(), None)
                .await
                .map(drop)
        };
        let error = result.expect_err("reset");
        let shown = format!("{error:?}");
        match &error {
            Error::Connect(_) => never_sent += 1,
            Error::Transport(_) => {
                // Only a request that hyper may have started writing is "maybe".
                assert!(!shown.contains("Canceled"), "{shown}");
                maybe_sent += 1;
            }
            other => panic!("unexpected outcome {other:?}"),
        }
        assert_eq!(
            error.request_may_have_reached_server(),
            matches!(error, Error::Transport(_)),
            "{error:?}"
        );
    }
    eprintln!("reset after accept: {never_sent} never sent, {maybe_sent} maybe sent");
    server.abort();
}

#[tokio::test]
async fn retry_after_zero_or_in_the_past_never_beats_the_backoff() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(3600));
    sandbox.faults().script(
        Operation::GetSessionStats,
        [
            Fault::status_retry_after(503, "0"),
            Fault::status_retry_after(503, past),
        ],
    );
    let delays = RecordDelays::default();
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .retry(quick_retries())
        .sleeper(delays.clone())
        .build()
        .expect("client");
    blackbox
        .session_management()
        .get_session_stats()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(
        *delays.0.lock().unwrap(),
        [Duration::from_millis(100), Duration::from_millis(150)],
        "the computed backoff, not zero"
    );
    // A longer wait asked by the server still wins over the backoff.
    sandbox.faults().push(
        Operation::GetSessionStats,
        Fault::status_retry_after(503, "1"),
    );
    delays.0.lock().unwrap().clear();
    blackbox
        .session_management()
        .get_session_stats()
        .await
        .expect("succeeds");
    assert_eq!(*delays.0.lock().unwrap(), [Duration::from_secs(1)]);
    sandbox.shutdown().await;
}

const TOKEN: &str = "sentinel-bearer-token-7f3a";
const PROXY_PASSWORD: &str = "sentinel-proxy-password";

/// A token source: the echo must be hidden whatever gives the token.
#[derive(Debug)]
struct Rotating;

impl TokenSource for Rotating {
    fn token(&self) -> BoxFuture<'_, Result<Option<SecretString>, blackbox::core::BoxError>> {
        Box::pin(async { Ok(Some(SecretString::from(TOKEN))) })
    }
}

#[tokio::test]
async fn a_server_that_echoes_the_token_never_makes_it_visible() {
    let echo_401 = format!(
        r#"{{"success":false,"message":"invalid token {TOKEN} (Bearer {TOKEN})","data":null}}"#
    );
    let echo_200 = format!(r#"{{"success":false,"message":"stale credentials {TOKEN}"}}"#);
    for use_source in [false, true] {
        let server = RawServer::start(
            [
                Reply::with_headers(
                    401,
                    &[("x-debug", &format!("auth=Bearer {TOKEN}"))],
                    &echo_401,
                ),
                Reply::with_headers(200, &[("x-seen", TOKEN)], &echo_200),
                Reply::with_headers(
                    200,
                    &[("x-seen", TOKEN)],
                    &format!(r#"{{"success":true,"message":"hello {TOKEN}"}}"#),
                ),
            ],
            Reply::json(500, "{}"),
        )
        .await
        .expect("server");
        let builder = Blackbox::builder()
            .server_url(server.url())
            .retry(RetryConfig::disabled());
        let blackbox = if use_source {
            builder.token_source(Rotating)
        } else {
            builder.token(TOKEN)
        }
        .build()
        .expect("client");
        let sessions = blackbox.session_management();
        for error in [
            sessions.get_session_stats().await.expect_err("401"),
            sessions
                .cleanup_expired_sessions()
                .await
                .expect_err("success: false"),
        ] {
            let shown = format!("{error} | {error:?} | {error:#?}");
            assert!(!shown.contains(TOKEN), "{shown}");
            assert!(shown.contains("** redacted **"), "{shown}");
            let Error::Api(api) = &error else {
                panic!("{error:?}")
            };
            // The raw data stays available to code that asks for it.
            assert!(
                api.body()
                    .windows(TOKEN.len())
                    .any(|w| w == TOKEN.as_bytes())
            );
        }
        let answer = sessions.cleanup_expired_sessions().await.expect("success");
        let shown = format!("{answer:?} {:?}", answer.meta());
        assert!(!shown.contains(TOKEN), "{shown}");
        assert_eq!(
            answer.meta().headers()["x-seen"],
            TOKEN,
            "headers() gives the data"
        );
    }
}

#[tokio::test]
async fn an_echoed_proxy_password_is_hidden_too() {
    let server = RawServer::start(
        [Reply::with_headers(
            407,
            &[("x-echo", &format!("pw={PROXY_PASSWORD}"))],
            &format!(r#"{{"success":false,"message":"bad password {PROXY_PASSWORD}"}}"#),
        )],
        Reply::json(500, "{}"),
    )
    .await
    .expect("server");
    // An explicit proxy that is the server itself: plain HTTP goes to it in
    // absolute form, and its 407 comes back as an API answer.
    let blackbox = Blackbox::builder()
        .server_url("http://127.0.0.1:9")
        .token(TOKEN)
        .proxy(format!(
            "http://alice:{PROXY_PASSWORD}@{}",
            server.address()
        ))
        .retry(RetryConfig::disabled())
        .build()
        .expect("client");
    let error = blackbox
        .session_management()
        .get_session_stats()
        .await
        .expect_err("407");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(PROXY_PASSWORD), "{shown}");
    assert!(shown.contains("** redacted **"), "{shown}");
}

/// Against a server that answers 503 to everything, 64 calls in flight: the
/// budget stops retries after it is spent, and successes bring them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retry_budget_stops_retry_storms_and_recovers() {
    let sandbox = Sandbox::builder()
        .request_log_capacity(0)
        .start()
        .await
        .expect("sandbox");
    const CALLS: usize = 10_000;
    sandbox.faults().script(
        Operation::GetSessionStats,
        std::iter::repeat_n(Fault::status(503), CALLS * 3),
    );
    let core = BlackboxCore::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .retry(quick_retries())
        // Backoff is recorded, not waited: the test is about counts.
        .sleeper(RecordDelays::default())
        .build()
        .expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let exhausted = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (core, next, exhausted) = (core.clone(), Arc::clone(&next), Arc::clone(&exhausted));
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < CALLS {
                let error = get_session_stats(&core, None).await.expect_err("503");
                assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
                if error.retry_budget_exhausted() {
                    assert!(error.to_string().contains("retry budget"), "{error}");
                    exhausted.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let requests = sandbox.request_count(Operation::GetSessionStats) as usize;
    let ratio = requests as f64 / CALLS as f64;
    eprintln!(
        "retry budget: {CALLS} calls, {requests} requests (ratio {ratio:.4}), {} calls told the budget was exhausted",
        exhausted.load(Ordering::Relaxed)
    );
    assert!(ratio <= 1.05, "{requests} requests for {CALLS} calls");
    assert!(exhausted.load(Ordering::Relaxed) > CALLS / 2);

    // The server recovers: successes refill the bucket, and a failure is
    // retried again.
    sandbox.faults().clear();
    for _ in 0..20 {
        get_session_stats(&core, None).await.expect("healthy");
    }
    sandbox
        .faults()
        .push(Operation::GetSessionStats, Fault::status(503));
    let before = sandbox.request_count(Operation::GetSessionStats);
    get_session_stats(&core, None)
        .await
        .expect("retried once, then fine");
    assert_eq!(
        sandbox.request_count(Operation::GetSessionStats) - before,
        2
    );

    // Without a budget every call is retried.
    let unlimited = BlackboxCore::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .retry(quick_retries())
        .retry_budget(None)
        .sleeper(RecordDelays::default())
        .build()
        .expect("client");
    sandbox.faults().script(
        Operation::GetSessionStats,
        std::iter::repeat_n(Fault::status(503), 30),
    );
    let before = sandbox.request_count(Operation::GetSessionStats);
    for _ in 0..10 {
        get_session_stats(&unlimited, None).await.expect_err("503");
    }
    assert_eq!(
        sandbox.request_count(Operation::GetSessionStats) - before,
        30
    );
    sandbox.shutdown().await;
}

/// A server that closes every keep-alive connection right after answering
/// (without saying `Connection: close`): a POST sent on such a pooled
/// connection races the server's FIN. The SDK never sends a POST twice; how
/// often the race is lost is printed (RELIABILITY.md records the figure).
#[tokio::test]
async fn posts_on_connections_the_server_closes_after_answering_are_never_sent_twice() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    let server = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut request = Vec::new();
                let mut chunk = [0u8; 2048];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&chunk[..read]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"success":true,"message":null}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                // Close a moment later, keep-alive notwithstanding: the
                // moment a server's keep-alive timeout fires while the client
                // reuses the connection.
                tokio::time::sleep(Duration::from_micros(300)).await;
            });
        }
    });
    let core = BlackboxCore::builder()
        .server_url(format!("http://{address}"))
        .token("test-token")
        .retry(quick_retries().with_initial_interval(Duration::from_millis(1)))
        .build()
        .expect("client");
    const CALLS: usize = 200;

    // extend_session is not idempotent: a POST that may have reached the
    // server is never sent again, so some calls fail.
    let id = blackbox::uuid::Uuid::from_u128(7);
    let mut lost_races = 0;
    for _ in 0..CALLS {
        match extend_session(&core, id, ExtendSessionRequest::new(1), None).await {
            Ok(_) => {}
            Err(error) => {
                assert!(
                    matches!(error, Error::Transport(_)) && error.request_may_have_reached_server(),
                    "{error:?}"
                );
                lost_races += 1;
            }
        }
    }
    let requests = served.swap(0, Ordering::SeqCst);
    eprintln!(
        "stale keep-alive: extend_session: {lost_races} of {CALLS} back-to-back POSTs failed as \"may have reached the server\"; the server saw {requests} requests"
    );
    assert!(requests <= CALLS, "no POST was sent twice: {requests}");
    assert_eq!(
        requests,
        CALLS - lost_races,
        "a failed POST never reached this server"
    );

    // cleanup_expired_sessions is idempotent in effect: retried, it succeeds.
    // (Every other call needs a retry here, more than the default retry
    // budget allows for long: this server loses a race on every connection.)
    let core = BlackboxCore::builder()
        .server_url(format!("http://{address}"))
        .token("test-token")
        .retry(quick_retries().with_initial_interval(Duration::from_millis(1)))
        .retry_budget(None)
        .build()
        .expect("client");
    for _ in 0..CALLS {
        cleanup_expired_sessions(&core, None)
            .await
            .expect("an idempotent POST is retried on a stale connection");
    }
    let requests = served.load(Ordering::SeqCst);
    eprintln!(
        "stale keep-alive: cleanup_expired_sessions: 0 of {CALLS} failed; the server saw {requests} requests"
    );
    server.abort();
}

/// A server with a short keep-alive timeout (50 ms: it closes a connection
/// that has been idle that long), and calls spaced around exactly that, so
/// that a pooled connection is reused as the server closes it — the
/// HTTP/1.1 keep-alive race. No call waits for an answer that will never come
/// (the attempt timeout is 2 s: none times out), GETs are retried to success,
/// and a POST that lost the race fails as "may have reached the server",
/// never sent twice.
#[tokio::test]
async fn calls_racing_the_servers_keep_alive_timeout_never_hang() {
    const KEEP_ALIVE: Duration = Duration::from_millis(50);
    const ROUNDS: u32 = 60;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    // POSTs the server received.
    let posts_served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&posts_served);
    let server = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buffered = Vec::new();
                let mut chunk = [0u8; 2048];
                loop {
                    // One request: its head, then as many body bytes as it declares.
                    let head_end = loop {
                        if let Some(end) = buffered.windows(4).position(|w| w == b"\r\n\r\n") {
                            break end + 4;
                        }
                        match tokio::time::timeout(KEEP_ALIVE, stream.read(&mut chunk)).await {
                            Ok(Ok(read)) if read > 0 => buffered.extend_from_slice(&chunk[..read]),
                            // Idle past the keep-alive timeout, or closed: close.
                            _ => return,
                        }
                    };
                    let head = String::from_utf8_lossy(&buffered[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|line| line.strip_prefix("content-length:"))
                        .and_then(|value| value.trim().parse().ok())
                        .unwrap_or(0);
                    while buffered.len() < head_end + length {
                        match stream.read(&mut chunk).await {
                            Ok(read) if read > 0 => buffered.extend_from_slice(&chunk[..read]),
                            _ => return,
                        }
                    }
                    buffered.drain(..head_end + length);
                    if head.starts_with("post ") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    let body = r#"{"success":true,"message":null}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let core = BlackboxCore::builder()
        .server_url(format!("http://{address}"))
        .token("test-token")
        .retry(quick_retries().with_initial_interval(Duration::from_millis(1)))
        .retry_budget(None)
        .attempt_timeout(Some(Duration::from_secs(2)))
        .build()
        .expect("client");
    let id = blackbox::uuid::Uuid::from_u128(7);
    let (mut post_failures, mut posts) = (0, 0);
    for round in 0..ROUNDS {
        // Idle for the keep-alive timeout, give or take up to 3 ms.
        let offset = i64::from(round % 7) - 3;
        let pause = KEEP_ALIVE.as_micros() as i64 + offset * 1000;
        tokio::time::sleep(Duration::from_micros(pause as u64)).await;
        if round % 2 == 0 {
            get_session_stats(&core, None)
                .await
                .expect("a GET is retried past the race");
        } else {
            posts += 1;
            if let Err(error) = extend_session(&core, id, ExtendSessionRequest::new(1), None).await
            {
                assert!(
                    !error.is_timeout(),
                    "a call waited out its attempt: {error:?}"
                );
                assert!(
                    matches!(error, Error::Transport(_)) && error.request_may_have_reached_server(),
                    "{error:?}"
                );
                post_failures += 1;
            }
        }
    }
    let posts_received = posts_served.load(Ordering::SeqCst);
    eprintln!(
        "keep-alive race ({ROUNDS} calls spaced at the server's {KEEP_ALIVE:?} ± 3 ms): \
         {post_failures} of {posts} POSTs failed as \"may have reached the server\"; \
         the server received {posts_received} POSTs"
    );
    assert!(posts_received <= posts, "no POST was sent twice");
    assert!(
        posts_received >= posts - post_failures,
        "every answered POST was received"
    );
    server.abort();
}
