//! The request log: what the sandbox received, for assertions.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::header::{self, HeaderMap};
use http::{Method, Uri, Version};
use serde::de::DeserializeOwned;

use crate::operation::Operation;

/// How many requests the log keeps by default (the most recent ones).
pub(crate) const DEFAULT_CAPACITY: usize = 10_000;

/// Bound on the body bytes the log holds in total: 16 MiB. Past it the
/// oldest records are dropped, whatever the capacity.
pub(crate) const MAX_LOGGED_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What [`Debug`](fmt::Debug) prints instead of a credential.
const REDACTED: &str = "** redacted **";

/// How much of a body [`Debug`](fmt::Debug) prints.
const DEBUG_BODY_CHARS: usize = 512;

/// One request the sandbox received and routed to an [`Operation`], as
/// returned by [`Sandbox::requests`](crate::Sandbox::requests).
///
/// It is recorded when its body has been read, before the sandbox answers
/// (or applies a fault): once a client has an answer, a reset or a timeout
/// for a request, the request is in the log. Requests answered 404 or 405
/// (no operation) are not recorded; [`Sandbox::total_requests`] counts them.
///
/// The accessors give everything verbatim, credentials included. Its
/// [`Debug`](fmt::Debug) output, on the other hand, redacts the values of
/// credential-like headers (`Authorization`, `Proxy-Authorization`,
/// `Cookie`, and any header whose name contains `auth`, `token`, `secret`,
/// `key`, `password`, `credential`, `signature` or `session`), of
/// credential-like query parameters, and any occurrence of the bearer token
/// in the URI or body, so it is safe to print in test failures.
///
/// [`Sandbox::total_requests`]: crate::Sandbox::total_requests
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use blackbox_sandbox::{Operation, Sandbox};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let sandbox = Sandbox::start().await?;
/// let body = r#"{"keep_current":true}"#;
/// let request = format!(
///     "POST /api/v0/sessions/revoke-all HTTP/1.1\r\nHost: localhost\r\n\
///      Authorization: Bearer {}\r\nContent-Type: application/json\r\n\
///      Content-Length: {}\r\nX-Request-Id: req-1\r\nConnection: close\r\n\r\n{body}",
///     sandbox.demo_token(),
///     body.len(),
/// );
/// let mut stream = tokio::net::TcpStream::connect(sandbox.local_addr()).await?;
/// stream.write_all(request.as_bytes()).await?;
/// stream.read_to_end(&mut Vec::new()).await?;
///
/// let requests = sandbox.requests_for(Operation::RevokeAllSessions);
/// assert_eq!(requests.len(), 1);
/// let recorded = &requests[0];
/// assert_eq!(recorded.method(), "POST");
/// assert_eq!(recorded.path(), "/api/v0/sessions/revoke-all");
/// assert_eq!(recorded.header("x-request-id"), Some("req-1"));
/// assert_eq!(recorded.body(), body.as_bytes());
/// let json: serde_json::Value = recorded.body_json()?;
/// assert_eq!(json["keep_current"], true);
///
/// // The accessors are verbatim; Debug never shows the token.
/// let authorization = format!("Bearer {}", sandbox.demo_token());
/// assert_eq!(recorded.header("authorization"), Some(authorization.as_str()));
/// assert!(!format!("{recorded:?}").contains(sandbox.demo_token()));
///
/// sandbox.clear_requests();
/// assert!(sandbox.requests().is_empty());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    operation: Operation,
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
    received_at: SystemTime,
    received_instant: Instant,
}

impl RecordedRequest {
    pub(crate) fn new(
        operation: Operation,
        parts: &http::request::Parts,
        body: Bytes,
        received_at: SystemTime,
        received_instant: Instant,
    ) -> RecordedRequest {
        RecordedRequest {
            operation,
            method: parts.method.clone(),
            uri: parts.uri.clone(),
            version: parts.version,
            headers: parts.headers.clone(),
            body,
            received_at,
            received_instant,
        }
    }

