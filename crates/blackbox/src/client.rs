//! [`Blackbox`]: the client, owning a [`BlackboxCore`].

use crate::{BlackboxBuilder, BlackboxCore, Error, SessionManagement};

/// The Blackbox API client: a [`BlackboxCore`] with the operations as methods,
/// grouped by resource like the TypeScript SDK's `blackbox.sessionManagement`.
///
/// Cheap to clone (the core's state is shared behind an `Arc`) and
/// `Send + Sync`: create one and use it from every task. `Debug` is the core's,
/// which redacts the bearer token.
///
/// ```no_run
/// use blackbox::Blackbox;
///
/// # async fn run() -> Result<(), blackbox::Error> {
/// // BLACKBOX_BLACKBOX_AUTH_TOKEN, BLACKBOX_SERVER_URL and BLACKBOX_DEBUG:
/// let blackbox = Blackbox::from_env()?;
/// let result = blackbox.session_management().list_sessions().await?;
/// println!("{result:?}");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Blackbox {
    core: BlackboxCore,
}

impl Blackbox {
    /// A client around an existing core (which can be shared with the
    /// standalone functions of [`funcs`](crate::funcs)).
    pub fn new(core: BlackboxCore) -> Self {
        Self { core }
    }

    /// A builder with the defaults; its [`build`](BlackboxBuilder::build)
    /// returns a `Blackbox`.
    pub fn builder() -> BlackboxBuilder {
        BlackboxBuilder::new()
    }

    /// A client configured from the environment: `BLACKBOX_BLACKBOX_AUTH_TOKEN`,
    /// `BLACKBOX_SERVER_URL` and `BLACKBOX_DEBUG`; everything else default.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when a setting cannot work (an invalid server
    /// URL, or a token that is not a valid header value).
    pub fn from_env() -> Result<Self, Error> {
        BlackboxCore::from_env().map(Self::new)
    }

    /// The transport core, for the standalone functions of [`funcs`](crate::funcs).
    pub fn core(&self) -> &BlackboxCore {
        &self.core
    }

    /// Consumes the client and returns its core.
    pub fn into_core(self) -> BlackboxCore {
        self.core
    }

    /// The Session Management operations.
    pub fn session_management(&self) -> SessionManagement<'_> {
        SessionManagement::new(&self.core)
    }
}

impl From<BlackboxCore> for Blackbox {
    fn from(core: BlackboxCore) -> Self {
        Self::new(core)
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
        assert_eq!(
            Blackbox::new(core.clone()).into_core().server_url(),
            core.server_url()
        );
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
