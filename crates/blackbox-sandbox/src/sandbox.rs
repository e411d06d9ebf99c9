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
use crate::service::Shared;
use crate::state::{Session, Store, new_token};
use crate::timestamp::{MAX_UNIX_SECONDS, SECONDS_PER_HOUR};

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

/// Ids of the seeded users and sessions.
pub(crate) struct Seeded {
    pub(crate) demo_user_id: Uuid,
    pub(crate) demo_session_id: Uuid,
    pub(crate) other_session_id: Uuid,
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

const HOUR: i64 = SECONDS_PER_HOUR;

fn session(
    user_id: Uuid,
    token: String,
    created_at: i64,
    expires_at: i64,
    user_agent: &str,
    ip_address: &str,
) -> Session {
    Session {
        id: Uuid::new_v4(),
        user_id,
        token,
        created_at,
        expires_at: expires_at.min(MAX_UNIX_SECONDS),
        user_agent: user_agent.to_owned(),
        ip_address: ip_address.to_owned(),
    }
}

/// Seeds the demo user, its sessions and the other user.
pub(crate) fn seed(store: &mut Store, now: i64, demo_token: String, extra: usize) -> Seeded {
    let demo_user_id = Uuid::new_v4();
    let other_user_id = Uuid::new_v4();
    let at = |offset: i64| now.saturating_add(offset);

    let other = session(
        other_user_id,
        new_token(),
        at(-5 * HOUR),
        at(24 * HOUR),
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0",
        "203.0.113.50",
    );
    let other_session_id = other.id;
    store.insert(other);
    store.insert(session(
        demo_user_id,
        new_token(),
        at(-48 * HOUR),
        at(-24 * HOUR),
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0",
        "203.0.113.9",
    ));
    store.insert(session(
        demo_user_id,
        new_token(),
        at(-3 * HOUR),
        at(7 * 24 * HOUR),
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15",
        "192.0.2.10",
    ));
    store.insert(session(
        demo_user_id,
        new_token(),
        at(-2 * HOUR),
        at(12 * HOUR),
        "curl/8.5.0",
        "198.51.100.7",
    ));
    let demo = session(
        demo_user_id,
        demo_token,
        at(-HOUR),
        at(24 * HOUR),
        concat!("blackbox-sandbox/", env!("CARGO_PKG_VERSION"), " (demo)"),
        "127.0.0.1",
    );
    let demo_session_id = demo.id;
    store.insert(demo);
    let extra_i64 = i64::try_from(extra).unwrap_or(i64::MAX);
    for i in 0..extra {
        // Created one second apart, the last one now, so the order is stable.
        let i_i64 = i64::try_from(i).unwrap_or(i64::MAX);
        let created = at(-(extra_i64 - i_i64 - 1));
        store.insert(session(
            demo_user_id,
            new_token(),
            created,
            at(24 * HOUR),
            "blackbox-sandbox/extra",
            "127.0.0.1",
        ));
    }
    Seeded {
        demo_user_id,
        demo_session_id,
        other_session_id,
    }
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
    pub async fn start() -> std::io::Result<Sandbox> {
        SandboxBuilder::new().start().await
    }

    /// Starts a TLS sandbox on an ephemeral port of 127.0.0.1, with a fresh CA
    /// ([`ca_pem`](Self::ca_pem)) and a certificate for `localhost` and
    /// `127.0.0.1`.
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
    /// now (capped at 9999-12-31T23:59:59Z); returns its id and token.
    pub fn add_session(&self, expires_in: Duration) -> (Uuid, String) {
        let now = self.shared.clock.now_unix();
        let seconds = i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX);
        let token = new_token();
        let added = session(
            self.seeded.demo_user_id,
            token.clone(),
            now,
            now.saturating_add(seconds),
            "blackbox-sandbox/added",
            "127.0.0.1",
        );
        let id = added.id;
        self.shared.store().insert(added);
        (id, token)
    }

    /// The ids of the demo user's current sessions (expired ones included),
    /// in the order `list_sessions` returns them.
    pub fn session_ids(&self) -> Vec<Uuid> {
        self.shared
            .store()
            .user_sessions(self.seeded.demo_user_id)
            .iter()
            .map(|s| s.id)
            .collect()
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
