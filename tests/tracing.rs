//! The `tracing` feature: one span per call named after the operation, with
//! OpenTelemetry's HTTP client attribute names; events per attempt and per
//! backoff; nothing at INFO; no secret in any span or event, even from a server
//! that echoes the token. Run with `cargo test --features tracing`.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blackbox::core::{BoxFuture, Jitter, SecretString, Sleeper, TokenSource};
use blackbox::models::ExtendSessionRequest;
use blackbox::{Blackbox, RetryConfig};
use blackbox_rs::{RawServer, Reply};
use blackbox_sandbox::{Fault, Operation, Sandbox};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{Layer, Registry};

/// Everything the SDK emitted, as text: spans with their fields (as opened and
/// as recorded later), and events with theirs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<Line>>>);

#[derive(Clone, Debug)]
enum Line {
    Span {
        id: u64,
        name: String,
        fields: String,
    },
    Record {
        id: u64,
        fields: String,
    },
    Event {
        target: String,
        level: tracing::Level,
        fields: String,
    },
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, "{}={} ", field.name(), value);
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Captured {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields(String::new());
        attributes.record(&mut fields);
        self.0.lock().unwrap().push(Line::Span {
            id: id.into_u64(),
            name: attributes.metadata().name().to_owned(),
            fields: fields.0,
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.0.lock().unwrap().push(Line::Record {
            id: id.into_u64(),
            fields: fields.0,
        });
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(Line::Event {
            target: event.metadata().target().to_owned(),
            level: *event.metadata().level(),
            fields: fields.0,
        });
    }
}

impl Captured {
    fn install(&self, level: tracing::Level) -> tracing::subscriber::DefaultGuard {
        let filter = tracing_subscriber::filter::LevelFilter::from_level(level);
        let subscriber = Registry::default().with(self.clone().with_filter(filter));
        tracing::subscriber::set_default(subscriber)
    }

    fn lines(&self) -> Vec<Line> {
        self.0.lock().unwrap().clone()
    }

    fn text(&self) -> String {
        format!("{:?}", self.lines())
    }

    /// The spans named `name`, each with every field it ever had.
    fn spans(&self, name: &str) -> Vec<String> {
        let lines = self.lines();
        lines
            .iter()
            .filter_map(|line| match line {
                Line::Span {
                    id,
                    name: n,
                    fields,
                } if n == name => {
                    let mut all = fields.clone();
                    for line in &lines {
                        if let Line::Record {
                            id: recorded,
                            fields,
                        } = line
                            && recorded == id
                        {
                            all.push_str(fields);
                        }
                    }
                    Some(all)
                }
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug, Default, Clone)]
struct NoWait;

impl Sleeper for NoWait {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

#[tokio::test]
async fn one_span_per_call_with_opentelemetry_attributes_and_events_per_attempt() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox
        .faults()
        .push(Operation::GetSession, Fault::status(503));
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .retry(
            RetryConfig::default()
                .with_initial_interval(Duration::from_millis(250))
                .with_jitter(Jitter::None),
        )
        .sleeper(NoWait)
        .build()
        .expect("client");
    let captured = Captured::default();
    let _guard = captured.install(tracing::Level::DEBUG);
    let sessions = blackbox.session_management();
    let id = sandbox.demo_session_id();
    sessions.get_session(id).await.expect("retried, then found");
    sessions
        .extend_session(id, ExtendSessionRequest::new(1))
        .await
        .expect("extended");
    let error = sessions
        .get_session(blackbox::uuid::Uuid::nil())
        .await
        .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));

    let gets = captured.spans("get_session");
    assert_eq!(gets.len(), 2, "one span per call: {gets:?}");
    let port = sandbox.local_addr().port().to_string();
    for expected in [
        "otel.name=get_session",
        "otel.kind=client",
        "blackbox.operation_id=get_session",
        "http.request.method=GET",
        "url.template=/api/v0/sessions/{session_id}",
        &format!("url.full=http://127.0.0.1:{port}/api/v0/sessions/{id}"),
        "server.address=127.0.0.1",
        &format!("server.port={port}"),
        "http.response.status_code=200",
        "network.protocol.version=1.1",
        "http.request.resend_count=1",
    ] {
        assert!(gets[0].contains(expected), "{expected} in {}", gets[0]);
    }
    assert!(!gets[0].contains("error.type"), "{}", gets[0]);
    assert!(
        gets[1].contains("http.response.status_code=404"),
        "{}",
        gets[1]
    );
    assert!(gets[1].contains("error.type=404"), "{}", gets[1]);
    assert!(
        !gets[1].contains("resend_count"),
        "not retried: {}",
        gets[1]
    );
    let extends = captured.spans("extend_session");
    assert_eq!(extends.len(), 1);
    assert!(
        extends[0].contains("http.request.method=POST"),
        "{}",
        extends[0]
    );
    assert!(
        extends[0].contains("url.template=/api/v0/sessions/{session_id}/extend"),
        "{}",
        extends[0]
    );

    let events: Vec<String> = captured
        .lines()
        .into_iter()
        .filter_map(|line| match line {
            // hyper-util's own events (with its `tracing` feature, which
            // another crate of this workspace turns on) are not the SDK's.
            Line::Event {
                target,
                level,
                fields,
            } if target == "blackbox" => {
                assert_eq!(level, tracing::Level::DEBUG, "{fields}");
                Some(fields)
            }
            _ => None,
        })
        .collect();
    let text = events.join("\n");
    assert!(text.contains("message=attempt failed"), "{text}");
    assert!(text.contains("error.type=503"), "{text}");
    assert!(
        text.contains("message=backing off before the next attempt")
            && text.contains("delay_ms=250"),
        "{text}"
    );
    assert_eq!(
        events
            .iter()
            .filter(|event| event.contains("attempt answered"))
            .count(),
        2,
        "{text}"
    );
    drop(_guard);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_application_logging_at_info_sees_nothing_of_the_sdk() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox
        .faults()
        .push(Operation::ListSessions, Fault::status(503));
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .sleeper(NoWait)
        .build()
        .expect("client");
    let captured = Captured::default();
    let _guard = captured.install(tracing::Level::INFO);
    let sessions = blackbox.session_management();
    sessions.list_sessions().await.expect("retried");
    sessions
        .get_session(blackbox::uuid::Uuid::nil())
        .await
        .expect_err("404");
    assert!(captured.lines().is_empty(), "{:?}", captured.lines());
    drop(_guard);
    sandbox.shutdown().await;
}

const TOKEN: &str = "sentinel-bearer-token-tracing";

#[derive(Debug)]
struct Rotating;

impl TokenSource for Rotating {
    fn token(&self) -> BoxFuture<'_, Result<Option<SecretString>, blackbox::core::BoxError>> {
        Box::pin(async { Ok(Some(SecretString::from(TOKEN))) })
    }
}

