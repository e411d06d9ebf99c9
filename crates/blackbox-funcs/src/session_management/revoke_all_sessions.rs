//! `revoke_all_sessions`: `POST /api/v0/sessions/revoke-all`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::models::{ApiResponse, RevokeAllSessionsRequest};
use crate::{BlackboxCore, Error, RequestOptions};

/// Revokes all of the caller's user's sessions, or all but the current one.
///
/// `POST /api/v0/sessions/revoke-all` with the JSON body `{"keep_current":bool}`; any 2xx answer is success unless its body is the envelope saying `"success": false`.
///
/// With `keep_current` it is idempotent in effect and the client retries it
/// like a `GET`; without, the caller's own token is revoked by the first
/// success, so it is retried only when it provably never reached the server.
///
/// # Errors
///
/// [`Error::Api`] for a failed answer (401 without a valid token, or a 2xx
/// envelope saying `"success": false`) and the transport errors of [`Error`].
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::session_management::revoke_all_sessions;
/// use blackbox_funcs::models::RevokeAllSessionsRequest;
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
///     let core = BlackboxCore::from_env()?;
///     // Sign out everywhere else: keep the session making this call.
///     let keep_current = true;
///     revoke_all_sessions(&core, RevokeAllSessionsRequest::new(keep_current), None).await?;
///     Ok(())
/// }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "revoke-all-sessions")))]
pub async fn revoke_all_sessions(
    core: &BlackboxCore,
    body: RevokeAllSessionsRequest,
    options: Option<RequestOptions>,
) -> Result<ApiResponse<()>, Error> {
    let request = OperationRequest::new(
        "revoke_all_sessions",
        Method::POST,
        "/api/v0/sessions/revoke-all",
    )
    .json_body(&body)?
    .expects_json(false)
    // Revoking all but the current session twice leaves what doing it once
    // does; revoking the caller's own session too does not (the second try
    // would be refused with 401 although the first one worked).
    .idempotent(body.keep_current);
    send!(
        core,
        request,
        options,
        "revoke_all_sessions",
        "POST",
        "/api/v0/sessions/revoke-all"
    )?
    .into_unit_response()
}
