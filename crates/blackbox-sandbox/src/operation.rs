//! The seven operations of the Session Management API.

use std::fmt;

/// One operation of the Session Management API, named by its `operationId`.
///
/// Used to script faults ([`Faults::push`](crate::Faults::push)) and to read
/// request counters ([`Sandbox::request_count`](crate::Sandbox::request_count)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `GET /api/v0/sessions` (`list_sessions`).
    ListSessions,
    /// `POST /api/v0/sessions/cleanup` (`cleanup_expired_sessions`).
    CleanupExpiredSessions,
    /// `POST /api/v0/sessions/revoke-all` (`revoke_all_sessions`).
    RevokeAllSessions,
    /// `GET /api/v0/sessions/stats` (`get_session_stats`).
    GetSessionStats,
    /// `GET /api/v0/sessions/{session_id}` (`get_session`).
    GetSession,
    /// `DELETE /api/v0/sessions/{session_id}` (`revoke_session`).
    RevokeSession,
    /// `POST /api/v0/sessions/{session_id}/extend` (`extend_session`).
    ExtendSession,
}

impl Operation {
    /// All seven operations, in the order of the API description.
    pub const ALL: [Operation; 7] = [
        Operation::ListSessions,
        Operation::CleanupExpiredSessions,
        Operation::RevokeAllSessions,
        Operation::GetSessionStats,
        Operation::GetSession,
        Operation::RevokeSession,
        Operation::ExtendSession,
    ];

    /// The `operationId` of the API description, e.g. `"get_session"`.
    ///
    /// ```
    /// use blackbox_sandbox::Operation;
    /// assert_eq!(Operation::GetSession.as_str(), "get_session");
    /// assert_eq!(Operation::CleanupExpiredSessions.as_str(), "cleanup_expired_sessions");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Operation::ListSessions => "list_sessions",
            Operation::CleanupExpiredSessions => "cleanup_expired_sessions",
            Operation::RevokeAllSessions => "revoke_all_sessions",
            Operation::GetSessionStats => "get_session_stats",
            Operation::GetSession => "get_session",
            Operation::RevokeSession => "revoke_session",
            Operation::ExtendSession => "extend_session",
        }
    }

    /// Dense index into per-operation tables.
    pub(crate) const fn index(self) -> usize {
        match self {
            Operation::ListSessions => 0,
            Operation::CleanupExpiredSessions => 1,
            Operation::RevokeAllSessions => 2,
            Operation::GetSessionStats => 3,
            Operation::GetSession => 4,
            Operation::RevokeSession => 5,
            Operation::ExtendSession => 6,
        }
    }

    /// Whether the operation takes a JSON request body.
    pub(crate) const fn has_json_body(self) -> bool {
        matches!(
            self,
            Operation::RevokeAllSessions | Operation::ExtendSession
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_dense_and_names_unique() {
        for (i, op) in Operation::ALL.iter().enumerate() {
            assert_eq!(op.index(), i);
            assert_eq!(op.to_string(), op.as_str());
        }
        let mut names: Vec<_> = Operation::ALL.iter().map(|op| op.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 7);
    }
}
