//! # password-change
//!
//! A worked example of an application using the Blackbox SDK, with the tests
//! such code needs; copy it. After a user changes their password, every other
//! session of theirs must end: [`revoke_other_sessions`] lists the sessions,
//! revokes all but the current one, and reports how many it revoked, waiting
//! politely (and boundedly) when the API answers 429.
//!
//! Its tests show the two ways to test code that calls the API:
//!
//! - **unit tests** (in this file) on the SDK's mock transport
//!   (`blackbox::test_util`, the `test-util` feature of a dev-dependency):
//!   canned answers, no server, no waiting — the 429 case asserts the delay
//!   the client waited without spending it;
//! - **an integration test** (`tests/sandbox.rs`) against `blackbox-sandbox`,
//!   a real server of the API in the test's process, with seeded sessions
//!   and a scripted 429.

#![forbid(unsafe_code)]

use std::time::Duration;

use blackbox::models::RevokeAllSessionsRequest;
use blackbox::{Blackbox, Error, RequestOptions, RetryConfig};

/// The most attempts each call makes, the first included.
pub const MAX_ATTEMPTS: u32 = 4;

/// The longest wait a 429's `Retry-After` may ask for. A longer one fails the
/// call with that 429, and [`Error::retry_after`] tells when to come back.
pub const MAX_WAIT: Duration = Duration::from_secs(30);

/// Revokes every session of the user but the current one (the session of the
/// token `blackbox` sends), and returns how many it revoked.
///
/// It lists the sessions, then revokes all but the current one in one call
/// (`revoke_all_sessions` with `keep_current`), so a session cannot slip
/// between two revocations. The count is of the sessions listed, expired ones
/// included; the revocation is sent even when none was listed, because a
/// session opened since must not survive a password change either.
///
/// On 429 each call waits the `Retry-After` the API asked for (at most
/// [`MAX_WAIT`]) and tries again, [`MAX_ATTEMPTS`] times at most; other
/// transient failures (503, a dropped connection) are retried with backoff.
///
/// # Errors
///
/// The SDK's [`Error`]: [`Error::Api`] for a failed answer — 401 when the
/// token is not valid (any more), 429 when the API still refuses after the
/// last attempt or asks for a wait over [`MAX_WAIT`] — and the transport
/// errors. Nothing is revoked when the listing fails.
pub async fn revoke_other_sessions(blackbox: &Blackbox) -> Result<usize, Error> {
    let sessions = blackbox.session_management();
    let listed = sessions
        .list_sessions()
        .options(politely())
        .await?
        .into_data()?;
    let others = listed
        .sessions
        .iter()
        .filter(|session| !session.is_current)
        .count();
    let keep_current = true;
    sessions
        .revoke_all_sessions(RevokeAllSessionsRequest::new(keep_current))
        .options(politely())
        .await?;
    Ok(others)
}

