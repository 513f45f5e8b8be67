//! Failed-login throttling as pure logic on the injected clock's timestamps: per login and per
//! source address, failures bring an exponential delay before the next try and, past a
//! threshold, a temporary lockout; a login's tries are checked one at a time (so do a failing
//! address's), so an attacker's tries queue behind each other. A try whose login and address have
//! no recent failure and nothing in flight is *clean*: it may take the fast lane.
//!
//! The rules are in docs/security.md ("Login throttling").

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// Longest part of a login kept as a throttling key (longer logins share their prefix's record).
pub const MAX_LOGIN_KEY: usize = 64;

/// The rule for one kind of key (a login, or a source address).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleRule {
    /// Failures allowed without delay.
    pub free_failures: u32,
    /// Delay after the first failure past the free ones; it doubles with every further failure.
    #[serde(rename = "base_delay_secs", with = "secs")]
    pub base_delay: Duration,
    /// Longest delay.
    #[serde(rename = "max_delay_secs", with = "secs")]
    pub max_delay: Duration,
    /// Failures that lock the key out (0: never).
    pub lockout_after: u32,
    /// How long a lockout lasts. Once it ends, one try is allowed at once, and one more failure
    /// locks the key again.
    #[serde(rename = "lockout_secs", with = "secs")]
    pub lockout: Duration,
}

impl ThrottleRule {
    /// The default rule for a login: 3 free failures, then 1 s doubling up to 30 s, locked for
    /// 5 minutes after 10.
    pub fn login_default() -> Self {
        ThrottleRule {
            free_failures: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            lockout_after: 10,
            lockout: Duration::from_secs(300),
        }
    }

    /// The default rule for a source address (shared by everyone behind one NAT): 10 free
    /// failures, then 1 s doubling up to 30 s, locked for 5 minutes after 100.
    pub fn address_default() -> Self {
        ThrottleRule {
            free_failures: 10,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            lockout_after: 100,
            lockout: Duration::from_secs(300),
        }
    }

    /// The delay owed after `failures` failures.
    pub fn delay(&self, failures: u32) -> Duration {
        if failures <= self.free_failures {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free_failures - 1).min(31);
        self.base_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }
}

impl Default for ThrottleRule {
    fn default() -> Self {
        Self::login_default()
    }
}

/// Throttling settings (`[login]` in ctid's configuration, with the password checkers').
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// The rule per login.
    pub per_login: ThrottleRule,
    /// The rule per source address (IPv6: per /64).
    pub per_address: ThrottleRule,
    /// Failures older than this are forgotten (default 15 minutes).
    #[serde(rename = "forget_after_secs", with = "secs")]
    pub forget_after: Duration,
    /// Logins and addresses tracked at most, each (default 100 000); when full, inactive records
    /// are dropped, and a new key that still does not fit is checked untracked in the slow lane.
    pub max_tracked: usize,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            per_login: ThrottleRule::login_default(),
            per_address: ThrottleRule::address_default(),
            forget_after: Duration::from_secs(900),
            max_tracked: 100_000,
        }
    }
}

/// What a login try may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// No recent failure and nothing in flight for this login and address: check it now, in
    /// the fast lane. The try is now in flight: [`LoginThrottle::finish`] must follow.
    Clean,
    /// Check it now, in the ordinary lane. The try is in flight: [`LoginThrottle::finish`] must
    /// follow.
    Suspect,
    /// Another try for this login (or for this failing address) is being checked: wait for it
    /// to finish and ask again.
    Busy,
    /// Failures owe a delay: ask again at this time.
    WaitUntil(Timestamp),
    /// Locked out until this time: refuse without checking.
    Locked(Timestamp),
}

/// How a try ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryOutcome {
    /// The password matched.
    Success,
    /// The password did not match.
    Failure,
    /// The try was abandoned before its check ended (timeout, closed connection).
    Abandoned,
}

/// A lockout that has just started (for the log).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutStarted {
    /// Which key: `"login"` or `"address"`.
    pub kind: &'static str,
    /// Until when.
    pub until: Timestamp,
    /// Failures counted.
    pub failures: u32,
}

#[derive(Clone, Copy, Debug, Default)]
struct Record {
    failures: u32,
    last_failure: Timestamp,
    locked_until: Option<Timestamp>,
    in_flight: u32,
}

