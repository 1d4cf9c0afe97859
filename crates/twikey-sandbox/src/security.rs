//! Login checks: Twikey's "enhanced security" one-time password and the rate limits
//! (logins per API key, detail calls per creditor).

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One OTP per 30 seconds.
pub const OTP_STEP_SECS: u64 = 30;

/// The 8-digit login OTP of API.md §2.3 (the client's own computation: both sides must agree).
/// A key that is not hexadecimal has no OTP (the side door and flag refuse such keys).
pub fn otp(private_key_hex: &str, unix_secs: u64) -> u32 {
    twikey::otp::otp(private_key_hex, unix_secs).unwrap_or(u32::MAX)
}

/// Whether `given` (sent as an integer, so leading zeros may be missing) is the OTP of the
/// previous, current or next 30-second window.
pub fn otp_matches(private_key_hex: &str, given: Option<&str>, unix_secs: u64) -> bool {
    let Some(given) = given.and_then(|g| g.trim().parse::<u64>().ok()) else {
        return false;
    };
    [unix_secs.saturating_sub(OTP_STEP_SECS), unix_secs, unix_secs + OTP_STEP_SECS]
        .iter()
        .any(|t| u64::from(otp(private_key_hex, *t)) == given)
}

const WINDOW: Duration = Duration::from_secs(60);

/// A fixed one-minute window per key.
#[derive(Debug)]
struct Window {
    start: Instant,
    used: u32,
}

/// Per-minute budgets. Limits of 0 mean "no limit".
#[derive(Debug)]
pub struct RateLimits {
    pub detail_per_minute: u32,
    pub logins_per_minute: u32,
    detail: HashMap<String, Window>,
    logins: HashMap<String, Window>,
}

/// The answer to a budgeted call: what is left, or how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    Unlimited,
    Remaining(u32),
    RetryAfter(u64),
}

fn take(map: &mut HashMap<String, Window>, key: &str, limit: u32, now: Instant) -> Budget {
    if limit == 0 {
        return Budget::Unlimited;
    }
    if map.len() > 10_000 {
        // Many different (mostly wrong) keys: forget the windows that are over.
        map.retain(|_, w| now.duration_since(w.start) < WINDOW);
    }
    let w = map.entry(key.to_string()).or_insert(Window { start: now, used: 0 });
    if now.duration_since(w.start) >= WINDOW {
        *w = Window { start: now, used: 0 };
    }
    if w.used >= limit {
        let left = WINDOW.saturating_sub(now.duration_since(w.start));
        return Budget::RetryAfter(left.as_secs_f64().ceil().max(1.0) as u64);
    }
    w.used += 1;
    Budget::Remaining(limit - w.used)
}

impl RateLimits {
    pub fn new(detail_per_minute: u32, logins_per_minute: u32) -> Self {
        Self { detail_per_minute, logins_per_minute, detail: HashMap::new(), logins: HashMap::new() }
    }

    /// One detail call (`/mandate/detail`, `/transaction/detail`) of a creditor.
    pub fn detail(&mut self, api_key: &str, now: Instant) -> Budget {
        take(&mut self.detail, api_key, self.detail_per_minute, now)
    }

    /// One login attempt with this API key.
    pub fn login(&mut self, api_key: &str, now: Instant) -> Budget {
        take(&mut self.logins, api_key, self.logins_per_minute, now)
    }

    /// Starts every budget afresh.
    pub fn clear_windows(&mut self) {
        self.detail.clear();
        self.logins.clear();
    }

    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({"detail_per_minute": self.detail_per_minute, "logins_per_minute": self.logins_per_minute})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otp_matches_the_documented_vector() {
        assert_eq!(otp("0123456789ABCDEF0123456789ABCDEF", 1_700_000_000), 9_931_077);
        assert_eq!(otp("0123456789abcdef0123456789abcdef", 1_700_000_000), 9_931_077, "hex case does not matter");
        // The same 30-second window gives the same value.
        assert_eq!(otp("0123456789ABCDEF0123456789ABCDEF", 1_699_999_980), 9_931_077);
    }

    #[test]
    fn otp_windows() {
        let key = "0123456789ABCDEF0123456789ABCDEF";
        let t = 1_700_000_000;
        let now = otp(key, t).to_string();
        assert!(otp_matches(key, Some(&now), t));
        assert!(otp_matches(key, Some(&format!("0{now}")), t), "compared as numbers");
        assert!(otp_matches(key, Some(&otp(key, t - 30).to_string()), t), "previous window");
        assert!(otp_matches(key, Some(&otp(key, t + 30).to_string()), t), "next window");
        assert!(!otp_matches(key, Some(&otp(key, t + 90).to_string()), t));
        assert!(!otp_matches(key, None, t));
        assert!(!otp_matches(key, Some("abc"), t));
    }

    #[test]
    fn budgets_per_key_and_minute() {
        let mut r = RateLimits::new(2, 0);
        let t = Instant::now();
        assert_eq!(r.detail("a", t), Budget::Remaining(1));
        assert_eq!(r.detail("a", t), Budget::Remaining(0));
        assert!(matches!(r.detail("a", t + Duration::from_secs(10)), Budget::RetryAfter(50)));
        assert_eq!(r.detail("b", t), Budget::Remaining(1), "each creditor has its own budget");
        assert_eq!(r.detail("a", t + Duration::from_secs(61)), Budget::Remaining(1), "a new minute");
        assert_eq!(r.login("a", t), Budget::Unlimited);
    }
}
