//! Queue members: `QueueMemberAdded`, `QueueMemberRemoved`, `QueueMemberPause`,
//! `QueueMemberPenalty`; `QueueMemberStatus` and `QueueMember` (a `QueueStatus` answer) only
//! teach which agent an interface is.
//!
//! A member whose interface is a configured line's (`SIP/1003`, a static member in
//! queues.conf) is the agent of that line's user, logged in on that line for as long as it is a
//! member of some queue that way: the first such membership emits an `AgentLogin` before the
//! `QueueMemberAdded`, the removal of the last one an `AgentLogoff` after the
//! `QueueMemberRemoved`. Agents of app_agent_pool (`Agent:2001`) and XiVO's agent channels log in
//! with their own events.

use ctid_core::ids::{AgentId, LineId, QueueId};
use ctid_core::pbx::PbxEvent;

use super::{Fields, Translator, names};

impl Translator {
    /// Queue and member of a member event, with the line when the member is a line's.
    fn membership(&mut self, e: Fields<'_>) -> Option<(QueueId, AgentId, Option<LineId>)> {
        let queue = self.queue_of(e)?;
        let agent = self.member_of(e)?;
        let interface = e.some("Interface").or_else(|| e.some("Location"))?;
        let line = names::line_member(&self.dataset, interface);
        Some((queue, agent, line))
    }

    pub(super) fn member_seen(&mut self, e: Fields<'_>) -> Option<()> {
        let (queue, agent, line) = self.membership(e)?;
        if line.is_some() {
            self.line_memberships
                .entry(agent)
                .or_default()
                .insert(queue);
        }
        Some(())
    }

    pub(super) fn member_added(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let (queue, agent, line) = self.membership(e)?;
        if let Some(line) = line {
            let queues = self.line_memberships.entry(agent).or_default();
            if queues.is_empty() {
                out.push(PbxEvent::AgentLogin { agent, line });
            }
            queues.insert(queue);
        }
        out.push(PbxEvent::QueueMemberAdded {
            queue,
            agent,
            penalty: e.number("Penalty").unwrap_or(0),
            paused: e.flag("Paused"),
        });
        Some(())
    }

    pub(super) fn member_removed(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let (queue, agent, line) = self.membership(e)?;
        out.push(PbxEvent::QueueMemberRemoved { queue, agent });
        if line.is_some()
            && let Some(queues) = self.line_memberships.get_mut(&agent)
            && queues.remove(&queue)
            && queues.is_empty()
        {
            self.line_memberships.remove(&agent);
            out.push(PbxEvent::AgentLogoff { agent });
        }
        Some(())
    }

    pub(super) fn member_paused(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let (queue, agent, _) = self.membership(e)?;
        out.push(PbxEvent::QueueMemberPaused {
            queue,
            agent,
            paused: e.flag("Paused"),
            reason: e
                .some("PausedReason")
                .or_else(|| e.some("Reason"))
                .map(str::to_owned),
        });
        Some(())
    }

    pub(super) fn member_penalty(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let (queue, agent, _) = self.membership(e)?;
        out.push(PbxEvent::QueueMemberPenalty {
            queue,
            agent,
            penalty: e.number("Penalty")?,
        });
        Some(())
    }
}
