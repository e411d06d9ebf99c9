//! [`SessionManagement`]: the Session Management operations as methods.

use blackbox_funcs::BlackboxCore;

#[cfg(any(
    feature = "cleanup-expired-sessions",
    feature = "revoke-all-sessions",
    feature = "revoke-session"
))]
use crate::models::ApiResponse;
#[cfg(any(feature = "get-session", feature = "extend-session"))]
use crate::models::ApiResponseSessionInfo;
#[cfg(feature = "list-sessions")]
use crate::models::ApiResponseSessionListResponse;
#[cfg(feature = "get-session-stats")]
use crate::models::ApiResponseSessionStats;
#[cfg(feature = "extend-session")]
use crate::models::ExtendSessionRequest;
#[cfg(feature = "revoke-all-sessions")]
use crate::models::RevokeAllSessionsRequest;
#[cfg(any(
    feature = "get-session",
    feature = "revoke-session",
    feature = "extend-session"
))]
use crate::uuid::Uuid;
#[cfg(any(
    feature = "list-sessions",
    feature = "cleanup-expired-sessions",
    feature = "revoke-all-sessions",
    feature = "get-session-stats",
    feature = "get-session",
    feature = "revoke-session",
    feature = "extend-session"
))]
use crate::{Call, Operation, session_management};

/// The Session Management operations of a [`Blackbox`](crate::Blackbox) client,
/// from [`Blackbox::session_management`](crate::Blackbox::session_management).
///
/// It borrows the client and is `Copy`. Each method takes the operation's
/// inputs and returns a [`Call`]: `.await` it to send it with the client's
/// settings, or set per-call options first with
/// [`Call::options`]. The answer is the API's envelope;
/// [`into_data`](crate::models::ApiResponse::into_data) gives its data.
#[derive(Clone, Copy, Debug)]
pub struct SessionManagement<'a> {
    core: &'a BlackboxCore,
}

impl<'a> SessionManagement<'a> {
    pub(crate) fn new(core: &'a BlackboxCore) -> Self {
        Self { core }
    }

    /// Lists the sessions of the caller's user, expired ones included.
    ///
    /// `GET /api/v0/sessions`; calls [`session_management::list_sessions`], where the answer and
    /// the errors are described.
    ///
    /// ```no_run
    /// use blackbox::Blackbox;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let blackbox = Blackbox::from_env()?;
    ///     let sessions = blackbox.session_management().list_sessions().await?.into_data()?;
    ///     for session in &sessions.sessions {
    ///         println!("{} current: {}", session.id, session.is_current);
    ///     }
    ///     Ok(())
    /// }
    /// ```
    #[cfg(feature = "list-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "list-sessions")))]
    pub fn list_sessions(self) -> Call<impl Operation<Output = ApiResponseSessionListResponse>> {
        let core = self.core;
        Call::new(move |options| session_management::list_sessions(core, options))
    }

    /// Deletes the caller's user's expired sessions.
    ///
    /// `POST /api/v0/sessions/cleanup`; calls [`session_management::cleanup_expired_sessions`], where the answer and
    /// the errors are described.
    ///
    /// ```no_run
    /// use blackbox::Blackbox;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let blackbox = Blackbox::from_env()?;
    ///     blackbox.session_management().cleanup_expired_sessions().await?;
    ///     Ok(())
    /// }
    /// ```
    #[cfg(feature = "cleanup-expired-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cleanup-expired-sessions")))]
    pub fn cleanup_expired_sessions(self) -> Call<impl Operation<Output = ApiResponse<()>>> {
        let core = self.core;
        Call::new(move |options| session_management::cleanup_expired_sessions(core, options))
    }

    /// Revokes all of the caller's user's sessions, or all but the current one.
    ///
    /// `POST /api/v0/sessions/revoke-all`; calls [`session_management::revoke_all_sessions`], where the answer and
    /// the errors are described.
    ///
    /// ```no_run
    /// use blackbox::Blackbox;
    /// use blackbox::models::RevokeAllSessionsRequest;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let blackbox = Blackbox::from_env()?;
    ///     // Sign out everywhere else: keep the session making this call.
    ///     let keep_current = true;
    ///     blackbox
    ///         .session_management()
    ///         .revoke_all_sessions(RevokeAllSessionsRequest::new(keep_current))
    ///         .await?;
    ///     Ok(())
    /// }
    /// ```
    #[cfg(feature = "revoke-all-sessions")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revoke-all-sessions")))]
    pub fn revoke_all_sessions(
        self,
        body: RevokeAllSessionsRequest,
    ) -> Call<impl Operation<Output = ApiResponse<()>>> {
        let core = self.core;
        Call::new(move |options| session_management::revoke_all_sessions(core, body, options))
    }

