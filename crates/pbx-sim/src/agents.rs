//! Agents: login on a line (one agent per line), logoff, queue membership (add, remove,
//! penalty), pause and unpause per queue or everywhere, and wrap-up after queue calls.
//!
//! Agents start logged out; configured queue memberships exist from the start and produce no
//! event (the core seeds them from the dataset too).

use std::time::Duration;

use ctid_core::ids::{AgentId, LineId, QueueId};
use ctid_core::pbx::PbxEvent;

use crate::queue::Member;
use crate::sim::Sim;
use crate::timers::Timer;

/// An agent, live.
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentRt {
    /// The line it is logged in on.
    pub line: Option<LineId>,
    /// The token of its wrap-up, while in wrap-up.
    pub wrapup: Option<u64>,
}

impl Sim {
    /// Logs an agent in on a line (an agent already on that line is logged off first).
    pub fn agent_login(&mut self, agent: AgentId, line: LineId) {
        if self.ds.agent(agent).is_none() || self.ds.line(line).is_none() {
            tracing::debug!(%agent, %line, "login of an unknown agent or on an unknown line ignored");
            self.refuse("login of an unknown agent or on an unknown line");
            return;
        }
        let others: Vec<AgentId> = self
            .agents
            .iter()
            .filter(|(id, a)| **id != agent && a.line == Some(line))
            .map(|(id, _)| *id)
            .collect();
        for other in others {
            self.agent_logoff(other);
        }
        if let Some(a) = self.agents.get_mut(&agent) {
            a.line = Some(line);
        }
        self.emit(PbxEvent::AgentLogin { agent, line });
    }

    /// Logs an agent off; queues with `leaveempty` may send their callers away.
    pub fn agent_logoff(&mut self, agent: AgentId) {
        let was_in = self
            .agents
            .get_mut(&agent)
            .and_then(|a| a.line.take())
            .is_some();
        if !was_in {
            tracing::debug!(%agent, "logoff of an agent that is not logged in ignored");
            self.refuse("logoff of an agent that is not logged in");
            return;
        }
        self.emit(PbxEvent::AgentLogoff { agent });
        self.queue_cancel_agent_rings(agent, None);
        for queue in self.queues_of(agent) {
            self.queue_check_leaveempty(queue);
        }
    }

    /// The queues an agent is a member of, in configuration order.
    fn queues_of(&self, agent: AgentId) -> Vec<QueueId> {
        self.queue_order
            .iter()
            .filter(|q| {
                self.queues
                    .get(q)
                    .is_some_and(|q| q.members.iter().any(|m| m.agent == agent))
            })
            .copied()
            .collect()
    }

    /// Makes an agent a member of a queue, or changes its penalty if it is one.
    pub fn queue_add(&mut self, queue: QueueId, agent: AgentId, penalty: u32) {
        if self.ds.agent(agent).is_none() {
            tracing::debug!(%agent, "queue add of an unknown agent ignored");
            self.refuse("queue add of an unknown agent");
            return;
        }
        let Some(q) = self.queues.get_mut(&queue) else {
            tracing::debug!(%queue, "queue add to an unknown queue ignored");
            self.refuse("queue add to an unknown queue");
            return;
        };
        match q.members.iter_mut().find(|m| m.agent == agent) {
            Some(m) => {
                m.penalty = penalty;
                self.emit(PbxEvent::QueueMemberPenalty {
                    queue,
                    agent,
                    penalty,
                });
            }
            None => {
                q.members.push(Member {
                    agent,
                    penalty,
                    paused: false,
                    calls: 0,
                    last_call: None,
                });
                self.emit(PbxEvent::QueueMemberAdded {
                    queue,
                    agent,
                    penalty,
                    paused: false,
                });
            }
        }
    }

    /// Removes an agent from a queue.
    pub fn queue_remove(&mut self, queue: QueueId, agent: AgentId) {
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let before = q.members.len();
        q.members.retain(|m| m.agent != agent);
        if q.members.len() == before {
            tracing::debug!(%queue, %agent, "removal of a non-member ignored");
            self.refuse("removal of a non-member");
            return;
        }
        q.rr_last = None;
        self.emit(PbxEvent::QueueMemberRemoved { queue, agent });
        self.queue_cancel_agent_rings(agent, Some(queue));
        self.queue_check_leaveempty(queue);
    }

    /// Pauses or unpauses an agent in one queue, or in all its queues.
    pub fn queue_pause(
        &mut self,
        queue: Option<QueueId>,
        agent: AgentId,
        paused: bool,
        reason: Option<String>,
    ) {
        let queues = match queue {
            Some(q) => vec![q],
            None => self.queues_of(agent),
        };
        let reason = if paused { reason } else { None };
        for queue in queues {
            let Some(m) = self
                .queues
                .get_mut(&queue)
                .and_then(|q| q.members.iter_mut().find(|m| m.agent == agent))
            else {
                tracing::debug!(%queue, %agent, "pause of a non-member ignored");
                self.refuse("pause of a non-member");
                continue;
            };
            m.paused = paused;
            self.emit(PbxEvent::QueueMemberPaused {
                queue,
                agent,
                paused,
                reason: reason.clone(),
            });
        }
    }

    /// Starts an agent's wrap-up after a call from `queue` (none when the queue has no
    /// wrap-up time).
    pub fn start_wrapup(&mut self, agent: AgentId, queue: QueueId) {
        let seconds = self.ds.queue(queue).map_or(0, |q| q.wrapup);
        if seconds == 0 {
            return;
        }
        let token = self.timers.token();
        let Some(a) = self.agents.get_mut(&agent) else {
            return;
        };
        a.wrapup = Some(token);
        self.emit(PbxEvent::AgentWrapupStarted {
            agent,
            queue,
            seconds,
        });
        let at = self.now.plus(Duration::from_secs(u64::from(seconds)));
        self.timers.set(at, Timer::WrapupEnd { agent, token });
    }

    /// Timer: an agent's wrap-up is over.
    pub fn wrapup_end(&mut self, agent: AgentId, token: u64) {
        let Some(a) = self.agents.get_mut(&agent) else {
            return;
        };
        if a.wrapup == Some(token) {
            a.wrapup = None;
            self.emit(PbxEvent::AgentWrapupEnded { agent });
        }
    }
}
