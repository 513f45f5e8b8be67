//! The live state of a queue: its members, its waiting callers and its answered calls.

use ctid_core::Timestamp;
use ctid_core::dataset::Queue;
use ctid_core::ids::{AgentId, QueueId, UniqueId};

/// A queue, live.
#[derive(Clone, Debug)]
pub(crate) struct QueueRt {
    /// Members, configured ones first, in order.
    pub members: Vec<Member>,
    /// Waiting callers, in position order.
    pub entries: Vec<Entry>,
    /// The position of the member rung last (`rrmemory`).
    pub rr_last: Option<usize>,
}

/// A queue member.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    /// The agent.
    pub agent: AgentId,
    /// Penalty (lower first on ties).
    pub penalty: u32,
    /// Paused in this queue.
    pub paused: bool,
    /// Calls taken from this queue.
    pub calls: u32,
    /// When its last call from this queue ended.
    pub last_call: Option<Timestamp>,
}

/// A waiting caller.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The caller's channel.
    pub caller: UniqueId,
    /// When it joined.
    pub joined: Timestamp,
    /// Its position when it joined.
    pub original_position: u32,
    /// Identifies the entry (for its `max_wait` timer).
    pub token: u64,
    /// What the queue does for it now.
    pub state: EntryState,
    /// Members already rung for it in this round.
    pub tried: Vec<AgentId>,
}

/// What the queue does for a waiting caller.
#[derive(Clone, Debug)]
pub(crate) enum EntryState {
    /// Waiting for a member to become available.
    Waiting,
    /// Ringing members.
    Ringing {
        /// The members rung and their ringing channels.
        members: Vec<(AgentId, UniqueId)>,
        /// The attempt's token.
        token: u64,
    },
    /// Pausing `retry` seconds between two attempts.
    Retry {
        /// The pause's token.
        token: u64,
    },
}

/// An answered queue call, until it ends.
#[derive(Clone, Debug)]
pub(crate) struct QueueCall {
    /// The queue.
    pub queue: QueueId,
    /// The member who answered.
    pub agent: AgentId,
    /// The caller's channel.
    pub caller: UniqueId,
    /// The member's channel.
    pub member: UniqueId,
    /// Seconds the caller waited.
    pub hold_time: u64,
    /// When the member answered.
    pub connected_at: Timestamp,
}

impl QueueRt {
    /// A queue as configured: static members unpaused, nobody waiting.
    pub fn new(q: &Queue) -> QueueRt {
        QueueRt {
            members: q
                .members
                .iter()
                .map(|m| Member {
                    agent: m.agent,
                    penalty: m.penalty,
                    paused: false,
                    calls: 0,
                    last_call: None,
                })
                .collect(),
            entries: Vec::new(),
            rr_last: None,
        }
    }

    pub(super) fn entry_index(&self, caller: &UniqueId) -> Option<usize> {
        self.entries.iter().position(|e| &e.caller == caller)
    }
}
