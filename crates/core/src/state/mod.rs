//! The live telephony state, owned by the core task, and everything derived from it.
//!
//! [`State::apply_batch`] takes a batch of PBX events in order, updates the raw state (channels,
//! bridges, logins, memberships, waiting callers, rooms...) and marks what they touch; one
//! refresh pass at the end of the batch then re-derives only the marked lines, agents and queues,
//! and emits an [`Event`] for each derived value that actually changed (derive once per batch). [`State::execute`] checks client commands against this state and
//! the requester's rights, changes what the core owns (presence, services, sessions) and asks the
//! PBX for the rest: the PBX's events then change the state.
//!
//! Code map:
//! - `channels`: channels and bridges; `lines`: hints, current calls, phone events;
//!   `agents`: availability and XuC state; `queues` and `queue_log`: members, waiting callers,
//!   live and windowed statistics; `users`: presence and services (`seed`: what a store kept); `conferences`; `calllog`;
//!   `pending`: actions awaiting a possible failure, attended transfers in flight;
//! - `events/`: one handler file per family of PBX events (`resync` applies an engine's
//!   snapshot); `commands/`: one file per family of commands; `refresh`: the derivation pass.

mod agents;
mod calllog;
mod channels;
mod commands;
mod conferences;
mod config_changes;
mod events;
mod lines;
mod pending;
mod queue_log;
mod queues;
mod refresh;
mod remote;
mod seed;
mod table;
mod users;

#[cfg(test)]
mod tests;

pub use channels::Channel;
pub use commands::{CHAT_BURST, CHAT_REFILL, MAX_CHAT_TEXT_BYTES};

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::command::{Command, CommandError, CommandKind, Outcome};
use crate::dataset::{Dataset, UserServices};
use crate::engine::CoreConfig;
use crate::event::Event;
use crate::ids::{AgentId, LineId, QueueId, RoomId, UniqueId, UserId, VoicemailId};
use crate::live::{
    AgentStatus, ConferenceState, CurrentCall, HintStatus, PhoneEvent, QueueEntry, QueueLiveStats,
    QueueMemberStatus, QueueWindowStats, ServiceChange, UserPresence, VoicemailCounts,
};
use crate::pbx::{PbxAction, PbxEvent, PbxRequest};
use crate::time::Timestamp;

use agents::Agents;
use channels::Channels;
use conferences::Conferences;
use lines::Lines;
use pending::{Awaiting, PendingAction, PendingActions, Transfer};
use queues::Queues;
use users::Users;

/// The live telephony state, owned by the core task.
#[derive(Debug)]
pub struct State {
    dataset: Arc<Dataset>,
    config: CoreConfig,
    channels: Channels,
    lines: Lines,
    agents: Agents,
    queues: Queues,
    users: Users,
    rooms: Conferences,
    voicemails: HashMap<VoicemailId, VoicemailCounts>,
    transfers: HashMap<UserId, Transfer>,
    pending: PendingActions,
    chat_budgets: HashMap<UserId, commands::ChatBudget>,
    remote_statuses: remote::RemoteStatuses,
    next_action: u64,
}

impl State {
    /// The state before the engine's first snapshot: no call, every phone unregistered, agents
    /// logged out, queues with their configured members, no message waiting, presence
    /// `disconnected`, services as configured. The engine's snapshot brings the switch's truth.
    pub fn new(dataset: Arc<Dataset>, now: Timestamp, config: CoreConfig) -> State {
        let voicemails = dataset
            .voicemails()
            .iter()
            .map(|v| (v.id, VoicemailCounts::default()))
            .collect();
        State {
            channels: Channels::default(),
            lines: Lines::from_dataset(&dataset),
            agents: Agents::from_dataset(&dataset, now),
            queues: Queues::from_dataset(&dataset),
            users: Users::new(&dataset),
            rooms: Conferences::new(&dataset),
            voicemails,
            transfers: HashMap::new(),
            pending: PendingActions::default(),
            chat_budgets: HashMap::new(),
            remote_statuses: remote::RemoteStatuses::default(),
            next_action: 0,
            dataset,
            config,
        }
    }

    /// Applies one PBX event, appending the domain events it causes to `out` (a batch of one:
    /// see [`State::apply_batch`]).
    pub fn apply(&mut self, now: Timestamp, event: &PbxEvent, out: &mut Vec<Event>) {
        self.apply_batch(now, std::slice::from_ref(event), out);
    }

