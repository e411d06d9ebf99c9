//! A reference server for the Blackbox Session Management API — like
//! stripe-mock, but with real behaviour.
//!
//! The sandbox serves the seven operations of `sessions.yaml` from in-memory
//! state on 127.0.0.1, over plain HTTP/1.1 or over TLS (HTTP/2 or HTTP/1.1 by
//! ALPN) with a CA generated at start. It is meant for end-to-end tests,
//! examples and benchmarks of the SDK — and for the tests of code that uses
//! the SDK, as a dev-dependency — and never depends on the SDK crates.
//!
//! | to | use |
//! | --- | --- |
//! | start it in-process on an ephemeral port | [`Sandbox::start`], [`Sandbox::start_tls`] and the CA to trust, [`Sandbox::ca_pem`]; [`Sandbox::builder`] for options |
//! | seed users and sessions, current or expired | [`Sandbox::add_user`], [`Sandbox::seed_session`] with a [`SessionSeed`] |
//! | expire sessions without sleeping | [`Sandbox::clock`], [`Clock::advance`] |
//! | script faults per operation | [`Sandbox::faults`], [`Faults::push`], [`Fault`] |
//! | read back what it received | [`Sandbox::requests`], [`Sandbox::requests_for`] ([`RecordedRequest`]), [`Sandbox::request_count`] |
//!
//! # Usage
//!
//! ```
//! use blackbox_sandbox::{Fault, Operation, Sandbox};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let sandbox = Sandbox::start().await?;
//!     // The next list_sessions request gets a 503 with Retry-After.
//!     sandbox
//!         .faults()
//!         .push(Operation::ListSessions, Fault::status_retry_after(503, "1"));
//!
//!     let request = format!(
//!         "GET /api/v0/sessions HTTP/1.1\r\nHost: localhost\r\n\
//!          Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
//!         sandbox.demo_token()
//!     );
//!     let mut answers = Vec::new();
//!     for _ in 0..2 {
//!         let mut stream = tokio::net::TcpStream::connect(sandbox.local_addr()).await?;
//!         stream.write_all(request.as_bytes()).await?;
//!         let mut answer = String::new();
//!         stream.read_to_string(&mut answer).await?;
//!         answers.push(answer);
//!     }
//!     assert!(answers[0].starts_with("HTTP/1.1 503"));
//!     assert!(answers[0].contains("retry-after: 1\r\n"));
//!     assert!(answers[1].starts_with("HTTP/1.1 200 OK"));
//!     assert!(answers[1].contains(r#""success":true,"message":null"#));
//!     assert!(answers[1].contains(r#""total":4"#));
//!     assert_eq!(sandbox.request_count(Operation::ListSessions), 2);
//!
//!     sandbox.shutdown().await;
//!     Ok(())
//! }
//! ```
//!
//! # Behaviour
//!
//! | operation | route | answer `data` |
//! | --- | --- | --- |
//! | `list_sessions` | `GET /api/v0/sessions` | `{"sessions":[SessionInfo..],"total":N}`: all of the caller's user's sessions, expired ones included, by `created_at` then `id` |
//! | `get_session` | `GET /api/v0/sessions/{id}` | `SessionInfo` |
//! | `revoke_session` | `DELETE /api/v0/sessions/{id}` | `null`, message `"Session revoked"` |
//! | `revoke_all_sessions` | `POST /api/v0/sessions/revoke-all` `{"keep_current":bool}` | `null` |
//! | `extend_session` | `POST /api/v0/sessions/{id}/extend` `{"extension_hours":int32>=0}` | the updated `SessionInfo` |
//! | `get_session_stats` | `GET /api/v0/sessions/stats` | `{"total_sessions","active_sessions","expired_sessions"}` |
//! | `cleanup_expired_sessions` | `POST /api/v0/sessions/cleanup` | `null` |
//!
//! Every JSON answer is the envelope `{"success":bool,"message":string|null,
//! "data":..}` with `Content-Type: application/json`. `is_current` is true only
//! on the caller's session; a session expires when `expires_at <= now` on the
//! sandbox [`Clock`]. Timestamps are RFC 3339 UTC (`2026-11-27T13:00:00Z`).
//!
//! # Errors
//!
//! The body of every request routed to an operation is read first (at most
//! 64 KiB, within 30 seconds; a body whose `Content-Length` announces more is
//! not read) and the request recorded. Then the checks run in this order,
//! each answered with the envelope (`success: false`) and a message saying
//! what was wrong:
//!
//! 1. unknown path → 404; known path, wrong method → 405 with `Allow`;
//! 2. missing, malformed, unknown, revoked or expired bearer token → 401;
//! 3. `revoke-all` and `extend` without `Content-Type: application/json`
//!    (parameters such as `; charset=utf-8` allowed) → 415;
//! 4. request body over 64 KiB → 413 (one that could not be read: 400, or
//!    408 after 30 seconds);
//! 5. path id that is not a UUID → 400;
//! 6. malformed JSON → 400; schema violations (missing field, wrong type,
//!    negative, fractional or larger than `i32::MAX` hours) → 422;
//! 7. unknown id or another user's session → 404 (no existence leak);
//!    an extension past year 9999 → 400.
//!
//! # Faults
//!
//! [`Faults`] holds a FIFO script of [`Fault`]s per [`Operation`]; each
//! request routed to that operation consumes one before authentication:
//! error statuses with `Retry-After`, connection resets and closes, delays
//! and stalls, malformed and oversized bodies.
//!
//! # What it received
//!
//! [`Sandbox::request_count`], [`Sandbox::total_requests`] and
//! [`Sandbox::connection_count`] count what arrived. [`Sandbox::requests`]
//! returns the request log: each request routed to an operation, with its
//! method, URI, headers, body and arrival time ([`RecordedRequest`]), the
//! last 10,000 by default ([`SandboxBuilder::request_log_capacity`]). Its
//! `Debug` output redacts credentials.
//!
//! # Features
//!
//! This crate has no cargo features. TLS uses rustls with the `ring` provider,
//! configured explicitly (never the process-wide default provider).
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod body;
mod builder;
mod clock;
mod faults;
mod models;
mod operation;
mod request_log;
mod sandbox;
mod seed;
mod server;
mod service;
mod state;
mod timestamp;
mod tls;

pub use builder::SandboxBuilder;
pub use clock::Clock;
pub use faults::{Fault, Faults};
pub use operation::Operation;
pub use request_log::RecordedRequest;
pub use sandbox::Sandbox;
pub use seed::{SeedError, SeededSession, SessionSeed};
