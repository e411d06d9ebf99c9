//! [`Blackbox`]: the client, owning a [`BlackboxCore`].

use blackbox_funcs::BlackboxCore;

use crate::{BlackboxBuilder, Error, SessionManagement};

/// The Blackbox API client: a [`BlackboxCore`] with the operations as methods,
/// grouped by resource (`blackbox.session_management().get_session(id)`).
///
/// Cheap to clone (the core's state is shared behind an `Arc`) and
/// `Send + Sync`: create one and use it from every task. `Debug` is the core's,
/// which redacts the bearer token.
///
/// Every setting is on [`Blackbox::builder`], the core's own builder; a client
/// is also made from a core with `From`, so it can share one with the standalone
/// functions of [`session_management`](crate::session_management).
///
/// ```no_run
/// use std::time::Duration;
/// use blackbox::{Blackbox, RetryConfig, Server};
///
/// # fn main() -> Result<(), blackbox::Error> {
/// // BLACKBOX_BLACKBOX_AUTH_TOKEN, BLACKBOX_SERVER_URL and BLACKBOX_DEBUG:
/// let blackbox = Blackbox::from_env()?;
///
/// // Or every setting by hand:
/// let blackbox = Blackbox::builder()
///     .token("my-token")
///     .server(Server::Staging)
///     .retry(RetryConfig::default().with_max_attempts(5))
///     .attempt_timeout(Some(Duration::from_secs(10)))
///     .build()?;
/// # let _ = blackbox;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Blackbox {
    core: BlackboxCore,
}

impl Blackbox {
    /// The builder of the transport core, building a `Blackbox`: every
    /// client-wide setting (token, server, retries, timeouts, TLS, proxy, hooks)
    /// is one of its methods.
    pub fn builder() -> BlackboxBuilder {
        BlackboxBuilder::default()
    }

    /// A client configured from the environment: `BLACKBOX_BLACKBOX_AUTH_TOKEN`,
    /// `BLACKBOX_SERVER_URL` and `BLACKBOX_DEBUG`; everything else default.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when a setting cannot work (an invalid server
    /// URL, or a token that is not a valid header value).
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env().build()
    }

    /// The transport core, for the standalone functions of
    /// [`session_management`](crate::session_management).
    pub fn core(&self) -> &BlackboxCore {
        &self.core
    }

    /// The Session Management operations.
    pub fn session_management(&self) -> SessionManagement<'_> {
        SessionManagement::new(&self.core)
    }
}

impl From<BlackboxCore> for Blackbox {
    fn from(core: BlackboxCore) -> Self {
        Self { core }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_clone_and_static() {
        fn check<T: Send + Sync + Clone + std::fmt::Debug + 'static>() {}
        check::<Blackbox>();
        check::<SessionManagement<'static>>();
    }

    /// A call can be spawned on a multi-threaded runtime, and `Call` adds no
    /// state to the operation's own future.
    #[cfg(all(feature = "get-session", feature = "extend-session"))]
    #[test]
    fn calls_are_send_and_as_small_as_the_function_they_run() {
        use std::future::IntoFuture;

        fn send<T: Send>(value: T) -> T {
            value
        }
        let blackbox = Blackbox::builder()
            .server_url("http://127.0.0.1:9")
            .build()
            .expect("valid settings");
        let id = crate::uuid::Uuid::nil();
        let call = send(blackbox.session_management().get_session(id));
        let future = send(call.into_future());
        let direct = crate::session_management::get_session(blackbox.core(), id, None);
        assert_eq!(
            std::mem::size_of_val(&future),
            std::mem::size_of_val(&direct)
        );
        let body = crate::models::ExtendSessionRequest::new(1);
        let future = send(
            blackbox
                .session_management()
                .extend_session(id, body)
                .options(crate::RequestOptions::new())
                .into_future(),
        );
        drop(future);
    }

    #[test]
    fn debug_does_not_show_the_token() {
        let blackbox = Blackbox::builder()
            .server_url("http://127.0.0.1:9")
            .token("sentinel-bearer-token")
            .build()
            .expect("valid settings");
        let shown = format!("{blackbox:?} {:?}", blackbox.session_management());
        assert!(!shown.contains("sentinel-bearer-token"), "{shown}");
    }

    #[test]
    fn builds_the_same_ways_as_the_core() {
        let core = BlackboxCore::builder()
            .server_url("http://127.0.0.1:9")
            .build()
            .expect("valid settings");
        let from_core = Blackbox::from(core.clone());
        assert_eq!(from_core.core().server_url(), core.server_url());
        let built = Blackbox::builder()
            .server_url("http://127.0.0.1:9/prefix")
            .build()
            .expect("valid settings");
        assert_eq!(
            built.core().server_url().to_string(),
            "http://127.0.0.1:9/prefix"
        );
        let error = Blackbox::builder()
            .server_url("ftp://nope")
            .build()
            .expect_err("bad scheme");
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    }
}
