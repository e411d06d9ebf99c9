//! End to end against the sandbox: every operation through the funcs and the
//! facade, over HTTP/1.1, HTTP/1.1 over TLS and HTTP/2 over TLS (trusting only
//! the sandbox's CA), with the sandbox's real semantics.

use std::time::Duration;

use blackbox::models::{
    ApiResponse, ApiResponseSessionInfo, ExtendSessionRequest, RevokeAllSessionsRequest,
    SessionInfo,
};
use blackbox::session_management as funcs;
use blackbox::{Blackbox, Error, RetryConfig};
use blackbox_sandbox::Sandbox;
use uuid::Uuid;

/// How the SDK reaches the sandbox.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Transport {
    Http1,
    Http1Tls,
    Http2Tls,
}

const TRANSPORTS: [Transport; 3] = [Transport::Http1, Transport::Http1Tls, Transport::Http2Tls];

/// Which public surface makes the calls.
#[derive(Clone, Copy, Debug)]
enum Via {
    Funcs,
    Facade,
}

const VIAS: [Via; 2] = [Via::Funcs, Via::Facade];

async fn start(transport: Transport) -> Sandbox {
    match transport {
        Transport::Http1 => Sandbox::start().await,
        Transport::Http1Tls | Transport::Http2Tls => Sandbox::start_tls().await,
    }
    .expect("sandbox starts")
}

fn client(sandbox: &Sandbox, transport: Transport, token: &str) -> Blackbox {
    let mut builder = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(token)
        .retry(RetryConfig::default().with_initial_interval(Duration::from_millis(5)));
    if let Some(ca) = sandbox.ca_pem() {
        builder = builder
            .tls_built_in_roots(false)
            .add_root_certificate_pem(ca);
    }
    if transport == Transport::Http1Tls {
        builder = builder.http1_only(true);
    }
    builder.build().expect("client builds")
}

/// The seven operations, dispatched through the chosen surface.
struct Calls<'a> {
    blackbox: &'a Blackbox,
    via: Via,
}

impl Calls<'_> {
    async fn stats(&self) -> Result<(u64, u64, u64), Error> {
        let answer = match self.via {
            Via::Funcs => funcs::get_session_stats(self.blackbox.core(), None).await?,
            Via::Facade => {
                self.blackbox
                    .session_management()
                    .get_session_stats()
                    .await?
            }
        };
        assert!(answer.success);
        let stats = answer.data.expect("stats data");
        Ok((
            stats.total_sessions,
            stats.active_sessions,
            stats.expired_sessions,
        ))
    }

    async fn list(&self) -> Result<Vec<SessionInfo>, Error> {
        let answer = match self.via {
            Via::Funcs => funcs::list_sessions(self.blackbox.core(), None).await?,
            Via::Facade => self.blackbox.session_management().list_sessions().await?,
        };
        let list = answer.data.expect("list data");
        assert_eq!(list.total, list.sessions.len() as u64);
        Ok(list.sessions)
    }

    async fn get(&self, id: Uuid) -> Result<SessionInfo, Error> {
        let answer: ApiResponseSessionInfo = match self.via {
            Via::Funcs => funcs::get_session(self.blackbox.core(), id, None).await?,
            Via::Facade => self.blackbox.session_management().get_session(id).await?,
        };
        Ok(answer.data.expect("session data"))
    }

    async fn extend(&self, id: Uuid, hours: u32) -> Result<SessionInfo, Error> {
        let answer = match self.via {
            Via::Funcs => {
                funcs::extend_session(
                    self.blackbox.core(),
                    id,
                    ExtendSessionRequest::new(hours),
                    None,
                )
                .await?
            }
            Via::Facade => {
                self.blackbox
                    .session_management()
                    .extend_session(id, ExtendSessionRequest::new(hours))
                    .await?
            }
        };
        Ok(answer.data.expect("session data"))
    }

    async fn revoke(&self, id: Uuid) -> Result<(), Error> {
        let answer = match self.via {
            Via::Funcs => funcs::revoke_session(self.blackbox.core(), id, None).await?,
            Via::Facade => {
                self.blackbox
                    .session_management()
                    .revoke_session(id)
                    .await?
            }
        };
        unit(answer)
    }

    async fn revoke_all(&self, keep_current: bool) -> Result<(), Error> {
        let request = RevokeAllSessionsRequest::new(keep_current);
        let answer = match self.via {
            Via::Funcs => funcs::revoke_all_sessions(self.blackbox.core(), request, None).await?,
            Via::Facade => {
                self.blackbox
                    .session_management()
                    .revoke_all_sessions(request)
                    .await?
            }
        };
        unit(answer)
    }

    async fn cleanup(&self) -> Result<(), Error> {
        let answer = match self.via {
            Via::Funcs => funcs::cleanup_expired_sessions(self.blackbox.core(), None).await?,
            Via::Facade => {
                self.blackbox
                    .session_management()
                    .cleanup_expired_sessions()
                    .await?
            }
        };
        unit(answer)
    }
}

