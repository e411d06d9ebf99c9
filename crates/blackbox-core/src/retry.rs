//! Retry policy: which outcomes are retried, backoff with jitter, `Retry-After`.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::{Error, TimeoutKind};

/// How the random part of the backoff is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[non_exhaustive]
pub enum Jitter {
    /// "Full jitter": each delay is uniform in `[0, computed delay]`, which spreads
    /// out clients that failed together.
    #[default]
    Full,
    /// No randomness: each delay is the computed delay.
    None,
    /// A fixed factor in `[0, 1]` applied to the computed delay, for deterministic
    /// tests (values outside are clamped; NaN counts as 1).
    Fixed(f64),
}

/// When and how often a call is retried.
///
/// The default ([`RetryConfig::default`]): 3 attempts in all, 500 ms before the
/// first retry growing ×1.5 per retry, at most 60 s between attempts, no retry
/// starting later than 1 hour after the first attempt, full jitter, and POST
/// retried only when it provably never reached the server.
/// [`RetryConfig::disabled`] makes one attempt.
///
/// The delay before retry `n` (1-based) is
/// `jitter × min(max_interval, initial_interval × exponent^(n-1))`.
/// Retries stop at `max_attempts` attempts in all, or when the next delay would
/// end after `max_elapsed_time` since the first attempt started.
///
/// Retried: failures where the request provably never reached the server
/// (connect failures and connect timeouts, any method); for idempotent methods
/// (GET, DELETE, and POST when
/// [`with_retry_non_idempotent`](Self::with_retry_non_idempotent) is set) also
/// 408, 429, 500, 502, 503, 504, attempt timeouts and connections that failed
/// mid-flight — the failures [`Error::is_retryable`](crate::Error::is_retryable)
/// calls transient. A `Retry-After` answer is honoured when it fits within
/// `max_interval` and the remaining budget; otherwise the call fails with that
/// answer, and [`Error::retry_after`](crate::Error::retry_after) tells the wait asked for.
///
/// ```
/// use std::time::Duration;
/// use blackbox_core::RetryConfig;
///
/// let patient = RetryConfig::default()
///     .with_max_attempts(5)
///     .with_initial_interval(Duration::from_millis(200));
/// let off = RetryConfig::disabled();
/// assert_eq!(off.max_attempts(), 1);
/// # let _ = patient;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_interval: Duration,
    max_interval: Duration,
    exponent: f64,
    max_elapsed_time: Option<Duration>,
    jitter: Jitter,
    retry_non_idempotent: bool,
}

impl Default for RetryConfig {
    /// 3 attempts in all, 500 ms initial interval, ×1.5 per retry, at most 60 s
    /// between attempts, at most 1 hour in all, full jitter.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            exponent: 1.5,
            max_elapsed_time: Some(Duration::from_secs(3600)),
            jitter: Jitter::Full,
            retry_non_idempotent: false,
        }
    }
}

impl RetryConfig {
    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included; `0` is taken as `1`.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay before the first retry, before jitter.
    pub fn with_initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest delay between two attempts; also the longest `Retry-After` honoured.
    pub fn with_max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// The growth factor of the delay per retry; values below 1 (or NaN) are taken as 1.
    pub fn with_exponent(mut self, exponent: f64) -> Self {
        self.exponent = if exponent >= 1.0 { exponent } else { 1.0 };
        self
    }

    /// The longest time from the first attempt after which no retry starts; `None`
    /// for no limit beyond `max_attempts`.
    pub fn with_max_elapsed_time(mut self, limit: Option<Duration>) -> Self {
        self.max_elapsed_time = limit;
        self
    }

    /// How the random part of each delay is chosen.
    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Also retry non-idempotent requests (POST) on retryable statuses, timeouts and
    /// mid-flight failures. Off by default: `extend_session` must not run twice by
    /// accident. POSTs are always retried when they provably never reached the server.
    pub fn with_retry_non_idempotent(mut self, enabled: bool) -> Self {
        self.retry_non_idempotent = enabled;
        self
    }

    /// Attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before the first retry, before jitter.
    pub fn initial_interval(&self) -> Duration {
        self.initial_interval
    }

