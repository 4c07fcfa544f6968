//! Per-client rate limit (a token bucket per hashed client address), in memory.
//!
//! On Lambda this is per warm instance, so it stops a single client hammering one instance; the
//! API's stage throttling in the template is the global limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Buckets kept before idle ones are dropped, so the map cannot grow without bound.
const MAX_TRACKED_CLIENTS: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: SystemTime,
}

impl RateLimiter {
    /// Allows `per_minute` requests per client per minute, in bursts of up to that many;
    /// 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `client`'s allowance, or says how long to wait (whole seconds,
    /// at least one, as `Retry-After` needs).
    pub fn check(&self, client: &str, now: SystemTime) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_TRACKED_CLIENTS && !buckets.contains_key(client) {
            // Drop the buckets that have refilled completely: forgetting them changes nothing.
            let full_after = Duration::from_secs(60);
            buckets.retain(|_, b| {
                now.duration_since(b.updated)
                    .map_or(true, |idle| idle < full_after)
            });
        }
        let bucket = buckets.entry(client.to_owned()).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        // A clock that went backwards refills nothing.
        let elapsed = now
            .duration_since(bucket.updated)
            .unwrap_or_default()
            .as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / per_second).ceil().max(1.0);
            Err(Duration::from_secs(wait as u64))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_waits() {
        let limiter = RateLimiter::new(3);
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        for _ in 0..3 {
            assert_eq!(limiter.check("a", t), Ok(()));
        }
        assert_eq!(limiter.check("a", t), Err(Duration::from_secs(20)));
        assert_eq!(
            limiter.check("b", t),
            Ok(()),
            "other clients are not affected"
        );
        assert_eq!(limiter.check("a", t + Duration::from_secs(20)), Ok(()));
        assert!(limiter.check("a", t + Duration::from_secs(21)).is_err());
    }

    #[test]
    fn zero_means_off_and_memory_is_bounded() {
        let off = RateLimiter::new(0);
        let t = SystemTime::UNIX_EPOCH;
        assert!((0..100).all(|_| off.check("a", t).is_ok()));
        let limiter = RateLimiter::new(5);
        for i in 0..MAX_TRACKED_CLIENTS + 10 {
            let _ = limiter.check(&i.to_string(), t);
        }
        let _ = limiter.check("late", t + Duration::from_secs(120));
        assert!(limiter.buckets.lock().unwrap().len() < 100);
    }
}
