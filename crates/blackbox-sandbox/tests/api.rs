//! The seven operations, their semantics and every bad-input answer, over
//! real loopback sockets.

mod common;

use std::time::Duration;

use blackbox_sandbox::{Operation, Sandbox};
use common::*;
use serde_json::{Value, json};

const SESSIONS: &str = "/api/v0/sessions";
const FIELDS: [&str; 8] = [
    "id",
    "user_id",
    "token",
    "created_at",
    "expires_at",
    "user_agent",
    "ip_address",
    "is_current",
];

async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("start the sandbox")
}

fn assert_session_shape(session: &Value) {
    let object = session.as_object().expect("SessionInfo is an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = FIELDS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    for key in ["id", "user_id"] {
        let text = session[key].as_str().expect("uuid string");
        assert_eq!(
            uuid::Uuid::parse_str(text)
                .map(|u| u.to_string())
                .ok()
                .as_deref(),
            Some(text)
        );
    }
    for key in ["created_at", "expires_at"] {
        parse_rfc3339(session[key].as_str().expect("timestamp string"));
    }
    for key in ["token", "user_agent", "ip_address"] {
        assert!(session[key].is_string());
    }
    assert!(session["is_current"].is_boolean());
}

async fn stats(sandbox: &Sandbox) -> (u64, u64, u64) {
    let data = assert_ok(&call(sandbox, "GET", &format!("{SESSIONS}/stats"), None).await);
    let object = data.as_object().expect("stats object");
    assert_eq!(object.len(), 3);
    let n = |k: &str| data[k].as_u64().expect("count");
    (
        n("total_sessions"),
        n("active_sessions"),
        n("expired_sessions"),
    )
}

#[tokio::test]
async fn list_sessions_returns_the_users_sessions_in_order() {
    let sandbox = sandbox().await;
    let response = call(&sandbox, "GET", SESSIONS, None).await;
    let json = response.json();
    assert_eq!(json["message"], Value::Null);
    let data = assert_ok(&response);
    assert_eq!(data.as_object().map(|o| o.len()), Some(2));
    let sessions = data["sessions"].as_array().expect("sessions array");
    assert_eq!(data["total"], json!(4));
    assert_eq!(sessions.len(), 4);
    for session in sessions {
        assert_session_shape(session);
    }
    let current: Vec<&Value> = sessions
        .iter()
        .filter(|s| s["is_current"] == json!(true))
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(
        current[0]["id"],
        json!(sandbox.demo_session_id().to_string())
    );
    assert_eq!(current[0]["token"], json!(sandbox.demo_token()));
    // One expired session is listed too.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let expired = sessions
        .iter()
        .filter(|s| parse_rfc3339(s["expires_at"].as_str().unwrap_or_default()) <= now)
        .count();
    assert_eq!(expired, 1);
    // Sorted by created_at then id, all of the same user.
    let keys: Vec<(i64, String)> = sessions
        .iter()
        .map(|s| {
            (
                parse_rfc3339(s["created_at"].as_str().unwrap_or_default()),
                s["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(
        sessions
            .iter()
            .all(|s| s["user_id"] == sessions[0]["user_id"])
    );
    assert_eq!(
        json!(sandbox.demo_user_id().to_string()),
        sessions[0]["user_id"]
    );
    let ids: Vec<String> = sandbox
        .session_ids()
        .iter()
        .map(|id| id.to_string())
        .collect();
    let listed: Vec<String> = keys.into_iter().map(|(_, id)| id).collect();
    assert_eq!(ids, listed);
    assert_eq!(sandbox.request_count(Operation::ListSessions), 1);
}

#[tokio::test]
async fn extra_and_added_sessions_are_listed() {
    let sandbox = Sandbox::builder()
        .extra_sessions(100)
        .start()
        .await
        .expect("start");
    let (id, token) = sandbox.add_session(Duration::from_secs(3_600));
    let data = assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
    assert_eq!(data["total"], json!(105));
    assert_eq!(data["sessions"].as_array().map(Vec::len), Some(105));
    assert_eq!(sandbox.session_ids().len(), 105);
    // The added session's token works and is the current one for its caller.
    let data =
        assert_ok(&call_as(&sandbox, &token, "GET", &format!("{SESSIONS}/{id}"), None).await);
    assert_eq!(data["is_current"], json!(true));
    assert_eq!(data["token"], json!(token));
}

#[tokio::test]
async fn get_session_returns_it_and_hides_others() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo_session_id();
    let data = assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}/{demo}"), None).await);
    assert_session_shape(&data);
    assert_eq!(data["id"], json!(demo.to_string()));
    assert_eq!(data["is_current"], json!(true));

    let other = sandbox
        .session_ids()
        .into_iter()
        .find(|id| *id != demo)
        .expect("another session");
    let data = assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}/{other}"), None).await);
    assert_eq!(data["is_current"], json!(false));

    let foreign = sandbox.other_user_session_id();
    assert_error(
        &call(&sandbox, "GET", &format!("{SESSIONS}/{foreign}"), None).await,
        404,
    );
    let unknown = uuid::Uuid::new_v4();
    let unknown_message = assert_error(
        &call(&sandbox, "GET", &format!("{SESSIONS}/{unknown}"), None).await,
        404,
    );
    let foreign_message = assert_error(
        &call(&sandbox, "GET", &format!("{SESSIONS}/{foreign}"), None).await,
        404,
    );
    assert_eq!(unknown_message, foreign_message, "no existence leak");
    let message = assert_error(
        &call(&sandbox, "GET", &format!("{SESSIONS}/not-a-uuid"), None).await,
        400,
    );
    assert!(message.contains("UUID"), "{message}");
    assert_eq!(sandbox.request_count(Operation::GetSession), 6);
}

