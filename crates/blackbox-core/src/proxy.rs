//! HTTP(S) proxies: from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` or the builder.
//!
//! HTTPS targets go through an HTTP `CONNECT` tunnel (TLS stays end to end, and
//! proxy credentials ride in `Proxy-Authorization` on the `CONNECT` only);
//! plain-HTTP targets are sent to the proxy in absolute form, each request
//! carrying the proxy's credentials (added by the transport, see
//! [`ProxyRoutes::absolute_form_authorization`]). Proxies taken from the
//! environment never apply to loopback targets (a local sandbox or sidecar); an
//! explicit proxy applies to every target but those in its `no_proxy` list.
//!
//! A proxy that answers the `CONNECT` with anything but 2xx refused the tunnel:
//! the connector fails with [`ProxyRefused`], which carries the status, so that
//! the core can say so and not retry a refusal that would only repeat (a wrong
//! password sent again and again can lock an account).

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, StatusCode, Uri};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
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

/// Which targets go through which proxy. One decision, shared by the connector
/// (where the bytes go) and the transport (which headers a request carries),
/// so that the two cannot disagree.
pub(crate) struct ProxyRoutes {
    matcher: Matcher,
    /// Proxies from the environment never apply to loopback targets.
    bypass_loopback: bool,
    /// Whether a proxy for plain HTTP may have credentials (a superset: a
    /// `user@` in any URL that can apply). Without, plain-HTTP requests skip
    /// the lookup.
    plain_http_credentials: bool,
}

impl ProxyRoutes {
    /// The routes of these settings; `None` when proxies are disabled.
    pub(crate) fn new(settings: &ProxySettings) -> Result<Option<Self>, Error> {
        let plain_http_credentials = match &settings.mode {
            ProxyMode::Disabled => false,
            ProxyMode::Explicit(url) => user_info(url).is_some(),
            ProxyMode::Environment => ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
                .iter()
                .filter_map(|name| std::env::var(name).ok())
                .any(|url| user_info(&url).is_some()),
        };
        let matcher = match &settings.mode {
            ProxyMode::Disabled => return Ok(None),
            ProxyMode::Environment => Matcher::from_env(),
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
                builder.build()
            }
        };
        Ok(Some(Self {
            matcher,
            bypass_loopback: matches!(settings.mode, ProxyMode::Environment),
            plain_http_credentials,
        }))
    }

    /// The proxy `destination` goes through, if any.
    fn intercept(&self, destination: &Uri) -> Option<Intercept> {
        let host = destination.host()?;
        if self.bypass_loopback && is_loopback_host(host) {
            return None;
        }
        self.matcher.intercept(destination)
    }

    /// The `Proxy-Authorization` a plain-HTTP request to `uri` must carry: it
    /// goes to the proxy in absolute form, and the proxy wants its credentials
    /// on every request (a `CONNECT` carries them for HTTPS targets; inside the
    /// tunnel they would reach the server, so never for `https`). Sensitive:
    /// never indexed, never printed.
    pub(crate) fn absolute_form_authorization(&self, uri: &Uri) -> Option<HeaderValue> {
        if !self.plain_http_credentials || uri.scheme_str() != Some("http") {
            return None;
        }
        let mut value = self.intercept(uri)?.basic_auth()?.clone();
        value.set_sensitive(true);
        Some(value)
    }

    /// Whether a plain-HTTP request to `uri` is sent to a proxy on a host that
    /// is not loopback (where its bytes, the bearer token among them, travel in
    /// clear text).
    pub(crate) fn sends_plain_http_off_host(&self, uri: &Uri) -> bool {
        uri.scheme_str() == Some("http")
            && self.intercept(uri).is_some_and(|proxy| {
                proxy
                    .uri()
                    .host()
                    .is_none_or(|host| !is_loopback_host(host))
            })
    }
}

/// A TCP connector that goes through a proxy when the routes say so.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    http: HttpConnector,
    routes: Option<Arc<ProxyRoutes>>,
}

impl ProxyConnector {
    pub(crate) fn new(http: HttpConnector, routes: Option<Arc<ProxyRoutes>>) -> Self {
        Self { http, routes }
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
        let intercept = self
            .routes
            .as_ref()
            .and_then(|routes| routes.intercept(&destination));
        let mut http = self.http.clone();
        Box::pin(async move {
            let Some(intercept) = intercept else {
                let io = http.call(destination).await?;
                return Ok(ProxyStream { io, proxied: false });
            };
            // The connection to the proxy is made by the same `HttpConnector`
            // as a direct one: `TCP_NODELAY` on (pinned by a unit test).
            let io = http.call(intercept.uri().clone()).await?;
            if destination.scheme_str() == Some("https") {
                let stream = tunnel(io.into_inner(), &destination, intercept.basic_auth()).await?;
                Ok(ProxyStream {
                    io: TokioIo::new(stream),
                    proxied: false,
                })
            } else {
                // `proxied` makes hyper send the request line in absolute form.
                Ok(ProxyStream { io, proxied: true })
            }
        })
    }
}

