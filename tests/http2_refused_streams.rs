//! HTTP/2 streams the server refuses: `RST_STREAM(REFUSED_STREAM)` means "closed
//! before any processing" (RFC 9113 §8.7), so such a request is reported as
//! never sent and retried — POST included — against a raw h2 server (the `h2`
//! crate over TLS on 127.0.0.1) that refuses streams on purpose.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blackbox::core::http::{Method, Version};
#[path = "support/h2.rs"]
mod h2_support;

use blackbox::core::{BlackboxCore, OperationRequest};
use blackbox::{Error, RetryConfig};
use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use h2_support::{fast_retries, tls_acceptor};

/// Which streams the server refuses.
#[derive(Clone, Copy, Debug)]
enum Policy {
    /// The first stream of each path; later ones are answered.
    FirstOfEachPath,
    /// Every stream.
    All,
    /// None itself, but h2 refuses streams over this many at once (the
    /// server's `SETTINGS_MAX_CONCURRENT_STREAMS`); each answer takes 20 ms so
    /// that streams overlap.
    Limit(u32),
}

/// Per path: streams refused, streams answered (processed).
#[derive(Debug, Default)]
struct Log {
    refused: HashMap<String, usize>,
    answered: HashMap<String, usize>,
    /// Streams being answered at once, now and at most.
    open: usize,
    most_open: usize,
}

struct RefusingServer {
    port: u16,
    ca_pem: String,
    log: Arc<Mutex<Log>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RefusingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn refusing_server(policy: Policy) -> RefusingServer {
    let (acceptor, ca_pem) = tls_acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let log = Arc::new(Mutex::new(Log::default()));
    let server_log = Arc::clone(&log);
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, log) = (acceptor.clone(), Arc::clone(&server_log));
            connections.spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut builder = h2::server::Builder::new();
                if let Policy::Limit(limit) = policy {
                    builder.max_concurrent_streams(limit);
                }
                let Ok(mut connection) = builder.handshake::<_, Bytes>(tls).await else {
                    return;
                };
                let mut streams = JoinSet::new();
                while let Some(Ok((request, mut respond))) = connection.accept().await {
                    let path = request.uri().path().to_owned();
                    let refuse = {
                        let mut log = log.lock().unwrap();
                        let refuse = match policy {
                            Policy::FirstOfEachPath => !log.refused.contains_key(&path),
                            Policy::All => true,
                            Policy::Limit(_) => false,
                        };
                        let counts = if refuse {
                            &mut log.refused
                        } else {
                            &mut log.answered
                        };
                        *counts.entry(path).or_default() += 1;
                        refuse
                    };
                    if refuse {
                        respond.send_reset(h2::Reason::REFUSED_STREAM);
                        continue;
                    }
                    let log = Arc::clone(&log);
                    streams.spawn(async move {
                        {
                            let mut log = log.lock().unwrap();
                            log.open += 1;
                            log.most_open = log.most_open.max(log.open);
                        }
                        let mut body = request.into_body();
                        while let Some(Ok(chunk)) = body.data().await {
                            let _ = body.flow_control().release_capacity(chunk.len());
                        }
                        if let Policy::Limit(_) = policy {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        log.lock().unwrap().open -= 1;
                        let response = http::Response::builder()
                            .status(200)
                            .header("content-type", "application/json")
                            .body(())
                            .expect("response");
                        if let Ok(mut send) = respond.send_response(response, false) {
                            let _ =
                                send.send_data(Bytes::from_static(br#"{"success":true}"#), true);
                        }
                    });
                }
            });
        }
    });
    RefusingServer {
        port,
        ca_pem,
        log,
        task,
    }
}

fn client(server: &RefusingServer) -> BlackboxCore {
    h2_support::client(
        server.port,
        &server.ca_pem,
        fast_retries(),
        Duration::from_secs(10),
    )
}

fn request(method: &Method, call: usize) -> OperationRequest {
    h2_support::request("refused_stream_test", method, call)
}

