//! Every scripted fault does what it says, observed on the wire.

mod common;

use std::time::{Duration, Instant};

use blackbox_sandbox::{Fault, Operation, Sandbox};
use bytes::Bytes;
use common::*;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const SESSIONS: &str = "/api/v0/sessions";

async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("start the sandbox")
}

fn list_request(sandbox: &Sandbox) -> Vec<u8> {
    request("GET", SESSIONS, Some(sandbox.demo_token()), None, None)
}

#[tokio::test]
async fn status_faults_answer_the_envelope_with_retry_after_then_recover() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo_session_id();
    sandbox
        .faults()
        .push(Operation::GetSession, Fault::status_retry_after(429, "1"))
        .script(
            Operation::GetSession,
            [
                Fault::status(503),
                Fault::status_retry_after(503, "Wed, 21 Oct 2015 07:28:00 GMT"),
            ],
        );
    assert_eq!(sandbox.faults().pending(Operation::GetSession), 3);
    let path = format!("{SESSIONS}/{demo}");

    let first = call(&sandbox, "GET", &path, None).await;
    let message = assert_error(&first, 429);
    assert!(message.contains("429"), "{message}");
    assert_eq!(first.header("retry-after"), Some("1"));

    let second = call(&sandbox, "GET", &path, None).await;
    assert_error(&second, 503);
    assert_eq!(second.header("retry-after"), None);

    let third = call(&sandbox, "GET", &path, None).await;
    assert_error(&third, 503);
    assert_eq!(
        third.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );

    let fourth = call(&sandbox, "GET", &path, None).await;
    assert_eq!(assert_ok(&fourth)["id"], json!(demo.to_string()));

    // Other operations were never affected; counters count every request.
    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
    assert_eq!(sandbox.request_count(Operation::GetSession), 4);
    assert_eq!(sandbox.request_count(Operation::ListSessions), 1);
    assert_eq!(sandbox.total_requests(), 5);
    assert_eq!(sandbox.connection_count(), 5);
    assert_eq!(sandbox.faults().pending(Operation::GetSession), 0);
}

#[tokio::test]
async fn faults_apply_before_authentication_and_have_no_side_effects() {
    let sandbox = sandbox().await;
    let target = sandbox.session_ids()[0];
    sandbox
        .faults()
        .push(Operation::RevokeSession, Fault::status(500));
    let raw = exchange(
        sandbox.local_addr(),
        &request("DELETE", &format!("{SESSIONS}/{target}"), None, None, None),
    )
    .await;
    assert_error(&raw.parse(), 500);
    assert!(sandbox.session_ids().contains(&target));
    // A revoke-all body is consumed, and nothing is revoked.
    sandbox
        .faults()
        .push(Operation::RevokeAllSessions, Fault::status(502));
    let body = br#"{"keep_current":false}"#;
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "POST",
            &format!("{SESSIONS}/revoke-all"),
            Some(sandbox.demo_token()),
            Some("application/json"),
            Some(body),
        ),
    )
    .await;
    assert_error(&raw.parse(), 502);
    assert_eq!(sandbox.session_ids().len(), 4);
}

#[tokio::test]
async fn status_faults_keep_the_connection_reusable() {
    let sandbox = sandbox().await;
    sandbox.faults().script(
        Operation::ListSessions,
        [Fault::status(503), Fault::status(504)],
    );
    let stream = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    let driver = tokio::spawn(connection);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let request = http::Request::get(SESSIONS)
            .header("host", "127.0.0.1")
            .header("authorization", format!("Bearer {}", sandbox.demo_token()))
            .body(Empty::<Bytes>::new())
            .expect("request");
        let response = sender.send_request(request).await.expect("response");
        statuses.push(response.status().as_u16());
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let json: Value = serde_json::from_slice(&body).expect("json");
        assert!(json["success"].is_boolean());
    }
    assert_eq!(statuses, vec![503, 504, 200]);
    assert_eq!(sandbox.connection_count(), 1);
    driver.abort();
}

