//! The wire format of every operation, over a real loopback socket: the exact
//! request each function sends, how spec-valid answers decode, and how error
//! answers and invalid bodies surface.
//!
//! The functions are reached through the facade's `blackbox::session_management`
//! (the same functions as `blackbox_funcs::session_management`); the root
//! package depends on `blackbox` with its default features, so every operation
//! is built.

use std::fmt::Debug;

use blackbox::core::{ApiError, BlackboxCore, SecretString};
use blackbox::models::{
    ApiResponse, ExtendSessionRequest, RevokeAllSessionsRequest, SessionInfo, SessionListResponse,
    SessionStats,
};
use blackbox::session_management::{
    cleanup_expired_sessions, extend_session, get_session, get_session_stats, list_sessions,
    revoke_all_sessions, revoke_session,
};
use blackbox::uuid::Uuid;
use blackbox::{Error, RequestOptions, RetryConfig};

use blackbox_rs::{RawServer as TestServer, ReceivedRequest as Recorded, json_answer as answer};

const TOKEN: &str = "test-bearer-token";
const SESSION_ID: &str = "fe603112-c194-45c1-90cf-513753aa0744";
const USER_ID: &str = "07fd44a8-744f-491f-8c7d-18e2c7e25afb";
const SESSION_JSON: &str = r#"{"id":"fe603112-c194-45c1-90cf-513753aa0744","user_id":"07fd44a8-744f-491f-8c7d-18e2c7e25afb","token":"session-secret-token","created_at":"2026-11-27T13:00:00Z","expires_at":"2026-11-28T13:00:00Z","user_agent":"curl/8.0","ip_address":"127.0.0.1","is_current":true}"#;

fn session_id() -> Uuid {
    SESSION_ID.parse().unwrap()
}

fn session() -> SessionInfo {
    let mut session = SessionInfo::default();
    session.id = session_id();
    session.user_id = USER_ID.parse().unwrap();
    session.token = SecretString::from("session-secret-token");
    session.created_at = "2026-11-27T13:00:00Z".to_owned();
    session.expires_at = "2026-11-28T13:00:00Z".to_owned();
    session.user_agent = "curl/8.0".to_owned();
    session.ip_address = "127.0.0.1".to_owned();
    session.is_current = true;
    session
}

fn core(server: &TestServer) -> BlackboxCore {
    BlackboxCore::builder()
        .server_url(server.url())
        .token(TOKEN)
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback test client")
}

/// Checks the request line, the complete header set and the body.
#[track_caller]
fn assert_request(
    request: &Recorded,
    request_line: &str,
    accept: &str,
    body: Option<&str>,
    port: u16,
) {
    assert_eq!(request.request_line, request_line);
    let mut expected = vec![
        ("accept".to_owned(), accept.to_owned()),
        ("authorization".to_owned(), format!("Bearer {TOKEN}")),
        ("host".to_owned(), format!("127.0.0.1:{port}")),
        ("user-agent".to_owned(), "blackbox-rs/0.1.0".to_owned()),
    ];
    match body {
        Some(body) => {
            expected.push(("content-length".to_owned(), body.len().to_string()));
            expected.push(("content-type".to_owned(), "application/json".to_owned()));
            assert_eq!(String::from_utf8_lossy(&request.body), body);
        }
        // No body: no Content-Type; a bodiless POST says `Content-Length: 0`
        // (servers and proxies may answer 411 without it), a GET or DELETE
        // sends no length at all.
        None => {
            assert!(request.body.is_empty(), "{:?}", request.body);
            if request_line.starts_with("POST ") {
                expected.push(("content-length".to_owned(), "0".to_owned()));
            }
        }
    }
    expected.sort();
    assert_eq!(
        request.headers,
        expected,
        "{}",
        String::from_utf8_lossy(&request.raw)
    );
}

/// The envelope's fields, and the status and content type of the answer it
/// came in (a 200 from the scripted server).
#[track_caller]
fn assert_envelope<T: PartialEq + Debug>(
    response: &ApiResponse<T>,
    message: Option<&str>,
    data: Option<&T>,
) {
    assert!(response.success, "{response:?}");
    assert_eq!(response.message.as_deref(), message);
    assert_eq!(response.data.as_ref(), data);
    assert_eq!(response.meta().status(), 200);
    assert_eq!(
        response.meta().headers()["content-type"],
        "application/json"
    );
}