    /// The operation the request was routed to.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request target as received: the path and query (HTTP/1.1), or the
    /// full URI with scheme and authority (HTTP/2).
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The path, without the query, e.g. `/api/v0/sessions/stats`.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The query string without the `?`, if any.
    pub fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    /// The HTTP version (`HTTP/1.1` or `HTTP/2.0`; `HTTP/1.0` if the
    /// client spoke it).
    pub fn version(&self) -> Version {
        self.version
    }

    /// All request headers, verbatim (credentials included).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name` (case-insensitive), if present and
    /// visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body bytes the sandbox read: the whole body, except for bodies of
    /// more than 64 KiB (the sandbox answers those 413 and records at most
    /// their first 64 KiB, nothing when `Content-Length` announced more) and
    /// bodies that failed or timed out (what arrived before).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body decoded as JSON into `T` (e.g. `serde_json::Value`).
    ///
    /// # Errors
    ///
    /// When the body is not JSON or not of the shape of `T`.
    pub fn body_json<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }

    /// When the request head arrived, on the sandbox [`Clock`](crate::Clock)
    /// (so it moves with [`Clock::advance`](crate::Clock::advance)).
    pub fn received_at(&self) -> SystemTime {
        self.received_at
    }

    /// When the request head arrived, on the monotonic real clock: compare
    /// two of them to measure the real delay between requests (e.g. a
    /// client's retry back-off), unaffected by the sandbox clock.
    pub fn received_instant(&self) -> Instant {
        self.received_instant
    }

    /// The bearer token of the `Authorization` header, for redaction.
    fn bearer(&self) -> Option<&str> {
        let value = self.header(header::AUTHORIZATION.as_str())?;
        let (scheme, token) = value.trim().split_once(' ')?;
        let token = token.trim();
        // Too short a token would redact unrelated text.
        (scheme.eq_ignore_ascii_case("bearer") && token.len() >= 4).then_some(token)
    }
}

/// Whether a header or query parameter named `name` may carry a credential.
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    const PARTS: [&str; 9] = [
        "auth",
        "cookie",
        "token",
        "secret",
        "key",
        "password",
        "credential",
        "signature",
        "session",
    ];
    let name = name.to_ascii_lowercase();
    PARTS.iter().any(|part| name.contains(part))
}

/// `text` with every occurrence of `secret` replaced.
fn scrub(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(secret) => text.replace(secret, REDACTED),
        None => text.to_owned(),
    }
}

/// Header values, with credential-like ones redacted.
struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_sensitive_name(name.as_str()) {
                map.entry(&name.as_str(), &REDACTED);
            } else {
                map.entry(&name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
            }
        }
        map.finish()
    }
}

