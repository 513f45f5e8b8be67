//! The end-to-end harness: the embedded PBX and the core wired by a PBX port, on a
//! `ManualClock`, with a hub subscription collecting the core's domain events.
//!
//! **Quiescence without sleeping.** After each step the harness reaches a barrier:
//! 1. a round-trip request to the sim (`calls`): the sim runs its due timers and the core's
//!    actions before a request (its select is biased that way) and sends a request's events
//!    before its reply, so once it answers, every event of the step is in the PBX port;
//! 2. a `core.read` round-trip: the core serves a request only after applying every PBX batch
//!    sent before it (`engine.rs`, "Ordering"), and publishes each batch to the hub before
//!    serving the next input, so once the read answers, every domain event is in our queue.
//!
//! Nothing moves in between (virtual time stands still), so the step's events are then drained
//! with `try_recv`. Real-time timeouts only guard against hangs.
//!
//! **Checks at every step.** `settle` compares, after each step:
//! - the values carried by the events so far (seeded with the state at start) with what
//!   `core.read` returns: hints, current calls, live phone calls, agent statuses, queue members,
//!   live queue counters and entries, presence, services, voicemail counts, conference rooms —
//!   so no derived change goes unannounced and no event announces a change that did not happen;
//! - the core's channels with the sim's: same unique ids, linked ids, endpoints, states, holds,
//!   bridges and attached `USR_`/`XIVO_` variables; and the callers waiting in each queue.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ctid_core::State;
use ctid_core::Timestamp;
use ctid_core::dataset::{Dataset, UserServices};
use ctid_core::event::{Event, MembershipChange};
use ctid_core::ids::{AgentId, BridgeId, LineId, QueueId, RoomId, UniqueId, UserId, VoicemailId};
use ctid_core::live::{
    AgentStatus, CallLogEntry, ChannelState, ConferenceState, CurrentCall, Endpoint, HintStatus,
    PhoneEvent, PhoneEventKind, QueueEntry, QueueLiveStats, QueueMemberStatus, VoicemailCounts,
};
use ctid_core::{
    BufferPolicy, Clock, CoreConfig, CoreHandle, EventReceiver, ManualClock, pbx_link,
};
use ctid_core::{Command, CommandError, Outcome};
use ctid_pbx_sim::{LineAction, SimCall, SimConfig, SimHandle};

#[path = "../support/event_wait.rs"]
mod event_wait;
use event_wait::EventLog;

/// How long anything may take in real time before the test fails (only a guard).
pub const GUARD: Duration = Duration::from_secs(5);

/// Batches the hub subscription can hold between two barriers.
const HUB_CAPACITY: usize = 1 << 16;

/// Awaits `fut`, failing the test if it takes longer than the guard.
pub async fn guard<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(GUARD, fut)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {GUARD:?}"))
}

/// The test configuration of the sim: defaults with a fixed seed.
pub fn sim_config() -> SimConfig {
    SimConfig {
        seed: 42,
        ..SimConfig::default()
    }
}

// ------------------------------------------------------------------ ids of the demo dataset

/// Users of the demo dataset.
pub const ALICE: UserId = UserId(1);
/// Bob, a plain user.
pub const BOB: UserId = UserId(2);
/// Carol, agent 2001.
pub const CAROL: UserId = UserId(3);
/// Dave, agent 2002.
pub const DAVE: UserId = UserId(4);
/// Eve, agent 2003.
pub const EVE: UserId = UserId(5);
/// Frank, agent 2004.
pub const FRANK: UserId = UserId(6);
/// Agents of the demo dataset: carol's.
pub const A_CAROL: AgentId = AgentId(1);
/// Dave's agent.
pub const A_DAVE: AgentId = AgentId(2);
/// Eve's agent.
pub const A_EVE: AgentId = AgentId(3);
/// Frank's agent.
pub const A_FRANK: AgentId = AgentId(4);
/// Queue `sales` (3001, ringall, agents 1-3).
pub const SALES: QueueId = QueueId(1);
/// Queue `support` (3002, leastrecent, agents 3-4).
pub const SUPPORT: QueueId = QueueId(2);
/// Room `standup` (4000).
pub const STANDUP: RoomId = RoomId(1);

/// The line of a number in the demo dataset (1001 → line 1...).
pub fn line(number: &str) -> LineId {
    LineId(number.parse::<u32>().expect("a line number") - 1000)
}

