//! [`BlackboxCore`]: sends one operation well — server, headers, auth, the
//! attempt loop with retries and timeouts, hooks, body limits, errors.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method};
use tokio::time::Instant;

use crate::error::{ApiError, BodyTooLargeError, HookError, TimeoutError, TimeoutKind};
use crate::headers::DebugHeaders;
use crate::hooks::HookContext;
use crate::hyper_client::{HyperClient, SetupTimedOut};
use crate::options::CallSettings;
use crate::retry::{RetryTokens, Sleeper, should_retry};
use crate::secret::Secrets;
use crate::server::ServerUrl;
use crate::token::{Auth, BoxFuture, bearer_token, source_header};
use crate::transport::{CollectError, TransportError, TransportErrorKind};
use crate::{
    BlackboxCoreBuilder, Error, Hooks, HttpClient, OperationRequest, RawResponse, RequestOptions,
    RetryConfig,
};

/// The transport core of the SDK: configuration, bearer auth, server selection,
/// retries, timeouts, hooks and errors. It knows nothing about sessions; the
/// operation functions of `blackbox-funcs` build on it.
///
/// Cheap to clone (the state is shared behind an `Arc`), `Send + Sync`: create one
/// and use it from every task.
///
/// ```no_run
/// use std::time::Duration;
/// use blackbox_core::{BlackboxCore, RetryConfig, Server};
///
/// # fn main() -> Result<(), blackbox_core::Error> {
/// let core = BlackboxCore::builder()
///     .token("my-token")
///     .server(Server::Staging)
///     .retry(RetryConfig::default().with_max_attempts(5))
///     .attempt_timeout(Some(Duration::from_secs(10)))
///     .build()?;
///
/// // Or from BLACKBOX_BLACKBOX_AUTH_TOKEN, BLACKBOX_SERVER_URL and BLACKBOX_DEBUG:
/// let core = BlackboxCore::from_env()?;
/// # let _ = core;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct BlackboxCore {
    inner: Arc<Inner>,
}

// Lives once, inside the shared `Inner`; boxing the large variant would only add
// a pointer chase to every call.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Transport {
    Hyper(HyperClient),
    Custom(Arc<dyn HttpClient>),
}

pub(crate) struct Inner {
    pub(crate) server: ServerUrl,
    pub(crate) auth: Auth,
    /// The headers every call starts from, built once: `Accept`, `User-Agent`,
    /// a static `Authorization`, the default headers. One map per `Accept`.
    pub(crate) json_headers: HeaderMap,
    pub(crate) any_headers: HeaderMap,
    pub(crate) retry: RetryConfig,
    pub(crate) retry_tokens: Option<RetryTokens>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) max_body_size: usize,
    pub(crate) hooks: Vec<Arc<dyn Hooks>>,
    pub(crate) transport: Transport,
    pub(crate) sleeper: Option<Arc<dyn Sleeper>>,
    pub(crate) debug: bool,
    pub(crate) allow_insecure_http: bool,
    /// Credentials known by value (a static token, proxy passwords), hidden
    /// wherever an echo of them is printed.
    pub(crate) secrets: Arc<Secrets>,
}

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
const ANY: HeaderValue = HeaderValue::from_static("*/*");
const ZERO: HeaderValue = HeaderValue::from_static("0");

impl Inner {
    /// The two starting header maps (JSON answers, any answer), in wire order.
    pub(crate) fn base_headers(
        auth: &Auth,
        user_agent: HeaderValue,
        default_headers: &HeaderMap,
    ) -> (HeaderMap, HeaderMap) {
        let mut json = HeaderMap::with_capacity(3 + default_headers.len());
        json.insert(ACCEPT, APPLICATION_JSON);
        json.insert(USER_AGENT, user_agent);
        if let Auth::Static(value) = auth {
            json.insert(AUTHORIZATION, value.clone());
        }
        for (name, value) in default_headers {
            json.insert(name, value.clone());
        }
        let mut any = json.clone();
        // Unless the caller chose its own `Accept` among the defaults.
        if !default_headers.contains_key(ACCEPT) {
            any.insert(ACCEPT, ANY);
        }
        (json, any)
    }

