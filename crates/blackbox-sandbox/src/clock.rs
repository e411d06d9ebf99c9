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
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
///
/// let sandbox = blackbox_sandbox::Sandbox::start().await?;
/// // The demo session expires in 24 hours: jump past that.
/// sandbox.clock().advance(Duration::from_secs(25 * 3600));
/// assert_eq!(sandbox.clock().offset(), Duration::from_secs(25 * 3600));
/// sandbox.clock().set_offset(Duration::ZERO);
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
