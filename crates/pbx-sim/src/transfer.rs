//! Transfers.
//!
//! - **Blind**: the transferer's channel hangs up and the party it talked to (the transferee)
//!   is dialled to the destination like a new call from it (`BlindTransfer`, then a new callee
//!   channel with `DialBegin` whose caller is the transferee).
//! - **Attended**: the transferer holds its call (`Hold`) and its line places a consultation
//!   call to the destination on a second channel that shares the call's linked id (as
//!   Asterisk's atxfer legs do): `AttendedTransfer Started`, then `Answered` when the target
//!   answers. *Complete* puts the target in the transferee's bridge, hangs up both transferer
//!   channels (`AttendedTransfer Completed`; completing while the target still rings hands the
//!   ringing call to the transferee). *Cancel* hangs the consultation up and resumes the first
//!   call (`Unhold`, `AttendedTransfer Cancelled`). *Merge* brings the target into the first
//!   call's bridge: a three-party call (`Unhold`, consultation channel hung up, and
//!   `AttendedTransfer Cancelled` since no transfer is pending any more).
//!
//! `USR_*` variables follow the transferee: the target's channel gets them (`VarSet`).

use ctid_core::ids::UniqueId;
use ctid_core::live::{ChannelState, Endpoint};
use ctid_core::pbx::{AttendedTransferState, CompleteReason, PbxEvent};

use crate::causes;
use crate::channel::NewChannel;
use crate::sim::Sim;
use crate::world::Role;

/// An attended transfer in progress.
#[derive(Clone, Debug)]
pub(crate) struct Transfer {
    /// The transferer's channel in the first call (held).
    pub transferer: UniqueId,
    /// The party it talked to.
    pub transferee: UniqueId,
    /// The transferer's consultation channel.
    pub consult: UniqueId,
    /// The target's channel, once it answered.
    pub target: Option<UniqueId>,
    /// Where to.
    pub destination: String,
}

impl Sim {
    /// The attended transfer started by this channel.
    pub fn transfer_index_by_transferer(&self, id: &UniqueId) -> Option<usize> {
        self.transfers.iter().position(|t| &t.transferer == id)
    }

    /// The transferee of a channel that talks to exactly one other party.
    fn talking_peer(&self, id: &UniqueId) -> Option<UniqueId> {
        let ch = self.world.get(id)?;
        if !matches!(ch.role, Role::Talking) {
            return None;
        }
        self.world.call_peer(id)
    }

    /// Blind transfer of the party talking to `transferer` to `destination`.
    pub fn blind_transfer(&mut self, transferer: &UniqueId, destination: &str) {
        let Some(transferee) = self.talking_peer(transferer) else {
            tracing::debug!(%transferer, "blind transfer of a channel not in a two-party call ignored");
            self.refuse("blind transfer of a channel not in a two-party call");
            return;
        };
        if self.transfer_index_by_transferer(transferer).is_some() {
            tracing::debug!(%transferer, "blind transfer during an attended transfer ignored");
            self.refuse("blind transfer during an attended transfer");
            return;
        }
        self.unhold(transferer);
        let completed = self.end_queue_call(transferer, Some(CompleteReason::Transfer));
        self.emit(PbxEvent::BlindTransfer {
            transferer: transferer.clone(),
            transferee: Some(transferee.clone()),
            destination: destination.to_owned(),
        });
        self.bridge_leave(&transferee);
        self.bridge_leave(transferer);
        self.set_role(&transferee, Role::Idle);
        self.set_role(transferer, Role::Idle);
        self.hangup(transferer, causes::NORMAL);
        if let Some(call) = completed {
            self.queue_call_completed(call);
        }
        self.route(&transferee, destination, 0);
    }

