//! `list_sessions`: `GET /api/v0/sessions`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::models::ApiResponseSessionListResponse;
use crate::{BlackboxCore, Error, RequestOptions};

/// Lists the sessions of the caller's user, expired ones included.
///
/// `GET /api/v0/sessions`; answered with the envelope around the data.
///
/// # Errors
///
/// [`Error::Api`] for a failed answer (401 without a valid token),
/// [`Error::ResponseValidation`] for a 2xx body that does not match the schema,
/// and the transport errors of [`Error`] (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::session_management::list_sessions;
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
///     let core = BlackboxCore::from_env()?;
///     let sessions = list_sessions(&core, None).await?.into_data()?;
///     for session in &sessions.sessions {
///         println!("{} expires at {}", session.id, session.expires_at);
///     }
///     Ok(())
/// }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
pub async fn list_sessions(
    core: &BlackboxCore,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionListResponse, Error> {
    let request = OperationRequest::new("list_sessions", Method::GET, "/api/v0/sessions");
    send!(
        core,
        request,
        options,
        "list_sessions",
        "GET",
        "/api/v0/sessions"
    )?
    .into_api_response()
}
