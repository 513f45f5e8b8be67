//! Pickup (switchboard retrieve): a caller waiting elsewhere — in a queue, ringing another
//! phone, or on hold — is taken from there and connected to a line, which rings with
//! auto-answer. A phone it was ringing stops with cause 26; a queue sees it leave; the party
//! that held it is hung up.

use ctid_core::ids::{LineId, UniqueId};

use crate::causes;
use crate::routing::DialOpts;
use crate::sim::Sim;
use crate::world::Role;

impl Sim {
    /// Connects the waiting caller `waiting` to `line`.
    pub fn pickup(&mut self, waiting: &UniqueId, line: LineId) {
        let Some(cfg) = self.ds.line(line).cloned() else {
            tracing::debug!(%line, "pickup to an unknown line ignored");
            self.refuse("pickup to an unknown line");
            return;
        };
        // The channel ringing a phone stands for its caller.
        let waiting = match self.world.ring_of(waiting).and_then(|r| r.caller.clone()) {
            Some(caller) => caller,
            None => waiting.clone(),
        };
        let Some(ch) = self.world.get(&waiting) else {
            tracing::debug!(%waiting, "pickup of an unknown channel ignored");
            self.refuse("pickup of an unknown channel");
            return;
        };
        if ch.line() == Some(line)
            || !self.line_reachable(line)
            || (self.world.line_in_use(line) && !cfg.call_waiting)
            || !self.can_create(1)
        {
            tracing::debug!(%waiting, %line, "pickup impossible, ignored");
            self.refuse("pickup impossible");
            return;
        }
        match ch.role.clone() {
            Role::Queued(queue) => self.queue_leave(queue, &waiting, causes::ANSWERED_ELSEWHERE),
            Role::Dialing(callees) => {
                for callee in callees {
                    self.cancel_ring(&waiting, &callee, causes::ANSWERED_ELSEWHERE);
                }
                self.set_role(&waiting, Role::Idle);
            }
            Role::Talking => {
                let Some(holder) = self
                    .world
                    .call_peer(&waiting)
                    .filter(|p| self.world.get(p).is_some_and(|c| c.held))
                else {
                    tracing::debug!(%waiting, "pickup of a call that is not waiting ignored");
                    self.refuse("pickup of a call that is not waiting");
                    return;
                };
                let completed = self.end_queue_call(&holder, None);
                self.bridge_leave(&waiting);
                self.bridge_leave(&holder);
                self.set_role(&waiting, Role::Idle);
                self.set_role(&holder, Role::Idle);
                self.hangup(&holder, causes::NORMAL);
                if let Some(call) = completed {
                    self.queue_call_completed(call);
                }
            }
            _ => {
                tracing::debug!(%waiting, "pickup of a call that is not waiting ignored");
                self.refuse("pickup of a call that is not waiting");
                return;
            }
        }
        self.dial_line(
            &waiting,
            line,
            &cfg.number,
            DialOpts {
                hops: 0,
                auto_answer: true,
                bypass_services: true,
            },
        );
    }
}
