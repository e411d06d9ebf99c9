//! [`SessionManagement`]: the Session Management operations as methods.

use crate::BlackboxCore;
#[cfg(any(feature = "get-session", feature = "extend-session"))]
use crate::models::ApiResponseSessionInfo;
#[cfg(feature = "list-sessions")]
use crate::models::ApiResponseSessionListResponse;
#[cfg(feature = "get-session-stats")]
use crate::models::ApiResponseSessionStats;
#[cfg(feature = "revoke-all-sessions")]
use crate::models::RevokeAllSessionsRequest;
#[cfg(feature = "extend-session")]
use crate::operations::ExtendSessionRequest;
#[cfg(feature = "get-session")]
use crate::operations::GetSessionRequest;
#[cfg(feature = "revoke-session")]
use crate::operations::RevokeSessionRequest;
#[cfg(any(
    feature = "list-sessions",
    feature = "cleanup-expired-sessions",
    feature = "revoke-all-sessions",
    feature = "get-session-stats",
    feature = "get-session",
    feature = "revoke-session",
    feature = "extend-session"
))]
use crate::{Error, RequestOptions, funcs};

/// The Session Management operations of a [`Blackbox`](crate::Blackbox) client,
/// from [`Blackbox::session_management`](crate::Blackbox::session_management).
///
/// It borrows the client and is `Copy`; each method calls the standalone
/// function of the same name in [`funcs`](crate::funcs). The plain method uses the
/// client's settings; its `*_with` sibling takes [`RequestOptions`] that
/// override them for that call only. Methods taking a request accept anything
/// that converts into it, so a bare [`Uuid`](crate::uuid::Uuid) does for a
/// session id.
#[derive(Clone, Copy, Debug)]
pub struct SessionManagement<'a> {
    core: &'a BlackboxCore,
}

impl<'a> SessionManagement<'a> {
    pub(crate) fn new(core: &'a BlackboxCore) -> Self {
        Self { core }
    }

