//! `list_sessions`: `GET /api/v0/sessions`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::models::ApiResponseSessionListResponse;
use crate::{BlackboxCore, Error, RequestOptions};

/// Lists the sessions of the caller's user.
///
/// `GET /api/v0/sessions`, answered with [`ApiResponseSessionListResponse`].
///
/// # Errors
///
/// [`Error::Api`] for a non-2xx answer (401 without a valid token),
/// [`Error::ResponseValidation`] for a 2xx body that does not match the schema,
/// and the core's transport errors (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::session_management::list_sessions;
///
/// # async fn run() -> Result<(), blackbox_funcs::Error> {
/// let core = BlackboxCore::from_env()?;
/// let result = list_sessions(&core, None).await?;
/// println!("{result:?}");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
pub async fn list_sessions(
    core: &BlackboxCore,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionListResponse, Error> {
    let request = OperationRequest::new("list_sessions", Method::GET, "/api/v0/sessions");
    core.execute(request, options.as_ref()).await?.decode_json()
}
