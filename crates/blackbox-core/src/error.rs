//! The one error type of the SDK, grouped by how far the request got.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::TransportError;
use crate::headers::DebugHeaders;
use crate::retry::parse_retry_after;

/// A boxed error from a cause outside the SDK (I/O, TLS, a custom transport, a hook).
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Everything that can go wrong in a call.
///
/// Variants are grouped by how far the request got, because that decides what is
/// safe to do next: a request that **never reached the server** can be re-sent even
/// when it is not idempotent (`extend_session`); one that **may have reached it**
/// can only be re-sent when repeating it is harmless. Each variant says which, and
/// [`request_may_have_reached_server`](Self::request_may_have_reached_server)
/// answers it for any error.
///
/// Each variant carries a context type with accessors, so new context can be added
/// without breaking a `match`. `Display` is one line about this level and never
/// prints the bearer token or a whole response body; the underlying cause is
/// available through [`source()`](std::error::Error::source).
///
/// ```no_run
/// use blackbox_core::{BlackboxCore, Error, OperationRequest};
///
/// # async fn run(core: BlackboxCore) {
/// let request = OperationRequest::new(
///     "get_session_stats",
///     blackbox_core::http::Method::GET,
///     "/api/v0/sessions/stats",
/// );
/// match core.execute(request, None).await {
///     Ok(response) => println!("status {}", response.status()),
///     Err(Error::Api(api)) => println!("the server said {}: {:?}", api.status(), api.message()),
///     Err(error) if error.is_retryable() => println!("try again later: {error}"),
///     Err(error) => println!("failed: {error}"),
/// }
/// # }
/// ```
#[non_exhaustive]
pub enum Error {
    /// The call was refused before anything was sent: a bad argument, a bad
    /// server URL or header, or a configuration that cannot work.
    /// **Never reached the server.**
    InvalidRequest(InvalidRequestError),
    /// The configured [`TokenSource`](crate::TokenSource) failed to produce a token.
    /// **Never reached the server.**
    Credentials(CredentialsError),
    /// A [`Hooks::before_request`](crate::Hooks::before_request) hook refused the request.
    /// **Never reached the server.**
    Hook(HookError),
    /// No usable connection: DNS, TCP connect refused or unreachable, a proxy
    /// that could not be reached or that refused the `CONNECT` tunnel, an
    /// HTTP/2 stream the server refused (`REFUSED_STREAM`), a request with a
    /// body cut off by the server's HTTP/2 `GOAWAY` before the server had it
    /// whole, or a connection that closed before any byte of the request was
    /// written. **Never reached the server** (in effect: not processed).
    ///
    /// A proxy's refusal says which status it gave
    /// ([`proxy_status`](Self::proxy_status)) and is not retried — a wrong
    /// password would only be sent again — unless that status says the
    /// trouble is passing (502, 503, 504: the server unreachable from the
    /// proxy).
    Connect(TransportError),
    /// The TLS handshake failed (untrusted certificate, wrong host name, expired
    /// certificate, protocol mismatch). Nothing of the request is sent before the
    /// handshake completes, so it **never reached the server**.
    Tls(TransportError),
    /// A timeout fired; [`TimeoutError::kind`] says which one. A connect timeout
    /// — connection set-up (TCP, proxy `CONNECT`, TLS handshake) that did not
    /// finish within the connect timeout or before the attempt's end — means
    /// the request **never reached the server**; an attempt or operation
    /// timeout means it **may have reached it**.
    Timeout(TimeoutError),
    /// The connection failed after the request started to be sent: reset,
    /// closed early, truncated body, protocol error. It **may have reached the server**.
    Transport(TransportError),
    /// The response body was larger than the configured limit
    /// ([`BlackboxCoreBuilder::max_body_size`](crate::BlackboxCoreBuilder::max_body_size)).
    /// Reading stopped at the limit. The request **reached the server**.
    BodyTooLarge(BodyTooLargeError),
    /// The server answered with a non-success status, or with a success status
    /// and the API's envelope saying `"success": false`. The request **reached
    /// the server**.
    ///
    /// One status is the proxy's by definition: a 407 (Proxy Authentication
    /// Required) answer to a plain-HTTP request sent through a proxy; it is
    /// never retried, and [`proxy_status`](Self::proxy_status) gives it.
    Api(ApiError),
    /// The server answered with a success status, but the body does not match the
    /// expected schema. The request **reached the server**.
    ResponseValidation(ResponseValidationError),
}

