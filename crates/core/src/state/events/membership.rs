//! Agent login and logoff, and queue membership events (added, removed, paused, penalty): they
//! change the agent's status and its memberships, which the refresh pass then emits.

use crate::event::Event;
use crate::ids::{AgentId, LineId, QueueId};
use crate::state::State;
use crate::state::queues::{Contribution, Member};

impl State {
    pub(super) fn on_agent_login(&mut self, agent: AgentId, line: LineId, out: &mut Vec<Event>) {
        let Some(number) = self.lines.get(line).map(|l| l.number.clone()) else {
            tracing::debug!(%agent, %line, "agent login on an unknown line");
            return;
        };
        let Some(a) = self.agents.get(agent) else {
            tracing::debug!(%agent, "login of an unknown agent");
            return;
        };
        let previous_line = a.status.line;
        if previous_line == Some(line) {
            return;
        }
        if let Some(other) = self.lines.get(line).and_then(|l| l.agent)
            && other != agent
        {
            tracing::debug!(%agent, %other, %line, "another agent was logged on the line: logged off");
            self.on_agent_logoff(other, out);
        }
        if let Some(old) = previous_line
            && let Some(l) = self.lines.get_mut(old)
            && l.agent == Some(agent)
        {
            l.agent = None;
        }
        if let Some(l) = self.lines.get_mut(line) {
            l.agent = Some(agent);
        }
        if let Some(a) = self.agents.get_mut(agent) {
            let s = a.status_mut();
            s.line = Some(line);
            s.phone_number = Some(number);
        }
        self.agents.mark(agent);
        out.push(Event::AgentLogin {
            agent,
            line: Some(line),
        });
    }

    pub(super) fn on_agent_logoff(&mut self, agent: AgentId, out: &mut Vec<Event>) {
        let Some(a) = self.agents.get_mut(agent) else {
            tracing::debug!(%agent, "logoff of an unknown agent");
            return;
        };
        let Some(line) = a.status.line else {
            tracing::debug!(%agent, "logoff of an agent not logged in");
            return;
        };
        a.acd = None;
        a.ringing.clear();
        a.wrapup = false;
        let s = a.status_mut();
        s.line = None;
        s.phone_number = None;
        s.pause_reason = None;
        let unpaused = std::mem::take(&mut s.paused_queues);
        for queue in unpaused {
            if let Some(member) = self
                .queues
                .get_mut(queue)
                .and_then(|q| q.members.get_mut(&agent))
            {
                let m = member.status_mut();
                m.paused = false;
                m.pause_reason = None;
            }
        }
        if let Some(l) = self.lines.get_mut(line)
            && l.agent == Some(agent)
        {
            l.agent = None;
        }
        self.agents.mark(agent);
        out.push(Event::AgentLogin { agent, line: None });
    }

    pub(in crate::state) fn on_member_added(
        &mut self,
        queue: QueueId,
        agent: AgentId,
        penalty: u32,
        paused: bool,
    ) {
        let (Some(q), Some(a)) = (self.queues.get_mut(queue), self.agents.get_mut(agent)) else {
            tracing::debug!(%queue, %agent, "membership of an unknown queue or agent");
            return;
        };
        match q.members.get_mut(&agent) {
            Some(member) => {
                if member.status.penalty != penalty || member.status.paused != paused {
                    let m = member.status_mut();
                    m.penalty = penalty;
                    m.paused = paused;
                }
            }
            None => {
                q.members
                    .insert(agent, Member::new(queue, agent, penalty, paused));
                let s = a.status_mut();
                if let Err(at) = s.queues.binary_search(&queue) {
                    s.queues.insert(at, queue);
                }
            }
        }
        set_paused_queue(a, queue, paused, None);
        self.agents.mark(agent);
    }

    pub(in crate::state) fn on_member_removed(
        &mut self,
        queue: QueueId,
        agent: AgentId,
        out: &mut Vec<Event>,
    ) {
        let Some(q) = self.queues.get_mut(queue) else {
            tracing::debug!(%queue, "member removed from an unknown queue");
            return;
        };
        let Some(member) = q.members.remove(&agent) else {
            tracing::debug!(%queue, %agent, "removal of a member that is not one");
            return;
        };
        q.recount(member.counted, Contribution::default());
        // One added and removed within a batch was never announced: nothing to take back.
        let members = member.announced.then(|| q.announced_members());
        self.queues.mark(queue);
        if let Some(members) = members {
            out.push(Event::QueueMemberRemoved {
                queue,
                agent,
                members,
            });
        }
        if let Some(a) = self.agents.get_mut(agent) {
            let s = a.status_mut();
            s.queues.retain(|q| *q != queue);
            s.paused_queues.retain(|q| *q != queue);
            if s.paused_queues.is_empty() {
                s.pause_reason = None;
            }
            self.agents.mark(agent);
        }
    }

    pub(super) fn on_member_paused(
        &mut self,
        queue: QueueId,
        agent: AgentId,
        paused: bool,
        reason: Option<&str>,
    ) {
        let Some(member) = self
            .queues
            .get_mut(queue)
            .and_then(|q| q.members.get_mut(&agent))
        else {
            tracing::debug!(%queue, %agent, "pause of a member that is not one");
            return;
        };
        let reason = if paused {
            reason.map(str::to_owned)
        } else {
            None
        };
        if member.status.paused != paused || member.status.pause_reason != reason {
            let m = member.status_mut();
            m.paused = paused;
            m.pause_reason = reason.clone();
        }
        if let Some(a) = self.agents.get_mut(agent) {
            set_paused_queue(a, queue, paused, reason);
        }
        self.agents.mark(agent);
    }

    pub(in crate::state) fn on_member_penalty(
        &mut self,
        queue: QueueId,
        agent: AgentId,
        penalty: u32,
    ) {
        let Some(member) = self
            .queues
            .get_mut(queue)
            .and_then(|q| q.members.get_mut(&agent))
        else {
            tracing::debug!(%queue, %agent, "penalty of a member that is not one");
            return;
        };
        if member.status.penalty != penalty {
            member.status_mut().penalty = penalty;
            self.agents.mark(agent);
        }
    }
}

/// Keeps the agent's list of paused queues and its pause reason in line with one membership.
fn set_paused_queue(
    agent: &mut crate::state::agents::AgentLive,
    queue: QueueId,
    paused: bool,
    reason: Option<String>,
) {
    let listed = agent.status.paused_queues.binary_search(&queue);
    match (paused, listed) {
        (true, Err(at)) => {
            let s = agent.status_mut();
            s.paused_queues.insert(at, queue);
            if reason.is_some() || s.paused_queues.len() == 1 {
                s.pause_reason = reason;
            }
        }
        (true, Ok(_)) => {
            if reason.is_some() && agent.status.pause_reason != reason {
                agent.status_mut().pause_reason = reason;
            }
        }
        (false, Ok(at)) => {
            let s = agent.status_mut();
            s.paused_queues.remove(at);
            if s.paused_queues.is_empty() {
                s.pause_reason = None;
            }
        }
        (false, Err(_)) => {}
    }
}
