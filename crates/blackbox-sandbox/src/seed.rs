//! Seeding state: the demo data every sandbox starts with, and
//! [`SessionSeed`] for the users and sessions a test adds.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use uuid::Uuid;

use crate::state::{Session, Store, new_token};
use crate::timestamp::{MAX_UNIX_SECONDS, SECONDS_PER_HOUR};

const HOUR: i64 = SECONDS_PER_HOUR;

/// A session to add to a running sandbox with
/// [`Sandbox::seed_session`](crate::Sandbox::seed_session).
///
/// Every setting has a default, so a seed names only what a test cares
/// about: the demo user's session, created now, expiring in 24 hours, with a
/// fresh random token, user agent `blackbox-sandbox/seeded` and IP address
/// `127.0.0.1`. Times are whole seconds on the sandbox [`Clock`](crate::Clock).
///
/// A session is *current* (`is_current: true`) in the answers to requests
/// made with its own token: to make a seeded session the current one, send
/// its [`token`](SeededSession::token) as the bearer token. A session that
/// is already expired is listed and counted, but its token gets 401.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use blackbox_sandbox::{Sandbox, SessionSeed};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let sandbox = Sandbox::start().await?;
/// let alice = sandbox.add_user();
/// let laptop = sandbox.seed_session(
///     SessionSeed::new()
///         .user(alice)
///         .token("bbx_alice_laptop")
///         .user_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
///         .ip_address("2001:db8::1")
///         .created_ago(Duration::from_secs(3600))
///         .expires_in(Duration::from_secs(7 * 24 * 3600)),
/// )?;
/// let old_phone = sandbox.seed_session(
///     SessionSeed::new()
///         .user(alice)
///         .created_ago(Duration::from_secs(30 * 24 * 3600))
///         .expired_for(Duration::from_secs(24 * 3600)),
/// )?;
/// assert_eq!(laptop.token, "bbx_alice_laptop");
/// assert_eq!(sandbox.user_session_ids(alice), vec![old_phone.id, laptop.id]);
///
/// // The laptop session is current in answers to requests with its token.
/// let request = format!(
///     "GET /api/v0/sessions HTTP/1.1\r\nHost: localhost\r\n\
///      Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
///     laptop.token
/// );
/// let mut stream = tokio::net::TcpStream::connect(sandbox.local_addr()).await?;
/// stream.write_all(request.as_bytes()).await?;
/// let mut answer = String::new();
/// stream.read_to_string(&mut answer).await?;
/// let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
/// let json: serde_json::Value = serde_json::from_str(body)?;
/// let sessions = json["data"]["sessions"].as_array().cloned().unwrap_or_default();
/// assert_eq!(sessions.len(), 2);
/// assert_eq!(sessions[0]["is_current"], false); // the expired one, created first
/// assert_eq!(sessions[1]["id"], laptop.id.to_string());
/// assert_eq!(sessions[1]["is_current"], true);
/// assert_eq!(sessions[1]["ip_address"], "2001:db8::1");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct SessionSeed {
    user_id: Option<Uuid>,
    expiry: Option<Expiry>,
    created_ago: Option<u64>,
    user_agent: Option<String>,
    ip_address: Option<String>,
    token: Option<String>,
}

/// When a seeded session expires, relative to the sandbox's now.
#[derive(Debug, Clone, Copy)]
enum Expiry {
    /// In this many seconds.
    In(u64),
    /// This many seconds ago.
    Ago(u64),
}

impl fmt::Debug for SessionSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionSeed")
            .field("user_id", &self.user_id)
            .field("expiry", &self.expiry)
            .field("created_ago", &self.created_ago)
            .field("user_agent", &self.user_agent)
            .field("ip_address", &self.ip_address)
            .field("token", &self.token.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// Whole seconds of `duration`, rounded up.
fn ceil_seconds(duration: Duration) -> u64 {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        seconds.saturating_add(1)
    } else {
        seconds
    }
}