const IN_FLIGHT: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_streams_are_never_sent_so_get_and_post_are_retried() {
    let server = refusing_server(Policy::FirstOfEachPath).await;
    for method in [Method::GET, Method::POST] {
        // A client per method: each call costs one retry from the budget.
        let core = client(&server);
        let mut calls = JoinSet::new();
        for call in 0..IN_FLIGHT {
            let (core, method) = (core.clone(), method.clone());
            calls.spawn(async move { core.execute(request(&method, call), None).await });
        }
        let mut failures = Vec::new();
        while let Some(outcome) = calls.join_next().await {
            match outcome.expect("task") {
                Ok(response) => assert_eq!(response.version(), Version::HTTP_2),
                Err(error) => failures.push(error),
            }
        }
        let log = server.log.lock().unwrap();
        let prefix = format!("/{}/", method.as_str().to_ascii_lowercase());
        let refused: usize = log
            .refused
            .iter()
            .filter(|(path, _)| path.starts_with(&prefix))
            .map(|(_, count)| count)
            .sum();
        let answered: Vec<usize> = log
            .answered
            .iter()
            .filter(|(path, _)| path.starts_with(&prefix))
            .map(|(_, count)| *count)
            .collect();
        eprintln!(
            "REFUSED_STREAM {method}: {IN_FLIGHT} calls in flight, {} failed, {refused} streams refused, {} processed",
            failures.len(),
            answered.iter().sum::<usize>()
        );
        assert!(failures.is_empty(), "{failures:#?}");
        assert_eq!(refused, IN_FLIGHT, "each call refused once");
        assert_eq!(answered.len(), IN_FLIGHT);
        assert!(
            answered.iter().all(|count| *count == 1),
            "processed exactly once"
        );
    }
}

#[tokio::test]
async fn a_server_that_refuses_every_stream_is_never_reached() {
    let server = refusing_server(Policy::All).await;
    let core = client(&server);
    for method in [Method::GET, Method::POST] {
        let error = core
            .execute(request(&method, 0), None)
            .await
            .expect_err("refused");
        assert!(matches!(error, Error::Connect(_)), "{error:?}");
        assert!(!error.request_may_have_reached_server(), "{error:?}");
        assert!(error.is_retryable());
        assert_eq!(
            error.to_string(),
            "the server refused the HTTP/2 stream before processing it"
        );
    }
    let log = server.log.lock().unwrap();
    assert_eq!(log.refused.get("/get/0"), Some(&3), "three attempts");
    assert_eq!(log.refused.get("/post/0"), Some(&3), "a POST too");
    assert!(log.answered.is_empty());
}

/// The client keeps within the server's stream limit from the first request
/// on: until the server's SETTINGS arrive it opens two streams, not 64 that a
/// server allowing 4 would refuse (47 of 64 POSTs failed before). Retries are
/// off, so a refused stream would fail its call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_connection_opens_no_more_streams_than_the_server_allows() {
    const LIMIT: u32 = 4;
    for method in [Method::GET, Method::POST] {
        // A server per method, so that each burst meets a new connection.
        let server = refusing_server(Policy::Limit(LIMIT)).await;
        let core = h2_support::client(
            server.port,
            &server.ca_pem,
            RetryConfig::disabled(),
            Duration::from_secs(10),
        );
        let mut calls = JoinSet::new();
        for call in 0..IN_FLIGHT {
            let (core, method) = (core.clone(), method.clone());
            calls.spawn(async move { core.execute(request(&method, call), None).await });
        }
        let mut failures = Vec::new();
        while let Some(outcome) = calls.join_next().await {
            if let Err(error) = outcome.expect("task") {
                failures.push(error);
            }
        }
        let log = server.log.lock().unwrap();
        eprintln!(
            "stream limit {LIMIT}, {method}: {IN_FLIGHT} calls in flight, {} failed, {} processed, at most {} at once",
            failures.len(),
            log.answered.values().sum::<usize>(),
            log.most_open
        );
        assert!(failures.is_empty(), "{failures:#?}");
        assert_eq!(log.answered.len(), IN_FLIGHT);
        assert!(log.answered.values().all(|count| *count == 1));
        assert!(log.most_open <= LIMIT as usize, "{}", log.most_open);
        assert!(log.most_open > 1, "the limit is used, not one at a time");
    }
}
