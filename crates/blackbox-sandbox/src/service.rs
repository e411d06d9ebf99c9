//! Routing, authentication, validation and the seven operations, plus the
//! injection of scripted faults.

use std::error::Error;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;
use uuid::Uuid;

use crate::body::{SandboxBody, Step};
use crate::clock::Clock;
use crate::faults::{Fault, Faults};
use crate::models::{
    Envelope, ExtendSessionRequest, RevokeAllSessionsRequest, SessionList, SessionStats,
};
use crate::operation::Operation;
use crate::server::ConnControl;
use crate::state::{Caller, ExtendError, Store};

/// Largest accepted request body: 64 KiB.
pub(crate) const MAX_REQUEST_BODY: usize = 64 * 1024;
/// Bound on reading a request body.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Bound on discarding a request body before a faulty answer.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// Pause between the partial body and the failure of a mid-body fault, so
/// the partial body is flushed to the peer before the connection dies.
const FLUSH_PAUSE: Duration = Duration::from_millis(30);

const COLLECTION: &str = "/api/v0/sessions";

/// State shared by every connection of one sandbox.
#[derive(Default)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    pub(crate) faults: Faults,
    pub(crate) clock: Clock,
    counts: [AtomicU64; 7],
    total: AtomicU64,
    connections: AtomicU64,
}

impl Shared {
    /// The session store. A poisoned lock is recovered: every mutation of the
    /// store is a single `Vec` operation that cannot leave it inconsistent.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn count_connection(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request_count(&self, op: Operation) -> u64 {
        self.counts[op.index()].load(Ordering::Relaxed)
    }

    pub(crate) fn total_requests(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub(crate) fn connection_count(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }
}

/// The error the service returns to make hyper drop the request without an
/// answer (`Fault::ResetBeforeHeaders`).
#[derive(Debug)]
pub(crate) struct InjectedReset;

impl fmt::Display for InjectedReset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("injected fault: connection reset before headers")
    }
}

impl Error for InjectedReset {}

/// A complete answer before it is turned into a response.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

const FALLBACK_ERROR: &[u8] = br#"{"success":false,"message":"internal error","data":null}"#;

impl Reply {
    fn envelope<T: Serialize>(status: StatusCode, envelope: &Envelope<T>) -> Reply {
        let body = serde_json::to_vec(envelope)
            .map(Bytes::from)
            .unwrap_or_else(|_| Bytes::from_static(FALLBACK_ERROR));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Reply {
            status,
            headers,
            body,
        }
    }

    fn success<T: Serialize>(data: T) -> Reply {
        Reply::envelope(
            StatusCode::OK,
            &Envelope {
                success: true,
                message: None,
                data: Some(data),
            },
        )
    }

    fn done(message: &str) -> Reply {
        Reply::envelope::<()>(
            StatusCode::OK,
            &Envelope {
                success: true,
                message: Some(message.to_owned()),
                data: None,
            },
        )
    }

    fn error(status: StatusCode, message: impl Into<String>) -> Reply {
        Reply::envelope::<()>(
            status,
            &Envelope {
                success: false,
                message: Some(message.into()),
                data: None,
            },
        )
    }

    fn unauthorized(message: &str) -> Reply {
        Reply::error(StatusCode::UNAUTHORIZED, message)
            .header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    fn not_found() -> Reply {
        Reply::error(StatusCode::NOT_FOUND, "Session not found")
    }

    fn raw(content_type: &'static str, body: &'static [u8]) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        Reply {
            status: StatusCode::OK,
            headers,
            body: Bytes::from_static(body),
        }
    }

    fn header(mut self, name: HeaderName, value: HeaderValue) -> Reply {
        self.headers.insert(name, value);
        self
    }

    fn into_response(self) -> Response<SandboxBody> {
        let body = SandboxBody::full(self.body);
        build(self.status, self.headers, body)
    }

    /// The same answer with its body split in two halves around `middle`
    /// steps; `Content-Length` still announces the whole body.
    fn into_split_response(self, middle: Vec<Step>, rest: bool) -> Response<SandboxBody> {
        let Reply {
            status,
            mut headers,
            body,
        } = self;
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        let half = body.len() / 2;
        let mut steps = vec![Step::Data(body.slice(..half))];
        steps.extend(middle);
        if rest {
            steps.push(Step::Data(body.slice(half..)));
        }
        build(status, headers, SandboxBody::scripted(steps))
    }
}

