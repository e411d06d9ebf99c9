//! Transports and lifecycle: TLS trusting only the generated CA, ALPN and
//! HTTP/2, negative TLS variants, idle keep-alive close, shutdown, drop, and
//! the command-line binary.

mod common;

use std::io;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use blackbox_sandbox::{Fault, Operation, Sandbox};
use bytes::Bytes;
use common::*;
use http::{Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

const SESSIONS: &str = "/api/v0/sessions";

fn client_config(ca_pem: Option<&str>, alpn: &[&[u8]]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    if let Some(pem) = ca_pem {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots.add(cert.expect("PEM certificate")).expect("add CA");
        }
        assert_eq!(roots.len(), 1);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}

async fn tls_connect(
    sandbox: &Sandbox,
    config: Arc<ClientConfig>,
    name: &'static str,
) -> io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(sandbox.local_addr()).await?;
    let name = ServerName::try_from(name).expect("server name");
    tokio::time::timeout(
        Duration::from_secs(5),
        TlsConnector::from(config).connect(name, tcp),
    )
    .await
    .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out"))?
}

fn certificate_error(error: &io::Error) -> Option<CertificateError> {
    match error.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(e) => Some(e.clone()),
        _ => None,
    }
}

fn get(uri: &str, token: &str) -> Request<Empty<Bytes>> {
    Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Empty::new())
        .expect("request")
}

async fn json_body(response: Response<Incoming>) -> Value {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&bytes).expect("JSON body")
}

#[tokio::test]
async fn tls_with_alpn_h2_serves_http2_trusting_only_the_ca() {
    let sandbox = Sandbox::start_tls().await.expect("start");
    let port = sandbox.local_addr().port();
    assert_eq!(sandbox.base_url(), format!("https://localhost:{port}"));
    let pem = sandbox.ca_pem().expect("CA PEM");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));

    let config = client_config(Some(pem), &[b"h2", b"http/1.1"]);
    let tls = tls_connect(&sandbox, config, "localhost")
        .await
        .expect("handshake");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));

    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .expect("h2 handshake");
    let driver = tokio::spawn(connection);
    let uri = format!("{}{SESSIONS}", sandbox.base_url());
    for _ in 0..2 {
        let response = sender
            .send_request(get(&uri, sandbox.demo_token()))
            .await
            .expect("response");
        assert_eq!(response.version(), Version::HTTP_2);
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/json"[..])
        );
        let json = json_body(response).await;
        assert_eq!(json["success"], json!(true));
        assert_eq!(json["data"]["total"], json!(4));
    }
    assert_eq!(sandbox.connection_count(), 1);
    driver.abort();
}

#[tokio::test]
async fn tls_with_alpn_http11_serves_http1_and_ip_names_verify() {
    let sandbox = Sandbox::start_tls().await.expect("start");
    let config = client_config(sandbox.ca_pem(), &[b"http/1.1"]);
    let tls = tls_connect(&sandbox, config, "127.0.0.1")
        .await
        .expect("handshake for the IP name");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .expect("h1 handshake");
    let driver = tokio::spawn(connection);
    let mut request = get(&format!("{SESSIONS}/stats"), sandbox.demo_token());
    request
        .headers_mut()
        .insert("host", http::HeaderValue::from_static("localhost"));
    let response = sender.send_request(request).await.expect("response");
    assert_eq!(response.version(), Version::HTTP_11);
    let json = json_body(response).await;
    assert_eq!(json["data"]["total_sessions"], json!(4));
    driver.abort();

    // Without ALPN the server speaks HTTP/1.1 too.
    let config = client_config(sandbox.ca_pem(), &[]);
    let mut tls = tls_connect(&sandbox, config, "localhost")
        .await
        .expect("handshake");
    assert_eq!(tls.get_ref().1.alpn_protocol(), None);
    tls.write_all(&request_bytes(sandbox.demo_token()))
        .await
        .expect("write");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tls.read_to_end(&mut answer)).await;
    assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"));
}

fn request_bytes(token: &str) -> Vec<u8> {
    request("GET", SESSIONS, Some(token), None, None)
}

