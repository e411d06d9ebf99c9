//! The API's data models, named as in the OpenAPI document
//! (`ApiResponse_SessionInfo` becomes [`ApiResponseSessionInfo`], an alias of
//! the generic envelope [`ApiResponse`]`<SessionInfo>`).
//!
//! Every answer is an envelope — `success`, `message` and `data` — around the
//! operation's data type; [`ApiResponse::into_data`] turns it into the data.
//! Decoding follows the schema and nothing more: unknown fields are ignored,
//! counters are `u64` (exact above 2^53), ids are [`Uuid`](uuid::Uuid)s. A
//! success answer that does not match the schema is an
//! [`Error::ResponseValidation`](crate::Error::ResponseValidation).
//!
//! The response models are `#[non_exhaustive]` with public fields: a field the
//! API adds later is not a breaking change. Tests build them from
//! [`Default`] and set the fields they need; request bodies are built with
//! their `new` constructor.
//!
//! Each model is compiled only when an operation that uses it is enabled.

pub use blackbox_core::ApiResponse;

#[cfg(feature = "extend-session")]
mod extend_session_request;
#[cfg(feature = "revoke-all-sessions")]
mod revoke_all_sessions_request;
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
mod session_info;
#[cfg(feature = "list-sessions")]
mod session_list;
#[cfg(feature = "get-session-stats")]
mod session_stats;

#[cfg(feature = "extend-session")]
pub use extend_session_request::ExtendSessionRequest;
#[cfg(feature = "revoke-all-sessions")]
pub use revoke_all_sessions_request::RevokeAllSessionsRequest;
#[cfg(any(feature = "get-session", feature = "extend-session"))]
pub use session_info::ApiResponseSessionInfo;
#[cfg(any(
    feature = "list-sessions",
    feature = "get-session",
    feature = "extend-session"
))]
pub use session_info::SessionInfo;
#[cfg(feature = "list-sessions")]
pub use session_list::{ApiResponseSessionListResponse, SessionListResponse};
#[cfg(feature = "get-session-stats")]
pub use session_stats::{ApiResponseSessionStats, SessionStats};
