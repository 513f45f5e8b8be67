//! Test helpers: a [`World`] (the state on the demo dataset, a virtual clock, the events and
//! actions produced) and builders of PBX event sequences shaped like the AMI streams of
//! `shared/data/ami/` (caller created in `Ring`, callee in `Down`, `DialBegin` after the callee's
//! creation, both sides entering the bridge, hang-ups one side then the other).

use std::sync::Arc;
use std::time::Duration;

use crate::command::{Command, CommandError, Outcome};
use crate::dataset::Dataset;
use crate::engine::CoreConfig;
use crate::event::Event;
use crate::ids::{AgentId, BridgeId, LineId, QueueId, UniqueId, UserId};
use crate::live::{
    AgentStatus, Availability, ChannelState, DialStatus, Endpoint, Party, PhoneEvent,
    PhoneEventKind,
};
use crate::pbx::{CompleteReason, PbxAction, PbxEvent, PbxRequest, PbxSnapshot};
use crate::state::State;
use crate::time::{ManualClock, Timestamp};

/// The state under test with its clock and outputs.
pub(crate) struct World {
    pub state: State,
    pub now: Timestamp,
}

/// What a command produced.
pub(crate) struct Ran {
    pub result: Result<Outcome, CommandError>,
    pub actions: Vec<PbxAction>,
    pub events: Vec<Event>,
}

impl World {
    /// The demo dataset, at the default start of virtual time.
    pub fn demo() -> World {
        World::with(Dataset::demo())
    }

    /// Any dataset, after the engine's first snapshot: every phone registered, nothing else
    /// going on (the configured members as the only memberships).
    pub fn with(dataset: Dataset) -> World {
        let now = ManualClock::DEFAULT_START;
        let snapshot = PbxSnapshot::idle(&dataset);
        let mut world = World {
            state: State::new(Arc::new(dataset), now, CoreConfig::default()),
            now,
        };
        world.one(PbxEvent::Snapshot(Box::new(snapshot)));
        world
    }

    /// Moves virtual time forward.
    pub fn advance(&mut self, secs: u64) {
        self.now = self.now.plus(Duration::from_secs(secs));
    }

    /// Applies events, returning what they emitted.
    pub fn feed(&mut self, events: impl IntoIterator<Item = PbxEvent>) -> Vec<Event> {
        let mut out = Vec::new();
        for e in events {
            self.state.apply(self.now, &e, &mut out);
        }
        out
    }

    /// Applies events as one PBX batch (as the core task does), returning what they emitted.
    pub fn batch(&mut self, events: impl IntoIterator<Item = PbxEvent>) -> Vec<Event> {
        let events: Vec<PbxEvent> = events.into_iter().collect();
        let mut out = Vec::new();
        self.state.apply_batch(self.now, &events, &mut out);
        out
    }

    /// Applies one event.
    pub fn one(&mut self, event: PbxEvent) -> Vec<Event> {
        self.feed([event])
    }

    /// Runs a command.
    pub fn run(&mut self, command: Command) -> Ran {
        let (result, requests, events) = self.run_with_ids(command);
        Ran {
            result,
            actions: requests.into_iter().map(|r| r.action).collect(),
            events,
        }
    }

    /// Runs a command, keeping the ids of the actions it asks for.
    pub fn run_with_ids(
        &mut self,
        command: Command,
    ) -> (Result<Outcome, CommandError>, Vec<PbxRequest>, Vec<Event>) {
        let mut actions = Vec::new();
        let mut events = Vec::new();
        let result = self
            .state
            .execute(self.now, command, &mut actions, &mut events);
        (result, actions, events)
    }

    /// A line's hint code.
    pub fn hint(&self, line: u32) -> i32 {
        self.state.line_hint(LineId(line)).code()
    }

    /// An agent's status.
    pub fn agent(&self, agent: u32) -> AgentStatus {
        self.state
            .agent_status(AgentId(agent))
            .cloned()
            .expect("known agent")
    }

    /// An agent's availability.
    pub fn availability(&self, agent: u32) -> Availability {
        self.agent(agent).availability
    }

    /// Logs an agent in on a line (as the PBX reports it).
    pub fn login(&mut self, agent: u32, line: u32) -> Vec<Event> {
        self.one(PbxEvent::AgentLogin {
            agent: AgentId(agent),
            line: LineId(line),
        })
    }
}

/// A unique id.
pub(crate) fn uid(s: &str) -> UniqueId {
    UniqueId::new(s)
}

/// The demo line's number.
pub(crate) fn number(line: u32) -> String {
    format!("{}", 1000 + line)
}

/// The hint events in a batch, as (line, code).
pub(crate) fn hints(events: &[Event]) -> Vec<(u32, i32)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::LineHint { line, hint } => Some((line.0, hint.code())),
            _ => None,
        })
        .collect()
}

