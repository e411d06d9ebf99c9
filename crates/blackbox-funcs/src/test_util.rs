//! A test kit for code that calls the API: the mock transport of
//! [`blackbox_core::mock`] (re-exported here) and fixtures of the API's models,
//! so a unit test writes neither JSON nor a server. Needs the `test-util`
//! feature: turn it on in your `[dev-dependencies]` only.
//!
//! ```toml
//! [dev-dependencies]
//! blackbox-funcs = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! The fixtures are deterministic: [`session(n)`](session) has the id `n`
//! (`00000000-0000-0000-0000-000000000002` for `session(2)`) and belongs to
//! [`USER_ID`]; [`current_session`] is the one of the token making the
//! request. Wrap them in an answer with [`MockResponse::envelope`]; the other
//! answers (401, 404, 429, 503, ok without data) are [`MockResponse`]'s
//! constructors.
//!
//! ```
//! use std::time::Duration;
//!
//! use blackbox_funcs::models::RevokeAllSessionsRequest;
//! use blackbox_funcs::session_management::{list_sessions, revoke_all_sessions};
//! use blackbox_funcs::test_util::{MockHttpClient, MockResponse, current_session, session, session_list};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), blackbox_funcs::Error> {
//!     let mock = MockHttpClient::new();
//!     mock.on("list_sessions")
//!         .respond(MockResponse::envelope(&session_list([current_session(1), session(2)])));
//!     mock.on("revoke_all_sessions")
//!         .respond(MockResponse::rate_limited(Duration::from_secs(1)))
//!         .respond(MockResponse::ok());
//!     let core = mock.core();
//!
//!     let sessions = list_sessions(&core, None).await?.into_data()?;
//!     assert_eq!(sessions.total, 2);
//!     // Answered 429, then ok: the client waits as asked (instantly) and retries.
//!     revoke_all_sessions(&core, RevokeAllSessionsRequest::new(true), None).await?;
//!
//!     let revokes = mock.requests_for("revoke_all_sessions");
//!     assert_eq!(revokes.len(), 2);
//!     assert_eq!(revokes[1].json(), Some(RevokeAllSessionsRequest::new(true)));
//!     assert_eq!(mock.delays(), [Duration::from_secs(1)]);
//!     Ok(())
//! }
//! ```

#[doc(inline)]
pub use blackbox_core::mock::*;

#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
use crate::SecretString;
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
use crate::models::SessionInfo;
#[cfg(feature = "list-sessions")]
use crate::models::SessionListResponse;
#[cfg(feature = "get-session-stats")]
use crate::models::SessionStats;
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
use uuid::Uuid;

/// The user of every fixture session: `00000000-0000-0000-0000-0000000000aa`.
///
/// ```
/// use blackbox_funcs::test_util::{USER_ID, session};
///
/// assert_eq!(session(1).user_id, USER_ID);
/// ```
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "list-sessions",
        feature = "get-session",
        feature = "extend-session"
    )))
)]
pub const USER_ID: Uuid = Uuid::from_u128(0xaa);

/// A live session of [`USER_ID`] with the id `n`, that is not the current one:
/// created `2025-01-01T00:00:00Z`, expiring `2099-01-01T00:00:00Z`, token
/// `session-token-<n>`, user agent `test-agent/<n>`, IP address `192.0.2.<n>`
/// (the documentation range). Change any field after:
///
/// ```
/// use blackbox_funcs::test_util::session;
///
/// let mut expired = session(3);
/// expired.expires_at = "2000-01-01T00:00:00Z".to_owned();
/// assert_eq!(expired.id.to_string(), "00000000-0000-0000-0000-000000000003");
/// assert!(!expired.is_current);
/// assert_eq!(expired.token.expose(), "session-token-3");
/// ```
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "list-sessions",
        feature = "get-session",
        feature = "extend-session"
    )))
)]
pub fn session(n: u128) -> SessionInfo {
    SessionInfo {
        id: Uuid::from_u128(n),
        user_id: USER_ID,
        token: SecretString::from(format!("session-token-{n}")),
        created_at: "2025-01-01T00:00:00Z".to_owned(),
        expires_at: "2099-01-01T00:00:00Z".to_owned(),
        user_agent: format!("test-agent/{n}"),
        ip_address: format!("192.0.2.{}", n % 256),
        is_current: false,
    }
}

