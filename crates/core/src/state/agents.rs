//! Agents live: login, ACD calls (ringing and connected), wrap-up, and the availability and XuC
//! state derived from them and from the calls on the agent's line (rules of §3.3 of the CTI
//! server notes, in their priority order).

use std::sync::Arc;

use super::channels::Channels;
use super::lines::LineLive;
use super::table::{Row, Table};
use crate::dataset::Dataset;
use crate::ids::{AgentId, QueueId, UniqueId};
use crate::live::{AgentState, AgentStatus, Availability, CallDirection, ChannelState};
use crate::time::Timestamp;

/// At most this many ACD calls ringing one agent at once are remembered.
pub(crate) const MAX_RINGING: usize = 16;

/// An ACD call an agent is on (from `AgentConnect`).
#[derive(Clone, Debug)]
pub(crate) struct AcdCall {
    /// Its queue.
    pub queue: QueueId,
    /// The member's channel.
    pub destination: UniqueId,
    /// The call's linked id, when the channel was known.
    pub linkedid: Option<UniqueId>,
}

/// An ACD call ringing an agent (from `AgentCalled`).
#[derive(Clone, Debug)]
pub(crate) struct AcdRinging {
    /// Its queue.
    pub queue: QueueId,
    /// The channel ringing the member.
    pub destination: UniqueId,
}

/// One agent's live state.
#[derive(Debug)]
pub(crate) struct AgentLive {
    /// The status clients see.
    pub status: Arc<AgentStatus>,
    /// The ACD call it is on.
    pub acd: Option<AcdCall>,
    /// The ACD calls ringing it.
    pub ringing: Vec<AcdRinging>,
    /// In wrap-up.
    pub wrapup: bool,
    /// On any answered call (for the queues' talking counters).
    pub talking: bool,
    /// The status was changed directly (queues, line, pause reason): emit it at refresh.
    pub changed: bool,
    /// The status the last event carried, the `previous` of the next one (at start, the
    /// initial status; none for an agent added to the configuration until its first event).
    pub emitted: Option<Arc<AgentStatus>>,
    dirty: bool,
}

/// Every configured agent, by id, with the agents to refresh.
pub(crate) type Agents = Table<AgentLive>;

impl Row for AgentLive {
    type Id = AgentId;
    fn id(&self) -> AgentId {
        self.status.agent
    }
    fn marked(&mut self) -> &mut bool {
        &mut self.dirty
    }
}

impl Agents {
    /// The agents of a dataset, all logged out, with their configured queues.
    pub fn from_dataset(dataset: &Dataset, now: Timestamp) -> Agents {
        Table::from_rows(
            dataset
                .agents()
                .iter()
                .map(|agent| {
                    let mut live = AgentLive::new(dataset, agent, now);
                    live.emitted = Some(live.status.clone());
                    live
                })
                .collect(),
        )
    }
}

impl AgentLive {
    /// A configured agent, logged out, with its configured queues.
    pub fn new(dataset: &Dataset, agent: &crate::dataset::Agent, now: Timestamp) -> AgentLive {
        let mut queues: Vec<QueueId> = dataset
            .queues_of_agent(agent.id)
            .map(|(q, _)| q.id)
            .collect();
        queues.sort_unstable();
        queues.dedup();
        AgentLive {
            status: Arc::new(AgentStatus {
                agent: agent.id,
                number: agent.number.clone(),
                availability: Availability::LoggedOut,
                availability_since: now,
                state: AgentState::LoggedOut,
                state_since: now,
                line: None,
                phone_number: None,
                on_call_acd: false,
                acd_queue: None,
                on_call_nonacd: None,
                on_wrapup: false,
                paused: false,
                pause_reason: None,
                queues,
                paused_queues: Vec::new(),
            }),
            acd: None,
            ringing: Vec::new(),
            wrapup: false,
            talking: false,
            changed: false,
            emitted: None,
            dirty: false,
        }
    }

    /// Whether the agent is logged in.
    pub fn logged(&self) -> bool {
        self.status.line.is_some()
    }

    /// The status, to change it directly (it will be emitted at refresh).
    pub fn status_mut(&mut self) -> &mut AgentStatus {
        self.changed = true;
        Arc::make_mut(&mut self.status)
    }

    /// Forgets the ACD calls that use this channel; returns whether any did.
    pub fn forget_channel(&mut self, uniqueid: &UniqueId) -> bool {
        let before = self.ringing.len();
        self.ringing.retain(|r| &r.destination != uniqueid);
        let mut changed = before != self.ringing.len();
        if self
            .acd
            .as_ref()
            .is_some_and(|a| &a.destination == uniqueid)
        {
            self.acd = None;
            changed = true;
        }
        changed
    }