impl Error {
    pub(crate) fn invalid_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::InvalidRequest(InvalidRequestError::new(message))
    }

    pub(crate) fn invalid_request_with_source(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<BoxError>,
    ) -> Self {
        Self::InvalidRequest(InvalidRequestError::new(message).with_source(source))
    }

    /// The HTTP status of the answer, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status()),
            Self::ResponseValidation(validation) => Some(validation.status()),
            Self::BodyTooLarge(too_large) => Some(too_large.status),
            _ => None,
        }
    }

    /// The status with which a proxy refused the request: its answer to the
    /// `CONNECT` of an HTTPS target (407 without or with wrong credentials, 403
    /// for a port it does not allow, …; the request never went past the
    /// proxy), or a 407 answer to a plain-HTTP request (which goes to the
    /// proxy in absolute form).
    ///
    /// ```
    /// # fn check(error: blackbox_core::Error) {
    /// use blackbox_core::http::StatusCode;
    ///
    /// if error.proxy_status() == Some(StatusCode::PROXY_AUTHENTICATION_REQUIRED) {
    ///     eprintln!("check the proxy's user name and password");
    /// }
    /// # }
    /// ```
    pub fn proxy_status(&self) -> Option<StatusCode> {
        match self {
            Self::Connect(transport) => transport.proxy_refusal(),
            Self::Api(api) if api.status() == StatusCode::PROXY_AUTHENTICATION_REQUIRED => {
                Some(api.status())
            }
            _ => None,
        }
    }

    /// Whether the failure is transient, so that the same call may succeed when
    /// tried again: connection failures, timeouts, interrupted transfers and the
    /// statuses 408, 429, 500, 502, 503, 504. It is the rule the client's own
    /// retries follow.
    ///
    /// This says nothing about whether re-sending is *safe*; for a non-idempotent
    /// call check [`request_may_have_reached_server`](Self::request_may_have_reached_server) too.
    pub fn is_retryable(&self) -> bool {
        crate::retry::retry_class(self) != crate::retry::RetryClass::Never
    }

    /// Whether this is a timeout (connect, attempt or operation).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }

    /// Whether the request may have reached the server (and so may have had an
    /// effect there). `false` means it provably did not.
    pub fn request_may_have_reached_server(&self) -> bool {
        match self {
            Self::InvalidRequest(_)
            | Self::Credentials(_)
            | Self::Hook(_)
            | Self::Connect(_)
            | Self::Tls(_) => false,
            Self::Timeout(timeout) => timeout.kind != TimeoutKind::Connect,
            Self::Transport(_)
            | Self::BodyTooLarge(_)
            | Self::Api(_)
            | Self::ResponseValidation(_) => true,
        }
    }

    /// Whether the call was not retried because the client's
    /// [`RetryBudget`](crate::RetryBudget) was exhausted (the failure itself
    /// was retryable). `Display` says so too.
    pub fn retry_budget_exhausted(&self) -> bool {
        match self {
            Self::Api(api) => api.inner.budget_exhausted,
            Self::Connect(transport) | Self::Transport(transport) => transport.budget_exhausted(),
            Self::Timeout(timeout) => timeout.budget_exhausted,
            _ => false,
        }
    }

    /// Marks a retryable failure as not retried for want of retry budget.
    /// (In place and out of line: the attempt loop then moves no error for it.)
    #[cold]
    #[inline(never)]
    pub(crate) fn mark_retry_budget_exhausted(&mut self) {
        match self {
            Self::Api(api) => api.inner.budget_exhausted = true,
            Self::Connect(transport) | Self::Transport(transport) => {
                transport.set_budget_exhausted();
            }
            Self::Timeout(timeout) => timeout.budget_exhausted = true,
            _ => {}
        }
    }

    /// The server's `Retry-After` on an API error (delta-seconds or HTTP-date),
    /// for example when a 429 asked for a longer wait than the retry policy allows.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(api) => api.retry_after(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(invalid) => write!(f, "invalid request: {invalid}"),
            Self::Credentials(_) => f.write_str("the token source failed to provide a token"),
            Self::Hook(_) => f.write_str("a before-request hook refused the request"),
            Self::Connect(transport) => {
                match transport.proxy_refusal() {
                    Some(status) => write!(f, "the proxy refused the connection: {status}")?,
                    None if transport.refused_stream() => {
                        f.write_str("the server refused the HTTP/2 stream before processing it")?
                    }
                    None if transport.went_away() => f.write_str(
                        "the server closed the HTTP/2 connection (GOAWAY) before processing the request",
                    )?,
                    None => f.write_str("could not connect to the server")?,
                }
                transport.write_budget_note(f)
            }
            Self::Tls(_) => f.write_str("TLS handshake with the server failed"),
            Self::Timeout(timeout) => fmt::Display::fmt(timeout, f),
            Self::Transport(transport) => {
                f.write_str("the connection failed while the request was in flight")?;
                transport.write_budget_note(f)
            }
            Self::BodyTooLarge(too_large) => fmt::Display::fmt(too_large, f),
            Self::Api(api) => fmt::Display::fmt(api, f),
            Self::ResponseValidation(validation) => fmt::Display::fmt(validation, f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, inner): (&str, &dyn fmt::Debug) = match self {
            Self::InvalidRequest(inner) => ("InvalidRequest", inner),
            Self::Credentials(inner) => ("Credentials", inner),
            Self::Hook(inner) => ("Hook", inner),
            Self::Connect(inner) => ("Connect", inner),
            Self::Tls(inner) => ("Tls", inner),
            Self::Timeout(inner) => ("Timeout", inner),
            Self::Transport(inner) => ("Transport", inner),
            Self::BodyTooLarge(inner) => ("BodyTooLarge", inner),
            Self::Api(inner) => ("Api", inner),
            Self::ResponseValidation(inner) => ("ResponseValidation", inner),
        };
        f.debug_tuple(name).field(inner).finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        // The payload describes this same level (its `Display` repeats the
        // variant's), so the chain goes on with the payload's own cause.
        match self {
            Self::InvalidRequest(inner) => inner.source(),
            Self::Credentials(inner) => inner.source(),
            Self::Hook(inner) => inner.source(),
            Self::Connect(inner) | Self::Tls(inner) | Self::Transport(inner) => inner.source(),
            Self::Timeout(inner) => inner.source(),
            Self::BodyTooLarge(inner) => inner.source(),
            Self::Api(inner) => inner.source(),
            Self::ResponseValidation(inner) => inner.source(),
        }
    }
}

