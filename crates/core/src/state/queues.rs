//! Queues live: members (agents, with their pause, penalty, device status and calls taken), the
//! callers waiting, and the live counters (§3.4 and §3.5 of the CTI server notes).
//!
//! Counters are kept incrementally: each member remembers what it last contributed (logged,
//! available, talking), so a change to one agent costs one update per queue it belongs to.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::queue_log::QueueLog;
use super::table::{Row, Table};
use crate::dataset::Dataset;
use crate::ids::{AgentId, QueueId, UniqueId};
use crate::live::{HintStatus, MemberDeviceStatus, QueueEntry, QueueLiveStats, QueueMemberStatus};
use crate::time::Timestamp;

/// At most this many callers are tracked waiting in one queue.
pub(crate) const MAX_ENTRIES: usize = 10_000;

/// What a member counts for in its queue's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Contribution {
    /// The agent is logged in.
    pub logged: bool,
    /// The agent is available and not paused in this queue.
    pub available: bool,
    /// The agent is on a call.
    pub talking: bool,
}

/// One membership.
#[derive(Debug)]
pub(crate) struct Member {
    /// What clients see.
    pub status: Arc<QueueMemberStatus>,
    /// What it is counted for.
    pub counted: Contribution,
    /// Changed since last emitted.
    pub dirty: bool,
    /// An event has announced it (or it was there at start): its next event is a change, and
    /// its removal is news.
    pub announced: bool,
}

impl Member {
    /// A new membership of a logged-out agent.
    pub fn new(queue: QueueId, agent: AgentId, penalty: u32, paused: bool) -> Member {
        Member {
            status: Arc::new(QueueMemberStatus {
                queue,
                agent,
                penalty,
                paused,
                pause_reason: None,
                calls_taken: 0,
                last_call: None,
                status: MemberDeviceStatus::NotLogged,
                logged: false,
            }),
            counted: Contribution::default(),
            dirty: true,
            announced: false,
        }
    }

    /// The status, to change it (it will be emitted at refresh).
    pub fn status_mut(&mut self) -> &mut QueueMemberStatus {
        self.dirty = true;
        Arc::make_mut(&mut self.status)
    }
}

/// The counters compared to decide whether to emit new statistics (the longest wait drifts with
/// time, so the oldest join time stands for it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct StatsKey {
    logged: u32,
    available: u32,
    talking: u32,
    waiting: u32,
    oldest: Option<Timestamp>,
    ewt: u64,
}

/// One queue's live state.
#[derive(Debug)]
pub(crate) struct QueueLive {
    /// The queue.
    pub id: QueueId,
    /// Its members, by agent.
    pub members: BTreeMap<AgentId, Member>,
    /// Callers waiting, in order (change them through the methods, which keep the oldest join
    /// time).
    pub entries: Vec<QueueEntry>,
    /// Running hold-time average (Asterisk's `holdtime`), seconds.
    pub ewt: u64,
    /// Enter / connect / abandon records.
    pub log: QueueLog,
    oldest: Option<Timestamp>,
    logged: u32,
    available: u32,
    talking: u32,
    emitted: StatsKey,
    dirty: bool,
}

impl QueueLive {
    fn key(&self) -> StatsKey {
        StatsKey {
            logged: self.logged,
            available: self.available,
            talking: self.talking,
            waiting: self.entries.len() as u32,
            oldest: self.oldest,
            ewt: self.ewt,
        }
    }

    /// Moves a member's contribution from `old` to `new`.
    pub fn recount(&mut self, old: Contribution, new: Contribution) {
        fn adjust(n: &mut u32, old: bool, new: bool) {
            match (old, new) {
                (false, true) => *n += 1,
                (true, false) => *n = n.saturating_sub(1),
                _ => {}
            }
        }
        adjust(&mut self.logged, old.logged, new.logged);
        adjust(&mut self.available, old.available, new.available);
        adjust(&mut self.talking, old.talking, new.talking);
    }

    /// The live counters at `now`.
    pub fn stats(&self, now: Timestamp) -> QueueLiveStats {
        let key = self.key();
        QueueLiveStats {
            logged_agents: key.logged,
            available_agents: key.available,
            talking_agents: key.talking,
            waiting_calls: key.waiting,
            longest_wait: key.oldest.map(|t| now.since(t).as_secs()),
            ewt: key.ewt,
        }
    }