    /// The growth factor of the delay per retry.
    pub fn exponent(&self) -> f64 {
        self.exponent
    }

    /// How the random part of each delay is chosen.
    pub fn jitter(&self) -> Jitter {
        self.jitter
    }

    /// The longest delay between attempts.
    pub fn max_interval(&self) -> Duration {
        self.max_interval
    }

    /// The overall retry budget.
    pub fn max_elapsed_time(&self) -> Option<Duration> {
        self.max_elapsed_time
    }

    /// Whether non-idempotent requests are retried like idempotent ones.
    pub fn retry_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The delay before retry number `retry` (1 for the first retry), jitter applied.
    pub fn backoff(&self, retry: u32) -> Duration {
        let growth = self
            .exponent
            .powi(i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX));
        // In nanoseconds as f64: the float-to-integer cast saturates (and maps NaN
        // to 0) where `Duration::from_secs_f64` would panic, and compiles smaller
        // than `try_from_secs_f64`.
        let computed = self.initial_interval.as_nanos() as f64 * growth;
        let capped = computed.min(self.max_interval.as_nanos() as f64);
        let factor = match self.jitter {
            Jitter::Full => random_unit(),
            Jitter::None => 1.0,
            // `clamp` passes NaN through, and the cast below would turn it into a
            // zero delay; a factor that is not a number means no jitter.
            Jitter::Fixed(factor) if factor.is_nan() => 1.0,
            Jitter::Fixed(factor) => factor.clamp(0.0, 1.0),
        };
        Duration::from_nanos((capped * factor) as u64)
    }
}

/// A client-wide budget for retries: a token bucket shared by every call of a
/// client, so that retries cannot multiply the load on a server that is
/// failing (aws-sdk-rust's standard retry mode and Google's client libraries
/// work the same way).
///
/// Every retry withdraws [`retry_cost`](Self::retry_cost) tokens
/// ([`timeout_retry_cost`](Self::timeout_retry_cost) after a timeout); every
/// successful call puts [`success_reward`](Self::success_reward) back, up to
/// [`capacity`](Self::capacity). When a retry cannot be paid for, the call
/// fails with the answer it has and
/// [`Error::retry_budget_exhausted`](crate::Error::retry_budget_exhausted) says
/// why. The bucket starts full.
///
/// The default — capacity 500, a retry costs 5, a retry after a timeout 10, a
/// success gives back 1 — lets a healthy client retry freely (a transient
/// error among many successes costs nothing lasting), while against a server
/// that fails everything at most 100 retries go out before the client sends
/// each call once; as successes come back, so do retries. Set it with
/// [`BlackboxCoreBuilder::retry_budget`](crate::BlackboxCoreBuilder::retry_budget);
/// `None` there turns the budget off.
///
/// ```
/// use blackbox_core::RetryBudget;
///
/// let budget = RetryBudget::default().with_capacity(50);
/// assert_eq!(budget.capacity(), 50);
/// assert_eq!(budget.retry_cost(), 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_retry_cost: u32,
    success_reward: u32,
}

impl Default for RetryBudget {
    /// Capacity 500, retry cost 5, retry after a timeout 10, success reward 1.
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_reward: 1,
        }
    }
}

impl RetryBudget {
    /// The most tokens the bucket holds (and holds at first).
    pub fn with_capacity(mut self, capacity: u32) -> Self {
        self.capacity = capacity;
        self
    }

    /// Tokens one retry costs.
    pub fn with_retry_cost(mut self, cost: u32) -> Self {
        self.retry_cost = cost;
        self
    }

    /// Tokens one retry after a timeout costs (a timeout suggests an
    /// overloaded server, so it costs more by default).
    pub fn with_timeout_retry_cost(mut self, cost: u32) -> Self {
        self.timeout_retry_cost = cost;
        self
    }

    /// Tokens a successful call puts back.
    pub fn with_success_reward(mut self, reward: u32) -> Self {
        self.success_reward = reward;
        self
    }

    /// The most tokens the bucket holds.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Tokens one retry costs.
    pub fn retry_cost(&self) -> u32 {
        self.retry_cost
    }

