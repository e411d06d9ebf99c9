//! A mock transport for unit tests: canned answers by rule, a log of every
//! request, and a sleeper that records the retry delays instead of waiting.
//! Needs the `test-util` feature (never on by default: turn it on in your
//! `[dev-dependencies]` only).
//!
//! [`MockHttpClient`] is an [`HttpClient`]: the client sends every request
//! through the real core — headers, auth, the retry loop with `Retry-After`,
//! body limits, envelope decoding, errors — and only the network is replaced.
//! So a test of your code sees exactly what it would see from the API, and
//! runs in microseconds.
//!
//! - **Rules** ([`MockHttpClient::on`]) match requests by operation id (the
//!   `operationId` of the API description, e.g. `"list_sessions"`), by method
//!   and path, or by any predicate ([`Matcher`]); the first rule added that
//!   matches answers. A rule gives its answers in order and then repeats its
//!   last one, so "429, then 200" is `.respond(429).respond(200)`.
//! - **Answers** ([`MockResponse`]) are ready-made for the common cases — the
//!   API's envelope around any serializable data, "ok" without data, 401, 404,
//!   429 with `Retry-After`, 503, a failed connection — or computed from the
//!   request by a closure ([`MockRule::respond_with`]).
//! - **Requests** are recorded ([`MockHttpClient::requests`]) with their
//!   operation id, method, path, headers and body ([`RecordedRequest::json`]
//!   decodes it).
//! - **An unmatched request** is answered `501 Not Implemented` (a status the
//!   client never retries) with a message naming its method, path and
//!   operation: the call fails once with [`Error::Api`], whose `Display` reads
//!   `API error 501 Not Implemented: no mock rule matches GET /api/v0/sessions/stats
//!   (operation get_session_stats)`. [`MockHttpClient::unmatched`] lists such
//!   requests and [`UnmatchedRequest::find`] recognises the error.
//! - **Retries** do not wait: [`MockHttpClient::core`] and
//!   [`MockHttpClient::builder`] plug in a [`RecordingSleeper`] and turn
//!   jitter off, so the delays are exact and [`MockHttpClient::delays`] lists
//!   them.
//!
//! The ready-made answers know nothing about sessions (this crate does not);
//! build the data from your own values or from the API's models — the
//! `blackbox-funcs` and `blackbox` crates have session fixtures under the same
//! feature, in their `test_util` module, which also re-exports this one.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use std::time::Duration;
//!
//! use blackbox_core::http::Method;
//! use blackbox_core::mock::{MockHttpClient, MockResponse};
//! use blackbox_core::OperationRequest;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), blackbox_core::Error> {
//!     let stats = BTreeMap::from([("active_sessions", 2_u64), ("total_sessions", 3)]);
//!     let mock = MockHttpClient::new();
//!     mock.on("get_session_stats")
//!         .respond(MockResponse::rate_limited(Duration::from_secs(2)))
//!         .respond(MockResponse::envelope(&stats));
//!
//!     // The code under test, with a client on the mock.
//!     let core = mock.core();
//!     let request = OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats");
//!     let answer = core.execute(request, None).await?;
//!     let data = answer.into_api_response::<BTreeMap<String, u64>>()?.into_data()?;
//!
//!     assert_eq!(data["active_sessions"], 2);
//!     assert_eq!(mock.delays(), [Duration::from_secs(2)], "waited as asked, instantly");
//!     assert_eq!(mock.requests_for("get_session_stats").len(), 2);
//!     Ok(())
//! }
//! ```
//!
//! # Compared with the alternatives
//!
//! `docs/testing.md` in the repository has one realistic test (revoke the
//! other sessions after a password change; the revoke answers 429 once) written
//! with this kit, with `wiremock`, with `httpmock` and in the style of
//! `aws-smithy-mocks`, with line counts.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::headers::DebugHeaders;
use crate::request::OperationId;
use crate::token::BoxFuture;
use crate::{
    BlackboxCore, BlackboxCoreBuilder, Error, HttpClient, Jitter, ResponseBody, RetryConfig,
    Sleeper, TransportError, TransportErrorKind,
};

/// Locks a mutex, ignoring poisoning: a panicking test thread must not hide
/// the log from the assertions of another.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A transport that answers from rules instead of the network, and records
/// every request. Cheap to clone: clones share the rules and the log, so keep
/// one to set rules and assert after handing another to the client.
///
/// Plug it in with [`BlackboxCoreBuilder::http_client`], or let
/// [`core`](Self::core) / [`builder`](Self::builder) do it together with a
/// [`RecordingSleeper`]; see the [module documentation](self) for an example.
///
/// ```
/// use blackbox_core::mock::{MockHttpClient, MockResponse};
/// use blackbox_core::BlackboxCore;
///
/// let mock = MockHttpClient::new();
/// mock.on("cleanup_expired_sessions").respond(MockResponse::ok());
/// // Either of these sends through the mock; `core()` also skips the waits.
/// let core = mock.core();
/// let core = BlackboxCore::builder().token("test-token").http_client(mock.clone()).build()?;
/// # let _ = core;
/// # Ok::<(), blackbox_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct MockHttpClient {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    rules: Mutex<Vec<Arc<RuleState>>>,
    requests: Mutex<Vec<RecordedRequest>>,
    unmatched: Mutex<Vec<RecordedRequest>>,
    sleeper: RecordingSleeper,
}

struct RuleState {
    matcher: Matcher,
    answers: Mutex<Answers>,
}

#[derive(Default)]
struct Answers {
    list: Vec<Answer>,
    hits: usize,
}

#[derive(Clone)]
enum Answer {
    Fixed(MockResponse),
    Computed(Compute),
}

/// An answer computed from the request.
type Compute = Arc<dyn Fn(&RecordedRequest) -> MockResponse + Send + Sync>;

impl MockHttpClient {
    /// A mock without rules: every request is answered as unmatched (`501`,
    /// see [`UnmatchedRequest`]) until [`on`](Self::on) adds a rule for it.
    ///
    /// ```
    /// let mock = blackbox_core::mock::MockHttpClient::new();
    /// assert!(mock.requests().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule answering the requests `matcher` matches: an operation id
    /// (`"list_sessions"`), or any [`Matcher`]. Give it its answers with
    /// [`MockRule::respond`]; a rule without answers matches nothing.
    ///
    /// Rules are tried in the order they were added, and the first that
    /// matches answers: add specific rules before general ones.
    ///
    /// ```
    /// use blackbox_core::http::Method;
    /// use blackbox_core::mock::{Matcher, MockHttpClient, MockResponse};
    ///
    /// let mock = MockHttpClient::new();
    /// let id = "fe603112-c194-45c1-90cf-513753aa0744";
    /// mock.on(Matcher::request(Method::DELETE, format!("/api/v0/sessions/{id}")))
    ///     .respond(MockResponse::ok());
    /// mock.on("revoke_session").respond(MockResponse::not_found());
    /// ```
    pub fn on(&self, matcher: impl Into<Matcher>) -> MockRule {
        let rule = Arc::new(RuleState {
            matcher: matcher.into(),
            answers: Mutex::default(),
        });
        lock(&self.shared.rules).push(Arc::clone(&rule));
        MockRule { rule }
    }