fn build(status: StatusCode, headers: HeaderMap, body: SandboxBody) -> Response<SandboxBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
enum Route<'a> {
    Operation(Operation, Option<&'a str>),
    MethodNotAllowed(&'static str),
    NotFound,
}

fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    enum Resource<'a> {
        Collection,
        Cleanup,
        RevokeAll,
        Stats,
        Session(&'a str),
        Extend(&'a str),
    }
    let resource = match path.strip_prefix(COLLECTION) {
        Some("") => Resource::Collection,
        Some(rest) => match rest.strip_prefix('/') {
            Some("cleanup") => Resource::Cleanup,
            Some("revoke-all") => Resource::RevokeAll,
            Some("stats") => Resource::Stats,
            Some(rest) => match rest.split_once('/') {
                None if !rest.is_empty() => Resource::Session(rest),
                Some((id, "extend")) if !id.is_empty() => Resource::Extend(id),
                _ => return Route::NotFound,
            },
            None => return Route::NotFound,
        },
        None => return Route::NotFound,
    };
    match resource {
        Resource::Collection if method == Method::GET => {
            Route::Operation(Operation::ListSessions, None)
        }
        Resource::Collection => Route::MethodNotAllowed("GET"),
        Resource::Cleanup if method == Method::POST => {
            Route::Operation(Operation::CleanupExpiredSessions, None)
        }
        Resource::Cleanup => Route::MethodNotAllowed("POST"),
        Resource::RevokeAll if method == Method::POST => {
            Route::Operation(Operation::RevokeAllSessions, None)
        }
        Resource::RevokeAll => Route::MethodNotAllowed("POST"),
        Resource::Stats if method == Method::GET => {
            Route::Operation(Operation::GetSessionStats, None)
        }
        Resource::Stats => Route::MethodNotAllowed("GET"),
        Resource::Session(id) if method == Method::GET => {
            Route::Operation(Operation::GetSession, Some(id))
        }
        Resource::Session(id) if method == Method::DELETE => {
            Route::Operation(Operation::RevokeSession, Some(id))
        }
        Resource::Session(_) => Route::MethodNotAllowed("GET, DELETE"),
        Resource::Extend(id) if method == Method::POST => {
            Route::Operation(Operation::ExtendSession, Some(id))
        }
        Resource::Extend(_) => Route::MethodNotAllowed("POST"),
    }
}

/// Serves one request: route, count, apply the next scripted fault, or
/// process normally.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    control: Arc<ConnControl>,
    request: Request<Incoming>,
) -> Result<Response<SandboxBody>, InjectedReset> {
    shared.total.fetch_add(1, Ordering::Relaxed);
    let path = request.uri().path().to_owned();
    let (op, raw_id) = match route(request.method(), &path) {
        Route::NotFound => {
            let message = format!("no route for {} {}", request.method(), clip(&path));
            return Ok(Reply::error(StatusCode::NOT_FOUND, message).into_response());
        }
        Route::MethodNotAllowed(allow) => {
            let message = format!(
                "method {} is not allowed on {}; allowed: {allow}",
                request.method(),
                clip(&path)
            );
            let reply = Reply::error(StatusCode::METHOD_NOT_ALLOWED, message)
                .header(header::ALLOW, HeaderValue::from_static(allow));
            return Ok(reply.into_response());
        }
        Route::Operation(op, id) => (op, id.map(str::to_owned)),
    };
    shared.counts[op.index()].fetch_add(1, Ordering::Relaxed);
    let http1 = request.version() < Version::HTTP_2;

    let Some(fault) = shared.faults.next(op) else {
        return Ok(process(&shared, op, raw_id, request).await.into_response());
    };
    let response = match fault {
        Fault::Status {
            status,
            retry_after,
        } => {
            drain(request.into_body()).await;
            status_fault(status, retry_after.as_deref())
        }
        Fault::DelayBeforeHeaders(delay) => {
            tokio::time::sleep(delay).await;
            process(&shared, op, raw_id, request).await.into_response()
        }
        Fault::DelayMidBody(delay) => process(&shared, op, raw_id, request)
            .await
            .into_split_response(vec![Step::Pause(delay)], true),
        Fault::ResetBeforeHeaders => {
            if http1 {
                control.abort();
            }
            return Err(InjectedReset);
        }
        Fault::ResetMidBody => {
            let kill = http1.then(|| Arc::clone(&control));
            process(&shared, op, raw_id, request)
                .await
                .into_split_response(vec![Step::Pause(FLUSH_PAUSE), Step::Fail(kill)], false)
        }
        Fault::TruncatedBody => process(&shared, op, raw_id, request)
            .await
            .into_split_response(vec![Step::Pause(FLUSH_PAUSE), Step::Fail(None)], false),
        Fault::InvalidJson => {
            drain(request.into_body()).await;
            Reply::raw("application/json", br#"{"success":tru"#).into_response()
        }
        Fault::WrongShapeJson => {
            drain(request.into_body()).await;
            Reply::raw("application/json", br#"{"success":"yes","data":[1]}"#).into_response()
        }
        Fault::OversizedBody(len) => {
            drain(request.into_body()).await;
            oversized(len)
        }
        Fault::WrongContentType => {
            drain(request.into_body()).await;
            Reply::raw(
                "text/html; charset=utf-8",
                b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
                  <body><h1>502 Bad Gateway</h1><p>injected fault</p></body></html>\n",
            )
            .into_response()
        }
    };
    Ok(response)
}

/// At most 100 characters of client-provided text, for error messages.
fn clip(text: &str) -> String {
    text.chars().take(100).collect()
}

fn status_fault(status: u16, retry_after: Option<&str>) -> Response<SandboxBody> {
    let status = StatusCode::from_u16(status)
        .ok()
        .filter(|s| (200..=599).contains(&s.as_u16()))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut reply = Reply::error(
        status,
        format!("injected fault: status {}", status.as_u16()),
    );
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        reply.body = Bytes::new();
        reply.headers.remove(header::CONTENT_TYPE);
    }
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        reply = reply.header(header::RETRY_AFTER, value);
    }
    reply.into_response()
}