    /// Tokens one retry after a timeout costs.
    pub fn timeout_retry_cost(&self) -> u32 {
        self.timeout_retry_cost
    }

    /// Tokens a successful call puts back.
    pub fn success_reward(&self) -> u32 {
        self.success_reward
    }
}

/// A [`RetryBudget`] in use: its settings and the tokens left.
#[derive(Debug)]
pub(crate) struct RetryTokens {
    budget: RetryBudget,
    tokens: AtomicU32,
}

impl RetryTokens {
    pub(crate) fn new(budget: RetryBudget) -> Self {
        Self {
            budget,
            tokens: AtomicU32::new(budget.capacity),
        }
    }

    /// Pays for one retry after `error`; `false` when the bucket cannot.
    /// Only on the way to a retry, so out of line.
    #[inline(never)]
    pub(crate) fn withdraw(&self, error: &Error) -> bool {
        let cost = if error.is_timeout() {
            self.budget.timeout_retry_cost
        } else {
            self.budget.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// A successful call refills the bucket; a full bucket costs one load.
    #[inline]
    pub(crate) fn reward(&self) {
        if self.tokens.load(Ordering::Relaxed) < self.budget.capacity {
            self.refill();
        }
    }

    #[cold]
    fn refill(&self) {
        let capacity = self.budget.capacity;
        let reward = self.budget.success_reward;
        let _ = self
            .tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tokens| {
                Some(tokens.saturating_add(reward).min(capacity))
            });
    }

    #[cfg(test)]
    pub(crate) fn tokens(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }
}

/// Waits between attempts. The default uses Tokio's timer; tests can replace it
/// (see [`BlackboxCoreBuilder::sleeper`](crate::BlackboxCoreBuilder::sleeper)) to
/// record the delays instead of waiting them out.
pub trait Sleeper: Send + Sync + std::fmt::Debug + 'static {
    /// Resolves after `delay`.
    fn sleep(&self, delay: Duration) -> crate::BoxFuture<'static, ()>;
}

/// How a failure may be retried: the one rule behind both the attempt loop and
/// [`Error::is_retryable`](crate::Error::is_retryable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// Not transient: retrying gives the same answer.
    Never,
    /// Transient, and the request provably never reached the server: safe to
    /// send again whatever the method.
    NeverSent,
    /// Transient, but the request may have reached the server: send again
    /// only when repeating it is harmless.
    MaybeSent,
}

/// Sorts a failed attempt by [`RetryClass`]. An operation timeout is transient
/// like an attempt timeout; the attempt loop stops on it because the
/// operation's deadline has passed, not because of its class.
pub(crate) fn retry_class(error: &Error) -> RetryClass {
    match error {
        // A proxy that refused the tunnel (407, 403) says the same again:
        // repeating a wrong password can lock the account. Only its word
        // that the trouble is passing (502, 503, 504: the server unreachable
        // from there) is retried; the request never went past the proxy.
        Error::Connect(transport) => match transport.proxy_refusal() {
            Some(status) if !is_retryable_status(status) => RetryClass::Never,
            _ => RetryClass::NeverSent,
        },
        Error::Timeout(timeout) if timeout.kind() == TimeoutKind::Connect => RetryClass::NeverSent,
        Error::Timeout(_) | Error::Transport(_) => RetryClass::MaybeSent,
        Error::Api(api) if is_retryable_status(api.status()) => RetryClass::MaybeSent,
        _ => RetryClass::Never,
    }
}

/// Whether the attempt loop sends a failed request again; `may_repeat` says
/// whether repeating it is harmless (an idempotent method, or the caller's opt-in).
pub(crate) fn should_retry(error: &Error, may_repeat: bool) -> bool {
    match retry_class(error) {
        RetryClass::NeverSent => true,
        RetryClass::MaybeSent => may_repeat,
        RetryClass::Never => false,
    }
}

