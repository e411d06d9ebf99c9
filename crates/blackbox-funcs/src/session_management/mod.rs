//! The seven operations of the Session Management API as standalone functions,
//! one file and one cargo feature each — the Rust shape of the TypeScript SDK's
//! `sessionManagement*` functions.
//!
//! Every function takes the shared [`BlackboxCore`](crate::BlackboxCore), the
//! operation's request when it has one, and optional per-call
//! [`RequestOptions`](crate::RequestOptions); it returns the decoded answer or an
//! [`Error`](crate::Error). Each one only builds the method, path and body and
//! names itself; sending, retries, timeouts and errors are the core's business.

#[cfg(feature = "cleanup-expired-sessions")]
pub(crate) mod cleanup_expired_sessions;
#[cfg(feature = "extend-session")]
pub(crate) mod extend_session;
#[cfg(feature = "get-session")]
pub(crate) mod get_session;
#[cfg(feature = "get-session-stats")]
pub(crate) mod get_session_stats;
#[cfg(feature = "list-sessions")]
pub(crate) mod list_sessions;
#[cfg(feature = "revoke-all-sessions")]
pub(crate) mod revoke_all_sessions;
#[cfg(feature = "revoke-session")]
pub(crate) mod revoke_session;

#[cfg(feature = "cleanup-expired-sessions")]
pub use cleanup_expired_sessions::cleanup_expired_sessions;
#[cfg(feature = "extend-session")]
pub use extend_session::extend_session;
#[cfg(feature = "get-session")]
pub use get_session::get_session;
#[cfg(feature = "get-session-stats")]
pub use get_session_stats::get_session_stats;
#[cfg(feature = "list-sessions")]
pub use list_sessions::list_sessions;
#[cfg(feature = "revoke-all-sessions")]
pub use revoke_all_sessions::revoke_all_sessions;
#[cfg(feature = "revoke-session")]
pub use revoke_session::revoke_session;
