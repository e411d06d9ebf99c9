//! What an operation function hands to the core, and what it gets back.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

#[cfg(feature = "request-body")]
use crate::Error;
use crate::headers::DebugHeaders;

/// One operation's request, built by an operation function: method, path, body,
/// and the operation's id. Everything about *how* it is sent (server, auth,
/// headers, retries, timeouts) is the core's business.
///
/// ```
/// use blackbox_core::OperationRequest;
///
/// let request = OperationRequest::new(
///     "get_session_stats",
///     blackbox_core::http::Method::GET,
///     "/api/v0/sessions/stats",
/// );
/// assert_eq!(request.operation_id(), "get_session_stats");
/// ```
#[derive(Clone)]
pub struct OperationRequest {
    pub(crate) operation_id: &'static str,
    pub(crate) method: Method,
    pub(crate) path: Cow<'static, str>,
    pub(crate) body: Option<Bytes>,
    pub(crate) expects_json: bool,
    pub(crate) idempotent: Option<bool>,
}

impl OperationRequest {
    /// A request without a body that expects a JSON answer. `path` starts with `/`
    /// and is appended to the server URL's path prefix.
    pub fn new(
        operation_id: &'static str,
        method: Method,
        path: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            operation_id,
            method,
            path: path.into(),
            body: None,
            expects_json: true,
            idempotent: None,
        }
    }

    /// Whether sending the request twice has the same effect as sending it
    /// once. It decides whether a failure after which the request may have
    /// reached the server is retried. Default: the method's (`GET`, `PUT`,
    /// `DELETE` yes; `POST` no); an operation whose `POST` is idempotent in
    /// effect (cleaning up, say) says so here.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Sets a JSON body (compact, as serde_json writes it); the call then sends
    /// `Content-Type: application/json`. Needs the `request-body` feature.
    #[cfg(feature = "request-body")]
    #[cfg_attr(docsrs, doc(cfg(feature = "request-body")))]
    pub fn json_body<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|source| {
            Error::invalid_request_with_source("request body cannot be encoded as JSON", source)
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    /// Whether the operation answers with JSON (`Accept: application/json`) or
    /// with no body to speak of (`Accept: */*`).
    pub fn expects_json(mut self, expects_json: bool) -> Self {
        self.expects_json = expects_json;
        self
    }

    /// The operation's id from the API spec.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The operation path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The encoded body, if any.
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }
}

impl fmt::Debug for OperationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body is not shown: request bodies may carry values the caller
        // considers private; its length is enough to debug.
        f.debug_struct("OperationRequest")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("expects_json", &self.expects_json)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

/// A complete answer: status, headers and the body, read up to the body limit.
#[derive(Clone)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) version: http::Version,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The attempt's credentials by value, to hide echoes of them in what is
    /// made of this answer (an `Arc` clone: free on the success path).
    pub(crate) secrets: std::sync::Arc<crate::secret::Secrets>,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The HTTP version the answer came over (HTTP/2 when negotiated by ALPN).
    pub fn version(&self) -> http::Version {
        self.version
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body. It may hold session tokens: treat it as secret.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("version", &self.version)
            .field("headers", &DebugHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The operation id of a request handed to a custom
/// [`HttpClient`](crate::HttpClient), as a request extension (read it with
/// `request.extensions().get::<OperationId>()`). The default transport's
/// requests do not carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OperationId(pub(crate) &'static str);

impl OperationId {
    /// The operation's id from the API spec (`get_session`, ...).
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}