    /// A builder of a client (a [`BlackboxCore`] by default, or any `C` made
    /// from one, like the `blackbox` crate's client) that sends through this
    /// mock, waits with [`sleeper`](Self::sleeper) (so retries do not wait) and
    /// retries as [`RetryConfig::default`] without jitter (so the delays are
    /// exact). Add any other setting; a `retry(..)` of yours replaces the whole
    /// policy, jitter included.
    ///
    /// ```
    /// use blackbox_core::mock::{MockHttpClient, MockResponse};
    /// use blackbox_core::BlackboxCore;
    ///
    /// let mock = MockHttpClient::new();
    /// let core: BlackboxCore = mock.builder().token("test-token").build()?;
    /// # let _ = core;
    /// # Ok::<(), blackbox_core::Error>(())
    /// ```
    pub fn builder<C>(&self) -> BlackboxCoreBuilder<C> {
        BlackboxCoreBuilder::<C>::default()
            .http_client(self.clone())
            .sleeper(self.sleeper())
            .retry(RetryConfig::default().with_jitter(Jitter::None))
    }

    /// A client with [`builder`](Self::builder)'s settings and nothing else (no
    /// token; the production server URL, which nothing is sent to).
    ///
    /// ```
    /// use blackbox_core::mock::MockHttpClient;
    ///
    /// let mock = MockHttpClient::new();
    /// let core = mock.core();
    /// assert!(core.server_url().to_string().starts_with("https://api.blckbox.dev"));
    /// ```
    pub fn core(&self) -> BlackboxCore {
        match self.builder().build() {
            Ok(core) => core,
            // Nothing of the defaults can be invalid; say so if it ever is.
            Err(error) => panic!("a client on the mock transport did not build: {error}"),
        }
    }

    /// The sleeper [`builder`](Self::builder) and [`core`](Self::core) plug
    /// in: it records each delay and returns at once. Pass it to your own
    /// builder with [`BlackboxCoreBuilder::sleeper`].
    ///
    /// ```
    /// use blackbox_core::mock::MockHttpClient;
    ///
    /// let mock = MockHttpClient::new();
    /// let sleeper = mock.sleeper();
    /// assert!(sleeper.delays().is_empty());
    /// ```
    pub fn sleeper(&self) -> RecordingSleeper {
        self.shared.sleeper.clone()
    }

    /// The delays the client waited between attempts, in order (through
    /// [`sleeper`](Self::sleeper); empty when the client waits with another).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::time::Duration;
    /// use blackbox_core::http::Method;
    /// use blackbox_core::mock::{MockHttpClient, MockResponse};
    /// use blackbox_core::OperationRequest;
    ///
    /// let mock = MockHttpClient::new();
    /// mock.on("get_session_stats").respond(MockResponse::unavailable());
    /// let request = OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats");
    /// let error = mock.core().execute(request, None).await.expect_err("always 503");
    /// assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    /// // 3 attempts by default: 500 ms, then ×1.5.
    /// assert_eq!(mock.delays(), [Duration::from_millis(500), Duration::from_millis(750)]);
    /// # }
    /// ```
    pub fn delays(&self) -> Vec<Duration> {
        self.shared.sleeper.delays()
    }

    /// Every request received, matched or not, oldest first.
    ///
    /// ```
    /// let mock = blackbox_core::mock::MockHttpClient::new();
    /// for request in mock.requests() {
    ///     println!("{} {}", request.method(), request.path());
    /// }
    /// ```
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The requests of one operation (by its operation id), oldest first:
    /// `requests_for("revoke_all_sessions").len()` counts the attempts.
    ///
    /// ```
    /// let mock = blackbox_core::mock::MockHttpClient::new();
    /// assert_eq!(mock.requests_for("list_sessions").len(), 0);
    /// ```
    pub fn requests_for(&self, operation_id: &str) -> Vec<RecordedRequest> {
        lock(&self.shared.requests)
            .iter()
            .filter(|request| request.operation_id() == Some(operation_id))
            .cloned()
            .collect()
    }

    /// The requests no rule matched, oldest first. Each was answered `501 Not
    /// Implemented` naming it, so its call failed with an [`Error::Api`] that
    /// [`UnmatchedRequest::find`] recognises. They are in
    /// [`requests`](Self::requests) too.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use blackbox_core::http::Method;
    /// use blackbox_core::mock::MockHttpClient;
    /// use blackbox_core::OperationRequest;
    ///
    /// let mock = MockHttpClient::new();
    /// let request = OperationRequest::new("list_sessions", Method::GET, "/api/v0/sessions");
    /// let error = mock.core().execute(request, None).await.expect_err("no rule");
    /// assert_eq!(error.status().map(|status| status.as_u16()), Some(501));
    ///
    /// let unmatched = mock.unmatched();
    /// assert_eq!(unmatched.len(), 1, "sent once, not retried");
    /// assert_eq!(unmatched[0].operation_id(), Some("list_sessions"));
    /// assert_eq!(unmatched[0].path(), "/api/v0/sessions");
    /// # }
    /// ```
    pub fn unmatched(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.unmatched).clone()
    }

    /// The answer for `request`: the first rule that matches and has answers.
    /// User code (predicates, closures) runs without any lock held.
    fn answer(&self, request: &RecordedRequest) -> Option<MockResponse> {
        let rules = lock(&self.shared.rules).clone();
        for rule in rules {
            if lock(&rule.answers).list.is_empty() || !rule.matcher.matches(request) {
                continue;
            }
            let answer = {
                let mut answers = lock(&rule.answers);
                let index = answers.hits.min(answers.list.len() - 1);
                answers.hits += 1;
                answers.list[index].clone()
            };
            return Some(match answer {
                Answer::Fixed(response) => response,
                Answer::Computed(compute) => compute(request),
            });
        }
        None
    }
}

impl HttpClient for MockHttpClient {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, TransportError>> {
        let operation_id = request
            .extensions()
            .get::<OperationId>()
            .map(OperationId::as_str);
        let (parts, body) = request.into_parts();
        let recorded = RecordedRequest {
            operation_id,
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        };
        lock(&self.shared.requests).push(recorded.clone());
        let result = match self.answer(&recorded) {
            Some(response) => response.into_result(),
            None => {
                let unmatched = UnmatchedRequest::of(&recorded);
                lock(&self.shared.unmatched).push(recorded);
                // An answer, not a transport failure: the call fails with an
                // `Error::Api` whose message names the request. 501 is never
                // retried, whatever the method or policy: a missing rule is a
                // mistake in the test, and retrying would only repeat it.
                unmatched.response().into_result()
            }
        };
        Box::pin(std::future::ready(result))
    }
}

impl fmt::Debug for MockHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockHttpClient")
            .field("rules", &lock(&self.shared.rules).len())
            .field("requests", &lock(&self.shared.requests).len())
            .field("unmatched", &lock(&self.shared.unmatched).len())
            .finish_non_exhaustive()
    }
}

