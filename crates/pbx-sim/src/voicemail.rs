//! Voicemail: a caller sent to a box (no answer, busy, unregistered phone, `*97<mailbox>`) is
//! answered by the voicemail application — up, bridged with nobody — and when it hangs up its
//! message is in the box (`MessageWaiting` with one more new message). `*98` from a line
//! consults the owner's box; hanging up marks the new messages as read.

use ctid_core::ids::{UniqueId, UserId, VoicemailId};
use ctid_core::pbx::PbxEvent;

use crate::sim::Sim;
use crate::world::Role;

impl Sim {
    /// The box a user's unanswered calls go to: the user's own, when voicemail is on.
    pub fn voicemail_of(&self, user: UserId) -> Option<VoicemailId> {
        if !self.services_of(user).voicemail_enabled {
            return None;
        }
        self.ds
            .user(user)
            .and_then(|u| u.voicemail)
            .filter(|vm| self.ds.voicemail(*vm).is_some())
    }

    /// The voicemail application answers a caller to record a message.
    pub fn voicemail_deposit(&mut self, caller: &UniqueId, vm: VoicemailId) {
        self.answer_channel(caller);
        self.set_role(caller, Role::VoicemailDeposit(vm));
    }

    /// The voicemail application answers a user consulting its box.
    pub fn voicemail_consult(&mut self, caller: &UniqueId, vm: VoicemailId) {
        self.answer_channel(caller);
        self.set_role(caller, Role::VoicemailConsult(vm));
    }

    /// A caller leaving a message hung up: the message is in the box.
    pub fn voicemail_deposited(&mut self, vm: VoicemailId) {
        let counts = self.boxes.entry(vm).or_default();
        counts.new = counts.new.saturating_add(1);
        let (new, old) = (counts.new, counts.old);
        self.emit(PbxEvent::MessageWaiting {
            voicemail: vm,
            new,
            old,
        });
    }

    /// A user consulting its box hung up: its new messages are now old.
    pub fn voicemail_consulted(&mut self, vm: VoicemailId) {
        let counts = self.boxes.entry(vm).or_default();
        if counts.new == 0 {
            return;
        }
        counts.old = counts.old.saturating_add(counts.new);
        counts.new = 0;
        let (new, old) = (counts.new, counts.old);
        self.emit(PbxEvent::MessageWaiting {
            voicemail: vm,
            new,
            old,
        });
    }
}
