//! `extend_session`: `POST /api/v0/sessions/{session_id}/extend`.

use blackbox_core::OperationRequest;
use blackbox_core::http::Method;
use uuid::Uuid;

use crate::models::{self, ApiResponseSessionInfo};
use crate::{BlackboxCore, Error, RequestOptions};

/// The request of [`extend_session`]: which session, and the body
/// [`models::ExtendSessionRequest`] saying by how much.
///
/// Named like the TypeScript SDK's `operations.ExtendSessionRequest`; the body
/// model of the same name lives in [`models`].
///
/// ```
/// use blackbox_funcs::{models, operations};
/// use uuid::Uuid;
///
/// let id = Uuid::from_u128(0x07fd44a8_744f_491f_8c7d_18e2c7e25afb);
/// let request = operations::ExtendSessionRequest::new(id, 24);
/// assert_eq!(
///     request,
///     operations::ExtendSessionRequest {
///         session_id: id,
///         body: models::ExtendSessionRequest { extension_hours: 24 },
///     },
/// );
/// assert_eq!(operations::ExtendSessionRequest::from((id, 24)), request);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "extend-session")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtendSessionRequest {
    /// The session's id (path parameter `session_id`).
    pub session_id: Uuid,
    /// The JSON body.
    pub body: models::ExtendSessionRequest,
}

impl ExtendSessionRequest {
    /// Extends the session `session_id` by `extension_hours` hours.
    pub fn new(session_id: Uuid, extension_hours: u32) -> Self {
        Self {
            session_id,
            body: models::ExtendSessionRequest::new(extension_hours),
        }
    }
}

impl From<(Uuid, u32)> for ExtendSessionRequest {
    fn from((session_id, extension_hours): (Uuid, u32)) -> Self {
        Self::new(session_id, extension_hours)
    }
}

/// Extends one of the caller's user's sessions and returns it as updated.
///
/// `POST /api/v0/sessions/{session_id}/extend` with the JSON body
/// `{"extension_hours":N}`, answered with [`ApiResponseSessionInfo`].
///
/// This operation is not idempotent: the core retries it only when the request
/// provably never reached the server.
///
/// # Errors
///
/// [`Error::InvalidRequest`] before anything is sent when `extension_hours` is
/// above [`models::ExtendSessionRequest::MAX_EXTENSION_HOURS`] (`i32::MAX`);
/// [`Error::Api`] for a non-2xx answer (401 without a valid token, 404 for an
/// unknown session); [`Error::ResponseValidation`] for a 2xx body that does not
/// match the schema; and the core's transport errors (connect, TLS, timeout, ...).
///
/// # Example
///
/// ```no_run
/// use blackbox_funcs::BlackboxCore;
/// use blackbox_funcs::operations::ExtendSessionRequest;
/// use blackbox_funcs::session_management::extend_session;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let core = BlackboxCore::from_env()?;
/// let session_id = "07fd44a8-744f-491f-8c7d-18e2c7e25afb".parse()?;
/// let result = extend_session(&core, ExtendSessionRequest::new(session_id, 24), None).await?;
/// println!("{result:?}");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "extend-session")))]
pub async fn extend_session(
    core: &BlackboxCore,
    request: ExtendSessionRequest,
    options: Option<RequestOptions>,
) -> Result<ApiResponseSessionInfo, Error> {
    request.body.check()?;
    let path = super::session_path(request.session_id, "/extend");
    let request =
        OperationRequest::new("extend_session", Method::POST, path).json_body(&request.body)?;
    core.execute(request, options.as_ref()).await?.decode_json()
}
