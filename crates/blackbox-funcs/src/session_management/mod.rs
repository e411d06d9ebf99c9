//! The seven operations of the Session Management API as standalone functions,
//! one file and one cargo feature each.
//!
//! Every function takes the shared [`BlackboxCore`](crate::BlackboxCore), the
//! operation's inputs (a session id, a request body), and optional per-call
//! [`RequestOptions`](crate::RequestOptions); it returns the answer's envelope
//! ([`ApiResponse`](crate::models::ApiResponse)) or an [`Error`](crate::Error).
//! Each one only builds the method, path and body and names itself; sending,
//! retries, timeouts and errors are the core's business.

/// Sends an operation's request through the core — inside a span named after
/// the operation when the `tracing` feature is on (the core records the
/// OpenTelemetry attributes on it).
macro_rules! send {
    ($core:expr, $request:expr, $options:expr, $operation:literal, $method:literal, $template:literal) => {{
        #[cfg(feature = "tracing")]
        let sent = blackbox_core::__tracing::Instrument::instrument(
            $core.execute($request, $options),
            blackbox_core::operation_span!($operation, $method, $template),
        )
        .await;
        #[cfg(not(feature = "tracing"))]
        let sent = $core.execute($request, $options).await;
        sent
    }};
}

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

/// `/api/v0/sessions/{session_id}{suffix}`, written straight into one buffer of
/// the right size (no formatting machinery on the per-call path).
#[cfg(any(
    feature = "get-session",
    feature = "revoke-session",
    feature = "extend-session"
))]
pub(crate) fn session_path(session_id: uuid::Uuid, suffix: &str) -> String {
    const PREFIX: &str = "/api/v0/sessions/";
    let mut path =
        String::with_capacity(PREFIX.len() + uuid::fmt::Hyphenated::LENGTH + suffix.len());
    path.push_str(PREFIX);
    path.push_str(
        session_id
            .hyphenated()
            .encode_lower(&mut uuid::Uuid::encode_buffer()),
    );
    path.push_str(suffix);
    path
}

#[cfg(all(test, feature = "extend-session"))]
mod tests {
    #[test]
    fn session_paths_match_the_spec() {
        let id = uuid::Uuid::from_u128(0x07fd44a8_744f_491f_8c7d_18e2c7e25afb);
        assert_eq!(
            super::session_path(id, ""),
            "/api/v0/sessions/07fd44a8-744f-491f-8c7d-18e2c7e25afb"
        );
        assert_eq!(
            super::session_path(id, "/extend"),
            "/api/v0/sessions/07fd44a8-744f-491f-8c7d-18e2c7e25afb/extend"
        );
    }
}