/// The retry policy of both calls. (The SDK retries `revoke_all_sessions`
/// keeping the current session like a `GET`: doing it twice does no more than
/// once. Without `keep_current` it would not, and this policy would need
/// `with_retry_non_idempotent(true)` — and to be sure that is harmless.)
fn politely() -> RequestOptions {
    let retry = RetryConfig::default()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_max_interval(MAX_WAIT);
    RequestOptions::new().retry(retry)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use blackbox::Blackbox;
    use blackbox::core::http::StatusCode;
    use blackbox::models::RevokeAllSessionsRequest;
    use blackbox::test_util::{
        MockHttpClient, MockResponse, UnmatchedRequest, current_session, session, session_list,
    };

    use super::*;

    /// A mock answering the listing with the current session and two others.
    fn mock_with_three_sessions() -> MockHttpClient {
        let mock = MockHttpClient::new();
        mock.on("list_sessions")
            .respond(MockResponse::envelope(&session_list([
                current_session(1),
                session(2),
                session(3),
            ])));
        mock
    }

    #[tokio::test]
    async fn revokes_every_other_session_and_counts_them() {
        let mock = mock_with_three_sessions();
        mock.on("revoke_all_sessions").respond(MockResponse::ok());
        let blackbox: Blackbox = mock.builder().token("user-token").build().unwrap();

        assert_eq!(revoke_other_sessions(&blackbox).await.unwrap(), 2);

        let sent: Vec<_> = mock.requests().iter().map(|r| r.operation_id()).collect();
        assert_eq!(sent, [Some("list_sessions"), Some("revoke_all_sessions")]);
        let revoke = &mock.requests_for("revoke_all_sessions")[0];
        assert_eq!(revoke.json(), Some(RevokeAllSessionsRequest::new(true)));
        assert_eq!(revoke.header("authorization"), Some("Bearer user-token"));
        assert!(mock.delays().is_empty());
    }

    // The test docs/testing.md compares with wiremock, httpmock and
    // aws-smithy-mocks.
    #[tokio::test]
    async fn waits_as_asked_on_429_then_revokes() {
        let mock = MockHttpClient::new();
        let sessions = session_list([current_session(1), session(2), session(3)]);
        mock.on("list_sessions")
            .respond(MockResponse::envelope(&sessions));
        mock.on("revoke_all_sessions")
            .respond(MockResponse::rate_limited(Duration::from_secs(2)))
            .respond(MockResponse::ok());

        let revoked = revoke_other_sessions(&Blackbox::from(mock.core())).await;

        assert_eq!(revoked.unwrap(), 2);
        assert_eq!(mock.delays(), [Duration::from_secs(2)]);
        let revocations = mock.requests_for("revoke_all_sessions");
        assert_eq!(revocations.len(), 2);
        let keep_current = RevokeAllSessionsRequest::new(true);
        assert_eq!(revocations[1].json(), Some(keep_current));
    }

    #[tokio::test]
    async fn the_listing_waits_out_a_429_too() {
        let mock = MockHttpClient::new();
        mock.on("list_sessions")
            .respond(MockResponse::rate_limited(Duration::from_secs(3)))
            .respond(MockResponse::envelope(&session_list([current_session(1)])));
        mock.on("revoke_all_sessions").respond(MockResponse::ok());

        let revoked = revoke_other_sessions(&Blackbox::from(mock.core())).await;

        assert_eq!(revoked.unwrap(), 0);
        assert_eq!(mock.delays(), [Duration::from_secs(3)]);
        assert_eq!(mock.requests_for("list_sessions").len(), 2);
    }

    #[tokio::test]
    async fn gives_up_after_its_last_attempt() {
        let mock = mock_with_three_sessions();
        mock.on("revoke_all_sessions")
            .respond(MockResponse::rate_limited(Duration::from_secs(2)));

        let error = revoke_other_sessions(&Blackbox::from(mock.core()))
            .await
            .unwrap_err();

        assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(mock.requests_for("revoke_all_sessions").len(), 4);
        assert_eq!(mock.delays(), [Duration::from_secs(2); 3]);
    }

    #[tokio::test]
    async fn does_not_wait_longer_than_it_allows() {
        let mock = mock_with_three_sessions();
        mock.on("revoke_all_sessions")
            .respond(MockResponse::rate_limited(Duration::from_secs(120)));

        let error = revoke_other_sessions(&Blackbox::from(mock.core()))
            .await
            .unwrap_err();

        assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
        assert_eq!(mock.requests_for("revoke_all_sessions").len(), 1);
        assert!(mock.delays().is_empty());
    }

    #[tokio::test]
    async fn surfaces_401_and_revokes_nothing() {
        let mock = MockHttpClient::new();
        mock.on("list_sessions")
            .respond(MockResponse::unauthorized());

        let error = revoke_other_sessions(&Blackbox::from(mock.core()))
            .await
            .unwrap_err();

        let Error::Api(api) = &error else {
            panic!("expected the API's answer, got {error:?}")
        };
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(api.message(), Some("Unauthorized"));
        assert_eq!(mock.requests().len(), 1, "not retried, nothing revoked");
    }

    #[tokio::test]
    async fn an_unmatched_request_fails_at_once_and_names_itself() {
        // A test that forgot the revocation's rule: the mock answers it 501,
        // naming the request, and the client does not retry a 501.
        let mock = mock_with_three_sessions();

        let error = revoke_other_sessions(&Blackbox::from(mock.core()))
            .await
            .unwrap_err();

        assert_eq!(error.status(), Some(StatusCode::NOT_IMPLEMENTED));
        assert_eq!(
            error.to_string(),
            "API error 501 Not Implemented: no mock rule matches \
             POST /api/v0/sessions/revoke-all (operation revoke_all_sessions)"
        );
        let unmatched = UnmatchedRequest::find(&error).expect("the mock's answer");
        assert_eq!(unmatched.operation_id(), Some("revoke_all_sessions"));
        assert_eq!(mock.unmatched().len(), 1, "sent once, not retried");
        assert_eq!(mock.requests_for("revoke_all_sessions").len(), 1);
        assert!(mock.delays().is_empty());
    }
}
