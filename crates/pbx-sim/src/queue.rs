//! Call queues with automatic call distribution.
//!
//! A caller joins (`QueueCallerJoin`; the queue answers it), waits, and is offered to the
//! available members according to the queue's strategy (`strategy.rs`): each attempt rings the
//! chosen members for `member_timeout` seconds (`AgentCalled`, then `AgentRingNoAnswer` on
//! timeout or refusal) and, when nobody answered, the next attempt comes `retry` seconds later.
//! The first member to answer gets the call (`QueueCallerLeave`, `AgentConnect`; the others
//! stop ringing with cause 26); at the end of the conversation `AgentComplete` and the
//! member's wrap-up follow. A caller who hangs up while waiting abandons
//! (`QueueCallerAbandon`, `QueueCallerLeave`); `max_wait`, `joinempty` and `leaveempty` apply.
//!
//! A member is available when its agent is logged in on a registered, enabled line with no call
//! in progress, not paused in the queue and not in wrap-up. Waiting callers are offered at the
//! end of every step, so a member who becomes available (unpause, wrap-up over, login, call
//! ended) is offered the oldest waiting caller at once; a caller between two attempts waits for
//! its `retry` pause to end.

use std::time::Duration;

use ctid_core::dataset::{Queue, Strategy};
use ctid_core::ids::{AgentId, LineId, QueueId, UniqueId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint};
use ctid_core::pbx::PbxEvent;
use ctid_core::time::Timestamp;

use crate::causes;
use crate::channel::NewChannel;
use crate::sim::Sim;
use crate::strategy::{self, Candidate};
use crate::timers::Timer;
use crate::world::{Ring, RingPurpose, Role};

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

    fn entry_index(&self, caller: &UniqueId) -> Option<usize> {
        self.entries.iter().position(|e| &e.caller == caller)
    }
}

impl Sim {
    /// Whether any member of the queue is logged in.
    pub fn queue_has_logged_member(&self, queue: QueueId) -> bool {
        self.queues.get(&queue).is_some_and(|q| {
            q.members
                .iter()
                .any(|m| self.agents.get(&m.agent).is_some_and(|a| a.line.is_some()))
        })
    }

    /// A caller enters a queue.
    pub fn queue_join(&mut self, caller: &UniqueId, queue: QueueId) {
        let Some(cfg) = self.ds.queue(queue).cloned() else {
            self.hangup(caller, causes::UNALLOCATED);
            return;
        };
        if !cfg.joinempty && !self.queue_has_logged_member(queue) {
            tracing::debug!(%caller, queue = %cfg.name, "queue empty: caller refused");
            self.hangup(caller, causes::BUSY);
            return;
        }
        self.answer_channel(caller);
        let token = self.timers.token();
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let position = q.entries.len() as u32 + 1;
        q.entries.push(Entry {
            caller: caller.clone(),
            joined: self.now,
            original_position: position,
            token,
            state: EntryState::Waiting,
            tried: Vec::new(),
        });
        self.set_role(caller, Role::Queued(queue));
        self.emit(PbxEvent::QueueCallerJoin {
            queue,
            uniqueid: caller.clone(),
            position,
            count: position,
        });
        if cfg.max_wait > 0 {
            let at = self.now.plus(Duration::from_secs(u64::from(cfg.max_wait)));
            self.timers.set(
                at,
                Timer::QueueMaxWait {
                    caller: caller.clone(),
                    token,
                },
            );
        }
        self.offer_queue(queue);
    }

    /// Offers every queue's waiting callers to its available members.
    pub fn offer_waiting_callers(&mut self) {
        for queue in self.queue_order.clone() {
            self.offer_queue(queue);
        }
    }

    /// Offers a queue's waiting callers, oldest first, to its available members.
    fn offer_queue(&mut self, queue: QueueId) {
        if self.available_members(queue).is_empty() {
            return;
        }
        let waiting: Vec<UniqueId> = match self.queues.get(&queue) {
            Some(q) => q
                .entries
                .iter()
                .filter(|e| matches!(e.state, EntryState::Waiting))
                .map(|e| e.caller.clone())
                .collect(),
            None => return,
        };
        for caller in waiting {
            let candidates = self.available_members(queue);
            if candidates.is_empty() {
                break;
            }
            let Some(cfg) = self.ds.queue(queue) else {
                return;
            };
            let strategy = cfg.strategy;
            let Some(q) = self.queues.get_mut(&queue) else {
                return;
            };
            let Some(i) = q.entry_index(&caller) else {
                continue;
            };
            if candidates
                .iter()
                .all(|c| q.entries[i].tried.contains(&c.agent))
            {
                q.entries[i].tried.clear();
            }
            let chosen = strategy::pick(
                strategy,
                &candidates,
                &q.entries[i].tried,
                q.rr_last,
                q.members.len(),
                &mut self.rng,
            );
            self.ring_members(queue, &caller, chosen);
        }
    }

