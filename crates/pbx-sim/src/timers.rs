//! The timer queue: everything the switch waits for (ring timeouts, far ends answering, queue
//! retries and maximum waits, wrap-up, faxes), ordered by deadline on the injected clock.
//!
//! Timers are never cancelled in place: each carries a token naming the thing it is about, and
//! a timer whose token no longer matches (the phone was answered, the caller left...) does
//! nothing when it fires. The queue stays bounded because every timer belongs to a live object
//! and fires within its own delay.

use std::collections::BTreeMap;

use ctid_core::Timestamp;
use ctid_core::ids::{ActionId, AgentId, UniqueId, UserId};

/// Something to do at a deadline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Timer {
    /// A phone rang too long (a direct call, an originate's first leg).
    RingTimeout {
        /// The ringing channel.
        callee: UniqueId,
        /// The ring's token.
        token: u64,
    },
    /// An external number answers.
    FarEndAnswer {
        /// The trunk channel ringing the number.
        callee: UniqueId,
        /// The ring's token.
        token: u64,
    },
    /// Queue members rang `member_timeout` seconds without answering.
    QueueRingTimeout {
        /// The waiting caller.
        caller: UniqueId,
        /// The attempt's token.
        token: u64,
    },
    /// A queue caller's `retry` pause is over: try again.
    QueueRetry {
        /// The waiting caller.
        caller: UniqueId,
        /// The attempt's token.
        token: u64,
    },
    /// A queue caller waited `max_wait` seconds.
    QueueMaxWait {
        /// The waiting caller.
        caller: UniqueId,
        /// The queue entry's token.
        token: u64,
    },
    /// An agent's wrap-up is over.
    WrapupEnd {
        /// The agent.
        agent: AgentId,
        /// The wrap-up's token.
        token: u64,
    },
    /// A fax has been sent.
    FaxSent {
        /// The sender.
        user: UserId,
        /// The send request.
        action: ActionId,
        /// Pages sent.
        pages: u32,
    },
}

/// Timers by deadline; equal deadlines fire in the order they were set.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    queue: BTreeMap<(Timestamp, u64), Timer>,
    seq: u64,
}

impl Timers {
    /// Sets a timer.
    pub fn set(&mut self, at: Timestamp, timer: Timer) {
        self.seq += 1;
        self.queue.insert((at, self.seq), timer);
    }

    /// A fresh token.
    pub fn token(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The earliest deadline.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    /// Takes the earliest timer if it is due at `now`.
    pub fn pop_due(&mut self, now: Timestamp) -> Option<(Timestamp, Timer)> {
        let first = self.queue.first_entry()?;
        if first.key().0 > now {
            return None;
        }
        let ((at, _), timer) = first.remove_entry();
        Some((at, timer))
    }

    /// Number of pending timers.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_in_deadline_then_insertion_order() {
        let mut t = Timers::default();
        let fax = |n| Timer::FaxSent {
            user: UserId(1),
            action: ActionId(n),
            pages: 1,
        };
        t.set(Timestamp(20), fax(1));
        t.set(Timestamp(10), fax(2));
        t.set(Timestamp(10), fax(3));
        assert_eq!(t.next_deadline(), Some(Timestamp(10)));
        assert!(t.pop_due(Timestamp(9)).is_none());
        assert_eq!(t.pop_due(Timestamp(15)), Some((Timestamp(10), fax(2))));
        assert_eq!(t.pop_due(Timestamp(15)), Some((Timestamp(10), fax(3))));
        assert!(t.pop_due(Timestamp(15)).is_none());
        assert_eq!(t.len(), 1);
    }
}