/// [`session(n)`](session), as the session of the token making the request
/// (`is_current: true`).
///
/// ```
/// use blackbox_funcs::test_util::current_session;
///
/// assert!(current_session(1).is_current);
/// ```
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "list-sessions",
        feature = "get-session",
        feature = "extend-session"
    )))
)]
pub fn current_session(n: u128) -> SessionInfo {
    let mut session = session(n);
    session.is_current = true;
    session
}

/// The data of `list_sessions`: these sessions, and their number as `total`.
///
/// ```
/// use blackbox_funcs::test_util::{MockResponse, current_session, session, session_list};
///
/// let list = session_list([current_session(1), session(2), session(3)]);
/// assert_eq!(list.total, 3);
/// let answer = MockResponse::envelope(&list);
/// # let _ = answer;
/// ```
#[cfg(feature = "list-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
pub fn session_list(sessions: impl IntoIterator<Item = SessionInfo>) -> SessionListResponse {
    let sessions: Vec<SessionInfo> = sessions.into_iter().collect();
    SessionListResponse {
        total: sessions.len() as u64,
        sessions,
    }
}

/// The data of `get_session_stats`: `active` and `expired` sessions, and
/// their sum as `total_sessions`.
///
/// ```
/// use blackbox_funcs::test_util::{MockResponse, session_stats};
///
/// let stats = session_stats(2, 1);
/// assert_eq!(stats.total_sessions, 3);
/// let answer = MockResponse::envelope(&stats);
/// # let _ = answer;
/// ```
#[cfg(feature = "get-session-stats")]
#[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
pub fn session_stats(active: u64, expired: u64) -> SessionStats {
    SessionStats {
        total_sessions: active.saturating_add(expired),
        active_sessions: active,
        expired_sessions: expired,
    }
}

