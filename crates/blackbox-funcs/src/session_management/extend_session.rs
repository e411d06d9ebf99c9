//! `extend_session`: `POST /api/v0/sessions/{session_id}/extend`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;
use uuid::Uuid;

use crate::models::{ApiResponseSessionInfo, ExtendSessionRequest};
use crate::{BlackboxCore, Error, RequestOptions};

/// Extends one of the caller's user's sessions and returns it as updated.
///
/// `POST /api/v0/sessions/{session_id}/extend` with the JSON body `{"extension_hours":N}`; answered with the envelope around the data.
///
/// This operation is not idempotent: the client retries it only when the
/// request provably never reached the server.
///
/// # Errors
///
/// [`Error::InvalidRequest`] before anything is sent when `extension_hours` is
/// above [`ExtendSessionRequest::MAX_EXTENSION_HOURS`] (`i32::MAX`);
/// [`Error::Api`] for a failed answer (401 without a valid token, 404 for an
/// unknown session); [`Error::ResponseValidation`] for a 2xx body that does not
/// match the schema; and the transport errors of [`Error`] (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::session_management::extend_session;
/// use blackbox_funcs::models::ExtendSessionRequest;
/// use blackbox_funcs::uuid::Uuid;
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
///     let core = BlackboxCore::from_env()?;
///     let session_id: Uuid = "07fd44a8-744f-491f-8c7d-18e2c7e25afb".parse()?;
///     let extended = extend_session(&core, session_id, ExtendSessionRequest::new(24), None)
///         .await?
///         .into_data()?;
///     println!("now expires at {}", extended.expires_at);
///     Ok(())
/// }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "extend-session")))]
pub async fn extend_session(
    core: &BlackboxCore,
    session_id: Uuid,
    body: ExtendSessionRequest,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionInfo, Error> {
    body.check()?;
    let path = super::session_path(session_id, "/extend");
    let request = OperationRequest::new("extend_session", Method::POST, path).json_body(&body)?;
    send!(
        core,
        request,
        options,
        "extend_session",
        "POST",
        "/api/v0/sessions/{session_id}/extend"
    )?
    .into_api_response()
}
