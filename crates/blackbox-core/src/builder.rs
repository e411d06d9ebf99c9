//! Building a [`BlackboxCore`]: every client-wide setting in one place.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::client::{BlackboxCore, Inner, Transport};
use crate::headers::{DebugHeaders, insert_checked};
use crate::hyper_client::{HyperClient, HyperSettings};
use crate::retry::{RetryBudget, RetryTokens, Sleeper};
use crate::secret::Secrets;
use crate::server::{Server, ServerUrl};
use crate::token::{Auth, TokenSource, bearer_header, bearer_token};
use crate::{Error, Hooks, HttpClient, RetryConfig, SecretString};

/// Environment variable holding the bearer token.
pub const ENV_AUTH_TOKEN: &str = "BLACKBOX_BLACKBOX_AUTH_TOKEN";
/// Environment variable overriding the server URL.
pub const ENV_SERVER_URL: &str = "BLACKBOX_SERVER_URL";
/// Environment variable turning on the debug log (`true` or `1`).
pub const ENV_DEBUG: &str = "BLACKBOX_DEBUG";

/// The default response body limit: 16 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

#[derive(Clone, Debug)]
enum ServerChoice {
    Named(Server),
    Url(String),
}

/// Builds a [`BlackboxCore`], or a client made from one; see
/// [`BlackboxCore`] for an example.
///
/// Defaults: production server, no token, retries as [`RetryConfig::default`]
/// within a [`RetryBudget::default`] shared by the client's calls, connect
/// timeout 10 s, attempt timeout 30 s, no operation timeout, 16 MiB body limit,
/// pooled connections idle for at most 4 s, Mozilla's roots.
///
/// Settings that can be wrong (a header value, a certificate, the server URL) are
/// checked by [`build`](Self::build), which returns [`Error::InvalidRequest`]
/// instead of panicking.
///
/// `C` is what [`build`](Self::build) returns: a [`BlackboxCore`] by default, or
/// any client that is made from one (`C: From<BlackboxCore>`), so that a client
/// wrapping the core is configured with this builder and nothing copied. Start
/// one with [`BlackboxCore::builder`], or with `Default::default()` for another `C`.
#[must_use]
pub struct BlackboxCoreBuilder<C = BlackboxCore> {
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

/// The builder's settings, apart from the client type, so that building is
/// compiled once whatever `C` is.
struct Settings {
    auth: Auth,
    token_error: Option<Error>,
    server: ServerChoice,
    user_agent_suffix: Option<String>,
    default_headers: HeaderMap,
    header_error: Option<String>,
    retry: RetryConfig,
    retry_budget: Option<RetryBudget>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    max_body_size: usize,
    hooks: Vec<Arc<dyn Hooks>>,
    http_client: Option<Arc<dyn HttpClient>>,
    hyper: HyperSettings,
    certificate_error: Option<Error>,
    sleeper: Option<Arc<dyn Sleeper>>,
    debug: bool,
    allow_insecure_http: bool,
}

impl<C> Default for BlackboxCoreBuilder<C> {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            client: PhantomData,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            auth: Auth::None,
            token_error: None,
            server: ServerChoice::Named(Server::default()),
            user_agent_suffix: None,
            default_headers: HeaderMap::new(),
            header_error: None,
            retry: RetryConfig::default(),
            retry_budget: Some(RetryBudget::default()),
            attempt_timeout: Some(Duration::from_secs(30)),
            operation_timeout: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            hooks: Vec::new(),
            http_client: None,
            hyper: HyperSettings::default(),
            certificate_error: None,
            sleeper: None,
            debug: false,
            allow_insecure_http: false,
        }
    }
}

impl BlackboxCoreBuilder {
    /// A builder of a [`BlackboxCore`] with the defaults.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<C> BlackboxCoreBuilder<C> {
    /// Applies the environment: `BLACKBOX_BLACKBOX_AUTH_TOKEN` (bearer token),
    /// `BLACKBOX_SERVER_URL` (server override) and `BLACKBOX_DEBUG` (`true`/`1`;
    /// read only when the `debug-log` feature is on). Unset or empty variables
    /// change nothing.
    pub fn from_env(mut self) -> Self {
        if let Some(token) = non_empty_env(ENV_AUTH_TOKEN) {
            self = self.token(token);
        }
        if let Some(url) = non_empty_env(ENV_SERVER_URL) {
            self = self.server_url(url);
        }
        #[cfg(feature = "debug-log")]
        if let Some(debug) = non_empty_env(ENV_DEBUG) {
            self.settings.debug = debug.eq_ignore_ascii_case("true") || debug == "1";
        }
        self
    }

