//! `SessionListResponse` and its envelope `ApiResponse_SessionListResponse`.

use serde::{Deserialize, Serialize};

use super::SessionInfo;

/// The caller's sessions (`data` of `ApiResponse_SessionListResponse`).
#[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionListResponse {
    /// The sessions, in the server's order.
    pub sessions: Vec<SessionInfo>,
    /// How many sessions there are.
    pub total: u64,
}

/// The answer of `list_sessions` (`ApiResponse_SessionListResponse`).
#[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiResponseSessionListResponse {
    /// Whether the call succeeded.
    pub success: bool,
    /// A human-readable message; `null` or absent when the server has none.
    #[serde(default)]
    pub message: Option<String>,
    /// The sessions; absent when the server sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<SessionListResponse>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip() {
        let envelope = ApiResponseSessionListResponse {
            success: true,
            message: None,
            data: Some(SessionListResponse {
                sessions: Vec::new(),
                total: u64::MAX,
            }),
        };
        let json = serde_json::to_string(&envelope).expect("encodes");
        assert_eq!(
            json,
            r#"{"success":true,"message":null,"data":{"sessions":[],"total":18446744073709551615}}"#
        );
        assert_eq!(
            serde_json::from_str::<ApiResponseSessionListResponse>(&json).expect("decodes"),
            envelope
        );
    }
}
