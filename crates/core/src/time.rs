//! Time, injected: the [`Clock`] trait, the real [`SystemClock`] and the test [`ManualClock`].
//!
//! Everything that waits (ring timeouts, wrap-up, far-end answer delays, login timeouts) asks a
//! `Clock`, so tests run in virtual time: they advance a [`ManualClock`] and wait for the events
//! that follow, never for wall time.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// A point in time: milliseconds since the Unix epoch.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The timestamp as floating-point seconds (the CTI protocol's `timenow` form).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Whole seconds since the epoch.
    pub fn as_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This instant plus a duration.
    pub fn plus(self, d: Duration) -> Timestamp {
        Timestamp(
            self.0
                .saturating_add(d.as_millis().min(i64::MAX as u128) as i64),
        )
    }

    /// How long after `earlier` this instant is (zero if it is not after).
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0).max(0) as u64)
    }

    /// Formats as an ISO-8601 UTC date-time with microseconds (`2013-03-29T08:44:35.273000`),
    /// the form of the CTI `history` class.
    pub fn to_iso8601(self) -> String {
        let secs = self.as_secs();
        let millis = self.0.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60,
            millis * 1000
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A source of time and of timers.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;

    /// A future that completes once the clock has reached `deadline`.
    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()>;

    /// A future that completes after `d` has elapsed on this clock.
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.sleep_until(self.now().plus(d))
    }
}

/// A shared clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// Wall-clock time and tokio timers: what `ctid serve` runs on.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl SystemClock {
    /// A shared system clock.
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock)
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(d.as_millis() as i64)
    }

    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()> {
        let wait = deadline.since(self.now());
        Box::pin(tokio::time::sleep(wait))
    }
}

/// Virtual time for tests: it stands still until [`ManualClock::advance`] moves it, and timers
/// fire when it passes their deadline.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<watch::Sender<Timestamp>>,
}

impl ManualClock {
    /// 2026-01-05T09:00:00Z, a Monday morning: the default start of virtual time.
    pub const DEFAULT_START: Timestamp = Timestamp(1_767_603_600_000);

    /// A clock standing at `start`.
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            now: Arc::new(watch::channel(start).0),
        }
    }

    /// A clock standing at [`ManualClock::DEFAULT_START`].
    pub fn at_default_start() -> Self {
        Self::new(Self::DEFAULT_START)
    }

    /// Moves time forward by `d`, waking every timer whose deadline is passed.
    pub fn advance(&self, d: Duration) {
        self.now.send_modify(|t| *t = t.plus(d));
    }

    /// Moves time to `t` (never backwards).
    pub fn set(&self, t: Timestamp) {
        self.now.send_modify(|now| *now = (*now).max(t));
    }

    /// This clock as a shared [`Clock`].
    pub fn shared(&self) -> SharedClock {
        Arc::new(self.clone())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.borrow()
    }

    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()> {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            // The sender lives as long as any clock handle; if all are gone, time never moves.
            if rx.wait_for(|now| *now >= deadline).await.is_err() {
                futures::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_formats_utc() {
        assert_eq!(Timestamp(0).to_iso8601(), "1970-01-01T00:00:00.000000");
        assert_eq!(
            ManualClock::DEFAULT_START.to_iso8601(),
            "2026-01-05T09:00:00.000000"
        );
        assert_eq!(
            Timestamp(1_364_545_475_273).to_iso8601(),
            "2013-03-29T08:24:35.273000"
        );
    }

    #[tokio::test]
    async fn manual_clock_fires_timers_only_when_advanced() {
        let clock = ManualClock::at_default_start();
        let deadline = clock.now().plus(Duration::from_secs(15));
        let mut timer = tokio::spawn(clock.sleep_until(deadline));
        clock.advance(Duration::from_secs(14));
        tokio::task::yield_now().await;
        assert!(futures::poll!(&mut timer).is_pending());
        clock.advance(Duration::from_secs(1));
        timer.await.unwrap();
        assert_eq!(clock.now(), deadline);
    }
}
