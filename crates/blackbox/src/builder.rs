//! [`BlackboxBuilder`]: the core's builder, building a [`Blackbox`].

use std::time::Duration;

use blackbox_funcs::blackbox_core::http::{HeaderName, HeaderValue};
use blackbox_funcs::blackbox_core::{
    BlackboxCoreBuilder, Hooks, HttpClient, Server, Sleeper, TokenSource,
};

use crate::{Blackbox, Error, RetryConfig, SecretString};

/// Builds a [`Blackbox`]: the settings of [`BlackboxCoreBuilder`], one for one,
/// with [`build`](Self::build) returning the client.
///
/// Defaults: production server, no token, retries as [`RetryConfig::default`],
/// connect timeout 10 s, attempt timeout 30 s, no operation timeout, 16 MiB body
/// limit. Settings that can be wrong are checked by [`build`](Self::build), which
/// returns [`Error::InvalidRequest`] instead of panicking.
///
/// ```no_run
/// use std::time::Duration;
/// use blackbox::{Blackbox, RetryConfig};
///
/// # fn main() -> Result<(), blackbox::Error> {
/// let blackbox = Blackbox::builder()
///     .from_env()
///     .retry(RetryConfig::default().max_attempts(5))
///     .attempt_timeout(Some(Duration::from_secs(10)))
///     .build()?;
/// # let _ = blackbox;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct BlackboxBuilder {
    core: BlackboxCoreBuilder,
}

impl BlackboxBuilder {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies the environment: `BLACKBOX_BLACKBOX_AUTH_TOKEN` (bearer token),
    /// `BLACKBOX_SERVER_URL` (server override) and `BLACKBOX_DEBUG` (`true`/`1`).
    /// Unset or empty variables change nothing; later settings override them.
    pub fn from_env(self) -> Self {
        self.map(BlackboxCoreBuilder::from_env)
    }

    /// The bearer token sent as `Authorization: Bearer <token>`; empty means none.
    pub fn token(self, token: impl Into<SecretString>) -> Self {
        self.map(|core| core.token(token))
    }

    /// An async token source asked once per attempt, for rotating tokens.
    pub fn token_source(self, source: impl TokenSource) -> Self {
        self.map(|core| core.token_source(source))
    }

    /// One of the servers of the OpenAPI document.
    pub fn server(self, server: Server) -> Self {
        self.map(|core| core.server(server))
    }

    /// A server of the OpenAPI document by index (0 production, 1 staging, 2 local).
    pub fn server_index(self, index: usize) -> Self {
        self.map(|core| core.server_index(index))
    }

    /// Any base URL, with or without a path prefix.
    pub fn server_url(self, url: impl Into<String>) -> Self {
        self.map(|core| core.server_url(url))
    }

    /// Appended to `User-Agent: blackbox-rs/<version>` (e.g. `my-app/1.2`).
    pub fn user_agent_suffix(self, suffix: impl Into<String>) -> Self {
        self.map(|core| core.user_agent_suffix(suffix))
    }

    /// A header sent with every request; per-call headers replace it by name.
    pub fn default_header<N, V>(self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        self.map(|core| core.default_header(name, value))
    }

    /// The retry policy for every call (per-call options may replace it).
    pub fn retry(self, retry: RetryConfig) -> Self {
        self.map(|core| core.retry(retry))
    }

    /// Timeout for establishing a connection; `None` disables it.
    pub fn connect_timeout(self, timeout: Option<Duration>) -> Self {
        self.map(|core| core.connect_timeout(timeout))
    }

    /// Timeout for one attempt, body included; `None` disables it.
    pub fn attempt_timeout(self, timeout: Option<Duration>) -> Self {
        self.map(|core| core.attempt_timeout(timeout))
    }

    /// Timeout for a whole operation across attempts and backoff; `None` disables it.
    pub fn operation_timeout(self, timeout: Option<Duration>) -> Self {
        self.map(|core| core.operation_timeout(timeout))
    }

