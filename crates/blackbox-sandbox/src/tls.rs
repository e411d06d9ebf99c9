//! Test PKI generated at start: a CA and a server certificate signed by it.

use std::io;
use std::sync::Arc;
use std::time::SystemTime;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use crate::timestamp::{civil_from_days, unix_seconds};

/// The server side of the generated PKI.
pub(crate) struct TlsMaterial {
    /// The acceptor serving the server certificate, with ALPN `h2` and `http/1.1`.
    pub(crate) acceptor: TlsAcceptor,
    /// The CA certificate, PEM encoded.
    pub(crate) ca_pem: String,
}

fn invalid(what: &str, err: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {err}"))
}

/// The current real (not sandbox-clock) calendar year, clamped to a range
/// the certificate encoder accepts.
fn current_year() -> i32 {
    let days = unix_seconds(SystemTime::now()).div_euclid(86_400);
    let (year, _, _) = civil_from_days(days);
    i32::try_from(year.clamp(1_971, 9_000)).unwrap_or(2_026)
}

/// Generates a CA and a server certificate for `server_names` signed by it.
///
/// With `expired`, the server certificate's validity lies entirely in the
/// past (2000-01-01 to 2001-01-01); the CA is always valid.
pub(crate) fn generate(server_names: &[String], expired: bool) -> io::Result<TlsMaterial> {
    let year = current_year();

    let ca_key = KeyPair::generate().map_err(|e| invalid("generating the CA key", e))?;
    let mut ca_params =
        CertificateParams::new(Vec::<String>::new()).map_err(|e| invalid("CA parameters", e))?;
    // A unique name per CA: verifiers look issuers up by name, so two
    // sandboxes' CAs must not be mistaken for one another.
    let ca_name = format!("blackbox-sandbox test CA {}", uuid::Uuid::new_v4().simple());
    ca_params
        .distinguished_name
        .push(DnType::CommonName, ca_name);
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "blackbox-sandbox");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = date_time_ymd(year - 1, 1, 1);
    ca_params.not_after = date_time_ymd(year + 10, 1, 1);
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(|e| invalid("signing the CA certificate", e))?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(|e| invalid("generating the server key", e))?;
    let mut params = CertificateParams::new(server_names.to_vec())
        .map_err(|e| invalid("server certificate names", e))?;
    let common_name = server_names
        .first()
        .map_or("blackbox-sandbox", String::as_str);
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if expired {
        params.not_before = date_time_ymd(2000, 1, 1);
        params.not_after = date_time_ymd(2001, 1, 1);
    } else {
        params.not_before = date_time_ymd(year - 1, 1, 1);
        params.not_after = date_time_ymd(year + 5, 1, 1);
    }
    let server_cert = params
        .signed_by(&server_key, &issuer)
        .map_err(|e| invalid("signing the server certificate", e))?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    // Never the process-wide default provider: the SDK may link another one.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("TLS protocol versions", e))?
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.der().clone()], key)
        .map_err(|e| invalid("TLS server certificate", e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];

    Ok(TlsMaterial {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca_pem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_pem_ca_and_rejects_bad_names() {
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let material = generate(&names, false).ok();
        let pem = material.map(|m| m.ca_pem).unwrap_or_default();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(generate(&["ünïcode.example".to_string()], false).is_err());
        assert!(generate(&names, true).is_ok());
        assert!((2024..9000).contains(&current_year()));
    }
}
