//! The loopback responder: fixed, schema-valid answers with no server-side work,
//! so that the client's cost dominates. Runs as a child process (hidden
//! `responder` subcommand) on its own current-thread runtime, and stops by itself
//! when its stdin closes (the harness went away) or after `--seconds`.
//!
//! Three listeners on 127.0.0.1: plain HTTP/1.1, TLS offering only
//! `http/1.1` by ALPN, and TLS offering `h2` first. Every client offers both
//! protocols, so the listener decides the transport. With `--sandbox` it runs
//! the reference sandbox over TLS instead (realistic answers).

use std::convert::Infallible;
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::BoxError;
use crate::fixtures;

/// Sessions in the `list_sessions` answer of the throughput scenarios.
pub const LIST_SESSIONS: usize = 100;

/// The fixed answers, and counters of the HTTP versions served per listener.
#[derive(Debug)]
struct Answers {
    session: Bytes,
    list: Bytes,
    /// Requests per listener (plain, TLS http/1.1, TLS h2) and version (1.1, 2).
    served: [[AtomicU64; 2]; 3],
}

/// Entry point of `blackbox-bench responder [--sandbox] --ca-out PATH [--seconds N]`.
///
/// Prints one line on stdout once listening:
/// `READY <plain url> <tls http/1.1 url> <tls h2 url>` (fixed answers) or
/// `READY <sandbox url> <token> <session id>` (`--sandbox`).
pub fn main(args: &[String]) -> Result<(), BoxError> {
    let mut ca_out = None;
    let mut seconds = 1_800_u64;
    let mut sandbox = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--ca-out" => ca_out = args.next().cloned(),
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(seconds),
            "--sandbox" => sandbox = true,
            other => return Err(format!("responder: unknown argument {other}").into()),
        }
    }
    let ca_out = ca_out.ok_or("responder: --ca-out PATH is required")?;

    // Stop when the harness closes our stdin (or dies), whatever happens.
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut line = String::new();
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        while matches!(lock.read_line(&mut line), Ok(n) if n > 0) {
            line.clear();
        }
        let _ = stop_tx.send(());
    });

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let serve = async {
            if sandbox {
                serve_sandbox(&ca_out).await
            } else {
                serve_fixed(&ca_out).await
            }
        };
        tokio::select! {
            result = serve => result,
            _ = stop_rx => Ok(()),
            () = tokio::time::sleep(Duration::from_secs(seconds)) => Ok(()),
        }
    })
}

async fn serve_sandbox(ca_out: &str) -> Result<(), BoxError> {
    let sandbox = blackbox_sandbox::Sandbox::builder()
        .tls(true)
        // Four seeded sessions + 96 = the 100 of the scenarios.
        .extra_sessions(LIST_SESSIONS - 4)
        // Nothing reads the log here; keep the server's per-request work as before.
        .request_log_capacity(0)
        .start()
        .await?;
    std::fs::write(ca_out, sandbox.ca_pem().ok_or("the sandbox has no CA")?)?;
    println!(
        "READY {} {} {}",
        sandbox.base_url(),
        sandbox.demo_token(),
        sandbox.demo_session_id()
    );
    std::io::stdout().flush()?;
    // Serves until the select! above ends the process.
    std::future::pending::<()>().await;
    Ok(())
}

async fn serve_fixed(ca_out: &str) -> Result<(), BoxError> {
    let answers = Arc::new(Answers {
        session: fixtures::session_body(),
        list: fixtures::list_body(LIST_SESSIONS),
        served: Default::default(),
    });
    let counters = Arc::clone(&answers);
    let _report = Report(counters);
    let (ca_pem, h1_only, h2_first) = tls_acceptors()?;
    std::fs::write(ca_out, ca_pem)?;

    let plain = TcpListener::bind("127.0.0.1:0").await?;
    let tls1 = TcpListener::bind("127.0.0.1:0").await?;
    let tls2 = TcpListener::bind("127.0.0.1:0").await?;
    println!(
        "READY http://127.0.0.1:{} https://127.0.0.1:{} https://127.0.0.1:{}",
        plain.local_addr()?.port(),
        tls1.local_addr()?.port(),
        tls2.local_addr()?.port()
    );
    std::io::stdout().flush()?;

    tokio::spawn(accept_loop(plain, None, Arc::clone(&answers), 0));
    tokio::spawn(accept_loop(tls1, Some(h1_only), Arc::clone(&answers), 1));
    accept_loop(tls2, Some(h2_first), answers, 2).await;
    Ok(())
}

/// Prints, when the responder stops, which HTTP versions each listener served
/// (to check that ALPN picked the intended transport).
struct Report(Arc<Answers>);

impl Drop for Report {
    fn drop(&mut self) {
        let count = |listener: usize, version: usize| {
            self.0.served[listener][version].load(Ordering::Relaxed)
        };
        eprintln!(
            "responder: served plain {}×HTTP/1.1 {}×HTTP/2; TLS(http/1.1) {}×HTTP/1.1 {}×HTTP/2; \
             TLS(h2) {}×HTTP/1.1 {}×HTTP/2",
            count(0, 0),
            count(0, 1),
            count(1, 0),
            count(1, 1),
            count(2, 0),
            count(2, 1)
        );
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    answers: Arc<Answers>,
    index: usize,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let answers = Arc::clone(&answers);
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(Arc::clone(&answers), index, request));
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder.http1().header_read_timeout(None);
            builder.http2().max_concurrent_streams(1_000);
            let _ = match tls {
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(stream) => {
                        builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await
                    }
                    Err(_) => return,
                },
                None => {
                    builder
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                }
            };
        });
    }
}

async fn answer(
    answers: Arc<Answers>,
    listener: usize,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let version = usize::from(request.version() == http::Version::HTTP_2);
    answers.served[listener][version].fetch_add(1, Ordering::Relaxed);
    let path = request.uri().path();
    let body = if path == "/api/v0/sessions" {
        Some(answers.list.clone())
    } else if path.starts_with("/api/v0/sessions/") {
        Some(answers.session.clone())
    } else {
        None
    };
    let mut response = match body {
        Some(body) => Response::new(Full::new(body)),
        None => {
            let mut response = Response::new(Full::new(Bytes::from_static(
                br#"{"success":false,"message":"not found"}"#,
            )));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// A fresh CA, and two acceptors for `localhost`/`127.0.0.1` signed by it: one
/// offering only HTTP/1.1 by ALPN, one offering HTTP/2 first.
fn tls_acceptors() -> Result<(String, TlsAcceptor, TlsAcceptor), BoxError> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "blackbox-bench test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.signed_by(&key, &issuer)?;

    let make = |alpn: Vec<Vec<u8>>| -> Result<TlsAcceptor, BoxError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )?;
        config.alpn_protocols = alpn;
        Ok(TlsAcceptor::from(Arc::new(config)))
    };
    let h1_only = make(vec![b"http/1.1".to_vec()])?;
    let h2_first = make(vec![b"h2".to_vec(), b"http/1.1".to_vec()])?;
    Ok((ca_pem, h1_only, h2_first))
}