#[tokio::test]
async fn delay_before_headers_delays_then_serves_normally() {
    let sandbox = sandbox().await;
    sandbox.faults().push(
        Operation::GetSessionStats,
        Fault::DelayBeforeHeaders(Duration::from_millis(600)),
    );
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
    let first = raw.first_byte.expect("an answer");
    assert!(first >= Duration::from_millis(600), "{first:?}");
    assert!(first < Duration::from_secs(3), "{first:?}");
    assert_eq!(raw.end, End::Eof);
    let data = assert_ok(&raw.parse());
    assert_eq!(data["total_sessions"], json!(4));
    // The next request is immediate again.
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
    assert!(raw.first_byte.expect("an answer") < Duration::from_millis(500));
}

#[tokio::test]
async fn delay_mid_body_sends_headers_and_half_then_the_rest() {
    let sandbox = sandbox().await;
    sandbox.faults().push(
        Operation::ListSessions,
        Fault::DelayMidBody(Duration::from_millis(800)),
    );
    let raw = exchange(sandbox.local_addr(), &list_request(&sandbox)).await;
    let first = raw.first_byte.expect("an answer");
    let last = raw.last_byte.expect("an answer");
    assert!(
        first < Duration::from_millis(600),
        "headers come at once: {first:?}"
    );
    assert!(
        last >= Duration::from_millis(800),
        "the rest comes late: {last:?}"
    );
    assert_eq!(raw.end, End::Eof);
    let parsed = raw.parse();
    assert_eq!(parsed.content_length(), Some(parsed.body.len()));
    assert!(parsed.header("transfer-encoding").is_none());
    assert_eq!(assert_ok(&parsed)["total"], json!(4));
}

#[tokio::test]
async fn delay_mid_body_really_splits_the_body() {
    let sandbox = sandbox().await;
    sandbox.faults().push(
        Operation::ListSessions,
        Fault::DelayMidBody(Duration::from_millis(1000)),
    );
    // Read only for 500 ms: the head and exactly half the body have arrived.
    let partial = exchange_with_deadline(
        sandbox.local_addr(),
        &list_request(&sandbox),
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(partial.end, End::Open);
    let parsed = partial.parse();
    let declared = parsed.content_length().expect("Content-Length");
    assert!(!parsed.body.is_empty());
    assert_eq!(parsed.body.len(), declared / 2);
}

#[tokio::test]
async fn reset_before_headers_closes_without_an_answer() {
    let sandbox = sandbox().await;
    let target = sandbox.session_ids()[0];
    sandbox
        .faults()
        .push(Operation::RevokeSession, Fault::ResetBeforeHeaders);
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "DELETE",
            &format!("{SESSIONS}/{target}"),
            Some(sandbox.demo_token()),
            None,
            None,
        ),
    )
    .await;
    assert!(
        raw.bytes.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&raw.bytes)
    );
    assert_eq!(raw.end, End::Reset);
    // Nothing was processed, and the next request is served.
    assert!(sandbox.session_ids().contains(&target));
    assert_eq!(sandbox.request_count(Operation::RevokeSession), 1);
    assert_ok(&call(&sandbox, "DELETE", &format!("{SESSIONS}/{target}"), None).await);
}

#[tokio::test]
async fn reset_before_headers_is_a_closed_connection_for_hyper() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push(Operation::ListSessions, Fault::ResetBeforeHeaders);
    let stream = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    let driver = tokio::spawn(connection);
    let request = http::Request::get(SESSIONS)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {}", sandbox.demo_token()))
        .body(Empty::<Bytes>::new())
        .expect("request");
    let error = sender.send_request(request).await.expect_err("no answer");
    let reset = std::error::Error::source(&error)
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionReset);
    assert!(reset, "{error:?}");
    let _ = tokio::time::timeout(Duration::from_secs(2), driver).await;
}

#[tokio::test]
async fn reset_mid_body_sends_part_then_resets() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push(Operation::ListSessions, Fault::ResetMidBody);
    let raw = exchange(sandbox.local_addr(), &list_request(&sandbox)).await;
    assert_eq!(raw.end, End::Reset);
    let parsed = raw.parse();
    assert_eq!(parsed.status, 200);
    let declared = parsed.content_length().expect("Content-Length");
    assert!(!parsed.body.is_empty());
    assert!(
        parsed.body.len() < declared,
        "{} of {declared}",
        parsed.body.len()
    );
    assert!(serde_json::from_slice::<Value>(&parsed.body).is_err());
    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
}

