//! # blackbox-core
//!
//! The transport core of the Blackbox Session Management SDK: [`BlackboxCore`]
//! sends one API operation well — configuration, bearer auth, server selection,
//! retries with backoff, timeouts, hooks, body limits and typed errors — on
//! hyper, hyper-util, hyper-rustls and Tokio. It knows nothing about sessions;
//! the operation functions live in `blackbox-funcs` and the `Blackbox` client in
//! `blackbox`.
//!
//! ## Usage
//!
//! ```no_run
//! use blackbox_core::{BlackboxCore, OperationRequest, RequestOptions, RetryConfig};
//!
//! # async fn run() -> Result<(), blackbox_core::Error> {
//! let core = BlackboxCore::builder().token("my-token").build()?;
//! let request = OperationRequest::new("get_session_stats", http::Method::GET, "/api/v0/sessions/stats");
//! let options = RequestOptions::new().retries(RetryConfig::disabled());
//! let response = core.execute(request, Some(&options)).await?;
//! let stats: serde_json::Value = response.decode_json()?;
//! # let _ = stats;
//! # Ok(())
//! # }
//! ```
//!
//! ## Errors
//!
//! Every failure is one [`Error`], grouped by how far the request got; each
//! variant documents whether the request may have reached the server.
//!
//! ## Features
//!
//! | feature | default | what it does |
//! |---|---|---|
//! | `ring` | yes | TLS through rustls with the `ring` provider |
//! | `aws-lc-rs` | no | TLS through rustls with the `aws-lc-rs` provider (preferred when both are on) |
//! | `rustls` | with the above | TLS without a bundled provider (uses the process-wide one) |
//! | `webpki-roots` | yes | Mozilla's root certificates compiled in |
//! | `native-roots` | no | the operating system's root certificates |
//! | `http2` | no | HTTP/2, negotiated by ALPN over TLS |
//! | `proxy` | no | HTTP(S) proxies from the environment or the builder |
//! | `debug-log` | yes | the debug log on stderr: `debug(true)` / `BLACKBOX_DEBUG` (without it, ~6 KiB smaller and the variable is ignored) |
//! | `request-body` | no | requests with a body (`OperationRequest::json_body`); without it the default transport is built for bodiless requests (~11 KiB smaller). The operations that send a body turn it on |
//!
//! Without TLS features the client speaks plain HTTP only (for a sidecar on
//! loopback); `https` URLs are then refused with [`Error::InvalidRequest`].
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod client;
mod error;
mod headers;
mod hooks;
mod http_date;
mod hyper_client;
mod options;
#[cfg(feature = "proxy")]
mod proxy;
mod request;
mod retry;
mod secret;
mod server;
#[cfg(feature = "rustls")]
mod tls;
mod token;
mod transport;

pub use builder::{
    BlackboxCoreBuilder, DEFAULT_MAX_BODY_SIZE, ENV_AUTH_TOKEN, ENV_DEBUG, ENV_SERVER_URL,
};
pub use client::BlackboxCore;
pub use error::{
    ApiError, BodyTooLargeError, BoxError, Error, InvalidRequestError, ResponseValidationError,
    TimeoutError, TimeoutKind,
};
pub use hooks::{HookContext, Hooks};
pub use options::RequestOptions;
pub use request::{OperationRequest, RawResponse};
pub use retry::{Jitter, RetryConfig, Sleeper};
pub use secret::SecretString;
pub use server::{SERVERS, Server, ServerUrl};
pub use token::{BoxFuture, TokenSource};
pub use transport::{HttpClient, ResponseBody, TransportError, TransportErrorKind};

/// Re-exported so users can name request/response types without adding `http`.
pub use http;

/// Re-exported so users can name [`bytes::Bytes`] (request bodies in hooks and
/// custom transports) without adding `bytes`.
pub use bytes;