#[tokio::test]
async fn revoke_session_removes_it() {
    let sandbox = sandbox().await;
    let target = sandbox
        .session_ids()
        .into_iter()
        .find(|id| *id != sandbox.demo_session_id())
        .expect("another session");
    let response = call(&sandbox, "DELETE", &format!("{SESSIONS}/{target}"), None).await;
    assert_ok(&response);
    assert_eq!(
        response.json(),
        json!({"success": true, "message": "Session revoked", "data": null})
    );
    assert!(!sandbox.session_ids().contains(&target));
    assert_error(
        &call(&sandbox, "GET", &format!("{SESSIONS}/{target}"), None).await,
        404,
    );
    assert_error(
        &call(&sandbox, "DELETE", &format!("{SESSIONS}/{target}"), None).await,
        404,
    );
    let foreign = sandbox.other_user_session_id();
    assert_error(
        &call(&sandbox, "DELETE", &format!("{SESSIONS}/{foreign}"), None).await,
        404,
    );
    assert_error(
        &call(&sandbox, "DELETE", &format!("{SESSIONS}/xyz"), None).await,
        400,
    );
    assert_eq!(stats(&sandbox).await.0, 3);
    assert_eq!(sandbox.request_count(Operation::RevokeSession), 4);
}

#[tokio::test]
async fn revoking_the_current_session_invalidates_its_token() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo_session_id();
    assert_ok(&call(&sandbox, "DELETE", &format!("{SESSIONS}/{demo}"), None).await);
    let response = call(&sandbox, "GET", SESSIONS, None).await;
    assert_error(&response, 401);
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    assert_eq!(sandbox.session_ids().len(), 3);
}

#[tokio::test]
async fn revoke_all_keeping_current_keeps_exactly_the_callers_session() {
    let sandbox = sandbox().await;
    let response = call(
        &sandbox,
        "POST",
        &format!("{SESSIONS}/revoke-all"),
        Some(json!({"keep_current": true})),
    )
    .await;
    let data = assert_ok(&response);
    assert_eq!(data, Value::Null);
    assert_eq!(sandbox.session_ids(), vec![sandbox.demo_session_id()]);
    let data = assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
    assert_eq!(data["total"], json!(1));
    assert_eq!(data["sessions"][0]["is_current"], json!(true));
    // The other user's session is untouched (still hidden, not gone): its
    // owner is not the caller, so all we can see is that ours are gone.
    assert_eq!(stats(&sandbox).await, (1, 1, 0));
}

#[tokio::test]
async fn revoke_all_without_keeping_current_logs_the_caller_out() {
    let sandbox = sandbox().await;
    let (_, spare_token) = sandbox.add_session(Duration::from_secs(600));
    assert_ok(
        &call(
            &sandbox,
            "POST",
            &format!("{SESSIONS}/revoke-all"),
            Some(json!({"keep_current": false})),
        )
        .await,
    );
    assert!(sandbox.session_ids().is_empty());
    assert_error(&call(&sandbox, "GET", SESSIONS, None).await, 401);
    assert_error(
        &call_as(&sandbox, &spare_token, "GET", SESSIONS, None).await,
        401,
    );
}

