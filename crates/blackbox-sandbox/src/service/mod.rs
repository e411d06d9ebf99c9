//! The HTTP service of the sandbox: what happens to one request.
//!
//! [`handle`] routes it ([`routing`]), counts it, reads its body
//! ([`request_body`]) and records it in the request log, then either applies
//! the next scripted fault ([`fault_injection`]) or [`process`]es it: the checks
//! in their documented order — authentication ([`auth`]), content type and
//! body ([`request_body`]), path id — and then the operation itself
//! ([`handlers`]). Every answer is built as a [`reply::Reply`]; the state all
//! connections share lives in [`shared`].

mod auth;
mod fault_injection;
mod handlers;
mod reply;
mod request_body;
mod routing;
mod shared;

use std::sync::Arc;
use std::time::Instant;

use http::header::{self, HeaderMap, HeaderValue};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use uuid::Uuid;

pub(crate) use fault_injection::Unanswered;
pub(crate) use shared::Shared;

use crate::body::SandboxBody;
use crate::operation::Operation;
use crate::request_log::RecordedRequest;
use crate::server::ConnControl;
use reply::{Reply, clip};
use request_body::{ReceivedBody, is_json, receive_body};
use routing::{Route, route};

/// Serves one request: route, count, read the body, record, then apply the
/// next scripted fault or process normally.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    control: Arc<ConnControl>,
    request: Request<Incoming>,
) -> Result<Response<SandboxBody>, Unanswered> {
    shared.count_request();
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
        Route::Operation(op, id) => (op, id),
    };
    shared.count_operation(op);
    let received_at = (shared.clock.now(), Instant::now());

    let (parts, body) = request.into_parts();
    let body = receive_body(&parts.headers, body).await;
    if shared.requests.is_enabled() {
        let (at, instant) = received_at;
        let recorded = RecordedRequest::new(op, &parts, body.bytes.clone(), at, instant);
        shared.requests.record(recorded);
    }

    match shared.faults.next(op) {
        None => Ok(process(&shared, op, raw_id, &parts.headers, &body).into_response()),
        Some(fault) => {
            fault_injection::apply(fault, &shared, control, op, raw_id, &parts, &body).await
        }
    }
}

/// Normal processing, in the documented check order: auth (401), content
/// type (415), body size (413), path id (400), JSON (400/422), semantics.
fn process(
    shared: &Shared,
    op: Operation,
    raw_id: Option<&str>,
    headers: &HeaderMap,
    body: &ReceivedBody,
) -> Reply {
    let caller = match auth::authenticate(shared, headers) {
        Ok(caller) => caller,
        Err(reply) => return *reply,
    };
    let json: &[u8] = if op.has_json_body() {
        if !is_json(headers) {
            return Reply::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the request body must be sent with `Content-Type: application/json`",
            );
        }
        match body.whole() {
            Ok(bytes) => bytes,
            Err(reply) => return *reply,
        }
    } else {
        &[]
    };
    let session_id = match raw_id.map(Uuid::try_parse) {
        None => Uuid::nil(),
        Some(Ok(id)) => id,
        Some(Err(_)) => {
            let raw = raw_id.unwrap_or_default();
            return Reply::error(
                StatusCode::BAD_REQUEST,
                format!("session_id `{}` is not a UUID", clip(raw)),
            );
        }
    };
    handlers::execute(shared, op, caller, session_id, json)
}
