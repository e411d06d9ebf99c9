//! # blackbox-core
//!
//! The transport core of the Blackbox Session Management SDK: [`BlackboxCore`]
//! sends one API operation well — configuration, bearer auth, server selection,
//! retries with backoff, timeouts, hooks, body limits and typed errors — on
//! hyper, hyper-util, hyper-rustls and Tokio. It knows nothing about sessions:
//! the operations are the functions of the `blackbox-funcs` crate, and most
//! programs use them through the `Blackbox` client of the `blackbox` crate,
//! which re-exports this crate as `blackbox::core`.
//!
//! ## Usage
//!
//! An operation function builds an [`OperationRequest`] and hands it to
//! [`BlackboxCore::execute`], which returns the raw answer; the API's envelope
//! is decoded with [`RawResponse::into_api_response`].
//!
//! ```no_run
//! use std::collections::HashMap;
//!
//! use blackbox_core::http::Method;
//! use blackbox_core::{BlackboxCore, OperationRequest, RequestOptions, RetryConfig};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), blackbox_core::Error> {
//!     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
//!     let core = BlackboxCore::from_env()?;
//!     let request = OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats");
//!     let options = RequestOptions::new().retry(RetryConfig::disabled());
//!     let response = core.execute(request, Some(options)).await?;
//!     // Any `Deserialize` type; the `blackbox-funcs` crate has the API's models.
//!     let stats = response.into_api_response::<HashMap<String, u64>>()?.into_data()?;
//!     println!("{stats:?}");
//!     Ok(())
//! }
//! ```
//!
//! ## Errors
//!
//! Every failure is one [`Error`], grouped by how far the request got; each
//! variant documents whether the request may have reached the server, and
//! carries a context type with accessors ([`ApiError`], [`TimeoutError`], ...).
//!
//! ## Features
//!
//! The transport features; `blackbox-funcs` and `blackbox` pass each of them
//! through under the same name.
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
//! | `debug-log` | yes | the debug log on standard error: [`BlackboxCoreBuilder::debug`] or `BLACKBOX_DEBUG=1` (without the feature, the variable is ignored and the binary is smaller) |
//! | `tracing` | no | spans and events through `tracing`, named after OpenTelemetry's HTTP client conventions, all at `DEBUG` (see the crate's README section "Tracing"); nothing of `tracing` is compiled in without it |
//! | `request-body` | no | requests with a body ([`OperationRequest::json_body`]); the operations that send one turn it on |
//!
//! Without TLS features the client speaks plain HTTP only (for a sidecar on
//! loopback); `https` URLs are then refused with [`Error::InvalidRequest`].
#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    missing_debug_implementations,
    rustdoc::broken_intra_doc_links
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod client;
mod envelope;
mod error;
mod headers;
mod hooks;
mod http_date;
mod hyper_client;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod mock;
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
#[cfg(feature = "tracing")]
mod trace;
mod transport;

pub use builder::{
    BlackboxCoreBuilder, DEFAULT_MAX_BODY_SIZE, ENV_AUTH_TOKEN, ENV_DEBUG, ENV_SERVER_URL,
};
pub use client::BlackboxCore;
pub use envelope::{ApiResponse, ResponseMeta};
pub use error::{
    ApiError, BodyTooLargeError, BoxError, CredentialsError, Error, HookError, InvalidRequestError,
    ResponseValidationError, TimeoutError, TimeoutKind,
};
pub use hooks::{HookContext, Hooks};
pub use options::RequestOptions;
pub use request::{OperationId, OperationRequest, RawResponse};
pub use retry::{Jitter, RetryBudget, RetryConfig, Sleeper};
pub use secret::SecretString;
pub use server::{Server, ServerUrl};
pub use token::{BoxFuture, TokenSource};
pub use transport::{HttpClient, ResponseBody, TransportError, TransportErrorKind};

/// For `operation_span!` in the operation functions.
#[cfg(feature = "tracing")]
#[doc(hidden)]
pub use tracing as __tracing;

/// Re-exported so users can name request/response types without adding `http`.
pub use http;

/// Re-exported so users can name [`bytes::Bytes`] (request bodies in hooks and
/// custom transports) without adding `bytes`.
pub use bytes;
