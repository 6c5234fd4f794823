//! Login rate limiting: a sliding window of recent failures per key (a username or a
//! client address). Calls nothing else in the crate.
//!
//! Written here rather than taken from `governor`: what is limited is *failed* logins
//! only (a user who types the right password is never slowed by others' attempts on a
//! different key), the answer must say when the next attempt is allowed (Retry-After,
//! from the oldest failure in the window), and the whole state is a map of a few
//! timestamps per key — about forty lines, with its own tests. `governor` limits every
//! request through a cell rate and has no "record only failures" mode.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Above this many keys, keys without a failure in the window are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// At most `max` failures per key within `window`.
#[derive(Debug)]
pub struct FailureWindow {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FailureWindow {
    /// A limiter allowing `max` failures per `window` and key.
    pub fn new(max: usize, window: Duration) -> FailureWindow {
        FailureWindow {
            max: max.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `None` when `key` may try now, else how long until it may.
    pub fn check(&self, key: &str, now: Instant) -> Option<Duration> {
        let mut map = self.lock();
        let list = map.get_mut(key)?;
        while list
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            list.pop_front();
        }
        if list.len() < self.max {
            return None;
        }
        let oldest = *list.front()?;
        Some((oldest + self.window).saturating_duration_since(now))
    }

    /// Records a failure of `key` at `now`.
    pub fn fail(&self, key: &str, now: Instant) {
        let mut map = self.lock();
        if map.len() > PRUNE_ABOVE {
            let window = self.window;
            map.retain(|_, l| l.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let list = map.entry(key.to_string()).or_default();
        list.push_back(now);
        while list.len() > self.max {
            list.pop_front();
        }
    }

    /// Forgets the failures of `key` (after a successful login).
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_within_a_minute_is_refused_until_the_first_expires() {
        let w = FailureWindow::new(5, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..5 {
            assert_eq!(w.check("alice", t0 + Duration::from_secs(i)), None);
            w.fail("alice", t0 + Duration::from_secs(i));
        }
        let wait = w.check("alice", t0 + Duration::from_secs(10)).unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        // Another key is not affected.
        assert_eq!(w.check("bob", t0 + Duration::from_secs(10)), None);
        // After the first failure leaves the window, one more try is allowed.
        assert_eq!(w.check("alice", t0 + Duration::from_secs(60)), None);
        w.clear("alice");
        assert_eq!(w.check("alice", t0 + Duration::from_secs(11)), None);
    }
}