/// A 200 `application/json` answer of exactly `len` bytes that looks like
/// an envelope with a long message.
fn oversized(len: usize) -> Response<SandboxBody> {
    const HEAD: &[u8] = br#"{"success":true,"message":""#;
    const TAIL: &[u8] = br#"","data":null}"#;
    let body = if len >= HEAD.len() + TAIL.len() {
        SandboxBody::padded(
            Bytes::from_static(HEAD),
            len - HEAD.len() - TAIL.len(),
            b'x',
            Bytes::from_static(TAIL),
        )
    } else if len >= 2 {
        // Too short for an envelope: a JSON string of the right length.
        SandboxBody::padded(
            Bytes::from_static(b"\""),
            len - 2,
            b'x',
            Bytes::from_static(b"\""),
        )
    } else if len == 1 {
        SandboxBody::full(Bytes::from_static(b"0"))
    } else {
        SandboxBody::empty()
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    build(StatusCode::OK, headers, body)
}

/// Discards a request body (bounded in size and time) so that the
/// connection can be reused after a faulty answer.
async fn drain(body: Incoming) {
    if body.is_end_stream() {
        return;
    }
    let _ = tokio::time::timeout(
        DRAIN_TIMEOUT,
        Limited::new(body, MAX_REQUEST_BODY).collect(),
    )
    .await;
}

fn bearer_token(headers: &HeaderMap) -> Result<&str, &'static str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or("missing Authorization header; send `Authorization: Bearer <token>`")?;
    let value = value
        .to_str()
        .map_err(|_| "the Authorization header is not visible ASCII")?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or("the Authorization header must be `Bearer <token>`")?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err("the Authorization scheme must be Bearer");
    }
    let token = token.trim();
    if token.is_empty() {
        return Err("the bearer token is empty");
    }
    Ok(token)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

async fn read_body(headers: &HeaderMap, body: Incoming) -> Result<Bytes, Reply> {
    let too_large = || {
        Reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body exceeds {MAX_REQUEST_BODY} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_REQUEST_BODY as u64) {
        return Err(too_large());
    }
    let collect = Limited::new(body, MAX_REQUEST_BODY).collect();
    match tokio::time::timeout(BODY_READ_TIMEOUT, collect).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Ok(Err(e)) => Err(Reply::error(
            StatusCode::BAD_REQUEST,
            format!("could not read the request body: {e}"),
        )),
        Err(_) => Err(Reply::error(
            StatusCode::REQUEST_TIMEOUT,
            "timed out reading the request body",
        )),
    }
}

/// Decodes a JSON request body: syntax errors are 400, anything that is
/// not an object of the expected shape is 422.
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Box<Reply>> {
    let invalid = |e: serde_json::Error| {
        Box::new(Reply::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the request body does not match the schema: {e}"),
        ))
    };
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| match e.classify() {
            Category::Data => invalid(e),
            Category::Syntax | Category::Eof | Category::Io => Box::new(Reply::error(
                StatusCode::BAD_REQUEST,
                format!("the request body is not valid JSON: {e}"),
            )),
        })?;
    if !value.is_object() {
        return Err(Box::new(Reply::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the request body does not match the schema: expected a JSON object",
        )));
    }
    serde_json::from_value(value).map_err(invalid)
}

