//! The one error type of the SDK, grouped by how far the request got.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::headers::DebugHeaders;
use crate::retry::parse_retry_after;

/// A boxed error from a cause outside the SDK (I/O, TLS, a custom transport, a hook).
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Everything that can go wrong in a call.
///
/// Variants are grouped by how far the request got, because that decides what is
/// safe to do next: a request that **never reached the server** can be re-sent even
/// when it is not idempotent (`extend_session`); one that **may have reached it**
/// can only be re-sent when repeating it is harmless. Each variant says which.
///
/// `Display` is one line about this level and never prints the bearer token or a
/// whole response body; the underlying cause is available through
/// [`source()`](std::error::Error::source).
#[non_exhaustive]
pub enum Error {
    /// The call was refused before anything was sent: a bad argument, a bad
    /// server URL or header, or a configuration that cannot work.
    /// **Never reached the server.**
    InvalidRequest(Box<InvalidRequestError>),
    /// The configured token source failed to produce a token.
    /// **Never reached the server.**
    Credentials(BoxError),
    /// A [`Hooks::before_request`](crate::Hooks::before_request) hook refused the request.
    /// **Never reached the server.**
    Hook(BoxError),
    /// No connection could be made (DNS, TCP connect refused or unreachable, proxy).
    /// **Never reached the server.**
    Connect(BoxError),
    /// The TLS handshake failed (untrusted certificate, wrong host name, expired
    /// certificate, protocol mismatch). Nothing of the request is sent before the
    /// handshake completes, so it **never reached the server**.
    Tls(BoxError),
    /// A timeout fired; [`TimeoutError::kind`] says which one. A connect timeout
    /// means the request **never reached the server**; an attempt or operation
    /// timeout means it **may have reached it**.
    Timeout(TimeoutError),
    /// The connection failed after the request started to be sent: reset,
    /// closed early, truncated body, protocol error. It **may have reached the server**.
    Transport(BoxError),
    /// The response body was larger than the configured limit
    /// ([`BlackboxCoreBuilder::max_body_size`](crate::BlackboxCoreBuilder::max_body_size)).
    /// Reading stopped at the limit. The request **reached the server**.
    BodyTooLarge(BodyTooLargeError),
    /// The server answered with a non-success status. The request **reached the server**.
    Api(Box<ApiError>),
    /// The server answered with a success status, but the body does not match the
    /// expected schema. The request **reached the server**.
    ResponseValidation(Box<ResponseValidationError>),
}

impl Error {
    /// An [`Error::InvalidRequest`] with a message.
    pub fn invalid_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::InvalidRequest(Box::new(InvalidRequestError {
            message: message.into(),
            source: None,
        }))
    }

    /// An [`Error::InvalidRequest`] with a message and its cause.
    pub fn invalid_request_with_source(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<BoxError>,
    ) -> Self {
        Self::InvalidRequest(Box::new(InvalidRequestError {
            message: message.into(),
            source: Some(source.into()),
        }))
    }

    /// The HTTP status of the answer, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::ResponseValidation(validation) => Some(validation.status),
            Self::BodyTooLarge(too_large) => Some(too_large.status),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed: connection failures,
    /// timeouts, interrupted transfers and the statuses 408, 429, 500, 502, 503, 504.
    ///
    /// This says nothing about whether re-sending is *safe*; for a non-idempotent
    /// call check [`request_may_have_reached_server`](Self::request_may_have_reached_server) too.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect(_) | Self::Timeout(_) | Self::Transport(_) => true,
            Self::Api(api) => crate::retry::is_retryable_status(api.status),
            _ => false,
        }
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

    /// The server's `Retry-After` on an API error (delta-seconds or HTTP-date),
    /// for example when a 429 asked for a longer wait than the retry budget allows.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(api) => api.retry_after(),
            _ => None,
        }
    }

    /// The API error, when the server answered with a non-success status.
    pub fn as_api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(invalid) => write!(f, "invalid request: {}", invalid.message),
            Self::Credentials(_) => f.write_str("the token source failed to provide a token"),
            Self::Hook(_) => f.write_str("a before-request hook refused the request"),
            Self::Connect(_) => f.write_str("could not connect to the server"),
            Self::Tls(_) => f.write_str("TLS handshake with the server failed"),
            Self::Timeout(timeout) => fmt::Display::fmt(timeout, f),
            Self::Transport(_) => {
                f.write_str("the connection failed while the request was in flight")
            }
            Self::BodyTooLarge(too_large) => fmt::Display::fmt(too_large, f),
            Self::Api(api) => fmt::Display::fmt(api, f),
            Self::ResponseValidation(validation) => fmt::Display::fmt(validation, f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(inner) => f.debug_tuple("InvalidRequest").field(inner).finish(),
            Self::Credentials(source) => f.debug_tuple("Credentials").field(source).finish(),
            Self::Hook(source) => f.debug_tuple("Hook").field(source).finish(),
            Self::Connect(source) => f.debug_tuple("Connect").field(source).finish(),
            Self::Tls(source) => f.debug_tuple("Tls").field(source).finish(),
            Self::Timeout(inner) => f.debug_tuple("Timeout").field(inner).finish(),
            Self::Transport(source) => f.debug_tuple("Transport").field(source).finish(),
            Self::BodyTooLarge(inner) => f.debug_tuple("BodyTooLarge").field(inner).finish(),
            Self::Api(inner) => f.debug_tuple("Api").field(inner).finish(),
            Self::ResponseValidation(inner) => {
                f.debug_tuple("ResponseValidation").field(inner).finish()
            }
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::InvalidRequest(invalid) => invalid.source(),
            Self::Credentials(source)
            | Self::Hook(source)
            | Self::Connect(source)
            | Self::Tls(source)
            | Self::Transport(source) => Some(source.as_ref()),
            Self::Timeout(_) | Self::BodyTooLarge(_) | Self::Api(_) => None,
            Self::ResponseValidation(validation) => Some(&validation.source),
        }
    }
}