    /// The members who could take a call now.
    fn available_members(&self, queue: QueueId) -> Vec<Candidate> {
        let Some(q) = self.queues.get(&queue) else {
            return Vec::new();
        };
        q.members
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.paused)
            .filter_map(|(order, m)| {
                let agent = self.agents.get(&m.agent)?;
                let line = agent.line?;
                let free = agent.wrapup.is_none()
                    && self.line_reachable(line)
                    && !self.world.line_in_use(line);
                free.then_some(Candidate {
                    agent: m.agent,
                    penalty: m.penalty,
                    order,
                    calls: m.calls,
                    last_call: m.last_call,
                })
            })
            .collect()
    }

    /// Rings the chosen members for a waiting caller.
    fn ring_members(&mut self, queue: QueueId, caller: &UniqueId, chosen: Vec<AgentId>) {
        let Some(cfg) = self.ds.queue(queue).cloned() else {
            return;
        };
        let Some(caller_ch) = self.world.get(caller) else {
            return;
        };
        let caller_party = caller_ch.caller.clone();
        let linkedid = caller_ch.linkedid.clone();
        let token = self.timers.token();
        let mut rung = Vec::new();
        for agent in chosen {
            let Some(line) = self.agents.get(&agent).and_then(|a| a.line) else {
                continue;
            };
            if !self.can_create(1) {
                break;
            }
            let callee = self.create_channel(NewChannel {
                endpoint: Endpoint::Line(line),
                linkedid: Some(linkedid.clone()),
                caller: self.line_party(line),
                exten: cfg.number.clone(),
                state: ChannelState::Down,
                inbound: false,
            });
            self.inherit_usr_vars(caller, &callee);
            self.emit(PbxEvent::AgentCalled {
                queue,
                agent,
                caller: caller.clone(),
                destination: callee.clone(),
            });
            self.emit(PbxEvent::DialBegin {
                caller: Some(caller.clone()),
                callee: callee.clone(),
                destination: self.interface_of(line),
            });
            self.set_state(&callee, ChannelState::Ringing);
            self.set_connected(&callee, caller_party.clone());
            self.set_role(
                &callee,
                Role::Ringing(Ring {
                    caller: Some(caller.clone()),
                    started: self.now,
                    purpose: RingPurpose::Queue { queue, agent },
                    token,
                }),
            );
            rung.push((agent, callee));
        }
        if rung.is_empty() {
            return;
        }
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        if cfg.strategy == Strategy::Rrmemory
            && let Some((last, _)) = rung.last()
        {
            q.rr_last = q.members.iter().position(|m| m.agent == *last);
        }
        if let Some(i) = q.entry_index(caller) {
            let entry = &mut q.entries[i];
            entry.tried.extend(rung.iter().map(|(a, _)| *a));
            entry.state = EntryState::Ringing {
                members: rung,
                token,
            };
        }
        if cfg.member_timeout > 0 {
            let at = self
                .now
                .plus(Duration::from_secs(u64::from(cfg.member_timeout)));
            self.timers.set(
                at,
                Timer::QueueRingTimeout {
                    caller: caller.clone(),
                    token,
                },
            );
        }
    }

    /// The PBX interface of a line (`SIP/1003`), the dial string of a queue member.
    fn interface_of(&self, line: LineId) -> String {
        self.ds
            .line(line)
            .map(|l| l.interface())
            .unwrap_or_default()
    }

    /// Timer: the members rang `member_timeout` seconds without answering.
    pub fn queue_ring_timeout(&mut self, caller: &UniqueId, token: u64) {
        let Some(Role::Queued(queue)) = self.world.get(caller).map(|c| c.role.clone()) else {
            return;
        };
        let Some(members) = self.queues.get(&queue).and_then(|q| {
            let e = &q.entries[q.entry_index(caller)?];
            match &e.state {
                EntryState::Ringing { members, token: t } if *t == token => Some(members.clone()),
                _ => None,
            }
        }) else {
            return;
        };
        for (agent, callee) in members {
            self.emit(PbxEvent::AgentRingNoAnswer {
                queue,
                agent,
                caller: caller.clone(),
                destination: callee.clone(),
            });
            self.emit(PbxEvent::DialEnd {
                caller: Some(caller.clone()),
                callee: callee.clone(),
                status: DialStatus::NoAnswer,
            });
            self.drop_channel(&callee, causes::NO_ANSWER);
        }
        self.queue_pause_before_retry(queue, caller);
    }

    /// A member's phone refused the call (or went away) while ringing.
    pub fn queue_member_failed(
        &mut self,
        queue: QueueId,
        agent: AgentId,
        callee: &UniqueId,
        status: DialStatus,
        cause: u16,
    ) {
        let Some(caller) = self.world.ring_of(callee).and_then(|r| r.caller.clone()) else {
            self.drop_channel(callee, cause);
            return;
        };
        self.emit(PbxEvent::AgentRingNoAnswer {
            queue,
            agent,
            caller: caller.clone(),
            destination: callee.clone(),
        });
        self.emit(PbxEvent::DialEnd {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            status,
        });
        self.drop_channel(callee, cause);
        let mut none_left = false;
        if let Some(q) = self.queues.get_mut(&queue)
            && let Some(i) = q.entry_index(&caller)
            && let EntryState::Ringing { members, .. } = &mut q.entries[i].state
        {
            members.retain(|(_, c)| c != callee);
            none_left = members.is_empty();
        }
        if none_left {
            self.queue_pause_before_retry(queue, &caller);
        }
    }

    /// Nobody answered this attempt: the caller waits `retry` seconds before the next.
    fn queue_pause_before_retry(&mut self, queue: QueueId, caller: &UniqueId) {
        let retry = self.ds.queue(queue).map_or(0, |q| q.retry);
        let token = self.timers.token();
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let Some(i) = q.entry_index(caller) else {
            return;
        };
        q.entries[i].state = EntryState::Retry { token };
        let at = self.now.plus(Duration::from_secs(u64::from(retry)));
        self.timers.set(
            at,
            Timer::QueueRetry {
                caller: caller.clone(),
                token,
            },
        );
    }

    /// Timer: a caller's pause between two attempts is over.
    pub fn queue_retry(&mut self, caller: &UniqueId, token: u64) {
        let Some(Role::Queued(queue)) = self.world.get(caller).map(|c| c.role.clone()) else {
            return;
        };
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let Some(i) = q.entry_index(caller) else {
            return;
        };
        if matches!(q.entries[i].state, EntryState::Retry { token: t } if t == token) {
            q.entries[i].state = EntryState::Waiting;
            self.offer_queue(queue);
        }
    }

    /// A member answered: the others stop ringing, the caller leaves the queue and is bridged
    /// with the member.
    pub fn queue_answer(&mut self, callee: &UniqueId, ring: &Ring, queue: QueueId, agent: AgentId) {
        let Some(caller) = ring.caller.clone().filter(|c| self.world.exists(c)) else {
            self.drop_channel(callee, causes::NORMAL);
            return;
        };
        let Some(entry) = self
            .queues
            .get(&queue)
            .and_then(|q| q.entry_index(&caller).map(|i| q.entries[i].clone()))
        else {
            self.drop_channel(callee, causes::NORMAL);
            return;
        };
        self.set_state(callee, ChannelState::Up);
        self.emit(PbxEvent::DialEnd {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            status: DialStatus::Answer,
        });
        if let EntryState::Ringing { members, .. } = &entry.state {
            for (_, other) in members.iter().filter(|(_, c)| c != callee) {
                self.cancel_ring(&caller, other, causes::ANSWERED_ELSEWHERE);
            }
        }
        let member_party = self
            .world
            .get(callee)
            .map(|c| c.caller.clone())
            .unwrap_or_default();
        self.set_connected(&caller, member_party);
        self.remove_entry(queue, &caller);
        let hold_time = self.now.since(entry.joined).as_secs();
        self.emit(PbxEvent::AgentConnect {
            queue,
            agent,
            caller: caller.clone(),
            destination: callee.clone(),
            hold_time,
            ring_time: self.now.since(ring.started).as_secs(),
        });
        self.connect(callee, &caller);
        self.queue_calls.push(QueueCall {
            queue,
            agent,
            caller: caller.clone(),
            member: callee.clone(),
            hold_time,
            connected_at: self.now,
        });
        self.transfer_consult_answered(&caller, callee);
    }

    /// Takes a caller out of the queue (`QueueCallerLeave`); returns its entry and position.
    fn remove_entry(&mut self, queue: QueueId, caller: &UniqueId) -> Option<(Entry, u32)> {
        let q = self.queues.get_mut(&queue)?;
        let i = q.entry_index(caller)?;
        let entry = q.entries.remove(i);
        let count = q.entries.len() as u32;
        self.emit(PbxEvent::QueueCallerLeave {
            queue,
            uniqueid: caller.clone(),
            count,
        });
        Some((entry, i as u32 + 1))
    }

    /// Stops the members ringing for an entry.
    fn cancel_entry_rings(&mut self, caller: &UniqueId, entry: &Entry, cause: u16) {
        if let EntryState::Ringing { members, .. } = &entry.state {
            for (_, callee) in members {
                self.cancel_ring(caller, callee, cause);
            }
        }
    }

    /// A waiting caller hung up: the members stop ringing, `QueueCallerAbandon`,
    /// `QueueCallerLeave`.
    pub fn queue_abandon(&mut self, queue: QueueId, caller: &UniqueId) {
        let Some(entry) = self.queues.get(&queue).and_then(|q| {
            q.entry_index(caller)
                .map(|i| (q.entries[i].clone(), i as u32 + 1))
        }) else {
            return;
        };
        let (entry, position) = entry;
        self.cancel_entry_rings(caller, &entry, causes::NORMAL);
        self.emit(PbxEvent::QueueCallerAbandon {
            queue,
            uniqueid: caller.clone(),
            position,
            original_position: entry.original_position,
            hold_time: self.now.since(entry.joined).as_secs(),
        });
        self.remove_entry(queue, caller);
    }

    /// A waiting caller is taken out of the queue (picked up, timed out, sent away): the
    /// members stop ringing (with `cause`) and it leaves. The caller stays up, doing nothing.
    pub fn queue_leave(&mut self, queue: QueueId, caller: &UniqueId, cause: u16) {
        let Some(entry) = self
            .queues
            .get(&queue)
            .and_then(|q| q.entry_index(caller).map(|i| q.entries[i].clone()))
        else {
            return;
        };
        self.cancel_entry_rings(caller, &entry, cause);
        self.remove_entry(queue, caller);
        self.set_role(caller, Role::Idle);
    }

    /// Timer: a caller waited the queue's `max_wait`: it leaves and is hung up.
    pub fn queue_max_wait(&mut self, caller: &UniqueId, token: u64) {
        let Some(Role::Queued(queue)) = self.world.get(caller).map(|c| c.role.clone()) else {
            return;
        };
        let same = self.queues.get(&queue).is_some_and(|q| {
            q.entry_index(caller)
                .is_some_and(|i| q.entries[i].token == token)
        });
        if same {
            self.queue_leave(queue, caller, causes::NORMAL);
            self.hangup(caller, causes::NORMAL);
        }
    }

    /// With `leaveempty`, waiting callers leave once no member is logged in.
    pub fn queue_check_leaveempty(&mut self, queue: QueueId) {
        let leaveempty = self.ds.queue(queue).is_some_and(|q| q.leaveempty);
        if !leaveempty || self.queue_has_logged_member(queue) {
            return;
        }
        let callers: Vec<UniqueId> = self
            .queues
            .get(&queue)
            .map(|q| q.entries.iter().map(|e| e.caller.clone()).collect())
            .unwrap_or_default();
        for caller in callers {
            self.queue_leave(queue, &caller, causes::NORMAL);
            self.hangup(&caller, causes::NORMAL);
        }
    }

    /// Stops the calls of `queue` (or of every queue) ringing an agent's phone: the agent
    /// logged off or left the queue. Their callers wait for the next member at once.
    pub fn queue_cancel_agent_rings(&mut self, agent: AgentId, only: Option<QueueId>) {
        let mut rings = Vec::new();
        for id in &self.queue_order {
            if only.is_some_and(|o| o != *id) {
                continue;
            }
            let Some(q) = self.queues.get(id) else {
                continue;
            };
            for e in &q.entries {
                if let EntryState::Ringing { members, .. } = &e.state {
                    for (a, callee) in members.iter().filter(|(a, _)| *a == agent) {
                        rings.push((*id, *a, e.caller.clone(), callee.clone()));
                    }
                }
            }
        }
        for (queue, _, caller, callee) in rings {
            self.cancel_ring(&caller, &callee, causes::NORMAL);
            if let Some(q) = self.queues.get_mut(&queue)
                && let Some(i) = q.entry_index(&caller)
            {
                let entry = &mut q.entries[i];
                if let EntryState::Ringing { members, .. } = &mut entry.state {
                    members.retain(|(_, c)| *c != callee);
                    if members.is_empty() {
                        entry.state = EntryState::Waiting;
                    }
                }
            }
        }
    }

    /// A queue call ended: the member's statistics move and its wrap-up starts.
    pub fn queue_call_completed(&mut self, call: QueueCall) {
        let now = self.now;
        if let Some(m) = self
            .queues
            .get_mut(&call.queue)
            .and_then(|q| q.members.iter_mut().find(|m| m.agent == call.agent))
        {
            m.calls = m.calls.saturating_add(1);
            m.last_call = Some(now);
        }
        self.start_wrapup(call.agent, call.queue);
    }
}
