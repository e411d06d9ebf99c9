//! The seven operations, run for an authenticated caller once every check
//! has passed.

use http::StatusCode;
use uuid::Uuid;

use super::reply::Reply;
use super::request_body::parse_json;
use super::shared::Shared;
use crate::models::{ExtendSessionRequest, RevokeAllSessionsRequest, SessionList, SessionStats};
use crate::operation::Operation;
use crate::state::{Caller, ExtendError};

/// Runs `op` for `caller`. `session_id` is the parsed path id (nil for the
/// operations without one) and `json` the request body (empty for the
/// operations without one).
pub(crate) fn execute(
    shared: &Shared,
    op: Operation,
    caller: Caller,
    session_id: Uuid,
    json: &[u8],
) -> Reply {
    match op {
        Operation::ListSessions => list_sessions(shared, caller),
        Operation::GetSession => get_session(shared, caller, session_id),
        Operation::RevokeSession => revoke_session(shared, caller, session_id),
        Operation::RevokeAllSessions => revoke_all_sessions(shared, caller, json),
        Operation::ExtendSession => extend_session(shared, caller, session_id, json),
        Operation::GetSessionStats => get_session_stats(shared, caller),
        Operation::CleanupExpiredSessions => cleanup_expired_sessions(shared, caller),
    }
}

/// `GET /api/v0/sessions`.
fn list_sessions(shared: &Shared, caller: Caller) -> Reply {
    let store = shared.store();
    let sessions: Vec<_> = store
        .user_sessions(caller.user_id)
        .into_iter()
        .map(|s| s.info(caller.session_id))
        .collect();
    let total = sessions.len() as u64;
    Reply::success(SessionList { sessions, total })
}

/// `GET /api/v0/sessions/{session_id}`.
fn get_session(shared: &Shared, caller: Caller, session_id: Uuid) -> Reply {
    match shared.store().get(caller.user_id, session_id) {
        Some(session) => Reply::success(session.info(caller.session_id)),
        None => Reply::not_found(),
    }
}

/// `DELETE /api/v0/sessions/{session_id}`.
fn revoke_session(shared: &Shared, caller: Caller, session_id: Uuid) -> Reply {
    if shared.store().revoke(caller.user_id, session_id) {
        Reply::done("Session revoked")
    } else {
        Reply::not_found()
    }
}

/// `POST /api/v0/sessions/revoke-all`.
fn revoke_all_sessions(shared: &Shared, caller: Caller, json: &[u8]) -> Reply {
    let request: RevokeAllSessionsRequest = match parse_json(json) {
        Ok(request) => request,
        Err(reply) => return *reply,
    };
    let keep = request.keep_current.then_some(caller.session_id);
    shared.store().revoke_all(caller.user_id, keep);
    Reply::done("Sessions revoked")
}

/// `POST /api/v0/sessions/{session_id}/extend`.
fn extend_session(shared: &Shared, caller: Caller, session_id: Uuid, json: &[u8]) -> Reply {
    let request: ExtendSessionRequest = match parse_json(json) {
        Ok(request) => request,
        Err(reply) => return *reply,
    };
    let hours = request.extension_hours;
    if hours < 0 {
        return Reply::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the request body does not match the schema: extension_hours must be >= 0, got {hours}"
            ),
        );
    }
    match shared
        .store()
        .extend(caller.user_id, session_id, i64::from(hours))
    {
        Ok(session) => Reply::success(session.info(caller.session_id)),
        Err(ExtendError::NotFound) => Reply::not_found(),
        Err(ExtendError::OutOfRange) => Reply::error(
            StatusCode::BAD_REQUEST,
            format!("extending by {hours} hours would move expires_at past 9999-12-31T23:59:59Z"),
        ),
    }
}

/// `GET /api/v0/sessions/stats`.
fn get_session_stats(shared: &Shared, caller: Caller) -> Reply {
    let stats = shared
        .store()
        .stats(caller.user_id, shared.clock.now_unix());
    Reply::success(SessionStats {
        total_sessions: stats.total,
        active_sessions: stats.active,
        expired_sessions: stats.expired,
    })
}

/// `POST /api/v0/sessions/cleanup`.
fn cleanup_expired_sessions(shared: &Shared, caller: Caller) -> Reply {
    shared
        .store()
        .cleanup(caller.user_id, shared.clock.now_unix());
    Reply::done("Expired sessions cleaned up")
}