    /// The client's core, for calling a standalone function of
    /// [`funcs`](crate::funcs) directly.
    pub fn core(self) -> &'a BlackboxCore {
        self.core
    }

    /// Lists the sessions of the caller's user.
    ///
    /// `GET /api/v0/sessions`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer (401 without a valid token),
    /// [`Error::ResponseValidation`] for a 2xx body that does not match the
    /// schema, and transport errors (connect, TLS, timeout, ...).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let result = blackbox.session_management().list_sessions().await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "list-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
    pub async fn list_sessions(self) -> Result<ApiResponseSessionListResponse, Error> {
        funcs::list_sessions(self.core, None).await
    }

    /// [`list_sessions`](Self::list_sessions) with per-call options.
    ///
    /// `GET /api/v0/sessions`.
    ///
    /// # Errors
    ///
    /// As [`list_sessions`](Self::list_sessions); an invalid per-call option is
    /// [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// use blackbox::{RequestOptions, RetryConfig};
    ///
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let options = RequestOptions::new().retries(RetryConfig::disabled());
    /// let result = blackbox.session_management().list_sessions_with(options).await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "list-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
    pub async fn list_sessions_with(
        self,
        options: RequestOptions,
    ) -> Result<ApiResponseSessionListResponse, Error> {
        funcs::list_sessions(self.core, Some(options)).await
    }

    /// Deletes the caller's user's expired sessions.
    ///
    /// `POST /api/v0/sessions/cleanup`; any 2xx answer is success.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer (401 without a valid token) and
    /// transport errors (connect, TLS, timeout, ...).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// blackbox.session_management().cleanup_expired_sessions().await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "cleanup-expired-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cleanup-expired-sessions")))]
    pub async fn cleanup_expired_sessions(self) -> Result<(), Error> {
        funcs::cleanup_expired_sessions(self.core, None).await
    }

    /// [`cleanup_expired_sessions`](Self::cleanup_expired_sessions) with per-call options.
    ///
    /// `POST /api/v0/sessions/cleanup`.
    ///
    /// # Errors
    ///
    /// As [`cleanup_expired_sessions`](Self::cleanup_expired_sessions); an invalid
    /// per-call option is [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use blackbox::RequestOptions;
    ///
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let options = RequestOptions::new().operation_timeout(Some(Duration::from_secs(5)));
    /// blackbox.session_management().cleanup_expired_sessions_with(options).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "cleanup-expired-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cleanup-expired-sessions")))]
    pub async fn cleanup_expired_sessions_with(self, options: RequestOptions) -> Result<(), Error> {
        funcs::cleanup_expired_sessions(self.core, Some(options)).await
    }

    /// Revokes all of the caller's user's sessions, optionally keeping the current one.
    ///
    /// `POST /api/v0/sessions/revoke-all` with `{"keep_current":bool}`; any 2xx
    /// answer is success.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer (401 without a valid token) and
    /// transport errors (connect, TLS, timeout, ...).
    ///
    /// ```no_run
    /// use blackbox::models::RevokeAllSessionsRequest;
    ///
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// blackbox
    ///     .session_management()
    ///     .revoke_all_sessions(RevokeAllSessionsRequest { keep_current: false })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "revoke-all-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revoke-all-sessions")))]
    pub async fn revoke_all_sessions(
        self,
        request: impl Into<RevokeAllSessionsRequest>,
    ) -> Result<(), Error> {
        funcs::revoke_all_sessions(self.core, request.into(), None).await
    }

    /// [`revoke_all_sessions`](Self::revoke_all_sessions) with per-call options.
    ///
    /// `POST /api/v0/sessions/revoke-all`.
    ///
    /// # Errors
    ///
    /// As [`revoke_all_sessions`](Self::revoke_all_sessions); an invalid per-call
    /// option is [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// use blackbox::RequestOptions;
    /// use blackbox::models::RevokeAllSessionsRequest;
    ///
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let options = RequestOptions::new().header("x-request-id", "42");
    /// blackbox
    ///     .session_management()
    ///     .revoke_all_sessions_with(RevokeAllSessionsRequest::new(true), options)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "revoke-all-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revoke-all-sessions")))]
    pub async fn revoke_all_sessions_with(
        self,
        request: impl Into<RevokeAllSessionsRequest>,
        options: RequestOptions,
    ) -> Result<(), Error> {
        funcs::revoke_all_sessions(self.core, request.into(), Some(options)).await
    }

    /// Counts the caller's user's sessions: total, active and expired.
    ///
    /// `GET /api/v0/sessions/stats`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer (401 without a valid token),
    /// [`Error::ResponseValidation`] for a 2xx body that does not match the
    /// schema, and transport errors (connect, TLS, timeout, ...).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let result = blackbox.session_management().get_session_stats().await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "get-session-stats")]
    #[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
    pub async fn get_session_stats(self) -> Result<ApiResponseSessionStats, Error> {
        funcs::get_session_stats(self.core, None).await
    }

    /// [`get_session_stats`](Self::get_session_stats) with per-call options.
    ///
    /// `GET /api/v0/sessions/stats`.
    ///
    /// # Errors
    ///
    /// As [`get_session_stats`](Self::get_session_stats); an invalid per-call
    /// option is [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// use blackbox::RequestOptions;
    ///
    /// # async fn run() -> Result<(), blackbox::Error> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let options = RequestOptions::new().server_url("https://staging.api.blckbox.dev");
    /// let result = blackbox.session_management().get_session_stats_with(options).await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "get-session-stats")]
    #[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
    pub async fn get_session_stats_with(
        self,
        options: RequestOptions,
    ) -> Result<ApiResponseSessionStats, Error> {
        funcs::get_session_stats(self.core, Some(options)).await
    }

    /// Reads one of the caller's user's sessions.
    ///
    /// `GET /api/v0/sessions/{session_id}`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer (401 without a valid token, 404 for
    /// an unknown session), [`Error::ResponseValidation`] for a 2xx body that
    /// does not match the schema, and transport errors (connect, TLS, timeout, ...).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let session_id: blackbox::uuid::Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
    /// let result = blackbox.session_management().get_session(session_id).await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "get-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "get-session")))]
    pub async fn get_session(
        self,
        request: impl Into<GetSessionRequest>,
    ) -> Result<ApiResponseSessionInfo, Error> {
        funcs::get_session(self.core, request.into(), None).await
    }

    /// [`get_session`](Self::get_session) with per-call options.
    ///
    /// `GET /api/v0/sessions/{session_id}`.
    ///
    /// # Errors
    ///
    /// As [`get_session`](Self::get_session); an invalid per-call option is
    /// [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use blackbox::RequestOptions;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let session_id: blackbox::uuid::Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
    /// let options = RequestOptions::new().attempt_timeout(Some(Duration::from_secs(2)));
    /// let result = blackbox.session_management().get_session_with(session_id, options).await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "get-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "get-session")))]
    pub async fn get_session_with(
        self,
        request: impl Into<GetSessionRequest>,
        options: RequestOptions,
    ) -> Result<ApiResponseSessionInfo, Error> {
        funcs::get_session(self.core, request.into(), Some(options)).await
    }

    /// Revokes one of the caller's user's sessions.
    ///
    /// `DELETE /api/v0/sessions/{session_id}`; any 2xx answer is success.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer (401 without a valid token, 404 for
    /// an unknown session) and transport errors (connect, TLS, timeout, ...).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let session_id: blackbox::uuid::Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
    /// blackbox.session_management().revoke_session(session_id).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "revoke-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revoke-session")))]
    pub async fn revoke_session(
        self,
        request: impl Into<RevokeSessionRequest>,
    ) -> Result<(), Error> {
        funcs::revoke_session(self.core, request.into(), None).await
    }

    /// [`revoke_session`](Self::revoke_session) with per-call options.
    ///
    /// `DELETE /api/v0/sessions/{session_id}`.
    ///
    /// # Errors
    ///
    /// As [`revoke_session`](Self::revoke_session); an invalid per-call option is
    /// [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// use blackbox::{RequestOptions, RetryConfig};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let session_id: blackbox::uuid::Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
    /// let options = RequestOptions::new().retries(RetryConfig::default().max_attempts(5));
    /// blackbox.session_management().revoke_session_with(session_id, options).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "revoke-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revoke-session")))]
    pub async fn revoke_session_with(
        self,
        request: impl Into<RevokeSessionRequest>,
        options: RequestOptions,
    ) -> Result<(), Error> {
        funcs::revoke_session(self.core, request.into(), Some(options)).await
    }

    /// Extends one of the caller's user's sessions and returns it as updated.
    ///
    /// `POST /api/v0/sessions/{session_id}/extend` with `{"extension_hours":N}`.
    /// Not idempotent: it is retried only when the request provably never
    /// reached the server.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] before anything is sent when `extension_hours`
    /// is above `i32::MAX`; [`Error::Api`] for a non-2xx answer (401 without a
    /// valid token, 404 for an unknown session); [`Error::ResponseValidation`]
    /// for a 2xx body that does not match the schema; and transport errors
    /// (connect, TLS, timeout, ...).
    ///
    /// ```no_run
    /// use blackbox::operations::ExtendSessionRequest;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let session_id = "07fd44a8-744f-491f-8c7d-18e2c7e25afb".parse()?;
    /// let result = blackbox
    ///     .session_management()
    ///     .extend_session(ExtendSessionRequest::new(session_id, 24))
    ///     .await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "extend-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "extend-session")))]
    pub async fn extend_session(
        self,
        request: impl Into<ExtendSessionRequest>,
    ) -> Result<ApiResponseSessionInfo, Error> {
        funcs::extend_session(self.core, request.into(), None).await
    }

    /// [`extend_session`](Self::extend_session) with per-call options.
    ///
    /// `POST /api/v0/sessions/{session_id}/extend`.
    ///
    /// # Errors
    ///
    /// As [`extend_session`](Self::extend_session); an invalid per-call option is
    /// [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// use blackbox::RequestOptions;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let blackbox = blackbox::Blackbox::from_env()?;
    /// let session_id: blackbox::uuid::Uuid = "07fd44a8-744f-491f-8c7d-18e2c7e25afb".parse()?;
    /// let options = RequestOptions::new().header("x-request-id", "42");
    /// let result = blackbox
    ///     .session_management()
    ///     .extend_session_with((session_id, 24), options)
    ///     .await?;
    /// println!("{result:?}");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "extend-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "extend-session")))]
    pub async fn extend_session_with(
        self,
        request: impl Into<ExtendSessionRequest>,
        options: RequestOptions,
    ) -> Result<ApiResponseSessionInfo, Error> {
        funcs::extend_session(self.core, request.into(), Some(options)).await
    }
}
