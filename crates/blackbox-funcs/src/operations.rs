//! Per-operation request types, like the TypeScript SDK's `operations`
//! namespace: the path parameters of an operation together with its body.
//!
//! `revoke_all_sessions` has no path parameter, so its request is the model
//! [`models::RevokeAllSessionsRequest`](crate::models) itself. The operations
//! without a request (`list_sessions`, `get_session_stats`,
//! `cleanup_expired_sessions`) have no type here.

#[cfg(feature = "extend-session")]
pub use crate::session_management::extend_session::ExtendSessionRequest;
#[cfg(feature = "get-session")]
pub use crate::session_management::get_session::GetSessionRequest;
#[cfg(feature = "revoke-session")]
pub use crate::session_management::revoke_session::RevokeSessionRequest;
