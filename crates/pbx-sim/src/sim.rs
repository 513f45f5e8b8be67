//! The switch itself: [`Sim`] holds every piece of live state and the events produced by the
//! step being run. The behaviour is spread over the other modules as `impl Sim` blocks, one
//! subject each; the task (`task.rs`) runs one step at a time and ships its events as a batch.

use std::collections::HashMap;
use std::sync::Arc;

use ctid_core::Timestamp;
use ctid_core::dataset::{Dataset, UserServices};
use ctid_core::ids::{AgentId, LineId, QueueId, RoomId, UserId, VoicemailId};
use ctid_core::live::VoicemailCounts;
use ctid_core::pbx::PbxEvent;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::agents::AgentRt;
use crate::conference::RoomRt;
use crate::config::SimConfig;
use crate::ids::Ids;
use crate::queue::{QueueCall, QueueRt};
use crate::timers::Timers;
use crate::transfer::Transfer;
use crate::world::World;

/// Maximum number of forwards a call follows (forward loops end there).
pub(crate) const MAX_HOPS: u8 = 5;

/// The embedded PBX's whole state.
#[derive(Debug)]
pub(crate) struct Sim {
    /// The configured world.
    pub ds: Arc<Dataset>,
    /// Settings.
    pub cfg: SimConfig,
    /// The time of the step being run (a timer's deadline, or the clock when a request came).
    pub now: Timestamp,
    /// Identifier factory.
    pub ids: Ids,
    /// Seeded random generator.
    pub rng: StdRng,
    /// Channels and bridges.
    pub world: World,
    /// Pending timers.
    pub timers: Timers,
    /// Registration state of each line.
    pub registered: HashMap<LineId, bool>,
    /// Each user's services as last set.
    pub services: HashMap<UserId, UserServices>,
    /// Queues, live.
    pub queues: HashMap<QueueId, QueueRt>,
    /// Queues in configuration order (the order they are offered members in).
    pub queue_order: Vec<QueueId>,
    /// Answered queue calls, until they end.
    pub queue_calls: Vec<QueueCall>,
    /// Agents, live.
    pub agents: HashMap<AgentId, AgentRt>,
    /// Voicemail boxes' message counts.
    pub boxes: HashMap<VoicemailId, VoicemailCounts>,
    /// Conference rooms, live.
    pub rooms: HashMap<RoomId, RoomRt>,
    /// Attended transfers in progress.
    pub transfers: Vec<Transfer>,
    /// Creation counter of channels.
    pub next_seq: u64,
    /// Events of the step being run.
    out: Vec<PbxEvent>,
    /// Why the core's action being run could not be done (see [`Sim::refuse`]).
    refusal: Option<String>,
}

impl Sim {
    /// A switch in the configured initial state at `now`: every phone registered but those
    /// the settings name, agents logged out, static queue members as configured, voicemail
    /// boxes empty but those the settings give messages.
    pub fn new(ds: Arc<Dataset>, cfg: SimConfig, now: Timestamp) -> Sim {
        let registered = ds
            .lines()
            .iter()
            .map(|l| (l.id, !cfg.unregistered.contains(&l.number)))
            .collect();
        let services = ds
            .users()
            .iter()
            .map(|u| (u.id, u.services.clone()))
            .collect();
        let queues = ds
            .queues()
            .iter()
            .map(|q| (q.id, QueueRt::new(q)))
            .collect();
        let queue_order = ds.queues().iter().map(|q| q.id).collect();
        let agents = ds
            .agents()
            .iter()
            .map(|a| (a.id, AgentRt::default()))
            .collect();
        let boxes = ds
            .voicemails()
            .iter()
            .map(|v| {
                let counts = cfg
                    .messages
                    .iter()
                    .find(|m| m.mailbox == v.mailbox)
                    .map_or_else(VoicemailCounts::default, |m| VoicemailCounts {
                        new: m.new,
                        old: m.old,
                    });
                (v.id, counts)
            })
            .collect();
        Sim {
            rng: StdRng::seed_from_u64(cfg.seed),
            ids: Ids::new(now.as_secs()),
            ds,
            cfg,
            now,
            world: World::default(),
            timers: Timers::default(),
            registered,
            services,
            queues,
            queue_order,
            queue_calls: Vec::new(),
            agents,
            boxes,
            rooms: HashMap::new(),
            transfers: Vec::new(),
            next_seq: 0,
            out: Vec::new(),
            refusal: None,
        }
    }

    /// Records that the core's action being run cannot be done (unknown or finished channel,
    /// illegal in the current state): the switch answers it `ActionFailed` (see `actions.rs`).
    /// Called from a behaviour that phones or timers also run, it is harmless: only an action
    /// takes the refusal.
    pub fn refuse(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        tracing::debug!(reason, "action refused");
        self.refusal.get_or_insert(reason);
    }

    /// Takes the refusal recorded since the last call.
    pub fn take_refusal(&mut self) -> Option<String> {
        self.refusal.take()
    }

    /// Records an event of the current step.
    pub fn emit(&mut self, event: PbxEvent) {
        self.out.push(event);
    }

    /// Takes the events of the step just run.
    pub fn take_events(&mut self) -> Vec<PbxEvent> {
        std::mem::take(&mut self.out)
    }

    /// Ends a step: waiting queue callers are offered to the members who became available.
    pub fn finish_step(&mut self) {
        self.offer_waiting_callers();
    }

    /// Whether a line is registered.
    pub fn is_registered(&self, line: LineId) -> bool {
        self.registered.get(&line).copied().unwrap_or(false)
    }

    /// Whether a line can take a call at all: it exists, is enabled and its phone registered.
    pub fn line_reachable(&self, line: LineId) -> bool {
        self.ds.line(line).is_some_and(|l| l.enabled) && self.is_registered(line)
    }

    /// A user's current services.
    pub fn services_of(&self, user: UserId) -> UserServices {
        self.services.get(&user).cloned().unwrap_or_default()
    }
}
