//! The facade and the standalone functions give identical results: for every
//! operation, the `Blackbox` method (awaited as is, or after `.options(..)`)
//! and the function of `blackbox::session_management` send the same bytes and
//! return equal values or errors.
//!
//! The root package depends on `blackbox` with its default features, so every
//! operation is built.

use std::fmt::Debug;

use blackbox::core::ApiError;
use blackbox::models::{ExtendSessionRequest, RevokeAllSessionsRequest};
use blackbox::session_management as funcs;
use blackbox::uuid::Uuid;
use blackbox::{Blackbox, Error, RequestOptions, RetryConfig};

use blackbox_rs::{RawServer, json_answer as answer};

const SESSION_JSON: &str = r#"{"id":"fe603112-c194-45c1-90cf-513753aa0744","user_id":"07fd44a8-744f-491f-8c7d-18e2c7e25afb","token":"session-secret-token","created_at":"2026-11-27T13:00:00Z","expires_at":"2026-11-28T13:00:00Z","user_agent":"curl/8.0","ip_address":"127.0.0.1","is_current":true}"#;

fn session_id() -> Uuid {
    "fe603112-c194-45c1-90cf-513753aa0744".parse().unwrap()
}

fn options() -> RequestOptions {
    RequestOptions::new().header("x-request-id", "42")
}

fn unauthorized() -> Vec<u8> {
    answer(
        "401 Unauthorized",
        &["www-authenticate: Bearer"],
        r#"{"success":false,"message":"Invalid or expired token"}"#,
    )
}

/// The API error inside `error`, if it is one.
fn api_error(error: &Error) -> Option<&ApiError> {
    match error {
        Error::Api(api) => Some(api),
        _ => None,
    }
}

/// Compares results: equal values (the envelope's metadata included), or
/// errors of the same kind, status, message and text.
#[track_caller]
fn assert_same<T: PartialEq + Debug>(left: &Result<T, Error>, right: &Result<T, Error>) {
    match (left, right) {
        (Ok(left), Ok(right)) => assert_eq!(left, right),
        (Err(left), Err(right)) => {
            assert_eq!(left.to_string(), right.to_string());
            assert_eq!(left.status(), right.status());
            assert_eq!(
                api_error(left).map(|api| (api.message(), api.body().clone())),
                api_error(right).map(|api| (api.message(), api.body().clone()))
            );
            assert_eq!(
                std::mem::discriminant(left),
                std::mem::discriminant(right),
                "{left:?} vs {right:?}"
            );
        }
        _ => panic!("different outcomes: {left:?} vs {right:?}"),
    }
}

/// Runs one operation four ways against the same script — function without
/// options, facade method, function with options, facade method with
/// `.options(..)` — and checks that each pair sent the same bytes and got the
/// same result.
macro_rules! compare {
    ($answer:expr, |$blackbox:ident, $options:ident| {
        funcs: $funcs:expr,
        facade: $facade:expr,
        funcs_with: $funcs_with:expr,
        facade_with: $facade_with:expr $(,)?
    }) => {{
        let server = start(vec![$answer]).await;
        let $blackbox = Blackbox::builder()
            .server_url(server.url())
            .token("test-bearer-token")
            .retry(RetryConfig::disabled())
            .build()
            .expect("a loopback test client");
        let plain_funcs = $funcs;
        let plain_facade = $facade;
        assert_same(&plain_funcs, &plain_facade);
        let $options = options();
        let with_funcs = $funcs_with;
        let $options = options();
        let with_facade = $facade_with;
        assert_same(&with_funcs, &with_facade);
        let requests = server.received();
        assert_eq!(requests.len(), 4);
        assert_eq!(requests[0].raw, requests[1].raw);
        assert_eq!(requests[2].raw, requests[3].raw);
        assert_eq!(requests[2].header("x-request-id"), Some("42"));
        assert_eq!(requests[0].header("x-request-id"), None);
        plain_facade
    }};
}

