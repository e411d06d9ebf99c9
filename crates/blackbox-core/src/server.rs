//! Server selection and URL joining.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use bytes::Bytes;

use http::Uri;
use http::uri::{Authority, PathAndQuery, Scheme};

use crate::{Error, InvalidRequestError};

/// A named server from the API's OpenAPI document; any other base URL is
/// chosen with [`BlackboxCoreBuilder::server_url`](crate::BlackboxCoreBuilder::server_url).
///
/// The names parse from and print as `production`, `staging` and `local`, for
/// configuration files and command lines.
///
/// ```
/// use blackbox_core::Server;
///
/// let server: Server = "staging".parse()?;
/// assert_eq!(server, Server::Staging);
/// assert_eq!(server.url(), "https://staging.api.blckbox.dev");
/// assert_eq!(Server::Local.to_string(), "local");
/// assert_eq!(
///     "prod".parse::<Server>().unwrap_err().to_string(),
///     r#"unknown server "prod": expected production, staging or local"#
/// );
/// # Ok::<(), blackbox_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Server {
    /// `https://api.blckbox.dev`, the default.
    #[default]
    Production,
    /// `https://staging.api.blckbox.dev`.
    Staging,
    /// `http://localhost:8080`, a local development server.
    Local,
}

impl Server {
    /// Every named server, in the OpenAPI document's order.
    pub const ALL: [Server; 3] = [Server::Production, Server::Staging, Server::Local];

    /// The server's base URL.
    pub fn url(self) -> &'static str {
        match self {
            Self::Production => "https://api.blckbox.dev",
            Self::Staging => "https://staging.api.blckbox.dev",
            Self::Local => "http://localhost:8080",
        }
    }

    /// The server's name: `production`, `staging` or `local`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Staging => "staging",
            Self::Local => "local",
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Server {
    type Err = InvalidRequestError;

    /// A server by name, ignoring ASCII case; an unknown name is an error that
    /// lists the known ones (it converts into [`Error::InvalidRequest`] with `?`).
    fn from_str(name: &str) -> Result<Self, InvalidRequestError> {
        Self::ALL
            .into_iter()
            .find(|server| server.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                InvalidRequestError::new(format!(
                    "unknown server {name:?}: expected production, staging or local"
                ))
            })
    }
}

/// A parsed, validated base URL: scheme, authority and an optional path prefix.
///
/// Operation paths are appended to the prefix, so `http://h/prefix/` with
/// `/api/v0/sessions` targets `http://h/prefix/api/v0/sessions`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerUrl {
    scheme: Scheme,
    authority: Authority,
    /// Path prefix without a trailing slash; empty for none.
    prefix: String,
    loopback: bool,
}