/// Why a call was refused before it was sent.
pub struct InvalidRequestError {
    message: Cow<'static, str>,
    source: Option<BoxError>,
}

impl InvalidRequestError {
    /// What was wrong, in one line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for InvalidRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvalidRequestError")
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for InvalidRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for InvalidRequestError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_ref().map(|source| source.as_ref() as _)
    }
}

/// Which timeout fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (TCP, and TLS when the connector does both) took too long.
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
            Some(limit) => write!(f, "{which} timeout of {limit:?} elapsed"),
            None => write!(f, "{which} timeout elapsed"),
        }
    }
}

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

/// A non-success answer from the API: status, headers, raw body, and the
/// envelope's `message` when the body is the API's JSON envelope.
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    message: Option<String>,
}

impl ApiError {
    /// Builds an API error from a raw answer, reading the envelope's `message`
    /// when the body is JSON of that shape.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let message = serde_json::from_slice::<EnvelopeMessage>(&body)
            .ok()
            .and_then(|envelope| envelope.0);
        Self {
            status,
            headers,
            body,
            message,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw response body (bounded by the body limit).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The envelope's `message`, when the body was `{"success":false,"message":"..."}`.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The `Retry-After` header as a duration from now.
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(&self.headers, std::time::SystemTime::now())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(message) = &self.message {
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
        Ok(())
    }
}

/// The `message` of the API's envelope, read without building a JSON tree.
///
/// Only a JSON *object* is an envelope (a derived struct would also accept
/// `["text"]`); a repeated `message` keeps its last value (a derived struct
/// would fail); a `message` that is not a string counts as absent.
struct EnvelopeMessage(Option<String>);

impl<'de> serde::Deserialize<'de> for EnvelopeMessage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
            type Value = EnvelopeMessage;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<EnvelopeMessage, A::Error> {
                let mut message = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "message" {
                        message = map.next_value::<StringOrOther>()?.0;
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(EnvelopeMessage(message))
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// A JSON value kept when it is a string and skipped otherwise.
struct StringOrOther(Option<String>);

impl<'de> serde::Deserialize<'de> for StringOrOther {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyVisitor;

        impl<'de> serde::de::Visitor<'de> for AnyVisitor {
            type Value = StringOrOther;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("any JSON value")
            }

            fn visit_str<E>(self, text: &str) -> Result<StringOrOther, E> {
                Ok(StringOrOther(Some(text.to_owned())))
            }

            fn visit_string<E>(self, text: String) -> Result<StringOrOther, E> {
                Ok(StringOrOther(Some(text)))
            }

            fn visit_bool<E>(self, _: bool) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }

            fn visit_i64<E>(self, _: i64) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }

            fn visit_u64<E>(self, _: u64) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }

            fn visit_f64<E>(self, _: f64) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }

            fn visit_unit<E>(self) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StringOrOther, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(StringOrOther(None))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<StringOrOther, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(StringOrOther(None))
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
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("headers", &DebugHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl StdError for ApiError {}

/// A success answer whose body does not match the expected schema.
pub struct ResponseValidationError {
    status: StatusCode,
    body: Bytes,
    source: serde_json::Error,
}

impl ResponseValidationError {
    /// Builds the error from the answer and the decoder's complaint.
    pub fn new(status: StatusCode, body: Bytes, source: serde_json::Error) -> Self {
        Self {
            status,
            body,
            source,
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The raw body that failed to decode (bounded by the body limit). It may hold
    /// session tokens: treat it as secret.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The first bytes of the body, at most `max_len`, for a diagnostic.
    pub fn body_excerpt(&self, max_len: usize) -> &[u8] {
        &self.body[..self.body.len().min(max_len)]
    }

    /// The decoder's error (line, column, category).
    pub fn serde_error(&self) -> &serde_json::Error {
        &self.source
    }
}

impl fmt::Display for ResponseValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The serde message can quote values from the body, which may be secret;
        // say where and what kind of problem, not what the value was.
        let category = match self.source.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "JSON that does not match the schema",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        write!(
            f,
            "response (status {}, {} bytes) is {category} at line {} column {}",
            self.status.as_u16(),
            self.body.len(),
            self.source.line(),
            self.source.column()
        )
    }
}

impl fmt::Debug for ResponseValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValidationError")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .field("line", &self.source.line())
            .field("column", &self.source.column())
            .field("category", &self.source.classify())
            .finish()
    }
}

impl StdError for ResponseValidationError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
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
    fn reached_server_by_variant() {
        assert!(!Error::invalid_request("x").request_may_have_reached_server());
        assert!(
            !Error::Timeout(TimeoutError {
                kind: TimeoutKind::Connect,
                limit: None
            })
            .request_may_have_reached_server()
        );
        assert!(
            Error::Timeout(TimeoutError {
                kind: TimeoutKind::Attempt,
                limit: None
            })
            .request_may_have_reached_server()
        );
        assert!(Error::Transport("reset".into()).request_may_have_reached_server());
    }
}