    /// Whether to write the debug log: a constant `false` without the
    /// `debug-log` feature, so that its formatting code is not compiled in.
    fn logs(&self) -> bool {
        cfg!(feature = "debug-log") && self.debug
    }

    /// Refuses servers this client cannot or must not talk to. The bearer
    /// token goes in clear text only where the bytes stay on this machine: a
    /// plain-HTTP target must be loopback, and so must the proxy it is sent
    /// through (an HTTPS target is tunnelled with TLS end to end).
    pub(crate) fn check_server(&self, server: &ServerUrl) -> Result<(), Error> {
        let cleartext_token =
            !server.is_https() && self.auth.has_credentials() && !self.allow_insecure_http;
        if cleartext_token && !server.is_loopback() {
            return Err(Error::invalid_request(
                "refusing to send the bearer token over plain HTTP to a non-loopback host; \
                 use https or opt in with allow_insecure_http(true)",
            ));
        }
        // Only a proxy can take the bytes of a loopback target off this machine.
        #[cfg(feature = "proxy")]
        if cleartext_token
            && let Transport::Hyper(client) = &self.transport
            && client.sends_plain_http_off_host(&server.join("/")?)
        {
            return Err(Error::invalid_request(
                "refusing to send the bearer token over plain HTTP through a proxy on a \
                 non-loopback host; use https or opt in with allow_insecure_http(true)",
            ));
        }
        #[cfg(not(feature = "rustls"))]
        if server.is_https() && matches!(self.transport, Transport::Hyper(_)) {
            return Err(Error::invalid_request(
                "https needs TLS support: enable the `ring` or `aws-lc-rs` feature of blackbox-core",
            ));
        }
        Ok(())
    }
}

/// How one attempt ended, before the retry decision.
type AttemptResult = Result<RawResponse, Error>;

impl BlackboxCore {
    /// A builder with the defaults.
    pub fn builder() -> BlackboxCoreBuilder {
        BlackboxCoreBuilder::new()
    }

