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

use crate::secret::Secrets;
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

/// Adds the passwords of the proxies this client may use — the explicit one,
/// or those of the environment — to the values hidden from everything the SDK
/// prints: the password, `user:password`, and the `Basic` credentials a proxy
/// receives (base64 of `user:password`), as written and percent-decoded.
pub(crate) fn add_credentials(settings: &ProxySettings, secrets: &mut Secrets) {
    let urls: Vec<String> = match &settings.mode {
        ProxyMode::Disabled => Vec::new(),
        ProxyMode::Explicit(url) => vec![url.clone()],
        ProxyMode::Environment => [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .collect(),
    };
    for url in urls {
        let Some(user_info) = url
            .split_once("://")
            .map_or(url.as_str(), |(_, rest)| rest)
            .split(['/', '?', '#'])
            .next()
            .and_then(|authority| authority.rsplit_once('@'))
            .map(|(user_info, _)| user_info)
        else {
            continue;
        };
        for form in [user_info.to_owned(), percent_decode(user_info)] {
            if let Some((_, password)) = form.split_once(':') {
                secrets.add(password);
            }
            secrets.add(&form);
            secrets.add(&base64(form.as_bytes()));
        }
    }
}

/// `%XX` escapes decoded (invalid ones kept as written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Standard base64 with padding, as in `Proxy-Authorization: Basic …`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let triple = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for position in 0..4 {
            if position <= chunk.len() {
                let index = (triple >> (18 - 6 * position)) & 0x3f;
                encoded.push(char::from(ALPHABET[index as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
    }

    #[test]
    fn proxy_passwords_are_secrets_in_every_form() {
        let settings = ProxySettings {
            mode: ProxyMode::Explicit("http://alice:s3cr%40t-pw@proxy.example:3128".into()),
            no_proxy: None,
        };
        let mut secrets = Secrets::default();
        add_credentials(&settings, &mut secrets);
        for echo in [
            "s3cr%40t-pw",
            "s3cr@t-pw",
            "alice:s3cr@t-pw",
            &base64(b"alice:s3cr@t-pw"),
            &base64(b"alice:s3cr%40t-pw"),
        ] {
            assert_eq!(secrets.scrub(echo), "** redacted **", "{echo}");
        }
        assert_eq!(
            secrets.scrub("alice"),
            "alice",
            "a user name is not a secret"
        );
    }
}
