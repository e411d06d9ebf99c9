//! The default transport: hyper-util's pooled client, over hyper-rustls when TLS
//! is compiled in.

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::time::Instant;
use tower_service::Service;

use crate::transport::{ResponseBody, TransportError, find_cause};
use crate::{BoxError, Error};

#[cfg(feature = "proxy")]
type BaseConnector = crate::proxy::ProxyConnector;
#[cfg(not(feature = "proxy"))]
type BaseConnector = HttpConnector;

#[cfg(feature = "rustls")]
type StackConnector = hyper_rustls::HttpsConnector<BaseConnector>;
#[cfg(not(feature = "rustls"))]
type StackConnector = BaseConnector;

/// The proxy routes the client keeps beside its connector (nothing without
/// the `proxy` feature).
#[cfg(feature = "proxy")]
type ProxyRoutesHandle = Option<std::sync::Arc<crate::proxy::ProxyRoutes>>;
#[cfg(not(feature = "proxy"))]
type ProxyRoutesHandle = ();

/// The whole connector stack under one set-up deadline.
type Connector = SetupTimeout<StackConnector>;

/// The request body type of the pooled client. Bodiless-only builds use
/// `Empty`: hyper then compiles no body-writing code (about 11 KiB).
#[cfg(feature = "request-body")]
type RequestBody = http_body_util::Full<Bytes>;
#[cfg(not(feature = "request-body"))]
type RequestBody = http_body_util::Empty<Bytes>;

/// How long an idle pooled connection is kept by default: 4 s, below the
/// keep-alive timeout of the common servers (Apache httpd and Node.js 5 s,
/// AWS ALB 60 s, nginx 75 s), so that the client, not the server, closes an
/// idle connection — a server that closes one just as the client reuses it
/// makes a POST on it fail as "may have reached the server". undici (Node's
/// HTTP client) chose 4 s for the same reason. `BlackboxCoreBuilder::pool_idle_timeout`
/// says more.
pub(crate) const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// Settings of the default transport, collected by the builder.
#[derive(Clone, Debug)]
pub(crate) struct HyperSettings {
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) pool_idle_timeout: Option<Duration>,
    pub(crate) pool_max_idle_per_host: usize,
    #[cfg(all(feature = "http2", feature = "rustls"))]
    pub(crate) http1_only: bool,
    #[cfg(feature = "rustls")]
    pub(crate) tls: crate::tls::TlsSettings,
    #[cfg(feature = "proxy")]
    pub(crate) proxy: crate::proxy::ProxySettings,
}

impl Default for HyperSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Some(Duration::from_secs(10)),
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            #[cfg(all(feature = "http2", feature = "rustls"))]
            http1_only: false,
            #[cfg(feature = "rustls")]
            tls: crate::tls::TlsSettings::default(),
            #[cfg(feature = "proxy")]
            proxy: crate::proxy::ProxySettings::default(),
        }
    }
}

/// hyper-util's pooled client with the SDK's connector.
#[derive(Clone)]
pub(crate) struct HyperClient {
    client: Client<Connector, RequestBody>,
    /// Kept to say how long a connect timeout was.
    connect_timeout: Option<Duration>,
    /// The proxy decisions the connector makes too, for the headers a
    /// proxied request carries and for the cleartext guard.
    #[cfg(feature = "proxy")]
    proxy: ProxyRoutesHandle,
}

impl std::fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HyperClient")
    }
}

impl HyperClient {
    pub(crate) fn new(settings: &HyperSettings) -> Result<Self, Error> {
        let mut http = HttpConnector::new();
        // hyper-util's defaults are made for generality, not for an API client:
        // Nagle on, and only http:// allowed (TLS wraps it). The connect timeout
        // is not set here: `SetupTimeout` bounds TCP, proxy CONNECT and TLS together.
        http.set_nodelay(true);
        http.enforce_http(false);

        #[cfg(feature = "proxy")]
        let proxy = crate::proxy::ProxyRoutes::new(&settings.proxy)?.map(std::sync::Arc::new);
        #[cfg(feature = "proxy")]
        let base = crate::proxy::ProxyConnector::new(http, proxy.clone());
        #[cfg(not(feature = "proxy"))]
        let (base, proxy) = (http, ());

        #[cfg(feature = "rustls")]
        let connector = {
            let config = crate::tls::client_config(&settings.tls)?;
            let builder = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(config)
                .https_or_http()
                .enable_http1();
            // ALPN must offer exactly the HTTP versions compiled in.
            #[cfg(feature = "http2")]
            if !settings.http1_only {
                return Ok(Self::from_connector(
                    settings,
                    builder.enable_http2().wrap_connector(base),
                    proxy,
                ));
            }
            builder.wrap_connector(base)
        };
        #[cfg(not(feature = "rustls"))]
        let connector = base;
        Ok(Self::from_connector(settings, connector, proxy))
    }

