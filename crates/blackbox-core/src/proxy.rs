//! HTTP(S) proxies: from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` or the builder.
//!
//! HTTPS targets go through an HTTP `CONNECT` tunnel (TLS stays end to end, and
//! proxy credentials ride in `Proxy-Authorization` on the `CONNECT` only);
//! plain-HTTP targets are sent to the proxy in absolute form. Proxies taken from
//! the environment never apply to loopback targets (a local sandbox or sidecar);
//! an explicit proxy applies to every target but those in its `no_proxy` list.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Uri;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use crate::server::is_loopback_host;
use crate::token::BoxFuture;
use crate::{BoxError, Error};

/// Where proxy settings come from.
#[derive(Clone, Default)]
pub(crate) enum ProxyMode {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (and lower-case forms).
    #[default]
    Environment,
    /// One proxy for every target, set on the builder.
    Explicit(String),
    /// No proxy at all.
    Disabled,
}

/// Proxy settings collected by the builder.
#[derive(Clone, Default)]
pub(crate) struct ProxySettings {
    pub(crate) mode: ProxyMode,
    pub(crate) no_proxy: Option<String>,
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A proxy URL may carry `user:password@`; show only that one is set.
        let mode = match &self.mode {
            ProxyMode::Environment => "environment",
            ProxyMode::Explicit(_) => "explicit (URL redacted)",
            ProxyMode::Disabled => "disabled",
        };
        f.debug_struct("ProxySettings")
            .field("mode", &mode)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// A TCP connector that goes through a proxy when the matcher says so.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    http: HttpConnector,
    matcher: Option<Arc<Matcher>>,
    bypass_loopback: bool,
}

impl ProxyConnector {
    pub(crate) fn new(http: HttpConnector, settings: &ProxySettings) -> Result<Self, Error> {
        let matcher = match &settings.mode {
            ProxyMode::Disabled => None,
            ProxyMode::Environment => Some(Matcher::from_env()),
            ProxyMode::Explicit(url) => {
                let uri: Uri = url.parse().map_err(|source| {
                    Error::invalid_request_with_source("proxy URL is not a valid URL", source)
                })?;
                if uri.scheme_str() != Some("http") || uri.host().is_none() {
                    return Err(Error::invalid_request(
                        "proxy URL must be http://[user:password@]host:port",
                    ));
                }
                let mut builder = Matcher::builder().all(url.clone());
                if let Some(no_proxy) = &settings.no_proxy {
                    builder = builder.no(no_proxy.clone());
                }
                Some(builder.build())
            }
        };
        Ok(Self {
            http,
            matcher: matcher.map(Arc::new),
            bypass_loopback: matches!(settings.mode, ProxyMode::Environment),
        })
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = ProxyStream;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<ProxyStream, BoxError>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.http.poll_ready(context).map_err(Into::into)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let intercept = match (&self.matcher, destination.host()) {
            (Some(matcher), Some(host)) if !(self.bypass_loopback && is_loopback_host(host)) => {
                matcher.intercept(&destination)
            }
            _ => None,
        };
        let mut http = self.http.clone();
        Box::pin(async move {
            let Some(intercept) = intercept else {
                let io = http.call(destination).await?;
                return Ok(ProxyStream { io, proxied: false });
            };
            if destination.scheme_str() == Some("https") {
                let mut tunnel = Tunnel::new(intercept.uri().clone(), http);
                if let Some(auth) = intercept.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                let io = tunnel.call(destination).await?;
                Ok(ProxyStream { io, proxied: false })
            } else {
                let io = http.call(intercept.uri().clone()).await?;
                // `proxied` makes hyper send the request line in absolute form.
                Ok(ProxyStream { io, proxied: true })
            }
        })
    }
}

/// A TCP stream, direct or to a proxy.
pub(crate) struct ProxyStream {
    io: TokioIo<TcpStream>,
    proxied: bool,
}

impl Connection for ProxyStream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.proxied)
    }
}

impl hyper::rt::Read for ProxyStream {
    fn poll_read(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(context, buffer)
    }
}

impl hyper::rt::Write for ProxyStream {
    fn poll_write(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(context, buffer)
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(context)
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(context)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(context, buffers)
    }
}
