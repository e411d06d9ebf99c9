//! Configuring and starting a [`Sandbox`].

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::request_log::DEFAULT_CAPACITY;
use crate::sandbox::{Sandbox, SandboxParts};
use crate::seed::{is_valid_token, seed_demo_data};
use crate::server::{ConnSettings, accept_loop};
use crate::service::Shared;
use crate::state::new_token;
use crate::tls;

/// Options for a [`Sandbox`]; obtain one with [`Sandbox::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use blackbox_sandbox::Sandbox;
///
/// let sandbox = Sandbox::builder()
///     .tls(true)
///     .extra_sessions(96)
///     .idle_connection_timeout(Duration::from_secs(5))
///     .demo_token("bbx_my_fixed_test_token")
///     .start()
///     .await?;
/// assert!(sandbox.base_url().starts_with("https://localhost:"));
/// assert_eq!(sandbox.session_ids().len(), 100);
/// assert_eq!(sandbox.demo_token(), "bbx_my_fixed_test_token");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SandboxBuilder {
    port: u16,
    tls: bool,
    extra_sessions: usize,
    idle_connection_timeout: Option<Duration>,
    tls_server_names: Option<Vec<String>>,
    tls_expired_certificate: bool,
    demo_token: Option<String>,
    request_log_capacity: usize,
}

impl Default for SandboxBuilder {
    fn default() -> SandboxBuilder {
        SandboxBuilder {
            port: 0,
            tls: false,
            extra_sessions: 0,
            idle_connection_timeout: None,
            tls_server_names: None,
            tls_expired_certificate: false,
            demo_token: None,
            request_log_capacity: DEFAULT_CAPACITY,
        }
    }
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("SandboxBuilder");
        debug
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("extra_sessions", &self.extra_sessions)
            .field("idle_connection_timeout", &self.idle_connection_timeout)
            .field("tls_server_names", &self.tls_server_names)
            .field("tls_expired_certificate", &self.tls_expired_certificate)
            .field(
                "demo_token",
                &self.demo_token.as_ref().map(|_| "** redacted **"),
            );
        // Shown only when changed, so the output for every configuration
        // that predates the option stays the same.
        if self.request_log_capacity != DEFAULT_CAPACITY {
            debug.field("request_log_capacity", &self.request_log_capacity);
        }
        debug.finish()
    }
}

impl SandboxBuilder {
    /// How many requests the request log keeps by default: the last 10,000.
    pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = DEFAULT_CAPACITY;

    /// A builder with the defaults: plain HTTP on an ephemeral port of
    /// 127.0.0.1, no extra sessions, no idle timeout, a random demo token,
    /// a request log of the last 10,000 requests.
    pub fn new() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The port to listen on, on 127.0.0.1 (default 0: an ephemeral port).
    pub fn port(mut self, port: u16) -> SandboxBuilder {
        self.port = port;
        self
    }

    /// Serves TLS (HTTP/2 or HTTP/1.1 by ALPN) with a certificate signed by a
    /// CA generated at start, instead of plain HTTP (default `false`).
    pub fn tls(mut self, tls: bool) -> SandboxBuilder {
        self.tls = tls;
        self
    }

    /// Adds `n` more active sessions to the demo user, besides its four
    /// seeded ones (default 0).
    pub fn extra_sessions(mut self, n: usize) -> SandboxBuilder {
        self.extra_sessions = n;
        self
    }

    /// Closes HTTP/1.1 connections that wait this long for a request (idle
    /// keep-alive connections, or new ones that send nothing). Default: never.
    pub fn idle_connection_timeout(mut self, timeout: Duration) -> SandboxBuilder {
        self.idle_connection_timeout = Some(timeout);
        self
    }

    /// The names (DNS names or IP addresses) the server certificate covers,
    /// instead of `localhost` and `127.0.0.1` — e.g. `wrong.example` to test
    /// that clients reject a certificate for another name. Enables TLS.
    pub fn tls_server_names(mut self, names: Vec<String>) -> SandboxBuilder {
        self.tls_server_names = Some(names);
        self.tls = true;
        self
    }