impl Record {
    /// Forgets old failures and ended lockouts.
    fn refresh(&mut self, now: Timestamp, rule: &ThrottleRule, forget_after: Duration) {
        if let Some(until) = self.locked_until
            && now >= until
        {
            self.locked_until = None;
            self.failures = self.failures.min(rule.lockout_after.saturating_sub(1));
        }
        if self.failures > 0
            && self.locked_until.is_none()
            && now.since(self.last_failure) >= forget_after
        {
            self.failures = 0;
        }
    }

    fn ready_at(&self, rule: &ThrottleRule) -> Timestamp {
        self.last_failure.plus(rule.delay(self.failures))
    }

    fn idle(&self) -> bool {
        self.failures == 0 && self.in_flight == 0 && self.locked_until.is_none()
    }
}

/// Records of one kind of key, bounded.
#[derive(Debug)]
struct Records<K> {
    map: HashMap<K, Record>,
}

impl<K: Hash + Eq + Clone> Records<K> {
    fn new() -> Self {
        Records {
            map: HashMap::new(),
        }
    }

    /// The record of `key` (refreshed), or a fresh one if the key is not tracked.
    fn get(&mut self, key: &K, now: Timestamp, rule: &ThrottleRule, forget: Duration) -> Record {
        match self.map.get_mut(key) {
            Some(r) => {
                r.refresh(now, rule, forget);
                *r
            }
            None => Record::default(),
        }
    }

    /// The record of `key` for an update, created if there is room (dropping idle and forgotten
    /// records when full); `None` if the key cannot be tracked.
    fn entry(
        &mut self,
        key: &K,
        now: Timestamp,
        rule: &ThrottleRule,
        forget: Duration,
        max: usize,
    ) -> Option<&mut Record> {
        if !self.map.contains_key(key) && self.map.len() >= max {
            self.map.retain(|_, r| {
                r.refresh(now, rule, forget);
                !r.idle()
            });
            if self.map.len() >= max {
                return None;
            }
        }
        Some(self.map.entry(key.clone()).or_default())
    }

    fn drop_if_idle(&mut self, key: &K) {
        if self.map.get(key).is_some_and(Record::idle) {
            self.map.remove(key);
        }
    }
}

/// The throttle: failure records per login and per address.
#[derive(Debug)]
pub struct LoginThrottle {
    config: ThrottleConfig,
    logins: Records<String>,
    addresses: Records<IpAddr>,
}

/// The throttling key of a source address: IPv4 as is, IPv6 by its /64 (one host usually owns a
/// whole /64), IPv4-mapped IPv6 as IPv4.
pub fn address_key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut seg = v6.segments();
                seg[4..].fill(0);
                IpAddr::V6(seg.into())
            }
        },
    }
}

fn login_key(login: &str) -> String {
    login.chars().take(MAX_LOGIN_KEY).collect()
}

impl LoginThrottle {
    /// A throttle with no records.
    pub fn new(config: ThrottleConfig) -> Self {
        LoginThrottle {
            config,
            logins: Records::new(),
            addresses: Records::new(),
        }
    }

    /// The settings.
    pub fn config(&self) -> &ThrottleConfig {
        &self.config
    }

    /// Decides what a try for `login` from `addr` may do at `now`. On [`Admission::Clean`] and
    /// [`Admission::Suspect`] the try is counted in flight until [`LoginThrottle::finish`].
    pub fn admit(&mut self, now: Timestamp, login: &str, addr: IpAddr) -> Admission {
        let (login, addr) = (login_key(login), address_key(addr));
        let c = &self.config;
        let l = self.logins.get(&login, now, &c.per_login, c.forget_after);
        let a = self
            .addresses
            .get(&addr, now, &c.per_address, c.forget_after);
        let locked = l.locked_until.into_iter().chain(a.locked_until).max();
        if let Some(until) = locked {
            return Admission::Locked(until);
        }
        if l.in_flight > 0 || (a.in_flight > 0 && a.failures > 0) {
            return Admission::Busy;
        }
        let ready = l.ready_at(&c.per_login).max(a.ready_at(&c.per_address));
        if ready > now {
            return Admission::WaitUntil(ready);
        }
        let clean = l.failures == 0 && a.failures == 0 && a.in_flight == 0;
        let max = c.max_tracked.max(1);
        let tracked_login = self
            .logins
            .entry(&login, now, &c.per_login, c.forget_after, max)
            .map(|r| r.in_flight += 1)
            .is_some();
        let tracked_addr = self
            .addresses
            .entry(&addr, now, &c.per_address, c.forget_after, max)
            .map(|r| r.in_flight += 1)
            .is_some();
        if clean && tracked_login && tracked_addr {
            Admission::Clean
        } else {
            Admission::Suspect
        }
    }

