//! Proxies tried against a real one: `blackbox_rs::TestProxy`, a forward
//! proxy process on 127.0.0.1 that behaves like Debian's tinyproxy (407 with
//! `Proxy-Authenticate`, 403 for a refused port, absolute form rewritten to
//! origin form, `CONNECT` tunnels), in front of the sandbox over plain HTTP
//! and over TLS.

use std::time::{Duration, Instant};

use blackbox::core::http::{Method, StatusCode};
use blackbox::core::{BlackboxCore, Jitter, OperationRequest, RequestOptions};
use blackbox::models::ExtendSessionRequest;
use blackbox::session_management::{extend_session, get_session_stats};
use blackbox::{Blackbox, Error, RetryConfig};
use blackbox_rs::{ProxyAnswer, RawServer, Reply, TestProxy};
use blackbox_sandbox::Sandbox;

const USER: &str = "proxy-user";
const PASSWORD: &str = "proxy-pa55word";

/// Three attempts, 1 ms apart: a refusal that were retried would show at once.
fn retries() -> RetryConfig {
    RetryConfig::default()
        .with_initial_interval(Duration::from_millis(1))
        .with_jitter(Jitter::None)
}

fn stats_request() -> OperationRequest {
    OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats")
}

fn client(server: &Sandbox, proxy_url: &str) -> Blackbox {
    let mut builder = Blackbox::builder()
        .server_url(server.base_url())
        .token(server.demo_token())
        .proxy(proxy_url)
        .retry(retries())
        .connect_timeout(Some(Duration::from_secs(5)))
        .attempt_timeout(Some(Duration::from_secs(10)));
    if let Some(ca) = server.ca_pem() {
        builder = builder
            .tls_built_in_roots(false)
            .add_root_certificate_pem(ca);
    }
    builder.build().expect("client")
}

/// The proxy's password never shows, nor its URL.
fn assert_nothing_of_the_proxy_shows(error: &Error, proxy: &TestProxy) {
    let shown = format!("{error} | {error:?} | {error:#?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(!shown.contains(&proxy.address().to_string()), "{shown}");
    assert!(!shown.contains("http://"), "{shown}");
}

#[tokio::test]
async fn plain_http_through_a_proxy_carries_its_credentials() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let proxy = TestProxy::builder()
        .credentials(USER, PASSWORD)
        .start()
        .await
        .expect("proxy");
    let blackbox = client(&sandbox, &proxy.url());
    let sessions = blackbox.session_management();
    sessions
        .get_session_stats()
        .await
        .expect("GET through the proxy");
    extend_session(
        blackbox.core(),
        sandbox.demo_session_id(),
        ExtendSessionRequest::new(1),
        None,
    )
    .await
    .expect("POST through the proxy");

    let seen = proxy.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    for request in &seen {
        assert_eq!(request.answer, ProxyAnswer::Forwarded, "{request:#?}");
        assert!(
            request.target.starts_with("http://127.0.0.1:"),
            "{request:#?}"
        );
        // user:password in Basic form, sent by the SDK on every request.
        assert_eq!(
            request.proxy_authorization.as_deref(),
            Some("Basic cHJveHktdXNlcjpwcm94eS1wYTU1d29yZA=="),
            "{request:#?}"
        );
    }
    assert_eq!(sandbox.total_requests(), 2);
    // The proxy's credentials stop at the proxy.
    for recorded in sandbox.requests() {
        let shown = format!("{recorded:?}");
        assert!(
            !shown.to_ascii_lowercase().contains("proxy-authorization"),
            "{shown}"
        );
    }
    sandbox.shutdown().await;
}

/// Without credentials, or with a wrong password, the proxy answers 407 to the
/// absolute-form request: the call fails once, with the proxy's status, and is
/// never sent again (a wrong password repeated can lock an account).
#[tokio::test]
async fn wrong_or_missing_proxy_credentials_are_a_407_sent_once_over_plain_http() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let proxy = TestProxy::builder()
        .credentials(USER, PASSWORD)
        .start()
        .await
        .expect("proxy");
    for proxy_url in [
        proxy.url_without_credentials(),
        proxy.url_with(USER, "wrong-password"),
    ] {
        let blackbox = client(&sandbox, &proxy_url);
        let before = proxy.request_count();
        let get = get_session_stats(blackbox.core(), None)
            .await
            .expect_err("407");
        let post = extend_session(
            blackbox.core(),
            sandbox.demo_session_id(),
            ExtendSessionRequest::new(1),
            // Even a call that may repeat itself does not repeat a refusal.
            Some(RequestOptions::new().retry(retries().with_retry_non_idempotent(true))),
        )
        .await
        .expect_err("407");
        for error in [&get, &post] {
            assert!(matches!(error, Error::Api(_)), "{error:?}");
            assert_eq!(
                error.proxy_status(),
                Some(StatusCode::PROXY_AUTHENTICATION_REQUIRED)
            );
            assert!(!error.is_retryable(), "{error}");
            assert_eq!(
                error.to_string(),
                "the proxy refused the request: 407 Proxy Authentication Required"
            );
            assert_nothing_of_the_proxy_shows(error, &proxy);
        }
        assert_eq!(
            proxy.request_count() - before,
            2,
            "one request per call reached the proxy"
        );
    }
    assert_eq!(sandbox.total_requests(), 0, "nothing went past the proxy");
    let presented: Vec<_> = proxy
        .seen()
        .into_iter()
        .map(|request| (request.proxy_authorization, request.answer))
        .collect();
    assert_eq!(
        presented,
        [
            (None, ProxyAnswer::Refused(407)),
            (None, ProxyAnswer::Refused(407)),
            (
                Some("Basic cHJveHktdXNlcjp3cm9uZy1wYXNzd29yZA==".into()),
                ProxyAnswer::Refused(407)
            ),
            (
                Some("Basic cHJveHktdXNlcjp3cm9uZy1wYXNzd29yZA==".into()),
                ProxyAnswer::Refused(407)
            ),
        ]
    );
    sandbox.shutdown().await;
}

