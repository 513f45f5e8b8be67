//! Test harness: the embedded PBX on a PBX port, in virtual time (a `ManualClock`), driven
//! through its `SimHandle` and `PbxAction`s, with helpers that wait for emitted events (a
//! real-time timeout of 5 s is only a guard: tests never sleep).

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use ctid_core::ManualClock;
use ctid_core::dataset::Dataset;
use ctid_core::ids::{ActionId, AgentId, LineId, QueueId, UniqueId};
use ctid_core::live::{ChannelState, Endpoint, Party};
use ctid_core::pbx::{
    OriginateFrom, PbxAction, PbxEvent, PbxPort, PbxRequest, PbxSnapshot, pbx_link,
};
use ctid_pbx_sim::{LineAction, SimCall, SimConfig, SimHandle};
use tokio::sync::mpsc;

use event_wait::EventLog;

pub mod event_wait;

/// How long a test waits for an event before failing (real time; only a guard).
const GUARD: Duration = Duration::from_secs(5);

/// What [`Harness::act`] sends: an action (given a fresh id) or a request with its id.
pub enum Submitted {
    /// An action.
    Action(PbxAction),
    /// An action with its id.
    Request(PbxRequest),
}

impl From<PbxAction> for Submitted {
    fn from(action: PbxAction) -> Self {
        Submitted::Action(action)
    }
}

impl From<PbxRequest> for Submitted {
    fn from(request: PbxRequest) -> Self {
        Submitted::Request(request)
    }
}

/// A running PBX and what it said so far.
pub struct Harness {
    /// Virtual time.
    pub clock: ManualClock,
    /// The PBX.
    pub sim: SimHandle,
    /// The dataset it runs.
    pub ds: Arc<Dataset>,
    port: PbxPort,
    events: mpsc::Receiver<Vec<PbxEvent>>,
    /// The snapshot the PBX sent when it started (not in `log`).
    pub start: PbxSnapshot,
    next_id: std::cell::Cell<u64>,
    /// Every event received, in order.
    pub log: Vec<PbxEvent>,
    cursor: usize,
}

/// The test configuration: defaults with a fixed seed.
pub fn config() -> SimConfig {
    SimConfig {
        seed: 42,
        ..SimConfig::default()
    }
}

impl Harness {
    /// The demo dataset with the test configuration.
    pub fn new() -> Harness {
        Harness::with(Dataset::demo(), config())
    }

    /// A dataset and a configuration.
    pub fn with(ds: Dataset, cfg: SimConfig) -> Harness {
        let ds = Arc::new(ds);
        let clock = ManualClock::at_default_start();
        let (mut port, adapter) = pbx_link(4096);
        let events = std::mem::replace(&mut port.events, mpsc::channel(1).1);
        let sim = ctid_pbx_sim::start(ds.clone(), clock.shared(), cfg, adapter);
        let mut events = events;
        let start = match events.try_recv().as_deref() {
            Ok([PbxEvent::Snapshot(snapshot)]) => (**snapshot).clone(),
            other => panic!("the PBX starts with a snapshot, not {other:?}"),
        };
        Harness {
            clock,
            sim,
            ds,
            port,
            events,
            start,
            next_id: std::cell::Cell::new(1000),
            log: Vec::new(),
            cursor: 0,
        }
    }

    /// Sends an action as the core does: a bare action gets a fresh id (from 1001, see
    /// [`Harness::last_id`]), a [`PbxRequest`] keeps its own.
    pub fn act(&self, action: impl Into<Submitted>) {
        let request = match action.into() {
            Submitted::Action(action) => {
                self.next_id.set(self.next_id.get() + 1);
                PbxRequest {
                    id: ActionId(self.next_id.get()),
                    action,
                }
            }
            Submitted::Request(request) => request,
        };
        self.port.submit(request).expect("the PBX takes the action");
    }

    /// The id given to the last bare action sent.
    pub fn last_id(&self) -> ActionId {
        ActionId(self.next_id.get())
    }

    /// Moves virtual time forward.
    pub fn advance(&self, secs: f64) {
        self.clock.advance(Duration::from_secs_f64(secs));
    }

    /// Waits until the PBX has handled everything sent so far (and the timers due now), and
    /// collects its events.
    pub async fn sync(&mut self) {
        self.sim.calls().await.expect("the PBX answers");
        while let Ok(batch) = self.events.try_recv() {
            self.log.extend(batch);
        }
    }

    /// The live calls.
    pub async fn calls(&self) -> Vec<SimCall> {
        self.sim.calls().await.expect("the PBX answers")
    }

    /// A phone button.
    pub async fn press(&self, number: &str, action: LineAction) {
        self.sim
            .line_action(number, action.clone())
            .await
            .unwrap_or_else(|e| panic!("{number} {action:?}: {e}"));
    }

    /// A phone dials.
    pub async fn dial(&self, number: &str, to: &str) {
        self.press(number, LineAction::Dial { to: to.into() }).await;
    }