/// The API error inside `error`; panics on any other error.
#[track_caller]
fn api_error(error: &Error) -> &ApiError {
    match error {
        Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[track_caller]
fn assert_api_error(error: &Error, status: u16, message: &str) {
    let api = api_error(error);
    assert_eq!(api.status().as_u16(), status);
    assert_eq!(api.message(), Some(message));
    assert_eq!(error.status().map(|status| status.as_u16()), Some(status));
}

#[track_caller]
fn assert_validation_error(error: &Error, body: &str) {
    let Error::ResponseValidation(validation) = error else {
        panic!("expected a response validation error, got {error:?}");
    };
    assert_eq!(validation.status().as_u16(), 200);
    assert_eq!(&validation.body()[..], body.as_bytes());
}

fn unauthorized() -> Vec<u8> {
    answer(
        "401 Unauthorized",
        &["www-authenticate: Bearer", "x-request-id: req-401"],
        r#"{"success":false,"message":"Invalid or expired token","data":null}"#,
    )
}

fn not_found() -> Vec<u8> {
    answer(
        "404 Not Found",
        &["x-request-id: req-404"],
        r#"{"success":false,"message":"Session not found"}"#,
    )
}

// ---- list_sessions ---------------------------------------------------------

#[tokio::test]
async fn list_sessions_sends_get_without_body() {
    let body = format!(
        r#"{{"success":true,"message":null,"data":{{"sessions":[{SESSION_JSON}],"total":1}}}}"#
    );
    let server = start(vec![ok(&body)]).await;
    let result = list_sessions(&core(&server), None).await.expect("decodes");
    assert_request(
        &server.single_request(),
        "GET /api/v0/sessions HTTP/1.1",
        "application/json",
        None,
        server.address().port(),
    );
    let mut list = SessionListResponse::default();
    list.sessions = vec![session()];
    list.total = 1;
    assert_envelope(&result, None, Some(&list));
}

#[tokio::test]
async fn list_sessions_decodes_absent_data_unknown_fields_and_large_totals() {
    let server = start(vec![
        ok(r#"{"success":true}"#),
        ok(r#"{"success":true,"message":"ok","data":{"sessions":[],"total":18446744073709551615,"next":null},"trace":{"id":1}}"#),
    ])
    .await;
    let core = core(&server);
    let absent = list_sessions(&core, None)
        .await
        .expect("absent data and message decode");
    assert_envelope(&absent, None, None);
    let large = list_sessions(&core, None)
        .await
        .expect("unknown fields are ignored");
    assert_eq!(large.message.as_deref(), Some("ok"));
    assert_eq!(large.data.expect("data").total, u64::MAX);
}

#[tokio::test]
async fn list_sessions_unauthorized_is_an_api_error() {
    let server = start(vec![unauthorized()]).await;
    let error = list_sessions(&core(&server), None).await.expect_err("401");
    assert_api_error(&error, 401, "Invalid or expired token");
    let api = api_error(&error);
    assert_eq!(api.headers()["www-authenticate"], "Bearer");
    assert_eq!(api.headers()["x-request-id"], "req-401");
    assert_eq!(
        &api.body()[..],
        br#"{"success":false,"message":"Invalid or expired token","data":null}"#
    );
}

#[tokio::test]
async fn list_sessions_invalid_bodies_are_validation_errors() {
    let bodies = [
        r#"{"success":true,"data":{"sessions":[],"total":"1"}}"#,
        r#"{"success":true,"data":{"sessions":[],"total":-1}}"#,
        r#"{"success":true,"data":{"total":0}}"#,
        r#"{"message":null}"#,
        r#"{"success":true,"data":{"sessions":[{"id":"not-a-uuid"}],"total":1}}"#,
        r#"{"success":true,"data":{"sessions":[],"total":0}"#,
        "<html>oops</html>",
        "",
        // Not an object: the envelope's fields as a JSON array.
        "[true]",
        r#"[true,null,{"sessions":[],"total":0}]"#,
    ];
    let server = start(bodies.iter().map(|body| ok(body)).collect()).await;
    let core = core(&server);
    for body in bodies {
        let error = list_sessions(&core, None).await.expect_err(body);
        assert_validation_error(&error, body);
    }
}

#[tokio::test]
async fn per_call_options_reach_the_wire() {
    let server = start(vec![ok(r#"{"success":true}"#)]).await;
    let options = RequestOptions::new().header("x-request-id", "42");
    list_sessions(&core(&server), Some(options))
        .await
        .expect("decodes");
    assert_eq!(server.single_request().header("x-request-id"), Some("42"));
}

// ---- cleanup_expired_sessions ---------------------------------------------

#[tokio::test]
async fn cleanup_expired_sessions_sends_post_with_empty_body_and_no_content_type() {
    let server = start(vec![ok(
        r#"{"success":true,"message":"Cleaned up 2 sessions","data":null}"#,
    )])
    .await;
    cleanup_expired_sessions(&core(&server), None)
        .await
        .expect("2xx");
    let request = server.single_request();
    assert_request(
        &request,
        "POST /api/v0/sessions/cleanup HTTP/1.1",
        "*/*",
        None,
        server.address().port(),
    );
    assert_eq!(request.header("content-type"), None);
    // The exact bytes, header order included.
    assert_eq!(
        String::from_utf8_lossy(&request.raw),
        format!(
            "POST /api/v0/sessions/cleanup HTTP/1.1\r\naccept: */*\r\n\
             user-agent: blackbox-rs/0.1.0\r\nauthorization: Bearer {TOKEN}\r\n\
             content-length: 0\r\nhost: 127.0.0.1:{}\r\n\r\n",
            server.address().port()
        )
    );
}

#[tokio::test]
async fn operations_without_a_response_model_accept_any_2xx_with_or_without_body() {
    let server = start(vec![
        b"HTTP/1.1 204 No Content\r\n\r\n".to_vec(),
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec(),
        answer("202 Accepted", &[], "not json at all"),
        ok(r#"{"success":true,"message":null,"data":null}"#),
    ])
    .await;
    let core = core(&server);
    cleanup_expired_sessions(&core, None).await.expect("204");
    revoke_session(&core, session_id(), None)
        .await
        .expect("200 empty");
    revoke_all_sessions(&core, RevokeAllSessionsRequest::new(true), None)
        .await
        .expect("202 non-JSON");
    cleanup_expired_sessions(&core, None)
        .await
        .expect("200 envelope");
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn cleanup_expired_sessions_unauthorized_is_an_api_error() {
    let server = start(vec![unauthorized()]).await;
    let error = cleanup_expired_sessions(&core(&server), None)
        .await
        .expect_err("401");
    assert_api_error(&error, 401, "Invalid or expired token");
}

// ---- revoke_all_sessions ---------------------------------------------------

#[tokio::test]
async fn revoke_all_sessions_sends_compact_json_body() {
    let server = start(vec![ok(
        r#"{"success":true,"message":"Revoked","data":null}"#,
    )])
    .await;
    let core = core(&server);
    let revoked = revoke_all_sessions(&core, RevokeAllSessionsRequest::new(false), None)
        .await
        .expect("2xx");
    assert_envelope(&revoked, Some("Revoked"), Some(&()));
    revoke_all_sessions(&core, RevokeAllSessionsRequest::new(true), None)
        .await
        .expect("2xx");
    let requests = server.received();
    assert_eq!(requests.len(), 2);
    // The exact bytes, header order included.
    assert_eq!(
        String::from_utf8_lossy(&requests[0].raw),
        format!(
            "POST /api/v0/sessions/revoke-all HTTP/1.1\r\naccept: */*\r\n\
             user-agent: blackbox-rs/0.1.0\r\nauthorization: Bearer {TOKEN}\r\n\
             content-type: application/json\r\nhost: 127.0.0.1:{}\r\n\
             content-length: 22\r\n\r\n{{\"keep_current\":false}}",
            server.address().port()
        )
    );
    assert_request(
        &requests[0],
        "POST /api/v0/sessions/revoke-all HTTP/1.1",
        "*/*",
        Some(r#"{"keep_current":false}"#),
        server.address().port(),
    );
    assert_request(
        &requests[1],
        "POST /api/v0/sessions/revoke-all HTTP/1.1",
        "*/*",
        Some(r#"{"keep_current":true}"#),
        server.address().port(),
    );
}

#[tokio::test]
async fn revoke_all_sessions_unauthorized_is_an_api_error() {
    let server = start(vec![unauthorized()]).await;
    let error = revoke_all_sessions(&core(&server), RevokeAllSessionsRequest::new(false), None)
        .await
        .expect_err("401");
    assert_api_error(&error, 401, "Invalid or expired token");
}

// ---- get_session_stats -----------------------------------------------------

#[tokio::test]
async fn get_session_stats_sends_get_and_decodes_u64_exactly() {
    // 2^53 + 1 is the first integer an f64 cannot hold.
    let body = r#"{"success":true,"message":null,"data":{"total_sessions":9007199254740993,"active_sessions":18446744073709551615,"expired_sessions":0,"extra":true}}"#;
    let server = start(vec![ok(body)]).await;
    let result = get_session_stats(&core(&server), None)
        .await
        .expect("decodes");
    assert_request(
        &server.single_request(),
        "GET /api/v0/sessions/stats HTTP/1.1",
        "application/json",
        None,
        server.address().port(),
    );
    let mut stats = SessionStats::default();
    stats.total_sessions = 9_007_199_254_740_993;
    stats.active_sessions = u64::MAX;
    stats.expired_sessions = 0;
    assert_envelope(&result, None, Some(&stats));
}

#[tokio::test]
async fn get_session_stats_unauthorized_and_invalid_bodies() {
    let invalid = r#"{"success":true,"data":{"total_sessions":1,"active_sessions":1}}"#;
    let fractional = r#"{"success":true,"data":{"total_sessions":1.5,"active_sessions":1,"expired_sessions":0}}"#;
    let server = start(vec![
        unauthorized(),
        ok(invalid),
        ok(fractional),
        ok(r#"{"success":false}"#),
    ])
    .await;
    let core = core(&server);
    let error = get_session_stats(&core, None).await.expect_err("401");
    assert_api_error(&error, 401, "Invalid or expired token");
    assert_validation_error(
        &get_session_stats(&core, None)
            .await
            .expect_err("missing counter"),
        invalid,
    );
    assert_validation_error(
        &get_session_stats(&core, None).await.expect_err("fraction"),
        fractional,
    );
    // Schema-valid, but the envelope says the call failed: an API error with
    // the 200 status (it was `Ok` with `success: false` before 0.1).
    let error = get_session_stats(&core, None)
        .await
        .expect_err("success:false is a failure");
    let api = api_error(&error);
    assert_eq!(api.status(), 200);
    assert_eq!(api.message(), None);
    assert_eq!(&api.body()[..], br#"{"success":false}"#);
    assert!(!error.is_retryable());
}

// ---- get_session -----------------------------------------------------------

#[tokio::test]
async fn get_session_sends_get_with_the_id_in_the_path() {
    let body =
        format!(r#"{{"success":true,"message":"found","data":{SESSION_JSON},"unknown":[1,2]}}"#);
    let server = start(vec![ok(&body)]).await;
    let result = get_session(&core(&server), session_id(), None)
        .await
        .expect("decodes");
    assert_request(
        &server.single_request(),
        &format!("GET /api/v0/sessions/{SESSION_ID} HTTP/1.1"),
        "application/json",
        None,
        server.address().port(),
    );
    assert_envelope(&result, Some("found"), Some(&session()));
    let shown = format!("{result:?}");
    assert!(!shown.contains("session-secret-token"), "{shown}");
}

#[tokio::test]
async fn get_session_decodes_null_message_and_absent_data() {
    let server = start(vec![ok(r#"{"success":true,"message":null}"#)]).await;
    let result = get_session(&core(&server), session_id(), None)
        .await
        .expect("decodes");
    assert_envelope(&result, None, None);
}

#[tokio::test]
async fn get_session_unauthorized_and_not_found_are_api_errors() {
    let server = start(vec![unauthorized(), not_found()]).await;
    let core = core(&server);
    let error = get_session(&core, session_id(), None)
        .await
        .expect_err("401");
    assert_api_error(&error, 401, "Invalid or expired token");
    let error = get_session(&core, session_id(), None)
        .await
        .expect_err("404");
    assert_api_error(&error, 404, "Session not found");
    assert_eq!(api_error(&error).headers()["x-request-id"], "req-404");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn get_session_invalid_session_is_a_validation_error() {
    // A token of the wrong type and a missing required field.
    let wrong_type = SESSION_JSON.replace(r#""is_current":true"#, r#""is_current":"yes""#);
    let missing = SESSION_JSON.replace(r#","ip_address":"127.0.0.1""#, "");
    let bodies = [
        format!(r#"{{"success":true,"data":{wrong_type}}}"#),
        format!(r#"{{"success":true,"data":{missing}}}"#),
        r#"{"success":"true"}"#.to_owned(),
    ];
    let server = start(bodies.iter().map(|body| ok(body)).collect()).await;
    let core = core(&server);
    for body in &bodies {
        let error = get_session(&core, session_id(), None)
            .await
            .expect_err(body);
        assert_validation_error(&error, body);
        assert!(!error.to_string().contains("session-secret-token"));
    }
}

// ---- revoke_session --------------------------------------------------------

#[tokio::test]
async fn revoke_session_sends_delete_with_the_id_in_the_path() {
    let server = start(vec![ok(
        r#"{"success":true,"message":"Session revoked","data":null}"#,
    )])
    .await;
    let revoked = revoke_session(&core(&server), session_id(), None)
        .await
        .expect("2xx");
    assert_envelope(&revoked, Some("Session revoked"), Some(&()));
    assert_request(
        &server.single_request(),
        &format!("DELETE /api/v0/sessions/{SESSION_ID} HTTP/1.1"),
        "*/*",
        None,
        server.address().port(),
    );
}

#[tokio::test]
async fn revoke_session_unauthorized_and_not_found_are_api_errors() {
    let server = start(vec![unauthorized(), not_found()]).await;
    let core = core(&server);
    let error = revoke_session(&core, session_id(), None)
        .await
        .expect_err("401");
    assert_api_error(&error, 401, "Invalid or expired token");
    let error = revoke_session(&core, session_id(), None)
        .await
        .expect_err("404");
    assert_api_error(&error, 404, "Session not found");
}

// ---- extend_session --------------------------------------------------------

#[tokio::test]
async fn extend_session_sends_post_with_compact_json_body() {
    let body = format!(r#"{{"success":true,"message":null,"data":{SESSION_JSON}}}"#);
    let server = start(vec![ok(&body)]).await;
    let result = extend_session(
        &core(&server),
        session_id(),
        ExtendSessionRequest::new(24),
        None,
    )
    .await
    .expect("decodes");
    assert_request(
        &server.single_request(),
        &format!("POST /api/v0/sessions/{SESSION_ID}/extend HTTP/1.1"),
        "application/json",
        Some(r#"{"extension_hours":24}"#),
        server.address().port(),
    );
    assert_eq!(result.data, Some(session()));
}

#[tokio::test]
async fn extend_session_accepts_i32_max_and_refuses_more_before_sending() {
    let body = format!(r#"{{"success":true,"data":{SESSION_JSON}}}"#);
    let server = start(vec![ok(&body)]).await;
    let core = core(&server);
    let too_many = ExtendSessionRequest::new(i32::MAX as u32 + 1);
    let error = extend_session(&core, session_id(), too_many, None)
        .await
        .expect_err("out of range");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("2147483647"), "{error}");
    assert!(!error.request_may_have_reached_server());
    let error = extend_session(
        &core,
        session_id(),
        ExtendSessionRequest::new(u32::MAX),
        None,
    )
    .await
    .expect_err("u32::MAX");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(server.received().is_empty(), "nothing may be sent");

    extend_session(
        &core,
        session_id(),
        ExtendSessionRequest::new(ExtendSessionRequest::MAX_EXTENSION_HOURS),
        None,
    )
    .await
    .expect("i32::MAX is in range");
    assert_eq!(
        server.single_request().body,
        br#"{"extension_hours":2147483647}"#
    );
}

#[tokio::test]
async fn extend_session_unauthorized_not_found_and_invalid_body() {
    let invalid = r#"{"success":true,"data":{"id":"fe603112-c194-45c1-90cf-513753aa0744"}}"#;
    let server = start(vec![unauthorized(), not_found(), ok(invalid)]).await;
    let core = core(&server);
    let request = ExtendSessionRequest::new(1);
    let error = extend_session(&core, session_id(), request, None)
        .await
        .expect_err("401");
    assert_api_error(&error, 401, "Invalid or expired token");
    let error = extend_session(&core, session_id(), request, None)
        .await
        .expect_err("404");
    assert_api_error(&error, 404, "Session not found");
    let error = extend_session(&core, session_id(), request, None)
        .await
        .expect_err("invalid");
    assert_validation_error(&error, invalid);
}

// ---- a 2xx answer whose envelope says `"success": false` ----------------------

#[tokio::test]
async fn an_unsuccessful_envelope_with_a_2xx_status_is_an_api_error_for_every_operation() {
    let locked = r#"{"success":false,"message":"Session is locked","data":null}"#;
    let server = start(vec![
        ok(locked),
        answer("202 Accepted", &["x-request-id: req-202"], locked),
        ok(locked),
        ok(locked),
        ok(locked),
        ok(locked),
        ok(locked),
    ])
    .await;
    let core = core(&server);
    let mut errors = vec![
        (
            "cleanup_expired_sessions",
            cleanup_expired_sessions(&core, None).await.map(drop),
        ),
        (
            "revoke_session",
            revoke_session(&core, session_id(), None).await.map(drop),
        ),
        (
            "revoke_all_sessions",
            revoke_all_sessions(&core, RevokeAllSessionsRequest::new(true), None)
                .await
                .map(drop),
        ),
        ("list_sessions", list_sessions(&core, None).await.map(drop)),
        (
            "get_session_stats",
            get_session_stats(&core, None).await.map(drop),
        ),
        (
            "get_session",
            get_session(&core, session_id(), None).await.map(drop),
        ),
        (
            "extend_session",
            extend_session(&core, session_id(), ExtendSessionRequest::new(1), None)
                .await
                .map(drop),
        ),
    ];
    assert_eq!(server.received().len(), 7, "one attempt each, no retry");
    // The second answer was a 202 with a request id.
    let (_, revoke) = errors.remove(1);
    let error = revoke.expect_err("revoke_session");
    assert_api_error(&error, 202, "Session is locked");
    assert_eq!(api_error(&error).headers()["x-request-id"], "req-202");
    assert_eq!(
        error.to_string(),
        "the API reported a failure with status 202 Accepted: Session is locked"
    );
    for (operation, result) in errors {
        let error = result.expect_err(operation);
        assert_api_error(&error, 200, "Session is locked");
        assert_eq!(
            &api_error(&error).body()[..],
            locked.as_bytes(),
            "{operation}"
        );
        assert!(!error.is_retryable(), "{operation}");
        assert!(error.request_may_have_reached_server(), "{operation}");
        assert_eq!(
            error.to_string(),
            "the API reported a failure with status 200 OK: Session is locked",
            "{operation}"
        );
    }
}

#[test]
fn operation_futures_are_send() {
    fn check<T: Send>(_: &T) {}
    let core = BlackboxCore::builder()
        .server_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    check(&list_sessions(&core, None));
    check(&cleanup_expired_sessions(&core, None));
    check(&revoke_all_sessions(
        &core,
        RevokeAllSessionsRequest::new(true),
        None,
    ));
    check(&get_session_stats(&core, None));
    check(&get_session(&core, session_id(), None));
    check(&revoke_session(&core, session_id(), None));
    check(&extend_session(
        &core,
        session_id(),
        ExtendSessionRequest::new(1),
        None,
    ));
}

/// A loopback server answering `answers` in order, the last one repeating.
async fn start(answers: Vec<Vec<u8>>) -> TestServer {
    TestServer::answering(answers)
        .await
        .expect("a loopback server")
}

/// A 200 answer with a JSON body.
fn ok(body: &str) -> Vec<u8> {
    answer("200 OK", &[], body)
}
