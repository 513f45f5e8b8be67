//! The resync contract: an engine that (re)connects sends its whole live state
//! ([`PbxSnapshot`]); the core makes its own state equal to it and emits only what differs.
//!
//! The difference is expressed as the ordinary PBX events that would have produced it
//! (`Hangup` of the channels that are gone, `ChannelCreated` of the new ones, `LineRegistration`,
//! `QueueCallerLeave`, `AgentLogoff`, `QueueMemberPaused`, `MessageWaiting`...), applied through
//! the same handlers as a live stream: the derived values and the events clients see are exactly
//! those of the same changes happening live, and a snapshot equal to the core's state produces
//! no event at all. A call that ended while the engine was away ends for the clients (and goes
//! in the call log) at the resync.

use std::collections::{HashMap, HashSet};

use crate::event::Event;
use crate::ids::{AgentId, QueueId, UniqueId};
use crate::live::ChannelState;
use crate::pbx::{ChannelSnapshot, PbxEvent, PbxSnapshot};
use crate::state::State;
use crate::time::Timestamp;

/// Q.850 cause given to the channels that vanished (normal clearing).
const GONE: u16 = 16;

impl State {
    pub(super) fn on_snapshot(&mut self, now: Timestamp, snap: &PbxSnapshot, out: &mut Vec<Event>) {
        let mut diff = Vec::new();
        self.registration_diff(snap, &mut diff);
        self.gone_channels(snap, &mut diff);
        self.agent_diff(snap, &mut diff);
        self.member_diff(snap, &mut diff);
        self.apply_diff(now, diff, out);

        let mut diff = Vec::new();
        self.channel_diff(snap, &mut diff);
        self.apply_diff(now, diff, out);

        let mut diff = Vec::new();
        self.spy_diff(snap, &mut diff);
        self.caller_leaves(snap, &mut diff);
        self.apply_diff(now, diff, out);
        for c in &snap.queue_callers {
            let waited = i64::try_from(c.waited.saturating_mul(1000)).unwrap_or(i64::MAX);
            let joined = Timestamp(now.0.saturating_sub(waited));
            self.on_caller_join(joined, c.queue, &c.uniqueid, c.position, out);
        }

        self.acd_diff(now, snap);
        for a in &snap.agents {
            self.on_wrapup(a.agent, a.wrapup);
        }
        let mut diff = Vec::new();
        self.room_diff(snap, &mut diff);
        self.voicemail_diff(snap, &mut diff);
        self.apply_diff(now, diff, out);
    }

    fn apply_diff(&mut self, now: Timestamp, diff: Vec<PbxEvent>, out: &mut Vec<Event>) {
        for event in &diff {
            self.dispatch_event(now, event, out);
        }
    }

    fn registration_diff(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let registered: HashSet<_> = snap.registered.iter().copied().collect();
        for l in self.lines.iter() {
            let now_registered = registered.contains(&l.id);
            if l.registered != now_registered {
                diff.push(PbxEvent::LineRegistration {
                    line: l.id,
                    registered: now_registered,
                });
            }
        }
    }

    /// The channels the engine no longer has hang up, oldest first.
    fn gone_channels(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let live: HashSet<&UniqueId> = snap.channels.iter().map(|c| &c.uniqueid).collect();
        let mut gone: Vec<_> = self
            .channels
            .iter()
            .filter(|c| !live.contains(&c.uniqueid))
            .collect();
        gone.sort_by_key(|c| c.seq);
        diff.extend(gone.into_iter().map(|c| PbxEvent::Hangup {
            uniqueid: c.uniqueid.clone(),
            cause: GONE,
        }));
    }

    fn agent_diff(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let logged: HashMap<AgentId, _> = snap.agents.iter().map(|a| (a.agent, a)).collect();
        for a in self.agents.iter() {
            let agent = a.status.agent;
            match logged.get(&agent) {
                None if a.logged() => diff.push(PbxEvent::AgentLogoff { agent }),
                None => {}
                Some(s) if a.status.line != Some(s.line) => diff.push(PbxEvent::AgentLogin {
                    agent,
                    line: s.line,
                }),
                Some(_) => {}
            }
        }
    }