/// The URI with credential-like query values and the bearer token redacted.
fn redacted_uri(uri: &Uri, bearer: Option<&str>) -> String {
    let mut text = uri.path().to_owned();
    if let Some(query) = uri.query() {
        text.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if is_sensitive_name(name) => format!("{name}={REDACTED}"),
                _ => pair.to_owned(),
            })
            .collect();
        text.push_str(&pairs.join("&"));
    }
    scrub(&text, bearer)
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bearer = self.bearer();
        let text = String::from_utf8_lossy(&self.body);
        let mut body: String = text.chars().take(DEBUG_BODY_CHARS).collect();
        if body.len() < text.len() {
            body.push('…');
        }
        f.debug_struct("RecordedRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("uri", &redacted_uri(&self.uri, bearer))
            .field("version", &self.version)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .field("body", &scrub(&body, bearer))
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// The bounded log of a running sandbox.
pub(crate) struct RequestLog {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    records: VecDeque<RecordedRequest>,
    body_bytes: usize,
}

impl RequestLog {
    /// A log keeping the last `capacity` requests (0: records nothing).
    pub(crate) fn new(capacity: usize) -> RequestLog {
        RequestLog {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether anything is recorded at all (capacity above 0).
    pub(crate) fn is_enabled(&self) -> bool {
        self.capacity > 0
    }

    /// A poisoned lock still holds whole records (every method updates the
    /// queue and its byte count together, without panicking in between).
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends a record, dropping the oldest ones past the bounds.
    pub(crate) fn record(&self, request: RecordedRequest) {
        if !self.is_enabled() {
            return;
        }
        let mut inner = self.lock();
        inner.body_bytes += request.body.len();
        inner.records.push_back(request);
        while inner.records.len() > self.capacity
            || (inner.body_bytes > MAX_LOGGED_BODY_BYTES && inner.records.len() > 1)
        {
            match inner.records.pop_front() {
                Some(oldest) => inner.body_bytes -= oldest.body.len(),
                None => break,
            }
        }
    }

    /// The records, oldest first, optionally only those of one operation.
    pub(crate) fn snapshot(&self, op: Option<Operation>) -> Vec<RecordedRequest> {
        self.lock()
            .records
            .iter()
            .filter(|r| op.is_none_or(|op| r.operation == op))
            .cloned()
            .collect()
    }

    /// Forgets every record.
    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.records.clear();
        inner.body_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(op: Operation, body: &'static [u8]) -> RecordedRequest {
        let (parts, ()) = http::Request::post("/api/v0/sessions/revoke-all?x=1")
            .header("authorization", "Bearer bbx_secret_token")
            .body(())
            .map(http::Request::into_parts)
            .unwrap_or_else(|_| http::Request::new(()).into_parts());
        RecordedRequest::new(
            op,
            &parts,
            Bytes::from_static(body),
            SystemTime::now(),
            Instant::now(),
        )
    }

    #[test]
    fn the_log_keeps_the_most_recent_records() {
        let log = RequestLog::new(3);
        for _ in 0..2 {
            log.record(recorded(Operation::ListSessions, b""));
        }
        for _ in 0..2 {
            log.record(recorded(Operation::GetSession, b"ab"));
        }
        let all = log.snapshot(None);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].operation(), Operation::ListSessions);
        assert_eq!(log.snapshot(Some(Operation::GetSession)).len(), 2);
        assert_eq!(log.lock().body_bytes, 4);
        log.clear();
        assert!(log.snapshot(None).is_empty());
        assert_eq!(log.lock().body_bytes, 0);

        let disabled = RequestLog::new(0);
        disabled.record(recorded(Operation::ListSessions, b""));
        assert!(disabled.snapshot(None).is_empty());
    }

    #[test]
    fn the_log_bounds_body_bytes() {
        static BIG: [u8; 64 * 1024] = [b'x'; 64 * 1024];
        let log = RequestLog::new(10_000);
        for _ in 0..(MAX_LOGGED_BODY_BYTES / BIG.len() + 10) {
            log.record(recorded(Operation::ExtendSession, &BIG));
        }
        let inner = log.lock();
        assert_eq!(inner.records.len(), MAX_LOGGED_BODY_BYTES / BIG.len());
        assert!(inner.body_bytes <= MAX_LOGGED_BODY_BYTES);
    }

    #[test]
    fn sensitive_names() {
        for name in [
            "authorization",
            "Proxy-Authorization",
            "cookie",
            "set-cookie",
            "x-api-key",
            "X-Auth-Token",
            "x-client-secret",
            "access_token",
            "x-session-id",
        ] {
            assert!(is_sensitive_name(name), "{name}");
        }
        for name in [
            "host",
            "content-type",
            "user-agent",
            "x-request-id",
            "accept",
        ] {
            assert!(!is_sensitive_name(name), "{name}");
        }
    }

    #[test]
    fn debug_redacts_the_uri_and_body_token() {
        let (parts, ()) = http::Request::get("/api/v0/sessions?access_token=bbx_abcdef&page=2")
            .header("authorization", "Bearer bbx_abcdef")
            .body(())
            .map(http::Request::into_parts)
            .unwrap_or_else(|_| http::Request::new(()).into_parts());
        let request = RecordedRequest::new(
            Operation::ListSessions,
            &parts,
            Bytes::from_static(b"{\"echo\":\"bbx_abcdef\"}"),
            SystemTime::now(),
            Instant::now(),
        );
        let debug = format!("{request:?}");
        assert!(!debug.contains("bbx_abcdef"), "{debug}");
        assert!(debug.contains("page=2"), "{debug}");
        assert!(debug.contains("access_token=** redacted **"), "{debug}");
    }
}
