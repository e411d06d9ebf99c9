//! The clients doing the same calls: the SDK (facade and standalone functions),
//! the hand-written hyper floor and the reqwest peer.

use std::fmt;
use std::hint::black_box;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use blackbox::Blackbox;
use blackbox::core::BlackboxCore;
use blackbox::models::{ApiResponseSessionInfo, ApiResponseSessionListResponse};
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Empty};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use uuid::Uuid;

use crate::BoxError;

/// Which client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Hand-written hyper + hyper-util + hyper-rustls + serde_json.
    Floor,
    /// `Blackbox` facade: `session_management().get_session(id)`.
    Sdk,
    /// `blackbox::session_management::get_session(&core, request, None)`.
    Funcs,
    /// reqwest 0.13 with the same rustls configuration.
    Peer,
}

impl Kind {
    /// All clients, floor first.
    pub const ALL: [Kind; 4] = [Kind::Floor, Kind::Sdk, Kind::Funcs, Kind::Peer];

    /// The name used on the command line and in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Floor => "floor",
            Kind::Sdk => "sdk",
            Kind::Funcs => "sdk-funcs",
            Kind::Peer => "reqwest",
        }
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| format!("unknown client {s}"))
    }
}

/// Which operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `GET /api/v0/sessions/{id}`.
    GetSession,
    /// `GET /api/v0/sessions` (100 sessions).
    ListSessions,
}

impl Op {
    /// The operation id.
    pub fn name(self) -> &'static str {
        match self {
            Op::GetSession => "get_session",
            Op::ListSessions => "list_sessions",
        }
    }
}

impl FromStr for Op {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "get_session" => Ok(Op::GetSession),
            "list_sessions" => Ok(Op::ListSessions),
            _ => Err(format!("unknown operation {s}")),
        }
    }
}

/// Where and as whom to call.
#[derive(Clone)]
pub struct Target {
    /// Base URL (`http://127.0.0.1:port` or `https://127.0.0.1:port`).
    pub base_url: String,
    /// Bearer token.
    pub token: String,
    /// The session to read.
    pub session_id: Uuid,
    /// PEM of the test CA to trust in addition to the webpki roots.
    pub ca_pem: Option<String>,
}

// By hand: the bearer token must never reach Debug output, even in the bench.
impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url)
            .field("token", &"** redacted **")
            .field("session_id", &self.session_id)
            .field("ca_pem", &self.ca_pem.as_ref().map(|pem| pem.len()))
            .finish()
    }
}

/// A client ready to call.
#[derive(Clone)]
pub enum AnyClient {
    /// See [`Kind::Floor`].
    Floor(Arc<Floor>),
    /// See [`Kind::Sdk`].
    Sdk(Blackbox, Uuid),
    /// See [`Kind::Funcs`].
    Funcs(BlackboxCore, Uuid),
    /// See [`Kind::Peer`].
    Peer(Arc<Peer>),
}

impl fmt::Debug for AnyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            AnyClient::Floor(_) => "floor",
            AnyClient::Sdk(..) => "sdk",
            AnyClient::Funcs(..) => "sdk-funcs",
            AnyClient::Peer(_) => "reqwest",
        };
        f.write_str(name)
    }
}

impl AnyClient {
    /// Builds the client of `kind` for `target`.
    pub fn new(kind: Kind, target: &Target) -> Result<Self, BoxError> {
        Ok(match kind {
            Kind::Floor => AnyClient::Floor(Arc::new(Floor::new(target)?)),
            Kind::Sdk => AnyClient::Sdk(sdk_builder(target).build()?, target.session_id),
            Kind::Funcs => AnyClient::Funcs(
                sdk_builder(target).build()?.core().clone(),
                target.session_id,
            ),
            Kind::Peer => AnyClient::Peer(Arc::new(Peer::new(target)?)),
        })
    }

