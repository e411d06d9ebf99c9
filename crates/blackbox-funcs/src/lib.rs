//! # blackbox-funcs
//!
//! The Blackbox Session Management API as standalone functions and models: one
//! async function per operation, each behind its own cargo feature, all built on
//! the transport of [`blackbox_core`]. A program that calls one operation
//! compiles only that operation and the models it uses. The `blackbox` crate
//! wraps the same functions in a `Blackbox` client.
//!
//! ## Install
//!
//! ```toml
//! [dependencies]
//! # Only get_session, with TLS:
//! blackbox-funcs = { version = "0.1", default-features = false, features = ["get-session", "ring", "webpki-roots"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! ## Usage
//!
//! Create one [`BlackboxCore`] and share it (it is cheap to clone and
//! `Send + Sync`); every function takes it, the operation's inputs, and
//! optional per-call [`RequestOptions`]. Each returns the API's envelope;
//! [`into_data`](models::ApiResponse::into_data) gives its data.
//!
//! ```no_run
//! use blackbox_funcs::session_management::{extend_session, get_session, list_sessions};
//! use blackbox_funcs::models::ExtendSessionRequest;
//! use blackbox_funcs::{BlackboxCore, RequestOptions, RetryConfig};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), blackbox_funcs::Error> {
//!     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
//!     let core = BlackboxCore::from_env()?;
//!
//!     let list = list_sessions(&core, None).await?.into_data()?;
//!     let Some(first) = list.sessions.first() else {
//!         return Ok(());
//!     };
//!     println!("{first:?}"); // the session token prints as ** redacted **
//!
//!     let session = get_session(&core, first.id, None).await?.into_data()?;
//!     println!("expires at {}", session.expires_at);
//!
//!     // Per-call options override the client's settings for this call only.
//!     let options = RequestOptions::new().retry(RetryConfig::disabled());
//!     let extended = extend_session(&core, first.id, ExtendSessionRequest::new(24), Some(options))
//!         .await?
//!         .into_data()?;
//!     println!("now expires at {}", extended.expires_at);
//!     Ok(())
//! }
//! ```
//!
//! ## Authentication
//!
//! Every operation needs a bearer token: `BLACKBOX_BLACKBOX_AUTH_TOKEN` read by
//! [`BlackboxCore::from_env`], a fixed token from
//! [`BlackboxCoreBuilder::token`](blackbox_core::BlackboxCoreBuilder::token), or
//! a [`TokenSource`](blackbox_core::TokenSource) asked before every attempt for
//! rotating tokens.
//!
//! ## Errors
//!
//! Every function returns [`Error`], grouped by how far the request got:
//! [`Error::InvalidRequest`] when the call was refused before sending (for
//! example `extension_hours` above `i32::MAX`), transport errors
//! ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`], [`Error::Transport`]),
//! [`Error::Api`] for a failed answer (with its status, headers, body and the
//! envelope's `message`), and [`Error::ResponseValidation`] for a 2xx body that
//! does not match the schema. [`Error::request_may_have_reached_server`] tells
//! whether a failed call may have had an effect — it matters for
//! `extend_session`, which is not idempotent.
//!
//! ## Features
//!
//! One feature per operation, named after it, all on by default:
//!
//! | feature | operation |
//! |---|---|
//! | `list-sessions` | [`list_sessions`](session_management::list_sessions): `GET /api/v0/sessions` |
//! | `cleanup-expired-sessions` | [`cleanup_expired_sessions`](session_management::cleanup_expired_sessions): `POST /api/v0/sessions/cleanup` |
//! | `revoke-all-sessions` | [`revoke_all_sessions`](session_management::revoke_all_sessions): `POST /api/v0/sessions/revoke-all` |
//! | `get-session-stats` | [`get_session_stats`](session_management::get_session_stats): `GET /api/v0/sessions/stats` |
//! | `get-session` | [`get_session`](session_management::get_session): `GET /api/v0/sessions/{session_id}` |
//! | `revoke-session` | [`revoke_session`](session_management::revoke_session): `DELETE /api/v0/sessions/{session_id}` |
//! | `extend-session` | [`extend_session`](session_management::extend_session): `POST /api/v0/sessions/{session_id}/extend` |
//!
//! The transport features (`ring`, `aws-lc-rs`, `rustls`, `webpki-roots`,
//! `native-roots`, `http2`, `proxy`, `debug-log`) are passed through to
//! `blackbox-core` under the same names; [its crate documentation](blackbox_core#features)
//! says what each does. `ring`, `webpki-roots` and `debug-log` are on by default.
#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    missing_debug_implementations,
    rustdoc::broken_intra_doc_links
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod models;
pub mod session_management;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

/// This crate's README (its page on the registry), compiled as doctests.
#[cfg(all(doctest, feature = "get-session"))]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;

/// The transport core, re-exported for its less common types (hooks, token
/// sources, custom transports, servers).
pub use blackbox_core;
pub use blackbox_core::{BlackboxCore, Error, RequestOptions, RetryConfig, SecretString, Server};
/// The `uuid` crate, re-exported for [`Uuid`](uuid::Uuid) session ids.
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
pub use uuid;