/// Normal processing, in the documented check order: auth (401), content
/// type (415), body size (413), path id (400), JSON (400/422), semantics.
async fn process(
    shared: &Shared,
    op: Operation,
    raw_id: Option<String>,
    request: Request<Incoming>,
) -> Reply {
    let (parts, body) = request.into_parts();
    let caller = {
        let token = match bearer_token(&parts.headers) {
            Ok(token) => token,
            Err(message) => return Reply::unauthorized(message),
        };
        let now = shared.clock.now_unix();
        match shared.store().authenticate(token, now) {
            Some(caller) => caller,
            None => {
                return Reply::unauthorized(
                    "the bearer token does not belong to a live session (unknown, revoked or expired)",
                );
            }
        }
    };
    let json = if op.has_json_body() {
        if !is_json(&parts.headers) {
            return Reply::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the request body must be sent with `Content-Type: application/json`",
            );
        }
        match read_body(&parts.headers, body).await {
            Ok(bytes) => bytes,
            Err(reply) => return reply,
        }
    } else {
        Bytes::new()
    };
    let session_id = match raw_id.as_deref().map(Uuid::try_parse) {
        None => Uuid::nil(),
        Some(Ok(id)) => id,
        Some(Err(_)) => {
            let raw = raw_id.as_deref().unwrap_or_default();
            return Reply::error(
                StatusCode::BAD_REQUEST,
                format!("session_id `{}` is not a UUID", clip(raw)),
            );
        }
    };
    execute(shared, op, caller, session_id, &json)
}