/// A proxy answered the `CONNECT` with a status other than 2xx: the tunnel was
/// refused, and nothing of the request went further than the proxy.
#[derive(Debug)]
pub(crate) struct ProxyRefused {
    pub(crate) status: StatusCode,
}

impl fmt::Display for ProxyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the proxy answered CONNECT with {}", self.status)
    }
}

impl std::error::Error for ProxyRefused {}

/// The most bytes of a `CONNECT` answer's head read (as hyper-util's tunnel).
const MAX_CONNECT_ANSWER: usize = 8192;

/// Asks the proxy on `stream` for a tunnel to `destination`'s host and port,
/// and reads its answer. Unlike hyper-util's `Tunnel`, a refusal keeps the
/// status the proxy gave ([`ProxyRefused`]).
async fn tunnel(
    stream: TcpStream,
    destination: &Uri,
    authorization: Option<&HeaderValue>,
) -> Result<TcpStream, BoxError> {
    let host = destination
        .host()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no host to tunnel to"))?;
    let port = destination.port_u16().unwrap_or(443);
    let mut head =
        format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n").into_bytes();
    if let Some(authorization) = authorization {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(authorization.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let mut written = 0;
    while written < head.len() {
        stream.writable().await?;
        match stream.try_write(&head[written..]) {
            Ok(count) => written += count,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(error) => return Err(error.into()),
        }
    }
    let mut answer = Vec::with_capacity(256);
    let mut chunk = [0u8; 1024];
    let head_end = loop {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the proxy closed the connection before answering CONNECT",
                )
                .into());
            }
            Ok(count) => answer.extend_from_slice(&chunk[..count]),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            Err(error) => return Err(error.into()),
        }
        if let Some(end) = answer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        if answer.len() > MAX_CONNECT_ANSWER {
            return Err(invalid_answer("the proxy's answer to CONNECT is too long"));
        }
    };
    let status = connect_status(&answer[..head_end])
        .ok_or_else(|| invalid_answer("the proxy's answer to CONNECT is not HTTP"))?;
    if !status.is_success() {
        return Err(Box::new(ProxyRefused { status }));
    }
    if answer.len() > head_end {
        // The server speaks after the client's TLS hello: bytes already here
        // did not come from it.
        return Err(invalid_answer(
            "the proxy sent data after accepting CONNECT, before the tunnel was used",
        ));
    }
    Ok(stream)
}

fn invalid_answer(message: &'static str) -> BoxError {
    io::Error::new(io::ErrorKind::InvalidData, message).into()
}

