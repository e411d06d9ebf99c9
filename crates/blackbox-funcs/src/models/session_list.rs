//! `SessionListResponse` and its envelope `ApiResponse_SessionListResponse`.

use serde::{Deserialize, Serialize};

use super::SessionInfo;

/// The caller's sessions (`data` of `ApiResponse_SessionListResponse`).
#[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionListResponse {
    /// The sessions, in the server's order.
    pub sessions: Vec<SessionInfo>,
    /// How many sessions there are.
    pub total: u64,
}

/// The answer of `list_sessions` (`ApiResponse_SessionListResponse`).
#[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
pub type ApiResponseSessionListResponse = super::ApiResponse<SessionListResponse>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip() {
        let list = SessionListResponse {
            total: u64::MAX,
            ..SessionListResponse::default()
        };
        let envelope = ApiResponseSessionListResponse::new(list);
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
