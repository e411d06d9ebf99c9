//! The default transport: hyper-util's pooled client, over hyper-rustls when TLS
//! is compiled in.

use std::time::Duration;

use bytes::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::Error;
use crate::transport::{ResponseBody, TransportError, find_cause};

#[cfg(feature = "proxy")]
type BaseConnector = crate::proxy::ProxyConnector;
#[cfg(not(feature = "proxy"))]
type BaseConnector = HttpConnector;

#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<BaseConnector>;
#[cfg(not(feature = "rustls"))]
type Connector = BaseConnector;

/// The request body type of the pooled client. Bodiless-only builds use
/// `Empty`: hyper then compiles no body-writing code (about 11 KiB).
#[cfg(feature = "request-body")]
type RequestBody = http_body_util::Full<Bytes>;
#[cfg(not(feature = "request-body"))]
type RequestBody = http_body_util::Empty<Bytes>;

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
            pool_idle_timeout: Some(Duration::from_secs(90)),
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
        // no connect timeout, Nagle on, and only http:// allowed (TLS wraps it).
        http.set_connect_timeout(settings.connect_timeout);
        http.set_nodelay(true);
        http.enforce_http(false);

        #[cfg(feature = "proxy")]
        let base = crate::proxy::ProxyConnector::new(http, &settings.proxy)?;
        #[cfg(not(feature = "proxy"))]
        let base = http;

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
                ));
            }
            builder.wrap_connector(base)
        };
        #[cfg(not(feature = "rustls"))]
        let connector = base;
        Ok(Self::from_connector(settings, connector))
    }

    fn from_connector(settings: &HyperSettings, connector: Connector) -> Self {
        let mut builder = Client::builder(TokioExecutor::new());
        // Without a pool timer the idle timeout never fires.
        builder
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(settings.pool_idle_timeout)
            .pool_max_idle_per_host(settings.pool_max_idle_per_host);
        Self {
            client: builder.build(connector),
            connect_timeout: settings.connect_timeout,
        }
    }

    /// The connect timeout this client was built with.
    pub(crate) fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    pub(crate) async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        // Without `request-body` the attempt has already refused a non-empty body.
        #[cfg(feature = "request-body")]
        let request = request.map(RequestBody::new);
        #[cfg(not(feature = "request-body"))]
        let request = request.map(|_| RequestBody::new());
        match self.client.request(request).await {
            Ok(response) => Ok(response.map(ResponseBody::from_hyper)),
            Err(error) => Err(classify(error)),
        }
    }
}

/// Sorts hyper-util's error by how far the request got. `is_connect()` means the
/// connector failed, so nothing was written; TLS failures happen inside the
/// connector too, and are told apart by the rustls error in the chain.
fn classify(error: hyper_util::client::legacy::Error) -> TransportError {
    if !error.is_connect() {
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
