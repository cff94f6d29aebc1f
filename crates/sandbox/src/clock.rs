//! The injectable clock: every expiry (link tokens, public tokens, pending transactions, the
//! 30-day login expiry of Sandbox Items) reads time from here.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// A shared clock. Cloning shares the same time source, so a test holding a clone of a manual
/// clock moves the server's time.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    Manual(Mutex<DateTime<Utc>>),
}

impl Clock {
    /// Wall-clock time.
    pub fn system() -> Self {
        Clock(Arc::new(Source::System))
    }

    /// A clock frozen at `start` that moves only through [`Clock::advance`] / [`Clock::set`].
    pub fn manual(start: DateTime<Utc>) -> Self {
        Clock(Arc::new(Source::Manual(Mutex::new(start))))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match &*self.0 {
            Source::System => Utc::now(),
            Source::Manual(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// True for a manual clock.
    pub fn is_manual(&self) -> bool {
        matches!(&*self.0, Source::Manual(_))
    }

    /// Moves a manual clock forward; has no effect on the system clock.
    pub fn advance(&self, by: std::time::Duration) {
        if let Source::Manual(t) = &*self.0 {
            let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
            let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
            *t = t.checked_add_signed(by).unwrap_or(*t);
        }
    }

    /// Sets a manual clock; has no effect on the system clock.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Source::Manual(t) = &*self.0 {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced_and_is_shared() {
        let start =
            DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z").map(|d| d.with_timezone(&Utc));
        let start = start.expect("valid date");
        let clock = Clock::manual(start);
        let other = clock.clone();
        assert_eq!(clock.now(), start);
        other.advance(std::time::Duration::from_secs(90));
        assert_eq!(clock.now(), start + chrono::Duration::seconds(90));
        assert!(clock.is_manual());
        assert!(!Clock::system().is_manual());
    }
}