#[tokio::test]
async fn extend_session_moves_expires_at_by_the_hours() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo_session_id();
    let path = format!("{SESSIONS}/{demo}/extend");
    let before = assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}/{demo}"), None).await);
    let before = parse_rfc3339(before["expires_at"].as_str().unwrap_or_default());

    let data = assert_ok(
        &call(
            &sandbox,
            "POST",
            &path,
            Some(json!({"extension_hours": 861018})),
        )
        .await,
    );
    assert_session_shape(&data);
    assert_eq!(data["id"], json!(demo.to_string()));
    assert_eq!(data["is_current"], json!(true));
    let after = parse_rfc3339(data["expires_at"].as_str().unwrap_or_default());
    assert_eq!(after - before, 861_018 * 3_600);
    let stored = assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}/{demo}"), None).await);
    assert_eq!(stored["expires_at"], data["expires_at"]);

    let data = assert_ok(&call(&sandbox, "POST", &path, Some(json!({"extension_hours": 0}))).await);
    assert_eq!(
        parse_rfc3339(data["expires_at"].as_str().unwrap_or_default()),
        after
    );

    // Past 9999-12-31T23:59:59Z: refused, and nothing changes.
    let message = assert_error(
        &call(
            &sandbox,
            "POST",
            &path,
            Some(json!({"extension_hours": i32::MAX})),
        )
        .await,
        400,
    );
    assert!(message.contains("9999"), "{message}");
    let stored = assert_ok(&call(&sandbox, "GET", &format!("{SESSIONS}/{demo}"), None).await);
    assert_eq!(
        parse_rfc3339(stored["expires_at"].as_str().unwrap_or_default()),
        after
    );

    let foreign = sandbox.other_user_session_id();
    let body = Some(json!({"extension_hours": 1}));
    assert_error(
        &call(
            &sandbox,
            "POST",
            &format!("{SESSIONS}/{foreign}/extend"),
            body.clone(),
        )
        .await,
        404,
    );
    let unknown = uuid::Uuid::new_v4();
    assert_error(
        &call(
            &sandbox,
            "POST",
            &format!("{SESSIONS}/{unknown}/extend"),
            body.clone(),
        )
        .await,
        404,
    );
    assert_error(
        &call(&sandbox, "POST", &format!("{SESSIONS}/1234/extend"), body).await,
        400,
    );
}

#[tokio::test]
async fn cleanup_removes_exactly_the_expired_sessions() {
    let sandbox = sandbox().await;
    assert_eq!(stats(&sandbox).await, (4, 3, 1));
    let before = sandbox.session_ids();
    let response = call(&sandbox, "POST", &format!("{SESSIONS}/cleanup"), None).await;
    assert_eq!(assert_ok(&response), Value::Null);
    assert_eq!(stats(&sandbox).await, (3, 3, 0));
    let after = sandbox.session_ids();
    assert_eq!(after.len(), 3);
    assert!(after.iter().all(|id| before.contains(id)));
    assert!(after.contains(&sandbox.demo_session_id()));
    // Idempotent.
    assert_ok(&call(&sandbox, "POST", &format!("{SESSIONS}/cleanup"), None).await);
    assert_eq!(stats(&sandbox).await, (3, 3, 0));
    assert_eq!(sandbox.request_count(Operation::CleanupExpiredSessions), 2);
    assert_eq!(sandbox.request_count(Operation::GetSessionStats), 3);
}

#[tokio::test]
async fn advancing_the_clock_expires_sessions() {
    let sandbox = sandbox().await;
    // Seeded: demo (24 h), 7 days, 12 h, and one expired.
    sandbox.clock().advance(Duration::from_secs(13 * 3_600));
    assert_eq!(stats(&sandbox).await, (4, 2, 2));
    assert_ok(&call(&sandbox, "POST", &format!("{SESSIONS}/cleanup"), None).await);
    assert_eq!(stats(&sandbox).await, (2, 2, 0));
    // New timestamps follow the sandbox clock as well.
    let (id, token) = sandbox.add_session(Duration::from_secs(3_600));
    let data =
        assert_ok(&call_as(&sandbox, &token, "GET", &format!("{SESSIONS}/{id}"), None).await);
    let created = parse_rfc3339(data["created_at"].as_str().unwrap_or_default());
    let expires = parse_rfc3339(data["expires_at"].as_str().unwrap_or_default());
    assert_eq!(expires - created, 3_600);
    let real_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    assert!(
        (created - real_now - 13 * 3_600).abs() < 10,
        "{created} vs {real_now}"
    );
    // Past the demo session's expiry, the demo token stops working.
    sandbox.clock().advance(Duration::from_secs(12 * 3_600));
    assert_error(&call(&sandbox, "GET", SESSIONS, None).await, 401);
    assert_error(&call_as(&sandbox, &token, "GET", SESSIONS, None).await, 401);
    sandbox.clock().set_offset(Duration::ZERO);
    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
}