macro_rules! from_payload {
    ($($payload:ty => $variant:ident),* $(,)?) => {$(
        impl From<$payload> for Error {
            fn from(payload: $payload) -> Self {
                Self::$variant(payload)
            }
        }
    )*};
}

from_payload! {
    InvalidRequestError => InvalidRequest,
    CredentialsError => Credentials,
    HookError => Hook,
    TimeoutError => Timeout,
    BodyTooLargeError => BodyTooLarge,
    ApiError => Api,
    ResponseValidationError => ResponseValidation,
}

/// A cause from outside the SDK, kept as the `source()` of the error that wraps it.
macro_rules! cause_error {
    ($(#[$doc:meta])* $name:ident, $display:literal) => {
        $(#[$doc])*
        pub struct $name {
            source: BoxError,
        }

        impl $name {
            /// Wraps the cause.
            pub fn new(source: impl Into<BoxError>) -> Self {
                Self { source: source.into() }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("source", &self.source).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($display)
            }
        }

        impl StdError for $name {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(self.source.as_ref())
            }
        }
    };
}

cause_error!(
    /// Why a [`TokenSource`](crate::TokenSource) could not give a token; the
    /// source's own error is the `source()`.
    CredentialsError,
    "the token source failed"
);

cause_error!(
    /// Why a [`Hooks::before_request`](crate::Hooks::before_request) hook refused
    /// a request; the hook's own error is the `source()`.
    HookError,
    "a before-request hook refused the request"
);

/// Appended to the `Display` of a failure that was not retried for want of
/// retry budget.
pub(crate) const BUDGET_NOTE: &str = " (not retried: the client's retry budget is exhausted)";

/// Why a call was refused before it was sent.
pub struct InvalidRequestError {
    inner: Box<InvalidRequestInner>,
}

struct InvalidRequestInner {
    message: Cow<'static, str>,
    source: Option<BoxError>,
}

impl InvalidRequestError {
    /// A refusal saying what was wrong, in one line (for example an argument
    /// out of range, checked before anything is sent).
    pub fn new(message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            inner: Box::new(InvalidRequestInner {
                message: message.into(),
                source: None,
            }),
        }
    }

    /// Keeps the error that made the request invalid as the `source()`.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// What was wrong, in one line.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Debug for InvalidRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvalidRequestError")
            .field("message", &self.inner.message)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl fmt::Display for InvalidRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl StdError for InvalidRequestError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|source| source.as_ref() as _)
    }
}