fn to_i64(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

impl SessionSeed {
    /// A seed with every default: the demo user's session, created now,
    /// expiring in 24 hours, with a fresh random token.
    pub fn new() -> SessionSeed {
        SessionSeed::default()
    }

    /// The user the session belongs to (default: the demo user). Any id
    /// works; [`Sandbox::add_user`](crate::Sandbox::add_user) gives a fresh one.
    pub fn user(mut self, user_id: Uuid) -> SessionSeed {
        self.user_id = Some(user_id);
        self
    }

    /// Expires this long after the sandbox's now, rounded up to whole
    /// seconds, capped at 9999-12-31T23:59:59Z (default: 24 hours).
    pub fn expires_in(mut self, duration: Duration) -> SessionSeed {
        self.expiry = Some(Expiry::In(ceil_seconds(duration)));
        self
    }

    /// Already expired this long before the sandbox's now (whole seconds;
    /// `Duration::ZERO` expires it right now, since a session expires when
    /// `expires_at <= now`). An expired session is listed and counted by
    /// the API, but its token is refused (401).
    pub fn expired_for(mut self, duration: Duration) -> SessionSeed {
        self.expiry = Some(Expiry::Ago(duration.as_secs()));
        self
    }

    /// Created this long before the sandbox's now (whole seconds). Default:
    /// now, or one hour before it expired for an already expired session.
    /// `list_sessions` orders sessions by `created_at`, so this also sets
    /// where the session is listed.
    pub fn created_ago(mut self, duration: Duration) -> SessionSeed {
        self.created_ago = Some(duration.as_secs());
        self
    }

    /// The `user_agent` the API reports, verbatim (default
    /// `blackbox-sandbox/seeded`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> SessionSeed {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The `ip_address` the API reports, verbatim: any string, so a test can
    /// also seed unusual values (default `127.0.0.1`).
    pub fn ip_address(mut self, ip_address: impl Into<String>) -> SessionSeed {
        self.ip_address = Some(ip_address.into());
        self
    }

    /// A chosen bearer token instead of a fresh random one. It must be
    /// non-empty visible ASCII without spaces and not used by another
    /// session, or [`seed_session`](crate::Sandbox::seed_session) fails.
    pub fn token(mut self, token: impl Into<String>) -> SessionSeed {
        self.token = Some(token.into());
        self
    }

    /// Builds the session at `now` (Unix seconds), checking the token
    /// against `store`.
    pub(crate) fn build(
        self,
        store: &Store,
        now: i64,
        demo_user_id: Uuid,
    ) -> Result<Session, SeedError> {
        let token = match self.token {
            Some(token) => {
                if !is_valid_token(&token) {
                    return Err(SeedError::InvalidToken);
                }
                if store.has_token(&token) {
                    return Err(SeedError::DuplicateToken);
                }
                token
            }
            None => new_token(),
        };
        let expires_at = match self.expiry.unwrap_or(Expiry::In(24 * 3_600)) {
            Expiry::In(seconds) => now.saturating_add(to_i64(seconds)),
            Expiry::Ago(seconds) => now.saturating_sub(to_i64(seconds)),
        };
        let created_at = match self.created_ago {
            Some(seconds) => now.saturating_sub(to_i64(seconds)),
            None if expires_at > now => now,
            None => expires_at.saturating_sub(HOUR),
        };
        Ok(session(
            self.user_id.unwrap_or(demo_user_id),
            token,
            created_at,
            expires_at,
            self.user_agent
                .as_deref()
                .unwrap_or("blackbox-sandbox/seeded"),
            self.ip_address.as_deref().unwrap_or("127.0.0.1"),
        ))
    }
}

/// Whether `token` can be a bearer token: non-empty visible ASCII without
/// spaces.
pub(crate) fn is_valid_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic())
}

/// The session [`Sandbox::seed_session`](crate::Sandbox::seed_session) added.
///
/// Its `Debug` output redacts the token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeededSession {
    /// The session id (`SessionInfo.id`).
    pub id: Uuid,
    /// The id of the user it belongs to.
    pub user_id: Uuid,
    /// Its bearer token: requests made with it have this session as the
    /// current one.
    pub token: String,
}

impl fmt::Debug for SeededSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeededSession")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("token", &"** redacted **")
            .finish()
    }
}

impl SeededSession {
    pub(crate) fn of(session: &Session) -> SeededSession {
        SeededSession {
            id: session.id,
            user_id: session.user_id,
            token: session.token.clone(),
        }
    }
}

