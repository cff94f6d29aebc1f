//! When the client repeats a failed call, and how long it waits first.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::Error;

/// How the client retries HTTP 429, 5xx and connection failures.
///
/// Before retry `n` (0-based) of a server error it waits a random time between half and all
/// of `min(base_delay * 2^n, max_delay)`, or longer if the server sent `Retry-After` (still
/// capped at `max_delay`). Plaid's rate limits count requests per minute, so retrying a 429
/// after a second or two only meets the same limit: a 429 waits for `Retry-After` when sent,
/// else a random time between half and all of `rate_limit_delay` (both capped at
/// [`MAX_RATE_LIMIT_WAIT`]).
///
/// Which answers are retried: a 429 or 503 (Plaid did not do the work), and for calls that
/// are safe to repeat also 500, 502 and 504. A call that changes state and may have been
/// done before the error (the public-token exchange, which consumes its token) is never
/// blindly repeated after a 500, 502 or 504.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Delay before the first retry (before jitter).
    pub base_delay: Duration,
    /// Upper bound of any delay.
    pub max_delay: Duration,
    /// Wait after a 429 without `Retry-After` (before jitter): Plaid's per-minute scale.
    pub rate_limit_delay: Duration,
}

/// The longest wait after a 429, whatever `Retry-After` says.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(120);

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            rate_limit_delay: Duration::ZERO,
        }
    }

    /// The wait before retrying a 429: `Retry-After` when the server sent one, else a random
    /// time between half and all of `rate_limit_delay`; at most [`MAX_RATE_LIMIT_WAIT`].
    pub fn rate_limit_wait(&self, retry_after: Option<Duration>) -> Duration {
        let wait = retry_after.unwrap_or_else(|| jitter(self.rate_limit_delay));
        wait.min(MAX_RATE_LIMIT_WAIT)
    }

    /// The (jittered) wait before retry number `retry` (0-based).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(20));
        jitter(self.base_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// A random time between half and all of `ceiling`.
fn jitter(ceiling: Duration) -> Duration {
    let ceiling_micros = u64::try_from(ceiling.as_micros()).unwrap_or(u64::MAX);
    if ceiling_micros == 0 {
        return Duration::ZERO;
    }
    Duration::from_micros(rand::thread_rng().gen_range(ceiling_micros / 2..=ceiling_micros))
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms doubling, at most 8 s; 30–60 s after a 429.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            rate_limit_delay: Duration::from_secs(60),
        }
    }
}

/// How a call may be retried.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call {
    /// Whether the request may be sent again after it may have reached the server (a dropped
    /// connection). False for calls whose replay would fail or duplicate something.
    pub(super) replay_after_send: bool,
    pub(super) timeout: Option<Duration>,
}

impl Call {
    pub(super) fn idempotent() -> Self {
        Self {
            replay_after_send: true,
            timeout: None,
        }
    }

    pub(super) fn state_changing() -> Self {
        Self {
            replay_after_send: false,
            timeout: None,
        }
    }

    pub(super) fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// Whether the retry loop repeats a failed attempt.
pub(super) fn should_retry(error: &Error, call: Call) -> bool {
    match error {
        Error::Api { status, .. }
        | Error::UnexpectedResponse { status, .. }
        // A non-2xx answer whose JSON was not a Plaid error: retry on the same statuses.
        | Error::Decode { status, .. } => match *status {
            // Plaid did not do the work: rate-limited, or down for maintenance.
            429 | 503 => true,
            // The work may have been done before the error: repeat only what is safe to.
            500 | 502 | 504 => call.replay_after_send,
            _ => false,
        },
        // Never sent: always safe to repeat.
        Error::Transport { connect: true, .. } => true,
        // The time budget is spent; let the caller decide.
        Error::Transport { timeout: true, .. } => false,
        // Sent, then the connection broke: only if a replay cannot do harm.
        Error::Transport { .. } => call.replay_after_send,
        Error::InvalidConfig(_) => false,
    }
}

pub(super) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_are_jittered_and_bounded() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            rate_limit_delay: Duration::from_secs(60),
        };
        for _ in 0..50 {
            let first = policy.delay(0);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.delay(2);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(policy.delay(9) <= Duration::from_secs(1));
            assert!(policy.delay(u32::MAX) <= Duration::from_secs(1));
        }
        let distinct: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.delay(3)).collect();
        assert!(distinct.len() > 1, "jitter varies the delay");
        assert_eq!(RetryPolicy::none().delay(0), Duration::ZERO);
    }

    #[test]
    fn rate_limits_wait_on_plaids_per_minute_scale() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.rate_limit_delay, Duration::from_secs(60));
        for _ in 0..50 {
            let wait = policy.rate_limit_wait(None);
            assert!(
                wait >= Duration::from_secs(30) && wait <= Duration::from_secs(60),
                "{wait:?}"
            );
        }
        // Retry-After wins, within the cap.
        assert_eq!(
            policy.rate_limit_wait(Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            policy.rate_limit_wait(Some(Duration::from_secs(3600))),
            MAX_RATE_LIMIT_WAIT
        );
    }

    #[test]
    fn retry_classification_of_the_loop() {
        let api = |status: u16, code: &str| Error::Api {
            status,
            error: serde_json::from_value(serde_json::json!({
                "error_type": "X", "error_code": code, "error_message": "m",
                "display_message": null
            }))
            .map(Box::new)
            .unwrap(),
        };
        let read = Call::idempotent();
        let write = Call::state_changing();
        assert!(should_retry(&api(429, "RATE_LIMIT"), write));
        assert!(should_retry(&api(500, "INTERNAL_SERVER_ERROR"), read));
        assert!(should_retry(&api(503, "PLANNED_MAINTENANCE"), read));
        assert!(!should_retry(&api(400, "ITEM_LOGIN_REQUIRED"), read));
        assert!(!should_retry(&api(400, "INSTITUTION_DOWN"), read));
        // Gateway errors of a call that is safe to repeat are retried.
        assert!(should_retry(&api(502, "X"), read));
        assert!(should_retry(&api(504, "X"), read));
        assert!(!should_retry(&api(501, "X"), read));
        // A state-changing call that may have been done is never repeated blindly.
        for status in [500, 502, 504] {
            assert!(
                !should_retry(&api(status, "INTERNAL_SERVER_ERROR"), write),
                "{status}"
            );
        }
        assert!(should_retry(&api(503, "PLANNED_MAINTENANCE"), write));
        let transport = |timeout, connect| Error::Transport {
            message: "m".into(),
            timeout,
            connect,
        };
        assert!(should_retry(&transport(false, true), write), "never sent");
        assert!(
            should_retry(&transport(true, true), write),
            "connect timeout"
        );
        assert!(
            should_retry(&transport(false, false), read),
            "dropped, idempotent"
        );
        assert!(
            !should_retry(&transport(false, false), write),
            "dropped, state-changing"
        );
        assert!(!should_retry(&transport(true, false), read), "timed out");
        assert!(!should_retry(&Error::InvalidConfig("x".into()), read));
    }
}
