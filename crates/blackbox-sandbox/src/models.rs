//! The sandbox's own wire models (it never depends on the SDK crates).
//!
//! Field names follow `sessions.yaml` exactly. None of these types derive
//! `Debug`: `SessionInfo` carries a session token.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `{"success":..,"message":..,"data":..}`, the envelope of every JSON answer.
#[derive(Serialize)]
pub(crate) struct Envelope<T> {
    pub(crate) success: bool,
    pub(crate) message: Option<String>,
    pub(crate) data: Option<T>,
}

/// `SessionInfo` of the API description.
#[derive(Serialize)]
pub(crate) struct SessionInfo {
    pub(crate) id: Uuid,
    pub(crate) user_id: Uuid,
    pub(crate) token: String,
    pub(crate) created_at: String,
    pub(crate) expires_at: String,
    pub(crate) user_agent: String,
    pub(crate) ip_address: String,
    pub(crate) is_current: bool,
}

/// `data` of `ApiResponse_SessionListResponse`.
#[derive(Serialize)]
pub(crate) struct SessionList {
    pub(crate) sessions: Vec<SessionInfo>,
    pub(crate) total: u64,
}

/// `data` of `ApiResponse_SessionStats`.
#[derive(Serialize)]
pub(crate) struct SessionStats {
    pub(crate) total_sessions: u64,
    pub(crate) active_sessions: u64,
    pub(crate) expired_sessions: u64,
}

/// `RevokeAllSessionsRequest`.
#[derive(Deserialize)]
pub(crate) struct RevokeAllSessionsRequest {
    pub(crate) keep_current: bool,
}

/// `ExtendSessionRequest`; `minimum: 0` is checked after decoding.
#[derive(Deserialize)]
pub(crate) struct ExtendSessionRequest {
    pub(crate) extension_hours: i32,
}
