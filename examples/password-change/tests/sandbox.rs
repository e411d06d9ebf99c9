//! `revoke_other_sessions` against a real server of the API: the sandbox, in
//! this test's process, with seeded users and sessions and a scripted 429.

use std::time::Duration;

use blackbox::Blackbox;
use blackbox::models::RevokeAllSessionsRequest;
use blackbox_sandbox::{Fault, Operation, Sandbox, SessionSeed};
use password_change::revoke_other_sessions;

#[tokio::test]
async fn revokes_the_other_sessions_waiting_out_a_429() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    // Alice changed her password in the session `current`; she also has two
    // other live sessions and an expired one. Bob's session must survive.
    let alice = sandbox.add_user();
    let current = sandbox
        .seed_session(SessionSeed::new().user(alice).user_agent("browser/1.0"))
        .expect("seed");
    for _ in 0..2 {
        sandbox
            .seed_session(SessionSeed::new().user(alice))
            .expect("seed");
    }
    sandbox
        .seed_session(
            SessionSeed::new()
                .user(alice)
                .expired_for(Duration::from_secs(3600)),
        )
        .expect("seed");
    let bob = sandbox.add_user();
    let bobs = sandbox
        .seed_session(SessionSeed::new().user(bob))
        .expect("seed");
    // The first revocation is refused: 429, come back in 1 s.
    sandbox.faults().push(
        Operation::RevokeAllSessions,
        Fault::status_retry_after(429, "1"),
    );
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(current.token.clone())
        .build()
        .expect("client");

    let revoked = revoke_other_sessions(&blackbox)
        .await
        .expect("revoked after one wait");

    assert_eq!(revoked, 3);
    assert_eq!(sandbox.user_session_ids(alice), [current.id]);
    assert_eq!(sandbox.user_session_ids(bob), [bobs.id]);
    // What it sent: one listing, then the revocation twice, 1 s apart.
    assert_eq!(sandbox.request_count(Operation::ListSessions), 1);
    let revocations = sandbox.requests_for(Operation::RevokeAllSessions);
    assert_eq!(revocations.len(), 2);
    let authorization = format!("Bearer {}", current.token);
    for request in &revocations {
        assert_eq!(
            request
                .body_json::<RevokeAllSessionsRequest>()
                .expect("JSON"),
            RevokeAllSessionsRequest::new(true)
        );
        assert_eq!(
            request.header("authorization"),
            Some(authorization.as_str())
        );
    }
    let gap = revocations[1].received_instant() - revocations[0].received_instant();
    assert!(
        gap >= Duration::from_secs(1),
        "Retry-After honoured: {gap:?}"
    );

    sandbox.shutdown().await;
}

#[tokio::test]
async fn revokes_even_when_no_other_session_was_listed() {
    let sandbox = Sandbox::start().await.expect("start the sandbox");
    let alice = sandbox.add_user();
    let current = sandbox
        .seed_session(SessionSeed::new().user(alice))
        .expect("seed");
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(current.token.clone())
        .build()
        .expect("client");

    assert_eq!(revoke_other_sessions(&blackbox).await.expect("done"), 0);

    assert_eq!(sandbox.request_count(Operation::RevokeAllSessions), 1);
    assert_eq!(sandbox.user_session_ids(alice), [current.id]);
    sandbox.shutdown().await;
}