    /// Remembers an ACD call ringing the agent.
    pub fn add_ringing(&mut self, queue: QueueId, destination: &UniqueId) {
        if self.ringing.iter().any(|r| &r.destination == destination) {
            return;
        }
        if self.ringing.len() >= MAX_RINGING {
            self.ringing.remove(0);
        }
        self.ringing.push(AcdRinging {
            queue,
            destination: destination.clone(),
        });
    }

    /// Applies freshly derived values; returns whether the status changed.
    pub fn update(&mut self, d: Derived, now: Timestamp) -> bool {
        self.talking = d.talking;
        let s = &self.status;
        let same = s.availability == d.availability
            && s.state == d.state
            && s.on_call_acd == d.on_call_acd
            && s.acd_queue == d.acd_queue
            && s.on_call_nonacd == d.on_call_nonacd
            && s.on_wrapup == d.on_wrapup
            && s.paused == d.paused;
        if same {
            return false;
        }
        let s = Arc::make_mut(&mut self.status);
        if s.availability != d.availability {
            s.availability = d.availability;
            s.availability_since = now;
        }
        if s.state != d.state {
            s.state = d.state;
            s.state_since = now;
        }
        s.on_call_acd = d.on_call_acd;
        s.acd_queue = d.acd_queue;
        s.on_call_nonacd = d.on_call_nonacd;
        s.on_wrapup = d.on_wrapup;
        s.paused = d.paused;
        true
    }
}

/// The values derived for an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Derived {
    pub availability: Availability,
    pub state: AgentState,
    pub on_call_acd: bool,
    pub acd_queue: Option<QueueId>,
    pub on_call_nonacd: Option<(CallDirection, bool)>,
    pub on_wrapup: bool,
    pub paused: bool,
    pub talking: bool,
}

/// Derives an agent's availability and state from its inputs and the calls on its line.
pub(crate) fn derive(
    agent: &AgentLive,
    line: Option<&LineLive>,
    channels: &Channels,
    dataset: &Dataset,
) -> Derived {
    let s = &agent.status;
    let paused = !s.queues.is_empty() && s.paused_queues.len() >= s.queues.len();
    if !agent.logged() {
        return Derived {
            availability: Availability::LoggedOut,
            state: AgentState::LoggedOut,
            on_call_acd: false,
            acd_queue: None,
            on_call_nonacd: None,
            on_wrapup: false,
            paused,
            talking: false,
        };
    }
    let mut up_any = false;
    let mut dialing = false;
    let mut nonacd = None;
    if let Some(line) = line {
        for ch in line.channels.iter().filter_map(|u| channels.get(u)) {
            let acd_call = ch.queue.is_some()
                || agent.acd.as_ref().is_some_and(|a| {
                    a.destination == ch.uniqueid || a.linkedid.as_ref() == Some(&ch.linkedid)
                });
            if ch.state == ChannelState::Up {
                up_any = true;
                if !acd_call && nonacd.is_none() {
                    nonacd = Some((ch.direction, !ch.other_is_external(dataset)));
                }
            } else if ch.direction == CallDirection::Outgoing
                && !acd_call
                && ch.state != ChannelState::Busy
            {
                dialing = true;
            }
        }
    }
    let on_call_acd = agent.acd.is_some();
    let wrapup = agent.wrapup;
    let availability = if on_call_acd {
        Availability::Unavailable
    } else if let Some((direction, internal)) = nonacd {
        Availability::OnCallNonAcd {
            direction,
            internal,
        }
    } else if paused || wrapup {
        Availability::Unavailable
    } else {
        Availability::Available
    };
    let talking = on_call_acd || up_any;
    let state = if talking {
        AgentState::OnCall
    } else if !agent.ringing.is_empty() {
        AgentState::Ringing
    } else if dialing {
        AgentState::Dialing
    } else if wrapup {
        AgentState::OnWrapup
    } else if paused {
        AgentState::OnPause
    } else {
        AgentState::Ready
    };
    let acd_queue = agent
        .acd
        .as_ref()
        .map(|a| a.queue)
        .or_else(|| agent.ringing.last().map(|r| r.queue));
    Derived {
        availability,
        state,
        on_call_acd,
        acd_queue,
        on_call_nonacd: nonacd,
        on_wrapup: wrapup,
        paused,
        talking,
    }
}