/// The same over TLS: the proxy refuses the `CONNECT`, so the request never
/// went past it — `Error::Connect` with the proxy's status, never reached the
/// server, never retried, for GET and POST.
#[tokio::test]
async fn wrong_or_missing_proxy_credentials_refuse_the_connect_once_over_https() {
    let sandbox = Sandbox::start_tls().await.expect("sandbox");
    let proxy = TestProxy::builder()
        .credentials(USER, PASSWORD)
        .start()
        .await
        .expect("proxy");
    for proxy_url in [
        proxy.url_without_credentials(),
        proxy.url_with(USER, "wrong-password"),
    ] {
        let blackbox = client(&sandbox, &proxy_url);
        let before = proxy.request_count();
        let get = get_session_stats(blackbox.core(), None)
            .await
            .expect_err("407");
        let post = extend_session(
            blackbox.core(),
            sandbox.demo_session_id(),
            ExtendSessionRequest::new(1),
            None,
        )
        .await
        .expect_err("407");
        for error in [&get, &post] {
            assert!(matches!(error, Error::Connect(_)), "{error:?}");
            assert_eq!(
                error.proxy_status(),
                Some(StatusCode::PROXY_AUTHENTICATION_REQUIRED)
            );
            assert!(!error.request_may_have_reached_server());
            assert!(!error.is_retryable(), "{error}");
            assert_eq!(error.status(), None, "the server did not answer");
            assert_eq!(
                error.to_string(),
                "the proxy refused the connection: 407 Proxy Authentication Required"
            );
            assert_nothing_of_the_proxy_shows(error, &proxy);
        }
        assert_eq!(proxy.request_count() - before, 2, "one CONNECT per call");
        assert!(
            proxy.seen()[before..]
                .iter()
                .all(|request| request.method == "CONNECT"
                    && request.answer == ProxyAnswer::Refused(407))
        );
    }
    assert_eq!(sandbox.total_requests(), 0);
    sandbox.shutdown().await;
}

/// A port the proxy does not allow: 403 to the `CONNECT`, typed and not
/// retried. (Over plain HTTP a 403 could as well be the server's: it stays an
/// API answer, which is not retried either.)
#[tokio::test]
async fn a_port_the_proxy_refuses_is_a_403_sent_once() {
    let tls = Sandbox::start_tls().await.expect("sandbox");
    let proxy = TestProxy::builder()
        .credentials(USER, PASSWORD)
        .allow_ports([443, 563])
        .start()
        .await
        .expect("proxy");
    let blackbox = client(&tls, &proxy.url());
    let error = get_session_stats(blackbox.core(), None)
        .await
        .expect_err("403");
    assert!(matches!(error, Error::Connect(_)), "{error:?}");
    assert_eq!(error.proxy_status(), Some(StatusCode::FORBIDDEN));
    assert!(!error.request_may_have_reached_server());
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "the proxy refused the connection: 403 Forbidden"
    );
    assert_nothing_of_the_proxy_shows(&error, &proxy);
    assert_eq!(proxy.request_count(), 1);
    assert_eq!(proxy.seen()[0].answer, ProxyAnswer::Refused(403));
    assert_eq!(tls.total_requests(), 0);
    tls.shutdown().await;

    let plain = Sandbox::start().await.expect("sandbox");
    let blackbox = client(&plain, &proxy.url());
    let error = get_session_stats(blackbox.core(), None)
        .await
        .expect_err("403");
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN), "{error:?}");
    assert_eq!(error.proxy_status(), None);
    assert!(!error.is_retryable());
    assert_eq!(proxy.request_count(), 2, "sent once");
    assert_eq!(plain.total_requests(), 0);
    plain.shutdown().await;
}

