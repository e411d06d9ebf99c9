//! `RevokeAllSessionsRequest`, the body of `revoke_all_sessions`.

use serde::{Deserialize, Serialize};

/// What `revoke_all_sessions` revokes (`RevokeAllSessionsRequest`), sent as the
/// JSON body `{"keep_current":bool}`.
///
/// Built with [`new`](Self::new), which takes every required field; fields the
/// API may add later will be optional and get setters, so this stays the one way
/// to build it.
///
/// ```
/// use blackbox_funcs::models::RevokeAllSessionsRequest;
///
/// let keep_current = true;
/// let body = RevokeAllSessionsRequest::new(keep_current);
/// assert!(body.keep_current);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "revoke-all-sessions")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
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
                RevokeAllSessionsRequest::new(true),
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
