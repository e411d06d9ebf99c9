//! Header helpers: which headers are secret, and how to show a header map safely.

use std::fmt;

use http::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue};

/// Name fragments of headers that carry credentials by convention
/// (`x-api-key`, `x-auth-token`, `x-session-id`, `x-amz-security-token`, ...).
const SECRET_NAME_PARTS: [&str; 8] = [
    "auth",
    "token",
    "key",
    "secret",
    "cookie",
    "session",
    "password",
    "signature",
];

/// Headers whose values are treated as credentials whatever the caller marked
/// them: the standard ones, and any whose name says it holds a secret. A false
/// positive only hides a value from debug output; a false negative leaks it.
pub(crate) fn is_secret_header(name: &HeaderName) -> bool {
    name == AUTHORIZATION
        || name == PROXY_AUTHORIZATION
        || name == COOKIE
        || name == SET_COOKIE
        || SECRET_NAME_PARTS
            .iter()
            .any(|part| name.as_str().contains(part))
}

/// Marks credential headers sensitive, so HTTP/2 HPACK never indexes them and
/// `http`'s own `Debug` hides them.
pub(crate) fn mark_sensitive(name: &HeaderName, value: &mut HeaderValue) {
    if is_secret_header(name) {
        value.set_sensitive(true);
    }
}

/// Adds a caller's header to `headers`, marking credentials sensitive; a name
/// or value that is not valid HTTP is recorded in `first_error` (the first one
/// wins) so that builder chains stay infallible and the error surfaces, with
/// the header's name but never its value, before anything is sent.
pub(crate) fn insert_checked<N, V>(
    headers: &mut HeaderMap,
    first_error: &mut Option<String>,
    kind: &str,
    name: N,
    value: V,
) where
    N: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    match (name.try_into(), value.try_into()) {
        (Ok(name), Ok(mut value)) => {
            mark_sensitive(&name, &mut value);
            headers.insert(name, value);
        }
        (Err(_), _) => {
            first_error.get_or_insert_with(|| format!("a {kind} header name is invalid"));
        }
        (Ok(name), Err(_)) => {
            first_error
                .get_or_insert_with(|| format!("the value of {kind} header `{name}` is invalid"));
        }
    }
}

/// `Debug` for a header map that prints secret values as `** redacted **`.
pub(crate) struct DebugHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for DebugHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            map.entry(&name.as_str(), &DebugHeaderValue(name, value));
        }
        map.finish()
    }
}

/// One header value, redacted when it is secret.
pub(crate) struct DebugHeaderValue<'a>(pub(crate) &'a HeaderName, pub(crate) &'a HeaderValue);

impl fmt::Debug for DebugHeaderValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1.is_sensitive() || is_secret_header(self.0) {
            f.write_str("** redacted **")
        } else {
            fmt::Debug::fmt(self.1, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_headers_redacts_credentials() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer sentinel"));
        headers.insert("x-trace", HeaderValue::from_static("abc"));
        let mut marked = HeaderValue::from_static("sentinel2");
        marked.set_sensitive(true);
        headers.insert("x-api-key", marked);
        headers.insert("x-auth-token", HeaderValue::from_static("sentinel3"));
        let shown = format!("{:?}", DebugHeaders(&headers));
        assert_eq!(
            shown,
            r#"{"authorization": ** redacted **, "x-trace": "abc", "x-api-key": ** redacted **, "x-auth-token": ** redacted **}"#
        );
    }

    #[test]
    fn credential_like_names_are_marked_sensitive() {
        for name in [
            "authorization",
            "x-api-key",
            "x-session-id",
            "cookie",
            "x-amz-security-token",
        ] {
            let mut value = HeaderValue::from_static("v");
            mark_sensitive(&HeaderName::from_static(name), &mut value);
            assert!(value.is_sensitive(), "{name}");
        }
        let mut value = HeaderValue::from_static("v");
        mark_sensitive(&HeaderName::from_static("x-request-id"), &mut value);
        assert!(!value.is_sensitive());
    }
}
