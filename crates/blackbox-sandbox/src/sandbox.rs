//! The running sandbox and its handle.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::builder::SandboxBuilder;
use crate::clock::Clock;
use crate::faults::Faults;
use crate::operation::Operation;
use crate::request_log::RecordedRequest;
use crate::seed::{SeedError, Seeded, SeededSession, SessionSeed};
use crate::service::Shared;

/// A running Blackbox Session Management API server on 127.0.0.1.
///
/// Start one per test with [`Sandbox::start`], [`Sandbox::start_tls`] or
/// [`Sandbox::builder`]. Dropping it stops the server at once (its tasks are
/// aborted); [`Sandbox::shutdown`] stops it gracefully.
///
/// At start the demo user holds four sessions — the demo session (the one
/// of [`demo_token`](Self::demo_token), expiring in 24 hours), two more
/// active ones and one already expired — plus any
/// [`extra_sessions`](SandboxBuilder::extra_sessions); a second user holds one
/// active session ([`other_user_session_id`](Self::other_user_session_id)).
///
/// The server runs as tasks on the Tokio runtime that started it: on a
/// current-thread runtime (the `#[tokio::test]` default) it makes progress
/// only while that runtime is awaiting, so talk to it with async clients (or
/// use a multi-thread runtime for blocking ones).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use blackbox_sandbox::Sandbox;
///
/// let sandbox = Sandbox::start().await?;
/// assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(sandbox.session_ids().len(), 4);
/// assert!(sandbox.session_ids().contains(&sandbox.demo_session_id()));
/// sandbox.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct Sandbox {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    base_url: String,
    demo_token: String,
    seeded: Seeded,
    ca_pem: Option<String>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("local_addr", &self.local_addr)
            .field("demo_token", &"** redacted **")
            .field("demo_user_id", &self.seeded.demo_user_id)
            .field("demo_session_id", &self.seeded.demo_session_id)
            .field("other_user_session_id", &self.seeded.other_session_id)
            .field("tls", &self.ca_pem.is_some())
            .field("running", &self.task.is_some())
            .finish()
    }
}

/// Everything [`SandboxBuilder::start`] hands over.
pub(crate) struct SandboxParts {
    pub(crate) shared: Arc<Shared>,
    pub(crate) local_addr: SocketAddr,
    pub(crate) base_url: String,
    pub(crate) demo_token: String,
    pub(crate) seeded: Seeded,
    pub(crate) ca_pem: Option<String>,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) task: JoinHandle<()>,
}

impl Sandbox {
    pub(crate) fn from_parts(parts: SandboxParts) -> Sandbox {
        Sandbox {
            shared: parts.shared,
            local_addr: parts.local_addr,
            base_url: parts.base_url,
            demo_token: parts.demo_token,
            seeded: parts.seeded,
            ca_pem: parts.ca_pem,
            shutdown: parts.shutdown,
            task: Some(parts.task),
        }
    }