    /// Starts an attended transfer: holds the call of `transferer` and calls `destination`
    /// from the same line.
    pub fn attended_transfer(&mut self, transferer: &UniqueId, destination: &str) {
        let Some(transferee) = self.talking_peer(transferer) else {
            tracing::debug!(%transferer, "attended transfer of a channel not in a two-party call ignored");
            self.refuse("attended transfer of a channel not in a two-party call");
            return;
        };
        if self.transfer_index_by_transferer(transferer).is_some()
            || self.transfers.iter().any(|t| &t.transferee == transferer)
        {
            tracing::debug!(%transferer, "second attended transfer ignored");
            self.refuse("second attended transfer");
            return;
        }
        let Some(ch) = self.world.get(transferer) else {
            return;
        };
        let (Some(line), linkedid) = (ch.line(), ch.linkedid.clone()) else {
            tracing::debug!(%transferer, "attended transfer from a channel without a line ignored");
            self.refuse("attended transfer from a channel without a line");
            return;
        };
        if !self.can_create(2) {
            tracing::debug!(%transferer, "attended transfer refused: channel bound reached");
            self.refuse("attended transfer impossible: channel bound reached");
            return;
        }
        self.hold(transferer);
        let consult = self.create_channel(NewChannel {
            endpoint: Endpoint::Line(line),
            linkedid: Some(linkedid),
            caller: self.line_party(line),
            exten: destination.to_owned(),
            state: ChannelState::Ring,
            inbound: false,
        });
        self.transfers.push(Transfer {
            transferer: transferer.clone(),
            transferee,
            consult: consult.clone(),
            target: None,
            destination: destination.to_owned(),
        });
        self.emit(PbxEvent::AttendedTransfer {
            transferer: transferer.clone(),
            target: None,
            state: AttendedTransferState::Started,
        });
        self.route(&consult, destination, 0);
    }

    /// Hook: a call was answered; if it is a consultation call, the transfer progresses.
    pub fn transfer_consult_answered(&mut self, caller: &UniqueId, callee: &UniqueId) {
        let Some(tr) = self.transfers.iter_mut().find(|t| &t.consult == caller) else {
            return;
        };
        tr.target = Some(callee.clone());
        let transferer = tr.transferer.clone();
        self.emit(PbxEvent::AttendedTransfer {
            transferer,
            target: Some(callee.clone()),
            state: AttendedTransferState::Answered,
        });
    }

    /// Completes the attended transfer started by `transferer`.
    pub fn complete_transfer(&mut self, transferer: &UniqueId) {
        let Some(i) = self.transfer_index_by_transferer(transferer) else {
            tracing::debug!(%transferer, "completion of an unknown transfer ignored");
            self.refuse("completion of an unknown transfer");
            return;
        };
        let tr = self.transfers.remove(i);
        let consult_role = self.world.get(&tr.consult).map(|c| c.role.clone());
        let first_bridge = self.world.get(transferer).and_then(|c| c.bridge.clone());
        let Some(first_bridge) = first_bridge.filter(|_| self.world.exists(&tr.transferee)) else {
            tracing::debug!(%transferer, "completion of a transfer whose first call is gone");
            return;
        };
        let completed = self.end_queue_call(transferer, Some(CompleteReason::Transfer));
        match consult_role {
            Some(Role::Talking) if self.world.call_peer(&tr.consult).is_some() => {
                let Some(target) = self.world.call_peer(&tr.consult) else {
                    return;
                };
                self.bridge_leave(transferer);
                self.bridge_leave(&tr.consult);
                self.bridge_leave(&target);
                self.bridge_enter(&first_bridge, &target);
                self.set_role(&target, Role::Talking);
                self.set_role(transferer, Role::Idle);
                self.set_role(&tr.consult, Role::Idle);
                self.inherit_usr_vars(&tr.transferee, &target);
                self.hand_over_queue_call(&tr.consult, &tr.transferee);
                let transferee_party = self.party_of(&tr.transferee);
                let target_party = self.party_of(&target);
                self.set_connected(&tr.transferee, target_party);
                self.set_connected(&target, transferee_party);
                self.emit(PbxEvent::AttendedTransfer {
                    transferer: transferer.clone(),
                    target: Some(target),
                    state: AttendedTransferState::Completed,
                });
                self.hangup(transferer, causes::NORMAL);
                self.hangup(&tr.consult, causes::NORMAL);
            }
            Some(Role::Dialing(callees)) => {
                // The target still rings: the transferee takes over the ringing call.
                self.bridge_leave(transferer);
                self.bridge_leave(&tr.transferee);
                self.set_role(transferer, Role::Idle);
                self.set_role(&tr.consult, Role::Idle);
                let transferee_party = self.party_of(&tr.transferee);
                for callee in &callees {
                    if let Some(Role::Ringing(ring)) =
                        self.world.get_mut(callee).map(|c| &mut c.role)
                    {
                        ring.caller = Some(tr.transferee.clone());
                    }
                    self.inherit_usr_vars(&tr.transferee, callee);
                    self.set_connected(callee, transferee_party.clone());
                }
                if let Some(first) = callees.first() {
                    let target_party = self.party_of(first);
                    self.set_connected(&tr.transferee, target_party);
                }
                self.set_role(&tr.transferee, Role::Dialing(callees.clone()));
                self.emit(PbxEvent::AttendedTransfer {
                    transferer: transferer.clone(),
                    target: callees.first().cloned(),
                    state: AttendedTransferState::Completed,
                });
                self.hangup(transferer, causes::NORMAL);
                self.hangup(&tr.consult, causes::NORMAL);
            }
            _ => {
                // The consultation reached an application (queue, voicemail, room...) or is
                // gone: the transferee is sent to the destination like a blind transfer.
                self.hangup(&tr.consult, causes::NORMAL);
                self.emit(PbxEvent::AttendedTransfer {
                    transferer: transferer.clone(),
                    target: None,
                    state: AttendedTransferState::Completed,
                });
                self.bridge_leave(&tr.transferee);
                self.bridge_leave(transferer);
                self.set_role(&tr.transferee, Role::Idle);
                self.set_role(transferer, Role::Idle);
                self.hangup(transferer, causes::NORMAL);
                self.route(&tr.transferee, &tr.destination, 0);
            }
        }
        if let Some(call) = completed {
            self.queue_call_completed(call);
        }
    }