/// A rule of a [`MockHttpClient`], from [`MockHttpClient::on`]: add its
/// answers with [`respond`](Self::respond) and [`respond_with`](Self::respond_with).
///
/// The answers are given in order, one per matching request, and the last one
/// then answers every further request. Retries are requests too: a rule
/// answering 429 then 200 makes one call succeed on its second attempt.
///
/// ```
/// use std::time::Duration;
/// use blackbox_core::mock::{MockHttpClient, MockResponse};
///
/// let mock = MockHttpClient::new();
/// let rule = mock
///     .on("revoke_all_sessions")
///     .respond(MockResponse::rate_limited(Duration::from_secs(1)))
///     .respond(MockResponse::ok());
/// assert_eq!(rule.hits(), 0);
/// ```
#[derive(Clone)]
pub struct MockRule {
    rule: Arc<RuleState>,
}

impl MockRule {
    /// Adds `response` as the rule's next answer.
    ///
    /// ```
    /// use blackbox_core::mock::{MockHttpClient, MockResponse};
    ///
    /// let mock = MockHttpClient::new();
    /// mock.on("get_session").respond(MockResponse::unavailable()).respond(MockResponse::not_found());
    /// ```
    pub fn respond(self, response: MockResponse) -> Self {
        lock(&self.rule.answers).list.push(Answer::Fixed(response));
        self
    }

    /// Adds an answer computed from the request each time it is given (for
    /// an answer that echoes the path's id or the request's body).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use blackbox_core::mock::{MockHttpClient, MockResponse};
    ///
    /// let mock = MockHttpClient::new();
    /// mock.on("get_session").respond_with(|request| {
    ///     let id = request.path().rsplit('/').next().unwrap_or_default().to_owned();
    ///     MockResponse::envelope(&BTreeMap::from([("id", id)]))
    /// });
    /// ```
    pub fn respond_with<F>(self, compute: F) -> Self
    where
        F: Fn(&RecordedRequest) -> MockResponse + Send + Sync + 'static,
    {
        lock(&self.rule.answers)
            .list
            .push(Answer::Computed(Arc::new(compute)));
        self
    }

    /// How many requests this rule has answered.
    ///
    /// ```
    /// use blackbox_core::mock::{MockHttpClient, MockResponse};
    ///
    /// let rule = MockHttpClient::new().on("list_sessions").respond(MockResponse::unauthorized());
    /// assert_eq!(rule.hits(), 0);
    /// ```
    pub fn hits(&self) -> usize {
        lock(&self.rule.answers).hits
    }
}

impl fmt::Debug for MockRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let answers = lock(&self.rule.answers);
        f.debug_struct("MockRule")
            .field("matcher", &self.rule.matcher)
            .field("answers", &answers.list.len())
            .field("hits", &answers.hits)
            .finish()
    }
}

/// Which requests a rule answers: every condition set must hold. An operation
/// id converts into one (`mock.on("list_sessions")`).
///
/// ```
/// use blackbox_core::http::Method;
/// use blackbox_core::mock::Matcher;
///
/// let by_operation = Matcher::operation("revoke_all_sessions");
/// let by_request = Matcher::request(Method::GET, "/api/v0/sessions/stats");
/// let keeping_current = Matcher::operation("revoke_all_sessions")
///     .when(|request| request.body() == &br#"{"keep_current":true}"#[..]);
/// # let _ = (by_operation, by_request, keeping_current);
/// ```
#[derive(Clone, Default)]
pub struct Matcher {
    operation_id: Option<Cow<'static, str>>,
    method: Option<Method>,
    path: Option<String>,
    predicate: Option<Predicate>,
}

/// A matcher's own condition on a request.
type Predicate = Arc<dyn Fn(&RecordedRequest) -> bool + Send + Sync>;

impl Matcher {
    /// Matches every request.
    ///
    /// ```
    /// use blackbox_core::mock::{Matcher, MockHttpClient, MockResponse};
    ///
    /// let mock = MockHttpClient::new();
    /// mock.on(Matcher::any()).respond(MockResponse::unauthorized());
    /// ```
    pub fn any() -> Self {
        Self::default()
    }

    /// Matches the requests of one operation, by its operation id.
    ///
    /// ```
    /// let matcher = blackbox_core::mock::Matcher::operation("get_session");
    /// # let _ = matcher;
    /// ```
    pub fn operation(operation_id: impl Into<Cow<'static, str>>) -> Self {
        Self {
            operation_id: Some(operation_id.into()),
            ..Self::default()
        }
    }

    /// Matches a method and an exact path (the request URI's path, without
    /// the query; it includes the server URL's path prefix, if any).
    ///
    /// ```
    /// use blackbox_core::http::Method;
    ///
    /// let matcher = blackbox_core::mock::Matcher::request(Method::POST, "/api/v0/sessions/cleanup");
    /// # let _ = matcher;
    /// ```
    pub fn request(method: Method, path: impl Into<String>) -> Self {
        Self::any().method(method).path(path)
    }

    /// Also requires this method.
    ///
    /// ```
    /// use blackbox_core::http::Method;
    ///
    /// let matcher = blackbox_core::mock::Matcher::any().method(Method::DELETE);
    /// # let _ = matcher;
    /// ```
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Also requires this exact path.
    ///
    /// ```
    /// let matcher = blackbox_core::mock::Matcher::any().path("/api/v0/sessions");
    /// # let _ = matcher;
    /// ```
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Also requires `predicate` to hold (replacing an earlier one): headers,
    /// body, anything of the [`RecordedRequest`].
    ///
    /// ```
    /// use blackbox_core::mock::Matcher;
    ///
    /// let with_token = Matcher::any()
    ///     .when(|request| request.header("authorization") == Some("Bearer test-token"));
    /// # let _ = with_token;
    /// ```
    pub fn when<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&RecordedRequest) -> bool + Send + Sync + 'static,
    {
        self.predicate = Some(Arc::new(predicate));
        self
    }

    fn matches(&self, request: &RecordedRequest) -> bool {
        self.operation_id
            .as_deref()
            .is_none_or(|id| request.operation_id() == Some(id))
            && self
                .method
                .as_ref()
                .is_none_or(|method| request.method() == method)
            && self
                .path
                .as_deref()
                .is_none_or(|path| request.path() == path)
            && self
                .predicate
                .as_ref()
                .is_none_or(|predicate| predicate(request))
    }
}

impl From<&'static str> for Matcher {
    /// An operation id: `mock.on("list_sessions")`.
    fn from(operation_id: &'static str) -> Self {
        Self::operation(operation_id)
    }
}

impl From<String> for Matcher {
    /// An operation id.
    fn from(operation_id: String) -> Self {
        Self::operation(operation_id)
    }
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("predicate", &self.predicate.as_ref().map(|_| ".."))
            .finish()
    }
}

/// One canned answer: an HTTP response (status, headers, body), or a failed
/// connection. The constructors cover the API's usual answers, in its
/// envelope (`{"success":..,"message":..,"data":..}`).
///
/// ```
/// use std::time::Duration;
/// use blackbox_core::mock::MockResponse;
///
/// let answers = [
///     MockResponse::envelope(&vec!["any", "serializable", "data"]),
///     MockResponse::ok(),
///     MockResponse::error(409, "Session is locked"),
///     MockResponse::rate_limited(Duration::from_secs(1)),
///     MockResponse::new(204).header("x-request-id", "req-1"),
/// ];
/// assert_eq!(answers[3].status(), Some(429));
/// ```
#[derive(Clone)]
pub struct MockResponse {
    kind: ResponseKind,
}

