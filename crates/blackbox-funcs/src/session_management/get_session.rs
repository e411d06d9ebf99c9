//! `get_session`: `GET /api/v0/sessions/{session_id}`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;
use uuid::Uuid;

use crate::models::ApiResponseSessionInfo;
use crate::{BlackboxCore, Error, RequestOptions};

/// Reads one of the caller's user's sessions.
///
/// `GET /api/v0/sessions/{session_id}`; answered with the envelope around the data.
///
/// # Errors
///
/// [`Error::Api`] for a failed answer (401 without a valid token, 404 for an
/// unknown session), [`Error::ResponseValidation`] for a 2xx body that does not
/// match the schema, and the transport errors of [`Error`] (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::session_management::get_session;
/// use blackbox_funcs::uuid::Uuid;
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Reads BLACKBOX_BLACKBOX_AUTH_TOKEN and BLACKBOX_SERVER_URL.
///     let core = BlackboxCore::from_env()?;
///     let session_id: Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
///     let session = get_session(&core, session_id, None).await?.into_data()?;
///     println!("{session:?}"); // the session token prints as ** redacted **
///     Ok(())
/// }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "get-session")))]
pub async fn get_session(
    core: &BlackboxCore,
    session_id: Uuid,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionInfo, Error> {
    let path = super::session_path(session_id, "");
    let request = OperationRequest::new("get_session", Method::GET, path);
    send!(
        core,
        request,
        options,
        "get_session",
        "GET",
        "/api/v0/sessions/{session_id}"
    )?
    .into_api_response()
}