// ------------------------------------------------------------------ the derived world

/// Everything the core derives, as read from the state or as told by the events.
#[derive(Clone, Debug, Default, PartialEq)]
struct Derived {
    hints: BTreeMap<LineId, HintStatus>,
    calls: BTreeMap<LineId, Vec<CurrentCall>>,
    phones: BTreeMap<LineId, BTreeMap<UniqueId, PhoneEventKind>>,
    agents: BTreeMap<AgentId, AgentStatus>,
    members: BTreeMap<(QueueId, AgentId), QueueMemberStatus>,
    stats: BTreeMap<QueueId, QueueLiveStats>,
    entries: BTreeMap<QueueId, Vec<QueueEntry>>,
    presence: BTreeMap<UserId, String>,
    services: BTreeMap<UserId, UserServices>,
    voicemails: BTreeMap<VoicemailId, VoicemailCounts>,
    rooms: BTreeMap<RoomId, ConferenceState>,
}

impl Derived {
    /// The state's values now.
    fn read(s: &State, now: Timestamp) -> Derived {
        let ds = s.dataset().clone();
        let mut d = Derived::default();
        for l in ds.lines() {
            d.hints.insert(l.id, s.line_hint(l.id));
            d.calls.insert(l.id, s.line_calls(l.id));
            d.phones.insert(
                l.id,
                s.line_phone_events(l.id)
                    .into_iter()
                    .map(|e| (e.uniqueid, e.kind))
                    .collect(),
            );
        }
        for a in ds.agents() {
            if let Some(st) = s.agent_status(a.id) {
                d.agents.insert(a.id, st.clone());
            }
        }
        for m in s.queue_members() {
            d.members.insert((m.queue, m.agent), m.clone());
        }
        for q in ds.queues() {
            d.stats.insert(q.id, s.queue_stats(q.id, now));
            d.entries.insert(q.id, s.queue_entries(q.id));
        }
        for u in ds.users() {
            if let Some(p) = s.user_presence(u.id) {
                d.presence.insert(u.id, p.status.clone());
            }
            if let Some(sv) = s.user_services(u.id) {
                d.services.insert(u.id, sv.clone());
            }
        }
        for v in ds.voicemails() {
            d.voicemails.insert(v.id, s.voicemail_counts(v.id));
        }
        for r in ds.rooms() {
            if let Some(c) = s.conference(r.id) {
                d.rooms.insert(r.id, c);
            }
        }
        d
    }

    /// Applies what an event says; returns how its account of the change (the previous value,
    /// new or not, the members or rooms after it) disagrees with what the events told before.
    fn apply(&mut self, e: &Event) -> Option<String> {
        let fault = self.transition_fault(e);
        match e {
            Event::LineHint { line, hint } => {
                self.hints.insert(*line, *hint);
            }
            Event::LineCalls { line, calls } => {
                self.calls.insert(*line, calls.to_vec());
            }
            Event::Phone(p) => {
                let calls = self.phones.entry(p.line).or_default();
                if p.kind == PhoneEventKind::Released {
                    calls.remove(&p.uniqueid);
                } else {
                    calls.insert(p.uniqueid.clone(), p.kind);
                }
            }
            Event::AgentStatus { status: a, .. } => {
                self.agents.insert(a.agent, (**a).clone());
            }
            Event::QueueMember { status: m, .. } => {
                self.members.insert((m.queue, m.agent), (**m).clone());
            }
            Event::QueueMemberRemoved { queue, agent, .. } => {
                self.members.remove(&(*queue, *agent));
            }
            Event::QueueStats { queue, stats } => {
                self.stats.insert(*queue, stats.clone());
            }
            Event::QueueEntries { queue, entries } => {
                self.entries.insert(*queue, entries.to_vec());
            }
            Event::UserPresence { user, status } => {
                self.presence.insert(*user, status.clone());
            }
            Event::UserServices { user, services, .. } => {
                self.services.insert(*user, services.clone());
            }
            Event::Voicemail { voicemail, counts } => {
                self.voicemails.insert(*voicemail, *counts);
            }
            Event::Conference { state: c, .. } => {
                self.rooms.insert(c.room, (**c).clone());
            }
            _ => {}
        }
        fault
    }

