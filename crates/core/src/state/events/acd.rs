//! Queue call events: callers joining, leaving and abandoning queues, members being rung,
//! answering and completing ACD calls, and wrap-up.

use crate::event::Event;
use crate::ids::{AgentId, QueueId, UniqueId};
use crate::live::QueueEntry;
use crate::state::State;
use crate::state::agents::AcdCall;
use crate::state::queue_log::Record;
use crate::time::Timestamp;

impl State {
    pub(super) fn on_caller_join(
        &mut self,
        now: Timestamp,
        queue: QueueId,
        uniqueid: &UniqueId,
        position: u32,
        out: &mut Vec<Event>,
    ) {
        let Some(q) = self.queues.get_mut(queue) else {
            tracing::debug!(%queue, "caller joins an unknown queue");
            return;
        };
        let (number, name) = self
            .channels
            .get(uniqueid)
            .map(|c| (c.caller.number.clone(), c.caller.name.clone()))
            .unwrap_or_default();
        let entry = QueueEntry {
            position,
            uniqueid: uniqueid.clone(),
            number,
            name,
            join_time: now,
        };
        if !q.add_entry(position, entry) {
            return;
        }
        q.log.push(now, Record::Enter);
        out.push(Event::QueueEntries {
            queue,
            entries: q.entries_payload(),
        });
        if let Some(ch) = self.channels.get_mut(uniqueid) {
            ch.waiting_in = Some(queue);
        }
        self.queues.mark(queue);
    }

    pub(super) fn on_caller_leave(
        &mut self,
        queue: QueueId,
        uniqueid: &UniqueId,
        out: &mut Vec<Event>,
    ) {
        if let Some(ch) = self.channels.get_mut(uniqueid)
            && ch.waiting_in == Some(queue)
        {
            ch.waiting_in = None;
        }
        self.remove_waiting(queue, uniqueid, out);
    }

    /// Takes a caller out of a queue's waiting list, if it is there.
    pub(in crate::state) fn remove_waiting(
        &mut self,
        queue: QueueId,
        uniqueid: &UniqueId,
        out: &mut Vec<Event>,
    ) {
        let Some(q) = self.queues.get_mut(queue) else {
            tracing::debug!(%queue, "caller leaves an unknown queue");
            return;
        };
        if !q.remove_entry(uniqueid) {
            tracing::debug!(%queue, %uniqueid, "caller was not waiting in the queue");
            return;
        }
        out.push(Event::QueueEntries {
            queue,
            entries: q.entries_payload(),
        });
        self.queues.mark(queue);
    }

    pub(super) fn on_caller_abandon(&mut self, now: Timestamp, queue: QueueId, hold_time: u64) {
        match self.queues.get_mut(queue) {
            Some(q) => q.log.push(now, Record::Abandon(hold_time)),
            None => tracing::debug!(%queue, "abandon in an unknown queue"),
        }
    }

    pub(super) fn on_agent_called(
        &mut self,
        queue: QueueId,
        agent: AgentId,
        destination: &UniqueId,
    ) {
        if self.queues.get(queue).is_none() {
            tracing::debug!(%queue, "agent called from an unknown queue");
            return;
        }
        let Some(a) = self.agents.get_mut(agent) else {
            tracing::debug!(%agent, "unknown agent called");
            return;
        };
        a.add_ringing(queue, destination);
        self.agents.mark(agent);
        self.mark_acd_channel(queue, agent, destination);
    }

    pub(super) fn on_agent_ring_no_answer(&mut self, agent: AgentId, destination: &UniqueId) {
        let Some(a) = self.agents.get_mut(agent) else {
            tracing::debug!(%agent, "ring-no-answer of an unknown agent");
            return;
        };
        a.ringing.retain(|r| &r.destination != destination);
        self.agents.mark(agent);
    }

    pub(super) fn on_agent_connect(
        &mut self,
        now: Timestamp,
        queue: QueueId,
        agent: AgentId,
        destination: &UniqueId,
        hold_time: u64,
    ) {
        let Some(q) = self.queues.get_mut(queue) else {
            tracing::debug!(%queue, "agent connect in an unknown queue");
            return;
        };
        let repeated = self
            .agents
            .get(agent)
            .and_then(|a| a.acd.as_ref())
            .is_some_and(|c| &c.destination == destination);
        if repeated {
            tracing::debug!(%agent, %destination, "duplicate agent connect ignored");
            return;
        }
        q.ewt = (q.ewt.saturating_mul(3).saturating_add(hold_time)) / 4;
        q.log.push(now, Record::Connect(hold_time));
        self.queues.mark(queue);
        let linkedid = self.channels.get(destination).map(|c| c.linkedid.clone());
        let Some(a) = self.agents.get_mut(agent) else {
            tracing::debug!(%agent, "unknown agent connected");
            return;
        };
        a.ringing.clear();
        a.acd = Some(AcdCall {
            queue,
            destination: destination.clone(),
            linkedid,
        });
        self.agents.mark(agent);
        self.mark_acd_channel(queue, agent, destination);
    }

    pub(super) fn on_agent_complete(
        &mut self,
        now: Timestamp,
        queue: QueueId,
        agent: AgentId,
        destination: &UniqueId,
    ) {
        let wraps_up = self.dataset.queue(queue).is_some_and(|q| q.wrapup > 0);
        let Some(a) = self.agents.get_mut(agent) else {
            tracing::debug!(%agent, "unknown agent completed a call");
            return;
        };
        if a.acd
            .as_ref()
            .is_some_and(|c| &c.destination == destination)
        {
            a.acd = None;
            // Wrap-up starts with the end of the call (as xivo-ctid does on `AgentComplete`
            // with a wrap-up time): waiting for `AgentWrapupStarted` would show the agent
            // available for a moment in between. `AgentWrapupEnded` ends it.
            if wraps_up && a.logged() {
                a.wrapup = true;
            }
        }
        a.ringing.retain(|r| &r.destination != destination);
        self.agents.mark(agent);
        if let Some(member) = self
            .queues
            .get_mut(queue)
            .and_then(|q| q.members.get_mut(&agent))
        {
            let s = member.status_mut();
            s.calls_taken = s.calls_taken.saturating_add(1);
            s.last_call = Some(now);
        }
    }

    pub(super) fn on_wrapup(&mut self, agent: AgentId, on: bool) {
        let Some(a) = self.agents.get_mut(agent) else {
            tracing::debug!(%agent, "wrap-up of an unknown agent");
            return;
        };
        if a.wrapup != on && (a.logged() || !on) {
            a.wrapup = on;
            self.agents.mark(agent);
        }
    }

    /// Records on the member's channel that it carries an ACD call of this queue.
    fn mark_acd_channel(&mut self, queue: QueueId, agent: AgentId, destination: &UniqueId) {
        let Some(ch) = self.channels.get_mut(destination) else {
            return;
        };
        ch.queue = Some(queue);
        ch.acd_agent = Some(agent);
        self.touch(destination);
    }
}
