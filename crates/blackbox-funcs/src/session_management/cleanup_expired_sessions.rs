//! `cleanup_expired_sessions`: `POST /api/v0/sessions/cleanup`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::models::ApiResponse;
use crate::{BlackboxCore, Error, RequestOptions};

/// Deletes the caller's user's expired sessions.
///
/// `POST /api/v0/sessions/cleanup`; any 2xx answer is success unless its body is the envelope saying `"success": false`.
///
/// Cleaning up is idempotent in effect, so the client retries it like a `GET`
/// (on retryable statuses, timeouts and dropped connections).
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
/// use blackbox_funcs::session_management::cleanup_expired_sessions;
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
///     let core = BlackboxCore::from_env()?;
///     cleanup_expired_sessions(&core, None).await?;
///     Ok(())
/// }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "cleanup-expired-sessions")))]
pub async fn cleanup_expired_sessions(
    core: &BlackboxCore,
    options: Option<RequestOptions>,
) -> Result<ApiResponse<()>, Error> {
    let request = OperationRequest::new(
        "cleanup_expired_sessions",
        Method::POST,
        "/api/v0/sessions/cleanup",
    )
    .expects_json(false)
    // Cleaning up twice leaves what cleaning up once does.
    .idempotent(true);
    send!(
        core,
        request,
        options,
        "cleanup_expired_sessions",
        "POST",
        "/api/v0/sessions/cleanup"
    )?
    .into_unit_response()
}