/// Which timeout fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Setting up the connection (TCP, proxy `CONNECT`, TLS handshake) did not
    /// finish within the connect timeout, or before the attempt's own end.
    Connect,
    /// One attempt (sending, waiting for headers and reading the body) took too long.
    Attempt,
    /// The whole operation, across all attempts and backoff, took too long.
    Operation,
}

/// A timeout that fired, with its configured length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutError {
    pub(crate) kind: TimeoutKind,
    pub(crate) limit: Option<Duration>,
    pub(crate) budget_exhausted: bool,
}

impl TimeoutError {
    /// Which timeout fired.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The configured length of that timeout, when known (a custom transport may
    /// report a connect timeout without its length).
    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = match self.kind {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Attempt => "attempt",
            TimeoutKind::Operation => "operation",
        };
        match self.limit {
            Some(limit) => write!(f, "{which} timeout of {limit:?} elapsed")?,
            None => write!(f, "{which} timeout elapsed")?,
        }
        if self.budget_exhausted {
            f.write_str(BUDGET_NOTE)?;
        }
        Ok(())
    }
}

impl StdError for TimeoutError {}

/// A response body over the configured limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyTooLargeError {
    pub(crate) status: StatusCode,
    pub(crate) limit: usize,
}

impl BodyTooLargeError {
    /// The status of the oversized answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The limit in bytes that was exceeded.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl fmt::Display for BodyTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "response body (status {}) exceeds the limit of {} bytes",
            self.status.as_u16(),
            self.limit
        )
    }
}

impl StdError for BodyTooLargeError {}

/// A failed answer from the API: status, headers, raw body, and the envelope's
/// `message` when the body is the API's JSON envelope.
///
/// It is a non-success status, or a success status whose envelope says
/// `"success": false` (then [`status`](Self::status) is that 2xx status).
pub struct ApiError {
    inner: Box<ApiErrorInner>,
}

struct ApiErrorInner {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    message: Option<String>,
    budget_exhausted: bool,
}

