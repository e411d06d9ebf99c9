//! Applying a scripted [`Fault`] to one request instead of (or while)
//! answering it normally.

use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::request::Parts;
use http::{Response, StatusCode, Version};

use super::process;
use super::reply::{Reply, build};
use super::request_body::ReceivedBody;
use super::shared::Shared;
use crate::body::{SandboxBody, Step};
use crate::faults::Fault;
use crate::operation::Operation;
use crate::server::{ConnControl, shutdown_requested};

/// Pause between the partial body and the failure of a mid-body fault, so
/// the partial body is flushed to the peer before the connection dies.
const FLUSH_PAUSE: Duration = Duration::from_millis(30);

/// The error the service returns to make hyper drop the request without an
/// answer (`Fault::ResetBeforeHeaders`, `Fault::CloseBeforeHeaders`, the end
/// of `Fault::Stall`): the HTTP/1.1 connection is closed (reset if the
/// connection control was aborted first), the HTTP/2 stream reset.
#[derive(Debug)]
pub(crate) struct Unanswered(&'static str);

impl fmt::Display for Unanswered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Error for Unanswered {}

/// Serves a request routed to `op`, whose body was already read, according
/// to `fault`.
pub(crate) async fn apply(
    fault: Fault,
    shared: &Shared,
    control: Arc<ConnControl>,
    op: Operation,
    raw_id: Option<&str>,
    parts: &Parts,
    body: &ReceivedBody,
) -> Result<Response<SandboxBody>, Unanswered> {
    let http1 = parts.version < Version::HTTP_2;
    let process = || process(shared, op, raw_id, &parts.headers, body);
    let response = match fault {
        Fault::Status {
            status,
            retry_after,
        } => status_fault(status, retry_after.as_deref()),
        Fault::DelayBeforeHeaders(delay) => {
            tokio::time::sleep(delay).await;
            process().into_response()
        }
        Fault::DelayMidBody(delay) => process().into_split_response(vec![Step::Pause(delay)], true),
        Fault::ResetBeforeHeaders => {
            if http1 {
                control.abort();
            }
            return Err(Unanswered(
                "injected fault: connection reset before headers",
            ));
        }
        Fault::ResetMidBody => {
            let kill = http1.then(|| Arc::clone(&control));
            process().into_split_response(vec![Step::Pause(FLUSH_PAUSE), Step::Fail(kill)], false)
        }
        Fault::TruncatedBody => {
            process().into_split_response(vec![Step::Pause(FLUSH_PAUSE), Step::Fail(None)], false)
        }
        Fault::CloseBeforeHeaders => {
            return Err(Unanswered(
                "injected fault: connection closed before headers",
            ));
        }
        Fault::Stall => {
            shutdown_requested(&mut shared.shutdown.clone()).await;
            return Err(Unanswered("injected fault: stalled until shutdown"));
        }
        Fault::StallMidBody => {
            process().into_split_response(vec![Step::Hang(shared.shutdown.clone())], false)
        }
        Fault::InvalidJson => Reply::raw("application/json", br#"{"success":tru"#).into_response(),
        Fault::WrongShapeJson => {
            Reply::raw("application/json", br#"{"success":"yes","data":[1]}"#).into_response()
        }
        Fault::OversizedBody(len) => oversized(len),
        Fault::WrongContentType => Reply::raw(
            "text/html; charset=utf-8",
            b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
              <body><h1>502 Bad Gateway</h1><p>injected fault</p></body></html>\n",
        )
        .into_response(),
        Fault::Raw {
            status,
            content_type,
            body,
        } => raw_fault(status, content_type.as_deref(), body),
    };
    Ok(response)
}

/// A valid status for an injected answer: `status` if it is in
/// 200..=599, else 500.
fn answer_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .ok()
        .filter(|s| (200..=599).contains(&s.as_u16()))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Whether answers with `status` must not carry a body.
fn is_bodiless(status: StatusCode) -> bool {
    status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED
}

/// Exactly this status (500 when outside 200..=599), `Content-Type` (left
/// out when `None` or not a valid header value) and body (none for 204
/// and 304).
fn raw_fault(status: u16, content_type: Option<&str>, body: Vec<u8>) -> Response<SandboxBody> {
    let status = answer_status(status);
    let mut headers = HeaderMap::new();
    if let Some(value) = content_type.and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let body = if is_bodiless(status) {
        SandboxBody::empty()
    } else {
        SandboxBody::full(body)
    };
    build(status, headers, body)
}

/// The error envelope with `status` (500 when outside 200..=599) and an
/// optional `Retry-After`.
fn status_fault(status: u16, retry_after: Option<&str>) -> Response<SandboxBody> {
    let status = answer_status(status);
    let mut reply = Reply::error(
        status,
        format!("injected fault: status {}", status.as_u16()),
    );
    if is_bodiless(status) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::body::Body;

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

    #[test]
    fn raw_faults_clamp_the_status_and_skip_bad_content_types() {
        let response = raw_fault(418, Some("text/plain"), b"teapot".to_vec());
        assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.as_bytes()),
            Some(&b"text/plain"[..])
        );
        assert_eq!(response.body().size_hint().exact(), Some(6));
        let response = raw_fault(1000, Some("bad\nvalue"), Vec::new());
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::CONTENT_TYPE).is_none());
        let response = raw_fault(304, None, b"dropped".to_vec());
        assert!(response.body().is_end_stream());
    }
}