    /// The member agents of a queue as told.
    fn queue_members(&self, queue: QueueId) -> Vec<AgentId> {
        self.members
            .keys()
            .filter(|(q, _)| *q == queue)
            .map(|(_, a)| *a)
            .collect()
    }

    /// How an event's account of a change disagrees with what was told before it.
    fn transition_fault(&self, e: &Event) -> Option<String> {
        match e {
            Event::AgentStatus { status, previous } => {
                let told = self.agents.get(&status.agent);
                (previous.as_deref() != told).then(|| {
                    format!(
                        "agent {}: previous {previous:?}, told {told:?}",
                        status.agent
                    )
                })
            }
            Event::QueueMember { status: m, change } => {
                let known = self.members.contains_key(&(m.queue, m.agent));
                match change {
                    MembershipChange::Added { members } => {
                        let mut expected = self.queue_members(m.queue);
                        expected.push(m.agent);
                        expected.sort();
                        if known || members[..] != expected[..] {
                            return Some(format!(
                                "member {} {}: added with {members:?}, told {expected:?} (known: {known})",
                                m.queue, m.agent
                            ));
                        }
                        None
                    }
                    MembershipChange::Changed => (!known).then(|| {
                        format!("member {} {}: changed but never added", m.queue, m.agent)
                    }),
                }
            }
            Event::QueueMemberRemoved {
                queue,
                agent,
                members,
            } => {
                let known = self.members.contains_key(&(*queue, *agent));
                let expected: Vec<AgentId> = self
                    .queue_members(*queue)
                    .into_iter()
                    .filter(|a| a != agent)
                    .collect();
                (!known || members[..] != expected[..]).then(|| {
                    format!(
                        "member {queue} {agent}: removed leaving {members:?}, told {expected:?} (known: {known})"
                    )
                })
            }
            Event::Conference {
                state,
                previous,
                rooms,
            } => {
                let told = self.rooms.get(&state.room);
                if told != Some(&**previous) {
                    return Some(format!(
                        "room {}: previous {previous:?}, told {told:?}",
                        state.room
                    ));
                }
                let mut expected = self.rooms.clone();
                expected.insert(state.room, (**state).clone());
                let carried: BTreeMap<RoomId, ConferenceState> =
                    rooms.iter().map(|r| (r.room, (**r).clone())).collect();
                (carried != expected)
                    .then(|| format!("room {}: rooms {carried:?}, told {expected:?}", state.room))
            }
            _ => None,
        }
    }

    /// Differences from the state (the longest wait drifts with time: only its presence is
    /// compared).
    fn diff(&self, state: &Derived) -> Vec<String> {
        let mut out = Vec::new();
        fn cmp<K: std::fmt::Debug + Ord, V: std::fmt::Debug + PartialEq>(
            out: &mut Vec<String>,
            what: &str,
            told: &BTreeMap<K, V>,
            read: &BTreeMap<K, V>,
        ) {
            for (k, v) in read {
                match told.get(k) {
                    Some(t) if t == v => {}
                    t => out.push(format!("{what} {k:?}: events say {t:?}, state has {v:?}")),
                }
            }
            for (k, t) in told {
                if !read.contains_key(k) {
                    out.push(format!("{what} {k:?}: events say {t:?}, state has none"));
                }
            }
        }
        cmp(&mut out, "hint", &self.hints, &state.hints);
        cmp(&mut out, "calls", &self.calls, &state.calls);
        cmp(&mut out, "phone calls", &self.phones, &state.phones);
        cmp(&mut out, "agent", &self.agents, &state.agents);
        cmp(&mut out, "member", &self.members, &state.members);
        let strip = |m: &BTreeMap<QueueId, QueueLiveStats>| -> BTreeMap<QueueId, QueueLiveStats> {
            m.iter()
                .map(|(k, s)| {
                    let mut s = s.clone();
                    s.longest_wait = s.longest_wait.map(|_| 0);
                    (*k, s)
                })
                .collect()
        };
        cmp(
            &mut out,
            "queue stats",
            &strip(&self.stats),
            &strip(&state.stats),
        );
        cmp(&mut out, "queue entries", &self.entries, &state.entries);
        cmp(&mut out, "presence", &self.presence, &state.presence);
        cmp(&mut out, "services", &self.services, &state.services);
        cmp(&mut out, "voicemail", &self.voicemails, &state.voicemails);
        cmp(&mut out, "room", &self.rooms, &state.rooms);
        out
    }
}