/// The answer of an operation without data: a successful envelope of a 2xx.
fn unit(answer: ApiResponse<()>) -> Result<(), Error> {
    assert!(answer.success);
    assert!(answer.meta().status().is_success(), "{answer:?}");
    answer.into_data()
}

/// The API error inside `error`, if it is one.
fn api_error(error: &Error) -> Option<&blackbox::core::ApiError> {
    match error {
        Error::Api(api) => Some(api),
        _ => None,
    }
}

fn status_of(error: &Error) -> Option<u16> {
    error.status().map(|status| status.as_u16())
}

/// Hours between two RFC 3339 UTC timestamps of the sandbox (`YYYY-MM-DDTHH:MM:SSZ`).
fn hours_between(earlier: &str, later: &str) -> i64 {
    fn seconds(timestamp: &str) -> i64 {
        let digits =
            |range: std::ops::Range<usize>| -> i64 { timestamp[range].parse().expect("a number") };
        let (year, month, day) = (digits(0..4), digits(5..7), digits(8..10));
        // Days from civil (Howard Hinnant's algorithm).
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        let days = era * 146_097 + day_of_era - 719_468;
        days * 86_400 + digits(11..13) * 3600 + digits(14..16) * 60 + digits(17..19)
    }
    (seconds(later) - seconds(earlier)) / 3600
}

#[tokio::test]
async fn every_operation_works_on_every_transport_through_funcs_and_facade() {
    for transport in TRANSPORTS {
        for via in VIAS {
            let sandbox = start(transport).await;
            let blackbox = client(&sandbox, transport, sandbox.demo_token());
            let calls = Calls {
                blackbox: &blackbox,
                via,
            };
            let context = format!("{transport:?} via {via:?}");

            let (total, active, expired) = calls.stats().await.expect(&context);
            assert_eq!((total, active, expired), (4, 3, 1), "{context}");

            let sessions = calls.list().await.expect(&context);
            assert_eq!(sessions.len(), 4, "{context}");
            let current: Vec<_> = sessions
                .iter()
                .filter(|session| session.is_current)
                .collect();
            assert_eq!(current.len(), 1, "{context}");
            assert_eq!(current[0].id, sandbox.demo_session_id(), "{context}");
            assert_eq!(current[0].token.expose(), sandbox.demo_token(), "{context}");

            let other = sessions
                .iter()
                .find(|session| !session.is_current)
                .expect("another session");
            let fetched = calls.get(other.id).await.expect(&context);
            assert_eq!(&fetched, other, "{context}");

            let extended = calls.extend(other.id, 48).await.expect(&context);
            assert_eq!(
                hours_between(&other.expires_at, &extended.expires_at),
                48,
                "{context}"
            );

            calls.revoke(other.id).await.expect(&context);
            let error = calls
                .get(other.id)
                .await
                .expect_err("revoked session is gone");
            assert_eq!(status_of(&error), Some(404), "{context}");

            calls.revoke_all(true).await.expect(&context);
            let remaining = calls.list().await.expect(&context);
            assert_eq!(
                remaining.len(),
                1,
                "{context}: keep_current keeps exactly the caller's"
            );
            assert_eq!(remaining[0].id, sandbox.demo_session_id(), "{context}");

            calls.cleanup().await.expect(&context);
            assert_eq!(calls.stats().await.expect(&context), (1, 1, 0), "{context}");

            assert_eq!(
                sandbox.connection_count(),
                1,
                "{context}: one pooled connection throughout"
            );
            sandbox.shutdown().await;
        }
    }
}

