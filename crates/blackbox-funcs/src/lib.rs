//! # blackbox-funcs
//!
//! The Blackbox Session Management API as standalone functions and models: one
//! async function per operation, each behind its own cargo feature, all built on
//! the transport of [`blackbox_core`]. This is the Rust shape of the TypeScript
//! SDK's standalone functions (`sessionManagementGetSession(core, request)`);
//! the `blackbox` crate wraps the same functions in a `Blackbox` client.
//!
//! ## Usage
//!
//! Create one [`BlackboxCore`] and share it (it is cheap to clone and
//! `Send + Sync`); every function takes it, its request when it has one, and
//! optional per-call [`RequestOptions`].
//!
//! ```
//! use blackbox_funcs::BlackboxCore;
//! use blackbox_funcs::operations::{ExtendSessionRequest, GetSessionRequest};
//! use blackbox_funcs::session_management::{extend_session, get_session, list_sessions};
//! use blackbox_funcs::{RequestOptions, RetryConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let sandbox = blackbox_sandbox::Sandbox::start().await?;
//! # let (server_url, token) = (sandbox.base_url(), sandbox.demo_token());
//! // Or BlackboxCore::from_env() to read BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
//! let core = BlackboxCore::builder().server_url(server_url).token(token).build()?;
//!
//! let list = list_sessions(&core, None).await?;
//! let first = &list.data.expect("the server sent the sessions").sessions[0];
//! println!("{first:?}"); // the session token prints as ** redacted **
//!
//! let session = get_session(&core, GetSessionRequest::new(first.id), None).await?;
//! assert_eq!(session.data.as_ref().map(|session| session.id), Some(first.id));
//!
//! // Per-call options override the client's settings for this call only.
//! let options = RequestOptions::new().retries(RetryConfig::disabled());
//! let extended = extend_session(&core, ExtendSessionRequest::new(first.id, 24), Some(options)).await?;
//! println!("{extended:?}");
//! # sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! ## Errors
//!
//! Every function returns [`Error`], grouped by how far the request got:
//! [`Error::InvalidRequest`] when the call was refused before sending (for
//! example `extension_hours` above `i32::MAX`), transport errors
//! ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`], [`Error::Transport`]),
//! [`Error::Api`] for a non-2xx answer (with its status, headers, body and the
//! envelope's `message`), and [`Error::ResponseValidation`] for a 2xx body that
//! does not match the schema (with the status and the raw body).
//! [`Error::request_may_have_reached_server`] tells whether a failed call may
//! have had an effect — it matters for `extend_session`, which is not idempotent.
//!
//! ## Features
//!
//! One feature per operation, named after it; a build with one operation
//! compiles only that operation and the models it uses.
//!
//! | feature | default | operation |
//! |---|---|---|
//! | `list-sessions` | yes | [`list_sessions`](session_management::list_sessions): `GET /api/v0/sessions` |
//! | `cleanup-expired-sessions` | yes | [`cleanup_expired_sessions`](session_management::cleanup_expired_sessions): `POST /api/v0/sessions/cleanup` |
//! | `revoke-all-sessions` | yes | [`revoke_all_sessions`](session_management::revoke_all_sessions): `POST /api/v0/sessions/revoke-all` |
//! | `get-session-stats` | yes | [`get_session_stats`](session_management::get_session_stats): `GET /api/v0/sessions/stats` |
//! | `get-session` | yes | [`get_session`](session_management::get_session): `GET /api/v0/sessions/{session_id}` |
//! | `revoke-session` | yes | [`revoke_session`](session_management::revoke_session): `DELETE /api/v0/sessions/{session_id}` |
//! | `extend-session` | yes | [`extend_session`](session_management::extend_session): `POST /api/v0/sessions/{session_id}/extend` |
//!
//! The transport features are passed through to `blackbox-core` unchanged:
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
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod models;
pub mod operations;
pub mod session_management;

/// The transport core, re-exported for its less common types (hooks, token
/// sources, custom transports, servers).
pub use blackbox_core;
pub use blackbox_core::{BlackboxCore, Error, RequestOptions, RetryConfig, SecretString};
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
