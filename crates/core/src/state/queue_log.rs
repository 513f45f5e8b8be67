//! A queue's log of callers entering, being answered and abandoning, bounded in age (24 h) and
//! size, and the windowed statistics computed from it (the CTI `getqueuesstats` counters:
//! joined, answered, lost, answer rate, QoS, hold times).

use std::collections::VecDeque;
use std::time::Duration;

use crate::live::QueueWindowStats;
use crate::time::Timestamp;

/// Records older than this are dropped.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// At most this many records are kept per queue.
pub(crate) const MAX_RECORDS: usize = 100_000;

/// What happened to a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Record {
    /// It joined the queue.
    Enter,
    /// A member answered it after this many seconds.
    Connect(u64),
    /// It hung up after waiting this many seconds.
    Abandon(u64),
}

/// The bounded log, oldest first.
#[derive(Debug, Default)]
pub(crate) struct QueueLog {
    records: VecDeque<(Timestamp, Record)>,
}

impl QueueLog {
    /// Appends a record, dropping the oldest ones beyond the age and size bounds.
    pub fn push(&mut self, now: Timestamp, record: Record) {
        let horizon = Timestamp(now.0.saturating_sub(MAX_AGE.as_millis() as i64));
        while self
            .records
            .front()
            .is_some_and(|(t, _)| *t < horizon || self.records.len() >= MAX_RECORDS)
        {
            self.records.pop_front();
        }
        self.records.push_back((now, record));
    }

    /// Number of records kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Counters over `[now - window, now]`; `waiting_joins` are the join times of the callers
    /// still waiting (they are not "done" yet, so they do not count against the answer rate).
    pub fn window(
        &self,
        now: Timestamp,
        window: Duration,
        qos: Duration,
        waiting_joins: impl Iterator<Item = Timestamp>,
    ) -> QueueWindowStats {
        let start = Timestamp(
            now.0
                .saturating_sub(window.as_millis().min(i64::MAX as u128) as i64),
        );
        let qos = qos.as_secs();
        let mut s = QueueWindowStats::default();
        let mut hold_sum = 0u64;
        for (_, record) in self
            .records
            .iter()
            .rev()
            .skip_while(|(t, _)| *t > now)
            .take_while(|(t, _)| *t >= start)
        {
            match *record {
                Record::Enter => s.entered += 1,
                Record::Abandon(_) => s.abandoned += 1,
                Record::Connect(hold) => {
                    s.answered += 1;
                    hold_sum = hold_sum.saturating_add(hold);
                    s.holdtime_max = s.holdtime_max.max(hold);
                    if hold <= qos {
                        s.answered_within_qos += 1;
                    }
                }
            }
        }
        let waiting = waiting_joins.filter(|t| *t >= start && *t <= now).count() as i64;
        let done = i64::from(s.entered) - waiting;
        if done > 0 {
            s.answer_rate = 100.0 * f64::from(s.answered) / done as f64;
        }
        if s.answered > 0 {
            s.qos = 100.0 * f64::from(s.answered_within_qos) / f64::from(s.answered);
            s.holdtime_avg = hold_sum as f64 / f64::from(s.answered);
        }
        s
    }
}