    fn from_connector(
        settings: &HyperSettings,
        connector: StackConnector,
        #[cfg_attr(not(feature = "proxy"), allow(unused_variables))] proxy: ProxyRoutesHandle,
    ) -> Self {
        let connector = SetupTimeout {
            inner: connector,
            timeout: settings.connect_timeout,
        };
        let mut builder = Client::builder(TokioExecutor::new());
        // Without a pool timer the idle timeout never fires.
        builder
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(settings.pool_idle_timeout)
            .pool_max_idle_per_host(settings.pool_max_idle_per_host);
        // Until the server's first SETTINGS arrive, open at most two HTTP/2
        // streams, not hyper's 100: a server allowing fewer would refuse the
        // rest. h2 lifts the limit to the server's (or removes it) with those
        // SETTINGS, which every server sends first, so only a new
        // connection's first burst waits, for at most one round trip. Not
        // one: at a limit of one, the first request of every connection would
        // wait in hyper's pending-open slot, whose answer hyper drops when
        // the connection ends right after (RELIABILITY.md).
        #[cfg(feature = "http2")]
        builder.http2_initial_max_send_streams(2);
        Self {
            client: builder.build(connector),
            connect_timeout: settings.connect_timeout,
            #[cfg(feature = "proxy")]
            proxy,
        }
    }

    /// Whether a plain-HTTP request to `uri` goes to a proxy on another host
    /// than loopback: its bytes then cross the network in clear text even
    /// when the target itself is loopback.
    /// (Only a proxy can, so it exists only with the `proxy` feature.)
    #[cfg(feature = "proxy")]
    pub(crate) fn sends_plain_http_off_host(&self, uri: &Uri) -> bool {
        self.proxy
            .as_ref()
            .is_some_and(|proxy| proxy.sends_plain_http_off_host(uri))
    }

    /// The connect timeout this client was built with.
    pub(crate) fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// Sends a request. `deadline` is when the attempt ends: connecting stops
    /// there too, so that an attempt that runs out while connecting reports a
    /// connect timeout (never sent), not an attempt timeout (maybe sent).
    pub(crate) async fn send(
        &self,
        #[cfg_attr(not(feature = "proxy"), allow(unused_mut))] mut request: http::Request<Bytes>,
        deadline: Option<Instant>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        // A plain-HTTP request through a proxy goes in absolute form and must
        // carry the proxy's credentials itself (an HTTPS one is tunnelled,
        // and the `CONNECT` carries them). Added here, below the hooks and the
        // debug log, so that neither sees them; a `Proxy-Authorization` the
        // caller set is kept.
        #[cfg(feature = "proxy")]
        if let Some(proxy) = &self.proxy
            && let Some(value) = proxy.absolute_form_authorization(request.uri())
        {
            request
                .headers_mut()
                .entry(http::header::PROXY_AUTHORIZATION)
                .or_insert(value);
        }
        let has_body = !request.body().is_empty();
        // Without `request-body` the attempt has already refused a non-empty body.
        #[cfg(feature = "request-body")]
        let request = request.map(RequestBody::new);
        #[cfg(not(feature = "request-body"))]
        let request = request.map(|_| RequestBody::new());
        let sent = WithAttemptDeadline {
            deadline: Some(deadline),
            inner: self.client.request(request),
        };
        match sent.await {
            Ok(response) => Ok(response.map(ResponseBody::from_hyper)),
            Err(error) => Err(classify(error, has_body)),
        }
    }
}

thread_local! {
    /// The deadline of the attempt being polled on this thread, for the
    /// connector: hyper-util calls it from inside the request's own poll.
    static ATTEMPT_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Makes the attempt's deadline visible to the connector during the request
/// future's first poll — where hyper-util starts the checkout and the connect
/// together — and only then (a connect that outlives the request in the
/// background keeps the deadline it started with; later polls pay nothing).
struct WithAttemptDeadline<F> {
    /// `Some` until the first poll.
    deadline: Option<Option<Instant>>,
    inner: F,
}

impl<F: Future + Unpin> Future for WithAttemptDeadline<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<F::Output> {
        let Some(deadline) = self.deadline.take() else {
            return Pin::new(&mut self.inner).poll(context);
        };
        let previous = ATTEMPT_DEADLINE.replace(deadline);
        let result = Pin::new(&mut self.inner).poll(context);
        ATTEMPT_DEADLINE.set(previous);
        result
    }
}

/// A connector bounding the whole connection set-up — TCP, proxy `CONNECT`,
/// TLS handshake — by the connect timeout, and by the end of the attempt that
/// asked for the connection, whichever comes first. Either way the failure is
/// a connect timeout: nothing of the request was written.
#[derive(Clone)]
pub(crate) struct SetupTimeout<C> {
    inner: C,
    timeout: Option<Duration>,
}