    /// Issues a server certificate whose validity lies entirely in the past
    /// (2000-01-01 to 2001-01-01), to test that clients reject it. Enables TLS
    /// when `true`.
    pub fn tls_expired_certificate(mut self, expired: bool) -> SandboxBuilder {
        self.tls_expired_certificate = expired;
        self.tls |= expired;
        self
    }

    /// A fixed demo token instead of a random one. It must be non-empty
    /// visible ASCII without spaces, or [`start`](Self::start) fails with
    /// [`io::ErrorKind::InvalidInput`].
    pub fn demo_token(mut self, token: impl Into<String>) -> SandboxBuilder {
        self.demo_token = Some(token.into());
        self
    }

    /// How many of the most recent requests the request log keeps
    /// ([`Sandbox::requests`]); default
    /// [`DEFAULT_REQUEST_LOG_CAPACITY`](Self::DEFAULT_REQUEST_LOG_CAPACITY).
    /// `0` records nothing (e.g. for benchmarks). Whatever the capacity,
    /// the recorded bodies take at most 16 MiB.
    pub fn request_log_capacity(mut self, capacity: usize) -> SandboxBuilder {
        self.request_log_capacity = capacity;
        self
    }

    /// Binds the listener, generates the TLS material if needed, seeds the
    /// sessions and starts serving in the background.
    ///
    /// Must be called within a Tokio runtime. Fails when the port is in use
    /// ([`io::ErrorKind::AddrInUse`]) or an option is invalid
    /// ([`io::ErrorKind::InvalidInput`]).
    pub async fn start(self) -> io::Result<Sandbox> {
        let demo_token = match self.demo_token {
            Some(token) => {
                if !is_valid_token(&token) {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "the demo token must be non-empty visible ASCII without spaces",
                    ));
                }
                token
            }
            None => new_token(),
        };
        let tls = if self.tls {
            let names = self
                .tls_server_names
                .unwrap_or_else(|| vec!["localhost".to_owned(), "127.0.0.1".to_owned()]);
            Some(tls::generate(&names, self.tls_expired_certificate)?)
        } else {
            None
        };

        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let local_addr = listener.local_addr()?;
        let base_url = match tls {
            Some(_) => format!("https://localhost:{}", local_addr.port()),
            None => format!("http://127.0.0.1:{}", local_addr.port()),
        };

        let (shutdown, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(Shared::new(self.request_log_capacity, shutdown_rx.clone()));
        let seeded = seed_demo_data(
            &mut shared.store(),
            shared.clock.now_unix(),
            demo_token.clone(),
            self.extra_sessions,
        );
        let (ca_pem, acceptor) = match tls {
            Some(material) => (Some(material.ca_pem), Some(material.acceptor)),
            None => (None, None),
        };
        let settings = Arc::new(ConnSettings {
            tls: acceptor,
            idle_timeout: self.idle_connection_timeout,
        });
        let task = tokio::spawn(accept_loop(
            listener,
            Arc::clone(&shared),
            settings,
            shutdown_rx,
        ));
        Ok(Sandbox::from_parts(SandboxParts {
            shared,
            local_addr,
            base_url,
            demo_token,
            seeded,
            ca_pem,
            shutdown,
            task,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_demo_token() {
        let builder = SandboxBuilder::new().demo_token("bbx_secret");
        assert_eq!(
            format!("{builder:?}"),
            "SandboxBuilder { port: 0, tls: false, extra_sessions: 0, \
             idle_connection_timeout: None, tls_server_names: None, \
             tls_expired_certificate: false, demo_token: Some(\"** redacted **\") }"
        );
    }

    #[test]
    fn debug_shows_a_changed_request_log_capacity() {
        let builder = SandboxBuilder::new().request_log_capacity(0);
        assert!(format!("{builder:?}").ends_with(", request_log_capacity: 0 }"));
    }

    #[test]
    fn tls_variants_enable_tls() {
        assert!(SandboxBuilder::new().tls_expired_certificate(true).tls);
        assert!(!SandboxBuilder::new().tls_expired_certificate(false).tls);
        let builder = SandboxBuilder::new().tls_server_names(vec!["wrong.example".into()]);
        assert!(builder.tls);
    }
}
