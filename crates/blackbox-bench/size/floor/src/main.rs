//! The hand-written floor calling `get_session` once:
//! `size-floor URL TOKEN SESSION_ID [CA_PEM_FILE]`.
#![forbid(unsafe_code)]
use std::process::ExitCode;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::Deserialize;
use uuid::Uuid;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct SessionInfo {
    id: Uuid,
    user_id: Uuid,
    token: String,
    created_at: String,
    expires_at: String,
    user_agent: String,
    ip_address: String,
    is_current: bool,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct ApiResponseSessionInfo {
    success: bool,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    data: Option<SessionInfo>,
}

async fn run(args: &[String]) -> Result<bool, BoxError> {
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_owned());
    let id: Uuid = arg(2, "fe603112-c194-45c1-90cf-513753aa0744").parse()?;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = args.get(3) {
        for certificate in CertificateDer::pem_file_iter(path)? {
            roots.add(certificate?)?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.enforce_http(false);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .build(connector);
    let uri: http::Uri =
        format!("{}/api/v0/sessions/{id}", arg(0, "https://127.0.0.1:8443")).parse()?;
    let request = http::Request::get(uri)
        .header(
            http::header::AUTHORIZATION,
            format!("Bearer {}", arg(1, "token")),
        )
        .header(http::header::ACCEPT, "application/json")
        .body(Empty::new())?;
    let response = client.request(request).await?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()).into());
    }
    let body = response.into_body().collect().await?.to_bytes();
    let answer: ApiResponseSessionInfo = serde_json::from_slice(&body)?;
    Ok(answer.data.map_or(false, |session| session.id == id))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match runtime.block_on(run(&args)) {
        Ok(found) => {
            println!("{found}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