/// The status of an HTTP/1.x answer head (`HTTP/1.1 407 Proxy Authentication Required`).
fn connect_status(head: &[u8]) -> Option<StatusCode> {
    let rest = head
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| head.strip_prefix(b"HTTP/1.0 "))?;
    let code = rest.get(..3)?;
    if !matches!(rest.get(3), Some(b' ' | b'\r')) {
        return None;
    }
    StatusCode::from_bytes(code).ok()
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
        let Some(user_info) = user_info(&url) else {
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

/// The `user[:password]` of a proxy URL, if it has one.
fn user_info(url: &str) -> Option<&str> {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .and_then(|authority| authority.rsplit_once('@'))
        .map(|(user_info, _)| user_info)
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
    fn connect_answers_are_read_by_status() {
        assert_eq!(
            connect_status(b"HTTP/1.1 200 Connection established\r\n\r\n"),
            Some(StatusCode::OK)
        );
        assert_eq!(
            connect_status(b"HTTP/1.0 407 Proxy Authentication Required\r\n"),
            Some(StatusCode::PROXY_AUTHENTICATION_REQUIRED)
        );
        assert_eq!(
            connect_status(b"HTTP/1.1 403\r\n\r\n"),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(connect_status(b"HTTP/1.1 2000 OK\r\n"), None);
        assert_eq!(connect_status(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(connect_status(b"HTTP/1.1 abc x\r\n"), None);
    }

    fn explicit(url: &str, no_proxy: Option<&str>) -> ProxyRoutes {
        ProxyRoutes::new(&ProxySettings {
            mode: ProxyMode::Explicit(url.into()),
            no_proxy: no_proxy.map(Into::into),
        })
        .expect("valid")
        .expect("enabled")
    }

    #[test]
    fn proxy_credentials_go_on_plain_http_requests_only() {
        let routes = explicit(
            "http://user:pass@proxy.example:3128",
            Some("direct.example"),
        );
        let value = routes
            .absolute_form_authorization(&Uri::from_static("http://127.0.0.1:9/x"))
            .expect("credentials");
        assert_eq!(value, "Basic dXNlcjpwYXNz");
        assert!(value.is_sensitive());
        // Through a CONNECT tunnel they would reach the server.
        assert!(
            routes
                .absolute_form_authorization(&Uri::from_static("https://api.example/x"))
                .is_none()
        );
        assert!(
            routes
                .absolute_form_authorization(&Uri::from_static("http://direct.example/x"))
                .is_none()
        );
        let anonymous = explicit("http://proxy.example:3128", None);
        assert!(
            anonymous
                .absolute_form_authorization(&Uri::from_static("http://127.0.0.1:9/x"))
                .is_none()
        );
    }

    #[test]
    fn plain_http_through_a_remote_proxy_is_told_apart() {
        let remote = explicit("http://proxy.example:3128", Some("skip.example"));
        assert!(remote.sends_plain_http_off_host(&Uri::from_static("http://127.0.0.1:8080/")));
        assert!(!remote.sends_plain_http_off_host(&Uri::from_static("https://127.0.0.1:8443/")));
        assert!(!remote.sends_plain_http_off_host(&Uri::from_static("http://skip.example/")));
        let local = explicit("http://127.0.0.1:3128", None);
        assert!(!local.sends_plain_http_off_host(&Uri::from_static("http://127.0.0.1:8080/")));
    }

    /// The connection to a proxy is made with `TCP_NODELAY`, like a direct
    /// one: checked on the socket itself, for a `CONNECT` tunnel.
    #[tokio::test]
    async fn the_socket_to_the_proxy_has_nodelay_set() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let proxy = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("accept");
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                stream.read_exact(&mut byte).await.expect("read");
                head.push(byte[0]);
            }
            stream
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .expect("write");
            (String::from_utf8_lossy(&head).into_owned(), stream)
        });
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.enforce_http(false);
        let routes = explicit(&format!("http://u:p@{address}"), None);
        let mut connector = ProxyConnector::new(http, Some(Arc::new(routes)));
        let stream = connector
            .call(Uri::from_static("https://localhost:8443"))
            .await
            .expect("tunnel");
        assert!(
            stream.io.inner().nodelay().expect("getsockopt"),
            "TCP_NODELAY"
        );
        let (head, _held) = proxy.await.expect("proxy");
        assert!(
            head.starts_with("CONNECT localhost:8443 HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(
            head.contains("Proxy-Authorization: Basic dTpw\r\n"),
            "{head}"
        );
    }

    #[tokio::test]
    async fn a_refused_connect_keeps_the_status() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let proxy = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("accept");
            let mut chunk = [0u8; 512];
            let _ = stream.read(&mut chunk).await;
            let _ = stream
                .write_all(
                    b"HTTP/1.0 407 Proxy Authentication Required\r\n\
                      Proxy-Authenticate: Basic realm=\"test\"\r\n\r\n",
                )
                .await;
        });
        let routes = explicit(&format!("http://{address}"), None);
        let mut connector = ProxyConnector::new(HttpConnector::new(), Some(Arc::new(routes)));
        let error = match connector
            .call(Uri::from_static("https://localhost:8443"))
            .await
        {
            Ok(_) => panic!("refused"),
            Err(error) => error,
        };
        let refused = error
            .downcast_ref::<ProxyRefused>()
            .expect("a ProxyRefused");
        assert_eq!(refused.status, StatusCode::PROXY_AUTHENTICATION_REQUIRED);
        proxy.await.expect("proxy");
    }

    #[test]
    fn a_refused_tunnel_is_typed_and_retried_only_when_passing() {
        for (status, retryable) in [(407, false), (403, false), (400, false), (503, true)] {
            let status = StatusCode::from_u16(status).expect("status");
            let error = Error::Connect(crate::TransportError::connect(ProxyRefused { status }));
            assert_eq!(error.proxy_status(), Some(status));
            assert_eq!(error.is_retryable(), retryable, "{status}");
            assert!(!error.request_may_have_reached_server());
            assert_eq!(error.status(), None, "the server did not answer");
            assert_eq!(
                error.to_string(),
                format!("the proxy refused the connection: {status}")
            );
        }
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
