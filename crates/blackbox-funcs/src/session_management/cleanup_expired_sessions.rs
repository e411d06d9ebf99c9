//! `cleanup_expired_sessions`: `POST /api/v0/sessions/cleanup`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::{BlackboxCore, Error, RequestOptions};

/// Deletes the caller's user's expired sessions.
///
/// `POST /api/v0/sessions/cleanup` without a body; any 2xx answer, with or
/// without a body, is success.
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
/// use blackbox_funcs::session_management::cleanup_expired_sessions;
///
/// # async fn run() -> Result<(), blackbox_funcs::Error> {
/// let core = BlackboxCore::from_env()?;
/// cleanup_expired_sessions(&core, None).await?;
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "cleanup-expired-sessions")))]
pub async fn cleanup_expired_sessions(
    core: &BlackboxCore,
    options: Option<RequestOptions>,
) -> Result<(), Error> {
    let request = OperationRequest::new(
        "cleanup_expired_sessions",
        Method::POST,
        "/api/v0/sessions/cleanup",
    )
    .expects_json(false);
    core.execute(request, options.as_ref()).await?;
    Ok(())
}