#[tokio::test]
async fn list_sessions_is_the_same_through_the_facade() {
    let body = format!(
        r#"{{"success":true,"message":null,"data":{{"sessions":[{SESSION_JSON}],"total":1}}}}"#
    );
    let result = compare!(ok(&body), |blackbox, options| {
        funcs: funcs::list_sessions(blackbox.core(), None).await,
        facade: blackbox.session_management().list_sessions().await,
        funcs_with: funcs::list_sessions(blackbox.core(), Some(options)).await,
        facade_with: blackbox.session_management().list_sessions().options(options).await,
    });
    assert_eq!(result.expect("decodes").data.expect("data").total, 1);
}

#[tokio::test]
async fn cleanup_expired_sessions_is_the_same_through_the_facade() {
    compare!(ok(r#"{"success":true}"#), |blackbox, options| {
        funcs: funcs::cleanup_expired_sessions(blackbox.core(), None).await,
        facade: blackbox.session_management().cleanup_expired_sessions().await,
        funcs_with: funcs::cleanup_expired_sessions(blackbox.core(), Some(options)).await,
        facade_with: blackbox.session_management().cleanup_expired_sessions().options(options).await,
    })
    .expect("2xx");
}

#[tokio::test]
async fn revoke_all_sessions_is_the_same_through_the_facade() {
    let request = RevokeAllSessionsRequest::new(true);
    compare!(ok(r#"{"success":true}"#), |blackbox, options| {
        funcs: funcs::revoke_all_sessions(blackbox.core(), request, None).await,
        facade: blackbox.session_management().revoke_all_sessions(request).await,
        funcs_with: funcs::revoke_all_sessions(blackbox.core(), request, Some(options)).await,
        facade_with: blackbox.session_management().revoke_all_sessions(request).options(options).await,
    })
    .expect("2xx");
}

#[tokio::test]
async fn get_session_stats_is_the_same_through_the_facade() {
    let body = r#"{"success":true,"data":{"total_sessions":9007199254740993,"active_sessions":1,"expired_sessions":0}}"#;
    let result = compare!(ok(body), |blackbox, options| {
        funcs: funcs::get_session_stats(blackbox.core(), None).await,
        facade: blackbox.session_management().get_session_stats().await,
        funcs_with: funcs::get_session_stats(blackbox.core(), Some(options)).await,
        facade_with: blackbox.session_management().get_session_stats().options(options).await,
    });
    assert_eq!(
        result.expect("decodes").data.expect("data").total_sessions,
        9_007_199_254_740_993
    );
}

