//! What the HTTP/2 test servers and their clients share: a TLS acceptor that
//! offers only `h2`, a client that trusts it, and one request per call.

use std::sync::Arc;
use std::time::Duration;

use blackbox::RetryConfig;
use blackbox::core::http::Method;
use blackbox::core::{BlackboxCore, Jitter, OperationRequest};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// A TLS acceptor for `localhost` offering only `h2`, and its certificate (PEM).
pub fn tls_acceptor() -> (TlsAcceptor, String) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .expect("config");
    config.alpn_protocols = vec![b"h2".to_vec()];
    (TlsAcceptor::from(Arc::new(config)), cert.pem())
}

/// Retries as by default, but 1 ms apart and without jitter.
pub fn fast_retries() -> RetryConfig {
    RetryConfig::default()
        .with_initial_interval(Duration::from_millis(1))
        .with_jitter(Jitter::None)
}

/// A client of `https://localhost:{port}` trusting only `ca_pem`.
pub fn client(
    port: u16,
    ca_pem: &str,
    retry: RetryConfig,
    attempt_timeout: Duration,
) -> BlackboxCore {
    BlackboxCore::builder()
        .server_url(format!("https://localhost:{port}"))
        .token("test-token")
        .tls_built_in_roots(false)
        .add_root_certificate_pem(ca_pem)
        .retry(retry)
        .attempt_timeout(Some(attempt_timeout))
        .build()
        .expect("client")
}

/// A GET, or a non-idempotent POST with a body (never resent by the SDK once
/// it may have reached the server), to its own path `/{method}/{call}`.
pub fn request(operation_id: &'static str, method: &Method, call: usize) -> OperationRequest {
    let path = format!("/{}/{call}", method.as_str().to_ascii_lowercase());
    let request = OperationRequest::new(operation_id, method.clone(), path);
    if method == Method::POST {
        request
            .json_body(&serde_json::json!({ "extension_hours": 1 }))
            .expect("body")
    } else {
        request
    }
}
