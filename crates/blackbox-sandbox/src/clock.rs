//! The sandbox's injectable clock.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::timestamp::unix_seconds;

/// The sandbox's notion of "now": the system clock plus an offset that tests
/// move forward, so sessions can expire without sleeping.
///
/// Only expiry decisions and new timestamps (`created_at`, `expires_at` of new
/// sessions) use this clock; timeouts and fault delays use real time.
///
/// Moving the clock past a session's `expires_at` expires it: its token is
/// refused (401) and `get_session_stats` counts it as expired, until
/// `cleanup_expired_sessions` deletes it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use blackbox_sandbox::{Sandbox, SessionSeed};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let sandbox = Sandbox::start().await?;
/// let session = sandbox.seed_session(
///     SessionSeed::new().expires_in(Duration::from_secs(3600)),
/// )?;
/// // GET /api/v0/sessions/stats with a token: the status line and body.
/// let stats = |token: String| {
///     let addr = sandbox.local_addr();
///     async move {
///         let request = format!(
///             "GET /api/v0/sessions/stats HTTP/1.1\r\nHost: localhost\r\n\
///              Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
///         );
///         let mut stream = tokio::net::TcpStream::connect(addr).await?;
///         stream.write_all(request.as_bytes()).await?;
///         let mut answer = String::new();
///         stream.read_to_string(&mut answer).await?;
///         Ok::<_, std::io::Error>(answer)
///     }
/// };
/// assert!(stats(session.token.clone()).await?.starts_with("HTTP/1.1 200 OK"));
///
/// // An hour later (without sleeping) the seeded session has expired...
/// sandbox.clock().advance(Duration::from_secs(3600));
/// assert_eq!(sandbox.clock().offset(), Duration::from_secs(3600));
/// assert!(stats(session.token.clone()).await?.starts_with("HTTP/1.1 401"));
/// // ...while the demo session (24 hours) is live and counts it, besides
/// // the demo user's session that was expired from the start.
/// let answer = stats(sandbox.demo_token().to_owned()).await?;
/// assert!(answer.contains(r#""expired_sessions":2"#));
///
/// // Back to real time: the session is live again.
/// sandbox.clock().set_offset(Duration::ZERO);
/// assert!(stats(session.token.clone()).await?.starts_with("HTTP/1.1 200 OK"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct Clock {
    // A poisoned lock still holds a valid `Duration`: every writer stores a
    // whole value, so `into_inner` on poison is always sound here.
    offset: Mutex<Duration>,
}

impl Clock {
    /// Moves "now" forward by `by` (saturating; the offset never overflows).
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset = offset.saturating_add(by);
    }

    /// Sets the offset from the system clock; `Duration::ZERO` restores real time.
    pub fn set_offset(&self, offset: Duration) {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner()) = offset;
    }

    /// The current offset from the system clock.
    pub fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The sandbox's "now": the system time plus the offset (the system time
    /// alone if adding the offset would overflow `SystemTime`).
    pub fn now(&self) -> SystemTime {
        let real = SystemTime::now();
        real.checked_add(self.offset()).unwrap_or(real)
    }

    /// "Now" as whole seconds since the Unix epoch.
    pub(crate) fn now_unix(&self) -> i64 {
        let real = unix_seconds(SystemTime::now());
        let offset = i64::try_from(self.offset().as_secs()).unwrap_or(i64::MAX);
        real.saturating_add(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_and_set_offset() {
        let clock = Clock::default();
        let before = clock.now_unix();
        clock.advance(Duration::from_secs(3_600));
        clock.advance(Duration::from_secs(60));
        assert_eq!(clock.offset(), Duration::from_secs(3_660));
        let after = clock.now_unix();
        assert!((3_660..3_670).contains(&(after - before)));
        clock.set_offset(Duration::ZERO);
        assert_eq!(clock.offset(), Duration::ZERO);
        clock.advance(Duration::MAX);
        clock.advance(Duration::MAX);
        assert_eq!(clock.offset(), Duration::MAX);
        // Saturates instead of panicking.
        assert_eq!(clock.now_unix(), i64::MAX);
        let _ = clock.now();
    }
}