#[tokio::test]
async fn get_session_is_the_same_through_the_facade_with_a_bare_uuid() {
    let body = format!(r#"{{"success":true,"data":{SESSION_JSON}}}"#);
    let result = compare!(ok(&body), |blackbox, options| {
        funcs: funcs::get_session(blackbox.core(), session_id(), None).await,
        facade: blackbox.session_management().get_session(session_id()).await,
        funcs_with: funcs::get_session(blackbox.core(), session_id(), Some(options)).await,
        facade_with: blackbox.session_management().get_session(session_id()).options(options).await,
    });
    assert_eq!(
        result.expect("decodes").data.expect("data").id,
        session_id()
    );
}

#[tokio::test]
async fn revoke_session_is_the_same_through_the_facade() {
    let result = compare!(ok(r#"{"success":true,"message":"Session revoked","data":null}"#), |blackbox, options| {
        funcs: funcs::revoke_session(blackbox.core(), session_id(), None).await,
        facade: blackbox.session_management().revoke_session(session_id()).await,
        funcs_with: funcs::revoke_session(blackbox.core(), session_id(), Some(options)).await,
        facade_with: blackbox.session_management().revoke_session(session_id()).options(options).await,
    });
    assert_eq!(
        result.expect("2xx").message.as_deref(),
        Some("Session revoked")
    );
}

#[tokio::test]
async fn extend_session_is_the_same_through_the_facade() {
    let body = format!(r#"{{"success":true,"data":{SESSION_JSON}}}"#);
    let request = ExtendSessionRequest::new(24);
    let result = compare!(ok(&body), |blackbox, options| {
        funcs: funcs::extend_session(blackbox.core(), session_id(), request, None).await,
        facade: blackbox.session_management().extend_session(session_id(), request).await,
        funcs_with: funcs::extend_session(blackbox.core(), session_id(), request, Some(options)).await,
        facade_with: blackbox.session_management().extend_session(session_id(), request).options(options).await,
    });
    assert!(result.expect("decodes").data.is_some());
}

#[tokio::test]
async fn errors_are_the_same_through_the_facade() {
    let error = compare!(unauthorized(), |blackbox, options| {
        funcs: funcs::get_session(blackbox.core(), session_id(), None).await,
        facade: blackbox.session_management().get_session(session_id()).await,
        funcs_with: funcs::get_session(blackbox.core(), session_id(), Some(options)).await,
        facade_with: blackbox.session_management().get_session(session_id()).options(options).await,
    })
    .expect_err("401");
    assert_eq!(
        api_error(&error).map(|api| api.message()),
        Some(Some("Invalid or expired token"))
    );

    let invalid = r#"{"success":true,"data":{"total_sessions":"many"}}"#;
    let error = compare!(ok(invalid), |blackbox, options| {
        funcs: funcs::get_session_stats(blackbox.core(), None).await,
        facade: blackbox.session_management().get_session_stats().await,
        funcs_with: funcs::get_session_stats(blackbox.core(), Some(options)).await,
        facade_with: blackbox.session_management().get_session_stats().options(options).await,
    })
    .expect_err("invalid body");
    assert!(matches!(error, Error::ResponseValidation(_)), "{error:?}");
}

#[tokio::test]
async fn out_of_range_hours_are_refused_by_both_before_sending() {
    let server = start(vec![ok(r#"{"success":true}"#)]).await;
    let blackbox = Blackbox::builder()
        .server_url(server.url())
        .build()
        .unwrap();
    let request = ExtendSessionRequest::new(i32::MAX as u32 + 1);
    let from_funcs = funcs::extend_session(blackbox.core(), session_id(), request, None).await;
    let from_facade = blackbox
        .session_management()
        .extend_session(session_id(), request)
        .await;
    assert_same(&from_funcs, &from_facade);
    assert!(matches!(from_facade, Err(Error::InvalidRequest(_))));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_facade_works_against_the_sandbox() {
    let sandbox = blackbox_sandbox::Sandbox::start().await.expect("sandbox");
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .build()
        .expect("client");
    let sessions = blackbox.session_management();
    let list = sessions.list_sessions().await.expect("list");
    let from_funcs = funcs::list_sessions(blackbox.core(), None)
        .await
        .expect("list");
    // The same envelope; the metadata's headers are left out, as the
    // sandbox's `date` header may change between the two answers.
    assert_eq!(
        (list.success, &list.message, &list.data),
        (from_funcs.success, &from_funcs.message, &from_funcs.data)
    );
    assert_eq!(list.meta().status(), from_funcs.meta().status());
    assert_eq!(list.meta().version(), from_funcs.meta().version());
    let session = sessions
        .get_session(sandbox.demo_session_id())
        .await
        .expect("get");
    assert!(session.data.expect("data").is_current);
    sandbox.shutdown().await;
}

/// A 200 answer with a JSON body.
fn ok(body: &str) -> Vec<u8> {
    answer("200 OK", &[], body)
}

/// A loopback server answering `answers` in order, the last one repeating.
async fn start(answers: Vec<Vec<u8>>) -> RawServer {
    RawServer::answering(answers)
        .await
        .expect("a loopback server")
}