    fn member_diff(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let wanted: HashSet<(QueueId, AgentId)> =
            snap.members.iter().map(|m| (m.queue, m.agent)).collect();
        for q in self.queues.iter() {
            for &agent in q.members.keys() {
                if !wanted.contains(&(q.id, agent)) {
                    diff.push(PbxEvent::QueueMemberRemoved { queue: q.id, agent });
                }
            }
        }
        for m in &snap.members {
            let (queue, agent) = (m.queue, m.agent);
            let Some(current) = self
                .queues
                .get(queue)
                .and_then(|q| q.members.get(&agent))
                .map(|member| &member.status)
            else {
                diff.push(PbxEvent::QueueMemberAdded {
                    queue,
                    agent,
                    penalty: m.penalty,
                    paused: m.paused,
                });
                continue;
            };
            if current.penalty != m.penalty {
                diff.push(PbxEvent::QueueMemberPenalty {
                    queue,
                    agent,
                    penalty: m.penalty,
                });
            }
            if current.paused != m.paused {
                diff.push(PbxEvent::QueueMemberPaused {
                    queue,
                    agent,
                    paused: m.paused,
                    reason: None,
                });
            }
        }
    }

    /// New channels are created (all of them before any is linked), then every channel's
    /// caller-id, connected party and variables, its dial and bridge, its state and its hold
    /// are brought up to date, in the order a live stream reports them (a new channel that
    /// rings or talks is created `Down` and changes state once linked, so its phone event
    /// names the other party).
    fn channel_diff(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let (mut links, mut states, mut holds) = (Vec::new(), Vec::new(), Vec::new());
        for c in &snap.channels {
            let Some(known) = self.channels.get(&c.uniqueid) else {
                let created = match c.state {
                    ChannelState::Ring | ChannelState::Dialing | ChannelState::OffHook => c.state,
                    _ => ChannelState::Down,
                };
                diff.push(PbxEvent::ChannelCreated {
                    uniqueid: c.uniqueid.clone(),
                    linkedid: c.linkedid.clone(),
                    name: c.name.clone(),
                    endpoint: c.endpoint.clone(),
                    caller: c.caller.clone(),
                    exten: c.exten.clone(),
                    state: created,
                });
                if created != c.state {
                    states.push(PbxEvent::ChannelStateChanged {
                        uniqueid: c.uniqueid.clone(),
                        state: c.state,
                    });
                }
                if !c.connected.number.is_empty() || !c.connected.name.is_empty() {
                    diff.push(PbxEvent::ConnectedLineChanged {
                        uniqueid: c.uniqueid.clone(),
                        connected: c.connected.clone(),
                    });
                }
                push_vars(c, |_, _| false, diff);
                if let Some(caller) = &c.dialled_by {
                    links.push(PbxEvent::DialBegin {
                        caller: Some(caller.clone()),
                        callee: c.uniqueid.clone(),
                        destination: c.exten.clone(),
                    });
                }
                if let Some(bridge) = &c.bridge {
                    links.push(PbxEvent::BridgeEnter {
                        bridge: bridge.clone(),
                        uniqueid: c.uniqueid.clone(),
                    });
                }
                if c.held {
                    holds.push(PbxEvent::Hold {
                        uniqueid: c.uniqueid.clone(),
                    });
                }
                continue;
            };
            let uniqueid = || c.uniqueid.clone();
            if known.state != c.state {
                states.push(PbxEvent::ChannelStateChanged {
                    uniqueid: uniqueid(),
                    state: c.state,
                });
            }
            if known.caller != c.caller {
                diff.push(PbxEvent::CallerIdChanged {
                    uniqueid: uniqueid(),
                    caller: c.caller.clone(),
                });
            }
            if known.connected != c.connected {
                diff.push(PbxEvent::ConnectedLineChanged {
                    uniqueid: uniqueid(),
                    connected: c.connected.clone(),
                });
            }
            push_vars(
                c,
                |name, value| known.vars.iter().any(|(n, v)| n == name && v == value),
                diff,
            );
            if known.bridge != c.bridge {
                if let Some(bridge) = &known.bridge {
                    links.push(PbxEvent::BridgeLeave {
                        bridge: bridge.clone(),
                        uniqueid: uniqueid(),
                    });
                }
                if let Some(bridge) = &c.bridge {
                    links.push(PbxEvent::BridgeEnter {
                        bridge: bridge.clone(),
                        uniqueid: uniqueid(),
                    });
                }
            }
            if known.held != c.held {
                holds.push(if c.held {
                    PbxEvent::Hold {
                        uniqueid: uniqueid(),
                    }
                } else {
                    PbxEvent::Unhold {
                        uniqueid: uniqueid(),
                    }
                });
            }
        }
        diff.extend(links);
        diff.extend(states);
        diff.extend(holds);
    }