impl ApiError {
    /// Builds an API error from a raw answer, reading the envelope's `message`
    /// when the body is JSON of that shape (useful in tests of code that
    /// handles API errors).
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let message = EnvelopeFields::read(&body).message;
        Self::with_message(status, headers, body, message)
    }

    /// The error for a failed answer, with the envelope's message given or
    /// read from the body, and every echo of the attempt's credentials hidden
    /// (in the message, and in header values, which are marked sensitive).
    pub(crate) fn from_answer(
        response: crate::RawResponse,
        message: Option<Option<String>>,
    ) -> Self {
        let crate::RawResponse {
            status,
            mut headers,
            body,
            secrets,
            ..
        } = response;
        let message = message.unwrap_or_else(|| EnvelopeFields::read(&body).message);
        secrets.mark_headers(&mut headers);
        let message = message.map(|message| match secrets.scrub(&message) {
            Cow::Borrowed(_) => message,
            Cow::Owned(scrubbed) => scrubbed,
        });
        Self::with_message(status, headers, body, message)
    }

    pub(crate) fn with_message(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        message: Option<String>,
    ) -> Self {
        Self {
            inner: Box::new(ApiErrorInner {
                status,
                headers,
                body,
                message,
                budget_exhausted: false,
            }),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The raw response body (bounded by the body limit).
    pub fn body(&self) -> &Bytes {
        &self.inner.body
    }

    /// The envelope's `message`, when the body was `{"success":false,"message":"..."}`.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// The `Retry-After` header as a duration from now.
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(&self.inner.headers, std::time::SystemTime::now())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.inner.status;
        if status.is_success() {
            f.write_str("the API reported a failure with status ")?;
        } else if status == StatusCode::PROXY_AUTHENTICATION_REQUIRED {
            f.write_str("the proxy refused the request: ")?;
        } else {
            f.write_str("API error ")?;
        }
        write!(f, "{}", status.as_u16())?;
        if let Some(reason) = status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(message) = &self.inner.message {
            // One line, bounded: a hostile or verbose server cannot flood or
            // fake log lines.
            let mut visible = message
                .chars()
                .filter(|character| !is_unsafe_in_a_log_line(*character))
                .take(200)
                .peekable();
            if visible.peek().is_some() {
                f.write_str(": ")?;
                for character in visible {
                    fmt::Write::write_char(f, character)?;
                }
            }
        }
        if self.inner.budget_exhausted {
            f.write_str(BUDGET_NOTE)?;
        }
        Ok(())
    }
}

/// The `success` and `message` of the API's envelope, read without building a
/// JSON tree.
///
/// Only a JSON *object* is an envelope (a derived struct would also accept
/// `["text"]`); a repeated key keeps its last value (a derived struct would
/// fail); a value of another type counts as absent.
#[derive(Default)]
pub(crate) struct EnvelopeFields {
    pub(crate) success: Option<bool>,
    pub(crate) message: Option<String>,
}

impl EnvelopeFields {
    /// The fields of `body`, or none when it is not a JSON object.
    pub(crate) fn read(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }
}

impl<'de> serde::Deserialize<'de> for EnvelopeFields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
            type Value = EnvelopeFields;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<EnvelopeFields, A::Error> {
                let mut fields = EnvelopeFields::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*key {
                        "message" => fields.message = map.next_value::<ScalarOrOther>()?.string,
                        "success" => fields.success = map.next_value::<ScalarOrOther>()?.boolean,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(fields)
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// A JSON value kept when it is a string or a boolean, and skipped otherwise.
#[derive(Default)]
struct ScalarOrOther {
    string: Option<String>,
    boolean: Option<bool>,
}

impl<'de> serde::Deserialize<'de> for ScalarOrOther {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyVisitor;

        impl<'de> serde::de::Visitor<'de> for AnyVisitor {
            type Value = ScalarOrOther;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("any JSON value")
            }

            fn visit_str<E>(self, text: &str) -> Result<ScalarOrOther, E> {
                Ok(ScalarOrOther {
                    string: Some(text.to_owned()),
                    boolean: None,
                })
            }

            fn visit_string<E>(self, text: String) -> Result<ScalarOrOther, E> {
                Ok(ScalarOrOther {
                    string: Some(text),
                    boolean: None,
                })
            }

            fn visit_bool<E>(self, value: bool) -> Result<ScalarOrOther, E> {
                Ok(ScalarOrOther {
                    string: None,
                    boolean: Some(value),
                })
            }

            fn visit_i64<E>(self, _: i64) -> Result<ScalarOrOther, E> {
                Ok(ScalarOrOther::default())
            }

            fn visit_u64<E>(self, _: u64) -> Result<ScalarOrOther, E> {
                Ok(ScalarOrOther::default())
            }

            fn visit_f64<E>(self, _: f64) -> Result<ScalarOrOther, E> {
                Ok(ScalarOrOther::default())
            }

            fn visit_unit<E>(self) -> Result<ScalarOrOther, E> {
                Ok(ScalarOrOther::default())
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ScalarOrOther, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(ScalarOrOther::default())
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ScalarOrOther, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(ScalarOrOther::default())
            }
        }

        deserializer.deserialize_any(AnyVisitor)
    }
}

