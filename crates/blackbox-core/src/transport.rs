//! The transport seam: the [`HttpClient`] trait, response bodies, transport errors.

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

use crate::BoxError;
use crate::token::BoxFuture;

/// Sends one HTTP request and returns the response with a streaming body.
///
/// The default transport is hyper-util's pooled client over hyper-rustls; plug in
/// your own (a test double, a different stack, a sidecar tunnel) with
/// [`BlackboxCoreBuilder::http_client`](crate::BlackboxCoreBuilder::http_client).
/// Retries, timeouts, headers, body limits and hooks stay in the core, so an
/// implementation only moves bytes. The request URI is absolute.
///
/// Report failures with the [`TransportError`] constructor that says how far the
/// request got: that decides whether a POST may be retried.
pub trait HttpClient: Send + Sync + fmt::Debug + 'static {
    /// Sends `request` and resolves once the response headers have arrived.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, TransportError>>;
}

/// A response body being received.
pub struct ResponseBody {
    inner: BodyInner,
}

enum BodyInner {
    Hyper(hyper::body::Incoming),
    Full(Option<Bytes>),
    Boxed(Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send + 'static>>),
}

impl ResponseBody {
    /// A body that is already complete.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            inner: BodyInner::Full(Some(bytes.into())),
        }
    }

    /// An empty body.
    pub fn empty() -> Self {
        Self {
            inner: BodyInner::Full(None),
        }
    }

    /// A streaming body of any [`http_body::Body`] implementation.
    pub fn from_body<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self {
            inner: BodyInner::Boxed(Box::pin(body.map_err(Into::into))),
        }
    }

    pub(crate) fn from_hyper(body: hyper::body::Incoming) -> Self {
        Self {
            inner: BodyInner::Hyper(body),
        }
    }

    /// The exact length, when the transport knows it (e.g. from `Content-Length`).
    fn exact_length(&self) -> Option<u64> {
        use http_body::Body;
        match &self.inner {
            BodyInner::Hyper(body) => body.size_hint().exact(),
            BodyInner::Full(bytes) => Some(bytes.as_ref().map_or(0, |bytes| bytes.len() as u64)),
            BodyInner::Boxed(body) => body.size_hint().exact(),
        }
    }

    /// The next chunk of data; trailers are skipped.
    async fn next_chunk(&mut self) -> Option<Result<Bytes, BoxError>> {
        loop {
            let frame = match &mut self.inner {
                BodyInner::Full(bytes) => return bytes.take().map(Ok),
                BodyInner::Hyper(body) => body.frame().await?.map_err(BoxError::from),
                BodyInner::Boxed(body) => body.frame().await?,
            };
            match frame {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        return Some(Ok(data));
                    }
                }
                Err(error) => return Some(Err(error)),
            }
        }
    }

    /// Reads the whole body, failing as soon as it would exceed `limit` bytes, so
    /// an oversized answer costs at most `limit` bytes of memory.
    pub(crate) async fn collect_limited(mut self, limit: usize) -> Result<Bytes, CollectError> {
        let size_hint = self.exact_length();
        if size_hint.is_some_and(|declared| declared > limit as u64) {
            return Err(CollectError::TooLarge);
        }
        // An error after exactly the declared length has arrived does not
        // lose the answer: h2 (0.4.20, `State::recv_eof`/`handle_error`) turns
        // a stream whose response had ended, but whose request body was still
        // being sent, into an error when the connection then closes (a server
        // that answered early, then went away), and that error is what the
        // body yields after the buffered data. h2 checks DATA against
        // `Content-Length`, so the whole body is provably in hand.
        let complete = |received: usize| size_hint == Some(received as u64);
        // The common case is one chunk: keep it without copying.
        let Some(first) = self.next_chunk().await else {
            return Ok(Bytes::new());
        };
        let first = match first {
            Ok(first) => first,
            Err(_) if complete(0) => return Ok(Bytes::new()),
            Err(error) => return Err(CollectError::Transport(error)),
        };
        if first.len() > limit {
            return Err(CollectError::TooLarge);
        }
        let Some(second) = self.next_chunk().await else {
            return Ok(first);
        };
        let second = match second {
            Ok(second) => second,
            Err(_) if complete(first.len()) => return Ok(first),
            Err(error) => return Err(CollectError::Transport(error)),
        };
        let capacity = size_hint
            .and_then(|hint| usize::try_from(hint).ok())
            .unwrap_or(first.len() + second.len())
            .min(limit);
        let mut buffer = BytesMut::with_capacity(capacity);
        buffer.extend_from_slice(&first);
        let mut next = Some(Ok(second));
        while let Some(chunk) = next {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(_) if complete(buffer.len()) => break,
                Err(error) => return Err(CollectError::Transport(error)),
            };
            if buffer.len() + chunk.len() > limit {
                return Err(CollectError::TooLarge);
            }
            buffer.extend_from_slice(&chunk);
            next = self.next_chunk().await;
        }
        Ok(buffer.freeze())
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.inner {
            BodyInner::Hyper(_) => "streaming",
            BodyInner::Full(_) => "complete",
            BodyInner::Boxed(_) => "custom",
        };
        f.debug_struct("ResponseBody").field("kind", &kind).finish()
    }
}