#[tokio::test]
async fn http2_is_used_over_tls_unless_http1_only() {
    for (transport, expected) in [
        (Transport::Http2Tls, blackbox::core::http::Version::HTTP_2),
        (Transport::Http1Tls, blackbox::core::http::Version::HTTP_11),
    ] {
        let sandbox = start(transport).await;
        let blackbox = client(&sandbox, transport, sandbox.demo_token());
        let request = blackbox::core::OperationRequest::new(
            "get_session_stats",
            blackbox::core::http::Method::GET,
            "/api/v0/sessions/stats",
        );
        let response = blackbox.core().execute(request, None).await.unwrap();
        assert_eq!(response.version(), expected, "{transport:?}");
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn another_users_session_is_not_found() {
    let sandbox = Sandbox::start().await.unwrap();
    let blackbox = client(&sandbox, Transport::Http1, sandbox.demo_token());
    let calls = Calls {
        blackbox: &blackbox,
        via: Via::Facade,
    };
    for error in [
        calls
            .get(sandbox.other_user_session_id())
            .await
            .unwrap_err(),
        calls
            .revoke(sandbox.other_user_session_id())
            .await
            .unwrap_err(),
        calls
            .extend(sandbox.other_user_session_id(), 1)
            .await
            .unwrap_err(),
        calls.get(Uuid::new_v4()).await.unwrap_err(),
    ] {
        assert_eq!(status_of(&error), Some(404), "{error:?}");
        let message = api_error(&error)
            .and_then(|api| api.message())
            .unwrap_or_default();
        assert!(!message.is_empty(), "the envelope's message is kept");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn revoking_the_current_session_makes_its_token_stop_working() {
    let sandbox = Sandbox::start().await.unwrap();
    let blackbox = client(&sandbox, Transport::Http1, sandbox.demo_token());
    let calls = Calls {
        blackbox: &blackbox,
        via: Via::Funcs,
    };
    calls.revoke(sandbox.demo_session_id()).await.unwrap();
    let error = calls.stats().await.unwrap_err();
    assert_eq!(status_of(&error), Some(401));
    assert!(!error.is_retryable());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn revoke_all_without_keep_current_revokes_the_caller_too() {
    let sandbox = Sandbox::start().await.unwrap();
    let blackbox = client(&sandbox, Transport::Http1, sandbox.demo_token());
    let calls = Calls {
        blackbox: &blackbox,
        via: Via::Facade,
    };
    calls.revoke_all(false).await.unwrap();
    assert!(sandbox.session_ids().is_empty());
    assert_eq!(status_of(&calls.list().await.unwrap_err()), Some(401));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn cleanup_removes_exactly_the_expired_sessions_and_stats_agree() {
    let sandbox = Sandbox::start().await.unwrap();
    let (short_lived, _) = sandbox.add_session(Duration::from_secs(3600));
    let blackbox = client(&sandbox, Transport::Http1, sandbox.demo_token());
    let calls = Calls {
        blackbox: &blackbox,
        via: Via::Funcs,
    };
    assert_eq!(calls.stats().await.unwrap(), (5, 4, 1));

    // Two hours later the new session has expired too (the sandbox clock moves, we don't sleep).
    sandbox.clock().advance(Duration::from_secs(2 * 3600));
    assert_eq!(calls.stats().await.unwrap(), (5, 3, 2));
    let before = calls.list().await.unwrap();
    calls.cleanup().await.unwrap();
    let after = calls.list().await.unwrap();
    assert_eq!(calls.stats().await.unwrap(), (3, 3, 0));
    assert_eq!(after.len(), before.len() - 2);
    assert!(after.iter().all(|session| session.id != short_lived));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn extension_overflow_is_a_400_and_out_of_range_hours_are_refused_locally() {
    let sandbox = Sandbox::start().await.unwrap();
    let blackbox = client(&sandbox, Transport::Http1, sandbox.demo_token());
    let calls = Calls {
        blackbox: &blackbox,
        via: Via::Facade,
    };
    let id = sandbox.demo_session_id();

    // The docs' own example moves expiry ~98 years ahead: fine.
    calls.extend(id, 861_018).await.unwrap();
    // i32::MAX hours is ~245,000 years: past year 9999, so the server says 400.
    let error = calls.extend(id, i32::MAX as u32).await.unwrap_err();
    assert_eq!(status_of(&error), Some(400), "{error:?}");

    let before = sandbox.total_requests();
    let error = calls.extend(id, i32::MAX as u32 + 1).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(sandbox.total_requests(), before, "refused before sending");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_gets_a_typed_401() {
    let sandbox = Sandbox::start_tls().await.unwrap();
    let blackbox = client(&sandbox, Transport::Http2Tls, "not-a-session-token");
    let error = blackbox
        .session_management()
        .list_sessions()
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), Some(401));
    let api = api_error(&error).expect("API error");
    assert!(api.message().is_some());
    assert_eq!(api.headers()["content-type"], "application/json");
    sandbox.shutdown().await;
}
