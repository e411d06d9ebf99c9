//! In-memory users and sessions.

use uuid::Uuid;

use crate::models::SessionInfo;
use crate::timestamp::{MAX_UNIX_SECONDS, SECONDS_PER_HOUR, format_rfc3339};

/// One stored session. Times are Unix seconds in the sandbox clock.
pub(crate) struct Session {
    pub(crate) id: Uuid,
    pub(crate) user_id: Uuid,
    pub(crate) token: String,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) user_agent: String,
    pub(crate) ip_address: String,
}

impl Session {
    /// Whether the session has expired at `now` (`expires_at <= now`).
    pub(crate) fn is_expired(&self, now: i64) -> bool {
        self.expires_at <= now
    }

    /// The wire form, with `is_current` set for the caller's own session.
    pub(crate) fn info(&self, current: Uuid) -> SessionInfo {
        SessionInfo {
            id: self.id,
            user_id: self.user_id,
            token: self.token.clone(),
            created_at: format_rfc3339(self.created_at),
            expires_at: format_rfc3339(self.expires_at),
            user_agent: self.user_agent.clone(),
            ip_address: self.ip_address.clone(),
            is_current: self.id == current,
        }
    }
}

/// The authenticated caller: its live session and that session's user.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    pub(crate) session_id: Uuid,
    pub(crate) user_id: Uuid,
}

/// Why an extension was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ExtendError {
    /// Unknown id, or another user's session.
    NotFound,
    /// The new expiry overflows or lies beyond 9999-12-31T23:59:59Z.
    OutOfRange,
}

/// Counts for `get_session_stats`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stats {
    pub(crate) total: u64,
    pub(crate) active: u64,
    pub(crate) expired: u64,
}

/// All sessions of all users.
#[derive(Default)]
pub(crate) struct Store {
    sessions: Vec<Session>,
}