/// Every operation, through its standalone function, against the mock: the
/// fixtures decode as the models, and the requests are what the spec says.
#[cfg(all(
    test,
    feature = "list-sessions",
    feature = "cleanup-expired-sessions",
    feature = "revoke-all-sessions",
    feature = "get-session-stats",
    feature = "get-session",
    feature = "revoke-session",
    feature = "extend-session"
))]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::models::{ExtendSessionRequest, RevokeAllSessionsRequest};
    use crate::session_management::*;
    use crate::{Error, RequestOptions, RetryConfig};

    #[tokio::test]
    async fn every_operation_answers_from_the_mock() {
        let mock = MockHttpClient::new();
        let list = session_list([current_session(1), session(2)]);
        let mut extended = session(2);
        extended.expires_at = "2099-01-02T00:00:00Z".to_owned();
        mock.on("list_sessions")
            .respond(MockResponse::envelope(&list));
        mock.on("get_session")
            .respond(MockResponse::envelope(&session(2)));
        mock.on("extend_session")
            .respond(MockResponse::envelope(&extended));
        mock.on("get_session_stats")
            .respond(MockResponse::envelope(&session_stats(2, 1)));
        for operation in [
            "revoke_session",
            "revoke_all_sessions",
            "cleanup_expired_sessions",
        ] {
            mock.on(operation).respond(MockResponse::ok());
        }
        let core = mock.core();
        let id = session(2).id;

        assert_eq!(
            list_sessions(&core, None)
                .await
                .unwrap()
                .into_data()
                .unwrap(),
            list
        );
        assert_eq!(
            get_session(&core, id, None)
                .await
                .unwrap()
                .into_data()
                .unwrap(),
            session(2)
        );
        let answer = extend_session(&core, id, ExtendSessionRequest::new(24), None).await;
        assert_eq!(answer.unwrap().into_data().unwrap(), extended);
        let stats = get_session_stats(&core, None)
            .await
            .unwrap()
            .into_data()
            .unwrap();
        assert_eq!(stats, session_stats(2, 1));
        revoke_session(&core, id, None)
            .await
            .unwrap()
            .into_data()
            .unwrap();
        revoke_all_sessions(&core, RevokeAllSessionsRequest::new(false), None)
            .await
            .unwrap();
        cleanup_expired_sessions(&core, None).await.unwrap();

        let sent: Vec<_> = mock
            .requests()
            .iter()
            .map(|request| {
                (
                    request.operation_id().unwrap(),
                    request.method().to_string(),
                    request.path().to_owned(),
                )
            })
            .collect();
        let session_path = format!("/api/v0/sessions/{id}");
        let expected = [
            ("list_sessions", "GET", "/api/v0/sessions".to_owned()),
            ("get_session", "GET", session_path.clone()),
            ("extend_session", "POST", format!("{session_path}/extend")),
            (
                "get_session_stats",
                "GET",
                "/api/v0/sessions/stats".to_owned(),
            ),
            ("revoke_session", "DELETE", session_path),
            (
                "revoke_all_sessions",
                "POST",
                "/api/v0/sessions/revoke-all".to_owned(),
            ),
            (
                "cleanup_expired_sessions",
                "POST",
                "/api/v0/sessions/cleanup".to_owned(),
            ),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(operation, method, path)| (operation, method.to_owned(), path))
            .collect();
        assert_eq!(sent, expected);
        let bodies = mock.requests();
        assert_eq!(bodies[2].json(), Some(ExtendSessionRequest::new(24)));
        assert_eq!(bodies[5].json(), Some(RevokeAllSessionsRequest::new(false)));
        assert!(mock.unmatched().is_empty());
    }

    #[tokio::test]
    async fn failures_surface_as_the_apis_would() {
        let mock = MockHttpClient::new();
        mock.on("get_session")
            .respond(MockResponse::error(404, "Session not found"));
        mock.on("list_sessions")
            .respond(MockResponse::unauthorized());
        let core = mock.core();

        let error = get_session(&core, session(9).id, None).await.unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(
            (api.status().as_u16(), api.message()),
            (404, Some("Session not found"))
        );
        let error = list_sessions(&core, None).await.unwrap_err();
        assert_eq!(error.status().map(|status| status.as_u16()), Some(401));

        // A POST that is not safe to repeat is not retried: the 429 is the
        // answer, with the wait it asked for.
        mock.on("extend_session")
            .respond(MockResponse::rate_limited(Duration::from_secs(2)))
            .respond(MockResponse::envelope(&session(2)));
        let body = ExtendSessionRequest::new(1);
        let error = extend_session(&core, session(2).id, body, None)
            .await
            .unwrap_err();
        assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(mock.requests_for("extend_session").len(), 1);
        assert!(mock.delays().is_empty());

        // Allowed to repeat it, the client waits as asked: recorded, not slept.
        let mock = MockHttpClient::new();
        mock.on("extend_session")
            .respond(MockResponse::rate_limited(Duration::from_secs(2)))
            .respond(MockResponse::envelope(&session(2)));
        let retry = RetryConfig::default().with_retry_non_idempotent(true);
        let options = RequestOptions::new().retry(retry);
        extend_session(&mock.core(), session(2).id, body, Some(options))
            .await
            .unwrap();
        assert_eq!(mock.requests_for("extend_session").len(), 2);
        assert_eq!(mock.delays(), [Duration::from_secs(2)]);
    }

    #[tokio::test]
    async fn an_operation_without_a_rule_fails_once_with_a_501_naming_it() {
        let mock = MockHttpClient::new();
        mock.on("list_sessions")
            .respond(MockResponse::envelope(&session_list([])));
        let core = mock.core();

        // A GET, retried on a transient failure: the 501 is not one.
        let error = get_session_stats(&core, None).await.unwrap_err();

        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.status().as_u16(), 501);
        assert_eq!(
            error.to_string(),
            "API error 501 Not Implemented: \
             no mock rule matches GET /api/v0/sessions/stats (operation get_session_stats)"
        );
        let unmatched = UnmatchedRequest::find(&error).expect("the mock's answer");
        assert_eq!(unmatched.operation_id(), Some("get_session_stats"));
        assert_eq!(mock.requests().len(), 1, "not retried");
        assert_eq!(mock.unmatched().len(), 1);
        assert!(mock.delays().is_empty());
    }
}
