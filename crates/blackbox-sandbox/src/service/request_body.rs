//! Request bodies: bounded reading (413, 400, 408), the JSON content type
//! check and JSON decoding (400 for syntax, 422 for shape).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::StatusCode;
use http::header::{self, HeaderMap};
use http_body_util::BodyExt;
use hyper::body::{Body, Incoming};
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::reply::Reply;

/// Largest accepted request body: 64 KiB.
pub(crate) const MAX_REQUEST_BODY: usize = 64 * 1024;
/// Bound on reading a request body.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether the media type of `Content-Type` is `application/json`
/// (parameters such as `charset` allowed).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// A request body as far as the sandbox read it.
pub(crate) struct ReceivedBody {
    /// The bytes that arrived (at most [`MAX_REQUEST_BODY`]).
    pub(crate) bytes: Bytes,
    /// Why the body is incomplete, if it is.
    problem: Option<BodyProblem>,
}

/// Why a request body could not be read whole.
enum BodyProblem {
    /// Declared or found larger than [`MAX_REQUEST_BODY`].
    TooLarge,
    /// The connection failed mid-body (e.g. bad chunked encoding).
    Failed(hyper::Error),
    /// Not complete within [`BODY_READ_TIMEOUT`].
    TimedOut,
}

impl ReceivedBody {
    /// The whole body, or the answer for a body that could not be read:
    /// 413 (too large), 400 (broken) or 408 (timed out).
    pub(crate) fn whole(&self) -> Result<&Bytes, Box<Reply>> {
        let reply = match &self.problem {
            None => return Ok(&self.bytes),
            Some(BodyProblem::TooLarge) => Reply::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body exceeds {MAX_REQUEST_BODY} bytes"),
            ),
            Some(BodyProblem::Failed(e)) => Reply::error(
                StatusCode::BAD_REQUEST,
                format!("could not read the request body: {e}"),
            ),
            Some(BodyProblem::TimedOut) => Reply::error(
                StatusCode::REQUEST_TIMEOUT,
                "timed out reading the request body",
            ),
        };
        Err(Box::new(reply))
    }
}

/// Reads a request body of at most [`MAX_REQUEST_BODY`] bytes, within
/// [`BODY_READ_TIMEOUT`], keeping what arrived when it fails. A body whose
/// `Content-Length` announces more than the limit is not read at all.
pub(crate) async fn receive_body(headers: &HeaderMap, mut body: Incoming) -> ReceivedBody {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_REQUEST_BODY as u64) {
        return ReceivedBody {
            bytes: Bytes::new(),
            problem: Some(BodyProblem::TooLarge),
        };
    }
    if body.is_end_stream() {
        return ReceivedBody {
            bytes: Bytes::new(),
            problem: None,
        };
    }
    let mut buffer = BytesMut::new();
    let read = async {
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(BodyProblem::Failed)?.into_data() else {
                continue; // trailers
            };
            if buffer.len() + data.len() > MAX_REQUEST_BODY {
                let room = MAX_REQUEST_BODY - buffer.len();
                buffer.extend_from_slice(&data[..room]);
                return Err(BodyProblem::TooLarge);
            }
            buffer.extend_from_slice(&data);
        }
        Ok(())
    };
    let problem = match tokio::time::timeout(BODY_READ_TIMEOUT, read).await {
        Ok(Ok(())) => None,
        Ok(Err(problem)) => Some(problem),
        Err(_) => Some(BodyProblem::TimedOut),
    };
    ReceivedBody {
        bytes: buffer.freeze(),
        problem,
    }
}

/// Decodes a JSON request body: syntax errors are 400, anything that is
/// not an object of the expected shape is 422.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Box<Reply>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ExtendSessionRequest;
    use http::HeaderValue;

    #[test]
    fn content_type_parsing() {
        let mut headers = HeaderMap::new();
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
}