    /// The bearer token sent as `Authorization: Bearer <token>`. An empty token
    /// means no token (requests go out without `Authorization`).
    pub fn token(mut self, token: impl Into<SecretString>) -> Self {
        let token = token.into();
        self.settings.token_error = None;
        if token.is_empty() {
            self.settings.auth = Auth::None;
            return self;
        }
        match bearer_header(&token) {
            Ok(value) => self.settings.auth = Auth::Static(value),
            Err(error) => self.settings.token_error = Some(error),
        }
        self
    }

    /// An async token source asked once per attempt, for rotating tokens.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.settings.token_error = None;
        self.settings.auth = Auth::Source(Arc::new(source));
        self
    }

    /// One of the servers of the OpenAPI document.
    pub fn server(mut self, server: Server) -> Self {
        self.settings.server = ServerChoice::Named(server);
        self
    }

    /// Any base URL, with or without a path prefix; checked at [`build`](Self::build).
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.settings.server = ServerChoice::Url(url.into());
        self
    }

    /// Appended to `User-Agent: blackbox-rs/<version>` (e.g. `my-app/1.2`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.settings.user_agent_suffix = Some(suffix.into());
        self
    }

    /// A header sent with every request; per-call headers replace it by name.
    /// Credential headers are marked sensitive. Invalid names or values fail at
    /// [`build`](Self::build).
    pub fn default_header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        insert_checked(
            &mut self.settings.default_headers,
            &mut self.settings.header_error,
            "default",
            name,
            value,
        );
        self
    }

    /// The retry policy for every call (per-call options may replace it).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.settings.retry = retry;
        self
    }

    /// The client-wide retry budget shared by all calls (see [`RetryBudget`]);
    /// `None` turns it off, leaving only each call's [`RetryConfig`]. Default
    /// [`RetryBudget::default`].
    pub fn retry_budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.settings.retry_budget = budget;
        self
    }

    /// Timeout for setting up a connection — TCP, proxy `CONNECT` and the TLS
    /// handshake together; `None` disables it. Default 10 s. Set-up also ends
    /// with the attempt that asked for the connection; either way the request
    /// was never sent, and the error is a connect timeout.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.hyper.connect_timeout = timeout;
        self
    }

    /// Timeout for one attempt: sending, the response headers and the whole body;
    /// `None` disables it. Default 30 s.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.attempt_timeout = timeout;
        self
    }

    /// Timeout for a whole operation across attempts and backoff; `None` (the
    /// default) disables it.
    pub fn operation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.operation_timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes; a larger one fails with
    /// [`Error::BodyTooLarge`] after reading at most this much. Default 16 MiB.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.settings.max_body_size = bytes;
        self
    }

    /// Adds hooks that run around every attempt, after those added before.
    pub fn hook(mut self, hooks: impl Hooks) -> Self {
        self.settings.hooks.push(Arc::new(hooks));
        self
    }

    /// Replaces the default transport. Connection, TLS, proxy and pool settings
    /// of this builder then do not apply.
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.settings.http_client = Some(Arc::new(client));
        self
    }

    /// How long an idle pooled connection is kept; `None` keeps it until the
    /// server closes it. Default 4 s.
    ///
    /// Keep it below the server's keep-alive timeout, so that the client, not
    /// the server, closes an idle connection. A server that closes one just as
    /// the client reuses it makes the request on it fail after it was written
    /// ("may have reached the server"): a GET is retried, a non-idempotent
    /// POST is not. The default is below the keep-alive timeouts of the
    /// common servers — Apache httpd and Node.js 5 s, AWS ALB 60 s, nginx
    /// 75 s — as undici (Node's client) does with 4 s. The price is a new
    /// connection (and TLS handshake) after 4 s without calls; raise it when
    /// the server is known to keep connections longer (to 55 s behind an
    /// ALB, 70 s behind nginx), for fewer handshakes.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.hyper.pool_idle_timeout = timeout;
        self
    }

    /// The most idle connections kept per host. Default: no limit.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.settings.hyper.pool_max_idle_per_host = max;
        self
    }

    /// Offers only HTTP/1.1 in TLS ALPN even though HTTP/2 is compiled in (for
    /// servers or middleboxes with broken HTTP/2). Default `false`.
    #[cfg(all(feature = "http2", feature = "rustls"))]
    #[cfg_attr(docsrs, doc(cfg(all(feature = "http2", feature = "rustls"))))]
    pub fn http1_only(mut self, enabled: bool) -> Self {
        self.settings.hyper.http1_only = enabled;
        self
    }

    /// Trusts the certificates of a PEM document in addition to (or, with
    /// [`tls_built_in_roots(false)`](Self::tls_built_in_roots), instead of) the
    /// built-in roots. A document that holds no usable certificate fails at
    /// [`build`](Self::build).
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        match crate::tls::parse_pem_certificates(pem.as_ref()) {
            Ok(certificates) => self.settings.hyper.tls.extra_roots.extend(certificates),
            Err(error) => {
                self.settings.certificate_error.get_or_insert(error);
            }
        }
        self
    }

    /// Whether to trust the roots compiled in (`webpki-roots`) or loaded from the
    /// system (`native-roots`). Default `true`. Certificate verification itself
    /// cannot be turned off.
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn tls_built_in_roots(mut self, enabled: bool) -> Self {
        self.settings.hyper.tls.built_in_roots = enabled;
        self
    }

    /// An explicit proxy for every request (`http://[user:pass@]host:port`),
    /// overriding the environment. HTTPS targets are tunnelled with `CONNECT`.
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.hyper.proxy.mode = crate::proxy::ProxyMode::Explicit(url.into());
        self
    }

    /// Hosts never sent through the explicit proxy, in `NO_PROXY` syntax
    /// (`localhost,.internal.example,10.0.0.0/8`).
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.settings.hyper.proxy.no_proxy = Some(hosts.into());
        self
    }

    /// Turns proxies off, including those from the environment.
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn disable_proxy(mut self) -> Self {
        self.settings.hyper.proxy.mode = crate::proxy::ProxyMode::Disabled;
        self
    }

    /// Allows sending the bearer token over plain HTTP to hosts other than
    /// loopback. Off by default: a token sent in clear text can be stolen.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.settings.allow_insecure_http = allow;
        self
    }

    /// Writes one line per request and response to stderr (secrets redacted).
    /// Needs the `debug-log` feature (on by default).
    #[cfg(feature = "debug-log")]
    #[cfg_attr(docsrs, doc(cfg(feature = "debug-log")))]
    pub fn debug(mut self, enabled: bool) -> Self {
        self.settings.debug = enabled;
        self
    }

    /// Replaces how the core waits between attempts (for deterministic tests).
    pub fn sleeper(mut self, sleeper: impl Sleeper) -> Self {
        self.settings.sleeper = Some(Arc::new(sleeper));
        self
    }

    /// Checks every setting and builds the client. Needs no runtime; the first
    /// call needs a Tokio runtime with the time driver enabled.
    pub fn build(self) -> Result<C, Error>
    where
        C: From<BlackboxCore>,
    {
        self.settings.build().map(C::from)
    }
}

