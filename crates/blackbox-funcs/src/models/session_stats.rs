//! `SessionStats` and its envelope `ApiResponse_SessionStats`.

use serde::{Deserialize, Serialize};

/// Session counters of the caller's user (`data` of `ApiResponse_SessionStats`).
#[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionStats {
    /// All sessions, active and expired.
    pub total_sessions: u64,
    /// Sessions that have not expired.
    pub active_sessions: u64,
    /// Sessions that have expired but were not cleaned up yet.
    pub expired_sessions: u64,
}

/// The answer of `get_session_stats` (`ApiResponse_SessionStats`).
#[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
pub type ApiResponseSessionStats = super::ApiResponse<SessionStats>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_is_exact_above_2_pow_53() {
        let mut envelope = ApiResponseSessionStats::new(SessionStats {
            total_sessions: (1 << 53) + 1,
            active_sessions: u64::MAX,
            expired_sessions: 0,
        });
        envelope.message = Some("ok".to_owned());
        let json = serde_json::to_string(&envelope).expect("encodes");
        assert_eq!(
            json,
            r#"{"success":true,"message":"ok","data":{"total_sessions":9007199254740993,"active_sessions":18446744073709551615,"expired_sessions":0}}"#
        );
        assert_eq!(
            serde_json::from_str::<ApiResponseSessionStats>(&json).expect("decodes"),
            envelope
        );
    }

    #[test]
    fn negative_counters_do_not_decode() {
        let json = r#"{"total_sessions":-1,"active_sessions":0,"expired_sessions":0}"#;
        assert!(serde_json::from_str::<SessionStats>(json).is_err());
    }
}