    /// Applies a batch of PBX events (what the engine reported for one step of the switch), then
    /// derives once: the events that are news in themselves (phone events, call-log entries,
    /// logins, ...) come in arrival order, then one event per derived value (hint, current
    /// calls, agent status, queue member, queue statistics) that differs from before the batch.
    /// A half-applied batch is never derived, so no event carries a state the switch was not in
    /// between two steps (a call with no peer yet, an agent both available and talking).
    pub fn apply_batch(&mut self, now: Timestamp, events: &[PbxEvent], out: &mut Vec<Event>) {
        for event in events {
            self.dispatch_event(now, event, out);
        }
        self.refresh(now, out);
    }

    /// Runs a command: checks it, changes what the core owns, appends the PBX actions to submit
    /// (each with a fresh id, remembered with the requester so that a refusal by the switch
    /// reaches them) and the domain events it causes. A refused command adds no action.
    pub fn execute(
        &mut self,
        now: Timestamp,
        command: Command,
        actions: &mut Vec<PbxRequest>,
        out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        let (user, kind) = (command.requester(), command.kind());
        let mut asked = Vec::new();
        let result = self.run_command(now, command, &mut asked, out);
        if result.is_ok() {
            self.submit(now, user, kind, asked, actions);
        }
        self.refresh(now, out);
        result
    }

    /// An administrator's changes of a user's services (the admin API: no requester, so no
    /// rights, the other rules of [`Command::SetService`] kept), all or none; the PBX update
    /// is remembered as the user's, so a refusal by the switch reaches their sessions. Returns
    /// the user's services after.
    pub fn set_services_as_admin(
        &mut self,
        now: Timestamp,
        user: UserId,
        changes: &[ServiceChange],
        actions: &mut Vec<PbxRequest>,
        out: &mut Vec<Event>,
    ) -> Result<UserServices, CommandError> {
        let mut asked = Vec::new();
        let result = self.set_services_as_admin_checked(user, changes, &mut asked, out);
        if result.is_ok() {
            self.submit(now, user, CommandKind::Service, asked, actions);
        }
        self.refresh(now, out);
        result
    }

    /// Gives each action a fresh id, remembers who asked for it (so that a refusal by the
    /// switch reaches them) and appends it to the requests to submit.
    fn submit(
        &mut self,
        now: Timestamp,
        user: UserId,
        kind: CommandKind,
        asked: Vec<PbxAction>,
        actions: &mut Vec<PbxRequest>,
    ) {
        for action in asked {
            self.next_action += 1;
            let id = crate::ids::ActionId(self.next_action);
            let awaiting = match &action {
                PbxAction::Originate { destination, .. } => Awaiting::Dial(destination.clone()),
                PbxAction::SendFax { .. } => Awaiting::Fax,
                _ => Awaiting::Other,
            };
            let pending = PendingAction {
                user,
                command: kind,
                awaiting,
            };
            self.pending.insert(now, id, pending);
            actions.push(PbxRequest { id, action });
        }
    }

    /// The configured world.
    pub fn dataset(&self) -> &Arc<Dataset> {
        &self.dataset
    }

    /// A line's hint status (`Removed` for a line that does not exist).
    pub fn line_hint(&self, line: LineId) -> HintStatus {
        self.lines.get(line).map_or(HintStatus::Removed, |l| l.hint)
    }

    /// Whether a line's phone is registered (`None` for a line that does not exist).
    pub fn line_registered(&self, line: LineId) -> Option<bool> {
        self.lines.get(line).map(|l| l.registered)
    }

    /// A line's current calls, ordered by start.
    pub fn line_calls(&self, line: LineId) -> Vec<CurrentCall> {
        self.lines
            .get(line)
            .map(|l| l.calls.to_vec())
            .unwrap_or_default()
    }

    /// A line's current calls as phone events: for each call, its latest event kind, with the
    /// call's other party and attached data as they are now.
    pub fn line_phone_events(&self, line: LineId) -> Vec<PhoneEvent> {
        let Some(l) = self.lines.get(line) else {
            return Vec::new();
        };
        self.line_channels(line)
            .filter_map(|c| {
                let kind = c.last_phone_kind()?;
                Some(Arc::unwrap_or_clone(lines::phone_event(
                    kind,
                    l,
                    c,
                    &self.dataset,
                )))
            })
            .collect()
    }