impl ServerUrl {
    /// Parses and checks a base URL: `http` or `https`, a host, no query, no
    /// fragment, no user info.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let trimmed = url.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_request("server URL is empty"));
        }
        if trimmed.contains(['?', '#']) {
            return Err(Error::invalid_request(
                "server URL must not have a query or a fragment",
            ));
        }
        let uri: Uri = trimmed.parse().map_err(|source| {
            Error::invalid_request_with_source("server URL is not a valid URL", source)
        })?;
        let scheme = match uri.scheme_str() {
            Some("http") => Scheme::HTTP,
            Some("https") => Scheme::HTTPS,
            Some(_) => {
                return Err(Error::invalid_request(
                    "server URL scheme must be http or https",
                ));
            }
            None => {
                return Err(Error::invalid_request(
                    "server URL needs a scheme (http:// or https://)",
                ));
            }
        };
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| Error::invalid_request("server URL has no host"))?;
        if authority.as_str().contains('@') {
            return Err(Error::invalid_request(
                "server URL must not carry user info; use the token settings",
            ));
        }
        if authority.host().is_empty() {
            return Err(Error::invalid_request("server URL has no host"));
        }
        let prefix = uri.path().trim_end_matches('/').to_owned();
        let loopback = is_loopback_host(authority.host());
        Ok(Self {
            scheme,
            authority,
            prefix,
            loopback,
        })
    }

    /// Whether the scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.scheme == Scheme::HTTPS
    }

    /// Whether the host is a loopback name or address (`localhost`, 127.0.0.0/8, `::1`).
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The full URI of an operation path (which must start with `/`). Without a
    /// path prefix the path's own buffer is used, so a call builds its URL once.
    pub fn join(&self, path: impl Into<Cow<'static, str>>) -> Result<Uri, Error> {
        let path = path.into();
        let bytes = if self.prefix.is_empty() {
            match path {
                Cow::Borrowed(path) => Bytes::from_static(path.as_bytes()),
                Cow::Owned(path) => Bytes::from(path),
            }
        } else {
            let mut full = String::with_capacity(self.prefix.len() + path.len());
            full.push_str(&self.prefix);
            full.push_str(&path);
            Bytes::from(full)
        };
        let path_and_query = PathAndQuery::from_maybe_shared(bytes).map_err(|source| {
            Error::invalid_request_with_source("operation path is not a valid URL path", source)
        })?;
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(path_and_query);
        Uri::from_parts(parts).map_err(|source| {
            Error::invalid_request_with_source("cannot build request URL", source)
        })
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.prefix)
    }
}

impl fmt::Debug for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerUrl({self})")
    }
}

/// `localhost`, `*.localhost`, 127.0.0.0/8 and `::1` (also as `[::1]`).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>()
        .is_ok_and(|address| address.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(base: &str, path: &str) -> String {
        ServerUrl::parse(base)
            .expect("valid base")
            .join(path.to_owned())
            .expect("valid join")
            .to_string()
    }

    #[test]
    fn joins_without_prefix() {
        assert_eq!(
            joined("https://api.blckbox.dev", "/api/v0/sessions"),
            "https://api.blckbox.dev/api/v0/sessions"
        );
        assert_eq!(
            joined("https://api.blckbox.dev/", "/api/v0/sessions"),
            "https://api.blckbox.dev/api/v0/sessions"
        );
    }

    #[test]
    fn joins_with_prefix_with_or_without_trailing_slash() {
        assert_eq!(
            joined("http://h/prefix/", "/api/v0/sessions"),
            "http://h/prefix/api/v0/sessions"
        );
        assert_eq!(
            joined("http://h:8080/a/b", "/api/v0/sessions/stats"),
            "http://h:8080/a/b/api/v0/sessions/stats"
        );
    }

    #[test]
    fn refuses_unusable_urls() {
        for bad in [
            "",
            "   ",
            "api.blckbox.dev",
            "ftp://api.blckbox.dev",
            "https://",
            "https://h/?x=1",
            "https://h/#frag",
            "https://user:pw@h/",
            "not a url",
            "http://exa mple.com",
        ] {
            let error = ServerUrl::parse(bad).expect_err(bad);
            assert!(
                matches!(error, Error::InvalidRequest(_)),
                "{bad}: {error:?}"
            );
        }
    }

    #[test]
    fn loopback_detection() {
        for host in [
            "localhost",
            "LOCALHOST",
            "a.localhost",
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "example.com",
            "10.0.0.1",
            "128.0.0.1",
            "localhost.example.com",
            "::2",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn servers_by_name() {
        for server in Server::ALL {
            assert_eq!(server.name().parse::<Server>().ok(), Some(server));
            assert_eq!(
                server.to_string().to_uppercase().parse::<Server>().ok(),
                Some(server)
            );
            assert!(ServerUrl::parse(server.url()).is_ok());
        }
        assert_eq!(Server::Staging.url(), "https://staging.api.blckbox.dev");
        assert_eq!(Server::default(), Server::Production);
        let error = "prod".parse::<Server>().expect_err("unknown");
        assert!(
            error.to_string().contains("production, staging or local"),
            "{error}"
        );
    }
}