/// A channel as both sides see it.
#[derive(Clone, Debug, PartialEq)]
struct ChannelView {
    linkedid: UniqueId,
    endpoint: Endpoint,
    state: ChannelState,
    held: bool,
    bridge: Option<BridgeId>,
    vars: BTreeMap<String, String>,
}

fn kept_var(name: &str) -> bool {
    name.starts_with("USR_") || name.starts_with("XIVO_")
}

fn core_channels(s: &State) -> BTreeMap<UniqueId, ChannelView> {
    s.channels()
        .map(|c| {
            (
                c.uniqueid().clone(),
                ChannelView {
                    linkedid: c.linkedid().clone(),
                    endpoint: c.endpoint().clone(),
                    state: c.state(),
                    held: c.held(),
                    bridge: c.bridge().cloned(),
                    vars: c.vars().iter().cloned().collect(),
                },
            )
        })
        .collect()
}

fn sim_channels(calls: &[SimCall]) -> BTreeMap<UniqueId, ChannelView> {
    calls
        .iter()
        .flat_map(|c| &c.channels)
        .map(|c| {
            (
                c.uniqueid.clone(),
                ChannelView {
                    linkedid: c.linkedid.clone(),
                    endpoint: c.endpoint.clone(),
                    state: c.state,
                    held: c.held,
                    bridge: c.bridge.clone(),
                    vars: c
                        .variables
                        .iter()
                        .filter(|(n, _)| kept_var(n))
                        .map(|(n, v)| (n.clone(), v.clone()))
                        .collect(),
                },
            )
        })
        .collect()
}

// ------------------------------------------------------------------ the harness

/// The sim under the core, and what the core said so far.
pub struct E2e {
    /// Virtual time.
    pub clock: ManualClock,
    /// The embedded PBX.
    pub sim: SimHandle,
    /// The core.
    pub core: CoreHandle,
    /// The dataset both run.
    pub ds: Arc<Dataset>,
    rx: EventReceiver,
    /// Every domain event received, in order.
    pub log: Vec<Event>,
    /// Where the current step's events start in `log`.
    step: usize,
    /// Where `expect` looks from.
    cursor: usize,
    told: Derived,
    /// Events whose account of a change disagrees with what the events told before (checked
    /// after the first barrier: until then the seed may already hold what an event says).
    faults: Vec<String>,
    /// Whether `faults` are collected yet.
    strict: bool,
    /// The sim's live calls at the last barrier.
    pub sim_calls: Vec<SimCall>,
}

impl E2e {
    /// The demo dataset, the test sim configuration.
    pub async fn start() -> E2e {
        E2e::with(Dataset::demo(), sim_config()).await
    }

    /// A dataset and a sim configuration.
    pub async fn with(ds: Dataset, cfg: SimConfig) -> E2e {
        let ds = Arc::new(ds);
        let clock = ManualClock::at_default_start();
        let (port, adapter) = pbx_link(1024);
        let sim = ctid_pbx_sim::start(ds.clone(), clock.shared(), cfg, adapter);
        let core = ctid_core::spawn(ds.clone(), clock.shared(), port, CoreConfig::default());
        let rx = guard(
            "subscribe",
            core.subscribe(HUB_CAPACITY, BufferPolicy::Block),
        )
        .await
        .expect("core running");
        let now = clock.now();
        let told = guard("initial read", core.read(move |s| Derived::read(s, now)))
            .await
            .expect("core running");
        let mut h = E2e {
            clock,
            sim,
            core,
            ds,
            rx,
            log: Vec::new(),
            step: 0,
            cursor: 0,
            told,
            faults: Vec::new(),
            strict: false,
            sim_calls: Vec::new(),
        };
        h.settle().await;
        h.strict = true;
        h
    }

    fn ingest(&mut self, batch: &[Event]) {
        for e in batch {
            if let Some(fault) = self.told.apply(e)
                && self.strict
            {
                self.faults.push(fault);
            }
        }
        self.log.extend(batch.iter().cloned());
    }