    /// Starts a plain-HTTP sandbox on an ephemeral port of 127.0.0.1.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let sandbox = blackbox_sandbox::Sandbox::start().await?;
    /// // Point the client under test at `base_url` with `demo_token`.
    /// assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    /// let request = format!(
    ///     "GET /api/v0/sessions/stats HTTP/1.1\r\nHost: localhost\r\n\
    ///      Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
    ///     sandbox.demo_token()
    /// );
    /// let mut stream = tokio::net::TcpStream::connect(sandbox.local_addr()).await?;
    /// stream.write_all(request.as_bytes()).await?;
    /// let mut answer = String::new();
    /// stream.read_to_string(&mut answer).await?;
    /// assert!(answer.starts_with("HTTP/1.1 200 OK"));
    /// assert!(answer.ends_with(
    ///     r#"{"success":true,"message":null,"data":{"total_sessions":4,"active_sessions":3,"expired_sessions":1}}"#
    /// ));
    /// sandbox.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start() -> std::io::Result<Sandbox> {
        SandboxBuilder::new().start().await
    }

    /// Starts a TLS sandbox on an ephemeral port of 127.0.0.1, with a fresh CA
    /// ([`ca_pem`](Self::ca_pem)) and a certificate for `localhost` and
    /// `127.0.0.1`. Clients must trust that CA (and only it, ideally): the
    /// certificate is valid for `https://localhost:PORT` ([`base_url`]) and
    /// `https://127.0.0.1:PORT`. ALPN offers `h2` and `http/1.1`.
    ///
    /// [`base_url`]: Self::base_url
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let sandbox = blackbox_sandbox::Sandbox::start_tls().await?;
    /// assert!(sandbox.base_url().starts_with("https://localhost:"));
    ///
    /// // Trust only the sandbox's CA.
    /// let ca_pem = sandbox.ca_pem().unwrap_or_default();
    /// let mut roots = rustls::RootCertStore::empty();
    /// for certificate in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
    ///     roots.add(certificate?)?;
    /// }
    /// let provider = Arc::new(rustls::crypto::ring::default_provider());
    /// let config = rustls::ClientConfig::builder_with_provider(provider)
    ///     .with_safe_default_protocol_versions()?
    ///     .with_root_certificates(roots)
    ///     .with_no_client_auth();
    ///
    /// let tcp = tokio::net::TcpStream::connect(sandbox.local_addr()).await?;
    /// let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
    ///     .connect(ServerName::try_from("localhost")?, tcp)
    ///     .await?;
    /// let request = format!(
    ///     "GET /api/v0/sessions HTTP/1.1\r\nHost: localhost\r\n\
    ///      Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
    ///     sandbox.demo_token()
    /// );
    /// tls.write_all(request.as_bytes()).await?;
    /// let mut answer = Vec::new();
    /// // The sandbox closes the connection with a TLS close_notify.
    /// tls.read_to_end(&mut answer).await?;
    /// assert!(answer.starts_with(b"HTTP/1.1 200 OK"));
    /// sandbox.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_tls() -> std::io::Result<Sandbox> {
        SandboxBuilder::new().tls(true).start().await
    }

    /// A builder for other options.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::new()
    }

    /// `http://127.0.0.1:PORT`, or `https://localhost:PORT` with TLS.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address (always 127.0.0.1).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The bearer token of the demo session.
    pub fn demo_token(&self) -> &str {
        &self.demo_token
    }

    /// The id of the demo session (the one of [`demo_token`](Self::demo_token)).
    pub fn demo_session_id(&self) -> Uuid {
        self.seeded.demo_session_id
    }

    /// The id of the demo user.
    pub fn demo_user_id(&self) -> Uuid {
        self.seeded.demo_user_id
    }

    /// The id of the other user's active session; the demo user gets 404 for it.
    pub fn other_user_session_id(&self) -> Uuid {
        self.seeded.other_session_id
    }

    /// The PEM of the CA that signed the server certificate, with TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The fault scripts.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The sandbox clock, to expire sessions without sleeping.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// How many requests were routed to `op`, faulted or not.
    pub fn request_count(&self, op: Operation) -> u64 {
        self.shared.request_count(op)
    }

    /// How many requests arrived, including those answered 404 or 405.
    pub fn total_requests(&self) -> u64 {
        self.shared.total_requests()
    }

    /// How many TCP connections were accepted.
    pub fn connection_count(&self) -> u64 {
        self.shared.connection_count()
    }

    /// Adds a demo-user session that expires `expires_in` from the sandbox's
    /// now (whole seconds, capped at 9999-12-31T23:59:59Z); returns its id
    /// and token. [`seed_session`](Self::seed_session) sets more.
    pub fn add_session(&self, expires_in: Duration) -> (Uuid, String) {
        // `expires_in` is truncated to whole seconds, as it always was.
        let seed = SessionSeed::new()
            .expires_in(Duration::from_secs(expires_in.as_secs()))
            .created_ago(Duration::ZERO)
            .user_agent("blackbox-sandbox/added");
        match self.seed_session(seed) {
            Ok(added) => (added.id, added.token),
            // A fresh random token is always valid and unused.
            Err(_) => (Uuid::nil(), String::new()),
        }
    }

    /// A fresh user id that no session uses yet, for
    /// [`SessionSeed::user`].
    ///
    /// The API has no user endpoints, so a user has no state of its own in
    /// the sandbox: it exists through its sessions. Users never see each
    /// other's sessions (another user's session id gets 404).
    pub fn add_user(&self) -> Uuid {
        Uuid::new_v4()
    }

    /// Adds a session as described by `seed` (see [`SessionSeed`] for the
    /// defaults, and how to make it the current session of a request).
    ///
    /// # Errors
    ///
    /// [`SeedError::InvalidToken`] or [`SeedError::DuplicateToken`] when a
    /// chosen token is not usable; nothing is added then.
    pub fn seed_session(&self, seed: SessionSeed) -> Result<SeededSession, SeedError> {
        let now = self.shared.clock.now_unix();
        let mut store = self.shared.store();
        let session = seed.build(&store, now, self.seeded.demo_user_id)?;
        let seeded = SeededSession::of(&session);
        store.insert(session);
        Ok(seeded)
    }

    /// The ids of `user_id`'s sessions (expired ones included), in the order
    /// `list_sessions` returns them to that user.
    pub fn user_session_ids(&self, user_id: Uuid) -> Vec<Uuid> {
        self.shared
            .store()
            .user_sessions(user_id)
            .iter()
            .map(|s| s.id)
            .collect()
    }

    /// Every recorded request, oldest first (see [`RecordedRequest`]).
    ///
    /// The log holds the requests routed to an operation (not those
    /// answered 404 or 405): the last 10,000 by default (see
    /// [`SandboxBuilder::request_log_capacity`]), with their bodies at most
    /// 16 MiB in total; past either bound the oldest are dropped.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests.snapshot(None)
    }

    /// The recorded requests routed to `op`, oldest first.
    pub fn requests_for(&self, op: Operation) -> Vec<RecordedRequest> {
        self.shared.requests.snapshot(Some(op))
    }

    /// Empties the request log (the counters are not reset).
    pub fn clear_requests(&self) {
        self.shared.requests.clear();
    }

    /// The ids of the demo user's current sessions (expired ones included),
    /// in the order `list_sessions` returns them.
    pub fn session_ids(&self) -> Vec<Uuid> {
        self.user_session_ids(self.seeded.demo_user_id)
    }

    /// Stops gracefully: stops accepting, lets in-flight requests finish
    /// (up to about two seconds), closes every connection and joins all tasks.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            // Aborting the accept loop drops its JoinSet, which aborts every
            // connection task.
            task.abort();
        }
    }
}
