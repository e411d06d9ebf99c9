//! Schema-valid response bodies, and plain structs of the same shape as the
//! SDK's models (what a hand-written client would decode into).

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The session id the responder answers for (any id gets the same answer).
pub const SESSION_ID: Uuid = Uuid::from_u128(0xfe60_3112_c194_45c1_90cf_5137_53aa_0744);

/// The bearer token the clients send (the responder does not check it).
pub const TOKEN: &str = "bench-token-0123456789abcdef0123456789abcdef";

/// `SessionInfo` without SDK wrappers: the same fields and types.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlainSession {
    /// Session id.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// Session token.
    pub token: String,
    /// RFC 3339 timestamp.
    pub created_at: String,
    /// RFC 3339 timestamp.
    pub expires_at: String,
    /// Client's user agent.
    pub user_agent: String,
    /// Client's address.
    pub ip_address: String,
    /// Whether this is the caller's session.
    pub is_current: bool,
}

/// `SessionListResponse` without SDK wrappers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlainList {
    /// The sessions.
    pub sessions: Vec<PlainSession>,
    /// How many there are.
    pub total: u64,
}

/// The API envelope `ApiResponse_*` without SDK wrappers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlainEnvelope<T> {
    /// Whether the call succeeded.
    pub success: bool,
    /// Optional message.
    #[serde(default)]
    pub message: Option<String>,
    /// The payload (a missing field is `None`).
    pub data: Option<T>,
}

/// One deterministic session.
pub fn session(index: u128) -> PlainSession {
    PlainSession {
        id: if index == 0 {
            SESSION_ID
        } else {
            Uuid::from_u128(0x5e55_1000_0000_4000_8000_0000_0000_0000 + index)
        },
        user_id: Uuid::from_u128(0x05e4_0000_0000_4000_8000_0000_0000_0001),
        token: format!("sess_{index:08}_a9c8e7f6"),
        created_at: "2025-06-01T12:00:00Z".to_owned(),
        expires_at: "2025-06-08T12:00:00Z".to_owned(),
        user_agent: "bench/1.0".to_owned(),
        ip_address: "10.0.0.1".to_owned(),
        is_current: index == 0,
    }
}

/// The body of `get_session`.
pub fn session_body() -> Bytes {
    let envelope = PlainEnvelope {
        success: true,
        message: None,
        data: Some(session(0)),
    };
    Bytes::from(serde_json::to_vec(&envelope).expect("serializable"))
}

/// The body of `list_sessions` with `count` sessions.
pub fn list_body(count: usize) -> Bytes {
    let sessions: Vec<PlainSession> = (0..count as u128).map(session).collect();
    let envelope = PlainEnvelope {
        success: true,
        message: Some("ok".to_owned()),
        data: Some(PlainList {
            total: sessions.len() as u64,
            sessions,
        }),
    };
    Bytes::from(serde_json::to_vec(&envelope).expect("serializable"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use blackbox::models::{ApiResponseSessionInfo, ApiResponseSessionListResponse};

    #[test]
    fn bodies_decode_into_the_sdk_models() {
        let one: ApiResponseSessionInfo = serde_json::from_slice(&session_body()).expect("valid");
        assert_eq!(one.data.map(|session| session.id), Some(SESSION_ID));
        let list: ApiResponseSessionListResponse =
            serde_json::from_slice(&list_body(100)).expect("valid");
        assert_eq!(list.data.map(|list| list.sessions.len()), Some(100));
    }

    #[test]
    fn the_big_list_is_about_two_and_a_half_megabytes() {
        let len = list_body(10_000).len();
        assert!((2_000_000..3_500_000).contains(&len), "{len}");
    }
}