    /// Cancels the attended transfer started by `transferer`: the consultation call is hung
    /// up, which resumes the first call (see `hangup.rs`).
    pub fn cancel_transfer(&mut self, transferer: &UniqueId) {
        let Some(i) = self.transfer_index_by_transferer(transferer) else {
            tracing::debug!(%transferer, "cancel of an unknown transfer ignored");
            self.refuse("cancel of an unknown transfer");
            return;
        };
        let consult = self.transfers[i].consult.clone();
        if self.world.exists(&consult) {
            self.hangup(&consult, causes::NORMAL);
        } else {
            let tr = self.transfers.remove(i);
            self.unhold(transferer);
            self.emit(PbxEvent::AttendedTransfer {
                transferer: tr.transferer,
                target: tr.target,
                state: AttendedTransferState::Cancelled,
            });
        }
    }

    /// Turns the attended transfer started by `transferer` into a three-party call.
    pub fn merge_conference(&mut self, transferer: &UniqueId) {
        let Some(i) = self.transfer_index_by_transferer(transferer) else {
            tracing::debug!(%transferer, "merge of an unknown transfer ignored");
            self.refuse("merge of an unknown transfer");
            return;
        };
        let tr = self.transfers[i].clone();
        let target = self
            .world
            .get(&tr.consult)
            .filter(|c| matches!(c.role, Role::Talking))
            .and_then(|_| self.world.call_peer(&tr.consult));
        let first_bridge = self.world.get(transferer).and_then(|c| c.bridge.clone());
        let (Some(target), Some(first_bridge)) = (target, first_bridge) else {
            tracing::debug!(%transferer, "merge before the target answered ignored");
            self.refuse("merge before the target answered");
            return;
        };
        self.transfers.remove(i);
        self.unhold(transferer);
        self.bridge_leave(&tr.consult);
        self.bridge_leave(&target);
        self.bridge_enter(&first_bridge, &target);
        self.set_role(&target, Role::Talking);
        self.set_role(&tr.consult, Role::Idle);
        self.hand_over_queue_call(&tr.consult, transferer);
        self.emit(PbxEvent::AttendedTransfer {
            transferer: transferer.clone(),
            target: Some(target),
            state: AttendedTransferState::Cancelled,
        });
        self.hangup(&tr.consult, causes::NORMAL);
    }

    /// A queue call whose caller side was `from` now continues with `to`.
    fn hand_over_queue_call(&mut self, from: &UniqueId, to: &UniqueId) {
        for call in self.queue_calls.iter_mut().filter(|c| &c.caller == from) {
            call.caller = to.clone();
        }
    }

    /// A channel's caller-id.
    fn party_of(&self, id: &UniqueId) -> ctid_core::live::Party {
        self.world
            .get(id)
            .map(|c| c.caller.clone())
            .unwrap_or_default()
    }
}