/// A fresh secret token: `bbx_` and 64 random hex digits (two UUID v4s).
pub(crate) fn new_token() -> String {
    format!("bbx_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// `base + hours`, refused when it overflows or passes year 9999.
pub(crate) fn add_hours(base: i64, hours: i64) -> Option<i64> {
    let seconds = hours.checked_mul(SECONDS_PER_HOUR)?;
    let sum = base.checked_add(seconds)?;
    (sum <= MAX_UNIX_SECONDS).then_some(sum)
}

impl Store {
    /// Stores a session.
    pub(crate) fn insert(&mut self, session: Session) {
        self.sessions.push(session);
    }

    /// Whether a session (live or not) has this token.
    pub(crate) fn has_token(&self, token: &str) -> bool {
        self.sessions.iter().any(|s| s.token == token)
    }

    /// The caller owning `token`, if its session exists and has not expired.
    pub(crate) fn authenticate(&self, token: &str, now: i64) -> Option<Caller> {
        self.sessions
            .iter()
            .find(|s| s.token == token && !s.is_expired(now))
            .map(|s| Caller {
                session_id: s.id,
                user_id: s.user_id,
            })
    }

    /// A user's sessions (expired ones included), by `created_at` then `id`.
    pub(crate) fn user_sessions(&self, user_id: Uuid) -> Vec<&Session> {
        let mut sessions: Vec<&Session> = self
            .sessions
            .iter()
            .filter(|s| s.user_id == user_id)
            .collect();
        sessions.sort_by_key(|s| (s.created_at, s.id));
        sessions
    }

    /// The session `id` if it belongs to `user_id`.
    pub(crate) fn get(&self, user_id: Uuid, id: Uuid) -> Option<&Session> {
        self.sessions
            .iter()
            .find(|s| s.id == id && s.user_id == user_id)
    }

    /// Removes the session `id` if it belongs to `user_id`.
    pub(crate) fn revoke(&mut self, user_id: Uuid, id: Uuid) -> bool {
        let before = self.sessions.len();
        self.sessions
            .retain(|s| !(s.id == id && s.user_id == user_id));
        self.sessions.len() != before
    }

    /// Removes all of `user_id`'s sessions except `keep`; returns how many.
    pub(crate) fn revoke_all(&mut self, user_id: Uuid, keep: Option<Uuid>) -> usize {
        let before = self.sessions.len();
        self.sessions
            .retain(|s| s.user_id != user_id || Some(s.id) == keep);
        before - self.sessions.len()
    }

    /// Adds `hours` to the expiry of `user_id`'s session `id`.
    pub(crate) fn extend(
        &mut self,
        user_id: Uuid,
        id: Uuid,
        hours: i64,
    ) -> Result<&Session, ExtendError> {
        let session = self
            .sessions
            .iter_mut()
            .find(|s| s.id == id && s.user_id == user_id)
            .ok_or(ExtendError::NotFound)?;
        session.expires_at = add_hours(session.expires_at, hours).ok_or(ExtendError::OutOfRange)?;
        Ok(session)
    }

    /// Counts `user_id`'s sessions at `now`.
    pub(crate) fn stats(&self, user_id: Uuid, now: i64) -> Stats {
        let mut stats = Stats {
            total: 0,
            active: 0,
            expired: 0,
        };
        for session in self.sessions.iter().filter(|s| s.user_id == user_id) {
            stats.total += 1;
            if session.is_expired(now) {
                stats.expired += 1;
            } else {
                stats.active += 1;
            }
        }
        stats
    }

    /// Deletes `user_id`'s expired sessions; returns how many.
    pub(crate) fn cleanup(&mut self, user_id: Uuid, now: i64) -> usize {
        let before = self.sessions.len();
        self.sessions
            .retain(|s| s.user_id != user_id || !s.is_expired(now));
        before - self.sessions.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(user_id: Uuid, created_at: i64, expires_at: i64) -> Session {
        Session {
            id: Uuid::new_v4(),
            user_id,
            token: new_token(),
            created_at,
            expires_at,
            user_agent: "test".into(),
            ip_address: "127.0.0.1".into(),
        }
    }

    #[test]
    fn tokens_are_distinct_and_shaped() {
        let a = new_token();
        assert!(a.starts_with("bbx_"));
        assert_eq!(a.len(), 4 + 64);
        assert_ne!(a, new_token());
    }

    #[test]
    fn add_hours_is_checked() {
        assert_eq!(add_hours(0, 1), Some(3_600));
        assert_eq!(add_hours(0, 861_018), Some(861_018 * 3_600));
        assert_eq!(add_hours(MAX_UNIX_SECONDS, 1), None);
        assert_eq!(add_hours(i64::MAX - 10, 1), None);
        assert_eq!(add_hours(0, i64::MAX), None);
    }

    #[test]
    fn store_semantics() {
        let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let mut store = Store::default();
        let a1 = session(alice, 10, 1_000);
        let a2 = session(alice, 5, 50); // expired at now = 100
        let b1 = session(bob, 1, 1_000);
        let (a1_id, a1_token, a2_id, b1_id) = (a1.id, a1.token.clone(), a2.id, b1.id);
        store.insert(a1);
        store.insert(a2);
        store.insert(b1);

        let caller = store.authenticate(&a1_token, 100).expect("live token");
        assert_eq!(caller.session_id, a1_id);
        assert!(
            store.authenticate(&a1_token, 1_000).is_none(),
            "expires_at <= now"
        );
        assert!(store.authenticate("nope", 0).is_none());

        let ids: Vec<Uuid> = store.user_sessions(alice).iter().map(|s| s.id).collect();
        assert_eq!(ids, vec![a2_id, a1_id]);
        assert!(store.get(alice, b1_id).is_none());
        assert_eq!(
            store.stats(alice, 100),
            Stats {
                total: 2,
                active: 1,
                expired: 1
            }
        );
        assert_eq!(
            store.extend(alice, b1_id, 1).err(),
            Some(ExtendError::NotFound)
        );
        let extended = store.extend(alice, a1_id, 861_018).map(|s| s.expires_at);
        assert_eq!(extended, Ok(1_000 + 861_018 * 3_600));
        assert_eq!(
            store.extend(alice, a1_id, i64::from(i32::MAX)).err(),
            Some(ExtendError::OutOfRange)
        );
        assert_eq!(store.cleanup(alice, 100), 1);
        assert!(!store.revoke(alice, b1_id));
        assert_eq!(store.revoke_all(alice, Some(a1_id)), 0);
        assert_eq!(store.revoke_all(alice, None), 1);
        assert_eq!(store.stats(bob, 100).total, 1);
    }
}