    /// An outside caller dials `to`; returns the call id.
    pub async fn outside(&self, from: &str, to: &str) -> UniqueId {
        self.sim
            .outside_call(from.into(), to.into(), Some("Outside Caller".into()))
            .await
            .expect("outside call")
    }

    /// The next event matching `pred` after the last one expected (events in between are
    /// skipped, so successive `expect`s check order). Fails after the guard timeout.
    pub async fn expect(&mut self, what: &str, pred: impl Fn(&PbxEvent) -> bool) -> PbxEvent {
        event_wait::expect(self, GUARD, what, pred).await
    }

    /// The very next event must match `pred`.
    pub async fn expect_next(&mut self, what: &str, pred: impl Fn(&PbxEvent) -> bool) -> PbxEvent {
        let deadline = tokio::time::Instant::now() + GUARD;
        while self.cursor >= self.log.len() {
            if !matches!(
                tokio::time::timeout_at(deadline, self.receive()).await,
                Ok(true)
            ) {
                panic!("expected {what} next; nothing came");
            }
        }
        let e = self.log[self.cursor].clone();
        assert!(
            pred(&e),
            "expected {what} next, got {}\nfollowing:\n{}",
            summary(&e),
            self.dump(self.cursor)
        );
        self.cursor += 1;
        e
    }

    /// After a sync: no event after the last one expected matches `pred`.
    pub async fn expect_none(&mut self, what: &str, pred: impl Fn(&PbxEvent) -> bool) {
        self.sync().await;
        if let Some(e) = self.log[self.cursor..].iter().find(|e| pred(e)) {
            panic!(
                "unexpected {what}: {}\nevents:\n{}",
                summary(e),
                self.dump(self.cursor)
            );
        }
    }

    /// After a sync: every event after the last one expected (which are then consumed).
    pub async fn rest(&mut self) -> Vec<PbxEvent> {
        self.sync().await;
        let rest = self.log[self.cursor..].to_vec();
        self.cursor = self.log.len();
        rest
    }

    /// Skips everything received so far.
    pub async fn skip_all(&mut self) {
        self.rest().await;
    }

    // ---------------------------------------------------------------- typed expectations

    /// A channel created on a line; returns its unique id.
    pub async fn created_on(&mut self, line: u32) -> UniqueId {
        match self
            .expect(&format!("ChannelCreated on line {line}"), |e| {
                matches!(e, PbxEvent::ChannelCreated { endpoint: Endpoint::Line(l), .. } if *l == LineId(line))
            })
            .await
        {
            PbxEvent::ChannelCreated { uniqueid, .. } => uniqueid,
            _ => unreachable!(),
        }
    }

    /// A trunk channel created; returns its unique id.
    pub async fn created_trunk(&mut self) -> UniqueId {
        match self
            .expect("ChannelCreated on the trunk", |e| {
                matches!(
                    e,
                    PbxEvent::ChannelCreated {
                        endpoint: Endpoint::Trunk,
                        ..
                    }
                )
            })
            .await
        {
            PbxEvent::ChannelCreated { uniqueid, .. } => uniqueid,
            _ => unreachable!(),
        }
    }

    /// A channel's state change.
    pub async fn state(&mut self, id: &UniqueId, state: ChannelState) {
        self.expect(&format!("{id} {state:?}"), |e| {
            matches!(e, PbxEvent::ChannelStateChanged { uniqueid, state: s } if uniqueid == id && *s == state)
        })
        .await;
    }

    /// A channel's hangup with a cause.
    pub async fn hangup(&mut self, id: &UniqueId, cause: u16) {
        self.expect(&format!("Hangup {id} cause {cause}"), |e| {
            matches!(e, PbxEvent::Hangup { uniqueid, cause: c } if uniqueid == id && *c == cause)
        })
        .await;
    }

    /// Logs an agent in and consumes the event.
    pub async fn login(&mut self, agent: u32, line: u32) {
        self.act(PbxAction::AgentLogin {
            agent: AgentId(agent),
            line: LineId(line),
        });
        self.expect(
            "AgentLogin",
            |e| matches!(e, PbxEvent::AgentLogin { agent: a, .. } if *a == AgentId(agent)),
        )
        .await;
    }

    /// `AgentCalled` for a queue; returns (agent, ringing channel).
    pub async fn agent_called(&mut self, queue: u32) -> (AgentId, UniqueId) {
        match self
            .expect(
                &format!("AgentCalled in queue {queue}"),
                |e| matches!(e, PbxEvent::AgentCalled { queue: q, .. } if *q == QueueId(queue)),
            )
            .await
        {
            PbxEvent::AgentCalled {
                agent, destination, ..
            } => (agent, destination),
            _ => unreachable!(),
        }
    }

    /// The channel ringing on a line, from the live calls.
    pub async fn ringing_on(&self, number: &str) -> UniqueId {
        self.channels_on(number)
            .await
            .into_iter()
            .find(|c| c.state == ChannelState::Ringing)
            .map(|c| c.uniqueid)
            .unwrap_or_else(|| panic!("nothing rings on {number}"))
    }

