//! An attempt nobody answered: the ring timed out or the members' phones refused
//! (`AgentRingNoAnswer`), and the caller waits `retry` seconds before the next attempt.

use std::time::Duration;

use ctid_core::ids::{AgentId, QueueId, UniqueId};
use ctid_core::live::DialStatus;
use ctid_core::pbx::PbxEvent;

use super::live::EntryState;
use crate::causes;
use crate::sim::Sim;
use crate::timers::Timer;
use crate::world::Role;

impl Sim {
    /// Timer: the members rang `member_timeout` seconds without answering.
    pub fn queue_ring_timeout(&mut self, caller: &UniqueId, token: u64) {
        let Some(Role::Queued(queue)) = self.world.get(caller).map(|c| c.role.clone()) else {
            return;
        };
        let Some(members) = self.queues.get(&queue).and_then(|q| {
            let e = &q.entries[q.entry_index(caller)?];
            match &e.state {
                EntryState::Ringing { members, token: t } if *t == token => Some(members.clone()),
                _ => None,
            }
        }) else {
            return;
        };
        for (agent, callee) in members {
            self.emit(PbxEvent::AgentRingNoAnswer {
                queue,
                agent,
                caller: caller.clone(),
                destination: callee.clone(),
            });
            self.emit(PbxEvent::DialEnd {
                caller: Some(caller.clone()),
                callee: callee.clone(),
                status: DialStatus::NoAnswer,
            });
            self.drop_channel(&callee, causes::NO_ANSWER);
        }
        self.queue_pause_before_retry(queue, caller);
    }

    /// A member's phone refused the call (or went away) while ringing.
    pub fn queue_member_failed(
        &mut self,
        queue: QueueId,
        agent: AgentId,
        callee: &UniqueId,
        status: DialStatus,
        cause: u16,
    ) {
        let Some(caller) = self.world.ring_of(callee).and_then(|r| r.caller.clone()) else {
            self.drop_channel(callee, cause);
            return;
        };
        self.emit(PbxEvent::AgentRingNoAnswer {
            queue,
            agent,
            caller: caller.clone(),
            destination: callee.clone(),
        });
        self.emit(PbxEvent::DialEnd {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            status,
        });
        self.drop_channel(callee, cause);
        let mut none_left = false;
        if let Some(q) = self.queues.get_mut(&queue)
            && let Some(i) = q.entry_index(&caller)
            && let EntryState::Ringing { members, .. } = &mut q.entries[i].state
        {
            members.retain(|(_, c)| c != callee);
            none_left = members.is_empty();
        }
        if none_left {
            self.queue_pause_before_retry(queue, &caller);
        }
    }

    /// Nobody answered this attempt: the caller waits `retry` seconds before the next.
    fn queue_pause_before_retry(&mut self, queue: QueueId, caller: &UniqueId) {
        let retry = self.ds.queue(queue).map_or(0, |q| q.retry);
        let token = self.timers.token();
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let Some(i) = q.entry_index(caller) else {
            return;
        };
        q.entries[i].state = EntryState::Retry { token };
        let at = self.now.plus(Duration::from_secs(u64::from(retry)));
        self.timers.set(
            at,
            Timer::QueueRetry {
                caller: caller.clone(),
                token,
            },
        );
    }

    /// Timer: a caller's pause between two attempts is over.
    pub fn queue_retry(&mut self, caller: &UniqueId, token: u64) {
        let Some(Role::Queued(queue)) = self.world.get(caller).map(|c| c.role.clone()) else {
            return;
        };
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let Some(i) = q.entry_index(caller) else {
            return;
        };
        if matches!(q.entries[i].state, EntryState::Retry { token: t } if t == token) {
            q.entries[i].state = EntryState::Waiting;
            self.offer_queue(queue);
        }
    }
}
