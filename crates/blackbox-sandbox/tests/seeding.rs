//! Seeding users and sessions into a running sandbox, and expiring them with
//! the clock, observed through the API over real loopback sockets.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use blackbox_sandbox::{Sandbox, SeedError, SessionSeed};
use common::*;
use serde_json::{Value, json};

const SESSIONS: &str = "/api/v0/sessions";
const HOUR: u64 = 3_600;

async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("start the sandbox")
}

fn unix_now(sandbox: &Sandbox) -> i64 {
    let now = sandbox.clock().now().duration_since(UNIX_EPOCH);
    i64::try_from(now.expect("after 1970").as_secs()).expect("fits")
}

fn hours(n: u64) -> Duration {
    Duration::from_secs(n * HOUR)
}

async fn list_as(sandbox: &Sandbox, token: &str) -> Vec<Value> {
    let data = assert_ok(&call_as(sandbox, token, "GET", SESSIONS, None).await);
    data["sessions"].as_array().expect("sessions").clone()
}

#[tokio::test]
async fn seeded_sessions_are_served_with_their_settings() {
    let sandbox = sandbox().await;
    let alice = sandbox.add_user();
    assert_ne!(alice, sandbox.demo_user_id());
    assert_ne!(alice, sandbox.add_user(), "fresh ids");
    let before = unix_now(&sandbox);
    let laptop = sandbox
        .seed_session(
            SessionSeed::new()
                .user(alice)
                .token("bbx_alice_laptop")
                .user_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
                .ip_address("2001:db8::7")
                .created_ago(hours(2))
                .expires_in(hours(5)),
        )
        .expect("seed");
    let phone = sandbox
        .seed_session(SessionSeed::new().user(alice).created_ago(hours(1)))
        .expect("seed");
    let after = unix_now(&sandbox);
    assert_eq!((laptop.user_id, phone.user_id), (alice, alice));
    assert_eq!(laptop.token, "bbx_alice_laptop");
    assert!(phone.token.starts_with("bbx_"), "a random token by default");
    assert_eq!(sandbox.user_session_ids(alice), vec![laptop.id, phone.id]);

    // The laptop's token makes the laptop session the current one.
    let sessions = list_as(&sandbox, &laptop.token).await;
    assert_eq!(sessions.len(), 2);
    let listed = &sessions[0];
    assert_eq!(listed["id"], json!(laptop.id.to_string()));
    assert_eq!(listed["user_id"], json!(alice.to_string()));
    assert_eq!(listed["token"], json!("bbx_alice_laptop"));
    assert_eq!(
        listed["user_agent"],
        json!("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    );
    assert_eq!(listed["ip_address"], json!("2001:db8::7"));
    assert_eq!(listed["is_current"], json!(true));
    let created = parse_rfc3339(listed["created_at"].as_str().expect("created_at"));
    let expires = parse_rfc3339(listed["expires_at"].as_str().expect("expires_at"));
    let two_hours = 2 * HOUR as i64;
    assert!((before - two_hours..=after - two_hours).contains(&created));
    assert_eq!(expires - created, 7 * HOUR as i64);
    assert_eq!(sessions[1]["is_current"], json!(false));
    assert_eq!(sessions[1]["user_agent"], json!("blackbox-sandbox/seeded"));
    assert_eq!(sessions[1]["ip_address"], json!("127.0.0.1"));

    // The phone's token makes the phone session the current one instead.
    let sessions = list_as(&sandbox, &phone.token).await;
    let current: Vec<&Value> = sessions
        .iter()
        .filter(|s| s["is_current"] == json!(true))
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], json!(phone.id.to_string()));

    // Users never see each other's sessions.
    let path = format!("{SESSIONS}/{}", laptop.id);
    assert_error(&call(&sandbox, "GET", &path, None).await, 404);
    let path = format!("{SESSIONS}/{}", sandbox.demo_session_id());
    assert_error(
        &call_as(&sandbox, &phone.token, "GET", &path, None).await,
        404,
    );
    assert_eq!(sandbox.session_ids().len(), 4, "the demo user is unchanged");
}

#[tokio::test]
async fn seeds_default_to_the_demo_user() {
    let sandbox = sandbox().await;
    let seeded = sandbox.seed_session(SessionSeed::new()).expect("seed");
    assert_eq!(seeded.user_id, sandbox.demo_user_id());
    assert_eq!(sandbox.session_ids().len(), 5);
    assert_eq!(sandbox.session_ids().last(), Some(&seeded.id));
    let sessions = list_as(&sandbox, sandbox.demo_token()).await;
    assert_eq!(sessions.len(), 5);
}