    /// A client configured from the environment: `BLACKBOX_BLACKBOX_AUTH_TOKEN`,
    /// `BLACKBOX_SERVER_URL` and `BLACKBOX_DEBUG`; everything else default.
    pub fn from_env() -> Result<Self, Error> {
        BlackboxCoreBuilder::new().from_env().build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The server URL requests go to, unless a call overrides it.
    pub fn server_url(&self) -> &ServerUrl {
        &self.inner.server
    }

    /// Sends one operation and returns its success answer (any 2xx), read up to the
    /// body limit. A non-success status is an [`Error::Api`].
    ///
    /// This is the one entry point the operation functions use: it resolves the
    /// server, adds `Authorization`, `Accept`, `Content-Type`, `User-Agent` and the
    /// extra headers, and runs the attempt loop (hooks, timeouts, retries with
    /// backoff and `Retry-After`).
    // Not an `async fn`: without `tracing` it returns `run`'s future as is.
    #[allow(clippy::manual_async_fn)]
    pub fn execute(
        &self,
        request: OperationRequest,
        options: Option<RequestOptions>,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + '_ {
        // Without tracing this is `run`'s own future: no extra layer per call.
        #[cfg(not(feature = "tracing"))]
        return self.run(request, options);
        #[cfg(feature = "tracing")]
        async move {
            let trace = crate::trace::CallTrace::start();
            let result = self.run(request, options, &trace).await;
            trace.finish(&result);
            result
        }
    }

    /// What `execute` does; its outcome is traced in one place.
    async fn run(
        &self,
        mut request: OperationRequest,
        options: Option<RequestOptions>,
        #[cfg(feature = "tracing")] trace: &crate::trace::CallTrace,
    ) -> Result<RawResponse, Error> {
        let options = options.as_ref();
        let inner = &*self.inner;
        let started = Instant::now();

        let overridden_server;
        let server = match options.and_then(|options| options.inner().server_url.as_deref()) {
            Some(url) => {
                overridden_server = ServerUrl::parse(url)?;
                inner.check_server(&overridden_server)?;
                &overridden_server
            }
            None => &inner.server,
        };
        if let Some(options) = options {
            options.check()?;
        }
        // The path moves into the URI; the request keeps the rest.
        let uri = server.join(std::mem::take(&mut request.path))?;
        #[cfg(feature = "tracing")]
        trace.target(&uri);
        let CallSettings {
            retry,
            attempt_timeout,
            operation_timeout,
        } = CallSettings::merge(
            options,
            CallSettings {
                retry: &inner.retry,
                attempt_timeout: inner.attempt_timeout,
                operation_timeout: inner.operation_timeout,
            },
        );
        let operation_deadline = operation_timeout.map(|timeout| started + timeout);
        let may_repeat = request
            .idempotent
            .unwrap_or_else(|| request.method.is_idempotent())
            || retry.retry_non_idempotent();
        let body = request.body.clone().unwrap_or_default();

        let mut attempt = 1;
        loop {
            let context = HookContext {
                operation_id: request.operation_id,
                attempt,
                method: &request.method,
                uri: &uri,
            };
            let headers = self.attempt_headers(&request, options);
            // The first attempt starts now; reading the clock again would be waste.
            let attempt_started = if attempt == 1 {
                started
            } else {
                Instant::now()
            };
            let deadline = first_deadline(
                attempt_timeout
                    .map(|timeout| (attempt_started + timeout, TimeoutKind::Attempt, timeout)),
                operation_deadline
                    .zip(operation_timeout)
                    .map(|(deadline, timeout)| (deadline, TimeoutKind::Operation, timeout)),
            );
            let result = self.attempt(&context, headers, &body, deadline).await;
            #[cfg(feature = "tracing")]
            trace.attempt(attempt, &result);
            let mut error = match result {
                Ok(response) => {
                    if let Some(tokens) = &inner.retry_tokens {
                        tokens.reward();
                    }
                    return Ok(response);
                }
                Err(error) => error,
            };
            for hook in &inner.hooks {
                hook.after_error(&context, &error);
            }
            if attempt >= retry.max_attempts() || !should_retry(&error, may_repeat) {
                return Err(error);
            }
            let backoff = retry.backoff(attempt);
            let delay = match error.retry_after() {
                // The server's wish wins, but only within our own limits; past
                // them the caller gets the answer, with the wait on the error.
                Some(wait) if wait > retry.max_interval() => return Err(error),
                // Never sooner than our own backoff: `Retry-After: 0` or a date
                // in the past (clock skew, usually) must not make us hammer.
                Some(wait) => wait.max(backoff),
                None => backoff,
            };
            let resume_at = Instant::now() + delay;
            let over_budget = retry
                .max_elapsed_time()
                .is_some_and(|budget| resume_at.duration_since(started) > budget);
            let past_deadline = operation_deadline.is_some_and(|deadline| resume_at >= deadline);
            if over_budget || past_deadline {
                return Err(error);
            }
            if let Some(tokens) = &inner.retry_tokens
                && !tokens.withdraw(&error)
            {
                #[cfg(feature = "tracing")]
                trace.budget_exhausted(attempt);
                error.mark_retry_budget_exhausted();
                return Err(error);
            }
            if inner.logs() {
                log_retry(&context, &error, delay);
            }
            #[cfg(feature = "tracing")]
            trace.backoff(attempt, &error, delay);
            self.sleep(delay).await;
            attempt += 1;
        }
    }

    /// The headers of one attempt: the prebuilt base, the body's headers, the
    /// call's own headers. (`Authorization` from a token source is added in
    /// the attempt, as it may rotate.)
    fn attempt_headers(
        &self,
        request: &OperationRequest,
        options: Option<&RequestOptions>,
    ) -> HeaderMap {
        let inner = &*self.inner;
        let mut headers = if request.expects_json {
            inner.json_headers.clone()
        } else {
            inner.any_headers.clone()
        };
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, APPLICATION_JSON);
        } else if matches!(request.method, Method::POST | Method::PUT | Method::PATCH) {
            // hyper omits the length of an empty body; some servers and proxies
            // then answer 411 Length Required to a bodiless POST.
            headers.insert(CONTENT_LENGTH, ZERO);
        }
        if let Some(options) = options {
            for (name, value) in &options.inner().headers {
                headers.insert(name, value.clone());
            }
        }
        headers
    }

    /// One attempt: hooks, send, read the body within the limit, all under the
    /// attempt's deadline.
    async fn attempt(
        &self,
        context: &HookContext<'_>,
        headers: HeaderMap,
        body: &Bytes,
        deadline: Option<(Instant, TimeoutError)>,
    ) -> AttemptResult {
        let inner = &*self.inner;
        let mut request = http::Request::new(body.clone());
        *request.method_mut() = context.method.clone();
        *request.uri_mut() = context.uri.clone();
        *request.headers_mut() = headers;
        // A custom transport (a test double, above all) may want to know which
        // operation it is sending; the default transport never looks, so it
        // does not pay for the extension map.
        if matches!(inner.transport, Transport::Custom(_)) {
            request
                .extensions_mut()
                .insert(crate::request::OperationId(context.operation_id));
        }
        let mut secrets = Arc::clone(&inner.secrets);
        if let Auth::Source(source) = &inner.auth
            && let Some(value) = source_header(source.as_ref()).await?
        {
            if let Some(token) = bearer_token(&value) {
                secrets = Arc::new(secrets.with(token));
            }
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        for hook in &inner.hooks {
            hook.before_request(context, &mut request)
                .map_err(|source| Error::Hook(HookError::new(source)))?;
        }
        // Without `request-body` the default transport cannot send one; say so
        // rather than drop what a hook put there.
        #[cfg(not(feature = "request-body"))]
        if !request.body().is_empty() && matches!(inner.transport, Transport::Hyper(_)) {
            return Err(Error::invalid_request(
                "a before-request hook set a request body; sending one needs the \
                 `request-body` feature of blackbox-core",
            ));
        }
        if inner.logs() {
            log_request(context, &request, &secrets);
        }

        let exchange = self.start_exchange(request, deadline.map(|(at, _)| at), secrets);
        let result = match deadline {
            Some((deadline, timeout)) => match tokio::time::timeout_at(deadline, exchange).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout(timeout)),
            },
            None => exchange.await,
        };
        if inner.logs() {
            log_outcome(context, &result);
        }
        let response = result?;
        for hook in &inner.hooks {
            hook.after_response(context, &response);
        }
        if response.status.is_success() {
            Ok(response)
        } else {
            Err(Error::Api(ApiError::from_answer(response, None)))
        }
    }

    /// [`exchange`](Self::exchange)'s future, boxed as a trait object here.
    ///
    /// The unsizing happens in this crate, in a function that is neither generic
    /// nor inlined, so the exchange — hyper's client, the connection pool, TLS,
    /// reading the body — is compiled once, into this crate. Without it every
    /// crate that awaits an operation (each operation function, then the
    /// program) compiles that whole state machine again, only for all but the
    /// last copy to be thrown away: seconds of a cold build. The box was already
    /// there (the attempt's timeout holds it); only its poll becomes a call
    /// through a vtable.
    #[inline(never)]
    fn start_exchange(
        &self,
        request: http::Request<Bytes>,
        deadline: Option<Instant>,
        secrets: Arc<Secrets>,
    ) -> BoxFuture<'_, AttemptResult> {
        Box::pin(self.exchange(request, deadline, secrets))
    }

    /// Sends the request and reads the whole body within the limit.
    async fn exchange(
        &self,
        request: http::Request<Bytes>,
        deadline: Option<Instant>,
        secrets: Arc<Secrets>,
    ) -> AttemptResult {
        let inner = &*self.inner;
        let sent = match &inner.transport {
            Transport::Hyper(client) => client.send(request, deadline).await,
            Transport::Custom(client) => client.send(request).await,
        };
        let response = sent.map_err(|error| match error.kind() {
            TransportErrorKind::Connect => Error::Connect(error),
            TransportErrorKind::Tls => Error::Tls(error),
            TransportErrorKind::ConnectTimeout => Error::Timeout(TimeoutError {
                kind: TimeoutKind::Connect,
                // What set-up was allowed: the connect timeout, or less when the
                // attempt's end came first.
                limit: error
                    .find_cause::<SetupTimedOut>()
                    .map(|timed_out| timed_out.allowed)
                    .or(match &inner.transport {
                        Transport::Hyper(client) => client.connect_timeout(),
                        Transport::Custom(_) => None,
                    }),
                budget_exhausted: false,
            }),
            TransportErrorKind::Other => Error::Transport(error),
        })?;
        let (parts, body) = response.into_parts();
        let body =
            body.collect_limited(inner.max_body_size)
                .await
                .map_err(|error| match error {
                    CollectError::TooLarge => Error::BodyTooLarge(BodyTooLargeError {
                        status: parts.status,
                        limit: inner.max_body_size,
                    }),
                    CollectError::Transport(source) => {
                        Error::Transport(TransportError::other(source))
                    }
                })?;
        Ok(RawResponse {
            status: parts.status,
            version: parts.version,
            headers: parts.headers,
            body,
            secrets,
        })
    }

    async fn sleep(&self, delay: Duration) {
        match &self.inner.sleeper {
            Some(sleeper) => sleeper.sleep(delay).await,
            None => tokio::time::sleep(delay).await,
        }
    }
}