    /// The counters if they changed since last emitted.
    pub fn stats_if_changed(&mut self, now: Timestamp) -> Option<QueueLiveStats> {
        let key = self.key();
        if key == self.emitted {
            return None;
        }
        self.emitted = key;
        Some(self.stats(now))
    }

    /// Adds a waiting caller at a 1-based position; returns whether it was added.
    pub fn add_entry(&mut self, position: u32, entry: QueueEntry) -> bool {
        if self.entries.iter().any(|e| e.uniqueid == entry.uniqueid) {
            return false;
        }
        if self.entries.len() >= MAX_ENTRIES {
            tracing::warn!(queue = %self.id, "too many waiting callers tracked, caller ignored");
            return false;
        }
        let at = (position.max(1) as usize - 1).min(self.entries.len());
        self.oldest = Some(
            self.oldest
                .map_or(entry.join_time, |t| t.min(entry.join_time)),
        );
        self.entries.insert(at, entry);
        self.renumber();
        true
    }

    /// Removes a waiting caller; returns whether it was there.
    pub fn remove_entry(&mut self, uniqueid: &UniqueId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| &e.uniqueid != uniqueid);
        if self.entries.len() == before {
            return false;
        }
        self.oldest = self.entries.iter().map(|e| e.join_time).min();
        self.renumber();
        true
    }

    fn renumber(&mut self) {
        for (i, e) in self.entries.iter_mut().enumerate() {
            e.position = i as u32 + 1;
        }
    }

    /// The member agents the events have announced, by id (an event payload).
    pub fn announced_members(&self) -> Arc<[AgentId]> {
        self.members
            .iter()
            .filter(|(_, m)| m.announced)
            .map(|(agent, _)| *agent)
            .collect()
    }

    /// The waiting callers as an event payload.
    pub fn entries_payload(&self) -> Arc<[QueueEntry]> {
        self.entries.iter().cloned().collect()
    }
}

/// Every configured queue, by id, with the queues whose statistics to refresh.
pub(crate) type Queues = Table<QueueLive>;

impl Row for QueueLive {
    type Id = QueueId;
    fn id(&self) -> QueueId {
        self.id
    }
    fn marked(&mut self) -> &mut bool {
        &mut self.dirty
    }
}

impl Queues {
    /// The queues of a dataset with their configured members, not logged.
    pub fn from_dataset(dataset: &Dataset) -> Queues {
        Table::from_rows(
            dataset
                .queues()
                .iter()
                .map(|q| QueueLive::new(dataset, q))
                .collect(),
        )
    }
}

impl QueueLive {
    /// A configured queue with its configured members, not logged, and no caller.
    pub fn new(dataset: &Dataset, q: &crate::dataset::Queue) -> QueueLive {
        let members = q
            .members
            .iter()
            .filter(|m| dataset.agent(m.agent).is_some())
            .map(|m| {
                let mut member = Member::new(q.id, m.agent, m.penalty, false);
                member.dirty = false;
                member.announced = true;
                (m.agent, member)
            })
            .collect();
        QueueLive {
            id: q.id,
            members,
            entries: Vec::new(),
            ewt: 0,
            log: QueueLog::default(),
            oldest: None,
            logged: 0,
            available: 0,
            talking: 0,
            emitted: StatsKey::default(),
            dirty: false,
        }
    }
}

/// The device status of a logged member from its line's hint.
pub(crate) fn member_device_status(hint: Option<HintStatus>) -> MemberDeviceStatus {
    match hint {
        Some(HintStatus::Idle) => MemberDeviceStatus::NotInUse,
        Some(HintStatus::InUse) => MemberDeviceStatus::InUse,
        Some(HintStatus::Busy) => MemberDeviceStatus::Busy,
        Some(HintStatus::Ringing) => MemberDeviceStatus::Ringing,
        Some(HintStatus::InUseRinging) => MemberDeviceStatus::RingInUse,
        Some(HintStatus::OnHold) => MemberDeviceStatus::OnHold,
        Some(HintStatus::Unavailable | HintStatus::Deactivated | HintStatus::Removed) | None => {
            MemberDeviceStatus::Unavailable
        }
    }
}
