//! A ringing channel's fate: answered (by the phone, the far end, or auto-answer), refused
//! (the phone declines, the far end hangs up), or rung too long. What follows depends on why it
//! rang: a direct call is bridged or goes to the user's busy / no-answer fallbacks, a queue
//! member connects or the queue tries again, an originate proceeds to its destination, a
//! supervisor starts listening.

use ctid_core::ids::UniqueId;
use ctid_core::live::{ChannelState, DialStatus};
use ctid_core::pbx::PbxEvent;

use crate::causes;
use crate::sim::Sim;
use crate::world::{Ring, RingPurpose, Role};

impl Sim {
    /// The ring record of a ringing channel.
    fn ringing(&self, id: &UniqueId) -> Option<Ring> {
        self.world.ring_of(id).cloned()
    }

    /// A ringing channel answers. Returns whether it was ringing.
    pub fn answer(&mut self, callee: &UniqueId) -> bool {
        let Some(ring) = self.ringing(callee) else {
            return false;
        };
        match ring.purpose.clone() {
            RingPurpose::Line { .. } | RingPurpose::External => self.answer_call(callee, &ring),
            RingPurpose::Queue { queue, agent } => self.queue_answer(callee, &ring, queue, agent),
            RingPurpose::Originate(leg) => self.originate_answered(callee, *leg),
            RingPurpose::Listen { target } => self.listen_answered(callee, target),
        }
        true
    }

    /// A call answered: the callee is up, the dial ends, the caller is up, both are bridged.
    fn answer_call(&mut self, callee: &UniqueId, ring: &Ring) {
        let Some(caller) = ring.caller.clone().filter(|c| self.world.exists(c)) else {
            self.drop_channel(callee, causes::NORMAL);
            return;
        };
        self.set_state(callee, ChannelState::Up);
        self.emit(PbxEvent::DialEnd {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            status: DialStatus::Answer,
        });
        if let Some(Role::Dialing(others)) = self.world.get(&caller).map(|c| c.role.clone()) {
            for other in others.iter().filter(|o| *o != callee) {
                self.cancel_ring(&caller, other, causes::ANSWERED_ELSEWHERE);
            }
        }
        self.set_state(&caller, ChannelState::Up);
        self.connect(callee, &caller);
        self.transfer_consult_answered(&caller, callee);
    }

    /// Takes a callee out of its caller's list of ringing channels; returns whether the caller
    /// still rings others.
    fn detach_callee(&mut self, caller: &UniqueId, callee: &UniqueId) -> bool {
        match self.world.get_mut(caller).map(|c| &mut c.role) {
            Some(Role::Dialing(list)) => {
                list.retain(|c| c != callee);
                !list.is_empty()
            }
            _ => false,
        }
    }

    /// A ringing channel refuses the call: the phone declines it (`DialEnd BUSY`, cause 21),
    /// the far end hangs up. Direct calls then take the user's busy path.
    pub fn reject(&mut self, callee: &UniqueId) {
        let Some(ring) = self.ringing(callee) else {
            return;
        };
        match ring.purpose {
            RingPurpose::Line { user, hops } => {
                self.end_dial(
                    ring.caller.as_ref(),
                    callee,
                    DialStatus::Busy,
                    causes::REJECTED,
                );
                if let Some(caller) = ring.caller
                    && !self.detach_callee(&caller, callee)
                    && self.world.exists(&caller)
                {
                    self.on_busy(&caller, user, hops);
                }
            }
            RingPurpose::External => {
                self.end_dial(ring.caller.as_ref(), callee, DialStatus::Busy, causes::BUSY);
                if let Some(caller) = ring.caller
                    && !self.detach_callee(&caller, callee)
                {
                    self.hangup(&caller, causes::BUSY);
                }
            }
            RingPurpose::Queue { queue, agent } => {
                self.queue_member_failed(queue, agent, callee, DialStatus::Busy, causes::REJECTED);
            }
            RingPurpose::Originate(leg) => {
                self.end_dial(None, callee, DialStatus::Busy, causes::REJECTED);
                self.originate_failed(leg.action, Some(callee.clone()), "rejected");
            }
            RingPurpose::Listen { .. } => {
                self.end_dial(None, callee, DialStatus::Busy, causes::REJECTED);
            }
        }
    }

    /// `DialEnd` then the callee's `Hangup`.
    fn end_dial(
        &mut self,
        caller: Option<&UniqueId>,
        callee: &UniqueId,
        status: DialStatus,
        cause: u16,
    ) {
        self.emit(PbxEvent::DialEnd {
            caller: caller.cloned(),
            callee: callee.clone(),
            status,
        });
        self.drop_channel(callee, cause);
    }

    /// Timer: a phone rang for its whole ring time (`DialEnd NOANSWER`, cause 19); a direct
    /// call then takes the user's no-answer path, an originate fails.
    pub fn ring_timeout(&mut self, callee: &UniqueId, token: u64) {
        let Some(ring) = self.ringing(callee).filter(|r| r.token == token) else {
            return;
        };
        match ring.purpose {
            RingPurpose::Line { user, hops } => {
                self.end_dial(
                    ring.caller.as_ref(),
                    callee,
                    DialStatus::NoAnswer,
                    causes::NO_ANSWER,
                );
                if let Some(caller) = ring.caller
                    && !self.detach_callee(&caller, callee)
                    && self.world.exists(&caller)
                {
                    self.on_unanswered(&caller, user, hops, causes::NO_ANSWER);
                }
            }
            RingPurpose::External => {
                self.end_dial(
                    ring.caller.as_ref(),
                    callee,
                    DialStatus::NoAnswer,
                    causes::NO_ANSWER,
                );
                if let Some(caller) = ring.caller
                    && !self.detach_callee(&caller, callee)
                {
                    self.hangup(&caller, causes::NO_ANSWER);
                }
            }
            RingPurpose::Originate(leg) => {
                self.end_dial(None, callee, DialStatus::NoAnswer, causes::NO_ANSWER);
                self.originate_failed(leg.action, Some(callee.clone()), "no answer");
            }
            RingPurpose::Queue { .. } | RingPurpose::Listen { .. } => {}
        }
    }

    /// Timer: an external number answers.
    pub fn far_end_answer(&mut self, callee: &UniqueId, token: u64) {
        if self.ringing(callee).is_some_and(|r| r.token == token) {
            self.answer(callee);
        }
    }
}