    /// Waits until the sim and the core have handled everything so far, collects the events,
    /// and checks that events, state and sim agree (see the module doc).
    pub async fn settle(&mut self) {
        let calls = guard("sim barrier", self.sim.calls())
            .await
            .expect("the sim answers");
        let now = self.clock.now();
        let (state, channels) = guard(
            "core barrier",
            self.core
                .read(move |s| (Derived::read(s, now), core_channels(s))),
        )
        .await
        .expect("core running");
        while let Some(batch) = self.rx.try_recv() {
            self.ingest(&batch);
        }
        let mut diff = std::mem::take(&mut self.faults);
        diff.extend(self.told.diff(&state));
        if !diff.is_empty() {
            panic!(
                "events and state disagree:\n  {}\nevents of the step:\n{}",
                diff.join("\n  "),
                self.dump(self.step)
            );
        }
        let sim = sim_channels(&calls);
        if sim != channels {
            let mut msg = String::new();
            for (id, v) in &sim {
                match channels.get(id) {
                    Some(c) if c == v => {}
                    c => {
                        let _ = writeln!(msg, "  {id:?}: sim {v:?}\n      core {c:?}");
                    }
                }
            }
            for (id, c) in &channels {
                if !sim.contains_key(id) {
                    let _ = writeln!(msg, "  {id:?}: not in the sim; core {c:?}");
                }
            }
            panic!(
                "the core's channels differ from the sim's:\n{msg}events of the step:\n{}",
                self.dump(self.step)
            );
        }
        for q in self.ds.queues() {
            let mut in_sim: Vec<&UniqueId> = calls
                .iter()
                .flat_map(|c| &c.channels)
                .filter(|c| c.queue.as_deref() == Some(q.name.as_str()))
                .map(|c| &c.uniqueid)
                .collect();
            let mut in_core: Vec<&UniqueId> =
                state.entries[&q.id].iter().map(|e| &e.uniqueid).collect();
            in_sim.sort();
            in_core.sort();
            assert_eq!(
                in_sim,
                in_core,
                "callers waiting in {} (sim, core); events of the step:\n{}",
                q.name,
                self.dump(self.step)
            );
        }
        self.sim_calls = calls;
    }

    fn begin(&mut self) {
        self.step = self.log.len();
    }