    /// The channels of a line, from the live calls.
    pub async fn channels_on(&self, number: &str) -> Vec<ctid_pbx_sim::SimChannel> {
        self.calls()
            .await
            .into_iter()
            .flat_map(|c| c.channels)
            .filter(|c| c.line.as_deref() == Some(number))
            .collect()
    }
}

/// An originate from a line.
pub fn originate(id: u64, line: u32, destination: &str, auto_answer: bool) -> PbxRequest {
    PbxRequest {
        id: ActionId(id),
        action: PbxAction::Originate {
            from: OriginateFrom::Line(LineId(line)),
            destination: destination.into(),
            caller: Party::default(),
            variables: vec![("USR_ORIGIN".into(), "crm".into())],
            auto_answer,
        },
    }
}

/// The variant name of an event.
pub fn kind(e: &PbxEvent) -> &'static str {
    match e {
        PbxEvent::ChannelCreated { .. } => "ChannelCreated",
        PbxEvent::ChannelStateChanged { .. } => "ChannelStateChanged",
        PbxEvent::CallerIdChanged { .. } => "CallerIdChanged",
        PbxEvent::ConnectedLineChanged { .. } => "ConnectedLineChanged",
        PbxEvent::DialBegin { .. } => "DialBegin",
        PbxEvent::DialEnd { .. } => "DialEnd",
        PbxEvent::BridgeEnter { .. } => "BridgeEnter",
        PbxEvent::BridgeLeave { .. } => "BridgeLeave",
        PbxEvent::Hold { .. } => "Hold",
        PbxEvent::Unhold { .. } => "Unhold",
        PbxEvent::Hangup { .. } => "Hangup",
        PbxEvent::VarSet { .. } => "VarSet",
        PbxEvent::BlindTransfer { .. } => "BlindTransfer",
        PbxEvent::AttendedTransfer { .. } => "AttendedTransfer",
        PbxEvent::LineRegistration { .. } => "LineRegistration",
        PbxEvent::QueueCallerJoin { .. } => "QueueCallerJoin",
        PbxEvent::QueueCallerLeave { .. } => "QueueCallerLeave",
        PbxEvent::QueueCallerAbandon { .. } => "QueueCallerAbandon",
        PbxEvent::AgentCalled { .. } => "AgentCalled",
        PbxEvent::AgentRingNoAnswer { .. } => "AgentRingNoAnswer",
        PbxEvent::AgentConnect { .. } => "AgentConnect",
        PbxEvent::AgentComplete { .. } => "AgentComplete",
        PbxEvent::AgentWrapupStarted { .. } => "AgentWrapupStarted",
        PbxEvent::AgentWrapupEnded { .. } => "AgentWrapupEnded",
        PbxEvent::AgentLogin { .. } => "AgentLogin",
        PbxEvent::AgentLogoff { .. } => "AgentLogoff",
        PbxEvent::QueueMemberAdded { .. } => "QueueMemberAdded",
        PbxEvent::QueueMemberRemoved { .. } => "QueueMemberRemoved",
        PbxEvent::QueueMemberPaused { .. } => "QueueMemberPaused",
        PbxEvent::QueueMemberPenalty { .. } => "QueueMemberPenalty",
        PbxEvent::MessageWaiting { .. } => "MessageWaiting",
        PbxEvent::ConferenceJoin { .. } => "ConferenceJoin",
        PbxEvent::ConferenceLeave { .. } => "ConferenceLeave",
        PbxEvent::ConferenceMute { .. } => "ConferenceMute",
        PbxEvent::SpyStart { .. } => "SpyStart",
        PbxEvent::SpyStop { .. } => "SpyStop",
        PbxEvent::FaxProgress { .. } => "FaxProgress",
        PbxEvent::OriginateResult { .. } => "OriginateResult",
        PbxEvent::ActionFailed { .. } => "ActionFailed",
        PbxEvent::Snapshot(_) => "Snapshot",
    }
}

/// The kinds of a list of events, `VarSet`s left out.
pub fn kinds(events: &[PbxEvent]) -> Vec<&'static str> {
    events
        .iter()
        .filter(|e| !matches!(e, PbxEvent::VarSet { .. }))
        .map(kind)
        .collect()
}

/// One line describing an event (failure messages).
pub fn summary(e: &PbxEvent) -> String {
    format!("{e:?}")
}

impl EventLog for Harness {
    type Event = PbxEvent;

    fn events(&self) -> &[PbxEvent] {
        &self.log
    }

    fn cursor(&mut self) -> &mut usize {
        &mut self.cursor
    }

    async fn receive(&mut self) -> bool {
        match self.events.recv().await {
            Some(batch) => {
                self.log.extend(batch);
                true
            }
            None => false,
        }
    }

    fn dump(&self, from: usize) -> String {
        self.log[from..]
            .iter()
            .map(|e| format!("  {}", summary(e)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