/// The phone events in a batch.
pub(crate) fn phones(events: &[Event]) -> Vec<Arc<PhoneEvent>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Phone(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// The phone events in a batch, as (line, kind).
pub(crate) fn phone_kinds(events: &[Event]) -> Vec<(u32, PhoneEventKind)> {
    phones(events).iter().map(|p| (p.line.0, p.kind)).collect()
}

/// The agent statuses in a batch.
pub(crate) fn agent_statuses(events: &[Event]) -> Vec<Arc<AgentStatus>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::AgentStatus { status: s, .. } => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The channels of one two-party call.
#[derive(Clone)]
pub(crate) struct Leg {
    /// The calling channel.
    pub a: UniqueId,
    /// The called channel.
    pub b: UniqueId,
    /// Their bridge.
    pub bridge: BridgeId,
}

impl Leg {
    /// Ids derived from a tag (`"<tag>.1"`, `"<tag>.2"`).
    pub fn new(tag: &str) -> Leg {
        Leg {
            a: uid(&format!("{tag}.1")),
            b: uid(&format!("{tag}.2")),
            bridge: BridgeId::new(format!("bridge-{tag}")),
        }
    }
}

pub(crate) fn created(
    uniqueid: &UniqueId,
    linkedid: &UniqueId,
    endpoint: Endpoint,
    caller: Party,
    exten: &str,
    state: ChannelState,
) -> PbxEvent {
    let name = match &endpoint {
        Endpoint::Line(l) => format!("PJSIP/{}-{}", number(l.0), uniqueid),
        Endpoint::Trunk => format!("PJSIP/trunk-{uniqueid}"),
        Endpoint::Local => format!("Local/{exten}-{uniqueid}"),
    };
    PbxEvent::ChannelCreated {
        uniqueid: uniqueid.clone(),
        linkedid: linkedid.clone(),
        name,
        endpoint,
        caller,
        exten: exten.to_owned(),
        state,
    }
}

pub(crate) fn line_party(line: u32) -> Party {
    let name = ["", "Alice", "Bob", "Carol", "Dave", "Eve", "Frank"]
        .get(line as usize)
        .copied()
        .unwrap_or("");
    Party::new(number(line), name)
}

/// The ringing phase of a call from `from`'s line to `to`'s line.
pub(crate) fn internal_dial(leg: &Leg, from: u32, to: u32) -> Vec<PbxEvent> {
    vec![
        created(
            &leg.a,
            &leg.a,
            Endpoint::Line(LineId(from)),
            line_party(from),
            &number(to),
            ChannelState::Ring,
        ),
        created(
            &leg.b,
            &leg.a,
            Endpoint::Line(LineId(to)),
            line_party(to),
            "s",
            ChannelState::Down,
        ),
        PbxEvent::ConnectedLineChanged {
            uniqueid: leg.b.clone(),
            connected: line_party(from),
        },
        PbxEvent::DialBegin {
            caller: Some(leg.a.clone()),
            callee: leg.b.clone(),
            destination: number(to),
        },
        PbxEvent::ConnectedLineChanged {
            uniqueid: leg.a.clone(),
            connected: line_party(to),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: leg.b.clone(),
            state: ChannelState::Ringing,
        },
    ]
}

/// The ringing phase of a call from outside (`from_number`) to `to`'s line.
pub(crate) fn incoming_dial(leg: &Leg, from_number: &str, to: u32) -> Vec<PbxEvent> {
    let outside = Party::new(from_number, "Outside Caller");
    vec![
        created(
            &leg.a,
            &leg.a,
            Endpoint::Trunk,
            outside.clone(),
            &number(to),
            ChannelState::Ring,
        ),
        created(
            &leg.b,
            &leg.a,
            Endpoint::Line(LineId(to)),
            line_party(to),
            "s",
            ChannelState::Down,
        ),
        PbxEvent::ConnectedLineChanged {
            uniqueid: leg.b.clone(),
            connected: outside,
        },
        PbxEvent::DialBegin {
            caller: Some(leg.a.clone()),
            callee: leg.b.clone(),
            destination: number(to),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: leg.b.clone(),
            state: ChannelState::Ringing,
        },
    ]
}

/// The ringing phase of a call from `from`'s line to an outside number.
pub(crate) fn outgoing_dial(leg: &Leg, from: u32, to_number: &str) -> Vec<PbxEvent> {
    vec![
        created(
            &leg.a,
            &leg.a,
            Endpoint::Line(LineId(from)),
            line_party(from),
            to_number,
            ChannelState::Ring,
        ),
        created(
            &leg.b,
            &leg.a,
            Endpoint::Trunk,
            Party::new(to_number, ""),
            "s",
            ChannelState::Down,
        ),
        PbxEvent::DialBegin {
            caller: Some(leg.a.clone()),
            callee: leg.b.clone(),
            destination: to_number.to_owned(),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: leg.b.clone(),
            state: ChannelState::Ringing,
        },
    ]
}

/// The callee answers: both sides up and bridged.
pub(crate) fn answer(leg: &Leg) -> Vec<PbxEvent> {
    vec![
        PbxEvent::ChannelStateChanged {
            uniqueid: leg.b.clone(),
            state: ChannelState::Up,
        },
        PbxEvent::DialEnd {
            caller: Some(leg.a.clone()),
            callee: leg.b.clone(),
            status: DialStatus::Answer,
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: leg.a.clone(),
            state: ChannelState::Up,
        },
        PbxEvent::BridgeEnter {
            bridge: leg.bridge.clone(),
            uniqueid: leg.b.clone(),
        },
        PbxEvent::BridgeEnter {
            bridge: leg.bridge.clone(),
            uniqueid: leg.a.clone(),
        },
    ]
}

/// The caller hangs up, then the callee's channel goes.
pub(crate) fn hangup(leg: &Leg) -> Vec<PbxEvent> {
    vec![
        PbxEvent::BridgeLeave {
            bridge: leg.bridge.clone(),
            uniqueid: leg.a.clone(),
        },
        PbxEvent::Hangup {
            uniqueid: leg.a.clone(),
            cause: 16,
        },
        PbxEvent::BridgeLeave {
            bridge: leg.bridge.clone(),
            uniqueid: leg.b.clone(),
        },
        PbxEvent::Hangup {
            uniqueid: leg.b.clone(),
            cause: 16,
        },
    ]
}

/// A caller from outside enters queue `queue` (channel `caller`, answered by the queue).
pub(crate) fn queue_join(
    caller: &UniqueId,
    from_number: &str,
    queue: u32,
    position: u32,
) -> Vec<PbxEvent> {
    vec![
        created(
            caller,
            caller,
            Endpoint::Trunk,
            Party::new(from_number, "Queue Caller"),
            &format!("300{queue}"),
            ChannelState::Ring,
        ),
        PbxEvent::ChannelStateChanged {
            uniqueid: caller.clone(),
            state: ChannelState::Up,
        },
        PbxEvent::QueueCallerJoin {
            queue: QueueId(queue),
            uniqueid: caller.clone(),
            position,
            count: position,
        },
    ]
}

/// The queue rings `agent` on `line` through channel `member`.
pub(crate) fn agent_rung(
    queue: u32,
    agent: u32,
    line: u32,
    caller: &UniqueId,
    member: &UniqueId,
) -> Vec<PbxEvent> {
    vec![
        created(
            member,
            caller,
            Endpoint::Line(LineId(line)),
            line_party(line),
            "s",
            ChannelState::Down,
        ),
        PbxEvent::AgentCalled {
            queue: QueueId(queue),
            agent: AgentId(agent),
            caller: caller.clone(),
            destination: member.clone(),
        },
        PbxEvent::DialBegin {
            caller: Some(caller.clone()),
            callee: member.clone(),
            destination: format!("300{queue}"),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: member.clone(),
            state: ChannelState::Ringing,
        },
    ]
}

/// The agent answers the queue call after `hold_time` seconds of waiting.
pub(crate) fn agent_answers(
    queue: u32,
    agent: u32,
    caller: &UniqueId,
    member: &UniqueId,
    hold_time: u64,
) -> Vec<PbxEvent> {
    let bridge = BridgeId::new(format!("bridge-{member}"));
    vec![
        PbxEvent::ChannelStateChanged {
            uniqueid: member.clone(),
            state: ChannelState::Up,
        },
        PbxEvent::DialEnd {
            caller: Some(caller.clone()),
            callee: member.clone(),
            status: DialStatus::Answer,
        },
        PbxEvent::QueueCallerLeave {
            queue: QueueId(queue),
            uniqueid: caller.clone(),
            count: 0,
        },
        PbxEvent::AgentConnect {
            queue: QueueId(queue),
            agent: AgentId(agent),
            caller: caller.clone(),
            destination: member.clone(),
            hold_time,
            ring_time: 2,
        },
        PbxEvent::BridgeEnter {
            bridge: bridge.clone(),
            uniqueid: member.clone(),
        },
        PbxEvent::BridgeEnter {
            bridge,
            uniqueid: caller.clone(),
        },
    ]
}

/// The queue caller hangs up: the ACD call completes and both channels go.
pub(crate) fn queue_call_ends(
    queue: u32,
    agent: u32,
    caller: &UniqueId,
    member: &UniqueId,
) -> Vec<PbxEvent> {
    let bridge = BridgeId::new(format!("bridge-{member}"));
    vec![
        PbxEvent::AgentComplete {
            queue: QueueId(queue),
            agent: AgentId(agent),
            caller: caller.clone(),
            destination: member.clone(),
            hold_time: 3,
            talk_time: 10,
            reason: CompleteReason::Caller,
        },
        PbxEvent::BridgeLeave {
            bridge: bridge.clone(),
            uniqueid: caller.clone(),
        },
        PbxEvent::Hangup {
            uniqueid: caller.clone(),
            cause: 16,
        },
        PbxEvent::BridgeLeave {
            bridge,
            uniqueid: member.clone(),
        },
        PbxEvent::Hangup {
            uniqueid: member.clone(),
            cause: 16,
        },
    ]
}

/// A user (for commands).
pub(crate) fn user(id: u32) -> UserId {
    UserId(id)
}