    /// The live channels of a line, ordered by call start.
    pub fn line_channels(&self, line: LineId) -> impl Iterator<Item = &Channel> {
        self.lines
            .get(line)
            .into_iter()
            .flat_map(|l| l.channels.iter())
            .filter_map(|u| self.channels.get(u))
    }

    /// The agent logged in on a line.
    pub fn agent_on_line(&self, line: LineId) -> Option<AgentId> {
        self.lines.get(line).and_then(|l| l.agent)
    }

    /// A live channel.
    pub fn channel(&self, uniqueid: &UniqueId) -> Option<&Channel> {
        self.channels.get(uniqueid)
    }

    /// Every live channel, in no particular order.
    pub fn channels(&self) -> impl Iterator<Item = &Channel> {
        self.channels.iter()
    }

    /// Number of live channels.
    pub fn channel_count(&self) -> usize {
        self.channels.len()
    }

    /// An agent's status.
    pub fn agent_status(&self, agent: AgentId) -> Option<&AgentStatus> {
        self.agents.get(agent).map(|a| &*a.status)
    }

    /// Every agent's status, by agent id.
    pub fn agent_statuses(&self) -> impl Iterator<Item = &AgentStatus> {
        self.agents.iter().map(|a| &*a.status)
    }

    /// One queue membership.
    pub fn queue_member(&self, queue: QueueId, agent: AgentId) -> Option<&QueueMemberStatus> {
        self.queues
            .get(queue)
            .and_then(|q| q.members.get(&agent))
            .map(|m| &*m.status)
    }

    /// Every queue membership, by (queue, agent).
    pub fn queue_members(&self) -> impl Iterator<Item = &QueueMemberStatus> {
        self.queues
            .iter()
            .flat_map(|q| q.members.values().map(|m| &*m.status))
    }

    /// A queue's live counters at `now`.
    pub fn queue_stats(&self, queue: QueueId, now: Timestamp) -> QueueLiveStats {
        self.queues
            .get(queue)
            .map(|q| q.stats(now))
            .unwrap_or_default()
    }

    /// A queue's counters over the last `window`, with `qos` as the answer-time threshold.
    pub fn queue_window_stats(
        &self,
        queue: QueueId,
        now: Timestamp,
        window: Duration,
        qos: Duration,
    ) -> QueueWindowStats {
        self.queues
            .get(queue)
            .map(|q| {
                q.log
                    .window(now, window, qos, q.entries.iter().map(|e| e.join_time))
            })
            .unwrap_or_default()
    }

    /// The callers waiting in a queue, in order.
    pub fn queue_entries(&self, queue: QueueId) -> Vec<QueueEntry> {
        self.queues
            .get(queue)
            .map(|q| q.entries.clone())
            .unwrap_or_default()
    }

    /// A user's presence.
    pub fn user_presence(&self, user: UserId) -> Option<&UserPresence> {
        self.users.get(user).map(|u| &u.presence)
    }

    /// Number of sessions a user has open (0 for an unknown user).
    pub fn user_sessions(&self, user: UserId) -> u32 {
        self.users.get(user).map_or(0, |u| u.presence.sessions)
    }

    /// A user's services.
    pub fn user_services(&self, user: UserId) -> Option<&UserServices> {
        self.users.get(user).map(|u| &u.services)
    }

    /// The attended transfer a user has in progress: the user's channel in the first call and
    /// the consultation call's channel on the target, when known.
    pub fn transfer_in_progress(&self, user: UserId) -> Option<(&UniqueId, Option<&UniqueId>)> {
        self.transfers
            .get(&user)
            .map(|t| (&t.transferer, t.target.as_ref()))
    }

    /// A voicemail box's counts.
    pub fn voicemail_counts(&self, voicemail: VoicemailId) -> VoicemailCounts {
        self.voicemails.get(&voicemail).copied().unwrap_or_default()
    }

    /// A conference room's state.
    pub fn conference(&self, room: RoomId) -> Option<ConferenceState> {
        self.rooms.get(room).map(|s| (**s).clone())
    }

    /// Every configured room's state, by room id (as [`Event::Conference`] carries them).
    pub fn conferences(&self) -> Arc<[Arc<ConferenceState>]> {
        self.rooms.all()
    }
}
