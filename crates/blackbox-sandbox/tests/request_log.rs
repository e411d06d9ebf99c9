//! The request log: what the sandbox received, recorded for assertions, and
//! its redacting `Debug` output.

mod common;

use std::time::{Duration, Instant, SystemTime};

use blackbox_sandbox::{Fault, Operation, Sandbox, SandboxBuilder};
use bytes::Bytes;
use common::*;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::net::TcpStream;

const SESSIONS: &str = "/api/v0/sessions";

async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("start the sandbox")
}

#[tokio::test]
async fn every_routed_request_is_recorded_in_order_with_its_parts() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo_session_id();
    let started_at = sandbox.clock().now();
    let started = Instant::now();

    assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}?page=2"), None).await);
    let extend = format!("{SESSIONS}/{demo}/extend");
    assert_ok(
        &call(
            &sandbox,
            "POST",
            &extend,
            Some(json!({"extension_hours": 2})),
        )
        .await,
    );
    // Not routed to an operation: counted, not recorded.
    assert_error(&call(&sandbox, "GET", "/api/v0/nothing", None).await, 404);
    assert_error(&call(&sandbox, "PUT", SESSIONS, None).await, 405);
    // Refused (401) and faulted requests are recorded, with their bodies.
    let body = br#"{"keep_current":false}"#;
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "POST",
            &format!("{SESSIONS}/revoke-all"),
            None,
            Some("application/json"),
            Some(body),
        ),
    )
    .await;
    assert_error(&raw.parse(), 401);
    sandbox
        .faults()
        .push(Operation::GetSessionStats, Fault::ResetBeforeHeaders);
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "GET",
            &format!("{SESSIONS}/stats"),
            Some(sandbox.demo_token()),
            None,
            None,
        ),
    )
    .await;
    assert_eq!(raw.end, End::Reset);

    assert_eq!(sandbox.total_requests(), 6);
    let requests = sandbox.requests();
    let operations: Vec<Operation> = requests.iter().map(|r| r.operation()).collect();
    assert_eq!(
        operations,
        [
            Operation::ListSessions,
            Operation::ExtendSession,
            Operation::RevokeAllSessions,
            Operation::GetSessionStats,
        ]
    );

    let list = &requests[0];
    assert_eq!(list.method(), "GET");
    assert_eq!(list.path(), SESSIONS);
    assert_eq!(list.query(), Some("page=2"));
    assert_eq!(list.uri().to_string(), format!("{SESSIONS}?page=2"));
    assert_eq!(list.version(), http::Version::HTTP_11);
    assert_eq!(list.header("host"), Some("127.0.0.1"));
    let authorization = format!("Bearer {}", sandbox.demo_token());
    assert_eq!(list.header("Authorization"), Some(authorization.as_str()));
    assert!(list.body().is_empty());

    let extend = &requests[1];
    assert_eq!(extend.method(), "POST");
    assert_eq!(extend.path(), format!("{SESSIONS}/{demo}/extend"));
    assert_eq!(extend.header("content-type"), Some("application/json"));
    assert_eq!(extend.body(), br#"{"extension_hours":2}"#);
    assert_eq!(
        extend.body_json::<Value>().expect("JSON"),
        json!({"extension_hours": 2})
    );

    let refused = &requests[2];
    assert_eq!(refused.header("authorization"), None);
    assert_eq!(refused.body(), body);
    #[derive(serde::Deserialize)]
    struct RevokeAll {
        keep_current: bool,
    }
    assert!(
        !refused
            .body_json::<RevokeAll>()
            .expect("typed JSON")
            .keep_current
    );
    assert!(refused.body_json::<Vec<u8>>().is_err());

    // Times: the sandbox clock and the monotonic clock, in arrival order.
    let ended_at = sandbox.clock().now();
    for pair in requests.windows(2) {
        assert!(pair[0].received_instant() <= pair[1].received_instant());
        assert!(pair[0].received_at() <= pair[1].received_at());
    }
    for recorded in &requests {
        assert!(recorded.received_instant() >= started);
        assert!(recorded.received_at() >= started_at - Duration::from_secs(1));
        assert!(recorded.received_at() <= ended_at);
    }
}

#[tokio::test]
async fn received_at_follows_the_sandbox_clock() {
    let sandbox = sandbox().await;
    sandbox.clock().advance(Duration::from_secs(10 * 24 * 3600));
    // The demo session has expired by then: 401, still recorded.
    assert_error(&call(&sandbox, "GET", SESSIONS, None).await, 401);
    let recorded = sandbox.requests();
    let ahead = recorded[0]
        .received_at()
        .duration_since(SystemTime::now())
        .expect("ahead of real time");
    assert!(ahead > Duration::from_secs(9 * 24 * 3600));
}

#[tokio::test]
async fn requests_for_filters_and_clear_requests_empties_the_log() {
    let sandbox = sandbox().await;
    for _ in 0..3 {
        assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
    }
    assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}/stats"), None).await);
    assert_eq!(sandbox.requests_for(Operation::ListSessions).len(), 3);
    assert_eq!(sandbox.requests_for(Operation::GetSessionStats).len(), 1);
    assert!(sandbox.requests_for(Operation::RevokeSession).is_empty());

    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
    assert_eq!(
        sandbox.request_count(Operation::ListSessions),
        3,
        "counters are kept"
    );
    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
    assert_eq!(sandbox.requests().len(), 1);
}

