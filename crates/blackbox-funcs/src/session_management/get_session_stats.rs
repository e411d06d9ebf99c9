//! `get_session_stats`: `GET /api/v0/sessions/stats`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;

use crate::models::ApiResponseSessionStats;
use crate::{BlackboxCore, Error, RequestOptions};

/// Counts the caller's user's sessions: all, active and expired.
///
/// `GET /api/v0/sessions/stats`; answered with the envelope around the data.
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
/// use blackbox_funcs::session_management::get_session_stats;
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
///     let core = BlackboxCore::from_env()?;
///     let stats = get_session_stats(&core, None).await?.into_data()?;
///     println!("{} active of {}", stats.active_sessions, stats.total_sessions);
///     Ok(())
/// }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
pub async fn get_session_stats(
    core: &BlackboxCore,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionStats, Error> {
    let request = OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats");
    send!(
        core,
        request,
        options,
        "get_session_stats",
        "GET",
        "/api/v0/sessions/stats"
    )?
    .into_api_response()
}