// The debug log lives in cold, out-of-line functions: the formatting code stays
// off the hot path and is compiled once, not into every call's state machine.

#[cold]
#[inline(never)]
fn log_request(context: &HookContext<'_>, request: &http::Request<Bytes>, secrets: &Secrets) {
    let mut headers = request.headers().clone();
    secrets.mark_headers(&mut headers);
    eprintln!(
        "blackbox: {} attempt {}: {} {} {:?}",
        context.operation_id,
        context.attempt,
        request.method(),
        request.uri(),
        DebugHeaders(&headers)
    );
}

#[cold]
#[inline(never)]
fn log_outcome(context: &HookContext<'_>, result: &AttemptResult) {
    match result {
        Ok(response) => {
            let mut headers = response.headers.clone();
            response.secrets.mark_headers(&mut headers);
            eprintln!(
                "blackbox: {} attempt {}: {} ({} bytes) {:?}",
                context.operation_id,
                context.attempt,
                response.status,
                response.body.len(),
                DebugHeaders(&headers)
            )
        }
        Err(error) => eprintln!(
            "blackbox: {} attempt {}: error: {error}",
            context.operation_id, context.attempt
        ),
    }
}

#[cold]
#[inline(never)]
fn log_retry(context: &HookContext<'_>, error: &Error, delay: Duration) {
    eprintln!(
        "blackbox: {} attempt {} failed ({error}); retrying in {delay:?}",
        context.operation_id, context.attempt
    );
}