#[derive(Clone)]
enum ResponseKind {
    Http {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Failure {
        kind: TransportErrorKind,
        message: Cow<'static, str>,
    },
}

impl MockResponse {
    /// An answer with this status, no headers and an empty body.
    ///
    /// # Panics
    ///
    /// When `status` is not a valid HTTP status (100..=999).
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::new(202);
    /// assert_eq!(answer.status(), Some(202));
    /// ```
    pub fn new(status: u16) -> Self {
        let status = StatusCode::from_u16(status)
            .unwrap_or_else(|_| panic!("{status} is not an HTTP status (100..=999)"));
        Self {
            kind: ResponseKind::Http {
                status,
                headers: HeaderMap::new(),
                body: Bytes::new(),
            },
        }
    }

    /// An answer with this status and `body` encoded as JSON
    /// (`Content-Type: application/json`), for any body shape.
    ///
    /// # Panics
    ///
    /// When `status` is not a valid HTTP status, or `body` cannot be encoded
    /// as JSON (a map with non-string keys).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    ///
    /// let body = BTreeMap::from([("success", true)]);
    /// let answer = blackbox_core::mock::MockResponse::json(200, &body);
    /// assert_eq!(answer.body_bytes(), Some(&br#"{"success":true}"#[..]));
    /// ```
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Self {
        let bytes = serde_json::to_vec(body)
            .unwrap_or_else(|error| panic!("the mock body cannot be encoded as JSON: {error}"));
        Self::new(status)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(bytes)
    }

    /// `200` with the API's successful envelope around `data`:
    /// `{"success":true,"message":null,"data":<data>}`. Use the API's models
    /// or any serializable value.
    ///
    /// # Panics
    ///
    /// When `data` cannot be encoded as JSON.
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::envelope(&42);
    /// assert_eq!(answer.body_bytes(), Some(&br#"{"success":true,"message":null,"data":42}"#[..]));
    /// ```
    pub fn envelope<T: Serialize + ?Sized>(data: &T) -> Self {
        Self::json(
            200,
            &Envelope {
                success: true,
                message: None,
                data: Some(data),
            },
        )
    }

    /// `200` with the successful envelope and no data, the answer of the
    /// operations without data (`revoke_session`, `revoke_all_sessions`,
    /// `cleanup_expired_sessions`): `{"success":true,"message":null,"data":null}`.
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::ok();
    /// assert_eq!(answer.status(), Some(200));
    /// ```
    pub fn ok() -> Self {
        Self::json(
            200,
            &Envelope::<()> {
                success: true,
                message: None,
                data: None,
            },
        )
    }

    /// A failed answer: this status with the API's error envelope
    /// `{"success":false,"message":<message>,"data":null}`; the client's
    /// [`ApiError::message`](crate::ApiError::message) is `message`.
    ///
    /// # Panics
    ///
    /// When `status` is not a valid HTTP status.
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::error(404, "Session not found");
    /// assert_eq!(answer.status(), Some(404));
    /// ```
    pub fn error(status: u16, message: &str) -> Self {
        Self::json(
            status,
            &Envelope::<()> {
                success: false,
                message: Some(message),
                data: None,
            },
        )
    }

    /// `401` with `WWW-Authenticate: Bearer` and the message `Unauthorized`:
    /// what every operation answers without a valid token.
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::unauthorized();
    /// assert_eq!(answer.status(), Some(401));
    /// ```
    pub fn unauthorized() -> Self {
        Self::error(401, "Unauthorized")
            .header(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    /// `404` with the message `Not found` (the API says `Session not found`
    /// for an unknown session: use [`error`](Self::error) to assert on it).
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::not_found();
    /// assert_eq!(answer.status(), Some(404));
    /// ```
    pub fn not_found() -> Self {
        Self::error(404, "Not found")
    }

    /// `429` with `Retry-After` in whole seconds (`retry_after` rounded up),
    /// and the message `Too Many Requests`. The client waits that long before
    /// its next attempt when the wait is within its retry policy.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let answer = blackbox_core::mock::MockResponse::rate_limited(Duration::from_millis(1500));
    /// assert_eq!(answer.header_value("retry-after"), Some("2"));
    /// ```
    pub fn rate_limited(retry_after: Duration) -> Self {
        let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
        Self::error(429, "Too Many Requests").header(RETRY_AFTER, HeaderValue::from(seconds))
    }

    /// `503` with the message `Service Unavailable` (and no `Retry-After`: add
    /// one with [`header`](Self::header)).
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::unavailable().header("retry-after", "3");
    /// assert_eq!(answer.status(), Some(503));
    /// ```
    pub fn unavailable() -> Self {
        Self::error(503, "Service Unavailable")
    }

    /// No answer: the transport fails with this kind of [`TransportError`]
    /// (`Connect`: nothing was sent, retried for every method; `Other`: the
    /// connection broke mid-request, retried for idempotent methods).
    ///
    /// ```
    /// use blackbox_core::mock::MockResponse;
    /// use blackbox_core::TransportErrorKind;
    ///
    /// let refused = MockResponse::transport_error(TransportErrorKind::Connect, "connection refused");
    /// assert_eq!(refused.status(), None);
    /// ```
    pub fn transport_error(
        kind: TransportErrorKind,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            kind: ResponseKind::Failure {
                kind,
                message: message.into(),
            },
        }
    }

    /// Adds (or replaces) a response header. Ignored on a
    /// [`transport_error`](Self::transport_error).
    ///
    /// # Panics
    ///
    /// When the name or the value is not valid HTTP.
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::ok().header("x-request-id", "req-7");
    /// assert_eq!(answer.header_value("x-request-id"), Some("req-7"));
    /// ```
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        if let ResponseKind::Http { headers, .. } = &mut self.kind {
            let name = name
                .try_into()
                .unwrap_or_else(|_| panic!("not a valid header name for a mock response"));
            let value = value
                .try_into()
                .unwrap_or_else(|_| panic!("not a valid header value for {name}"));
            headers.insert(name, value);
        }
        self
    }

    /// Replaces the body with these bytes, verbatim (a malformed body, text,
    /// anything). Ignored on a [`transport_error`](Self::transport_error).
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::new(200).body("<html>");
    /// assert_eq!(answer.body_bytes(), Some(&b"<html>"[..]));
    /// ```
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        if let ResponseKind::Http { body: current, .. } = &mut self.kind {
            *current = body.into();
        }
        self
    }

