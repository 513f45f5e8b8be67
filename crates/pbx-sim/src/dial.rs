//! A ringing channel's fate: answered (by the phone, the far end, or auto-answer), refused
//! (the phone declines, the far end hangs up), or rung too long. What follows depends on why it
//! rang: a direct call is bridged or goes to the user's busy / no-answer fallbacks, a queue
//! member connects or the queue tries again, an originate proceeds to its destination, a
//! supervisor starts listening.

use ctid_core::ids::UniqueId;
use ctid_core::live::{ChannelState, DialStatus};
use ctid_core::pbx::PbxEvent;

use crate::causes;
use crate::routing::Fallback;
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
        if let Some(ring) = self.ringing(callee) {
            self.ring_failed(callee, ring, RingFailure::Refused);
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
        if let Some(ring) = self.ringing(callee).filter(|r| r.token == token) {
            self.ring_failed(callee, ring, RingFailure::Unanswered);
        }
    }

    /// A ring ended unanswered: the dial ends, then what follows depends on why it rang.
    fn ring_failed(&mut self, callee: &UniqueId, ring: Ring, failure: RingFailure) {
        let status = failure.dial_status();
        match ring.purpose {
            RingPurpose::Line { user, hops } => {
                self.end_dial(ring.caller.as_ref(), callee, status, failure.phone_cause());
                if let Some(caller) = ring.caller
                    && !self.detach_callee(&caller, callee)
                    && self.world.exists(&caller)
                {
                    self.fall_back(&caller, user, hops, failure.fallback());
                }
            }
            RingPurpose::External => {
                let cause = failure.far_end_cause();
                self.end_dial(ring.caller.as_ref(), callee, status, cause);
                if let Some(caller) = ring.caller
                    && !self.detach_callee(&caller, callee)
                {
                    self.hangup(&caller, cause);
                }
            }
            RingPurpose::Originate(leg) => {
                self.end_dial(None, callee, status, failure.phone_cause());
                self.originate_failed(leg.action, Some(callee.clone()), failure.reason());
            }
            // A queue member's ring time is the queue's own timer (`queue/attempt.rs`).
            RingPurpose::Queue { queue, agent } => {
                if failure == RingFailure::Refused {
                    self.queue_member_failed(queue, agent, callee, status, causes::REJECTED);
                }
            }
            // A supervisor's listen rings until answered or refused.
            RingPurpose::Listen { .. } => {
                if failure == RingFailure::Refused {
                    self.end_dial(None, callee, status, causes::REJECTED);
                }
            }
        }
    }

    /// Timer: an external number answers.
    pub fn far_end_answer(&mut self, callee: &UniqueId, token: u64) {
        if self.ringing(callee).is_some_and(|r| r.token == token) {
            self.answer(callee);
        }
    }
}

/// How a ring ended without an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RingFailure {
    /// The phone declined, or the far end hung up.
    Refused,
    /// It rang for its whole ring time.
    Unanswered,
}

impl RingFailure {
    fn dial_status(self) -> DialStatus {
        match self {
            RingFailure::Refused => DialStatus::Busy,
            RingFailure::Unanswered => DialStatus::NoAnswer,
        }
    }

    /// The hangup cause of a phone's (or an originate leg's) channel.
    fn phone_cause(self) -> u16 {
        match self {
            RingFailure::Refused => causes::REJECTED,
            RingFailure::Unanswered => causes::NO_ANSWER,
        }
    }

    /// The hangup cause of an external call, on both sides.
    fn far_end_cause(self) -> u16 {
        match self {
            RingFailure::Refused => causes::BUSY,
            RingFailure::Unanswered => causes::NO_ANSWER,
        }
    }

    /// The user's fallback a direct call takes.
    fn fallback(self) -> Fallback {
        match self {
            RingFailure::Refused => Fallback::Busy,
            RingFailure::Unanswered => Fallback::Unanswered(causes::NO_ANSWER),
        }
    }

    /// Why an originate failed, as its failure event says.
    fn reason(self) -> &'static str {
        match self {
            RingFailure::Refused => "rejected",
            RingFailure::Unanswered => "no answer",
        }
    }
}