#[tokio::test]
async fn unauthenticated_requests_get_401() {
    let sandbox = sandbox().await;
    let addr = sandbox.local_addr();
    for token in [None, Some("bbx_not_a_real_token")] {
        let parsed = exchange(addr, &request("GET", SESSIONS, token, None, None))
            .await
            .parse();
        assert_error(&parsed, 401);
        assert_eq!(parsed.header("www-authenticate"), Some("Bearer"));
    }
    let basic = format!(
        "GET {SESSIONS} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\nConnection: close\r\n\r\n",
        sandbox.demo_token()
    );
    assert_error(&exchange(addr, basic.as_bytes()).await.parse(), 401);
    // The other user's token is valid, but only for its own sessions.
    let lowercase = format!(
        "GET {SESSIONS}/stats HTTP/1.1\r\nHost: x\r\nauthorization: bearer {}\r\nConnection: close\r\n\r\n",
        sandbox.demo_token()
    );
    assert_ok(&exchange(addr, lowercase.as_bytes()).await.parse());
}

#[tokio::test]
async fn bad_json_bodies_get_400_or_422() {
    let sandbox = sandbox().await;
    let addr = sandbox.local_addr();
    let token = Some(sandbox.demo_token());
    let extend = format!("{SESSIONS}/{}/extend", sandbox.demo_session_id());
    let revoke_all = format!("{SESSIONS}/revoke-all");
    let cases: Vec<(&str, &[u8], u16)> = vec![
        (&revoke_all, br#"{"keep_current":"#, 400),
        (&revoke_all, b"", 400),
        (&revoke_all, b"not json", 400),
        (&revoke_all, br#"{"keep_current":true} trailing"#, 400),
        (&revoke_all, br#"{}"#, 422),
        (&revoke_all, br#"{"keep_current":"yes"}"#, 422),
        (&revoke_all, br#"{"keep_current":1}"#, 422),
        (&revoke_all, br#"[true]"#, 422),
        (&revoke_all, br#"null"#, 422),
        (&extend, br#"{"extension_hours":}"#, 400),
        (&extend, br#"{}"#, 422),
        (&extend, br#"{"extension_hours":-1}"#, 422),
        (&extend, br#"{"extension_hours":1.5}"#, 422),
        (&extend, br#"{"extension_hours":2.0}"#, 422),
        (&extend, br#"{"extension_hours":2147483648}"#, 422),
        (&extend, br#"{"extension_hours":"3"}"#, 422),
        (&extend, br#"{"extension_hours":null}"#, 422),
    ];
    for (path, body, status) in cases {
        let raw = exchange(
            addr,
            &request("POST", path, token, Some("application/json"), Some(body)),
        )
        .await;
        let message = assert_error(&raw.parse(), status);
        let body_text = String::from_utf8_lossy(body);
        if status == 422 {
            assert!(message.contains("schema"), "{body_text}: {message}");
        } else {
            assert!(message.contains("JSON"), "{body_text}: {message}");
        }
    }
    // Nothing was revoked or extended by the failures.
    assert_eq!(sandbox.session_ids().len(), 4);
}

#[tokio::test]
async fn content_type_must_be_json_for_body_carrying_posts() {
    let sandbox = sandbox().await;
    let addr = sandbox.local_addr();
    let token = Some(sandbox.demo_token());
    let body: &[u8] = br#"{"keep_current":true}"#;
    let path = format!("{SESSIONS}/revoke-all");
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/jsonp"),
    ] {
        let raw = exchange(
            addr,
            &request("POST", &path, token, content_type, Some(body)),
        )
        .await;
        let message = assert_error(&raw.parse(), 415);
        assert!(message.contains("application/json"), "{message}");
    }
    let extend = format!("{SESSIONS}/{}/extend", sandbox.demo_session_id());
    let raw = exchange(
        addr,
        &request(
            "POST",
            &extend,
            token,
            Some("text/json"),
            Some(br#"{"extension_hours":1}"#),
        ),
    )
    .await;
    assert_error(&raw.parse(), 415);
    for content_type in [
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
    ] {
        let raw = exchange(
            addr,
            &request("POST", &path, token, Some(content_type), Some(body)),
        )
        .await;
        assert_ok(&raw.parse());
    }
}

#[tokio::test]
async fn unknown_paths_get_404_and_wrong_methods_405_with_allow() {
    let sandbox = sandbox().await;
    let addr = sandbox.local_addr();
    for path in [
        "/",
        "/api/v0/session",
        "/api/v0/sessions/",
        "/api/v1/sessions",
        "/api/v0/sessions/a/b/c",
    ] {
        let parsed = exchange(addr, &request("GET", path, None, None, None))
            .await
            .parse();
        assert_error(&parsed, 404);
    }
    let demo = sandbox.demo_session_id();
    let cases = [
        ("POST", SESSIONS.to_owned(), "GET"),
        ("DELETE", format!("{SESSIONS}/stats"), "GET"),
        ("GET", format!("{SESSIONS}/cleanup"), "POST"),
        ("PUT", format!("{SESSIONS}/revoke-all"), "POST"),
        ("PATCH", format!("{SESSIONS}/{demo}"), "GET, DELETE"),
        ("GET", format!("{SESSIONS}/{demo}/extend"), "POST"),
    ];
    for (method, path, allow) in cases {
        // Routing comes before authentication: no token needed for 404/405.
        let parsed = exchange(addr, &request(method, &path, None, None, None))
            .await
            .parse();
        let message = assert_error(&parsed, 405);
        assert_eq!(parsed.header("allow"), Some(allow), "{method} {path}");
        assert!(message.contains(method), "{message}");
    }
    assert_eq!(sandbox.total_requests(), 11);
    assert!(
        Operation::ALL
            .iter()
            .all(|op| sandbox.request_count(*op) == 0)
    );
}

#[tokio::test]
async fn oversized_request_bodies_get_413() {
    let sandbox = sandbox().await;
    let addr = sandbox.local_addr();
    let token = Some(sandbox.demo_token());
    let path = format!("{SESSIONS}/revoke-all");
    // A JSON body just over 64 KiB, declared with Content-Length.
    let big = format!(
        r#"{{"keep_current":true,"pad":"{}"}}"#,
        "x".repeat(64 * 1024)
    );
    let raw = exchange(
        addr,
        &request(
            "POST",
            &path,
            token,
            Some("application/json"),
            Some(big.as_bytes()),
        ),
    )
    .await;
    assert_error(&raw.parse(), 413);
    // The same, chunked (no Content-Length): caught while reading.
    let mut chunked = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        sandbox.demo_token()
    )
    .into_bytes();
    for chunk in big.as_bytes().chunks(8 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_error(&exchange(addr, &chunked).await.parse(), 413);
    // Just under the limit is fine.
    let fits = format!(
        r#"{{"keep_current":true,"pad":"{}"}}"#,
        "x".repeat(60 * 1024)
    );
    let raw = exchange(
        addr,
        &request(
            "POST",
            &path,
            token,
            Some("application/json"),
            Some(fits.as_bytes()),
        ),
    )
    .await;
    assert_ok(&raw.parse());
    assert_eq!(sandbox.session_ids(), vec![sandbox.demo_session_id()]);
}

#[tokio::test]
async fn checks_run_in_the_documented_order() {
    let sandbox = sandbox().await;
    let addr = sandbox.local_addr();
    let token = Some(sandbox.demo_token());
    let big = vec![b'{'; 70 * 1024];
    // No token beats a wrong content type.
    let raw = exchange(
        addr,
        &request(
            "POST",
            &format!("{SESSIONS}/revoke-all"),
            None,
            Some("text/plain"),
            Some(b"{"),
        ),
    )
    .await;
    assert_error(&raw.parse(), 401);
    // A wrong content type beats an oversized body.
    let raw = exchange(
        addr,
        &request(
            "POST",
            &format!("{SESSIONS}/revoke-all"),
            token,
            Some("text/plain"),
            Some(&big),
        ),
    )
    .await;
    assert_error(&raw.parse(), 415);
    // An oversized body beats a bad path id.
    let raw = exchange(
        addr,
        &request(
            "POST",
            &format!("{SESSIONS}/nope/extend"),
            token,
            Some("application/json"),
            Some(&big),
        ),
    )
    .await;
    assert_error(&raw.parse(), 413);
    // A bad path id beats malformed JSON.
    let raw = exchange(
        addr,
        &request(
            "POST",
            &format!("{SESSIONS}/nope/extend"),
            token,
            Some("application/json"),
            Some(b"{"),
        ),
    )
    .await;
    let message = assert_error(&raw.parse(), 400);
    assert!(message.contains("UUID"), "{message}");
    // No token beats a bad path id.
    let raw = exchange(
        addr,
        &request("GET", &format!("{SESSIONS}/nope"), None, None, None),
    )
    .await;
    assert_error(&raw.parse(), 401);
    // Malformed JSON beats an unknown session.
    let unknown = uuid::Uuid::new_v4();
    let raw = exchange(
        addr,
        &request(
            "POST",
            &format!("{SESSIONS}/{unknown}/extend"),
            token,
            Some("application/json"),
            Some(b"{"),
        ),
    )
    .await;
    assert_error(&raw.parse(), 400);
}

#[tokio::test]
async fn debug_output_redacts_tokens() {
    let builder = Sandbox::builder().demo_token("bbx_secret_value");
    assert!(!format!("{builder:?}").contains("bbx_secret_value"));
    let sandbox = builder.start().await.expect("start");
    let debug = format!("{sandbox:?}");
    assert!(!debug.contains("bbx_secret_value"), "{debug}");
    assert!(debug.contains("** redacted **"));
    assert!(debug.contains(&sandbox.local_addr().to_string()));
    assert_ok(&call(&sandbox, "GET", SESSIONS, None).await);
    assert!(
        Sandbox::builder()
            .demo_token("has space")
            .start()
            .await
            .is_err()
    );
    assert!(Sandbox::builder().demo_token("").start().await.is_err());
}

#[tokio::test]
async fn garbage_never_breaks_the_server() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));

    let sandbox = sandbox().await;
    let addr = sandbox.local_addr();
    let token = sandbox.demo_token().to_owned();
    let demo = sandbox.demo_session_id();
    let long_path = format!("{SESSIONS}/{}", "a".repeat(8_000));
    let cases: Vec<(Vec<u8>, Option<u16>)> = vec![
        (b"\x00\x01\x02garbage\r\n\r\n".to_vec(), Some(400)),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".to_vec(), Some(400)),
        (
            b"GET /api/v0/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\nConnection: close\r\n\r\n".to_vec(),
            Some(401),
        ),
        (
            format!("GET {SESSIONS}/%FF%FE HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").into_bytes(),
            Some(400),
        ),
        (
            format!("POST {SESSIONS}/revoke-all HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n").into_bytes(),
            None,
        ),
        (
            request("POST", &format!("{SESSIONS}/revoke-all"), Some(&token), Some("application/json"), Some(b"{\"keep_current\":\"\xff\"}")),
            Some(400),
        ),
        (
            request("POST", &format!("{SESSIONS}/{demo}/extend"), Some(&token), Some("application/json"), Some(b"{\"extension_hours\":1e400}")),
            Some(400),
        ),
        (request("BREW", SESSIONS, Some(&token), None, None), Some(405)),
        (request("GET", &format!("{SESSIONS}/{demo}/extend/../.."), Some(&token), None, None), Some(404)),
        (request("GET", &long_path, Some(&token), None, None), Some(400)),
        (b"GET /api/v0/sessions HTTP/1.0\r\n\r\n".to_vec(), Some(401)),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00garbage".to_vec(), None),
        (
            format!("POST {SESSIONS}/revoke-all HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"keep").into_bytes(),
            None,
        ),
    ];
    for (bytes, expected) in cases {
        // Requests the server is still waiting on are abandoned after 500 ms.
        let deadline = Duration::from_millis(if expected.is_some() { 3_000 } else { 500 });
        let raw = exchange_with_deadline(addr, &bytes, deadline).await;
        if let Some(status) = expected {
            let parsed = raw.parse();
            assert_eq!(
                parsed.status,
                status,
                "{:?} -> {:?}",
                String::from_utf8_lossy(&bytes),
                String::from_utf8_lossy(&raw.bytes)
            );
        }
    }
    // Still serving, state untouched, and nothing panicked.
    assert_eq!(
        assert_ok(&call(&sandbox, "GET", SESSIONS, None).await)["total"],
        json!(4)
    );
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Sandbox>();
    check::<blackbox_sandbox::SandboxBuilder>();
    check::<blackbox_sandbox::Faults>();
    check::<blackbox_sandbox::Fault>();
    check::<blackbox_sandbox::Clock>();
}