/// The bearer token goes in clear text only where the bytes stay on this
/// machine: a plain-HTTP loopback target through a proxy on another host is
/// refused before anything is sent, unless `allow_insecure_http(true)`.
#[tokio::test]
async fn the_cleartext_guard_looks_at_the_proxy_too() {
    let target = RawServer::start([], Reply::json(200, r#"{"success":true}"#))
        .await
        .expect("server");
    // TEST-NET-1: never routed. Nothing may be sent there; if the guard let a
    // request through, the short connect timeout would end it.
    let remote_proxy = "http://user:remote-secret@192.0.2.1:3128";
    let builder = || {
        BlackboxCore::builder()
            .server_url(target.url())
            .token("sentinel-bearer-token")
            .proxy(remote_proxy)
            .retry(RetryConfig::disabled())
            .connect_timeout(Some(Duration::from_millis(300)))
    };
    let error = builder().build().expect_err("refused");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("through a proxy on a non-loopback host"),
        "{error}"
    );
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains("192.0.2.1") && !shown.contains("remote-secret"),
        "{shown}"
    );

    // A per-call server override is checked the same way, before sending.
    let core = BlackboxCore::builder()
        .server_url("https://api.example")
        .token("sentinel-bearer-token")
        .proxy(remote_proxy)
        .retry(RetryConfig::disabled())
        .connect_timeout(Some(Duration::from_millis(300)))
        .build()
        .expect("an https target through a proxy is fine: TLS end to end");
    let error = core
        .execute(
            stats_request(),
            Some(RequestOptions::new().server_url(target.url())),
        )
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(target.request_count(), 0);

    // Allowed: the caller's opt-in, a target the proxy does not apply to, a
    // client without a token, and a proxy on loopback.
    builder()
        .allow_insecure_http(true)
        .build()
        .expect("opted in");
    let direct = builder().no_proxy("127.0.0.1").build().expect("no_proxy");
    direct.execute(stats_request(), None).await.expect("direct");
    BlackboxCore::builder()
        .server_url(target.url())
        .proxy(remote_proxy)
        .build()
        .expect("no token to protect");
    let local = TestProxy::builder().start().await.expect("proxy");
    let through_local = BlackboxCore::builder()
        .server_url(target.url())
        .token("sentinel-bearer-token")
        .proxy(local.url())
        .build()
        .expect("a loopback proxy");
    through_local
        .execute(stats_request(), None)
        .await
        .expect("through the local proxy");
    assert_eq!(local.request_count(), 1);
    assert_eq!(target.request_count(), 2);
}

/// Latencies of calls through a `CONNECT` tunnel, against direct TLS, printed
/// (RELIABILITY.md records them; no timed assertion). The SDK's socket to the
/// proxy has `TCP_NODELAY` (`proxy::tests::the_socket_to_the_proxy_has_nodelay_set`);
/// a proxy that leaves Nagle's algorithm on its own sockets is measured too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_through_a_connect_tunnel() {
    const CALLS: usize = 50;
    let sandbox = Sandbox::start_tls().await.expect("sandbox");
    let with_nodelay = TestProxy::builder()
        .credentials(USER, PASSWORD)
        .start()
        .await
        .expect("proxy");
    let with_nagle = TestProxy::builder()
        .credentials(USER, PASSWORD)
        .nodelay(false)
        .start()
        .await
        .expect("proxy");
    for http1_only in [false, true] {
        for (route, proxy) in [
            ("direct", None),
            ("tunnel, proxy with TCP_NODELAY", Some(&with_nodelay)),
            ("tunnel, proxy with Nagle", Some(&with_nagle)),
        ] {
            let mut builder = Blackbox::builder()
                .server_url(sandbox.base_url())
                .token(sandbox.demo_token())
                .tls_built_in_roots(false)
                .add_root_certificate_pem(sandbox.ca_pem().expect("ca"))
                .http1_only(http1_only);
            builder = match proxy {
                Some(proxy) => builder.proxy(proxy.url()),
                None => builder.disable_proxy(),
            };
            let blackbox = builder.build().expect("client");
            // The first call pays for the connection; the rest reuse it.
            get_session_stats(blackbox.core(), None)
                .await
                .expect("warm-up");
            let mut latencies = Vec::with_capacity(CALLS);
            for round in 0..CALLS {
                let started = Instant::now();
                if round % 2 == 0 {
                    get_session_stats(blackbox.core(), None).await.map(drop)
                } else {
                    extend_session(
                        blackbox.core(),
                        sandbox.demo_session_id(),
                        ExtendSessionRequest::new(1),
                        None,
                    )
                    .await
                    .map(drop)
                }
                .expect("call");
                latencies.push(started.elapsed());
            }
            latencies.sort();
            let total: Duration = latencies.iter().sum();
            eprintln!(
                "latency {} {route}: {CALLS} calls (GET/POST alternately), median {:?}, p90 {:?}, max {:?}, mean {:?}",
                if http1_only { "HTTP/1.1" } else { "HTTP/2" },
                latencies[CALLS / 2],
                latencies[CALLS * 9 / 10],
                latencies[CALLS - 1],
                total / CALLS as u32,
            );
        }
    }
    assert!(
        with_nodelay
            .seen()
            .iter()
            .all(|r| r.answer == ProxyAnswer::Tunnelled)
    );
    sandbox.shutdown().await;
}
