//! The "Testing your code" example of the workspace README, compiled and run
//! as written (the README shows it without this comment).

use blackbox::Blackbox;
use blackbox::test_util::{MockHttpClient, MockResponse, current_session, session, session_list};
use std::time::Duration;

#[tokio::test]
async fn lists_after_a_429() {
    let mock = MockHttpClient::new();
    mock.on("list_sessions")
        .respond(MockResponse::rate_limited(Duration::from_secs(2)))
        .respond(MockResponse::envelope(&session_list([
            current_session(1),
            session(2),
        ])));
    let blackbox = Blackbox::from(mock.core());

    let sessions = blackbox
        .session_management()
        .list_sessions()
        .await
        .unwrap()
        .into_data()
        .unwrap();

    assert_eq!(sessions.total, 2);
    assert_eq!(mock.delays(), [Duration::from_secs(2)]);
    assert_eq!(mock.requests_for("list_sessions").len(), 2);
}
