//! The login guard every face checks passwords through: failed-login throttling per login and
//! per source address ([`throttle`], pure logic on the injected clock) in front of a fixed pool
//! of password-check workers ([`checker`]). A try whose login and address have no recent
//! failure takes the fast lane, past the queue of suspect tries; an attacker's tries wait for
//! each other (one at a time per login and per failing address, with exponential delays), and
//! locked-out keys are refused without a check. Delays and lockouts are logged.
//!
//! The caller bounds the whole wait with its own deadline (the CTI login timeout): the future
//! may be dropped at any point and the try is then released.

pub mod checker;
pub mod throttle;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

pub use checker::{Lane, PasswordChecker};
pub use throttle::{Admission, LoginThrottle, ThrottleConfig, ThrottleRule, TryOutcome};

use crate::time::{SharedClock, Timestamp};

/// Settings of the login guard (`[login]` in ctid's configuration).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginGuardConfig {
    /// Password-check worker threads, each holding one argon2 memory block (~19 MiB). Default:
    /// the number of CPUs, at most 4.
    pub password_workers: usize,
    /// Checks waiting per lane (fast and ordinary) at most; more tries wait for room, within
    /// their login deadline (default 256).
    pub password_queue: usize,
    /// The throttling rule per login.
    pub per_login: ThrottleRule,
    /// The throttling rule per source address (IPv6: per /64).
    pub per_address: ThrottleRule,
    /// Failures older than this are forgotten (default 15 minutes).
    #[serde(rename = "forget_after_secs", with = "throttle::secs")]
    pub forget_after: std::time::Duration,
    /// Logins and addresses tracked at most, each (default 100 000).
    pub max_tracked: usize,
}

impl LoginGuardConfig {
    /// The throttling part.
    pub fn throttle(&self) -> ThrottleConfig {
        ThrottleConfig {
            per_login: self.per_login.clone(),
            per_address: self.per_address.clone(),
            forget_after: self.forget_after,
            max_tracked: self.max_tracked,
        }
    }
}

impl Default for LoginGuardConfig {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let throttle = ThrottleConfig::default();
        LoginGuardConfig {
            password_workers: cpus.clamp(1, 4),
            password_queue: 256,
            per_login: throttle.per_login,
            per_address: throttle.per_address,
            forget_after: throttle.forget_after,
            max_tracked: throttle.max_tracked,
        }
    }
}

/// The answer to a login try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The password matches.
    Match,
    /// It does not (or the login is unknown).
    Mismatch,
    /// The login or the address is locked out until then: nothing was checked.
    LockedOut(Timestamp),
}

/// Throttling and password checks, shared by every face (one per server).
pub struct LoginGuard {
    throttle: Mutex<LoginThrottle>,
    checker: PasswordChecker,
    clock: SharedClock,
    /// Signalled whenever a try ends (tries waiting for a busy key ask again).
    finished: Notify,
}

impl std::fmt::Debug for LoginGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginGuard")
            .field("checker", &self.checker)
            .finish_non_exhaustive()
    }
}

impl LoginGuard {
    /// A guard with its worker threads started.
    pub fn start(config: &LoginGuardConfig, clock: SharedClock) -> std::io::Result<Arc<Self>> {
        Ok(Arc::new(LoginGuard {
            throttle: Mutex::new(LoginThrottle::new(config.throttle())),
            checker: PasswordChecker::start(config.password_workers, config.password_queue)?,
            clock,
            finished: Notify::new(),
        }))
    }