/// The cause inside a set-up timeout's `io::Error`, with the time allowed.
pub(crate) struct SetupTimedOut {
    pub(crate) allowed: Duration,
}

// Written out rather than derived: the same output, without the derive's
// extra helper (`debug_struct_field1_finish`) in every binary.
impl std::fmt::Debug for SetupTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupTimedOut")
            .field("allowed", &self.allowed)
            .finish()
    }
}

impl std::fmt::Display for SetupTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "connection set-up did not finish within {:?}",
            self.allowed
        )
    }
}

impl std::error::Error for SetupTimedOut {}

impl<C> Service<Uri> for SetupTimeout<C>
where
    C: Service<Uri>,
    C::Error: Into<BoxError>,
    C::Future: Unpin,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = SetupFuture<C::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(context).map_err(Into::into)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let started = Instant::now();
        let deadline = match (self.timeout, ATTEMPT_DEADLINE.get()) {
            (Some(timeout), Some(attempt)) => Some((started + timeout).min(attempt)),
            (Some(timeout), None) => Some(started + timeout),
            (None, attempt) => attempt,
        };
        SetupFuture {
            connecting: self.inner.call(destination),
            timer: deadline.map(|deadline| Box::pin(tokio::time::sleep_until(deadline))),
            started,
        }
    }
}

/// A connection being set up, failing as a set-up timeout when its deadline
/// (if any) passes first. Written out rather than as an `async` block over
/// `tokio::time::timeout_at`: the same behaviour in less code.
pub(crate) struct SetupFuture<F> {
    connecting: F,
    /// The deadline's timer; `None` when there is no deadline.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    started: Instant,
}

impl<F, T, E> Future for SetupFuture<F>
where
    F: Future<Output = Result<T, E>> + Unpin,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Poll::Ready(connected) = Pin::new(&mut this.connecting).poll(context) {
            return Poll::Ready(connected.map_err(Into::into));
        }
        if let Some(timer) = &mut this.timer
            && timer.as_mut().poll(context).is_ready()
        {
            return Poll::Ready(Err(set_up_timed_out(timer.deadline(), this.started)));
        }
        Poll::Pending
    }
}

/// The error of a set-up that ran out of time.
fn set_up_timed_out(deadline: Instant, started: Instant) -> BoxError {
    Box::new(io::Error::new(
        io::ErrorKind::TimedOut,
        SetupTimedOut {
            allowed: deadline.saturating_duration_since(started),
        },
    ))
}

/// Sorts hyper-util's error by how far the request got. `is_connect()` means the
/// connector failed, so nothing was written; TLS failures happen inside the
/// connector too, and are told apart by the rustls error in the chain.
/// hyper-util's `Canceled` kind means the request was handed back unsent (the
/// connection closed before any byte of it was written); hyper-util shows its
/// kind only in `Display`, so that is what is read.
///
/// An HTTP/2 stream the server reset with `REFUSED_STREAM` was not processed
/// (RFC 9113 §8.7), so it counts as never sent too; so does a request with a
/// body whose stream failed with the server's GOAWAY (see
/// `transport::is_remote_go_away`).
fn classify(error: hyper_util::client::legacy::Error, has_body: bool) -> TransportError {
    if !error.is_connect() {
        if displays_as(&error, "client error (Canceled)") {
            return TransportError::connect(error);
        }
        #[cfg(feature = "http2")]
        if let Some(h2) = find_cause::<h2::Error>(&error)
            && (crate::transport::is_refused_stream(h2)
                || (has_body && crate::transport::is_remote_go_away(h2)))
        {
            return TransportError::connect(error);
        }
        let _ = has_body;
        return TransportError::other(error);
    }
    #[cfg(feature = "rustls")]
    if find_cause::<rustls::Error>(&error).is_some() {
        return TransportError::tls(error);
    }
    let timed_out = find_cause::<std::io::Error>(&error)
        .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
    if timed_out {
        TransportError::connect_timeout(error)
    } else {
        TransportError::connect(error)
    }
}

/// Whether `value`'s `Display` is exactly `expected`: compared piece by piece
/// as it is written, without building the text (no allocation, and less code
/// than `to_string()` with its buffer and its panic path).
fn displays_as(value: &dyn std::fmt::Display, expected: &str) -> bool {
    struct Rest<'a>(&'a str);

    impl std::fmt::Write for Rest<'_> {
        fn write_str(&mut self, piece: &str) -> std::fmt::Result {
            match self.0.strip_prefix(piece) {
                Some(rest) => {
                    self.0 = rest;
                    Ok(())
                }
                None => Err(std::fmt::Error),
            }
        }
    }

    let mut rest = Rest(expected);
    std::fmt::write(&mut rest, format_args!("{value}")).is_ok() && rest.0.is_empty()
}