    /// Ends a try admitted by [`LoginThrottle::admit`]; returns the lockouts it started.
    pub fn finish(
        &mut self,
        now: Timestamp,
        login: &str,
        addr: IpAddr,
        outcome: TryOutcome,
    ) -> Vec<LockoutStarted> {
        let (login, addr) = (login_key(login), address_key(addr));
        let c = self.config.clone();
        let mut started = Vec::new();
        for (kind, record, rule) in [
            ("login", self.logins.map.get_mut(&login), &c.per_login),
            ("address", self.addresses.map.get_mut(&addr), &c.per_address),
        ] {
            let Some(r) = record else { continue };
            r.in_flight = r.in_flight.saturating_sub(1);
            r.refresh(now, rule, c.forget_after);
            match outcome {
                TryOutcome::Failure => {
                    r.failures = r.failures.saturating_add(1);
                    r.last_failure = now;
                    if rule.lockout_after > 0
                        && r.failures >= rule.lockout_after
                        && r.locked_until.is_none()
                    {
                        let until = now.plus(rule.lockout);
                        r.locked_until = Some(until);
                        started.push(LockoutStarted {
                            kind,
                            until,
                            failures: r.failures,
                        });
                    }
                }
                // A right password clears the login's failures, not the address's (one valid
                // account must not whitewash an address that guesses others).
                TryOutcome::Success if kind == "login" => r.failures = 0,
                TryOutcome::Success | TryOutcome::Abandoned => {}
            }
        }
        self.logins.drop_if_idle(&login);
        self.addresses.drop_if_idle(&addr);
        started
    }

    /// Logins and addresses tracked now.
    pub fn tracked(&self) -> (usize, usize) {
        (self.logins.map.len(), self.addresses.map.len())
    }
}

