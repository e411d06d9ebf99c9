//! Test support shared by the workspace's end-to-end tests, examples and
//! benchmarks: a scripted raw HTTP/1.1 server on loopback.
//!
//! The sandbox (`blackbox-sandbox`) is the realistic server; this one exists to
//! pin the wire format (it records the exact bytes a client sends) and to script
//! what no real server would do on purpose (hang forever, answer garbage).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use blackbox_rs::{RawServer, Reply};
//!
//! let server = RawServer::start([Reply::json(503, "{}")], Reply::json(200, r#"{"success":true}"#)).await?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.request_count(), 0);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Writes these exact bytes (status line, headers and body) and keeps the
    /// connection open for the next request.
    Raw(Vec<u8>),
    /// Reads the request and never answers (the connection stays open).
    Hang,
    /// Closes the connection without answering.
    Close,
    /// Waits, then does the inner reply.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    /// A JSON answer with the given status and body.
    pub fn json(status: u16, body: &str) -> Self {
        Self::with_headers(status, &[("content-type", "application/json")], body)
    }

    /// An answer with extra headers; `content-length` is added.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        Self::Raw(http_answer(&format!("{status} Status"), headers, body))
    }
}

/// The bytes of an HTTP/1.1 answer: `status_line` (e.g. `404 Not Found`), the
/// headers in order, `content-length`, then the body.
pub fn http_answer(status_line: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut raw = format!("HTTP/1.1 {status_line}\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    raw.push_str(body);
    raw.into_bytes()
}

/// An answer with a JSON body: the status line (e.g. `401 Unauthorized`), any
/// extra `"name: value"` header lines, then `content-type: application/json`.
pub fn json_answer(status_line: &str, extra_headers: &[&str], body: &str) -> Vec<u8> {
    let mut headers: Vec<(&str, &str)> = extra_headers
        .iter()
        .filter_map(|line| line.split_once(": "))
        .collect();
    headers.push(("content-type", "application/json"));
    http_answer(status_line, &headers, body)
}

/// A request as the server received it, split up for assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// Every byte of the request: head and body.
    pub raw: Vec<u8>,
    /// The request line, e.g. `GET /path HTTP/1.1`.
    pub request_line: String,
    /// Header names lowercased, values trimmed, sorted by name.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// Splits the bytes of one request (as recorded by [`RawServer`]).
    pub fn parse(raw: Vec<u8>) -> Self {
        let head_end = find(&raw, b"\r\n\r\n").unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default().to_owned();
        let mut headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        headers.sort();
        let body = raw.get(head_end + 4..).unwrap_or_default().to_vec();
        Self {
            raw,
            request_line,
            headers,
            body,
        }
    }

    /// The value of a header (name in lower case), if it was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A scripted HTTP/1.1 server on `127.0.0.1` (ephemeral port). Each request takes
/// the next reply of the script, then the fallback. Dropping it stops the server
/// and closes every connection.
#[derive(Debug)]
pub struct RawServer {
    address: SocketAddr,
    state: Arc<State>,
    tasks: tokio::task::JoinHandle<()>,
}

#[derive(Debug)]
struct State {
    script: Mutex<VecDeque<Reply>>,
    fallback: Reply,
    requests: Mutex<Vec<Vec<u8>>>,
    connections: AtomicUsize,
}

impl RawServer {
    /// Starts the server with a script of replies and a fallback reply.
    pub async fn start(
        script: impl IntoIterator<Item = Reply>,
        fallback: Reply,
    ) -> std::io::Result<Self> {
        Self::start_at(
            "127.0.0.1:0".parse().expect("a valid address"),
            script,
            fallback,
        )
        .await
    }

    /// Starts the server on a given address (e.g. a port that was refused a
    /// moment ago, to test reconnecting).
    pub async fn start_at(
        address: SocketAddr,
        script: impl IntoIterator<Item = Reply>,
        fallback: Reply,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(State {
            script: Mutex::new(script.into_iter().collect()),
            fallback,
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let accept_state = Arc::clone(&state);
        let tasks = tokio::spawn(async move {
            // Connection tasks live in this set, so aborting the accept task
            // (on drop) aborts them too.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                accept_state.connections.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve(stream, Arc::clone(&accept_state)));
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(Self {
            address,
            state,
            tasks,
        })
    }

    /// Starts a server that answers with `answers` in order, the last one
    /// repeating; `answers` must not be empty.
    pub async fn answering(answers: Vec<Vec<u8>>) -> std::io::Result<Self> {
        let mut script: Vec<Reply> = answers.into_iter().map(Reply::Raw).collect();
        let last = script.pop().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "no answer to give")
        })?;
        Self::start(script, last).await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The socket address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Every request received so far, as the exact bytes on the wire.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        lock(&self.state.requests).clone()
    }

    /// Every request received so far, split up for assertions.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.requests()
            .into_iter()
            .map(ReceivedRequest::parse)
            .collect()
    }

    /// The only request received; panics when there were none or several.
    pub fn single_request(&self) -> ReceivedRequest {
        let mut requests = self.received();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.remove(0)
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        lock(&self.state.requests).len()
    }

    /// How many TCP connections were accepted.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.tasks.abort();
    }
}

