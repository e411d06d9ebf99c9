//! # blackbox
//!
//! The Rust SDK of the Blackbox Session Management API: list the login
//! sessions of an account, read one, count them, extend one, revoke one or all
//! (optionally keeping the current one), and clean up expired ones.
//!
//! ## Install
//!
//! ```toml
//! [dependencies]
//! blackbox = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! or `cargo add blackbox` and `cargo add tokio --features macros,rt-multi-thread`.
//!
//! ## Authentication
//!
//! Every operation needs the account's bearer token. [`Blackbox::from_env`]
//! reads it from `BLACKBOX_BLACKBOX_AUTH_TOKEN` (and the server from
//! `BLACKBOX_SERVER_URL`, production when unset);
//! [`token`](core::BlackboxCoreBuilder::token) on [`Blackbox::builder`] sets it
//! in code, and [`token_source`](core::BlackboxCoreBuilder::token_source) takes
//! a [`TokenSource`](core::TokenSource) asked before every attempt, for tokens
//! that rotate. The token is sent only over TLS (or to a loopback address) and
//! never appears in `Debug` output, logs or errors.
//!
//! ## Usage
//!
//! ```no_run
//! use blackbox::Blackbox;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), blackbox::Error> {
//!     let blackbox = Blackbox::from_env()?;
//!     let sessions = blackbox.session_management();
//!
//!     let list = sessions.list_sessions().await?.into_data()?;
//!     for session in &list.sessions {
//!         // The session token prints as ** redacted **.
//!         println!("{session:?}");
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Each method of [`SessionManagement`] returns a [`Call`]: awaiting it sends
//! the request and gives the API's envelope
//! ([`ApiResponse`](models::ApiResponse)), and
//! [`into_data`](models::ApiResponse::into_data) gives its data. Per-call
//! options go on the call before it is awaited:
//!
//! ```no_run
//! use blackbox::models::ExtendSessionRequest;
//! use blackbox::uuid::Uuid;
//! use blackbox::{Blackbox, RequestOptions, RetryConfig};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let blackbox = Blackbox::from_env()?;
//!     let session_id: Uuid = "07fd44a8-744f-491f-8c7d-18e2c7e25afb".parse()?;
//!     let options = RequestOptions::new().retry(RetryConfig::disabled());
//!     let answer = blackbox
//!         .session_management()
//!         .extend_session(session_id, ExtendSessionRequest::new(24))
//!         .options(options)
//!         .await?;
//!     // The answer's status and headers, e.g. a request id for a support ticket.
//!     println!("{:?}", answer.meta().headers().get("x-request-id"));
//!     println!("now expires at {}", answer.into_data()?.expires_at);
//!     Ok(())
//! }
//! ```
//!
//! The same operations are standalone functions in [`session_management`],
//! taking the client's core: `session_management::list_sessions(blackbox.core(), None)`.
//!
//! ## Errors
//!
//! Every call returns the one [`Error`] type, grouped by how far the request
//! got: [`Error::InvalidRequest`] when the call was refused before sending (for
//! example `extension_hours` above `i32::MAX`); transport errors
//! ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`], [`Error::Transport`]);
//! [`Error::Api`] for a failed answer — a non-2xx status, or the envelope saying
//! `"success": false` — with its status, headers, body and the server's
//! message; and [`Error::ResponseValidation`] for a 2xx body that does not match
//! the schema. [`Error::status`], [`Error::is_retryable`] and
//! [`Error::request_may_have_reached_server`] answer the usual questions.
//!
//! ```no_run
//! use blackbox::core::http::StatusCode;
//! use blackbox::{Blackbox, Error};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let blackbox = Blackbox::from_env()?;
//!     let session_id = "07fd44a8-744f-491f-8c7d-18e2c7e25afb".parse()?;
//!     match blackbox.session_management().get_session(session_id).await {
//!         Ok(answer) => println!("{:?}", answer.into_data()?),
//!         Err(Error::Api(api)) if api.status() == StatusCode::NOT_FOUND => {
//!             println!("no such session");
//!         }
//!         Err(error) => return Err(error.into()),
//!     }
//!     Ok(())
//! }
//! ```
//!
//! ## Features
//!
//! One feature per operation, all on by default; a method exists only when its
//! operation's feature is on, and a build with one operation compiles only that
//! operation. The table is in
//! [`blackbox-funcs`](https://docs.rs/blackbox-funcs#features). The transport
//! features (`ring`, `aws-lc-rs`, `rustls`, `webpki-roots`, `native-roots`,
//! `http2`, `proxy`, `debug-log`) are described in
//! [`blackbox-core`](core#features). Every feature is passed through under the
//! same name.
//!
//! ```toml
//! # Only get_session, over plain HTTP to a local sidecar (no TLS at all):
//! blackbox = { version = "0.1", default-features = false, features = ["get-session"] }
//! ```
//!
//! ## Less common types
//!
//! The root holds what most programs touch. Everything else of the transport —
//! hooks, token sources, custom HTTP clients, the error payloads, the builder's
//! type — is in [`core`] (the `blackbox-core` crate).
#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    missing_debug_implementations,
    rustdoc::broken_intra_doc_links
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod call;
mod client;
mod handler;

/// The workspace README's Rust examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// This crate's README (its page on the registry), compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;

pub use call::{Call, Operation};
pub use client::Blackbox;
pub use handler::SessionManagement;

/// The builder of a [`Blackbox`]: the transport core's builder, whose
/// [`build`](core::BlackboxCoreBuilder::build) returns the client. Start one with
/// [`Blackbox::builder`].
pub type BlackboxBuilder = core::BlackboxCoreBuilder<Blackbox>;

/// The transport core (the `blackbox-core` crate): configuration, hooks, token
/// sources, custom HTTP clients, error payloads, and the `http` and `bytes`
/// crates it re-exports.
#[doc(no_inline)]
pub use blackbox_funcs::blackbox_core as core;

#[doc(no_inline)]
pub use blackbox_funcs::{Error, RequestOptions, RetryConfig, Server, models, session_management};

/// The test kit: a mock transport, a sleeper that records the retry delays,
/// and fixtures of the models (the `test-util` feature, for `[dev-dependencies]`).
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub use blackbox_funcs::test_util;

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
#[doc(no_inline)]
pub use blackbox_funcs::uuid;
