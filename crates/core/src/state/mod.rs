//! The live state and its derivations (placeholder: the public API is fixed, the internals are
//! being written).

use std::sync::Arc;
use std::time::Duration;

use crate::command::{Command, CommandError, Outcome};
use crate::dataset::{Dataset, UserServices};
use crate::engine::CoreConfig;
use crate::event::Event;
use crate::ids::{AgentId, LineId, QueueId, RoomId, UserId, VoicemailId};
use crate::live::{
    AgentStatus, ConferenceState, CurrentCall, HintStatus, PhoneEvent, QueueEntry, QueueLiveStats,
    QueueMemberStatus, QueueWindowStats, UserPresence, VoicemailCounts,
};
use crate::pbx::{PbxAction, PbxEvent};
use crate::time::Timestamp;

/// The live telephony state, owned by the core task.
#[derive(Debug)]
pub struct State {
    dataset: Arc<Dataset>,
    #[allow(dead_code)]
    config: CoreConfig,
}

impl State {
    /// The state of a freshly started world: every line unregistered-or-idle as configured,
    /// agents logged out, presence `disconnected`, services as configured.
    pub fn new(dataset: Arc<Dataset>, _now: Timestamp, config: CoreConfig) -> State {
        State { dataset, config }
    }

    /// Applies one PBX event, appending the domain events it causes to `out`.
    pub fn apply(&mut self, _now: Timestamp, _event: &PbxEvent, _out: &mut Vec<Event>) {}

    /// Runs a command: checks it, changes what the core owns, appends the PBX actions to submit
    /// and the domain events it causes.
    pub fn execute(
        &mut self,
        _now: Timestamp,
        _command: Command,
        _actions: &mut Vec<PbxAction>,
        _out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        Err(CommandError::ServiceUnavailable)
    }

    /// The configured world.
    pub fn dataset(&self) -> &Arc<Dataset> {
        &self.dataset
    }

    /// A line's hint status.
    pub fn line_hint(&self, _line: LineId) -> HintStatus {
        HintStatus::Unavailable
    }

    /// A line's current calls.
    pub fn line_calls(&self, _line: LineId) -> Vec<CurrentCall> {
        Vec::new()
    }

    /// A line's current calls as phone events (the latest event of each call).
    pub fn line_phone_events(&self, _line: LineId) -> Vec<PhoneEvent> {
        Vec::new()
    }

    /// An agent's status.
    pub fn agent_status(&self, _agent: AgentId) -> Option<&AgentStatus> {
        None
    }

    /// Every agent's status, by agent id.
    pub fn agent_statuses(&self) -> impl Iterator<Item = &AgentStatus> {
        std::iter::empty()
    }

    /// One queue membership.
    pub fn queue_member(&self, _queue: QueueId, _agent: AgentId) -> Option<&QueueMemberStatus> {
        None
    }

    /// Every queue membership, by (queue, agent).
    pub fn queue_members(&self) -> impl Iterator<Item = &QueueMemberStatus> {
        std::iter::empty()
    }

    /// A queue's live counters at `now`.
    pub fn queue_stats(&self, _queue: QueueId, _now: Timestamp) -> QueueLiveStats {
        QueueLiveStats::default()
    }

    /// A queue's counters over the last `window`, with `qos` as the answer-time threshold.
    pub fn queue_window_stats(
        &self,
        _queue: QueueId,
        _now: Timestamp,
        _window: Duration,
        _qos: Duration,
    ) -> QueueWindowStats {
        QueueWindowStats::default()
    }

    /// The callers waiting in a queue, in order.
    pub fn queue_entries(&self, _queue: QueueId) -> Vec<QueueEntry> {
        Vec::new()
    }

    /// A user's presence.
    pub fn user_presence(&self, _user: UserId) -> Option<&UserPresence> {
        None
    }

    /// A user's services.
    pub fn user_services(&self, _user: UserId) -> Option<&UserServices> {
        None
    }

    /// A voicemail box's counts.
    pub fn voicemail_counts(&self, _voicemail: VoicemailId) -> VoicemailCounts {
        VoicemailCounts::default()
    }

    /// A conference room's state.
    pub fn conference(&self, _room: RoomId) -> Option<ConferenceState> {
        None
    }
}
