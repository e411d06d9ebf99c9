//! `ExtendSessionRequest`, the body of `extend_session`.

use serde::{Deserialize, Serialize};

use blackbox_core::InvalidRequestError;

use crate::Error;

/// How long to extend a session (`ExtendSessionRequest`), sent as the JSON body
/// `{"extension_hours":N}`.
///
/// The API's field is an `int32` with minimum 0: the type rules out negative
/// values, and [`extend_session`](crate::session_management::extend_session)
/// refuses values above [`MAX_EXTENSION_HOURS`](Self::MAX_EXTENSION_HOURS) with
/// [`Error::InvalidRequest`] before sending anything.
///
/// Built with [`new`](Self::new), which takes every required field; fields the
/// API may add later will be optional and get setters, so this stays the one way
/// to build it.
///
/// ```
/// use blackbox_funcs::models::ExtendSessionRequest;
///
/// let body = ExtendSessionRequest::new(24);
/// assert_eq!(body.extension_hours, 24);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "extend-session")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExtendSessionRequest {
    /// Hours to add to the session's expiry, at most
    /// [`MAX_EXTENSION_HOURS`](Self::MAX_EXTENSION_HOURS).
    pub extension_hours: u32,
}

impl ExtendSessionRequest {
    /// The largest `extension_hours` the API accepts (`i32::MAX`, its `int32`).
    pub const MAX_EXTENSION_HOURS: u32 = i32::MAX as u32;

    /// Extends by `extension_hours` hours.
    pub fn new(extension_hours: u32) -> Self {
        Self { extension_hours }
    }

    /// Refuses values the API's `int32` cannot carry.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.extension_hours > Self::MAX_EXTENSION_HOURS {
            return Err(InvalidRequestError::new(format!(
                "extension_hours must be at most {} (the API's int32), got {}",
                Self::MAX_EXTENSION_HOURS,
                self.extension_hours
            ))
            .into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_is_compact() {
        let request = ExtendSessionRequest::new(24);
        let json = serde_json::to_string(&request).expect("encodes");
        assert_eq!(json, r#"{"extension_hours":24}"#);
        assert_eq!(
            serde_json::from_str::<ExtendSessionRequest>(&json).expect("decodes"),
            request
        );
    }

    #[test]
    fn range_is_the_apis_int32() {
        assert_eq!(ExtendSessionRequest::MAX_EXTENSION_HOURS, 2_147_483_647);
        assert!(ExtendSessionRequest::new(0).check().is_ok());
        assert!(ExtendSessionRequest::new(i32::MAX as u32).check().is_ok());
        for hours in [i32::MAX as u32 + 1, u32::MAX] {
            let error = ExtendSessionRequest::new(hours)
                .check()
                .expect_err("out of range");
            assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
            assert_eq!(
                error.to_string(),
                format!(
                    "invalid request: extension_hours must be at most 2147483647 (the API's int32), got {hours}"
                )
            );
        }
    }
}
