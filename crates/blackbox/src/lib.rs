//! # blackbox
//!
//! The Rust SDK of the Blackbox Session Management API. [`Blackbox`] is the
//! client; `blackbox.session_management()` gives the seven operations as async
//! methods, like the TypeScript SDK's `blackbox.sessionManagement`.
//!
//! This crate adds nothing but the client and its methods: the operations are
//! the standalone functions of `blackbox-funcs` (re-exported as [`funcs`]) and
//! the transport — auth, servers, retries, timeouts, hooks, TLS — is
//! `blackbox-core` (re-exported as [`blackbox_core`]).
//!
//! ## Usage
//!
//! ```
//! use blackbox::models::RevokeAllSessionsRequest;
//! use blackbox::{Blackbox, RequestOptions, RetryConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let sandbox = blackbox_sandbox::Sandbox::start().await?;
//! # let (server_url, token) = (sandbox.base_url(), sandbox.demo_token());
//! // Blackbox::from_env() reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
//! let blackbox = Blackbox::builder().server_url(server_url).token(token).build()?;
//! let sessions = blackbox.session_management();
//!
//! let stats = sessions.get_session_stats().await?;
//! println!("{stats:?}");
//!
//! let list = sessions.list_sessions().await?;
//! let current = list
//!     .data
//!     .iter()
//!     .flat_map(|list| &list.sessions)
//!     .find(|session| session.is_current)
//!     .expect("the caller's own session is listed");
//! println!("{current:?}"); // the session token prints as ** redacted **
//!
//! // A bare Uuid is a request; `*_with` methods take per-call options.
//! let session = sessions.get_session(current.id).await?;
//! let options = RequestOptions::new().retries(RetryConfig::disabled());
//! let extended = sessions.extend_session_with((current.id, 24), options).await?;
//! assert_eq!(session.data.map(|s| s.id), extended.data.map(|s| s.id));
//!
//! sessions.revoke_all_sessions(RevokeAllSessionsRequest { keep_current: true }).await?;
//! sessions.cleanup_expired_sessions().await?;
//! # sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! The standalone functions take the same core, for code that wants only them:
//! `blackbox::funcs::list_sessions(blackbox.core(), None)`.
//!
//! ## Errors
//!
//! Every method returns the one [`Error`] type, grouped by how far the request
//! got: [`Error::InvalidRequest`] when the call was refused before sending (for
//! example `extension_hours` above `i32::MAX`); transport errors
//! ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`], [`Error::Transport`]);
//! [`Error::Api`] for a non-2xx answer, with its status, headers, body and the
//! envelope's `message`; and [`Error::ResponseValidation`] for a 2xx body that does
//! not match the schema. [`Error::status`], [`Error::is_retryable`] and
//! [`Error::request_may_have_reached_server`] answer the usual questions.
//!
//! ```no_run
//! # async fn run(blackbox: blackbox::Blackbox, id: blackbox::uuid::Uuid) {
//! match blackbox.session_management().get_session(id).await {
//!     Ok(session) => println!("{session:?}"),
//!     Err(error) if error.status() == Some(blackbox::http::StatusCode::NOT_FOUND) => {
//!         println!("no such session");
//!     }
//!     Err(error) => eprintln!("error: {error}"),
//! }
//! # }
//! ```
//!
//! ## Features
//!
//! Every feature is passed through to `blackbox-funcs` and `blackbox-core`. One
//! feature per operation (all on by default); a method exists only when its
//! operation's feature is on:
//!
//! | feature | default | method |
//! |---|---|---|
//! | `list-sessions` | yes | `list_sessions`: `GET /api/v0/sessions` |
//! | `cleanup-expired-sessions` | yes | `cleanup_expired_sessions`: `POST /api/v0/sessions/cleanup` |
//! | `revoke-all-sessions` | yes | `revoke_all_sessions`: `POST /api/v0/sessions/revoke-all` |
//! | `get-session-stats` | yes | `get_session_stats`: `GET /api/v0/sessions/stats` |
//! | `get-session` | yes | `get_session`: `GET /api/v0/sessions/{session_id}` |
//! | `revoke-session` | yes | `revoke_session`: `DELETE /api/v0/sessions/{session_id}` |
//! | `extend-session` | yes | `extend_session`: `POST /api/v0/sessions/{session_id}/extend` |
//!
//! Transport:
//!
//! | feature | default | what it does |
//! |---|---|---|
//! | `ring` | yes | TLS through rustls with the `ring` provider |
//! | `aws-lc-rs` | no | TLS through rustls with the `aws-lc-rs` provider |
//! | `rustls` | with the above | TLS without a bundled provider (uses the process-wide one) |
//! | `webpki-roots` | yes | Mozilla's root certificates compiled in |
//! | `native-roots` | no | the operating system's root certificates |
//! | `http2` | no | HTTP/2, negotiated by ALPN over TLS |
//! | `proxy` | no | HTTP(S) proxies from the environment or the builder |
//! | `debug-log` | yes | the debug log on stderr: `debug(true)` / `BLACKBOX_DEBUG` (without it, ~6 KiB smaller and the variable is ignored) |
//!
//! ```toml
//! # Only get_session, over plain HTTP to a local sidecar (no TLS at all):
//! blackbox = { version = "0.1", default-features = false, features = ["get-session"] }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod client;
mod session_management;

/// The workspace README's Rust examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

pub use builder::BlackboxBuilder;
pub use client::Blackbox;
pub use session_management::SessionManagement;

pub use blackbox_funcs::{models, operations};

/// The standalone operation functions (`blackbox-funcs`), taking a
/// [`BlackboxCore`] — [`Blackbox::core`] gives the client's.
pub use blackbox_funcs::session_management as funcs;

/// The transport core (`blackbox-core`), for its less common types.
pub use blackbox_funcs::blackbox_core;
pub use blackbox_funcs::blackbox_core::bytes;
pub use blackbox_funcs::blackbox_core::http;
pub use blackbox_funcs::blackbox_core::{
    ApiError, BlackboxCore, BlackboxCoreBuilder, BodyTooLargeError, BoxError, BoxFuture, Error,
    HookContext, Hooks, HttpClient, InvalidRequestError, Jitter, RawResponse, RequestOptions,
    ResponseBody, ResponseValidationError, RetryConfig, SecretString, Server, ServerUrl, Sleeper,
    TimeoutError, TimeoutKind, TokenSource, TransportError, TransportErrorKind,
};
/// The `uuid` crate, for [`Uuid`](uuid::Uuid) session ids.
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "revoke-session",
    feature = "extend-session"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "list-sessions",
        feature = "get-session",
        feature = "revoke-session",
        feature = "extend-session"
    )))
)]
pub use blackbox_funcs::uuid;