#[tokio::test]
async fn tls_clients_reject_an_unknown_ca_a_wrong_name_and_an_expired_certificate() {
    // A client that does not trust the sandbox CA.
    let sandbox = Sandbox::start_tls().await.expect("start");
    let other = Sandbox::start_tls().await.expect("start another");
    let config = client_config(other.ca_pem(), &[b"h2"]);
    let error = tls_connect(&sandbox, config, "localhost")
        .await
        .expect_err("unknown CA");
    assert_eq!(
        certificate_error(&error),
        Some(CertificateError::UnknownIssuer),
        "{error:?}"
    );
    // The right CA but a name the certificate does not cover.
    let config = client_config(sandbox.ca_pem(), &[b"h2"]);
    let error = tls_connect(&sandbox, config, "example.com")
        .await
        .expect_err("wrong name");
    assert!(
        matches!(
            certificate_error(&error),
            Some(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            )
        ),
        "{error:?}"
    );

    let wrong = Sandbox::builder()
        .tls_server_names(vec!["wrong.example".into()])
        .start()
        .await
        .expect("start");
    assert!(wrong.base_url().starts_with("https://localhost:"));
    let config = client_config(wrong.ca_pem(), &[b"h2"]);
    let error = tls_connect(&wrong, config, "localhost")
        .await
        .expect_err("certificate for another name");
    assert!(
        matches!(
            certificate_error(&error),
            Some(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            )
        ),
        "{error:?}"
    );

    let expired = Sandbox::builder()
        .tls_expired_certificate(true)
        .start()
        .await
        .expect("start");
    let config = client_config(expired.ca_pem(), &[b"h2"]);
    let error = tls_connect(&expired, config, "localhost")
        .await
        .expect_err("expired certificate");
    assert!(
        matches!(
            certificate_error(&error),
            Some(CertificateError::Expired | CertificateError::ExpiredContext { .. })
        ),
        "{error:?}"
    );
    // The server survives failed handshakes.
    let config = client_config(sandbox.ca_pem(), &[b"h2"]);
    assert!(tls_connect(&sandbox, config, "localhost").await.is_ok());
}

#[tokio::test]
async fn http2_faults_reset_the_stream_not_the_connection() {
    let sandbox = Sandbox::start_tls().await.expect("start");
    sandbox.faults().script(
        Operation::ListSessions,
        [
            Fault::ResetBeforeHeaders,
            Fault::ResetMidBody,
            Fault::status_retry_after(503, "2"),
        ],
    );
    let config = client_config(sandbox.ca_pem(), &[b"h2"]);
    let tls = tls_connect(&sandbox, config, "localhost")
        .await
        .expect("handshake");
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .expect("h2 handshake");
    let driver = tokio::spawn(connection);
    let uri = format!("{}{SESSIONS}", sandbox.base_url());

    let error = sender
        .send_request(get(&uri, sandbox.demo_token()))
        .await
        .expect_err("stream reset before headers");
    assert!(!error.is_closed(), "{error:?}");

    let response = sender
        .send_request(get(&uri, sandbox.demo_token()))
        .await
        .expect("headers arrive");
    assert_eq!(response.status(), StatusCode::OK);
    let declared: usize = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("content-length");
    assert!(declared > 0);
    assert!(
        response.into_body().collect().await.is_err(),
        "body reset midway"
    );

    let response = sender
        .send_request(get(&uri, sandbox.demo_token()))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"2"[..])
    );
    let json = json_body(response).await;
    assert_eq!(json["success"], json!(false));

    let response = sender
        .send_request(get(&uri, sandbox.demo_token()))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(sandbox.connection_count(), 1);
    assert_eq!(sandbox.request_count(Operation::ListSessions), 4);
    driver.abort();
}

#[tokio::test]
async fn http1_over_tls_resets_close_the_connection() {
    let sandbox = Sandbox::start_tls().await.expect("start");
    sandbox.faults().script(
        Operation::ListSessions,
        [Fault::ResetMidBody, Fault::ResetBeforeHeaders],
    );
    for expect_headers in [true, false] {
        let config = client_config(sandbox.ca_pem(), &[b"http/1.1"]);
        let tls = tls_connect(&sandbox, config, "localhost")
            .await
            .expect("handshake");
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .expect("h1 handshake");
        let driver = tokio::spawn(connection);
        let mut request = get(SESSIONS, sandbox.demo_token());
        request
            .headers_mut()
            .insert("host", http::HeaderValue::from_static("localhost"));
        let result = sender.send_request(request).await;
        if expect_headers {
            let response = result.expect("headers arrive");
            assert_eq!(response.status(), StatusCode::OK);
            assert!(response.into_body().collect().await.is_err());
        } else {
            assert!(result.is_err(), "no answer");
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), driver).await;
    }
    assert_eq!(sandbox.connection_count(), 2);
}

