//! `get_session`: `GET /api/v0/sessions/{session_id}`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;
use uuid::Uuid;

use crate::models::ApiResponseSessionInfo;
use crate::{BlackboxCore, Error, RequestOptions};

/// The request of [`get_session`]: which session to read.
///
/// ```
/// use blackbox_funcs::operations::GetSessionRequest;
/// use uuid::Uuid;
///
/// let id = Uuid::from_u128(0xfe603112_c194_45c1_90cf_513753aa0744);
/// assert_eq!(GetSessionRequest::new(id), GetSessionRequest { session_id: id });
/// assert_eq!(GetSessionRequest::from(id).session_id, id);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "get-session")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetSessionRequest {
    /// The session's id (path parameter `session_id`).
    pub session_id: Uuid,
}

impl GetSessionRequest {
    /// Reads the session `session_id`.
    pub fn new(session_id: Uuid) -> Self {
        Self { session_id }
    }
}

impl From<Uuid> for GetSessionRequest {
    fn from(session_id: Uuid) -> Self {
        Self::new(session_id)
    }
}

/// Reads one of the caller's user's sessions.
///
/// `GET /api/v0/sessions/{session_id}`, answered with [`ApiResponseSessionInfo`].
///
/// # Errors
///
/// [`Error::Api`] for a non-2xx answer (401 without a valid token, 404 for an
/// unknown session), [`Error::ResponseValidation`] for a 2xx body that does not
/// match the schema, and the core's transport errors (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::operations::GetSessionRequest;
/// use blackbox_funcs::session_management::get_session;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let core = BlackboxCore::from_env()?;
/// let session_id = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
/// let result = get_session(&core, GetSessionRequest::new(session_id), None).await?;
/// println!("{result:?}");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "get-session")))]
pub async fn get_session(
    core: &BlackboxCore,
    request: GetSessionRequest,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionInfo, Error> {
    let path = super::session_path(request.session_id, "");
    let request = OperationRequest::new("get_session", Method::GET, path);
    core.execute(request, options.as_ref()).await?.decode_json()
}