    /// The status, or `None` for a [`transport_error`](Self::transport_error).
    ///
    /// ```
    /// assert_eq!(blackbox_core::mock::MockResponse::unavailable().status(), Some(503));
    /// ```
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ResponseKind::Http { status, .. } => Some(status.as_u16()),
            ResponseKind::Failure { .. } => None,
        }
    }

    /// A header's value, when it is set and visible ASCII.
    ///
    /// ```
    /// let answer = blackbox_core::mock::MockResponse::unauthorized();
    /// assert_eq!(answer.header_value("www-authenticate"), Some("Bearer"));
    /// ```
    pub fn header_value(&self, name: &str) -> Option<&str> {
        match &self.kind {
            ResponseKind::Http { headers, .. } => headers.get(name)?.to_str().ok(),
            ResponseKind::Failure { .. } => None,
        }
    }

    /// The body, or `None` for a [`transport_error`](Self::transport_error).
    ///
    /// ```
    /// assert_eq!(blackbox_core::mock::MockResponse::new(204).body_bytes(), Some(&b""[..]));
    /// ```
    pub fn body_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            ResponseKind::Http { body, .. } => Some(body),
            ResponseKind::Failure { .. } => None,
        }
    }

    fn into_result(self) -> Result<http::Response<ResponseBody>, TransportError> {
        match self.kind {
            ResponseKind::Http {
                status,
                headers,
                body,
            } => {
                let mut response = http::Response::new(ResponseBody::from_bytes(body));
                *response.status_mut() = status;
                *response.headers_mut() = headers;
                Ok(response)
            }
            ResponseKind::Failure { kind, message } => {
                let source = MockFailure(message);
                Err(match kind {
                    TransportErrorKind::Connect => TransportError::connect(source),
                    TransportErrorKind::ConnectTimeout => TransportError::connect_timeout(source),
                    TransportErrorKind::Tls => TransportError::tls(source),
                    TransportErrorKind::Other => TransportError::other(source),
                })
            }
        }
    }
}

impl fmt::Debug for MockResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ResponseKind::Http {
                status,
                headers,
                body,
            } => f
                .debug_struct("MockResponse")
                .field("status", status)
                .field("headers", &DebugHeaders(headers))
                .field("body_len", &body.len())
                .finish(),
            ResponseKind::Failure { kind, message } => f
                .debug_struct("MockResponse")
                .field("transport_error", kind)
                .field("message", message)
                .finish(),
        }
    }
}

/// The API's envelope, as the mock writes it (`message` and `data` always
/// present, `null` when absent, as the API's servers write them).
#[derive(Serialize)]
struct Envelope<'a, T: ?Sized> {
    success: bool,
    message: Option<&'a str>,
    data: Option<&'a T>,
}

/// The cause of a scripted transport failure.
struct MockFailure(Cow<'static, str>);

impl fmt::Debug for MockFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MockFailure({:?})", self.0)
    }
}

impl fmt::Display for MockFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mock transport failure: {}", self.0)
    }
}

impl StdError for MockFailure {}

