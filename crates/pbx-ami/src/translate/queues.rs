//! Queue calls: `QueueCallerJoin`, `QueueCallerLeave`, `QueueCallerAbandon`, and the members
//! rung for them: `AgentCalled`, `AgentRingNoAnswer`, `AgentConnect`, `AgentComplete`.
//!
//! Wrap-up: the core starts it itself on `AgentComplete` when the queue has a wrap-up time; its
//! end (`AgentWrapupEnded`) needs a timer the translator does not have (not emitted yet).

use ctid_core::ids::{AgentId, QueueId, UniqueId};
use ctid_core::pbx::{CompleteReason, PbxEvent};

use super::channels::uniqueid;
use super::{Fields, Translator, names};

impl Translator {
    /// The event's queue, from its `Queue` field.
    pub(super) fn queue_of(&self, e: Fields<'_>) -> Option<QueueId> {
        let name = e.some("Queue")?;
        let queue = names::queue(&self.dataset, name);
        if queue.is_none() {
            tracing::debug!(queue = name, "AMI event of a queue not in the dataset");
        }
        queue
    }

    /// The event's member, from its `Interface` (and `StateInterface`, or what earlier events
    /// said of that interface).
    pub(super) fn member_of(&mut self, e: Fields<'_>) -> Option<AgentId> {
        let interface = e.some("Interface").or_else(|| e.some("Location"));
        let state_interface = e.some("StateInterface");
        if let Some(agent) = names::agent_of_member(&self.dataset, interface, state_interface) {
            if let Some(interface) = interface
                && state_interface.is_some()
                && self.member_agents.len() < super::MAX_MEMBER_INTERFACES
            {
                self.member_agents.insert(interface.into(), agent);
            }
            return Some(agent);
        }
        let known = interface.and_then(|i| self.member_agents.get(i).copied());
        if known.is_none() {
            tracing::debug!(?interface, "queue member that is no configured agent");
        }
        known
    }

    pub(super) fn caller_join(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::QueueCallerJoin {
            queue: self.queue_of(e)?,
            uniqueid: uniqueid(e)?,
            position: e.number("Position")?,
            count: e.number("Count").unwrap_or(0),
        });
        Some(())
    }

    pub(super) fn caller_leave(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::QueueCallerLeave {
            queue: self.queue_of(e)?,
            uniqueid: uniqueid(e)?,
            count: e.number("Count").unwrap_or(0),
        });
        Some(())
    }

    pub(super) fn caller_abandon(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let position = e.number("Position").unwrap_or(0);
        out.push(PbxEvent::QueueCallerAbandon {
            queue: self.queue_of(e)?,
            uniqueid: uniqueid(e)?,
            position,
            original_position: e.number("OriginalPosition").unwrap_or(position),
            hold_time: e.number("HoldTime").unwrap_or(0),
        });
        Some(())
    }

    /// Queue, member, caller and the member's channel of an `Agent*` event.
    fn acd(&mut self, e: Fields<'_>) -> Option<(QueueId, AgentId, UniqueId, UniqueId)> {
        let queue = self.queue_of(e)?;
        let agent = self.member_of(e)?;
        let caller = uniqueid(e)?;
        let destination = e.some("DestUniqueid").map(UniqueId::from)?;
        Some((queue, agent, caller, destination))
    }

    pub(super) fn agent_called(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let (queue, agent, caller, destination) = self.acd(e)?;
        out.push(PbxEvent::AgentCalled {
            queue,
            agent,
            caller,
            destination,
        });
        Some(())
    }

    pub(super) fn agent_ring_no_answer(
        &mut self,
        e: Fields<'_>,
        out: &mut Vec<PbxEvent>,
    ) -> Option<()> {
        let (queue, agent, caller, destination) = self.acd(e)?;
        out.push(PbxEvent::AgentRingNoAnswer {
            queue,
            agent,
            caller,
            destination,
        });
        Some(())
    }

    pub(super) fn agent_connect(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let (queue, agent, caller, destination) = self.acd(e)?;
        out.push(PbxEvent::AgentConnect {
            queue,
            agent,
            caller,
            destination,
            hold_time: e.number("HoldTime").unwrap_or(0),
            ring_time: e.number("RingTime").unwrap_or(0),
        });
        Some(())
    }

    pub(super) fn agent_complete(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let (queue, agent, caller, destination) = self.acd(e)?;
        let reason = match e.get("Reason") {
            Some("agent") => CompleteReason::Agent,
            Some("transfer") => CompleteReason::Transfer,
            _ => CompleteReason::Caller,
        };
        out.push(PbxEvent::AgentComplete {
            queue,
            agent,
            caller,
            destination,
            hold_time: e.number("HoldTime").unwrap_or(0),
            talk_time: e.number("TalkTime").unwrap_or(0),
            reason,
        });
        Some(())
    }
}