impl Settings {
    /// The part of `build` that does not depend on `C`, compiled once.
    fn build(self) -> Result<BlackboxCore, Error> {
        if let Some(error) = self.token_error {
            return Err(error);
        }
        if let Some(message) = self.header_error {
            return Err(Error::invalid_request(message));
        }
        if let Some(error) = self.certificate_error {
            return Err(error);
        }
        let server = match &self.server {
            ServerChoice::Named(server) => ServerUrl::parse(server.url())?,
            ServerChoice::Url(url) => ServerUrl::parse(url)?,
        };
        let mut user_agent = format!("blackbox-rs/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = &self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| {
            Error::invalid_request("the user agent suffix is not a valid header value")
        })?;
        let transport = match self.http_client {
            Some(client) => Transport::Custom(client),
            None => Transport::Hyper(HyperClient::new(&self.hyper)?),
        };
        let (json_headers, any_headers) =
            Inner::base_headers(&self.auth, user_agent, &self.default_headers);
        let mut secrets = Secrets::default();
        if let Auth::Static(value) = &self.auth
            && let Some(token) = bearer_token(value)
        {
            secrets.add(token);
        }
        #[cfg(feature = "proxy")]
        crate::proxy::add_credentials(&self.hyper.proxy, &mut secrets);
        let inner = Inner {
            server,
            auth: self.auth,
            json_headers,
            any_headers,
            retry: self.retry,
            retry_tokens: self.retry_budget.map(RetryTokens::new),
            attempt_timeout: self.attempt_timeout,
            operation_timeout: self.operation_timeout,
            max_body_size: self.max_body_size,
            hooks: self.hooks,
            transport,
            sleeper: self.sleeper,
            debug: self.debug,
            allow_insecure_http: self.allow_insecure_http,
            secrets: Arc::new(secrets),
        };
        inner.check_server(&inner.server)?;
        Ok(BlackboxCore::from_inner(inner))
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

impl<C> fmt::Debug for BlackboxCoreBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlackboxCoreBuilder")
            .field("auth", &self.settings.auth)
            .field("server", &self.settings.server)
            .field("user_agent_suffix", &self.settings.user_agent_suffix)
            .field(
                "default_headers",
                &DebugHeaders(&self.settings.default_headers),
            )
            .field("retry", &self.settings.retry)
            .field("retry_budget", &self.settings.retry_budget)
            .field("attempt_timeout", &self.settings.attempt_timeout)
            .field("operation_timeout", &self.settings.operation_timeout)
            .field("max_body_size", &self.settings.max_body_size)
            .field("hooks", &self.settings.hooks)
            .field("http_client", &self.settings.http_client)
            .field("transport", &self.settings.hyper)
            .field("debug", &self.settings.debug)
            .field("allow_insecure_http", &self.settings.allow_insecure_http)
            .finish_non_exhaustive()
    }
}