pub(crate) mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes a duration as seconds.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    /// Deserializes a duration from seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp(1_000_000);

    fn rule(free: u32, lockout_after: u32) -> ThrottleRule {
        ThrottleRule {
            free_failures: free,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            lockout_after,
            lockout: Duration::from_secs(60),
        }
    }

    fn throttle(login: ThrottleRule, address: ThrottleRule) -> LoginThrottle {
        LoginThrottle::new(ThrottleConfig {
            per_login: login,
            per_address: address,
            forget_after: Duration::from_secs(600),
            max_tracked: 1000,
        })
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn at(secs: u64) -> Timestamp {
        T0.plus(Duration::from_secs(secs))
    }

    #[test]
    fn delays_double_up_to_the_maximum() {
        let r = rule(2, 0);
        let d: Vec<u64> = (0..9).map(|f| r.delay(f).as_secs()).collect();
        assert_eq!(d, [0, 0, 0, 1, 2, 4, 8, 8, 8]);
        assert_eq!(r.delay(u32::MAX), Duration::from_secs(8));
    }

    #[test]
    fn failures_delay_then_lock_and_a_success_clears_the_login() {
        let mut t = throttle(rule(1, 4), rule(100, 0));
        let (alice, a) = ("alice", ip("192.0.2.1"));
        assert_eq!(t.admit(at(0), alice, a), Admission::Clean);
        // One try at a time per login.
        assert_eq!(t.admit(at(0), alice, a), Admission::Busy);
        assert!(t.finish(at(0), alice, a, TryOutcome::Failure).is_empty());
        // One free failure: no delay, but no longer clean.
        assert_eq!(t.admit(at(0), alice, a), Admission::Suspect);
        t.finish(at(0), alice, a, TryOutcome::Failure);
        assert_eq!(t.admit(at(0), alice, a), Admission::WaitUntil(at(1)));
        assert_eq!(t.admit(at(1), alice, a), Admission::Suspect);
        t.finish(at(1), alice, a, TryOutcome::Failure);
        assert_eq!(t.admit(at(2), alice, a), Admission::WaitUntil(at(3)));
        assert_eq!(t.admit(at(3), alice, a), Admission::Suspect);
        let started = t.finish(at(3), alice, a, TryOutcome::Failure);
        assert_eq!(
            started,
            [LockoutStarted {
                kind: "login",
                until: at(63),
                failures: 4
            }]
        );
        // Locked for everyone, from any address; other logins are not.
        assert_eq!(
            t.admit(at(10), alice, ip("198.51.100.7")),
            Admission::Locked(at(63))
        );
        assert_eq!(t.admit(at(10), "bob", ip("198.51.100.7")), Admission::Clean);
        t.finish(at(10), "bob", ip("198.51.100.7"), TryOutcome::Success);
        // After the lockout: one try, and a failure locks again.
        assert_eq!(t.admit(at(63), alice, a), Admission::Suspect);
        assert_eq!(t.finish(at(63), alice, a, TryOutcome::Failure).len(), 1);
        assert_eq!(t.admit(at(100), alice, a), Admission::Locked(at(123)));
        assert_eq!(t.admit(at(130), alice, a), Admission::Suspect);
        t.finish(at(130), alice, a, TryOutcome::Success);
        assert_eq!(
            t.admit(at(130), alice, a),
            Admission::Suspect,
            "the address remembers"
        );
        t.finish(at(130), alice, a, TryOutcome::Success);
    }

    #[test]
    fn a_failing_address_is_serialised_and_delayed_across_logins() {
        let mut t = throttle(rule(100, 0), rule(0, 3));
        let a = ip("203.0.113.9");
        assert_eq!(t.admit(at(0), "u1", a), Admission::Clean);
        // A clean address may run tries in parallel (an office behind one NAT)...
        assert_eq!(t.admit(at(0), "u2", a), Admission::Suspect);
        t.finish(at(0), "u2", a, TryOutcome::Success);
        t.finish(at(0), "u1", a, TryOutcome::Failure);
        // ...a failing one may not, and owes a delay.
        assert_eq!(t.admit(at(0), "u3", a), Admission::WaitUntil(at(1)));
        assert_eq!(t.admit(at(1), "u3", a), Admission::Suspect);
        assert_eq!(t.admit(at(1), "u4", a), Admission::Busy);
        t.finish(at(1), "u3", a, TryOutcome::Failure);
        assert_eq!(t.admit(at(3), "u4", a), Admission::Suspect);
        assert_eq!(
            t.finish(at(3), "u4", a, TryOutcome::Failure)[0].kind,
            "address"
        );
        assert_eq!(t.admit(at(4), "u5", a), Admission::Locked(at(63)));
        // Other addresses are untouched; the same /64 is the same key.
        assert_eq!(t.admit(at(4), "u5", ip("203.0.113.10")), Admission::Clean);
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_eq!(address_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn abandoned_tries_release_and_old_failures_are_forgotten() {
        let mut t = throttle(rule(0, 0), rule(100, 0));
        let a = ip("192.0.2.1");
        assert_eq!(t.admit(at(0), "x", a), Admission::Clean);
        t.finish(at(0), "x", a, TryOutcome::Abandoned);
        assert_eq!(t.tracked(), (0, 0), "nothing kept for a clean key");
        assert_eq!(t.admit(at(0), "x", a), Admission::Clean);
        t.finish(at(0), "x", a, TryOutcome::Failure);
        assert_eq!(t.admit(at(0), "x", a), Admission::WaitUntil(at(1)));
        assert_eq!(t.admit(at(600), "x", a), Admission::Clean);
        t.finish(at(600), "x", a, TryOutcome::Success);
        assert_eq!(t.tracked(), (0, 0));
    }

    #[test]
    fn records_are_bounded() {
        let mut t = LoginThrottle::new(ThrottleConfig {
            per_login: rule(0, 0),
            per_address: rule(100, 0),
            forget_after: Duration::from_secs(600),
            max_tracked: 3,
        });
        let a = ip("192.0.2.1");
        for i in 0..10 {
            let login = format!("u{i}");
            let adm = t.admit(at(0), &login, a);
            assert!(matches!(adm, Admission::Clean | Admission::Suspect));
            t.finish(at(0), &login, a, TryOutcome::Failure);
        }
        assert!(t.tracked().0 <= 3);
        // Untracked keys are still checked, in the slow lane.
        assert_eq!(t.admit(at(0), "new", ip("192.0.2.2")), Admission::Suspect);
        // Once the failures are forgotten, room is made again.
        t.finish(at(0), "new", ip("192.0.2.2"), TryOutcome::Abandoned);
        assert_eq!(t.admit(at(600), "new", ip("192.0.2.2")), Admission::Clean);
    }
}