#[tokio::test]
async fn plain_http_accepts_h2c_prior_knowledge() {
    let sandbox = Sandbox::start().await.expect("start");
    let tcp = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tcp))
            .await
            .expect("h2c handshake");
    let driver = tokio::spawn(connection);
    let uri = format!("{}{SESSIONS}/stats", sandbox.base_url());
    let response = sender
        .send_request(get(&uri, sandbox.demo_token()))
        .await
        .expect("response");
    assert_eq!(response.version(), Version::HTTP_2);
    assert_eq!(json_body(response).await["success"], json!(true));
    driver.abort();
}

/// Sends one keep-alive request and reads exactly its response.
async fn keep_alive_request(stream: &mut TcpStream, token: &str) -> Parsed {
    let head = format!(
        "GET {SESSIONS}/stats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let raw = Raw {
            bytes: bytes.clone(),
            end: End::Open,
            first_byte: None,
            last_byte: None,
        };
        if let Some(parsed) = raw.try_parse()
            && parsed.content_length() == Some(parsed.body.len())
        {
            return parsed;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let n = tokio::time::timeout(left, stream.read(&mut buf))
            .await
            .expect("response in time")
            .expect("read");
        assert!(n > 0, "closed before the response was complete");
        bytes.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed_after_the_timeout() {
    let sandbox = Sandbox::builder()
        .idle_connection_timeout(Duration::from_millis(500))
        .start()
        .await
        .expect("start");
    let mut stream = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    // Requests within the timeout keep the connection alive.
    for _ in 0..3 {
        assert_ok(&keep_alive_request(&mut stream, sandbox.demo_token()).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let idle_since = Instant::now();
    let rest = read_until_closed(&mut stream, Duration::from_secs(3)).await;
    assert_eq!(rest.end, End::Eof, "closed cleanly");
    assert!(rest.bytes.is_empty());
    let waited = idle_since.elapsed();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert_eq!(sandbox.connection_count(), 1);

    // A connection that never sends anything is closed too.
    let mut silent = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    let rest = read_until_closed(&mut silent, Duration::from_secs(3)).await;
    assert_eq!(rest.end, End::Eof);
}

#[tokio::test]
async fn without_idle_timeout_keep_alive_connections_stay_open() {
    let sandbox = Sandbox::start().await.expect("start");
    let mut stream = TcpStream::connect(sandbox.local_addr())
        .await
        .expect("connect");
    assert_ok(&keep_alive_request(&mut stream, sandbox.demo_token()).await);
    let rest = read_until_closed(&mut stream, Duration::from_millis(700)).await;
    assert_eq!(rest.end, End::Open);
    assert_ok(&keep_alive_request(&mut stream, sandbox.demo_token()).await);
    assert_eq!(sandbox.connection_count(), 1);
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests_and_closes_idle_connections() {
    let sandbox = Sandbox::start().await.expect("start");
    let addr = sandbox.local_addr();
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    assert_ok(&keep_alive_request(&mut idle, sandbox.demo_token()).await);

    sandbox.faults().push(
        Operation::ListSessions,
        Fault::DelayBeforeHeaders(Duration::from_millis(400)),
    );
    let bytes = request_bytes(sandbox.demo_token());
    let in_flight = tokio::spawn(async move { exchange(addr, &bytes).await });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), sandbox.shutdown())
        .await
        .expect("shutdown in time");
    assert!(started.elapsed() < Duration::from_secs(4));

    let raw = in_flight.await.expect("task");
    assert_eq!(assert_ok(&raw.parse())["total"], json!(4));
    let rest = read_until_closed(&mut idle, Duration::from_secs(2)).await;
    assert_eq!(rest.end, End::Eof);
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn dropping_the_sandbox_stops_it() {
    let sandbox = Sandbox::start().await.expect("start");
    let addr = sandbox.local_addr();
    let mut open = TcpStream::connect(addr).await.expect("connect");
    assert_ok(&keep_alive_request(&mut open, sandbox.demo_token()).await);
    drop(sandbox);
    let deadline = Instant::now() + Duration::from_secs(2);
    while TcpStream::connect(addr).await.is_ok() {
        assert!(Instant::now() < deadline, "still listening after drop");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The connection task was aborted as well.
    let rest = read_until_closed(&mut open, Duration::from_secs(2)).await;
    assert_ne!(rest.end, End::Open);
}

#[tokio::test]
async fn a_port_in_use_is_an_error() {
    let sandbox = Sandbox::start().await.expect("start");
    let error = Sandbox::builder()
        .port(sandbox.local_addr().port())
        .start()
        .await
        .expect_err("port in use");
    assert_eq!(error.kind(), io::ErrorKind::AddrInUse);
}

async fn run_bin(args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_blackbox-sandbox"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let outcome = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push(line);
        }
        child.wait().await
    })
    .await;
    let status = match outcome {
        Ok(status) => status.expect("wait").code(),
        Err(_) => {
            // Kill by PID (kill_on_drop) and fail.
            let _ = child.start_kill();
            panic!("the binary did not exit in time; output so far: {seen:?}");
        }
    };
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr).await;
    }
    (status, seen, stderr)
}