#[tokio::test]
async fn mid_body_faults_process_the_request() {
    let sandbox = sandbox().await;
    let target = sandbox.session_ids()[0];
    sandbox
        .faults()
        .push(Operation::RevokeSession, Fault::ResetMidBody);
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "DELETE",
            &format!("{SESSIONS}/{target}"),
            Some(sandbox.demo_token()),
            None,
            None,
        ),
    )
    .await;
    assert_eq!(raw.end, End::Reset);
    assert!(
        !sandbox.session_ids().contains(&target),
        "the revoke happened"
    );
}

#[tokio::test]
async fn truncated_body_declares_more_than_it_sends_then_closes() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push(Operation::ListSessions, Fault::TruncatedBody);
    let raw = exchange(sandbox.local_addr(), &list_request(&sandbox)).await;
    assert_eq!(raw.end, End::Eof, "a clean close");
    let parsed = raw.parse();
    assert_eq!(parsed.status, 200);
    let declared = parsed.content_length().expect("Content-Length");
    assert!(!parsed.body.is_empty());
    assert!(
        parsed.body.len() < declared,
        "{} of {declared}",
        parsed.body.len()
    );
}

#[tokio::test]
async fn invalid_json_wrong_shape_and_wrong_content_type() {
    let sandbox = sandbox().await;
    sandbox.faults().script(
        Operation::ListSessions,
        [
            Fault::InvalidJson,
            Fault::WrongShapeJson,
            Fault::WrongContentType,
        ],
    );
    let invalid = call(&sandbox, "GET", SESSIONS, None).await;
    assert_eq!(invalid.status, 200);
    assert_eq!(invalid.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<Value>(&invalid.body).is_err());
    assert!(invalid.body.starts_with(b"{\"success\":tru"));

    let wrong = call(&sandbox, "GET", SESSIONS, None).await;
    assert_eq!(wrong.status, 200);
    assert_eq!(wrong.header("content-type"), Some("application/json"));
    let json = wrong.json();
    assert!(!json["success"].is_boolean());
    assert!(json["data"].is_array());

    let html = call(&sandbox, "GET", SESSIONS, None).await;
    assert_eq!(html.status, 200);
    assert!(
        html.header("content-type")
            .is_some_and(|v| v.starts_with("text/html")),
        "{:?}",
        html.header("content-type")
    );
    assert!(html.body.starts_with(b"<!DOCTYPE html>"));

    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
    assert_eq!(sandbox.request_count(Operation::ListSessions), 4);
}

#[tokio::test]
async fn oversized_body_has_exactly_the_requested_size() {
    let sandbox = sandbox().await;
    sandbox.faults().script(
        Operation::GetSessionStats,
        [
            Fault::OversizedBody(3 * 1024 * 1024 + 7),
            Fault::OversizedBody(5),
        ],
    );
    let path = format!("{SESSIONS}/stats");
    let big = call(&sandbox, "GET", &path, None).await;
    assert_eq!(big.body.len(), 3 * 1024 * 1024 + 7);
    assert_eq!(big.header("content-type"), Some("application/json"));
    let json = big.json();
    assert_eq!(json["success"], json!(true));
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|m| m.len() > 3_000_000)
    );

    let small = call(&sandbox, "GET", &path, None).await;
    assert_eq!(small.body.len(), 5);
    assert!(serde_json::from_slice::<Value>(&small.body).is_ok());
}

#[tokio::test]
async fn clear_drops_scripted_faults() {
    let sandbox = sandbox().await;
    for op in Operation::ALL {
        sandbox.faults().push(op, Fault::status(500));
    }
    sandbox.faults().clear();
    assert!(
        Operation::ALL
            .iter()
            .all(|op| sandbox.faults().pending(*op) == 0)
    );
    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
}

