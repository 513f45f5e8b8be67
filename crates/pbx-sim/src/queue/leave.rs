//! Callers leaving a queue without a member: abandon, `max_wait`, `leaveempty`, picked up or
//! sent away (`QueueCallerLeave`), and rings cancelled when an agent goes away.

use ctid_core::ids::{AgentId, QueueId, UniqueId};
use ctid_core::pbx::PbxEvent;

use super::live::{Entry, EntryState};
use crate::causes;
use crate::sim::Sim;
use crate::world::Role;

impl Sim {
    /// Takes a caller out of the queue (`QueueCallerLeave`); returns its entry and position.
    pub(super) fn remove_entry(
        &mut self,
        queue: QueueId,
        caller: &UniqueId,
    ) -> Option<(Entry, u32)> {
        let q = self.queues.get_mut(&queue)?;
        let i = q.entry_index(caller)?;
        let entry = q.entries.remove(i);
        let count = q.entries.len() as u32;
        self.emit(PbxEvent::QueueCallerLeave {
            queue,
            uniqueid: caller.clone(),
            count,
        });
        Some((entry, i as u32 + 1))
    }

    /// Stops the members ringing for an entry.
    fn cancel_entry_rings(&mut self, caller: &UniqueId, entry: &Entry, cause: u16) {
        if let EntryState::Ringing { members, .. } = &entry.state {
            for (_, callee) in members {
                self.cancel_ring(caller, callee, cause);
            }
        }
    }

    /// A waiting caller hung up: the members stop ringing, `QueueCallerAbandon`,
    /// `QueueCallerLeave`.
    pub fn queue_abandon(&mut self, queue: QueueId, caller: &UniqueId) {
        let Some(entry) = self.queues.get(&queue).and_then(|q| {
            q.entry_index(caller)
                .map(|i| (q.entries[i].clone(), i as u32 + 1))
        }) else {
            return;
        };
        let (entry, position) = entry;
        self.cancel_entry_rings(caller, &entry, causes::NORMAL);
        self.emit(PbxEvent::QueueCallerAbandon {
            queue,
            uniqueid: caller.clone(),
            position,
            original_position: entry.original_position,
            hold_time: self.now.since(entry.joined).as_secs(),
        });
        self.remove_entry(queue, caller);
    }

    /// A waiting caller is taken out of the queue (picked up, timed out, sent away): the
    /// members stop ringing (with `cause`) and it leaves. The caller stays up, doing nothing.
    pub fn queue_leave(&mut self, queue: QueueId, caller: &UniqueId, cause: u16) {
        let Some(entry) = self
            .queues
            .get(&queue)
            .and_then(|q| q.entry_index(caller).map(|i| q.entries[i].clone()))
        else {
            return;
        };
        self.cancel_entry_rings(caller, &entry, cause);
        self.remove_entry(queue, caller);
        self.set_role(caller, Role::Idle);
    }

    /// Timer: a caller waited the queue's `max_wait`: it leaves and is hung up.
    pub fn queue_max_wait(&mut self, caller: &UniqueId, token: u64) {
        let Some(Role::Queued(queue)) = self.world.get(caller).map(|c| c.role.clone()) else {
            return;
        };
        let same = self.queues.get(&queue).is_some_and(|q| {
            q.entry_index(caller)
                .is_some_and(|i| q.entries[i].token == token)
        });
        if same {
            self.queue_leave(queue, caller, causes::NORMAL);
            self.hangup(caller, causes::NORMAL);
        }
    }

    /// With `leaveempty`, waiting callers leave once no member is logged in.
    pub fn queue_check_leaveempty(&mut self, queue: QueueId) {
        let leaveempty = self.ds.queue(queue).is_some_and(|q| q.leaveempty);
        if !leaveempty || self.queue_has_logged_member(queue) {
            return;
        }
        let callers: Vec<UniqueId> = self
            .queues
            .get(&queue)
            .map(|q| q.entries.iter().map(|e| e.caller.clone()).collect())
            .unwrap_or_default();
        for caller in callers {
            self.queue_leave(queue, &caller, causes::NORMAL);
            self.hangup(&caller, causes::NORMAL);
        }
    }

    /// Stops the calls of `queue` (or of every queue) ringing an agent's phone: the agent
    /// logged off or left the queue. Their callers wait for the next member at once.
    pub fn queue_cancel_agent_rings(&mut self, agent: AgentId, only: Option<QueueId>) {
        let mut rings = Vec::new();
        for id in &self.queue_order {
            if only.is_some_and(|o| o != *id) {
                continue;
            }
            let Some(q) = self.queues.get(id) else {
                continue;
            };
            for e in &q.entries {
                if let EntryState::Ringing { members, .. } = &e.state {
                    for (a, callee) in members.iter().filter(|(a, _)| *a == agent) {
                        rings.push((*id, *a, e.caller.clone(), callee.clone()));
                    }
                }
            }
        }
        for (queue, _, caller, callee) in rings {
            self.cancel_ring(&caller, &callee, causes::NORMAL);
            if let Some(q) = self.queues.get_mut(&queue)
                && let Some(i) = q.entry_index(&caller)
            {
                let entry = &mut q.entries[i];
                if let EntryState::Ringing { members, .. } = &mut entry.state {
                    members.retain(|(_, c)| *c != callee);
                    if members.is_empty() {
                        entry.state = EntryState::Waiting;
                    }
                }
            }
        }
    }
}