    /// Counts the caller's user's sessions: all, active and expired.
    ///
    /// `GET /api/v0/sessions/stats`; calls [`session_management::get_session_stats`], where the answer and
    /// the errors are described.
    ///
    /// ```no_run
    /// use blackbox::Blackbox;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let blackbox = Blackbox::from_env()?;
    ///     let stats = blackbox.session_management().get_session_stats().await?.into_data()?;
    ///     println!("{} active of {}", stats.active_sessions, stats.total_sessions);
    ///     Ok(())
    /// }
    /// ```
    #[cfg(feature = "get-session-stats")]
    #[cfg_attr(docsrs, doc(cfg(feature = "get-session-stats")))]
    pub fn get_session_stats(self) -> Call<impl Operation<Output = ApiResponseSessionStats>> {
        let core = self.core;
        Call::new(move |options| session_management::get_session_stats(core, options))
    }

    /// Reads one of the caller's user's sessions.
    ///
    /// `GET /api/v0/sessions/{session_id}`; calls [`session_management::get_session`], where the answer and
    /// the errors are described.
    ///
    /// ```no_run
    /// use blackbox::Blackbox;
    /// use blackbox::uuid::Uuid;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let blackbox = Blackbox::from_env()?;
    ///     let session_id: Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
    ///     let session = blackbox.session_management().get_session(session_id).await?.into_data()?;
    ///     println!("{session:?}"); // the session token prints as ** redacted **
    ///     Ok(())
    /// }
    /// ```
    #[cfg(feature = "get-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "get-session")))]
    pub fn get_session(
        self,
        session_id: Uuid,
    ) -> Call<impl Operation<Output = ApiResponseSessionInfo>> {
        let core = self.core;
        Call::new(move |options| session_management::get_session(core, session_id, options))
    }

    /// Revokes one of the caller's user's sessions.
    ///
    /// `DELETE /api/v0/sessions/{session_id}`; calls [`session_management::revoke_session`], where the answer and
    /// the errors are described.
    ///
    /// ```no_run
    /// use blackbox::Blackbox;
    /// use blackbox::uuid::Uuid;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let blackbox = Blackbox::from_env()?;
    ///     let session_id: Uuid = "fe603112-c194-45c1-90cf-513753aa0744".parse()?;
    ///     blackbox.session_management().revoke_session(session_id).await?;
    ///     Ok(())
    /// }
    /// ```
    #[cfg(feature = "revoke-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revoke-session")))]
    pub fn revoke_session(
        self,
        session_id: Uuid,
    ) -> Call<impl Operation<Output = ApiResponse<()>>> {
        let core = self.core;
        Call::new(move |options| session_management::revoke_session(core, session_id, options))
    }

    /// Extends one of the caller's user's sessions and returns it as updated.
    ///
    /// `POST /api/v0/sessions/{session_id}/extend`; calls [`session_management::extend_session`], where the answer and
    /// the errors are described.
    ///
    /// ```no_run
    /// use blackbox::Blackbox;
    /// use blackbox::models::ExtendSessionRequest;
    /// use blackbox::uuid::Uuid;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let blackbox = Blackbox::from_env()?;
    ///     let session_id: Uuid = "07fd44a8-744f-491f-8c7d-18e2c7e25afb".parse()?;
    ///     let extended = blackbox
    ///         .session_management()
    ///         .extend_session(session_id, ExtendSessionRequest::new(24))
    ///         .await?
    ///         .into_data()?;
    ///     println!("now expires at {}", extended.expires_at);
    ///     Ok(())
    /// }
    /// ```
    #[cfg(feature = "extend-session")]
    #[cfg_attr(docsrs, doc(cfg(feature = "extend-session")))]
    pub fn extend_session(
        self,
        session_id: Uuid,
        body: ExtendSessionRequest,
    ) -> Call<impl Operation<Output = ApiResponseSessionInfo>> {
        let core = self.core;
        Call::new(move |options| {
            session_management::extend_session(core, session_id, body, options)
        })
    }
}
