//! `revoke_session`: `DELETE /api/v0/sessions/{session_id}`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;
use uuid::Uuid;

use crate::{BlackboxCore, Error, RequestOptions};

/// The request of [`revoke_session`]: which session to revoke.
///
/// ```
/// use blackbox_funcs::operations::RevokeSessionRequest;
/// use uuid::Uuid;
///
/// let id = Uuid::from_u128(0xfe603112_c194_45c1_90cf_513753aa0744);
/// assert_eq!(RevokeSessionRequest::new(id), RevokeSessionRequest { session_id: id });
/// assert_eq!(RevokeSessionRequest::from(id).session_id, id);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "revoke-session")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RevokeSessionRequest {
    /// The session's id (path parameter `session_id`).
    pub session_id: Uuid,
}

impl RevokeSessionRequest {
    /// Revokes the session `session_id`.
    pub fn new(session_id: Uuid) -> Self {
        Self { session_id }
    }
}

impl From<Uuid> for RevokeSessionRequest {
    fn from(session_id: Uuid) -> Self {
        Self::new(session_id)
    }
}

/// Revokes one of the caller's user's sessions.
///
/// `DELETE /api/v0/sessions/{session_id}`; any 2xx answer, with or without a
/// body, is success.
///
/// # Errors
///
/// [`Error::Api`] for a non-2xx answer (401 without a valid token, 404 for an
/// unknown session) and the core's transport errors (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::operations::RevokeSessionRequest;
/// use blackbox_funcs::session_management::revoke_session;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let core = BlackboxCore::from_env()?;
/// let session_id = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
/// revoke_session(&core, RevokeSessionRequest::new(session_id), None).await?;
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "revoke-session")))]
pub async fn revoke_session(
    core: &BlackboxCore,
    request: RevokeSessionRequest,
    options: Option<RequestOptions>,
) -> Result<(), Error> {
    let path = super::session_path(request.session_id, "");
    let request = OperationRequest::new("revoke_session", Method::DELETE, path).expects_json(false);
    core.execute(request, options.as_ref()).await?;
    Ok(())
}