/// Why [`Sandbox::seed_session`](crate::Sandbox::seed_session) refused a seed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeedError {
    /// The chosen token is empty or has characters other than visible ASCII.
    InvalidToken,
    /// Another session already has the chosen token.
    DuplicateToken,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SeedError::InvalidToken => {
                "the session token must be non-empty visible ASCII without spaces"
            }
            SeedError::DuplicateToken => "another session already has this token",
        })
    }
}

impl Error for SeedError {}

/// A session with a fresh id; times are clamped to
/// 1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z.
pub(crate) fn session(
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
        created_at: created_at.clamp(0, MAX_UNIX_SECONDS),
        expires_at: expires_at.clamp(0, MAX_UNIX_SECONDS),
        user_agent: user_agent.to_owned(),
        ip_address: ip_address.to_owned(),
    }
}

/// Ids of the demo data.
pub(crate) struct Seeded {
    pub(crate) demo_user_id: Uuid,
    pub(crate) demo_session_id: Uuid,
    pub(crate) other_session_id: Uuid,
}

/// Seeds the demo user, its sessions and the other user.
pub(crate) fn seed_demo_data(
    store: &mut Store,
    now: i64,
    demo_token: String,
    extra: usize,
) -> Seeded {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_apply_defaults_and_settings() {
        let mut store = Store::default();
        let demo = Uuid::new_v4();
        let now = 1_800_000_000;
        let session = SessionSeed::new().build(&store, now, demo).ok();
        let session = session.expect("default seed");
        assert_eq!(session.user_id, demo);
        assert_eq!(session.created_at, now);
        assert_eq!(session.expires_at, now + 24 * HOUR);
        assert_eq!(session.user_agent, "blackbox-sandbox/seeded");
        assert!(session.token.starts_with("bbx_"));
        store.insert(session);

        let user = Uuid::new_v4();
        let expired = SessionSeed::new()
            .user(user)
            .expired_for(Duration::from_secs(60))
            .token("tok_1")
            .build(&store, now, demo)
            .expect("expired seed");
        assert_eq!(expired.user_id, user);
        assert_eq!(expired.expires_at, now - 60);
        assert_eq!(expired.created_at, now - 60 - HOUR);
        assert!(expired.is_expired(now));
        store.insert(expired);

        let soon = SessionSeed::new()
            .expires_in(Duration::from_millis(1))
            .created_ago(Duration::from_secs(10))
            .build(&store, now, demo)
            .expect("seed");
        assert_eq!(soon.expires_at, now + 1, "rounded up: not expired at once");
        assert_eq!(soon.created_at, now - 10);

        let far = SessionSeed::new()
            .expires_in(Duration::MAX)
            .build(&store, now, demo)
            .expect("seed");
        assert_eq!(far.expires_at, MAX_UNIX_SECONDS);
        let ancient = SessionSeed::new()
            .expired_for(Duration::MAX)
            .build(&store, now, demo)
            .expect("seed");
        assert_eq!((ancient.created_at, ancient.expires_at), (0, 0));
    }

    #[test]
    fn seeds_refuse_bad_and_duplicate_tokens() {
        let mut store = Store::default();
        let demo = Uuid::new_v4();
        for bad in ["", "has space", "tab\t", "ünï"] {
            let result = SessionSeed::new().token(bad).build(&store, 0, demo);
            assert_eq!(result.err(), Some(SeedError::InvalidToken), "{bad:?}");
        }
        let first = SessionSeed::new().token("bbx_same").build(&store, 0, demo);
        store.insert(first.expect("first"));
        let second = SessionSeed::new().token("bbx_same").build(&store, 0, demo);
        assert_eq!(second.err(), Some(SeedError::DuplicateToken));
        assert!(!SeedError::DuplicateToken.to_string().is_empty());
    }

    #[test]
    fn debug_redacts_tokens() {
        let seed = SessionSeed::new().token("bbx_seed_secret");
        assert!(!format!("{seed:?}").contains("bbx_seed_secret"));
        let seeded = SeededSession {
            id: Uuid::nil(),
            user_id: Uuid::nil(),
            token: "bbx_seeded_secret".into(),
        };
        assert!(!format!("{seeded:?}").contains("bbx_seeded_secret"));
    }
}
