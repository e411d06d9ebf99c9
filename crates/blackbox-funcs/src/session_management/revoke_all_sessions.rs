//! `revoke_all_sessions`: `POST /api/v0/sessions/revoke-all`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::models::RevokeAllSessionsRequest;
use crate::{BlackboxCore, Error, RequestOptions};

/// Revokes all of the caller's user's sessions, optionally keeping the current one.
///
/// `POST /api/v0/sessions/revoke-all` with the JSON body `{"keep_current":bool}`;
/// any 2xx answer, with or without a body, is success.
///
/// # Errors
///
/// [`Error::Api`] for a non-2xx answer (401 without a valid token) and the
/// core's transport errors (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::models::RevokeAllSessionsRequest;
/// use blackbox_funcs::session_management::revoke_all_sessions;
///
/// # async fn run() -> Result<(), blackbox_funcs::Error> {
/// let core = BlackboxCore::from_env()?;
/// revoke_all_sessions(&core, RevokeAllSessionsRequest { keep_current: false }, None).await?;
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "revoke-all-sessions")))]
pub async fn revoke_all_sessions(
    core: &BlackboxCore,
    request: RevokeAllSessionsRequest,
    options: Option<RequestOptions>,
) -> Result<(), Error> {
    let request = OperationRequest::new(
        "revoke_all_sessions",
        Method::POST,
        "/api/v0/sessions/revoke-all",
    )
    .json_body(&request)?
    .expects_json(false);
    core.execute(request, options.as_ref()).await?;
    Ok(())
}
