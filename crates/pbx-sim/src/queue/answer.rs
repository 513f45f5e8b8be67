//! A member answers a queue call (`AgentConnect`; the others stop ringing), and the member's
//! statistics and wrap-up when the call ends.

use ctid_core::ids::{AgentId, QueueId, UniqueId};
use ctid_core::live::{ChannelState, DialStatus};
use ctid_core::pbx::PbxEvent;

use super::live::{EntryState, QueueCall};
use crate::causes;
use crate::sim::Sim;
use crate::world::Ring;

impl Sim {
    /// A member answered: the others stop ringing, the caller leaves the queue and is bridged
    /// with the member.
    pub fn queue_answer(&mut self, callee: &UniqueId, ring: &Ring, queue: QueueId, agent: AgentId) {
        let Some(caller) = ring.caller.clone().filter(|c| self.world.exists(c)) else {
            self.drop_channel(callee, causes::NORMAL);
            return;
        };
        let Some(entry) = self
            .queues
            .get(&queue)
            .and_then(|q| q.entry_index(&caller).map(|i| q.entries[i].clone()))
        else {
            self.drop_channel(callee, causes::NORMAL);
            return;
        };
        self.set_state(callee, ChannelState::Up);
        self.emit(PbxEvent::DialEnd {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            status: DialStatus::Answer,
        });
        if let EntryState::Ringing { members, .. } = &entry.state {
            for (_, other) in members.iter().filter(|(_, c)| c != callee) {
                self.cancel_ring(&caller, other, causes::ANSWERED_ELSEWHERE);
            }
        }
        let member_party = self
            .world
            .get(callee)
            .map(|c| c.caller.clone())
            .unwrap_or_default();
        self.set_connected(&caller, member_party);
        self.remove_entry(queue, &caller);
        let hold_time = self.now.since(entry.joined).as_secs();
        self.emit(PbxEvent::AgentConnect {
            queue,
            agent,
            caller: caller.clone(),
            destination: callee.clone(),
            hold_time,
            ring_time: self.now.since(ring.started).as_secs(),
        });
        self.connect(callee, &caller);
        self.queue_calls.push(QueueCall {
            queue,
            agent,
            caller: caller.clone(),
            member: callee.clone(),
            hold_time,
            connected_at: self.now,
        });
        self.transfer_consult_answered(&caller, callee);
    }

    /// A queue call ended: the member's statistics move and its wrap-up starts.
    pub fn queue_call_completed(&mut self, call: QueueCall) {
        let now = self.now;
        if let Some(m) = self
            .queues
            .get_mut(&call.queue)
            .and_then(|q| q.members.iter_mut().find(|m| m.agent == call.agent))
        {
            m.calls = m.calls.saturating_add(1);
            m.last_call = Some(now);
        }
        self.start_wrapup(call.agent, call.queue);
    }
}