/// A poisoned lock only means another test task panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        lock(&state.requests).push(request);
        let reply = lock(&state.script)
            .pop_front()
            .unwrap_or_else(|| state.fallback.clone());
        if !answer(&mut stream, reply).await {
            return;
        }
    }
}

/// Does one reply; `false` when the connection is done.
async fn answer(stream: &mut TcpStream, mut reply: Reply) -> bool {
    loop {
        match reply {
            Reply::Raw(bytes) => return stream.write_all(&bytes).await.is_ok(),
            Reply::Hang => {
                // Hold the connection until the client gives up or the server is dropped.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(read) if read > 0) {}
                return false;
            }
            Reply::Close => return false,
            Reply::Delayed(delay, inner) => {
                tokio::time::sleep(delay).await;
                reply = *inner;
            }
        }
    }
}

/// Reads one request (head and `content-length` body); `None` at end of stream.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    loop {
        if let Some(head_end) = find(buffer, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
            let body_length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let total = head_end + 4 + body_length;
            if buffer.len() >= total {
                let rest = buffer.split_off(total);
                return Some(std::mem::replace(buffer, rest));
            }
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// What a [`TestProxy`] did with one request it read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyAnswer {
    /// A `CONNECT` accepted (`200 Connection established`), bytes spliced both ways.
    Tunnelled,
    /// A request in absolute form sent on to the server in origin form; its
    /// answer passed back.
    Forwarded,
    /// Refused with this status (407, 403, 400, 502); the connection closed
    /// without reading a body.
    Refused(u16),
}

/// One request as a [`TestProxy`] saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxiedRequest {
    /// `CONNECT`, `GET`, `POST`, …
    pub method: String,
    /// The request target: `host:port` for `CONNECT`, an absolute URL otherwise.
    pub target: String,
    /// The `Proxy-Authorization` value presented, if any.
    pub proxy_authorization: Option<String>,
    /// Every header line after the request line, as received.
    pub headers: Vec<String>,
    /// What the proxy did.
    pub answer: ProxyAnswer,
}

/// Builds a [`TestProxy`].
#[derive(Clone, Debug)]
pub struct TestProxyBuilder {
    credentials: Option<(String, String)>,
    allowed_ports: Option<Vec<u16>>,
    nodelay: bool,
}

impl TestProxyBuilder {
    /// Requires `Proxy-Authorization: Basic` with these credentials
    /// (tinyproxy's `BasicAuth user password`).
    pub fn credentials(mut self, user: &str, password: &str) -> Self {
        self.credentials = Some((user.to_owned(), password.to_owned()));
        self
    }

    /// Allows only these destination ports, for `CONNECT` and for absolute
    /// form alike (tinyproxy's `ConnectPort`); others get 403. Default: all.
    pub fn allow_ports(mut self, ports: impl IntoIterator<Item = u16>) -> Self {
        self.allowed_ports = Some(ports.into_iter().collect());
        self
    }

    /// Sets `TCP_NODELAY` on the proxy's own sockets (default `true`); `false`
    /// leaves Nagle's algorithm on, as a proxy that never sets it.
    pub fn nodelay(mut self, nodelay: bool) -> Self {
        self.nodelay = nodelay;
        self
    }

