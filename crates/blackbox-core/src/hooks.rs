//! Hooks: code of yours that runs around every attempt.

use bytes::Bytes;

use crate::{BoxError, Error, RawResponse};

/// What a hook is told about the attempt it runs in.
#[derive(Clone, Copy, Debug)]
pub struct HookContext<'a> {
    pub(crate) operation_id: &'static str,
    pub(crate) attempt: u32,
    pub(crate) method: &'a http::Method,
    pub(crate) uri: &'a http::Uri,
}

impl HookContext<'_> {
    /// The operation's id from the API spec, e.g. `"get_session"`.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The attempt number, starting at 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The request method.
    pub fn method(&self) -> &http::Method {
        self.method
    }

    /// The request URI.
    pub fn uri(&self) -> &http::Uri {
        self.uri
    }
}

/// Code that runs around every attempt of every call; all methods default to
/// doing nothing. Hooks run in the order they were added.
///
/// Only [`before_request`](Self::before_request) may change anything (the request
/// about to be sent); the others observe. Hooks are synchronous and run on the
/// call's task, so keep them short.
///
/// ```
/// use blackbox_core::bytes::Bytes;
/// use blackbox_core::http::Request;
/// use blackbox_core::{BoxError, HookContext, Hooks};
///
/// #[derive(Debug)]
/// struct Tracing;
///
/// impl Hooks for Tracing {
///     fn before_request(
///         &self,
///         context: &HookContext<'_>,
///         request: &mut Request<Bytes>,
///     ) -> Result<(), BoxError> {
///         let id = format!("{}-{}", context.operation_id(), context.attempt());
///         request.headers_mut().insert("x-request-id", id.parse()?);
///         Ok(())
///     }
/// }
/// ```
pub trait Hooks: Send + Sync + std::fmt::Debug + 'static {
    /// Before each attempt is sent; may modify the request. An error stops the
    /// call with [`Error::Hook`] (nothing is sent).
    fn before_request(
        &self,
        context: &HookContext<'_>,
        request: &mut http::Request<Bytes>,
    ) -> Result<(), BoxError> {
        let _ = (context, request);
        Ok(())
    }

    /// After each attempt that produced a response (any status), before it is
    /// classified for retry.
    fn after_response(&self, context: &HookContext<'_>, response: &RawResponse) {
        let _ = (context, response);
    }

    /// After each attempt that failed (transport failure, timeout, or a
    /// non-success status turned into an error).
    fn after_error(&self, context: &HookContext<'_>, error: &Error) {
        let _ = (context, error);
    }
}
