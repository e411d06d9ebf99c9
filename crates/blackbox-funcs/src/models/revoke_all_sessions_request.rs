//! `RevokeAllSessionsRequest`, the body of `revoke_all_sessions`.

use serde::{Deserialize, Serialize};

/// What `revoke_all_sessions` revokes (`RevokeAllSessionsRequest`); it is the
/// operation's whole request, sent as the JSON body `{"keep_current":bool}`.
///
/// ```
/// use blackbox_funcs::models::RevokeAllSessionsRequest;
///
/// assert_eq!(
///     RevokeAllSessionsRequest::new(true),
///     RevokeAllSessionsRequest { keep_current: true },
/// );
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "revoke-all-sessions")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RevokeAllSessionsRequest {
    /// `true` keeps the session of the token making the request.
    pub keep_current: bool,
}

impl RevokeAllSessionsRequest {
    /// Revokes every session, or every session but the current one when
    /// `keep_current` is `true`.
    pub fn new(keep_current: bool) -> Self {
        Self { keep_current }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_is_compact() {
        for (request, json) in [
            (
                RevokeAllSessionsRequest::new(false),
                r#"{"keep_current":false}"#,
            ),
            (
                RevokeAllSessionsRequest { keep_current: true },
                r#"{"keep_current":true}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&request).expect("encodes"), json);
            assert_eq!(
                serde_json::from_str::<RevokeAllSessionsRequest>(json).expect("decodes"),
                request
            );
        }
    }
}