#[tokio::test]
async fn expired_seeds_are_listed_and_counted_but_their_token_is_refused() {
    let sandbox = sandbox().await;
    let bob = sandbox.add_user();
    let live = sandbox
        .seed_session(SessionSeed::new().user(bob))
        .expect("seed");
    let expired = sandbox
        .seed_session(
            SessionSeed::new()
                .user(bob)
                .token("bbx_bob_expired")
                .expired_for(hours(3)),
        )
        .expect("seed");
    let message = assert_error(
        &call_as(&sandbox, &expired.token, "GET", SESSIONS, None).await,
        401,
    );
    assert!(message.contains("expired"), "{message}");

    let sessions = list_as(&sandbox, &live.token).await;
    assert_eq!(sessions.len(), 2);
    let listed = sessions
        .iter()
        .find(|s| s["id"] == json!(expired.id.to_string()))
        .expect("the expired session is listed");
    let created = parse_rfc3339(listed["created_at"].as_str().expect("created_at"));
    let expires = parse_rfc3339(listed["expires_at"].as_str().expect("expires_at"));
    assert!(expires <= unix_now(&sandbox) - 3 * HOUR as i64);
    assert_eq!(expires - created, HOUR as i64, "created an hour before");
    let path = format!("{SESSIONS}/stats");
    let stats = assert_ok(&call_as(&sandbox, &live.token, "GET", &path, None).await);
    assert_eq!(
        stats,
        json!({"total_sessions": 2, "active_sessions": 1, "expired_sessions": 1})
    );
    let cleanup = format!("{SESSIONS}/cleanup");
    assert_ok(&call_as(&sandbox, &live.token, "POST", &cleanup, None).await);
    assert_eq!(sandbox.user_session_ids(bob), vec![live.id]);
}

#[tokio::test]
async fn bad_or_duplicate_tokens_are_refused_and_add_nothing() {
    let sandbox = sandbox().await;
    let demo_token = sandbox.demo_token().to_owned();
    for (token, error) in [
        ("", SeedError::InvalidToken),
        ("two words", SeedError::InvalidToken),
        ("bbx_\u{e9}", SeedError::InvalidToken),
        (demo_token.as_str(), SeedError::DuplicateToken),
    ] {
        let result = sandbox.seed_session(SessionSeed::new().token(token));
        assert_eq!(result.err(), Some(error), "{token:?}");
    }
    sandbox
        .seed_session(SessionSeed::new().token("bbx_once"))
        .expect("first use");
    let again = sandbox.seed_session(SessionSeed::new().token("bbx_once"));
    assert_eq!(again.err(), Some(SeedError::DuplicateToken));
    assert_eq!(sandbox.session_ids().len(), 5);
}

#[tokio::test]
async fn advancing_the_clock_expires_a_seeded_session() {
    let sandbox = sandbox().await;
    let carol = sandbox.add_user();
    let short = sandbox
        .seed_session(SessionSeed::new().user(carol).expires_in(hours(1)))
        .expect("seed");
    let long = sandbox
        .seed_session(SessionSeed::new().user(carol).expires_in(hours(48)))
        .expect("seed");
    let stats_path = format!("{SESSIONS}/stats");
    let stats = assert_ok(&call_as(&sandbox, &short.token, "GET", &stats_path, None).await);
    assert_eq!(stats["expired_sessions"], json!(0));

    sandbox.clock().advance(hours(1));
    assert_error(
        &call_as(&sandbox, &short.token, "GET", SESSIONS, None).await,
        401,
    );
    let stats = assert_ok(&call_as(&sandbox, &long.token, "GET", &stats_path, None).await);
    assert_eq!(stats["expired_sessions"], json!(1));
    assert_eq!(stats["active_sessions"], json!(1));

    // Sessions seeded after the jump are relative to the moved clock.
    let later = sandbox
        .seed_session(SessionSeed::new().user(carol).expires_in(hours(1)))
        .expect("seed");
    let path = format!("{SESSIONS}/{}", later.id);
    let data = assert_ok(&call_as(&sandbox, &later.token, "GET", &path, None).await);
    let created = parse_rfc3339(data["created_at"].as_str().expect("created_at"));
    let real_now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("after 1970");
    assert!(
        created >= real_now + HOUR as i64 - 2,
        "{created} vs {real_now}"
    );
    assert_eq!(data["is_current"], json!(true));

    sandbox.clock().set_offset(Duration::ZERO);
    assert_ok(&call_as(&sandbox, &short.token, "GET", SESSIONS, None).await);
}

#[test]
fn the_types_for_tests_are_send_sync_and_debug() {
    fn check<T: Send + Sync + std::fmt::Debug>() {}
    check::<SessionSeed>();
    check::<blackbox_sandbox::SeededSession>();
    check::<SeedError>();
    check::<blackbox_sandbox::RecordedRequest>();
}