    /// One call, decoded and checked; the answer is passed to `black_box`.
    pub async fn call(&self, op: Op) -> Result<(), BoxError> {
        let ok = match (self, op) {
            (AnyClient::Floor(floor), Op::GetSession) => check_one(
                &floor
                    .get_json::<ApiResponseSessionInfo>(&floor.session_path)
                    .await?,
            ),
            (AnyClient::Floor(floor), Op::ListSessions) => check_list(
                &floor
                    .get_json::<ApiResponseSessionListResponse>("/api/v0/sessions")
                    .await?,
            ),
            (AnyClient::Sdk(sdk, id), Op::GetSession) => {
                check_one(&sdk.session_management().get_session(*id).await?)
            }
            (AnyClient::Sdk(sdk, _), Op::ListSessions) => {
                check_list(&sdk.session_management().list_sessions().await?)
            }
            (AnyClient::Funcs(core, id), Op::GetSession) => {
                check_one(&blackbox::session_management::get_session(core, *id, None).await?)
            }
            (AnyClient::Funcs(core, _), Op::ListSessions) => {
                check_list(&blackbox::session_management::list_sessions(core, None).await?)
            }
            (AnyClient::Peer(peer), Op::GetSession) => check_one(
                &peer
                    .get_json::<ApiResponseSessionInfo>(&peer.session_url)
                    .await?,
            ),
            (AnyClient::Peer(peer), Op::ListSessions) => check_list(
                &peer
                    .get_json::<ApiResponseSessionListResponse>(&peer.list_url)
                    .await?,
            ),
        };
        if ok {
            Ok(())
        } else {
            Err("the answer has no data".into())
        }
    }
}

fn check_one(answer: &ApiResponseSessionInfo) -> bool {
    black_box(answer).data.is_some()
}

fn check_list(answer: &ApiResponseSessionListResponse) -> bool {
    black_box(answer)
        .data
        .as_ref()
        .is_some_and(|list| !list.sessions.is_empty())
}

fn sdk_builder(target: &Target) -> blackbox::BlackboxBuilder {
    let builder = Blackbox::builder()
        .server_url(target.base_url.clone())
        .token(target.token.clone());
    match &target.ca_pem {
        Some(pem) => builder.add_root_certificate_pem(pem),
        None => builder,
    }
}

/// The same rustls configuration for the floor and the peer: ring, webpki
/// roots plus the test CA, safe default protocol versions, and with `alpn` the
/// ALPN list `h2` then `http/1.1` (the server's choice decides the transport).
/// hyper-rustls sets ALPN itself from `enable_http1`/`enable_http2` (and panics
/// on a preset list), so the floor passes `false`; reqwest does not, so the
/// peer passes `true`.
fn rustls_config(target: &Target, alpn: bool) -> Result<rustls::ClientConfig, BoxError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = &target.ca_pem {
        for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots.add(certificate?)?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    if alpn {
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    }
    Ok(config)
}

/// What a careful engineer writes by hand: hyper-util's pooled client over
/// hyper-rustls (ring, webpki roots), an `HttpConnector` with `TCP_NODELAY`,
/// the idle-pool timer, prebuilt header values, and serde_json into the SDK's
/// own model structs.
pub struct Floor {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    base_url: String,
    session_path: String,
    authorization: HeaderValue,
}

impl fmt::Debug for Floor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Floor")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const FLOOR_AGENT: HeaderValue = HeaderValue::from_static("floor/0.1");

impl Floor {
    fn new(target: &Target) -> Result<Self, BoxError> {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(rustls_config(target, false)?)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", target.token))?;
        authorization.set_sensitive(true);
        Ok(Self {
            client,
            base_url: target.base_url.trim_end_matches('/').to_owned(),
            session_path: format!("/api/v0/sessions/{}", target.session_id),
            authorization,
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, BoxError> {
        let uri = Uri::try_from(format!("{}{path}", self.base_url))?;
        let mut request = Request::get(uri).body(Empty::new())?;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.authorization.clone());
        headers.insert(ACCEPT, JSON);
        headers.insert(USER_AGENT, FLOOR_AGENT);
        let response = self.client.request(request).await?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()).into());
        }
        let body = response.into_body().collect().await?.to_bytes();
        Ok(serde_json::from_slice(&body)?)
    }
}

/// reqwest 0.13 with `rustls-no-provider`, given the same rustls configuration
/// (ALPN set by hand, as reqwest does not set it on a preconfigured config).
pub struct Peer {
    client: reqwest::Client,
    session_url: String,
    list_url: String,
}

impl fmt::Debug for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Peer")
            .field("list_url", &self.list_url)
            .finish_non_exhaustive()
    }
}

impl Peer {
    fn new(target: &Target) -> Result<Self, BoxError> {
        let mut headers = HeaderMap::new();
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", target.token))?;
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(ACCEPT, JSON);
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(rustls_config(target, true)?)
            .tcp_nodelay(true)
            .no_proxy()
            .user_agent("peer/0.1")
            .default_headers(headers)
            .build()?;
        let base = target.base_url.trim_end_matches('/');
        Ok(Self {
            client,
            session_url: format!("{base}/api/v0/sessions/{}", target.session_id),
            list_url: format!("{base}/api/v0/sessions"),
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, BoxError> {
        let response = self.client.get(url).send().await?.error_for_status()?;
        let body = response.bytes().await?;
        Ok(serde_json::from_slice(&body)?)
    }
}