/// The deadline an attempt runs under: whichever of the attempt's and the
/// operation's comes first (one timer per attempt), with the error it means.
fn first_deadline(
    attempt: Option<(Instant, TimeoutKind, Duration)>,
    operation: Option<(Instant, TimeoutKind, Duration)>,
) -> Option<(Instant, TimeoutError)> {
    let earliest = match (attempt, operation) {
        (Some(attempt), Some(operation)) => Some(if operation.0 < attempt.0 {
            operation
        } else {
            attempt
        }),
        (one, other) => one.or(other),
    };
    earliest.map(|(deadline, kind, limit)| {
        (
            deadline,
            TimeoutError {
                kind,
                limit: Some(limit),
                budget_exhausted: false,
            },
        )
    })
}

impl fmt::Debug for BlackboxCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("BlackboxCore")
            .field("server", &inner.server)
            .field("auth", &inner.auth)
            .field("headers", &DebugHeaders(&inner.json_headers))
            .field("retry", &inner.retry)
            .field("retry_tokens", &inner.retry_tokens)
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("operation_timeout", &inner.operation_timeout)
            .field("max_body_size", &inner.max_body_size)
            .field("hooks", &inner.hooks)
            .field(
                "transport",
                &match &inner.transport {
                    Transport::Hyper(client) => client as &dyn fmt::Debug,
                    Transport::Custom(client) => client as &dyn fmt::Debug,
                },
            )
            .field("debug", &inner.debug)
            .field("allow_insecure_http", &inner.allow_insecure_http)
            .field("secrets", &inner.secrets)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_is_send_sync_and_cheap_to_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<BlackboxCore>();
    }

    #[test]
    fn the_earlier_deadline_decides_which_timeout_fires() {
        let now = Instant::now();
        let attempt = (
            now + Duration::from_secs(30),
            TimeoutKind::Attempt,
            Duration::from_secs(30),
        );
        let operation = (
            now + Duration::from_secs(5),
            TimeoutKind::Operation,
            Duration::from_secs(5),
        );
        let chosen = first_deadline(Some(attempt), Some(operation)).expect("a deadline");
        assert_eq!(chosen.0, operation.0);
        assert_eq!(chosen.1.kind(), TimeoutKind::Operation);
        assert_eq!(chosen.1.limit(), Some(Duration::from_secs(5)));
        let chosen = first_deadline(Some(attempt), None).expect("a deadline");
        assert_eq!(chosen.1.kind(), TimeoutKind::Attempt);
        assert!(first_deadline(None, None).is_none());
    }

    /// Without `request-body` the default transport sends no body; one put
    /// there by a hook must fail the call, not vanish. (CI runs this test with
    /// `--no-default-features`.)
    #[cfg(not(feature = "request-body"))]
    #[test]
    fn a_body_set_by_a_hook_is_refused_when_bodies_are_compiled_out() {
        #[derive(Debug)]
        struct AddsBody;
        impl Hooks for AddsBody {
            fn before_request(
                &self,
                _: &HookContext<'_>,
                request: &mut http::Request<Bytes>,
            ) -> Result<(), crate::BoxError> {
                *request.body_mut() = Bytes::from_static(b"{}");
                Ok(())
            }
        }
        let core = BlackboxCore::builder()
            // Nothing listens there: had the request gone out, this would be a
            // connect error.
            .server_url("http://127.0.0.1:9")
            .hook(AddsBody)
            .build()
            .expect("client");
        let request = OperationRequest::new("op", Method::POST, "/x");
        let error = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(core.execute(request, None))
            .expect_err("refused");
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert!(error.to_string().contains("request-body"), "{error}");
    }

    #[test]
    fn retry_decisions_follow_how_far_the_request_got() {
        let connect = Error::Connect(TransportError::connect("refused"));
        assert!(
            should_retry(&connect, false),
            "a connect failure is safe to repeat"
        );
        let transport = Error::Transport(TransportError::other("reset"));
        assert!(!should_retry(&transport, false));
        assert!(should_retry(&transport, true));
        let operation = Error::Timeout(TimeoutError {
            kind: TimeoutKind::Operation,
            limit: None,
            budget_exhausted: false,
        });
        assert!(
            should_retry(&operation, true),
            "transient like an attempt timeout; the loop stops on the deadline"
        );
        assert!(operation.is_retryable());
        assert!(!should_retry(&operation, false));
        let api = |status: u16| {
            Error::Api(ApiError::new(
                http::StatusCode::from_u16(status).unwrap(),
                HeaderMap::new(),
                Bytes::new(),
            ))
        };
        assert!(should_retry(&api(503), true));
        assert!(!should_retry(&api(503), false));
        assert!(!should_retry(&api(404), true));
    }
}
