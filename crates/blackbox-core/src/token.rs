//! Bearer tokens: a fixed token or an async source called once per attempt.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::HeaderValue;

use crate::error::CredentialsError;
use crate::{BoxError, Error, SecretString};

/// A boxed, sendable future, as returned by [`TokenSource::token`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of bearer tokens for rotating credentials, asked once per attempt.
///
/// Return `Ok(None)` to send the request without `Authorization`. An error stops
/// the call with [`Error::Credentials`] before anything is sent.
///
/// ```
/// use blackbox_core::{BoxError, SecretString, TokenSource, BoxFuture};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl TokenSource for FromVault {
///     fn token(&self) -> BoxFuture<'_, Result<Option<SecretString>, BoxError>> {
///         Box::pin(async { Ok(Some(SecretString::from("fresh-token"))) })
///     }
/// }
/// ```
pub trait TokenSource: Send + Sync + fmt::Debug + 'static {
    /// The token for the next attempt.
    fn token(&self) -> BoxFuture<'_, Result<Option<SecretString>, BoxError>>;
}

/// How requests are authenticated.
#[derive(Clone)]
pub(crate) enum Auth {
    None,
    /// The ready `Bearer …` header value, marked sensitive.
    Static(HeaderValue),
    Source(Arc<dyn TokenSource>),
}

impl Auth {
    pub(crate) fn has_credentials(&self) -> bool {
        !matches!(self, Self::None)
    }
}

/// The `Authorization` value a token source gives for one attempt, if any. (A
/// static token is part of the client's prebuilt headers.)
pub(crate) async fn source_header(source: &dyn TokenSource) -> Result<Option<HeaderValue>, Error> {
    match source
        .token()
        .await
        .map_err(|source| Error::Credentials(CredentialsError::new(source)))?
    {
        Some(token) => bearer_header(&token).map(Some),
        None => Ok(None),
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Static(_) => f.write_str("Bearer(** redacted **)"),
            Self::Source(source) => f.debug_tuple("Source").field(source).finish(),
        }
    }
}

/// `Bearer <token>` as a sensitive header value; a token that cannot be a header
/// value is an invalid request (its content is not echoed).
/// The token inside a `Bearer …` header value.
pub(crate) fn bearer_token(value: &HeaderValue) -> Option<&str> {
    value.to_str().ok()?.strip_prefix("Bearer ")
}

pub(crate) fn bearer_header(token: &SecretString) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::invalid_request("the bearer token contains characters not allowed in a header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_is_sensitive_and_redacted() {
        let value = bearer_header(&SecretString::from("sentinel")).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "Bearer sentinel");
        assert_eq!(
            format!("{:?}", Auth::Static(value)),
            "Bearer(** redacted **)"
        );
    }

    #[test]
    fn bad_token_is_refused_without_echo() {
        let error = bearer_header(&SecretString::from("sentinel\nx")).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)));
        assert!(!format!("{error} {error:?}").contains("sentinel"));
    }
}
