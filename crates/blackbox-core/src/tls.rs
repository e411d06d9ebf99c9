//! rustls client configuration: an explicit crypto provider and the trusted roots.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::Error;

/// Which roots to trust, collected by the builder.
#[derive(Clone, Debug)]
pub(crate) struct TlsSettings {
    pub(crate) built_in_roots: bool,
    pub(crate) extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for TlsSettings {
    fn default() -> Self {
        Self {
            built_in_roots: true,
            extra_roots: Vec::new(),
        }
    }
}

/// Parses every certificate in a PEM document; at least one must be present.
pub(crate) fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| {
            Error::invalid_request_with_source("root certificate PEM cannot be parsed", source)
        })?;
    if certificates.is_empty() {
        return Err(Error::invalid_request(
            "root certificate PEM holds no certificate",
        ));
    }
    Ok(certificates)
}

/// The crypto provider, chosen explicitly so that linking another provider
/// elsewhere in the program can never make the SDK panic or switch silently.
fn provider() -> Result<Arc<rustls::crypto::CryptoProvider>, Error> {
    #[cfg(feature = "aws-lc-rs")]
    {
        Ok(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
    }
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    {
        Ok(Arc::new(rustls::crypto::ring::default_provider()))
    }
    #[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
    {
        // Built with `rustls` but no bundled provider: the application must have
        // installed one, and we say so instead of panicking.
        rustls::crypto::CryptoProvider::get_default()
            .cloned()
            .ok_or_else(|| {
                Error::invalid_request(
                    "TLS needs a crypto provider: enable the `ring` or `aws-lc-rs` feature, \
                     or install a process-wide rustls CryptoProvider",
                )
            })
    }
}

/// The client config: provider, protocol versions, roots. ALPN is set by the
/// connector builder to match the HTTP versions compiled in.
pub(crate) fn client_config(settings: &TlsSettings) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore::empty();
    if settings.built_in_roots {
        #[cfg(feature = "webpki-roots")]
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        #[cfg(feature = "native-roots")]
        {
            let native = rustls_native_certs::load_native_certs();
            // Unreadable system certificates are skipped, as browsers do; the ones
            // that load still count.
            roots.add_parsable_certificates(native.certs);
        }
    }
    for certificate in &settings.extra_roots {
        roots.add(certificate.clone()).map_err(|source| {
            Error::invalid_request_with_source("root certificate is not usable", source)
        })?;
    }
    let config = rustls::ClientConfig::builder_with_provider(provider()?)
        .with_safe_default_protocol_versions()
        .map_err(|source| {
            Error::invalid_request_with_source(
                "TLS provider supports no safe protocol version",
                source,
            )
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_without_certificates_is_refused() {
        assert!(parse_pem_certificates(b"").is_err());
        assert!(
            parse_pem_certificates(
                b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"
            )
            .is_err()
        );
    }
}
