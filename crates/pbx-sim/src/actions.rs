//! What the core asks ([`PbxRequest`]) and what timers trigger, dispatched to the behaviour
//! modules. An action that cannot apply (unknown or finished channel, illegal in the current
//! state: the core checked it against a state the switch has left since) changes nothing and is
//! answered `ActionFailed` with the request's id, as Asterisk answers `Response: Error`; nothing
//! the core sends may stop the switch.

use ctid_core::pbx::{PbxAction, PbxEvent, PbxRequest};

use ctid_core::ids::ActionId;

use crate::originate::Originate;
use crate::sim::Sim;
use crate::timers::Timer;
use crate::world::Role;

impl Sim {
    /// Executes an action from the core, answering a refusal with `ActionFailed`.
    pub fn apply_request(&mut self, request: PbxRequest) {
        let PbxRequest { id, action } = request;
        tracing::trace!(?id, ?action, "pbx action");
        self.take_refusal();
        self.apply_action(id, action);
        if let Some(reason) = self.take_refusal() {
            self.emit(PbxEvent::ActionFailed { action: id, reason });
        }
    }

    fn apply_action(&mut self, id: ActionId, action: PbxAction) {
        match action {
            PbxAction::Originate {
                from,
                destination,
                caller,
                variables,
                auto_answer,
            } => self.originate(Originate {
                id,
                from,
                destination,
                caller,
                variables,
                auto_answer,
            }),
            PbxAction::Hangup { uniqueid } => self.hangup_request(&uniqueid),
            PbxAction::Answer { uniqueid } => {
                let line = self.world.get(&uniqueid).and_then(|c| {
                    matches!(c.role, Role::Ringing(_))
                        .then(|| c.line())
                        .flatten()
                });
                if let Some(line) = line {
                    self.hold_current_calls(line);
                }
                if !self.answer(&uniqueid) {
                    self.refuse("the channel is not ringing");
                }
            }
            PbxAction::Pickup { waiting, line } => self.pickup(&waiting, line),
            PbxAction::Hold { uniqueid } => {
                if !self.hold(&uniqueid) {
                    self.refuse("the channel cannot be held");
                }
            }
            PbxAction::Unhold { uniqueid } => {
                if !self.unhold(&uniqueid) {
                    self.refuse("the channel is not on hold");
                }
            }
            PbxAction::BlindTransfer {
                uniqueid,
                destination,
            } => self.blind_transfer(&uniqueid, &destination),
            PbxAction::AttendedTransfer {
                uniqueid,
                destination,
            } => self.attended_transfer(&uniqueid, &destination),
            PbxAction::CompleteTransfer { uniqueid } => self.complete_transfer(&uniqueid),
            PbxAction::CancelTransfer { uniqueid } => self.cancel_transfer(&uniqueid),
            PbxAction::MergeConference { uniqueid } => self.merge_conference(&uniqueid),
            PbxAction::SetVariable {
                uniqueid,
                name,
                value,
            } => {
                if self.world.exists(&uniqueid) && !name.is_empty() {
                    self.set_var(&uniqueid, &name, &value);
                } else {
                    self.refuse("no such channel");
                }
            }
            PbxAction::AgentLogin { agent, line } => self.agent_login(agent, line),
            PbxAction::AgentLogoff { agent } => self.agent_logoff(agent),
            PbxAction::QueueAdd {
                queue,
                agent,
                penalty,
            } => self.queue_add(queue, agent, penalty),
            PbxAction::QueueRemove { queue, agent } => self.queue_remove(queue, agent),
            PbxAction::QueuePause {
                queue,
                agent,
                paused,
                reason,
            } => self.queue_pause(queue, agent, paused, reason),
            PbxAction::Listen { listener, target } => self.listen(listener, target),
            PbxAction::ConferenceMute {
                room,
                uniqueid,
                muted,
            } => self.conference_mute(room, &uniqueid, muted),
            PbxAction::ConferenceKick { room, uniqueid } => self.conference_kick(room, &uniqueid),
            PbxAction::SendDtmf { uniqueid, digits } => self.send_dtmf(&uniqueid, &digits),
            PbxAction::SetServices { user, services } => {
                if self.ds.user(user).is_some() {
                    self.services.insert(user, services);
                } else {
                    self.refuse("unknown user");
                }
            }
            PbxAction::SendFax {
                user,
                destination,
                size,
            } => self.send_fax(id, user, &destination, size),
            PbxAction::ConfigChanged { changes } => self.config_changed(&changes),
        }
    }

    /// Runs a timer that is due.
    pub fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::RingTimeout { callee, token } => self.ring_timeout(&callee, token),
            Timer::FarEndAnswer { callee, token } => self.far_end_answer(&callee, token),
            Timer::QueueRingTimeout { caller, token } => self.queue_ring_timeout(&caller, token),
            Timer::QueueRetry { caller, token } => self.queue_retry(&caller, token),
            Timer::QueueMaxWait { caller, token } => self.queue_max_wait(&caller, token),
            Timer::WrapupEnd { agent, token } => self.wrapup_end(agent, token),
            Timer::FaxSent {
                user,
                action,
                pages,
            } => self.fax_sent(user, action, pages),
        }
    }
}