#[tokio::test]
async fn the_log_keeps_only_the_most_recent_requests() {
    assert_eq!(SandboxBuilder::DEFAULT_REQUEST_LOG_CAPACITY, 10_000);
    let sandbox = Sandbox::builder()
        .request_log_capacity(3)
        .start()
        .await
        .expect("start");
    for page in 0..5 {
        assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}?page={page}"), None).await);
    }
    let queries: Vec<String> = sandbox
        .requests()
        .iter()
        .map(|r| r.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(queries, ["page=2", "page=3", "page=4"]);

    // Capacity 0 records nothing; the counters still count.
    let off = Sandbox::builder()
        .request_log_capacity(0)
        .start()
        .await
        .expect("start");
    assert_ok(&call(&off, "GET", SESSIONS, None).await);
    assert!(off.requests().is_empty());
    assert_eq!(off.request_count(Operation::ListSessions), 1);
}

#[tokio::test]
async fn oversized_bodies_are_recorded_up_to_the_limit() {
    let sandbox = sandbox().await;
    let path = format!("{SESSIONS}/revoke-all");
    let big = vec![b'x'; 70 * 1024];
    // Declared too large: answered 413 without reading, recorded without body.
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "POST",
            &path,
            Some(sandbox.demo_token()),
            Some("application/json"),
            Some(&big),
        ),
    )
    .await;
    assert_error(&raw.parse(), 413);
    // Chunked: read up to the limit.
    let mut chunked = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        sandbox.demo_token()
    )
    .into_bytes();
    for chunk in big.chunks(8 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_error(&exchange(sandbox.local_addr(), &chunked).await.parse(), 413);

    let recorded = sandbox.requests_for(Operation::RevokeAllSessions);
    assert_eq!(recorded.len(), 2);
    assert!(recorded[0].body().is_empty());
    assert_eq!(recorded[0].header("content-length"), Some("71680"));
    assert_eq!(recorded[1].body().len(), 64 * 1024);
    assert_eq!(sandbox.session_ids().len(), 4, "nothing was revoked");
}

#[tokio::test]
async fn http2_requests_are_recorded_with_their_version() {
    let sandbox = sandbox().await;
    let tcp = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tcp))
            .await
            .expect("h2c handshake");
    let driver = tokio::spawn(connection);
    let uri = format!("{}{SESSIONS}/revoke-all", sandbox.base_url());
    let request = http::Request::post(uri.as_str())
        .header("authorization", format!("Bearer {}", sandbox.demo_token()))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(br#"{"keep_current":true}"#)))
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    assert_eq!(response.status(), 200);
    let _ = response.into_body().collect().await;
    driver.abort();

    let recorded = sandbox.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].version(), http::Version::HTTP_2);
    assert_eq!(recorded[0].path(), format!("{SESSIONS}/revoke-all"));
    assert_eq!(recorded[0].body(), br#"{"keep_current":true}"#);
}

#[tokio::test]
async fn debug_redacts_credentials_and_never_prints_the_bearer_token() {
    let sandbox = Sandbox::builder()
        .demo_token("bbx_debug_secret_token")
        .start()
        .await
        .expect("start");
    let secrets = [
        "bbx_debug_secret_token",
        "proxy-credential-1",
        "session-cookie-2",
        "api-key-3",
        "custom-token-4",
        "client-secret-5",
        "signing-key-6",
    ];
    let head = format!(
        "GET {SESSIONS}?access_token=bbx_debug_secret_token&page=1 HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         Authorization: Bearer bbx_debug_secret_token\r\n\
         Proxy-Authorization: Basic proxy-credential-1\r\n\
         Cookie: sid=session-cookie-2\r\n\
         X-Api-Key: api-key-3\r\n\
         X-Custom-Token: custom-token-4\r\n\
         X-Client-Secret: client-secret-5\r\n\
         X-Signing-Key: signing-key-6\r\n\
         X-Request-Id: visible-request-id\r\n\
         Connection: close\r\n\r\n"
    );
    assert_ok(
        &exchange(sandbox.local_addr(), head.as_bytes())
            .await
            .parse(),
    );
    // A body that echoes the token is scrubbed too.
    let echo = br#"{"keep_current":true,"note":"bbx_debug_secret_token"}"#;
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "POST",
            &format!("{SESSIONS}/revoke-all"),
            Some("bbx_debug_secret_token"),
            Some("application/json"),
            Some(echo),
        ),
    )
    .await;
    assert_ok(&raw.parse());

    let requests = sandbox.requests();
    assert_eq!(requests.len(), 2);
    let debug = format!("{:?} {:#?}", requests, requests);
    for secret in secrets {
        assert!(!debug.contains(secret), "{secret} leaked: {debug}");
    }
    assert!(debug.contains("** redacted **"), "{debug}");
    assert!(debug.contains("visible-request-id"), "{debug}");
    assert!(debug.contains("page=1"), "{debug}");
    assert!(debug.contains("keep_current"), "{debug}");
    assert!(debug.contains("ListSessions"), "{debug}");
    // The accessors stay verbatim.
    assert_eq!(requests[0].header("x-api-key"), Some("api-key-3"));
    assert_eq!(requests[1].body(), echo);
}
