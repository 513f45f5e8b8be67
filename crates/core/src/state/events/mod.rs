//! PBX event handlers: each updates the raw state and marks the lines, agents and queues it
//! touches (the refresh pass derives and emits the rest); events that are themselves news
//! (phone events, call log entries, transfers, listen, fax, failed dials) are emitted here.
//!
//! Unknown channels, lines, agents, queues and rooms, duplicates and out-of-order events are
//! ignored with a debug log: nothing here panics or grows without bound on bad input.

mod acd;
mod calls;
mod devices_rooms_results;
mod membership;
mod resync;

use super::State;
use crate::event::Event;
use crate::pbx::PbxEvent;
use crate::time::Timestamp;

impl State {
    /// Routes one PBX event to its handler.
    pub(super) fn dispatch_event(
        &mut self,
        now: Timestamp,
        event: &PbxEvent,
        out: &mut Vec<Event>,
    ) {
        use PbxEvent as E;
        match event {
            E::ChannelCreated {
                uniqueid,
                linkedid,
                name,
                endpoint,
                caller,
                exten,
                state,
            } => self.on_channel_created(
                now, uniqueid, linkedid, name, endpoint, caller, exten, *state, out,
            ),
            E::ChannelStateChanged { uniqueid, state } => {
                self.on_channel_state(now, uniqueid, *state, out)
            }
            E::CallerIdChanged { uniqueid, caller } => self.on_caller_id(uniqueid, caller),
            E::ConnectedLineChanged {
                uniqueid,
                connected,
            } => self.on_connected_line(uniqueid, connected),
            E::DialBegin {
                caller,
                callee,
                destination: _,
            } => self.on_dial_begin(caller.as_ref(), callee, out),
            E::DialEnd { .. } | E::BlindTransfer { .. } => {}
            E::BridgeEnter { bridge, uniqueid } => self.on_bridge_enter(bridge, uniqueid),
            E::BridgeLeave { bridge, uniqueid } => self.on_bridge_leave(bridge, uniqueid),
            E::Hold { uniqueid } => self.on_hold(uniqueid, true, out),
            E::Unhold { uniqueid } => self.on_hold(uniqueid, false, out),
            E::Hangup { uniqueid, cause } => self.on_hangup(now, uniqueid, *cause, out),
            E::VarSet {
                uniqueid,
                name,
                value,
            } => self.on_var_set(uniqueid, name, value),
            E::AttendedTransfer {
                transferer,
                target,
                state,
            } => self.on_attended_transfer(transferer, target.as_ref(), *state, out),
            E::LineRegistration { line, registered } => self.on_registration(*line, *registered),
            E::QueueCallerJoin {
                queue,
                uniqueid,
                position,
                count: _,
            } => self.on_caller_join(now, *queue, uniqueid, *position, out),
            E::QueueCallerLeave {
                queue,
                uniqueid,
                count: _,
            } => self.on_caller_leave(*queue, uniqueid, out),
            E::QueueCallerAbandon {
                queue, hold_time, ..
            } => self.on_caller_abandon(now, *queue, *hold_time),
            E::AgentCalled {
                queue,
                agent,
                caller: _,
                destination,
            } => self.on_agent_called(*queue, *agent, destination),
            E::AgentRingNoAnswer {
                agent, destination, ..
            } => self.on_agent_ring_no_answer(*agent, destination),
            E::AgentConnect {
                queue,
                agent,
                destination,
                hold_time,
                ..
            } => self.on_agent_connect(now, *queue, *agent, destination, *hold_time),
            E::AgentComplete {
                queue,
                agent,
                destination,
                ..
            } => self.on_agent_complete(now, *queue, *agent, destination),
            E::AgentWrapupStarted { agent, .. } => self.on_wrapup(*agent, true),
            E::AgentWrapupEnded { agent } => self.on_wrapup(*agent, false),
            E::AgentLogin { agent, line } => self.on_agent_login(*agent, *line, out),
            E::AgentLogoff { agent } => self.on_agent_logoff(*agent, out),
            E::QueueMemberAdded {
                queue,
                agent,
                penalty,
                paused,
            } => self.on_member_added(*queue, *agent, *penalty, *paused),
            E::QueueMemberRemoved { queue, agent } => self.on_member_removed(*queue, *agent, out),
            E::QueueMemberPaused {
                queue,
                agent,
                paused,
                reason,
            } => self.on_member_paused(*queue, *agent, *paused, reason.as_deref()),
            E::QueueMemberPenalty {
                queue,
                agent,
                penalty,
            } => self.on_member_penalty(*queue, *agent, *penalty),
            E::MessageWaiting {
                voicemail,
                new,
                old,
            } => self.on_message_waiting(*voicemail, *new, *old, out),
            E::ConferenceJoin {
                room,
                uniqueid,
                muted,
            } => self.on_conference_join(now, *room, uniqueid, *muted, out),
            E::ConferenceLeave { room, uniqueid } => self.on_conference_leave(*room, uniqueid, out),
            E::ConferenceMute {
                room,
                uniqueid,
                muted,
            } => self.on_conference_mute(*room, uniqueid, *muted, out),
            E::SpyStart { spier, spyee } => self.on_spy_start(spier, spyee, out),
            E::SpyStop { spier } => self.on_spy_stop(spier, out),
            E::FaxProgress {
                user,
                action,
                status,
                pages,
            } => out.push(Event::FaxProgress {
                user: *user,
                action: *action,
                status: *status,
                pages: *pages,
            }),
            E::OriginateResult {
                action,
                success,
                reason,
                ..
            } => self.on_originate_result(now, *action, *success, reason, out),
            E::ActionFailed { action, reason } => self.on_action_failed(now, *action, reason, out),
            E::Snapshot(snapshot) => self.on_snapshot(now, snapshot, out),
        }
    }
}