#[tokio::test]
async fn no_secret_reaches_a_span_or_an_event() {
    // The sandbox's sessions carry tokens; the bearer token is the sandbox's.
    let sandbox = Sandbox::start().await.expect("sandbox");
    let bearer = sandbox.demo_token().to_owned();
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(bearer.as_str())
        .default_header("x-api-key", "sentinel-api-key-value")
        .build()
        .expect("client");
    let captured = Captured::default();
    let guard = captured.install(tracing::Level::TRACE);
    let list = blackbox
        .session_management()
        .list_sessions()
        .await
        .expect("listed")
        .into_data()
        .expect("data");
    drop(guard);
    let text = captured.text();
    assert!(!text.is_empty());
    assert!(!text.contains(&bearer), "{text}");
    assert!(!text.contains("sentinel-api-key-value"), "{text}");
    for session in &list.sessions {
        assert!(!text.contains(session.token.expose()), "{text}");
    }
    sandbox.shutdown().await;

    // A server that echoes the token in its message and in a header, with a
    // static token and with a token source, over a proxy with a password.
    for use_source in [false, true] {
        let server = RawServer::start(
            [
                Reply::with_headers(
                    503,
                    &[("x-echo", &format!("Bearer {TOKEN}"))],
                    &format!(r#"{{"success":false,"message":"overloaded, token {TOKEN}"}}"#),
                ),
                Reply::with_headers(
                    401,
                    &[("x-echo", TOKEN)],
                    &format!(r#"{{"success":false,"message":"invalid token {TOKEN}"}}"#),
                ),
            ],
            Reply::json(500, "{}"),
        )
        .await
        .expect("server");
        let builder = Blackbox::builder()
            .server_url("http://127.0.0.1:9")
            .proxy(format!(
                "http://alice:sentinel-proxy-password@{}",
                server.address()
            ))
            .sleeper(NoWait);
        let blackbox = if use_source {
            builder.token_source(Rotating)
        } else {
            builder.token(TOKEN)
        }
        .build()
        .expect("client");
        let captured = Captured::default();
        let guard = captured.install(tracing::Level::TRACE);
        let error = blackbox
            .session_management()
            .get_session_stats()
            .await
            .expect_err("401 after a 503");
        drop(guard);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
        let text = captured.text();
        assert!(text.contains("attempt failed"), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("sentinel-proxy-password"), "{text}");
        assert!(
            text.contains("** redacted **"),
            "the echo was there, hidden: {text}"
        );
    }
}