    /// The events from `from` on, one per line (failure messages).
    pub fn dump(&self, from: usize) -> String {
        self.log[from.min(self.log.len())..]
            .iter()
            .map(|e| format!("  {e:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The events of the last step.
    pub fn step_events(&self) -> &[Event] {
        &self.log[self.step..]
    }

    // -------------------------------------------------------------- driving

    /// Runs a client command (and waits for its effects).
    pub async fn exec(&mut self, command: Command) -> Result<Outcome, CommandError> {
        self.begin();
        let what = format!("{command:?}");
        let result = guard(&what, self.core.execute(command)).await;
        self.settle().await;
        result
    }

    /// Runs a client command that must succeed.
    pub async fn exec_ok(&mut self, command: Command) -> Outcome {
        let what = format!("{command:?}");
        self.exec(command)
            .await
            .unwrap_or_else(|e| panic!("{what} refused: {e}"))
    }

    /// Presses a phone button that must work.
    pub async fn press(&mut self, number: &str, action: LineAction) {
        let what = format!("{number} {action:?}");
        self.try_press(number, action)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
    }

    /// Presses a phone button.
    pub async fn try_press(
        &mut self,
        number: &str,
        action: LineAction,
    ) -> Result<(), ctid_pbx_sim::SimError> {
        self.begin();
        let what = format!("{number} {action:?}");
        let result = guard(&what, self.sim.line_action(number, action)).await;
        self.settle().await;
        result
    }

    /// A phone dials a number.
    pub async fn dial(&mut self, number: &str, to: &str) {
        self.press(number, LineAction::Dial { to: to.into() }).await;
    }

    /// A phone answers its (oldest) ringing call.
    pub async fn answer(&mut self, number: &str) {
        self.press(number, LineAction::Answer).await;
    }

    /// A phone hangs up.
    pub async fn hang_up(&mut self, number: &str) {
        self.press(number, LineAction::Hangup).await;
    }

    /// An outside caller dials `to`; returns the call id.
    pub async fn outside(&mut self, from: &str, to: &str) -> UniqueId {
        self.begin();
        let result = guard(
            "outside call",
            self.sim
                .outside_call(from.into(), to.into(), Some(format!("Caller {from}"))),
        )
        .await;
        self.settle().await;
        result.unwrap_or_else(|e| panic!("outside call {from} → {to}: {e}"))
    }

    /// The outside party of a call hangs up.
    pub async fn hangup_call(&mut self, call: &UniqueId) {
        self.begin();
        let result = guard("hangup call", self.sim.hangup_call(call.as_str())).await;
        self.settle().await;
        result.unwrap_or_else(|e| panic!("hangup of call {call}: {e}"));
    }

    /// Moves virtual time forward by `secs` seconds and lets everything due happen.
    pub async fn advance(&mut self, secs: f64) {
        self.begin();
        self.clock.advance(Duration::from_secs_f64(secs));
        self.settle().await;
    }

    // -------------------------------------------------------------- reading

    /// The virtual time now.
    pub fn clock_now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Runs `f` against the core's state.
    pub async fn read<R: Send + 'static>(&self, f: impl FnOnce(&State) -> R + Send + 'static) -> R {
        guard("read", self.core.read(f))
            .await
            .expect("core running")
    }

    /// A line's hint code, from the state.
    pub async fn hint(&self, number: &str) -> i32 {
        let l = line(number);
        self.read(move |s| s.line_hint(l).code()).await
    }

    /// Asserts the hint codes of several lines.
    pub async fn assert_hints(&self, expected: &[(&str, i32)]) {
        let mut got = Vec::new();
        for (number, _) in expected {
            got.push((*number, self.hint(number).await));
        }
        assert_eq!(
            got,
            expected.to_vec(),
            "hints; events of the step:\n{}",
            self.dump(self.step)
        );
    }

    /// The hint codes a line went through during the last step.
    pub fn step_hints(&self, number: &str) -> Vec<i32> {
        let l = line(number);
        self.step_events()
            .iter()
            .filter_map(|e| match e {
                Event::LineHint { line, hint } if *line == l => Some(hint.code()),
                _ => None,
            })
            .collect()
    }

    /// The phone events of a line during the last step.
    pub fn step_phones(&self, number: &str) -> Vec<Arc<PhoneEvent>> {
        let l = line(number);
        self.step_events()
            .iter()
            .filter_map(|e| match e {
                Event::Phone(p) if p.line == l => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    /// The kinds of a line's phone events during the last step.
    pub fn step_phone_kinds(&self, number: &str) -> Vec<PhoneEventKind> {
        self.step_phones(number).iter().map(|p| p.kind).collect()
    }

    /// Every call-log entry of a user so far.
    pub fn call_log(&self, user: UserId) -> Vec<Arc<CallLogEntry>> {
        self.log
            .iter()
            .filter_map(|e| match e {
                Event::CallLogged(c) if c.user == user => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    /// The events of the last step matching `pred`.
    pub fn step_matching(&self, pred: impl Fn(&Event) -> bool) -> Vec<Event> {
        self.step_events()
            .iter()
            .filter(|e| pred(e))
            .cloned()
            .collect()
    }

    /// An agent's status, from the state.
    pub async fn agent(&self, agent: AgentId) -> AgentStatus {
        self.read(move |s| s.agent_status(agent).cloned())
            .await
            .expect("a configured agent")
    }

    /// The agent statuses emitted for an agent during the last step.
    pub fn step_agent(&self, agent: AgentId) -> Vec<Arc<AgentStatus>> {
        self.step_events()
            .iter()
            .filter_map(|e| match e {
                Event::AgentStatus { status: a, .. } if a.agent == agent => Some(a.clone()),
                _ => None,
            })
            .collect()
    }

    /// A queue's live counters now.
    pub async fn stats(&self, queue: QueueId) -> QueueLiveStats {
        let now = self.clock.now();
        self.read(move |s| s.queue_stats(queue, now)).await
    }

    /// The queue statistics emitted for a queue during the last step.
    pub fn step_stats(&self, queue: QueueId) -> Vec<QueueLiveStats> {
        self.step_events()
            .iter()
            .filter_map(|e| match e {
                Event::QueueStats { queue: q, stats } if *q == queue => Some(stats.clone()),
                _ => None,
            })
            .collect()
    }

    /// A queue membership.
    pub async fn member(&self, queue: QueueId, agent: AgentId) -> QueueMemberStatus {
        self.read(move |s| s.queue_member(queue, agent).cloned())
            .await
            .expect("a membership")
    }

    /// The callers waiting in a queue.
    pub async fn entries(&self, queue: QueueId) -> Vec<QueueEntry> {
        self.read(move |s| s.queue_entries(queue)).await
    }

    /// A line's current calls.
    pub async fn calls(&self, number: &str) -> Vec<CurrentCall> {
        let l = line(number);
        self.read(move |s| s.line_calls(l)).await
    }

    /// The unique ids of a line's channels, by call start.
    pub async fn channels_on(&self, number: &str) -> Vec<UniqueId> {
        let l = line(number);
        self.read(move |s| s.line_channels(l).map(|c| c.uniqueid().clone()).collect())
            .await
    }

    /// The lines the sim is ringing for queue calls (from the last barrier's snapshot).
    pub fn sim_ringing_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .sim_calls
            .iter()
            .flat_map(|c| &c.channels)
            .filter(|c| c.activity == "ringing")
            .filter_map(|c| c.line.clone())
            .collect();
        lines.sort();
        lines
    }

    /// The next event (after the last one expected) matching `pred`; waits for more events up
    /// to the guard timeout. Successive expectations check order.
    pub async fn expect(&mut self, what: &str, pred: impl Fn(&Event) -> bool) -> Event {
        event_wait::expect(self, GUARD, what, pred).await
    }

    /// Makes `expect` look from the start of the last step.
    pub fn skip_to_step(&mut self) {
        self.cursor = self.step;
    }

    /// Skips every event received so far for `expect`.
    pub fn skip(&mut self) {
        self.cursor = self.log.len();
    }

    /// Asserts that the whole world is idle: no channel in the sim or the core, every line idle
    /// (or unavailable if unregistered), no caller waiting, no agent on a call or ringing.
    pub async fn assert_idle(&mut self) {
        self.settle().await;
        assert!(
            self.sim_calls.is_empty(),
            "the sim still has calls: {:?}",
            self.sim_calls
        );
        let report = self
            .read(|s| {
                let ds = s.dataset().clone();
                let mut bad = Vec::new();
                if s.channel_count() != 0 {
                    bad.push(format!("{} channels left", s.channel_count()));
                }
                for l in ds.lines() {
                    let expected = if s.line_registered(l.id) == Some(true) {
                        HintStatus::Idle
                    } else {
                        HintStatus::Unavailable
                    };
                    if s.line_hint(l.id) != expected || !s.line_calls(l.id).is_empty() {
                        bad.push(format!(
                            "line {} hint {:?} calls {:?}",
                            l.number,
                            s.line_hint(l.id),
                            s.line_calls(l.id)
                        ));
                    }
                }
                for q in ds.queues() {
                    let st = s.queue_stats(q.id, Timestamp(0));
                    if st.waiting_calls != 0 || st.talking_agents != 0 {
                        bad.push(format!("queue {} {:?}", q.name, st));
                    }
                }
                for a in s.agent_statuses() {
                    if a.on_call_acd
                        || a.on_call_nonacd.is_some()
                        || a.acd_queue.is_some()
                        || matches!(
                            a.state,
                            ctid_core::live::AgentState::OnCall
                                | ctid_core::live::AgentState::Ringing
                                | ctid_core::live::AgentState::Dialing
                        )
                    {
                        bad.push(format!("agent {:?}", a));
                    }
                }
                bad
            })
            .await;
        assert!(report.is_empty(), "not idle:\n  {}", report.join("\n  "));
    }

    /// The sim sends its whole state again, as an adapter does after reconnecting.
    pub async fn resync(&mut self) {
        self.begin();
        guard("resync", self.sim.resync())
            .await
            .expect("the sim answers");
        self.settle().await;
    }

    /// Logs an agent in on its user's line through the core, and checks the login.
    pub async fn login(&mut self, user: UserId, agent: AgentId) {
        self.exec_ok(Command::AgentLogin {
            requester: user,
            agent: Some(agent),
            number: None,
        })
        .await;
        let st = self.agent(agent).await;
        assert!(st.line.is_some(), "agent {agent} logged in: {st:?}");
    }
}

impl EventLog for E2e {
    type Event = Event;

    fn events(&self) -> &[Event] {
        &self.log
    }

    fn cursor(&mut self) -> &mut usize {
        &mut self.cursor
    }

    async fn receive(&mut self) -> bool {
        match self.rx.recv().await {
            Some(batch) => {
                self.ingest(&batch);
                true
            }
            None => false,
        }
    }

    fn dump(&self, from: usize) -> String {
        E2e::dump(self, from)
    }
}
