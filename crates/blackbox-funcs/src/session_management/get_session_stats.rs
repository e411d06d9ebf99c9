//! `get_session_stats`: `GET /api/v0/sessions/stats`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::models::ApiResponseSessionStats;
use crate::{BlackboxCore, Error, RequestOptions};

/// Counts the caller's user's sessions: total, active and expired.
///
/// `GET /api/v0/sessions/stats`, answered with [`ApiResponseSessionStats`].
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
/// use blackbox_funcs::session_management::get_session_stats;
///
/// # async fn run() -> Result<(), blackbox_funcs::Error> {
/// let core = BlackboxCore::from_env()?;
/// let result = get_session_stats(&core, None).await?;
/// println!("{result:?}");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
pub async fn get_session_stats(
    core: &BlackboxCore,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionStats, Error> {
    let request = OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats");
    core.execute(request, options.as_ref()).await?.decode_json()
}
