//! `revoke_session`: `DELETE /api/v0/sessions/{session_id}`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;
use uuid::Uuid;

use crate::models::ApiResponse;
use crate::{BlackboxCore, Error, RequestOptions};

/// Revokes one of the caller's user's sessions.
///
/// `DELETE /api/v0/sessions/{session_id}`; any 2xx answer is success unless its body is the envelope saying `"success": false`.
///
/// # Errors
///
/// [`Error::Api`] for a failed answer (401 without a valid token, 404 for an
/// unknown session, or a 2xx envelope saying `"success": false`) and the
/// transport errors of [`Error`].
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::session_management::revoke_session;
/// use blackbox_funcs::uuid::Uuid;
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
///     let core = BlackboxCore::from_env()?;
///     let session_id: Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
///     revoke_session(&core, session_id, None).await?;
///     Ok(())
/// }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "revoke-session")))]
pub async fn revoke_session(
    core: &BlackboxCore,
    session_id: Uuid,
    options: Option<RequestOptions>,
) -> Result<ApiResponse<()>, Error> {
    let path = super::session_path(session_id, "");
    let request = OperationRequest::new("revoke_session", Method::DELETE, path).expects_json(false);
    send!(
        core,
        request,
        options,
        "revoke_session",
        "DELETE",
        "/api/v0/sessions/{session_id}"
    )?
    .into_unit_response()
}