#[tokio::test]
async fn binary_starts_prints_the_url_and_token_and_stops_after_seconds() {
    let started = Instant::now();
    let (status, lines, stderr) = run_bin(&["--port", "0", "--seconds", "1"]).await;
    assert_eq!(status, Some(0), "stderr: {stderr}");
    let url = lines
        .iter()
        .find_map(|l| l.strip_prefix("base URL: "))
        .expect("base URL line");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let token = lines
        .iter()
        .find_map(|l| l.strip_prefix("demo token: "))
        .expect("demo token line");
    assert!(token.starts_with("bbx_"));
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn binary_serves_requests_while_running() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_blackbox-sandbox"))
        .args([
            "--port",
            "0",
            "--seconds",
            "3",
            "--demo-token",
            "bbx_bin_test",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("base URL: ") {
                return Some(url.to_owned());
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("base URL line");
    let addr: std::net::SocketAddr = url
        .strip_prefix("http://")
        .and_then(|a| a.parse().ok())
        .expect("socket address");
    let raw = exchange(addr, &request_bytes("bbx_bin_test")).await;
    assert_eq!(assert_ok(&raw.parse())["total"], json!(4));
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits in time")
        .expect("wait");
    assert!(status.success());
}

#[tokio::test]
async fn binary_with_tls_writes_the_ca() {
    let dir = std::env::temp_dir().join(format!("bbx-sandbox-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = dir.join("ca.pem");
    let ca_arg = ca.to_str().expect("utf-8 path").to_owned();
    let (status, lines, stderr) = run_bin(&[
        "--port",
        "0",
        "--tls",
        "--ca-out",
        &ca_arg,
        "--seconds",
        "1",
    ])
    .await;
    assert_eq!(status, Some(0), "stderr: {stderr}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("base URL: https://localhost:"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l == &format!("CA certificate: {ca_arg}"))
    );
    let pem = std::fs::read_to_string(&ca).expect("CA written");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn binary_rejects_bad_arguments_and_a_busy_port() {
    let (status, _, stderr) = run_bin(&["--port", "not-a-port"]).await;
    assert_eq!(status, Some(2));
    assert!(stderr.contains("--port"), "{stderr}");
    let (status, _, stderr) = run_bin(&["--frobnicate"]).await;
    assert_eq!(status, Some(2));
    assert!(stderr.contains("--frobnicate"), "{stderr}");

    let (status, lines, _) = run_bin(&["--help"]).await;
    assert_eq!(status, Some(0));
    assert!(lines.iter().any(|l| l.contains("--seconds")));

    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port().to_string();
    let (status, _, stderr) = run_bin(&["--port", &port, "--seconds", "1"]).await;
    assert_ne!(status, Some(0));
    assert!(stderr.contains("cannot start"), "{stderr}");
}
