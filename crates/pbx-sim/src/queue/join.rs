//! A caller enters a queue (`QueueCallerJoin`), or is refused: when `joinempty` forbids it
//! (cause 17), or when `max_callers` are already waiting (Asterisk's `QUEUESTATUS=FULL`: the
//! caller goes to the queue's `full_destination`, else is hung up with cause 34).

use std::time::Duration;

use ctid_core::ids::{QueueId, UniqueId};
use ctid_core::pbx::PbxEvent;

use super::live::{Entry, EntryState};
use crate::causes;
use crate::sim::{MAX_HOPS, Sim};
use crate::timers::Timer;
use crate::world::Role;

impl Sim {
    /// Whether any member of the queue is logged in.
    pub fn queue_has_logged_member(&self, queue: QueueId) -> bool {
        self.queues.get(&queue).is_some_and(|q| {
            q.members
                .iter()
                .any(|m| self.agents.get(&m.agent).is_some_and(|a| a.line.is_some()))
        })
    }

    /// A caller enters a queue; `hops` counts the redirections that brought it here.
    pub fn queue_join(&mut self, caller: &UniqueId, queue: QueueId, hops: u8) {
        let Some(cfg) = self.ds.queue(queue).cloned() else {
            self.hangup(caller, causes::UNALLOCATED);
            return;
        };
        if !cfg.joinempty && !self.queue_has_logged_member(queue) {
            tracing::debug!(%caller, queue = %cfg.name, "queue empty: caller refused");
            self.hangup(caller, causes::BUSY);
            return;
        }
        let waiting = self.queues.get(&queue).map_or(0, |q| q.entries.len());
        if waiting >= cfg.max_callers as usize {
            tracing::info!(%caller, queue = %cfg.name, waiting, "queue full: caller refused");
            match cfg.full_destination {
                Some(dest) if hops < MAX_HOPS => self.route(caller, &dest, hops + 1),
                _ => self.hangup(caller, causes::QUEUE_FULL),
            }
            return;
        }
        self.answer_channel(caller);
        let token = self.timers.token();
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let position = q.entries.len() as u32 + 1;
        q.entries.push(Entry {
            caller: caller.clone(),
            joined: self.now,
            original_position: position,
            token,
            state: EntryState::Waiting,
            tried: Vec::new(),
        });
        self.set_role(caller, Role::Queued(queue));
        self.emit(PbxEvent::QueueCallerJoin {
            queue,
            uniqueid: caller.clone(),
            position,
            count: position,
        });
        if cfg.max_wait > 0 {
            let at = self.now.plus(Duration::from_secs(u64::from(cfg.max_wait)));
            self.timers.set(
                at,
                Timer::QueueMaxWait {
                    caller: caller.clone(),
                    token,
                },
            );
        }
        self.offer_queue(queue);
    }
}