    /// The largest response body accepted, in bytes.
    pub fn max_body_size(self, bytes: usize) -> Self {
        self.map(|core| core.max_body_size(bytes))
    }

    /// Adds hooks that run around every attempt, after those added before.
    pub fn hook(self, hooks: impl Hooks) -> Self {
        self.map(|core| core.hook(hooks))
    }

    /// Replaces the default transport.
    pub fn http_client(self, client: impl HttpClient) -> Self {
        self.map(|core| core.http_client(client))
    }

    /// How long an idle pooled connection is kept; `None` keeps it.
    pub fn pool_idle_timeout(self, timeout: Option<Duration>) -> Self {
        self.map(|core| core.pool_idle_timeout(timeout))
    }

    /// The most idle connections kept per host.
    pub fn pool_max_idle_per_host(self, max: usize) -> Self {
        self.map(|core| core.pool_max_idle_per_host(max))
    }

    /// Offers only HTTP/1.1 in TLS ALPN even though HTTP/2 is compiled in.
    #[cfg(all(feature = "http2", feature = "rustls"))]
    #[cfg_attr(docsrs, doc(cfg(all(feature = "http2", feature = "rustls"))))]
    pub fn http1_only(self, enabled: bool) -> Self {
        self.map(|core| core.http1_only(enabled))
    }

    /// Trusts the certificates of a PEM document in addition to the built-in roots.
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn add_root_certificate_pem(self, pem: impl AsRef<[u8]>) -> Self {
        self.map(|core| core.add_root_certificate_pem(pem))
    }

    /// Whether to trust the built-in roots (`webpki-roots` or `native-roots`).
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn tls_built_in_roots(self, enabled: bool) -> Self {
        self.map(|core| core.tls_built_in_roots(enabled))
    }

    /// An explicit proxy for every request, overriding the environment.
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn proxy(self, url: impl Into<String>) -> Self {
        self.map(|core| core.proxy(url))
    }

    /// Hosts never sent through the explicit proxy, in `NO_PROXY` syntax.
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn no_proxy(self, hosts: impl Into<String>) -> Self {
        self.map(|core| core.no_proxy(hosts))
    }

    /// Turns proxies off, including those from the environment.
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn disable_proxy(self) -> Self {
        self.map(BlackboxCoreBuilder::disable_proxy)
    }

    /// Allows sending the bearer token over plain HTTP to hosts other than loopback.
    pub fn allow_insecure_http(self, allow: bool) -> Self {
        self.map(|core| core.allow_insecure_http(allow))
    }

    /// Writes one line per request and response to stderr (secrets redacted).
    /// Needs the `debug-log` feature (on by default).
    #[cfg(feature = "debug-log")]
    pub fn debug(self, enabled: bool) -> Self {
        self.map(|core| core.debug(enabled))
    }

    /// Replaces how the core waits between attempts (for deterministic tests).
    pub fn sleeper(self, sleeper: impl Sleeper) -> Self {
        self.map(|core| core.sleeper(sleeper))
    }

    /// Applies any setting of the core's builder, including ones added after
    /// this wrapper was written.
    pub fn map(self, configure: impl FnOnce(BlackboxCoreBuilder) -> BlackboxCoreBuilder) -> Self {
        Self {
            core: configure(self.core),
        }
    }

    /// Checks every setting and builds the client; see [`BlackboxCoreBuilder::build`].
    pub fn build(self) -> Result<Blackbox, Error> {
        self.core.build().map(Blackbox::new)
    }

    /// The core's builder, for building a [`BlackboxCore`](crate::BlackboxCore) instead.
    pub fn into_core_builder(self) -> BlackboxCoreBuilder {
        self.core
    }
}

impl From<BlackboxCoreBuilder> for BlackboxBuilder {
    fn from(core: BlackboxCoreBuilder) -> Self {
        Self { core }
    }
}
