//! Building answers: the JSON envelope of every reply, raw bodies, and the
//! conversion into a hyper response (whole, or split around scripted steps).

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Response, StatusCode};
use serde::Serialize;

use crate::body::{SandboxBody, Step};
use crate::models::Envelope;

const FALLBACK_ERROR: &[u8] = br#"{"success":false,"message":"internal error","data":null}"#;

/// A complete answer before it is turned into a response.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

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

    /// 200 with `data`.
    pub(crate) fn success<T: Serialize>(data: T) -> Reply {
        Reply::envelope(
            StatusCode::OK,
            &Envelope {
                success: true,
                message: None,
                data: Some(data),
            },
        )
    }

    /// 200 with a message and no `data`.
    pub(crate) fn done(message: &str) -> Reply {
        Reply::envelope::<()>(
            StatusCode::OK,
            &Envelope {
                success: true,
                message: Some(message.to_owned()),
                data: None,
            },
        )
    }

    /// The error envelope (`success: false`) with this status.
    pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Reply {
        Reply::envelope::<()>(
            status,
            &Envelope {
                success: false,
                message: Some(message.into()),
                data: None,
            },
        )
    }

    /// 401 with `WWW-Authenticate: Bearer`.
    pub(crate) fn unauthorized(message: &str) -> Reply {
        Reply::error(StatusCode::UNAUTHORIZED, message)
            .header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    /// 404 for an unknown id or another user's session.
    pub(crate) fn not_found() -> Reply {
        Reply::error(StatusCode::NOT_FOUND, "Session not found")
    }

    /// 200 with this content type and body, verbatim.
    pub(crate) fn raw(content_type: &'static str, body: &'static [u8]) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        Reply {
            status: StatusCode::OK,
            headers,
            body: Bytes::from_static(body),
        }
    }

    /// Adds (or replaces) a header.
    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Reply {
        self.headers.insert(name, value);
        self
    }

    /// The response, with the body sent in one piece.
    pub(crate) fn into_response(self) -> Response<SandboxBody> {
        let body = SandboxBody::full(self.body);
        build(self.status, self.headers, body)
    }

    /// The same answer with its body split in two halves around `middle`
    /// steps; `Content-Length` still announces the whole body.
    pub(crate) fn into_split_response(
        self,
        middle: Vec<Step>,
        rest: bool,
    ) -> Response<SandboxBody> {
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

/// A response from its parts.
pub(crate) fn build(
    status: StatusCode,
    headers: HeaderMap,
    body: SandboxBody,
) -> Response<SandboxBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// At most 100 characters of client-provided text, for error messages.
pub(crate) fn clip(text: &str) -> String {
    text.chars().take(100).collect()
}