fn execute(shared: &Shared, op: Operation, caller: Caller, session_id: Uuid, json: &[u8]) -> Reply {
    let user = caller.user_id;
    let current = caller.session_id;
    match op {
        Operation::ListSessions => {
            let store = shared.store();
            let sessions: Vec<_> = store
                .user_sessions(user)
                .into_iter()
                .map(|s| s.info(current))
                .collect();
            let total = sessions.len() as u64;
            Reply::success(SessionList { sessions, total })
        }
        Operation::GetSession => match shared.store().get(user, session_id) {
            Some(session) => Reply::success(session.info(current)),
            None => Reply::not_found(),
        },
        Operation::RevokeSession => {
            if shared.store().revoke(user, session_id) {
                Reply::done("Session revoked")
            } else {
                Reply::not_found()
            }
        }
        Operation::RevokeAllSessions => {
            let request: RevokeAllSessionsRequest = match parse_json(json) {
                Ok(request) => request,
                Err(reply) => return *reply,
            };
            let keep = request.keep_current.then_some(current);
            shared.store().revoke_all(user, keep);
            Reply::done("Sessions revoked")
        }
        Operation::ExtendSession => {
            let request: ExtendSessionRequest = match parse_json(json) {
                Ok(request) => request,
                Err(reply) => return *reply,
            };
            let hours = request.extension_hours;
            if hours < 0 {
                return Reply::error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "the request body does not match the schema: extension_hours must be >= 0, got {hours}"
                    ),
                );
            }
            match shared.store().extend(user, session_id, i64::from(hours)) {
                Ok(session) => Reply::success(session.info(current)),
                Err(ExtendError::NotFound) => Reply::not_found(),
                Err(ExtendError::OutOfRange) => Reply::error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "extending by {hours} hours would move expires_at past 9999-12-31T23:59:59Z"
                    ),
                ),
            }
        }
        Operation::GetSessionStats => {
            let stats = shared.store().stats(user, shared.clock.now_unix());
            Reply::success(SessionStats {
                total_sessions: stats.total,
                active_sessions: stats.active,
                expired_sessions: stats.expired,
            })
        }
        Operation::CleanupExpiredSessions => {
            shared.store().cleanup(user, shared.clock.now_unix());
            Reply::done("Expired sessions cleaned up")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_known_paths_methods_and_unknown_paths() {
        use Operation as Op;
        let id = "0b5b1f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
        let cases: Vec<(Method, String, Route<'static>)> = vec![
            (
                Method::GET,
                "/api/v0/sessions".into(),
                Route::Operation(Op::ListSessions, None),
            ),
            (
                Method::POST,
                "/api/v0/sessions".into(),
                Route::MethodNotAllowed("GET"),
            ),
            (
                Method::POST,
                "/api/v0/sessions/cleanup".into(),
                Route::Operation(Op::CleanupExpiredSessions, None),
            ),
            (
                Method::GET,
                "/api/v0/sessions/cleanup".into(),
                Route::MethodNotAllowed("POST"),
            ),
            (
                Method::POST,
                "/api/v0/sessions/revoke-all".into(),
                Route::Operation(Op::RevokeAllSessions, None),
            ),
            (
                Method::DELETE,
                "/api/v0/sessions/revoke-all".into(),
                Route::MethodNotAllowed("POST"),
            ),
            (
                Method::GET,
                "/api/v0/sessions/stats".into(),
                Route::Operation(Op::GetSessionStats, None),
            ),
            (
                Method::PUT,
                "/api/v0/sessions/stats".into(),
                Route::MethodNotAllowed("GET"),
            ),
            (
                Method::GET,
                format!("/api/v0/sessions/{id}"),
                Route::Operation(Op::GetSession, Some(id)),
            ),
            (
                Method::DELETE,
                format!("/api/v0/sessions/{id}"),
                Route::Operation(Op::RevokeSession, Some(id)),
            ),
            (
                Method::PATCH,
                format!("/api/v0/sessions/{id}"),
                Route::MethodNotAllowed("GET, DELETE"),
            ),
            (
                Method::POST,
                format!("/api/v0/sessions/{id}/extend"),
                Route::Operation(Op::ExtendSession, Some(id)),
            ),
            (
                Method::GET,
                format!("/api/v0/sessions/{id}/extend"),
                Route::MethodNotAllowed("POST"),
            ),
            (Method::GET, "/api/v0/sessions/".into(), Route::NotFound),
            (Method::GET, "/api/v0/sessionsx".into(), Route::NotFound),
            (Method::GET, "/".into(), Route::NotFound),
            (
                Method::POST,
                "/api/v0/sessions//extend".into(),
                Route::NotFound,
            ),
            (
                Method::POST,
                format!("/api/v0/sessions/{id}/extend/more"),
                Route::NotFound,
            ),
            (
                Method::GET,
                format!("/api/v0/sessions/{id}/other"),
                Route::NotFound,
            ),
        ];
        for (method, path, expected) in &cases {
            assert_eq!(&route(method, path), expected, "{method} {path}");
        }
    }

    #[test]
    fn bearer_and_content_type_parsing() {
        let mut headers = HeaderMap::new();
        assert!(bearer_token(&headers).is_err());
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer_token(&headers), Ok("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(bearer_token(&headers).is_err());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer"));
        assert!(bearer_token(&headers).is_err());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer  "));
        assert!(bearer_token(&headers).is_err());

        assert!(!is_json(&headers));
        for (value, ok) in [
            ("application/json", true),
            ("Application/JSON; charset=utf-8", true),
            (" application/json ;charset=UTF-8", true),
            ("text/plain", false),
            ("application/jsonx", false),
            ("application/x-www-form-urlencoded", false),
        ] {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            assert_eq!(is_json(&headers), ok, "{value}");
        }
    }

    #[test]
    fn json_errors_are_classified() {
        let status = |body: &[u8]| {
            parse_json::<ExtendSessionRequest>(body)
                .err()
                .map(|reply| reply.status.as_u16())
        };
        assert_eq!(status(br#"{"extension_hours":1}"#), None);
        assert_eq!(status(br#"{"extension_hours":"#), Some(400));
        assert_eq!(status(b""), Some(400));
        assert_eq!(status(br#"{"extension_hours":1} x"#), Some(400));
        assert_eq!(status(br#"{}"#), Some(422));
        assert_eq!(status(br#"{"extension_hours":1.5}"#), Some(422));
        assert_eq!(status(br#"{"extension_hours":2147483648}"#), Some(422));
        assert_eq!(status(br#"{"extension_hours":"1"}"#), Some(422));
        assert_eq!(status(br#"[1]"#), Some(422));
        assert_eq!(status(br#"null"#), Some(422));
        assert_eq!(status(br#"{"extension_hours":null}"#), Some(422));
        assert_eq!(status(br#"{"extension_hours":1e2}"#), Some(422));
        // Duplicate keys are valid JSON; the last one wins.
        assert_eq!(
            status(br#"{"extension_hours":-1,"extension_hours":2}"#),
            None
        );
    }

    #[test]
    fn status_faults_clamp_and_keep_retry_after() {
        let response = status_fault(42, Some("bad\nvalue"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
        let response = status_fault(429, Some("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response
                .headers()
                .get(header::RETRY_AFTER)
                .map(|v| v.as_bytes()),
            Some(&b"Wed, 21 Oct 2015 07:28:00 GMT"[..])
        );
        let response = status_fault(204, None);
        assert!(response.body().is_end_stream());
    }

    #[test]
    fn oversized_bodies_have_the_exact_length() {
        for len in [0, 1, 2, 10, 40, 41, 42, 1_000_000] {
            let response = oversized(len);
            assert_eq!(response.body().size_hint().exact(), Some(len as u64));
        }
    }
}
