//! Per-call options and the rule that merges them with the client's settings.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::headers::{DebugHeaders, insert_checked};
use crate::{Error, RetryConfig};

/// Options for one call, overriding the client's settings.
///
/// **Merge rule:** every setting left unset inherits the client's value; a setting
/// that is set replaces it for this call only. Headers are the exception that adds
/// up: the call's extra headers are applied after the client's default headers and
/// replace same-named ones. Timeouts take `Option<Duration>`, so `Some(d)` sets a
/// timeout and `None` disables it for this call.
///
/// Taken by value (`Option<RequestOptions>`) wherever a call accepts options;
/// `None` costs nothing, and a set value is one small allocation.
///
/// ```
/// use std::time::Duration;
/// use blackbox_core::{RequestOptions, RetryConfig};
///
/// let options = RequestOptions::new()
///     .retry(RetryConfig::disabled())
///     .attempt_timeout(Some(Duration::from_secs(2)))
///     .header("x-request-id", "42");
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    // Boxed: an `Option<RequestOptions>` travels inside every call's future,
    // and `None` should cost one word there.
    inner: Box<OptionsInner>,
}

#[derive(Clone, Default)]
pub(crate) struct OptionsInner {
    pub(crate) retry: Option<RetryConfig>,
    pub(crate) attempt_timeout: Option<Option<Duration>>,
    pub(crate) operation_timeout: Option<Option<Duration>>,
    pub(crate) server_url: Option<String>,
    pub(crate) headers: HeaderMap,
    /// The first header that could not be used; reported when the call is made,
    /// before anything is sent, so the builder chain stays infallible.
    pub(crate) header_error: Option<String>,
}

impl RequestOptions {
    /// Options that inherit everything from the client.
    pub fn new() -> Self {
        Self::default()
    }

    /// The retry policy for this call (e.g. [`RetryConfig::disabled()`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.inner.retry = Some(retry);
        self
    }

    /// The per-attempt timeout for this call; `None` disables it.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.inner.attempt_timeout = Some(timeout);
        self
    }

    /// The whole-operation timeout (all attempts and backoff); `None` disables it.
    pub fn operation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.inner.operation_timeout = Some(timeout);
        self
    }

    /// Sends this call to another base URL (checked when the call is made).
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.inner.server_url = Some(url.into());
        self
    }

    /// Adds a header to this call, replacing a client default of the same name.
    /// An invalid name or value (e.g. control characters) makes the call fail with
    /// [`Error::InvalidRequest`] before anything is sent.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        let inner = &mut *self.inner;
        insert_checked(
            &mut inner.headers,
            &mut inner.header_error,
            "per-call",
            name,
            value,
        );
        self
    }

    pub(crate) fn inner(&self) -> &OptionsInner {
        &self.inner
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        match &self.inner.header_error {
            Some(message) => Err(Error::invalid_request(message.clone())),
            None => Ok(()),
        }
    }
}

/// The settings one call runs with, after the merge rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct CallSettings<'a> {
    pub(crate) retry: &'a RetryConfig,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
}

impl<'a> CallSettings<'a> {
    /// The merge rule: what the call sets wins, what it leaves unset inherits
    /// the client's value. (Headers are merged where they are built.)
    pub(crate) fn merge(options: Option<&'a RequestOptions>, client: CallSettings<'a>) -> Self {
        let Some(options) = options else {
            return client;
        };
        let options = options.inner();
        Self {
            retry: options.retry.as_ref().unwrap_or(client.retry),
            attempt_timeout: options.attempt_timeout.unwrap_or(client.attempt_timeout),
            operation_timeout: options
                .operation_timeout
                .unwrap_or(client.operation_timeout),
        }
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("RequestOptions")
            .field("retry", &inner.retry)
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("operation_timeout", &inner.operation_timeout)
            .field("server_url", &inner.server_url)
            .field("headers", &DebugHeaders(&inner.headers))
            .field("header_error", &inner.header_error)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_header_values_are_reported_at_call_time() {
        let options = RequestOptions::new()
            .header("x-ok", "fine")
            .header("x-bad", "a\r\nb");
        let error = options.check().expect_err("control characters are refused");
        assert!(error.to_string().contains("x-bad"), "{error}");
        let options = RequestOptions::new().header("bad name", "v");
        assert!(options.check().is_err());
        assert!(RequestOptions::new().header("x-ok", "fine").check().is_ok());
    }

    #[test]
    fn unset_options_inherit_and_set_ones_win() {
        let client_retry = RetryConfig::default();
        let client = CallSettings {
            retry: &client_retry,
            attempt_timeout: Some(Duration::from_secs(30)),
            operation_timeout: None,
        };
        assert_eq!(CallSettings::merge(None, client), client);
        assert_eq!(
            CallSettings::merge(Some(&RequestOptions::new()), client),
            client
        );

        let options = RequestOptions::new()
            .retry(RetryConfig::disabled())
            .attempt_timeout(None)
            .operation_timeout(Some(Duration::from_secs(5)));
        let merged = CallSettings::merge(Some(&options), client);
        assert_eq!(merged.retry, &RetryConfig::disabled());
        assert_eq!(
            merged.attempt_timeout, None,
            "None disables the client's timeout"
        );
        assert_eq!(merged.operation_timeout, Some(Duration::from_secs(5)));

        let only_attempt = RequestOptions::new().attempt_timeout(Some(Duration::from_secs(1)));
        let merged = CallSettings::merge(Some(&only_attempt), client);
        assert_eq!(merged.retry, &client_retry);
        assert_eq!(merged.attempt_timeout, Some(Duration::from_secs(1)));
        assert_eq!(merged.operation_timeout, None);
    }

    #[test]
    fn debug_redacts_credential_headers() {
        let options = RequestOptions::new().header("authorization", "Bearer sentinel-token");
        let shown = format!("{options:?}");
        assert!(!shown.contains("sentinel-token"), "{shown}");
        assert!(shown.contains("** redacted **"), "{shown}");
    }
}