/// Statuses worth retrying: 408, 429, 500, 502, 503, 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as a wait from `now`: delta-seconds or an HTTP-date (a date in
/// the past means "now").
#[inline(never)]
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = crate::http_date::parse_http_date(value)?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniform number in `[0, 1)` from a process-wide xorshift generator seeded by
/// the standard library's per-process random hash keys; jitter needs spread, not
/// cryptographic quality, and this avoids a `rand` dependency.
fn random_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut current = STATE.load(Ordering::Relaxed);
    if current == 0 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(0x9e37_79b9_7f4a_7c15);
        current = hasher.finish() | 1;
    }
    let mut next = current;
    next ^= next << 13;
    next ^= next >> 7;
    next ^= next << 17;
    STATE.store(next, Ordering::Relaxed);
    // 53 random bits make an exact f64 in [0, 1).
    (next >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn schedule_with_fixed_jitter() {
        let config = RetryConfig::default()
            .with_initial_interval(Duration::from_millis(100))
            .with_exponent(2.0)
            .with_max_interval(Duration::from_millis(500))
            .with_jitter(Jitter::None);
        let delays: Vec<_> = (1..=5).map(|retry| config.backoff(retry)).collect();
        assert_eq!(
            delays,
            [100, 200, 400, 500, 500]
                .map(Duration::from_millis)
                .to_vec()
        );
        let half = config.clone().with_jitter(Jitter::Fixed(0.5));
        assert_eq!(half.backoff(2), Duration::from_millis(100));
        let clamped = config.with_jitter(Jitter::Fixed(7.0));
        assert_eq!(clamped.backoff(1), Duration::from_millis(100));
        let not_a_number = clamped.with_jitter(Jitter::Fixed(f64::NAN));
        assert_eq!(not_a_number.backoff(2), Duration::from_millis(200));
    }

    #[test]
    fn full_jitter_stays_within_bounds() {
        let config = RetryConfig::default().with_initial_interval(Duration::from_millis(100));
        for _ in 0..1000 {
            assert!(config.backoff(1) <= Duration::from_millis(100));
        }
        let samples: Vec<_> = (0..100).map(|_| config.backoff(1)).collect();
        assert!(
            samples.iter().any(|delay| *delay != samples[0]),
            "jitter is random"
        );
    }

    #[test]
    fn huge_retry_numbers_do_not_overflow() {
        let config = RetryConfig::default().with_jitter(Jitter::None);
        assert_eq!(config.backoff(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn disabled_and_zero_attempts() {
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
        assert_eq!(
            RetryConfig::default().with_max_attempts(0).max_attempts(),
            1
        );
        let flat = RetryConfig::default()
            .with_exponent(f64::NAN)
            .with_jitter(Jitter::None);
        assert_eq!(flat.backoff(3), Duration::from_millis(500));
    }

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after(&headers("1"), now),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            parse_retry_after(&headers(" 120 "), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after(&headers("Wed, 21 Oct 2015 07:28:05 GMT"), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after(&headers("Wed, 21 Oct 2015 07:27:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&headers("-1"), now), None);
        assert_eq!(parse_retry_after(&headers("soon"), now), None);
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn the_budget_pays_for_retries_and_successes_refill_it() {
        let tokens = RetryTokens::new(RetryBudget::default().with_capacity(12));
        let failure = Error::Transport(crate::TransportError::other("reset"));
        let timeout = Error::Timeout(crate::TimeoutError {
            kind: TimeoutKind::Attempt,
            limit: None,
            budget_exhausted: false,
        });
        assert!(tokens.withdraw(&failure), "12 → 7");
        assert!(tokens.withdraw(&failure), "7 → 2");
        assert!(!tokens.withdraw(&failure), "2 is not enough for 5");
        assert_eq!(tokens.tokens(), 2, "a refused withdrawal takes nothing");
        for _ in 0..20 {
            tokens.reward();
        }
        assert_eq!(tokens.tokens(), 12, "refills stop at the capacity");
        assert!(tokens.withdraw(&timeout), "a timeout costs 10: 12 → 2");
        assert!(!tokens.withdraw(&timeout));
    }

    #[test]
    fn retryable_statuses() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
        for status in [200, 400, 401, 404, 413, 501, 505] {
            assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
    }
}