    /// Listening starts and stops (a start the core already knows changes nothing).
    fn spy_diff(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        for c in &snap.channels {
            match &c.spying {
                Some(spyee) => diff.push(PbxEvent::SpyStart {
                    spier: c.uniqueid.clone(),
                    spyee: spyee.clone(),
                }),
                None if self
                    .channels
                    .get(&c.uniqueid)
                    .is_some_and(|k| k.spying.is_some()) =>
                {
                    diff.push(PbxEvent::SpyStop {
                        spier: c.uniqueid.clone(),
                    })
                }
                None => {}
            }
        }
    }

    /// Callers no longer waiting leave their queue (new ones join afterwards, with their wait).
    fn caller_leaves(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let waiting: HashSet<(QueueId, &UniqueId)> = snap
            .queue_callers
            .iter()
            .map(|c| (c.queue, &c.uniqueid))
            .collect();
        for q in self.queues.iter() {
            for e in &q.entries {
                if !waiting.contains(&(q.id, &e.uniqueid)) {
                    diff.push(PbxEvent::QueueCallerLeave {
                        queue: q.id,
                        uniqueid: e.uniqueid.clone(),
                        count: 0,
                    });
                }
            }
        }
    }

    /// Each agent's answered queue call is set as the engine reports it.
    fn acd_diff(&mut self, now: Timestamp, snap: &PbxSnapshot) {
        let calls: HashMap<AgentId, _> = snap
            .agents
            .iter()
            .filter_map(|a| a.acd.as_ref().map(|c| (a.agent, c)))
            .collect();
        let ids: Vec<AgentId> = self.agents.iter().map(|a| a.status.agent).collect();
        for agent in ids {
            let current = self
                .agents
                .get(agent)
                .and_then(|a| a.acd.as_ref())
                .map(|c| (c.queue, c.destination.clone()));
            match (current, calls.get(&agent)) {
                (None, None) => {}
                (Some((queue, destination)), Some(c))
                    if queue == c.queue && destination == c.destination => {}
                (_, Some(c)) => {
                    self.on_agent_connect(now, c.queue, agent, &c.destination, 0);
                }
                (Some(_), None) => {
                    if let Some(a) = self.agents.get_mut(agent) {
                        a.acd = None;
                    }
                    self.agents.mark(agent);
                }
            }
        }
    }

    fn room_diff(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let rooms: HashMap<_, _> = snap.rooms.iter().map(|r| (r.room, r)).collect();
        for room in self.dataset.rooms().iter().map(|r| r.id) {
            let Some(state) = self.rooms.get(room) else {
                continue;
            };
            let wanted = rooms
                .get(&room)
                .map(|r| r.members.as_slice())
                .unwrap_or(&[]);
            for m in &state.members {
                if !wanted.iter().any(|(u, _)| u == &m.uniqueid) {
                    diff.push(PbxEvent::ConferenceLeave {
                        room,
                        uniqueid: m.uniqueid.clone(),
                    });
                }
            }
            for (uniqueid, muted) in wanted {
                match state.members.iter().find(|m| &m.uniqueid == uniqueid) {
                    None => diff.push(PbxEvent::ConferenceJoin {
                        room,
                        uniqueid: uniqueid.clone(),
                        muted: *muted,
                    }),
                    Some(m) if m.muted != *muted => diff.push(PbxEvent::ConferenceMute {
                        room,
                        uniqueid: uniqueid.clone(),
                        muted: *muted,
                    }),
                    Some(_) => {}
                }
            }
        }
    }

    fn voicemail_diff(&self, snap: &PbxSnapshot, diff: &mut Vec<PbxEvent>) {
        let counts: HashMap<_, _> = snap
            .voicemails
            .iter()
            .map(|&(v, new, old)| (v, (new, old)))
            .collect();
        for (&voicemail, current) in &self.voicemails {
            let (new, old) = counts.get(&voicemail).copied().unwrap_or_default();
            if (current.new, current.old) != (new, old) {
                diff.push(PbxEvent::MessageWaiting {
                    voicemail,
                    new,
                    old,
                });
            }
        }
    }
}

/// `VarSet`s for the channel's kept variables that `known` does not already hold.
fn push_vars(c: &ChannelSnapshot, known: impl Fn(&str, &str) -> bool, diff: &mut Vec<PbxEvent>) {
    for (name, value) in &c.variables {
        if crate::state::channels::keeps_var(name) && !known(name, value) {
            diff.push(PbxEvent::VarSet {
                uniqueid: c.uniqueid.clone(),
                name: name.clone(),
                value: value.clone(),
            });
        }
    }
}
