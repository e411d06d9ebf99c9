//! `SessionInfo` and its envelope `ApiResponse_SessionInfo`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::SecretString;

/// One session of the caller's user (`SessionInfo` in the API description).
///
/// `token` is the session's live credential: it is a [`SecretString`], so
/// `Debug` prints `** redacted **`; read it on purpose with
/// [`SecretString::expose`].
///
/// **Serializing** keeps the token: `serde_json::to_string(&session)` writes the
/// real value, so that what is serialized decodes back to the same session (a
/// cache, a test fixture, a message to another service of yours). Treat that
/// output as secret and never log it; `Debug` is the form for logs.
///
/// New fields the API adds will be new fields here (the struct is
/// `#[non_exhaustive]`). To build one in a test, start from
/// [`Default`] and set the fields:
///
/// ```
/// use blackbox_funcs::models::SessionInfo;
///
/// let mut session = SessionInfo::default();
/// session.is_current = true;
/// session.expires_at = "2030-01-01T00:00:00Z".to_owned();
/// assert!(format!("{session:?}").contains("is_current: true"));
/// ```
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "list-sessions",
        feature = "get-session",
        feature = "extend-session"
    )))
)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionInfo {
    /// The session's id.
    pub id: Uuid,
    /// The id of the user the session belongs to.
    pub user_id: Uuid,
    /// The session token, a live credential.
    pub token: SecretString,
    /// When the session was created, as the server writes it (RFC 3339).
    pub created_at: String,
    /// When the session expires, as the server writes it (RFC 3339).
    pub expires_at: String,
    /// The user agent that created the session.
    pub user_agent: String,
    /// The IP address that created the session.
    pub ip_address: String,
    /// Whether this is the session of the token making the request.
    pub is_current: bool,
}

/// The answer of `get_session` and `extend_session` (`ApiResponse_SessionInfo`).
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "get-session", feature = "extend-session")))
)]
#[cfg(any(feature = "get-session", feature = "extend-session"))]
pub type ApiResponseSessionInfo = super::ApiResponse<SessionInfo>;

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> SessionInfo {
        SessionInfo {
            id: Uuid::from_u128(0xfe603112_c194_45c1_90cf_513753aa0744),
            user_id: Uuid::from_u128(0x07fd44a8_744f_491f_8c7d_18e2c7e25afb),
            token: SecretString::from("sentinel-session-token"),
            created_at: "2026-11-27T13:00:00Z".to_owned(),
            expires_at: "2026-11-28T13:00:00Z".to_owned(),
            user_agent: "curl/8.0".to_owned(),
            ip_address: "127.0.0.1".to_owned(),
            is_current: false,
        }
    }

    #[test]
    fn debug_redacts_the_session_token() {
        let session = session();
        for shown in [format!("{session:?}"), format!("{session:#?}")] {
            assert!(!shown.contains("sentinel-session-token"), "{shown}");
            assert!(shown.contains("** redacted **"), "{shown}");
        }
        assert_eq!(session.token.expose(), "sentinel-session-token");
    }

    #[test]
    fn session_info_serde_round_trip_keeps_the_token() {
        let session = session();
        let json = serde_json::to_string(&session).expect("encodes");
        assert_eq!(
            json,
            r#"{"id":"fe603112-c194-45c1-90cf-513753aa0744","user_id":"07fd44a8-744f-491f-8c7d-18e2c7e25afb","token":"sentinel-session-token","created_at":"2026-11-27T13:00:00Z","expires_at":"2026-11-28T13:00:00Z","user_agent":"curl/8.0","ip_address":"127.0.0.1","is_current":false}"#
        );
        assert_eq!(
            serde_json::from_str::<SessionInfo>(&json).expect("decodes"),
            session
        );
    }

    #[cfg(any(feature = "get-session", feature = "extend-session"))]
    #[test]
    fn envelope_round_trip_and_debug() {
        let mut envelope = ApiResponseSessionInfo::new(session());
        envelope.message = Some("found".to_owned());
        let json = serde_json::to_string(&envelope).expect("encodes");
        assert_eq!(
            serde_json::from_str::<ApiResponseSessionInfo>(&json).expect("decodes"),
            envelope
        );
        assert!(!format!("{envelope:?}").contains("sentinel-session-token"));
        assert!(
            json.contains("sentinel-session-token"),
            "serializing keeps the token"
        );
    }
}