    /// Binds `127.0.0.1` on an ephemeral port and starts serving.
    pub async fn start(self) -> std::io::Result<TestProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let expected = self.credentials.as_ref().map(|(user, password)| {
            format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
        });
        let state = Arc::new(ProxyState {
            expected_authorization: expected,
            allowed_ports: self.allowed_ports,
            nodelay: self.nodelay,
            seen: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let accept_state = Arc::clone(&state);
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                accept_state.connections.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_nodelay(accept_state.nodelay);
                connections.spawn(proxy_connection(stream, Arc::clone(&accept_state)));
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(TestProxy {
            address,
            credentials: self.credentials,
            state,
            task,
        })
    }
}

/// A forward proxy on `127.0.0.1` for tests, behaving like Debian's tinyproxy:
///
/// - with [`credentials`](TestProxyBuilder::credentials), a request without
///   `Proxy-Authorization` or with wrong credentials gets
///   `407 Proxy Authentication Required` with
///   `Proxy-Authenticate: Basic realm="blackbox test proxy"`;
/// - a destination port outside [`allow_ports`](TestProxyBuilder::allow_ports)
///   gets `403 Access violation` (credentials are checked first);
/// - a refusal closes the connection without reading any body;
/// - `CONNECT host:port` is answered `HTTP/1.0 200 Connection established`
///   and bytes are spliced both ways;
/// - a request in absolute form (`GET http://host:port/path HTTP/1.1`) is sent
///   to the server in origin form without the `Proxy-*` headers and with
///   `Connection: close`; the answer comes back with `Connection: close`, and
///   the client connection closes after it (one request per connection).
///
/// It records every request it reads ([`seen`](Self::seen)). Dropping it stops
/// it and every connection.
#[derive(Debug)]
pub struct TestProxy {
    address: SocketAddr,
    credentials: Option<(String, String)>,
    state: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug)]
struct ProxyState {
    expected_authorization: Option<String>,
    allowed_ports: Option<Vec<u16>>,
    nodelay: bool,
    seen: Mutex<Vec<ProxiedRequest>>,
    connections: AtomicUsize,
}

impl TestProxy {
    /// A builder: no credentials, every port allowed, `TCP_NODELAY` on.
    pub fn builder() -> TestProxyBuilder {
        TestProxyBuilder {
            credentials: None,
            allowed_ports: None,
            nodelay: true,
        }
    }

    /// `http://[user:password@]127.0.0.1:PORT`, with the configured credentials.
    pub fn url(&self) -> String {
        match &self.credentials {
            Some((user, password)) => format!("http://{user}:{password}@{}", self.address),
            None => format!("http://{}", self.address),
        }
    }

    /// `http://[user:password@]127.0.0.1:PORT` with other credentials.
    pub fn url_with(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.address)
    }

    /// `http://127.0.0.1:PORT`, without credentials.
    pub fn url_without_credentials(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The socket address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Every request read so far.
    pub fn seen(&self) -> Vec<ProxiedRequest> {
        lock(&self.state.seen).clone()
    }

    /// How many requests were read so far.
    pub fn request_count(&self) -> usize {
        lock(&self.state.seen).len()
    }

    /// How many TCP connections were accepted.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const PROXY_REALM: &str = "blackbox test proxy";

async fn proxy_connection(mut client: TcpStream, state: Arc<ProxyState>) {
    // Everything up to the end of the head; a body (absolute form) follows.
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > 64 * 1024 {
            return;
        }
        let mut chunk = [0u8; 4096];
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<String> = lines.map(str::to_owned).collect();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let header = |name: &str| {
        headers.iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let proxy_authorization = header("proxy-authorization");
    let mut record = ProxiedRequest {
        method: method.clone(),
        target: target.clone(),
        proxy_authorization: proxy_authorization.clone(),
        headers: headers.clone(),
        answer: ProxyAnswer::Refused(400),
    };

    // Credentials first, then the port, as tinyproxy does.
    if let Some(expected) = &state.expected_authorization
        && proxy_authorization.as_deref() != Some(expected.as_str())
    {
        record.answer = ProxyAnswer::Refused(407);
        lock(&state.seen).push(record);
        refuse(
            &mut client,
            "407 Proxy Authentication Required",
            &[&format!(
                "Proxy-Authenticate: Basic realm=\"{PROXY_REALM}\""
            )],
        )
        .await;
        return;
    }
    let destination = if method == "CONNECT" {
        Some((target.clone(), None))
    } else {
        target.strip_prefix("http://").map(|rest| {
            let (authority, path) = match rest.find('/') {
                Some(slash) => (&rest[..slash], &rest[slash..]),
                None => (rest, "/"),
            };
            let authority = if authority.contains(':') {
                authority.to_owned()
            } else {
                format!("{authority}:80")
            };
            (authority, Some(path.to_owned()))
        })
    };
    let Some((authority, origin_path)) = destination else {
        lock(&state.seen).push(record);
        refuse(&mut client, "400 Bad Request", &[]).await;
        return;
    };
    let port = authority
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse::<u16>().ok());
    let allowed = match (&state.allowed_ports, port) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(ports), Some(port)) => ports.contains(&port),
    };
    if !allowed {
        record.answer = ProxyAnswer::Refused(403);
        lock(&state.seen).push(record);
        refuse(&mut client, "403 Access violation", &[]).await;
        return;
    }
    let Ok(mut upstream) = TcpStream::connect(authority.as_str()).await else {
        record.answer = ProxyAnswer::Refused(502);
        lock(&state.seen).push(record);
        refuse(&mut client, "502 Bad Gateway", &[]).await;
        return;
    };
    let _ = upstream.set_nodelay(state.nodelay);
    match origin_path {
        None => {
            record.answer = ProxyAnswer::Tunnelled;
            lock(&state.seen).push(record);
            if client
                .write_all(b"HTTP/1.0 200 Connection established\r\nProxy-agent: blackbox-test-proxy\r\n\r\n")
                .await
                .is_err()
            {
                return;
            }
            // Bytes the client sent after the head belong to the tunnel.
            let early = buffer.split_off(head_end + 4);
            if !early.is_empty() && upstream.write_all(&early).await.is_err() {
                return;
            }
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
        Some(path) => {
            record.answer = ProxyAnswer::Forwarded;
            lock(&state.seen).push(record);
            let version = request_line.rsplit(' ').next().unwrap_or("HTTP/1.1");
            let mut forwarded = format!("{method} {path} {version}\r\n");
            for line in &headers {
                let name = line.split(':').next().unwrap_or_default().trim();
                if name.to_ascii_lowercase().starts_with("proxy-")
                    || name.eq_ignore_ascii_case("connection")
                {
                    continue;
                }
                forwarded.push_str(line);
                forwarded.push_str("\r\n");
            }
            forwarded.push_str("Connection: close\r\n\r\n");
            let mut rest = buffer.split_off(head_end + 4);
            let body_length = header("content-length")
                .and_then(|value| value.parse::<usize>().ok())
                .unwrap_or(0);
            while rest.len() < body_length {
                let mut chunk = [0u8; 4096];
                match client.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(read) => rest.extend_from_slice(&chunk[..read]),
                }
            }
            let mut request = forwarded.into_bytes();
            request.extend_from_slice(&rest[..body_length]);
            if upstream.write_all(&request).await.is_err() {
                return;
            }
            relay_answer(&mut upstream, &mut client, method == "HEAD").await;
        }
    }
}

