//! Proxies over loopback: plain-HTTP targets in absolute form, HTTPS targets
//! through a `CONNECT` tunnel with TLS end to end.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use blackbox_core::http::Method;
use blackbox_core::{BlackboxCore, OperationRequest, RetryConfig};
use blackbox_rs::{RawServer, Reply};
use blackbox_sandbox::Sandbox;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn stats_request() -> OperationRequest {
    OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats")
}

#[tokio::test]
async fn plain_http_targets_go_to_the_proxy_in_absolute_form() {
    let proxy = RawServer::start([], Reply::json(200, r#"{"success":true}"#))
        .await
        .unwrap();
    let core = BlackboxCore::builder()
        .server_url("http://127.0.0.1:9/")
        .token("test-token")
        .proxy(proxy.url())
        .build()
        .unwrap();
    core.execute(stats_request(), None).await.unwrap();
    let request = String::from_utf8(proxy.requests()[0].clone()).unwrap();
    assert!(
        request.starts_with("GET http://127.0.0.1:9/api/v0/sessions/stats HTTP/1.1\r\n"),
        "{request}"
    );
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    let proxy = RawServer::start([], Reply::json(500, "{}")).await.unwrap();
    let target = RawServer::start([], Reply::json(200, r#"{"success":true}"#))
        .await
        .unwrap();
    let core = BlackboxCore::builder()
        .server_url(target.url())
        .proxy(proxy.url())
        .no_proxy("127.0.0.1")
        .build()
        .unwrap();
    core.execute(stats_request(), None).await.unwrap();
    assert_eq!((proxy.request_count(), target.request_count()), (0, 1));
}

/// A minimal `CONNECT` proxy: records each CONNECT head, then splices bytes.
async fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://user:pa55@{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&heads);
    let task = tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let recorded = Arc::clone(&recorded);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                recorded.lock().unwrap().push(head);
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (url, heads, task)
}

#[tokio::test]
async fn https_targets_are_tunnelled_with_connect_and_proxy_credentials() {
    let sandbox = Sandbox::start_tls().await.unwrap();
    let (proxy_url, heads, proxy_task) = connect_proxy().await;
    let core = BlackboxCore::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .tls_built_in_roots(false)
        .add_root_certificate_pem(sandbox.ca_pem().unwrap())
        .proxy(proxy_url)
        .retry(RetryConfig::disabled())
        .attempt_timeout(Some(Duration::from_secs(10)))
        .build()
        .unwrap();
    let response = core.execute(stats_request(), None).await.unwrap();
    assert_eq!(response.status(), 200);
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1);
    let port = sandbox.local_addr().port();
    assert!(
        heads[0].starts_with(&format!("CONNECT localhost:{port} HTTP/1.1\r\n")),
        "{}",
        heads[0]
    );
    // user:pa55 in Basic form; the bearer token never goes to the proxy.
    assert!(
        heads[0].contains("Proxy-Authorization: Basic dXNlcjpwYTU1\r\n"),
        "{}",
        heads[0]
    );
    assert!(!heads[0].contains(sandbox.demo_token()));
    proxy_task.abort();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unusable_proxy_url_is_a_typed_error() {
    for url in [
        "not a url",
        "socks5://127.0.0.1:1080",
        "https://127.0.0.1:3128",
    ] {
        let error = BlackboxCore::builder().proxy(url).build().unwrap_err();
        assert!(
            matches!(error, blackbox_core::Error::InvalidRequest(_)),
            "{url}: {error:?}"
        );
    }
}
