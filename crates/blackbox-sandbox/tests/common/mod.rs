//! Helpers shared by the integration tests: a raw HTTP/1.1 client over
//! loopback TCP that records exactly what arrived and how the connection
//! ended, a hyper-based client, and timestamp parsing.
#![allow(dead_code)]

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use blackbox_sandbox::Sandbox;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Upper bound on any single raw exchange.
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(5);

/// How the server ended the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Clean close (FIN).
    Eof,
    /// Abortive close (RST), seen as ECONNRESET.
    Reset,
    /// Still open when the read deadline passed.
    Open,
}

/// Everything received on one connection.
#[derive(Debug)]
pub struct Raw {
    pub bytes: Vec<u8>,
    pub end: End,
    /// When the first byte arrived, relative to the request being written.
    pub first_byte: Option<Duration>,
    /// When the last byte arrived.
    pub last_byte: Option<Duration>,
}

/// A parsed HTTP/1.1 response.
#[derive(Debug)]
pub struct Parsed {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Parsed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_length(&self) -> Option<usize> {
        self.header("content-length").and_then(|v| v.parse().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

impl Raw {
    /// Parses the bytes as one HTTP/1.1 response (the body is everything
    /// after the head).
    pub fn parse(&self) -> Parsed {
        self.try_parse().unwrap_or_else(|| {
            panic!(
                "not an HTTP response: {:?}",
                String::from_utf8_lossy(&self.bytes)
            )
        })
    }

    pub fn try_parse(&self) -> Option<Parsed> {
        let split = self.bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&self.bytes[..split]).ok()?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next()?;
        let status = status_line.split(' ').nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Some(Parsed {
            status,
            headers,
            body: self.bytes[split + 4..].to_vec(),
        })
    }
}

/// Writes `request` on a fresh connection and reads until the server closes
/// it (or `EXCHANGE_TIMEOUT`).
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> Raw {
    exchange_with_deadline(addr, request, EXCHANGE_TIMEOUT).await
}

pub async fn exchange_with_deadline(addr: SocketAddr, request: &[u8], deadline: Duration) -> Raw {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the sandbox");
    stream.write_all(request).await.expect("write the request");
    read_until_closed(&mut stream, deadline).await
}

/// Reads until EOF, reset or the deadline, timing the first and last byte.
pub async fn read_until_closed(stream: &mut TcpStream, deadline: Duration) -> Raw {
    let start = Instant::now();
    let mut raw = Raw {
        bytes: Vec::new(),
        end: End::Open,
        first_byte: None,
        last_byte: None,
    };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let left = deadline.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => break,
            Ok(Ok(0)) => {
                raw.end = End::Eof;
                break;
            }
            Ok(Ok(n)) => {
                raw.first_byte.get_or_insert(start.elapsed());
                raw.last_byte = Some(start.elapsed());
                raw.bytes.extend_from_slice(&buf[..n]);
            }
            Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionReset => {
                raw.end = End::Reset;
                break;
            }
            Ok(Err(e)) => panic!("unexpected read error: {e}"),
        }
    }
    raw
}

/// A raw HTTP/1.1 request with `Connection: close`.
pub fn request(
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Option<&[u8]>,
) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if let Some(body) = body {
        bytes.extend_from_slice(body);
    }
    bytes
}

/// One authenticated JSON call with the demo token; panics unless the
/// response is complete.
pub async fn call(sandbox: &Sandbox, method: &str, path: &str, body: Option<Value>) -> Parsed {
    call_as(sandbox, sandbox.demo_token(), method, path, body).await
}

pub async fn call_as(
    sandbox: &Sandbox,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Parsed {
    let body = body.map(|v| v.to_string().into_bytes());
    let content_type = body.as_ref().map(|_| "application/json");
    let raw = exchange(
        sandbox.local_addr(),
        &request(method, path, Some(token), content_type, body.as_deref()),
    )
    .await;
    assert_eq!(raw.end, End::Eof, "connection not closed cleanly");
    let parsed = raw.parse();
    assert_eq!(
        parsed.content_length(),
        Some(parsed.body.len()),
        "Content-Length matches the body"
    );
    parsed
}

/// Asserts the error envelope and returns its message.
pub fn assert_error(parsed: &Parsed, status: u16) -> String {
    assert_eq!(
        parsed.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&parsed.body)
    );
    assert_eq!(parsed.header("content-type"), Some("application/json"));
    let json = parsed.json();
    assert_eq!(json["success"], Value::Bool(false));
    assert_eq!(json["data"], Value::Null);
    let message = json["message"].as_str().expect("a message").to_owned();
    assert!(!message.is_empty());
    message
}

/// Asserts a success envelope and returns `data`.
pub fn assert_ok(parsed: &Parsed) -> Value {
    assert_eq!(
        parsed.status,
        200,
        "body: {}",
        String::from_utf8_lossy(&parsed.body)
    );
    assert_eq!(parsed.header("content-type"), Some("application/json"));
    let json = parsed.json();
    assert_eq!(json["success"], Value::Bool(true));
    assert!(json.get("message").is_some());
    json["data"].clone()
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` into Unix seconds.
pub fn parse_rfc3339(text: &str) -> i64 {
    let b = text.as_bytes();
    assert_eq!(b.len(), 20, "timestamp shape: {text}");
    assert!(
        b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z',
        "{text}"
    );
    let num =
        |r: std::ops::Range<usize>| -> i64 { text[r].parse().unwrap_or_else(|_| panic!("{text}")) };
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    // days_from_civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + num(11..13) * 3_600 + num(14..16) * 60 + num(17..19)
}