/// Characters that would break a log line or disguise its text: control
/// characters, Unicode line and paragraph separators, and bidirectional
/// formatting characters.
fn is_unsafe_in_a_log_line(character: char) -> bool {
    character.is_control()
        || matches!(
            character,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("ApiError")
            .field("status", &inner.status)
            .field("message", &inner.message)
            .field("headers", &DebugHeaders(&inner.headers))
            .field("body_len", &inner.body.len())
            .field("budget_exhausted", &inner.budget_exhausted)
            .finish()
    }
}

impl StdError for ApiError {}

/// A success answer whose body does not match the expected schema.
pub struct ResponseValidationError {
    inner: Box<ResponseValidationInner>,
}

struct ResponseValidationInner {
    status: StatusCode,
    body: Bytes,
    source: serde_json::Error,
}

impl ResponseValidationError {
    /// Builds the error from the answer and the decoder's complaint.
    pub fn new(status: StatusCode, body: Bytes, source: serde_json::Error) -> Self {
        Self {
            inner: Box::new(ResponseValidationInner {
                status,
                body,
                source,
            }),
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The raw body that failed to decode (bounded by the body limit). It may hold
    /// session tokens: treat it as secret.
    pub fn body(&self) -> &Bytes {
        &self.inner.body
    }

    /// The decoder's error (line, column, category).
    pub fn serde_error(&self) -> &serde_json::Error {
        &self.inner.source
    }
}

impl fmt::Display for ResponseValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The serde message can quote values from the body, which may be secret;
        // say where and what kind of problem, not what the value was.
        let category = match self.inner.source.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "JSON that does not match the schema",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        write!(
            f,
            "response (status {}, {} bytes) is {category} at line {} column {}",
            self.inner.status.as_u16(),
            self.inner.body.len(),
            self.inner.source.line(),
            self.inner.source.column()
        )
    }
}

impl fmt::Debug for ResponseValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValidationError")
            .field("status", &self.inner.status)
            .field("body_len", &self.inner.body.len())
            .field("line", &self.inner.source.line())
            .field("column", &self.inner.source.column())
            .field("category", &self.inner.source.classify())
            .finish()
    }
}