    /// Checks a try of `password` for `login` from `addr`, whose stored hash is `hash` (`None`
    /// for an unknown login: the same work runs and it never matches). Waits as the throttle
    /// says; the caller bounds the wait.
    pub async fn verify(
        &self,
        login: &str,
        addr: IpAddr,
        hash: Option<String>,
        password: String,
    ) -> Verdict {
        let lane = loop {
            let finished = self.finished.notified();
            tokio::pin!(finished);
            finished.as_mut().enable();
            let now = self.clock.now();
            let admission = self.lock().admit(now, login, addr);
            match admission {
                Admission::Clean => break Lane::Fast,
                Admission::Suspect => break Lane::Ordinary,
                Admission::Busy => finished.await,
                Admission::WaitUntil(t) => {
                    tracing::info!(login = %loggable(login), %addr, delay_ms = t.since(now).as_millis() as u64, "login try delayed after failures");
                    self.clock.sleep_until(t).await;
                }
                Admission::Locked(until) => {
                    tracing::info!(login = %loggable(login), %addr, %until, "login try refused: locked out");
                    return Verdict::LockedOut(until);
                }
            }
        };
        let mut pending = Pending {
            guard: self,
            login,
            addr,
            outcome: TryOutcome::Abandoned,
        };
        let ok = self.checker.check(lane, hash, password).await;
        pending.outcome = if ok {
            TryOutcome::Success
        } else {
            TryOutcome::Failure
        };
        drop(pending);
        if ok {
            Verdict::Match
        } else {
            Verdict::Mismatch
        }
    }

    /// Password checks run so far.
    pub fn checks(&self) -> u64 {
        self.checker.checks()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LoginThrottle> {
        self.throttle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A try in flight: ends it in the throttle when dropped (abandoned unless an outcome was set).
struct Pending<'a> {
    guard: &'a LoginGuard,
    login: &'a str,
    addr: IpAddr,
    outcome: TryOutcome,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        let now = self.guard.clock.now();
        let started = self
            .guard
            .lock()
            .finish(now, self.login, self.addr, self.outcome);
        for l in started {
            tracing::warn!(
                login = %loggable(self.login),
                addr = %self.addr,
                key = l.kind,
                failures = l.failures,
                until = %l.until,
                "login locked out after repeated failures"
            );
        }
        self.guard.finished.notify_waiters();
    }
}

fn loggable(login: &str) -> String {
    login
        .chars()
        .take(throttle::MAX_LOGIN_KEY)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ManualClock;
    use crate::auth::hash_password_cheap;

    fn config() -> LoginGuardConfig {
        let rule = ThrottleRule {
            free_failures: 0,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            lockout_after: 3,
            lockout: Duration::from_secs(600),
        };
        LoginGuardConfig {
            password_workers: 1,
            password_queue: 8,
            per_login: rule.clone(),
            per_address: ThrottleRule {
                lockout_after: 0,
                free_failures: 100,
                ..rule
            },
            ..LoginGuardConfig::default()
        }
    }

    #[tokio::test]
    async fn failures_wait_on_the_injected_clock_then_lock_out() {
        let clock = ManualClock::at_default_start();
        let guard = LoginGuard::start(&config(), clock.shared()).unwrap();
        let addr: IpAddr = "192.0.2.1".parse().unwrap();
        let h = Some(hash_password_cheap("pw"));
        let wrong = || guard.verify("alice", addr, h.clone(), "x".into());
        assert_eq!(wrong().await, Verdict::Mismatch);
        // The next try owes 2 s on the injected clock.
        let mut second = Box::pin(wrong());
        tokio::select! {
            _ = &mut second => panic!("no delay"),
            _ = tokio::task::yield_now() => {}
        }
        assert_eq!(guard.checks(), 1);
        clock.advance(Duration::from_secs(2));
        let v = tokio::time::timeout(Duration::from_secs(10), second).await;
        assert_eq!(v.unwrap(), Verdict::Mismatch);
        clock.advance(Duration::from_secs(4));
        assert_eq!(wrong().await, Verdict::Mismatch);
        let locked = guard.verify("alice", addr, h.clone(), "pw".into()).await;
        assert!(matches!(locked, Verdict::LockedOut(_)), "{locked:?}");
        assert_eq!(guard.checks(), 3, "a locked-out try runs no check");
        // Another login from the same address is not locked.
        let bob = guard.verify("bob", addr, h.clone(), "pw".into()).await;
        assert_eq!(bob, Verdict::Match);
    }
}
