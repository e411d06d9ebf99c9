//! `tracing` for one call (feature `tracing`): attributes named as
//! OpenTelemetry's HTTP client conventions name them, recorded on the span the
//! operation function opened, and one event per attempt and per backoff.
//!
//! Levels: the operation span and every event are `DEBUG`, so an application
//! logging at `INFO` sees nothing of the SDK — a call's outcome is its caller's
//! to log. Nothing here reads a header or a body: the bearer token, session
//! tokens and proxy credentials cannot reach a span or an event, and error
//! messages are the SDK's own `Display`, which hides echoed credentials.

use std::time::Duration;

use tracing::Span;

use crate::{Error, RawResponse};

/// Opens an operation's span with every field the core records (empty until
/// then). For the SDK's operation functions, which name the span after the
/// operation; not part of the public API.
#[doc(hidden)]
#[macro_export]
macro_rules! operation_span {
    ($operation:literal, $method:literal, $template:literal) => {
        $crate::__tracing::debug_span!(
            target: "blackbox",
            $operation,
            "otel.name" = $operation,
            "otel.kind" = "client",
            "blackbox.operation_id" = $operation,
            "http.request.method" = $method,
            "url.template" = $template,
            "url.full" = $crate::__tracing::field::Empty,
            "server.address" = $crate::__tracing::field::Empty,
            "server.port" = $crate::__tracing::field::Empty,
            "network.protocol.version" = $crate::__tracing::field::Empty,
            "http.response.status_code" = $crate::__tracing::field::Empty,
            "http.request.resend_count" = $crate::__tracing::field::Empty,
            "error.type" = $crate::__tracing::field::Empty,
        )
    };
}

/// The current operation span, when a subscriber wants it; every method is a
/// cheap no-op otherwise.
pub(crate) struct CallTrace {
    span: Option<Span>,
}

impl CallTrace {
    /// Starts tracing a call in the current (operation) span.
    pub(crate) fn start() -> Self {
        let span = Span::current();
        Self {
            span: (!span.is_disabled()).then_some(span),
        }
    }

    /// Where the call goes.
    pub(crate) fn target(&self, uri: &http::Uri) {
        let Some(span) = &self.span else {
            return;
        };
        // `ServerUrl` refuses user info and queries, so the URL carries no
        // credential.
        span.record("url.full", tracing::field::display(uri));
        if let Some(host) = uri.host() {
            span.record("server.address", host);
        }
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        });
        span.record("server.port", port);
    }

    /// One attempt ended.
    pub(crate) fn attempt(&self, attempt: u32, result: &Result<RawResponse, Error>) {
        if self.span.is_none() {
            return;
        }
        match result {
            Ok(response) => tracing::debug!(
                target: "blackbox",
                attempt,
                "http.response.status_code" = response.status().as_u16(),
                "attempt answered"
            ),
            Err(error) => tracing::debug!(
                target: "blackbox",
                attempt,
                "error.type" = %ErrorType(error),
                error = %error,
                "attempt failed"
            ),
        }
    }

    /// A retry is about to wait `delay` because of `error`.
    pub(crate) fn backoff(&self, attempt: u32, error: &Error, delay: Duration) {
        let Some(span) = &self.span else {
            return;
        };
        span.record("http.request.resend_count", attempt);
        tracing::debug!(
            target: "blackbox",
            attempt,
            delay_ms = delay.as_millis() as u64,
            reason = %error,
            "backing off before the next attempt"
        );
    }

    /// A retry was not made because the retry budget is spent.
    pub(crate) fn budget_exhausted(&self, attempt: u32) {
        if self.span.is_some() {
            tracing::debug!(
                target: "blackbox",
                attempt,
                "not retrying: the client's retry budget is exhausted"
            );
        }
    }

    /// The call ended.
    pub(crate) fn finish(&self, result: &Result<RawResponse, Error>) {
        let Some(span) = &self.span else {
            return;
        };
        match result {
            Ok(response) => {
                span.record("http.response.status_code", response.status().as_u16());
                span.record("network.protocol.version", protocol_version(response));
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("http.response.status_code", status.as_u16());
                }
                span.record("error.type", tracing::field::display(ErrorType(error)));
            }
        }
    }
}

fn protocol_version(response: &RawResponse) -> &'static str {
    match response.version() {
        http::Version::HTTP_09 => "0.9",
        http::Version::HTTP_10 => "1.0",
        http::Version::HTTP_2 => "2",
        http::Version::HTTP_3 => "3",
        _ => "1.1",
    }
}

/// OpenTelemetry's `error.type`: the status code of a failed answer, else a
/// short, low-cardinality class.
struct ErrorType<'a>(&'a Error);

impl std::fmt::Display for ErrorType<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let class = match self.0 {
            // A 2xx whose envelope says `"success": false` is not an HTTP error.
            Error::Api(api) if api.status().is_success() => "api_failure",
            Error::Api(api) => return write!(f, "{}", api.status().as_u16()),
            Error::InvalidRequest(_) => "invalid_request",
            Error::Credentials(_) => "credentials",
            Error::Hook(_) => "hook",
            Error::Connect(_) => "connect",
            Error::Tls(_) => "tls",
            Error::Timeout(_) => "timeout",
            Error::Transport(_) => "transport",
            Error::BodyTooLarge(_) => "body_too_large",
            Error::ResponseValidation(_) => "response_validation",
            #[allow(unreachable_patterns)]
            _ => "_OTHER",
        };
        f.write_str(class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_types_are_status_codes_or_classes() {
        let api = |status: u16| {
            Error::Api(crate::ApiError::new(
                http::StatusCode::from_u16(status).unwrap(),
                http::HeaderMap::new(),
                bytes::Bytes::new(),
            ))
        };
        assert_eq!(ErrorType(&api(404)).to_string(), "404");
        assert_eq!(ErrorType(&api(200)).to_string(), "api_failure");
        let timeout = Error::Timeout(crate::TimeoutError {
            kind: crate::TimeoutKind::Attempt,
            limit: None,
            budget_exhausted: false,
        });
        assert_eq!(ErrorType(&timeout).to_string(), "timeout");
    }
}