impl StdError for ResponseValidationError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.inner.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        assert!(
            std::mem::size_of::<Error>() <= 32,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn api_error_reads_the_envelope_message() {
        let error = ApiError::new(
            StatusCode::NOT_FOUND,
            HeaderMap::new(),
            Bytes::from_static(br#"{"success":false,"message":"Session not found","data":null}"#),
        );
        assert_eq!(error.message(), Some("Session not found"));
        assert_eq!(
            error.to_string(),
            "API error 404 Not Found: Session not found"
        );
    }

    #[test]
    fn only_an_object_with_a_string_message_has_a_message() {
        let message = |body: &'static str| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                HeaderMap::new(),
                Bytes::from_static(body.as_bytes()),
            )
            .message()
            .map(str::to_owned)
        };
        assert_eq!(
            message(r#"{"message":"a","message":"b"}"#),
            Some("b".into())
        );
        assert_eq!(message(r#"{"message":"a","message":7}"#), None);
        assert_eq!(
            message(r#"{"data":{"message":"x"},"message":"ok","x":[1,{"m":2}]}"#),
            Some("ok".into())
        );
        assert_eq!(
            message(r#"{"message":"esc\u00e9\n"}"#),
            Some("esc\u{e9}\n".into())
        );
        assert_eq!(message(r#"["text"]"#), None);
        assert_eq!(message(r#"{"message":null}"#), None);
        assert_eq!(message(r#"{"message":{"nested":"x"}}"#), None);
        assert_eq!(message(r#"{"message":"x""#), None, "truncated JSON");
    }

    #[test]
    fn an_unsuccessful_envelope_with_a_success_status_says_so() {
        let error = ApiError::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(br#"{"success":false,"message":"Session is locked"}"#),
        );
        assert_eq!(
            error.to_string(),
            "the API reported a failure with status 200 OK: Session is locked"
        );
    }

    #[test]
    fn every_payload_is_an_error_with_the_cause_chain_kept() {
        let with_cause = Error::from(InvalidRequestError::new("bad").with_source(std::fmt::Error));
        assert_eq!(with_cause.to_string(), "invalid request: bad");
        assert!(
            with_cause
                .source()
                .is_some_and(|source| source.is::<std::fmt::Error>())
        );
        let credentials = Error::Credentials(CredentialsError::new("vault down"));
        assert_eq!(
            credentials.source().map(ToString::to_string).as_deref(),
            Some("vault down")
        );
        fn is_error<T: StdError + Send + Sync + 'static>() {}
        is_error::<InvalidRequestError>();
        is_error::<CredentialsError>();
        is_error::<HookError>();
        is_error::<TransportError>();
        is_error::<TimeoutError>();
        is_error::<BodyTooLargeError>();
        is_error::<ApiError>();
        is_error::<ResponseValidationError>();
    }

    #[test]
    fn api_error_without_envelope_has_no_message() {
        let error = ApiError::new(
            StatusCode::BAD_GATEWAY,
            HeaderMap::new(),
            Bytes::from_static(b"<html>bad gateway</html>"),
        );
        assert_eq!(error.message(), None);
        assert_eq!(error.to_string(), "API error 502 Bad Gateway");
    }

    #[test]
    fn api_error_display_is_one_bounded_line() {
        let long = format!(
            r#"{{"success":false,"message":"line1\nline2{}"}}"#,
            "x".repeat(1000)
        );
        let error = ApiError::new(StatusCode::BAD_REQUEST, HeaderMap::new(), Bytes::from(long));
        let shown = error.to_string();
        assert!(!shown.contains('\n'));
        assert!(shown.len() < 260, "{}", shown.len());
    }

    #[test]
    fn validation_display_does_not_quote_body_values() {
        let body = Bytes::from_static(br#"{"success":"secret-sentinel"}"#);
        let source = serde_json::from_slice::<bool>(b"\"secret-sentinel\"").unwrap_err();
        let error = ResponseValidationError::new(StatusCode::OK, body, source);
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("secret-sentinel"), "{shown}");
        assert!(shown.contains("does not match the schema"), "{shown}");
    }

    #[test]
    fn a_407_answer_is_the_proxy_s() {
        let error = Error::Api(ApiError::new(
            StatusCode::PROXY_AUTHENTICATION_REQUIRED,
            HeaderMap::new(),
            Bytes::from_static(b"<html>auth</html>"),
        ));
        assert_eq!(
            error.to_string(),
            "the proxy refused the request: 407 Proxy Authentication Required"
        );
        assert_eq!(
            error.proxy_status(),
            Some(StatusCode::PROXY_AUTHENTICATION_REQUIRED)
        );
        assert!(!error.is_retryable());
        let other = Error::Api(ApiError::new(
            StatusCode::FORBIDDEN,
            HeaderMap::new(),
            Bytes::new(),
        ));
        assert_eq!(other.proxy_status(), None, "a 403 may be the server's");
        assert_eq!(
            Error::Connect(TransportError::connect("refused")).proxy_status(),
            None
        );
    }

    #[test]
    fn reached_server_by_variant() {
        assert!(!Error::invalid_request("x").request_may_have_reached_server());
        assert!(
            !Error::Timeout(TimeoutError {
                kind: TimeoutKind::Connect,
                limit: None,
                budget_exhausted: false,
            })
            .request_may_have_reached_server()
        );
        assert!(
            Error::Timeout(TimeoutError {
                kind: TimeoutKind::Attempt,
                limit: None,
                budget_exhausted: false,
            })
            .request_may_have_reached_server()
        );
        assert!(Error::Transport(TransportError::other("reset")).request_may_have_reached_server());
    }
}