#[tokio::test]
async fn concurrent_requests_each_take_one_fault() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .script(Operation::ListSessions, (0..5).map(|_| Fault::status(503)));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let addr = sandbox.local_addr();
        let request = list_request(&sandbox);
        tasks.spawn(async move { exchange(addr, &request).await.parse().status });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.expect("task"));
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 503, 503, 503, 503, 503]);
    assert_eq!(sandbox.request_count(Operation::ListSessions), 10);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn close_before_headers_closes_cleanly_without_an_answer() {
    let sandbox = sandbox().await;
    let target = sandbox.session_ids()[0];
    sandbox
        .faults()
        .push(Operation::RevokeSession, Fault::CloseBeforeHeaders);
    let raw = exchange(
        sandbox.local_addr(),
        &request(
            "DELETE",
            &format!("{SESSIONS}/{target}"),
            Some(sandbox.demo_token()),
            None,
            None,
        ),
    )
    .await;
    assert!(
        raw.bytes.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&raw.bytes)
    );
    assert_eq!(raw.end, End::Eof, "a clean close, not a reset");
    // Nothing was processed, and the next request is served.
    assert!(sandbox.session_ids().contains(&target));
    assert_eq!(sandbox.request_count(Operation::RevokeSession), 1);
    assert_ok(&call(&sandbox, "DELETE", &format!("{SESSIONS}/{target}"), None).await);
}

#[tokio::test]
async fn close_before_headers_is_an_incomplete_message_for_hyper() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push(Operation::ListSessions, Fault::CloseBeforeHeaders);
    let stream = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    let driver = tokio::spawn(connection);
    let request = http::Request::get(SESSIONS)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {}", sandbox.demo_token()))
        .body(Empty::<Bytes>::new())
        .expect("request");
    let error = sender.send_request(request).await.expect_err("no answer");
    assert!(error.is_incomplete_message(), "{error:?}");
    let _ = tokio::time::timeout(Duration::from_secs(2), driver).await;
}

#[tokio::test]
async fn stall_never_answers_and_shutdown_ends_it_promptly() {
    let sandbox = sandbox().await;
    let target = sandbox.session_ids()[0];
    sandbox
        .faults()
        .push(Operation::RevokeSession, Fault::Stall);
    let mut stalled = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    stalled
        .write_all(&request(
            "DELETE",
            &format!("{SESSIONS}/{target}"),
            Some(sandbox.demo_token()),
            None,
            None,
        ))
        .await
        .expect("write");
    let raw = read_until_closed(&mut stalled, Duration::from_millis(700)).await;
    assert!(raw.bytes.is_empty(), "no answer while stalled");
    assert_eq!(raw.end, End::Open);
    // The request arrived (counted and recorded) but was not processed.
    assert_eq!(sandbox.request_count(Operation::RevokeSession), 1);
    assert_eq!(sandbox.requests_for(Operation::RevokeSession).len(), 1);
    assert!(sandbox.session_ids().contains(&target));
    // Other requests are served meanwhile.
    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);

    // Shutting down ends the stall at once (not after the grace period):
    // the stalled connection is closed without an answer.
    let started = Instant::now();
    let (_, raw) = tokio::join!(
        sandbox.shutdown(),
        read_until_closed(&mut stalled, Duration::from_secs(5))
    );
    assert!(
        started.elapsed() < Duration::from_millis(1_500),
        "{:?}",
        started.elapsed()
    );
    assert!(raw.bytes.is_empty());
    assert_ne!(raw.end, End::Open);
}

#[tokio::test]
async fn a_stalled_request_the_client_abandons_does_not_block_the_next() {
    let sandbox = sandbox().await;
    sandbox.faults().push(Operation::ListSessions, Fault::Stall);
    let gave_up = exchange_with_deadline(
        sandbox.local_addr(),
        &list_request(&sandbox),
        Duration::from_millis(300),
    )
    .await;
    assert!(gave_up.bytes.is_empty());
    assert_eq!(gave_up.end, End::Open);
    // The stall took one fault only.
    let raw = exchange(sandbox.local_addr(), &list_request(&sandbox)).await;
    assert_eq!(assert_ok(&raw.parse())["total"], json!(4));
}

#[tokio::test]
async fn stall_mid_body_sends_half_then_nothing_until_shutdown() {
    let sandbox = sandbox().await;
    let target = sandbox.session_ids()[0];
    sandbox
        .faults()
        .push(Operation::GetSession, Fault::StallMidBody);
    let mut stream = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    stream
        .write_all(&request(
            "GET",
            &format!("{SESSIONS}/{target}"),
            Some(sandbox.demo_token()),
            None,
            None,
        ))
        .await
        .expect("write");
    let partial = read_until_closed(&mut stream, Duration::from_millis(700)).await;
    assert_eq!(partial.end, End::Open);
    let first = partial.first_byte.expect("headers and half the body");
    assert!(first < Duration::from_millis(500), "{first:?}");
    let parsed = partial.parse();
    assert_eq!(parsed.status, 200);
    let declared = parsed.content_length().expect("Content-Length");
    assert!(!parsed.body.is_empty());
    assert_eq!(parsed.body.len(), declared / 2);

    let started = Instant::now();
    let (_, rest) = tokio::join!(
        sandbox.shutdown(),
        read_until_closed(&mut stream, Duration::from_secs(5))
    );
    assert!(started.elapsed() < Duration::from_millis(1_500));
    assert!(rest.bytes.is_empty(), "nothing more was sent");
    assert_ne!(rest.end, End::Open);
}

