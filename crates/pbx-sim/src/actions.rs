//! What the core asks ([`PbxAction`]) and what timers trigger, dispatched to the behaviour
//! modules. An action that cannot apply (unknown or finished channel, illegal in the current
//! state) is logged at debug level and ignored: the core validated it already, and nothing the
//! core sends may stop the switch.

use ctid_core::pbx::PbxAction;

use crate::originate::Originate;
use crate::sim::Sim;
use crate::timers::Timer;
use crate::world::Role;

impl Sim {
    /// Executes an action from the core.
    pub fn apply_action(&mut self, action: PbxAction) {
        tracing::trace!(?action, "pbx action");
        match action {
            PbxAction::Originate {
                id,
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
                    tracing::debug!(%uniqueid, "answer of a channel that is not ringing ignored");
                }
            }
            PbxAction::Pickup { waiting, line } => self.pickup(&waiting, line),
            PbxAction::Hold { uniqueid } => {
                if !self.hold(&uniqueid) {
                    tracing::debug!(%uniqueid, "hold impossible, ignored");
                }
            }
            PbxAction::Unhold { uniqueid } => {
                if !self.unhold(&uniqueid) {
                    tracing::debug!(%uniqueid, "unhold of a channel not on hold ignored");
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
                    tracing::debug!(%uniqueid, name, "variable on an unknown channel ignored");
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
            PbxAction::SetServices { user, services } => {
                if self.ds.user(user).is_some() {
                    self.services.insert(user, services);
                } else {
                    tracing::debug!(%user, "services of an unknown user ignored");
                }
            }
            PbxAction::SendFax {
                id,
                user,
                destination,
                size,
            } => self.send_fax(id, user, &destination, size),
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
