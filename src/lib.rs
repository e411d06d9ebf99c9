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