#[tokio::test]
async fn stall_mid_body_processes_the_request() {
    let sandbox = sandbox().await;
    let target = sandbox.session_ids()[0];
    sandbox
        .faults()
        .push(Operation::RevokeSession, Fault::StallMidBody);
    let raw = exchange_with_deadline(
        sandbox.local_addr(),
        &request(
            "DELETE",
            &format!("{SESSIONS}/{target}"),
            Some(sandbox.demo_token()),
            None,
            None,
        ),
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(raw.end, End::Open);
    assert_eq!(raw.parse().status, 200);
    assert!(
        !sandbox.session_ids().contains(&target),
        "the revoke happened"
    );
}

#[tokio::test]
async fn raw_faults_answer_exactly_what_was_scripted() {
    let sandbox = sandbox().await;
    sandbox.faults().script(
        Operation::ListSessions,
        [
            Fault::raw(
                200,
                "application/json",
                r#"{"success":true,"data":{"sessions":"#,
            ),
            Fault::Raw {
                status: 502,
                content_type: None,
                body: b"upstream says no".to_vec(),
            },
            Fault::raw(204, "text/plain", "dropped: 204 has no body"),
            Fault::raw(42, "bad\nvalue", "x"),
            Fault::raw(200, "application/json", ""),
        ],
    );
    let truncated_json = call(&sandbox, "GET", SESSIONS, None).await;
    assert_eq!(truncated_json.status, 200);
    assert_eq!(
        truncated_json.header("content-type"),
        Some("application/json")
    );
    assert_eq!(
        truncated_json.body,
        br#"{"success":true,"data":{"sessions":"#
    );

    let no_type = call(&sandbox, "GET", SESSIONS, None).await;
    assert_eq!(no_type.status, 502);
    assert_eq!(no_type.header("content-type"), None);
    assert_eq!(no_type.body, b"upstream says no");

    let raw = exchange(sandbox.local_addr(), &list_request(&sandbox)).await;
    let no_content = raw.parse();
    assert_eq!(no_content.status, 204);
    assert!(no_content.body.is_empty());

    let clamped = call(&sandbox, "GET", SESSIONS, None).await;
    assert_eq!(clamped.status, 500, "a status outside 200..=599 is 500");
    assert_eq!(
        clamped.header("content-type"),
        None,
        "invalid value left out"
    );
    assert_eq!(clamped.body, b"x");

    let empty = call(&sandbox, "GET", SESSIONS, None).await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.is_empty());
    assert_eq!(empty.content_length(), Some(0));

    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
}

#[tokio::test]
async fn http2_close_and_stall_affect_only_their_stream() {
    let sandbox = sandbox().await;
    sandbox.faults().script(
        Operation::ListSessions,
        [Fault::CloseBeforeHeaders, Fault::Stall],
    );
    let tcp = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        TokioIo::new(tcp),
    )
    .await
    .expect("h2c handshake");
    let driver = tokio::spawn(connection);
    let uri = format!("{}{SESSIONS}", sandbox.base_url());
    let get = || {
        http::Request::get(uri.as_str())
            .header("authorization", format!("Bearer {}", sandbox.demo_token()))
            .body(Empty::<Bytes>::new())
            .expect("request")
    };
    // The closed one is a reset stream.
    let closed = sender.send_request(get()).await;
    assert!(closed.is_err(), "{closed:?}");
    // The stalled one never answers; the client gives up.
    let stalled =
        tokio::time::timeout(Duration::from_millis(300), sender.send_request(get())).await;
    assert!(stalled.is_err(), "still stalled");
    // The connection still serves.
    let response = sender.send_request(get()).await.expect("response");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(json["data"]["total"], json!(4));
    assert_eq!(sandbox.connection_count(), 1);
    driver.abort();
}
