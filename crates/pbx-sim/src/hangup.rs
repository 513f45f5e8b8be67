//! Tearing calls down: a channel hangs up, and what it was part of follows — the phones it was
//! ringing stop, a queue records the abandon, a conference loses a member, a voicemail message
//! is saved, the other party of a two-party call is hung up too, supervisors listening stop,
//! attended transfers in progress are cancelled, a queue call completes and wrap-up starts.
//!
//! Event order follows Asterisk: `AgentComplete`, `BridgeLeave` of both parties, `Hangup` of
//! both, then the consequences (`AgentWrapupStarted`...).

use ctid_core::ids::UniqueId;
use ctid_core::live::DialStatus;
use ctid_core::pbx::{AttendedTransferState, CompleteReason, PbxEvent};

use crate::causes;
use crate::sim::Sim;
use crate::world::{BridgeKind, Role};

impl Sim {
    /// A hangup asked from outside (the core's `Hangup`, a phone's hangup key, the outside
    /// party): a ringing phone refuses the call; the transferer of an attended transfer in
    /// progress completes it (as hanging up does in Asterisk); anything else hangs up.
    pub fn hangup_request(&mut self, id: &UniqueId) {
        let Some(ch) = self.world.get(id) else {
            tracing::debug!(%id, "hangup of an unknown channel ignored");
            self.refuse("hangup of an unknown channel");
            return;
        };
        if matches!(ch.role, Role::Ringing(_)) {
            self.reject(id);
        } else if self.transfer_index_by_transferer(id).is_some() {
            self.complete_transfer(id);
        } else {
            self.hangup(id, causes::NORMAL);
        }
    }

    /// Hangs a channel up with `cause`, and everything that follows from it.
    pub fn hangup(&mut self, id: &UniqueId, cause: u16) {
        let Some(ch) = self.world.get_mut(id) else {
            return;
        };
        if matches!(ch.role, Role::Ringing(_)) {
            // A ringing leg going away is a refusal, whoever asks.
            self.reject(id);
            return;
        }
        let role = std::mem::replace(&mut ch.role, Role::Idle);
        match role {
            Role::Dialing(callees) => {
                for callee in callees {
                    self.cancel_ring(id, &callee, causes::NORMAL);
                }
            }
            Role::Queued(queue) => self.queue_abandon(queue, id),
            Role::VoicemailDeposit(vm) => self.voicemail_deposited(vm),
            Role::VoicemailConsult(vm) => self.voicemail_consulted(vm),
            Role::Conference(room) => self.conference_leave(room, id),
            Role::Spying(_) => self.emit(PbxEvent::SpyStop { spier: id.clone() }),
            Role::Talking | Role::Idle | Role::Ringing(_) => {}
        }

        let completed = self.end_queue_call(id, None);
        let mut peer = None;
        if let Some(bridge) = self.world.get(id).and_then(|c| c.bridge.clone()) {
            let kind = self.world.bridges.get(&bridge).map(|b| b.kind);
            self.bridge_leave(id);
            let remaining = self
                .world
                .bridges
                .get(&bridge)
                .map(|b| b.members.clone())
                .unwrap_or_default();
            if kind == Some(BridgeKind::Call) && remaining.len() == 1 {
                let other = remaining[0].clone();
                self.bridge_leave(&other);
                self.set_role(&other, Role::Idle);
                peer = Some(other);
            }
        }

        self.world.remove(id);
        self.emit(PbxEvent::Hangup {
            uniqueid: id.clone(),
            cause,
        });
        self.after_channel_gone(id);
        if let Some(peer) = peer {
            self.hangup(&peer, causes::NORMAL);
        }
        if let Some(call) = completed {
            self.queue_call_completed(call);
        }
    }

    /// Removes a channel that is part of nothing any more (a ringing leg whose caller gave up,
    /// a leg that failed): only its `Hangup`.
    pub fn drop_channel(&mut self, id: &UniqueId, cause: u16) {
        if self.world.remove(id).is_some() {
            self.emit(PbxEvent::Hangup {
                uniqueid: id.clone(),
                cause,
            });
            self.after_channel_gone(id);
        }
    }

    /// The caller stops ringing `callee` (`DialEnd CANCEL`, then the callee hangs up).
    pub fn cancel_ring(&mut self, caller: &UniqueId, callee: &UniqueId, cause: u16) {
        if !self.world.exists(callee) {
            return;
        }
        self.emit(PbxEvent::DialEnd {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            status: DialStatus::Cancel,
        });
        self.drop_channel(callee, cause);
    }

    /// Ends the queue call `id` is part of, if any (`AgentComplete`): the reason is the agent
    /// or the caller hanging up, unless given. The call is returned for wrap-up.
    pub fn end_queue_call(
        &mut self,
        id: &UniqueId,
        reason: Option<CompleteReason>,
    ) -> Option<crate::queue::QueueCall> {
        let i = self
            .queue_calls
            .iter()
            .position(|c| &c.caller == id || &c.member == id)?;
        let call = self.queue_calls.remove(i);
        let reason = reason.unwrap_or(if &call.member == id {
            CompleteReason::Agent
        } else {
            CompleteReason::Caller
        });
        self.emit(PbxEvent::AgentComplete {
            queue: call.queue,
            agent: call.agent,
            caller: call.caller.clone(),
            destination: call.member.clone(),
            hold_time: call.hold_time,
            talk_time: self.now.since(call.connected_at).as_secs(),
            reason,
        });
        Some(call)
    }

    /// What follows a channel's disappearance: supervisors listening to it stop, attended
    /// transfers it was part of are cancelled.
    fn after_channel_gone(&mut self, id: &UniqueId) {
        let spies: Vec<UniqueId> = self
            .world
            .channels
            .values()
            .filter(|c| matches!(&c.role, Role::Spying(target) if target == id))
            .map(|c| c.id.clone())
            .collect();
        for spy in spies {
            self.hangup(&spy, causes::NORMAL);
        }
        if let Some(i) = self.transfer_index_by_transferer(id) {
            let tr = self.transfers.remove(i);
            self.emit(PbxEvent::AttendedTransfer {
                transferer: tr.transferer,
                target: tr.target,
                state: AttendedTransferState::Cancelled,
            });
        }
        if let Some(i) = self.transfers.iter().position(|t| &t.consult == id) {
            let tr = self.transfers.remove(i);
            self.unhold(&tr.transferer);
            self.emit(PbxEvent::AttendedTransfer {
                transferer: tr.transferer,
                target: tr.target,
                state: AttendedTransferState::Cancelled,
            });
        }
    }
}