/// Answers with `status_line`, `Connection: close` and a short HTML body, then
/// closes without reading anything more (no request body is read).
async fn refuse(client: &mut TcpStream, status_line: &str, extra: &[&str]) {
    let body = format!("<html><body>{status_line}</body></html>\n");
    let mut answer = format!(
        "HTTP/1.0 {status_line}\r\nServer: blackbox-test-proxy\r\nContent-Type: text/html\r\n"
    );
    for line in extra {
        answer.push_str(line);
        answer.push_str("\r\n");
    }
    answer.push_str(&format!(
        "Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    let _ = client.write_all(answer.as_bytes()).await;
    let _ = client.shutdown().await;
}

/// Passes the server's answer back with `Connection: close`: the head, then
/// the body by its `Content-Length`, chunked framing or the end of the stream.
async fn relay_answer(upstream: &mut TcpStream, client: &mut TcpStream, head_request: bool) {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        match upstream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .unwrap_or(0);
    let mut relayed = format!("{status_line}\r\n");
    let (mut length, mut chunked) = (None, false);
    for line in lines {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        if name.trim().eq_ignore_ascii_case("connection") {
            continue;
        }
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
        }
        if name.trim().eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
        {
            chunked = true;
        }
        relayed.push_str(line);
        relayed.push_str("\r\n");
    }
    relayed.push_str("Connection: close\r\n\r\n");
    let mut body = buffer.split_off(head_end + 4);
    let no_body = head_request || status / 100 == 1 || status == 204 || status == 304;
    loop {
        let complete = no_body
            || match length {
                Some(length) => body.len() >= length,
                None => chunked && body.ends_with(b"0\r\n\r\n"),
            };
        if complete {
            break;
        }
        let mut chunk = [0u8; 4096];
        match upstream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => body.extend_from_slice(&chunk[..read]),
        }
    }
    let mut answer = relayed.into_bytes();
    if !no_body {
        answer.extend_from_slice(&body);
    }
    let _ = client.write_all(&answer).await;
    let _ = client.shutdown().await;
}

/// Standard base64 with padding, as in `Proxy-Authorization: Basic …`.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