pub(crate) enum CollectError {
    TooLarge,
    Transport(BoxError),
}

/// How far a failed request got, as reported by an [`HttpClient`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was made; nothing was sent.
    Connect,
    /// Connecting took longer than the connect timeout; nothing was sent.
    ConnectTimeout,
    /// The TLS handshake failed; nothing of the request was sent.
    Tls,
    /// The request may have been (partly) sent: reset, early close, protocol error.
    Other,
}

/// A failure of the transport, with how far the request got.
pub struct TransportError {
    kind: TransportErrorKind,
    budget_exhausted: bool,
    source: BoxError,
}

impl TransportError {
    /// The connection could not be made; the request was never sent.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Connect, source)
    }

    /// Connecting timed out; the request was never sent.
    pub fn connect_timeout(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::ConnectTimeout, source)
    }

    /// The TLS handshake failed; the request was never sent.
    pub fn tls(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Tls, source)
    }

    /// Anything after the request may have started to be sent.
    pub fn other(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Other, source)
    }

    fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            budget_exhausted: false,
            source: source.into(),
        }
    }

    pub(crate) fn budget_exhausted(&self) -> bool {
        self.budget_exhausted
    }

    pub(crate) fn set_budget_exhausted(&mut self) {
        self.budget_exhausted = true;
    }

    pub(crate) fn write_budget_note(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.budget_exhausted {
            f.write_str(crate::error::BUDGET_NOTE)?;
        }
        Ok(())
    }

    /// An error of type `T` among the causes, as [`find_cause`] finds it.
    /// It starts below this error, which is no `T` itself: so that no code
    /// for `TransportError` as a `dyn Error` is needed just to search.
    pub(crate) fn find_cause<T: StdError + 'static>(&self) -> Option<&T> {
        find_cause::<T>(self.source.as_ref())
    }

    /// How far the request got.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the server refused the request's HTTP/2 stream
    /// (`REFUSED_STREAM`): not processed, so never sent in effect.
    pub(crate) fn refused_stream(&self) -> bool {
        #[cfg(feature = "http2")]
        if self.kind == TransportErrorKind::Connect {
            return find_cause::<h2::Error>(self.source.as_ref()).is_some_and(is_refused_stream);
        }
        false
    }

    /// Whether the server's HTTP/2 `GOAWAY` cut the request off before the
    /// server had it whole (a never-sent error holding a remote GOAWAY).
    pub(crate) fn went_away(&self) -> bool {
        #[cfg(feature = "http2")]
        if self.kind == TransportErrorKind::Connect {
            return find_cause::<h2::Error>(self.source.as_ref()).is_some_and(is_remote_go_away);
        }
        false
    }

    /// The status with which a proxy refused the `CONNECT` tunnel, when that
    /// is why no connection was made.
    pub(crate) fn proxy_refusal(&self) -> Option<http::StatusCode> {
        #[cfg(feature = "proxy")]
        if self.kind == TransportErrorKind::Connect {
            return find_cause::<crate::proxy::ProxyRefused>(self.source.as_ref())
                .map(|refused| refused.status);
        }
        None
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("budget_exhausted", &self.budget_exhausted)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self.kind {
            TransportErrorKind::Connect => "connect failed",
            TransportErrorKind::ConnectTimeout => "connect timed out",
            TransportErrorKind::Tls => "TLS handshake failed",
            TransportErrorKind::Other => "transport failed",
        };
        f.write_str(text)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}