/// A request the mock received, as the client sent it: the operation id, the
/// method, the absolute URI, the headers (with `Authorization`) and the body.
///
/// Its `Debug` output hides credential headers and the body (only its length
/// is shown), like the client's own; the accessors return everything.
///
/// ```
/// use blackbox_core::http::Method;
/// use blackbox_core::mock::{MockHttpClient, MockResponse};
/// use blackbox_core::{BlackboxCore, OperationRequest};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), blackbox_core::Error> {
/// let mock = MockHttpClient::new();
/// mock.on("get_session_stats").respond(MockResponse::envelope(&0));
/// let core: BlackboxCore = mock.builder().token("test-token").build()?;
/// let stats = OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats");
/// core.execute(stats, None).await?;
///
/// let request = &mock.requests()[0];
/// assert_eq!(request.operation_id(), Some("get_session_stats"));
/// assert_eq!(request.method(), "GET");
/// assert_eq!(request.path(), "/api/v0/sessions/stats");
/// assert_eq!(request.header("authorization"), Some("Bearer test-token"));
/// assert!(request.body().is_empty());
/// assert!(!format!("{request:?}").contains("test-token"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RecordedRequest {
    operation_id: Option<&'static str>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl RecordedRequest {
    /// The operation id (`"list_sessions"`, ...), as the client passes it to
    /// a custom transport; `None` only when a hook removed it.
    ///
    /// ```
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// for request in mock.requests() {
    ///     println!("{:?}", request.operation_id());
    /// }
    /// ```
    pub fn operation_id(&self) -> Option<&'static str> {
        self.operation_id
    }

    /// The HTTP method.
    ///
    /// ```
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// assert!(mock.requests().iter().all(|request| request.method() != "PUT"));
    /// ```
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The absolute URI, with the server URL.
    ///
    /// ```
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// for request in mock.requests() {
    ///     assert_eq!(request.uri().host(), Some("api.blckbox.dev"));
    /// }
    /// ```
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The URI's path (with the server URL's path prefix, if any).
    ///
    /// ```
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// assert!(mock.requests().iter().all(|request| request.path().starts_with("/api/v0/")));
    /// ```
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// All request headers.
    ///
    /// ```
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// for request in mock.requests() {
    ///     assert!(request.headers().contains_key("user-agent"));
    /// }
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header's value, when it is present and visible ASCII.
    ///
    /// ```
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// for request in mock.requests() {
    ///     assert_eq!(request.header("authorization"), Some("Bearer test-token"));
    /// }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The raw body (empty for the operations without one).
    ///
    /// ```
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// for request in mock.requests_for("list_sessions") {
    ///     assert!(request.body().is_empty());
    /// }
    /// ```
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body decoded from JSON as a `T` (the API's request model, or any
    /// `Deserialize` type); `None` when there is no body or it is not a `T`.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// # let mock = blackbox_core::mock::MockHttpClient::new();
    /// for request in mock.requests_for("extend_session") {
    ///     let body: Option<BTreeMap<String, u32>> = request.json();
    ///     assert_eq!(body.map(|body| body["extension_hours"]), Some(24));
    /// }
    /// ```
    pub fn json<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("headers", &DebugHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The header that marks the mock's answer to an unmatched request, and its
/// value there.
const MARKER_HEADER: &str = "x-blackbox-mock";
const MARKER_UNMATCHED: &str = "unmatched";

/// A request no rule matched: its method, path and operation id.
///
/// The mock answers such a request itself: `501 Not Implemented` (the mock
/// implements no answer for it), `Content-Type: application/json`, the marker
/// header `x-blackbox-mock: unmatched`, and the API's error envelope with a
/// message naming the request:
///
/// ```text
/// {"success":false,"message":"no mock rule matches GET /api/v0/sessions/stats (operation get_session_stats)","data":null}
/// ```
///
/// So the call fails once — the client never retries a 501, whatever the
/// method or the retry policy — with an [`Error::Api`] whose `Display` is
/// `API error 501 Not Implemented: ` and that message. The request is in
/// [`MockHttpClient::unmatched`] (and [`MockHttpClient::requests`]), and
/// [`find`](Self::find) recognises the error and names the request again.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use blackbox_core::http::{Method, StatusCode};
/// use blackbox_core::mock::{MockHttpClient, UnmatchedRequest};
/// use blackbox_core::{Error, OperationRequest};
///
/// let mock = MockHttpClient::new();
/// let request = OperationRequest::new("list_sessions", Method::GET, "/api/v0/sessions");
/// let error = mock.core().execute(request, None).await.expect_err("no rule");
/// assert_eq!(
///     error.to_string(),
///     "API error 501 Not Implemented: no mock rule matches GET /api/v0/sessions (operation list_sessions)"
/// );
/// assert!(matches!(&error, Error::Api(api) if api.status() == StatusCode::NOT_IMPLEMENTED));
/// assert_eq!(mock.requests().len(), 1, "not retried");
///
/// let unmatched = UnmatchedRequest::find(&error).expect("the mock's answer");
/// assert_eq!(unmatched.operation_id(), Some("list_sessions"));
/// assert_eq!(
///     unmatched.to_string(),
///     "no mock rule matches GET /api/v0/sessions (operation list_sessions)"
/// );
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UnmatchedRequest {
    method: Method,
    path: String,
    operation_id: Option<String>,
}

impl UnmatchedRequest {
    /// The request `error` reports as unmatched, when `error` is the mock's
    /// answer to one: an [`Error::Api`] with the status 501 and the header
    /// `x-blackbox-mock: unmatched`, whose envelope message names the request.
    /// `None` for any other error (a 501 that a rule of yours answers
    /// included).
    ///
    /// ```
    /// use blackbox_core::bytes::Bytes;
    /// use blackbox_core::http::{HeaderMap, StatusCode};
    /// use blackbox_core::mock::UnmatchedRequest;
    /// use blackbox_core::{ApiError, Error, TransportError};
    ///
    /// let other = Error::Transport(TransportError::other("reset"));
    /// assert!(UnmatchedRequest::find(&other).is_none());
    ///
    /// // The same message without the mock's marker header: not the mock's.
    /// let body = r#"{"success":false,"message":"no mock rule matches GET /x (no operation id)"}"#;
    /// let status = StatusCode::NOT_IMPLEMENTED;
    /// let own = Error::Api(ApiError::new(status, HeaderMap::new(), Bytes::from_static(body.as_bytes())));
    /// assert!(UnmatchedRequest::find(&own).is_none());
    /// ```
    pub fn find(error: &Error) -> Option<UnmatchedRequest> {
        let Error::Api(api) = error else {
            return None;
        };
        if api.status() != StatusCode::NOT_IMPLEMENTED
            || api.headers().get(MARKER_HEADER)? != MARKER_UNMATCHED
        {
            return None;
        }
        // The body as the mock wrote it (the error's own `message` hides any
        // echo of the token, which could be part of a path).
        let message = crate::error::EnvelopeFields::read(api.body()).message?;
        Self::parse(&message)
    }

    /// The request's method.
    ///
    /// ```
    /// # let error = blackbox_core::Error::Transport(blackbox_core::TransportError::other("x"));
    /// if let Some(unmatched) = blackbox_core::mock::UnmatchedRequest::find(&error) {
    ///     println!("{}", unmatched.method());
    /// }
    /// ```
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request's path.
    ///
    /// ```
    /// # let error = blackbox_core::Error::Transport(blackbox_core::TransportError::other("x"));
    /// if let Some(unmatched) = blackbox_core::mock::UnmatchedRequest::find(&error) {
    ///     println!("{}", unmatched.path());
    /// }
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The request's operation id (`None` only when a hook removed it).
    ///
    /// ```
    /// # let error = blackbox_core::Error::Transport(blackbox_core::TransportError::other("x"));
    /// if let Some(unmatched) = blackbox_core::mock::UnmatchedRequest::find(&error) {
    ///     println!("{:?}", unmatched.operation_id());
    /// }
    /// ```
    pub fn operation_id(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    fn of(request: &RecordedRequest) -> Self {
        Self {
            method: request.method.clone(),
            path: request.path().to_owned(),
            operation_id: request.operation_id.map(str::to_owned),
        }
    }

    /// The mock's answer: 501, the marker, and the error envelope (encoded by
    /// serde_json) with [`Display`](fmt::Display)'s sentence as its message.
    fn response(&self) -> MockResponse {
        MockResponse::error(StatusCode::NOT_IMPLEMENTED.as_u16(), &self.to_string())
            .header(MARKER_HEADER, MARKER_UNMATCHED)
    }

    /// The inverse of `Display`. Unambiguous: neither a method nor a URI path
    /// has a space, and the operation id is all that remains.
    fn parse(message: &str) -> Option<Self> {
        let rest = message.strip_prefix("no mock rule matches ")?;
        let (method, rest) = rest.split_once(' ')?;
        let (path, rest) = rest.split_once(' ')?;
        let operation_id = if rest == "(no operation id)" {
            None
        } else {
            let id = rest.strip_prefix("(operation ")?.strip_suffix(')')?;
            Some(id.to_owned())
        };
        Some(Self {
            method: Method::from_bytes(method.as_bytes()).ok()?,
            path: path.to_owned(),
            operation_id,
        })
    }
}

impl fmt::Display for UnmatchedRequest {
    /// `no mock rule matches GET /api/v0/sessions/stats (operation
    /// get_session_stats)`: the message of the mock's answer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no mock rule matches {} {}", self.method, self.path)?;
        match &self.operation_id {
            Some(id) => write!(f, " (operation {id})"),
            None => f.write_str(" (no operation id)"),
        }
    }
}

impl fmt::Debug for UnmatchedRequest {
    /// The same sentence as `Display`, so that `expect` and `unwrap` show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnmatchedRequest({self})")
    }
}

/// A [`Sleeper`] that records each delay and returns at once, so a test of
/// retries runs instantly and can assert the waits. Clones share the record.
///
/// [`MockHttpClient::core`] and [`MockHttpClient::builder`] plug one in; use
/// it on its own with any transport (a test server, too):
///
/// ```
/// use blackbox_core::mock::RecordingSleeper;
/// use blackbox_core::{BlackboxCore, Jitter, RetryConfig};
///
/// let sleeper = RecordingSleeper::new();
/// let core = BlackboxCore::builder()
///     .server_url("http://127.0.0.1:8080")
///     .sleeper(sleeper.clone())
///     .retry(RetryConfig::default().with_jitter(Jitter::None))
///     .build()?;
/// // ... calls that retry ...
/// assert!(sleeper.delays().is_empty());
/// # let _ = core;
/// # Ok::<(), blackbox_core::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct RecordingSleeper {
    delays: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// A sleeper with nothing recorded.
    ///
    /// ```
    /// let sleeper = blackbox_core::mock::RecordingSleeper::new();
    /// assert_eq!(sleeper.delays(), []);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The delays asked for, in order.
    ///
    /// ```
    /// use std::time::Duration;
    /// use blackbox_core::mock::RecordingSleeper;
    /// use blackbox_core::Sleeper;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sleeper = RecordingSleeper::new();
    /// sleeper.sleep(Duration::from_secs(60)).await; // returns at once
    /// assert_eq!(sleeper.delays(), [Duration::from_secs(60)]);
    /// # }
    /// ```
    pub fn delays(&self) -> Vec<Duration> {
        lock(&self.delays).clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        lock(&self.delays).push(delay);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OperationRequest;

    fn stats() -> OperationRequest {
        OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats")
    }

    fn cleanup() -> OperationRequest {
        OperationRequest::new(
            "cleanup_expired_sessions",
            Method::POST,
            "/api/v0/sessions/cleanup",
        )
        .expects_json(false)
    }

    #[tokio::test]
    async fn answers_in_order_then_repeats_the_last_answer() {
        let mock = MockHttpClient::new();
        let rule = mock
            .on("get_session_stats")
            .respond(MockResponse::envelope(&1))
            .respond(MockResponse::envelope(&2));
        let core = mock.core();
        let mut seen = Vec::new();
        for _ in 0..3 {
            let answer = core.execute(stats(), None).await.expect("answered");
            seen.push(
                answer
                    .into_api_response::<u32>()
                    .unwrap()
                    .into_data()
                    .unwrap(),
            );
        }
        assert_eq!(seen, [1, 2, 2]);
        assert_eq!(rule.hits(), 3);
        assert_eq!(mock.requests_for("get_session_stats").len(), 3);
        assert!(mock.delays().is_empty());
    }

    #[tokio::test]
    async fn the_first_matching_rule_with_answers_wins() {
        let mock = MockHttpClient::new();
        // No answers: skipped.
        let empty = mock.on(Matcher::any());
        mock.on(Matcher::request(Method::GET, "/api/v0/sessions/stats"))
            .respond(MockResponse::envelope(&"by path"));
        mock.on("get_session_stats")
            .respond(MockResponse::envelope(&"by operation"));
        mock.on(Matcher::any().when(|request| request.method() == Method::POST))
            .respond(MockResponse::ok());
        let core = mock.core();
        let data = core
            .execute(stats(), None)
            .await
            .unwrap()
            .into_api_response::<String>()
            .unwrap()
            .into_data()
            .unwrap();
        assert_eq!(data, "by path");
        core.execute(cleanup(), None)
            .await
            .unwrap()
            .into_unit_response()
            .expect("ok without data");
        assert_eq!(empty.hits(), 0);
        // A path with another method does not match.
        let other = OperationRequest::new("x", Method::DELETE, "/api/v0/sessions/stats");
        let error = core.execute(other, None).await.expect_err("unmatched");
        let unmatched = UnmatchedRequest::find(&error).expect("the mock's 501");
        assert_eq!(unmatched.method(), Method::DELETE);
        assert_eq!(unmatched.operation_id(), Some("x"));
    }

    #[tokio::test]
    async fn records_what_the_client_sent() {
        let mock = MockHttpClient::new();
        mock.on(Matcher::any()).respond(MockResponse::ok());
        let core: BlackboxCore = mock
            .builder()
            .token("sentinel-token")
            .server_url("https://example.test/prefix")
            .build()
            .unwrap();
        core.execute(cleanup(), None).await.unwrap();
        let requests = mock.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.operation_id(), Some("cleanup_expired_sessions"));
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri().to_string(),
            "https://example.test/prefix/api/v0/sessions/cleanup"
        );
        assert_eq!(request.path(), "/prefix/api/v0/sessions/cleanup");
        assert_eq!(
            request.header("authorization"),
            Some("Bearer sentinel-token")
        );
        assert_eq!(request.header("accept"), Some("*/*"));
        assert!(request.body().is_empty());
        assert_eq!(request.json::<()>(), None);
        let shown = format!("{request:?}");
        assert!(!shown.contains("sentinel-token"), "{shown}");
        assert!(shown.contains("cleanup_expired_sessions"), "{shown}");
    }

    #[cfg(feature = "request-body")]
    #[tokio::test]
    async fn decodes_json_bodies_and_matches_on_them() {
        use std::collections::BTreeMap;
        let mock = MockHttpClient::new();
        mock.on(Matcher::operation("revoke_all_sessions").when(|request| {
            request.json::<BTreeMap<String, bool>>()
                == Some(BTreeMap::from([("keep_current".to_owned(), true)]))
        }))
        .respond(MockResponse::ok());
        let core = mock.core();
        let request = |keep: bool| {
            OperationRequest::new(
                "revoke_all_sessions",
                Method::POST,
                "/api/v0/sessions/revoke-all",
            )
            .json_body(&BTreeMap::from([("keep_current", keep)]))
            .unwrap()
            .expects_json(false)
        };
        core.execute(request(true), None).await.expect("matched");
        let error = core
            .execute(request(false), None)
            .await
            .expect_err("not matched");
        assert_eq!(error.status(), Some(StatusCode::NOT_IMPLEMENTED));
        let unmatched = UnmatchedRequest::find(&error).expect("the mock's 501");
        assert_eq!(unmatched.path(), "/api/v0/sessions/revoke-all");
        let sent = mock.requests();
        assert_eq!(sent[0].header("content-type"), Some("application/json"));
        assert_eq!(sent[1].body().as_ref(), br#"{"keep_current":false}"#);
        assert_eq!(mock.unmatched().len(), 1);
    }

    #[tokio::test]
    async fn honours_retry_after_without_waiting() {
        let mock = MockHttpClient::new();
        mock.on("get_session_stats")
            .respond(MockResponse::rate_limited(Duration::from_millis(2500)))
            .respond(MockResponse::unavailable())
            .respond(MockResponse::envelope(&7));
        let started = std::time::Instant::now();
        let answer = mock
            .core()
            .execute(stats(), None)
            .await
            .expect("third attempt");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "no real waiting"
        );
        assert_eq!(
            answer
                .into_api_response::<u8>()
                .unwrap()
                .into_data()
                .unwrap(),
            7
        );
        // Retry-After rounded up to 3 s; then the backoff of the second retry.
        assert_eq!(
            mock.delays(),
            [Duration::from_secs(3), Duration::from_millis(750)]
        );
    }

    #[tokio::test]
    async fn an_unmatched_request_fails_once_and_names_itself() {
        let mock = MockHttpClient::new();
        mock.on("list_sessions").respond(MockResponse::ok());
        // A GET with the default policy (3 attempts): still one request.
        let error = mock
            .core()
            .execute(stats(), None)
            .await
            .expect_err("unmatched");
        let Error::Api(api) = &error else {
            panic!("an answer, not a transport failure: {error:?}")
        };
        assert_eq!(api.status(), StatusCode::NOT_IMPLEMENTED);
        assert_eq!(api.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(api.headers()["x-blackbox-mock"], "unmatched");
        assert_eq!(
            api.body().as_ref(),
            br#"{"success":false,"message":"no mock rule matches GET /api/v0/sessions/stats (operation get_session_stats)","data":null}"#
        );
        assert_eq!(
            api.message(),
            Some("no mock rule matches GET /api/v0/sessions/stats (operation get_session_stats)")
        );
        assert_eq!(
            error.to_string(),
            "API error 501 Not Implemented: \
             no mock rule matches GET /api/v0/sessions/stats (operation get_session_stats)"
        );
        assert!(!error.is_retryable());
        let unmatched = UnmatchedRequest::find(&error).expect("found");
        assert_eq!(unmatched.method(), Method::GET);
        assert_eq!(unmatched.path(), "/api/v0/sessions/stats");
        assert_eq!(unmatched.operation_id(), Some("get_session_stats"));
        assert_eq!(
            format!("{unmatched:?}"),
            "UnmatchedRequest(no mock rule matches GET /api/v0/sessions/stats \
             (operation get_session_stats))"
        );
        assert_eq!(mock.requests().len(), 1);
        let recorded = mock.unmatched();
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].operation_id(), Some("get_session_stats"));
        assert!(mock.delays().is_empty());
    }

    #[tokio::test]
    async fn an_unmatched_request_is_not_retried_even_when_repeating_is_allowed() {
        let mock = MockHttpClient::new();
        let retry = RetryConfig::default()
            .with_max_attempts(5)
            .with_retry_non_idempotent(true);
        let core: BlackboxCore = mock.builder().retry(retry).build().unwrap();
        let error = core.execute(cleanup(), None).await.expect_err("unmatched");
        assert_eq!(error.status(), Some(StatusCode::NOT_IMPLEMENTED));
        assert_eq!(
            UnmatchedRequest::find(&error).map(|unmatched| unmatched.to_string()),
            Some(
                "no mock rule matches POST /api/v0/sessions/cleanup \
                 (operation cleanup_expired_sessions)"
                    .to_owned()
            )
        );
        assert_eq!(mock.requests().len(), 1);
        assert_eq!(mock.unmatched().len(), 1);
        assert!(mock.delays().is_empty());
    }

    /// The answer to a request without an operation id (a custom caller of
    /// the transport), with characters JSON must escape in its path, still
    /// reads back.
    #[tokio::test]
    async fn the_unmatched_answer_is_escaped_json_and_reads_back() {
        let mock = MockHttpClient::new();
        let request = http::Request::builder()
            .method("PATCH")
            .uri(r#"https://example.test/a"b\c"#)
            .body(Bytes::new())
            .unwrap();
        let response = mock.send(request).await.expect("an answer");
        assert_eq!(response.status(), StatusCode::NOT_IMPLEMENTED);
        let headers = response.headers().clone();
        let Ok(body) = response.into_body().collect_limited(usize::MAX).await else {
            panic!("the mock's body is in memory")
        };
        let decoded: serde_json::Value = serde_json::from_slice(&body).expect("valid JSON");
        let message = r#"no mock rule matches PATCH /a"b\c (no operation id)"#;
        assert_eq!(
            decoded,
            serde_json::json!({"success": false, "message": message, "data": null})
        );
        let error = Error::Api(crate::ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            headers.clone(),
            body.clone(),
        ));
        let unmatched = UnmatchedRequest::find(&error).expect("found");
        assert_eq!(unmatched.method(), "PATCH");
        assert_eq!(unmatched.path(), r#"/a"b\c"#);
        assert_eq!(unmatched.operation_id(), None);
        assert_eq!(unmatched.to_string(), message);
        assert_eq!(mock.unmatched()[0].operation_id(), None);

        // Without the marker, or with another status, it is not the mock's.
        let mut unmarked = headers.clone();
        unmarked.remove("x-blackbox-mock");
        let status = StatusCode::NOT_IMPLEMENTED;
        let error = Error::Api(crate::ApiError::new(status, unmarked, body.clone()));
        assert!(UnmatchedRequest::find(&error).is_none());
        let status = StatusCode::BAD_REQUEST;
        let error = Error::Api(crate::ApiError::new(status, headers, body));
        assert!(UnmatchedRequest::find(&error).is_none());
    }

    #[tokio::test]
    async fn a_501_of_a_rule_is_not_an_unmatched_request() {
        let mock = MockHttpClient::new();
        mock.on("get_session_stats").respond(MockResponse::error(
            501,
            "no mock rule matches GET /api/v0/sessions/stats (operation get_session_stats)",
        ));
        let error = mock.core().execute(stats(), None).await.expect_err("501");
        assert_eq!(error.status(), Some(StatusCode::NOT_IMPLEMENTED));
        assert!(UnmatchedRequest::find(&error).is_none());
        assert!(mock.unmatched().is_empty());
    }

    #[tokio::test]
    async fn computed_answers_see_the_request() {
        let mock = MockHttpClient::new();
        mock.on(Matcher::any())
            .respond_with(|request| MockResponse::envelope(request.path()));
        let data = mock
            .core()
            .execute(stats(), None)
            .await
            .unwrap()
            .into_api_response::<String>()
            .unwrap()
            .into_data()
            .unwrap();
        assert_eq!(data, "/api/v0/sessions/stats");
    }

    #[tokio::test]
    async fn scripted_transport_failures_follow_the_retry_rules() {
        let mock = MockHttpClient::new();
        mock.on("cleanup_expired_sessions")
            .respond(MockResponse::transport_error(
                TransportErrorKind::Connect,
                "refused",
            ))
            .respond(MockResponse::transport_error(
                TransportErrorKind::Other,
                "reset",
            ));
        let error = mock
            .core()
            .execute(cleanup(), None)
            .await
            .expect_err("reset");
        // The connect failure is retried even for a POST; the reset is not.
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert_eq!(mock.requests().len(), 2);
        let cause = StdError::source(&error).expect("cause").to_string();
        assert_eq!(cause, "mock transport failure: reset");
    }

    #[tokio::test]
    async fn ready_made_answers_read_as_the_apis() {
        let mock = MockHttpClient::new();
        mock.on("get_session_stats")
            .respond(MockResponse::unauthorized())
            .respond(MockResponse::not_found())
            .respond(MockResponse::error(409, "Session is locked").header("x-request-id", "r1"));
        let core = mock.core();
        let mut seen = Vec::new();
        for _ in 0..3 {
            let error = core.execute(stats(), None).await.expect_err("fails");
            let Error::Api(api) = &error else {
                panic!("{error:?}")
            };
            seen.push((api.status().as_u16(), api.message().map(str::to_owned)));
            if api.status() == StatusCode::UNAUTHORIZED {
                assert_eq!(api.headers()[WWW_AUTHENTICATE], "Bearer");
            }
        }
        assert_eq!(
            seen,
            [
                (401, Some("Unauthorized".to_owned())),
                (404, Some("Not found".to_owned())),
                (409, Some("Session is locked".to_owned())),
            ]
        );
        let ok = MockResponse::ok();
        assert_eq!(
            ok.body_bytes(),
            Some(&br#"{"success":true,"message":null,"data":null}"#[..])
        );
        assert_eq!(
            MockResponse::rate_limited(Duration::from_secs(2)).header_value("retry-after"),
            Some("2")
        );
        assert_eq!(
            MockResponse::rate_limited(Duration::ZERO).header_value("retry-after"),
            Some("0")
        );
    }

    #[test]
    fn debug_output_names_the_parts_and_hides_bodies() {
        let mock = MockHttpClient::new();
        let rule = mock
            .on("list_sessions")
            .respond(MockResponse::envelope(&"secret-data"));
        assert_eq!(
            format!("{mock:?}"),
            "MockHttpClient { rules: 1, requests: 0, unmatched: 0, .. }"
        );
        let shown = format!("{rule:?}");
        assert!(
            shown.contains("list_sessions") && shown.contains("answers: 1"),
            "{shown}"
        );
        let shown = format!("{:?}", MockResponse::envelope(&"secret-data"));
        assert!(!shown.contains("secret-data"), "{shown}");
        let shown = format!(
            "{:?}",
            MockResponse::transport_error(TransportErrorKind::Connect, "refused")
        );
        assert!(
            shown.contains("Connect") && shown.contains("refused"),
            "{shown}"
        );
    }

    #[test]
    #[should_panic(expected = "is not an HTTP status")]
    fn an_invalid_status_is_refused() {
        let _ = MockResponse::new(42);
    }
}