/// Whether an HTTP/2 error is the server's `RST_STREAM(REFUSED_STREAM)`:
/// "the stream was closed before any processing" (RFC 9113 §8.7), so the
/// request can be sent again whatever its method. Only the server's own reset
/// counts; one that h2 generated locally says nothing about the server.
#[cfg(feature = "http2")]
pub(crate) fn is_refused_stream(error: &h2::Error) -> bool {
    error.is_reset() && error.is_remote() && error.reason() == Some(h2::Reason::REFUSED_STREAM)
}

/// Whether an HTTP/2 error is the server's `GOAWAY`, as a request's stream
/// receives it. With h2 0.4 under hyper 1 such a stream was either above the
/// `GOAWAY`'s last stream id — "not processed" (RFC 9113 §6.8) — or never
/// sent, or created as the `GOAWAY` arrived, when hyper drops it before
/// writing its body (`ClientTask::poll`: `poll_ready` fails after
/// `send_request`). A stream the server may have processed ends otherwise
/// (its answer, or a broken pipe when the connection drops). So a request
/// *with a body* that fails this way never reached the server whole; a
/// bodiless one may have (the last case sends its whole head), and is not
/// counted. `tests/http2_goaway.rs` checks this against a server.
#[cfg(feature = "http2")]
pub(crate) fn is_remote_go_away(error: &h2::Error) -> bool {
    error.is_go_away() && error.is_remote()
}

/// Finds an error of type `T` in a cause chain, looking inside `io::Error`s too
/// (whose `source()` skips the error they wrap, which is where TLS errors sit).
pub(crate) fn find_cause<'a, T: StdError + 'static>(
    error: &'a (dyn StdError + 'static),
) -> Option<&'a T> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(found) = find_cause::<T>(inner)
        {
            return Some(found);
        }
        current = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(body: ResponseBody, limit: usize) -> Result<Bytes, CollectError> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(body.collect_limited(limit))
    }

    /// A body that declares its length but has not sent it.
    struct Declared(u64);

    impl http_body::Body for Declared {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            std::task::Poll::Ready(None)
        }

        fn size_hint(&self) -> http_body::SizeHint {
            http_body::SizeHint::with_exact(self.0)
        }
    }

    #[test]
    fn collects_under_the_limit_and_refuses_over_it() {
        let body = ResponseBody::from_bytes("hello");
        assert_eq!(collect(body, 5).ok(), Some(Bytes::from("hello")));
        assert!(matches!(
            collect(ResponseBody::from_bytes("hello!"), 5),
            Err(CollectError::TooLarge)
        ));
        // A declared length over the limit fails before anything is read.
        assert!(matches!(
            collect(ResponseBody::from_body(Declared(6)), 5),
            Err(CollectError::TooLarge)
        ));
        assert_eq!(
            collect(ResponseBody::from_body(Declared(5)), 5).ok(),
            Some(Bytes::new())
        );
        assert_eq!(collect(ResponseBody::empty(), 0).ok(), Some(Bytes::new()));
    }

    /// A body that yields its data, then an error (a connection closed after
    /// the answer), declaring `declared` bytes.
    struct DataThenError {
        data: Option<Bytes>,
        declared: Option<u64>,
    }

    impl http_body::Body for DataThenError {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            std::task::Poll::Ready(Some(match self.data.take() {
                Some(data) => Ok(http_body::Frame::data(data)),
                None => Err(std::io::ErrorKind::BrokenPipe.into()),
            }))
        }

        fn size_hint(&self) -> http_body::SizeHint {
            self.declared
                .map_or_else(http_body::SizeHint::new, http_body::SizeHint::with_exact)
        }
    }

    #[test]
    fn an_error_after_the_declared_length_keeps_the_body() {
        let body = |declared| {
            ResponseBody::from_body(DataThenError {
                data: Some(Bytes::from_static(b"hello")),
                declared,
            })
        };
        assert_eq!(collect(body(Some(5)), 100).ok(), Some(Bytes::from("hello")));
        // Short of the declared length, or with none declared: an error.
        assert!(matches!(
            collect(body(Some(6)), 100),
            Err(CollectError::Transport(_))
        ));
        assert!(matches!(
            collect(body(None), 100),
            Err(CollectError::Transport(_))
        ));
    }

    #[test]
    fn finds_causes_inside_io_errors() {
        #[derive(Debug)]
        struct Marker;
        impl fmt::Display for Marker {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("marker")
            }
        }
        impl StdError for Marker {}
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, Marker);
        let outer = TransportError::other(io);
        assert!(find_cause::<Marker>(&outer).is_some());
        assert!(find_cause::<std::fmt::Error>(&outer).is_none());
    }
}
