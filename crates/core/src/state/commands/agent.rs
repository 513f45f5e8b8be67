//! Agent commands: login on a line (checked against the line and other agents' logins), logout,
//! pause / unpause in one queue or all, and queue membership changes.
//!
//! Rights: a user acts on their own agent; other agents need [`Right::SuperviseAgents`]. An
//! agent is logged in on the requester's own line unless the requester's profile grants
//! [`Right::AgentLoginOnAnyLine`] (hot-desking, supervisors): a plain user cannot take over a
//! colleague's free phone.

use super::{normalize, not_found};
use crate::command::{CommandError, Outcome};
use crate::ids::{AgentId, QueueId, UserId};
use crate::pbx::PbxAction;
use crate::rights::Right;
use crate::state::State;

impl State {
    pub(super) fn agent_login(
        &mut self,
        requester: UserId,
        agent: Option<AgentId>,
        number: Option<&str>,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let agent = self.target_agent(requester, agent)?;
        let number = match number.map(normalize).filter(|n| !n.is_empty()) {
            Some(n) => n,
            None => {
                let line = self.user_line(requester)?;
                self.lines
                    .get(line)
                    .map(|l| l.number.clone())
                    .ok_or(CommandError::AgentInvalidExten)?
            }
        };
        let line = self
            .dataset
            .line_by_number(&number)
            .map(|l| l.id)
            .ok_or(CommandError::AgentInvalidExten)?;
        let own_line = self.dataset.user(requester).and_then(|u| u.line);
        if own_line != Some(line) && !self.dataset.may(requester, Right::AgentLoginOnAnyLine) {
            return Err(CommandError::Forbidden(
                "an agent is logged in on the user's own line only".to_owned(),
            ));
        }
        if let Some(other) = self.lines.get(line).and_then(|l| l.agent)
            && other != agent
        {
            return Err(CommandError::AgentExtenInUse);
        }
        match self.agents.get(agent).and_then(|a| a.status.line) {
            Some(current) if current == line => Ok(Outcome::Done),
            Some(current) => Err(CommandError::AgentAlreadyLogged(
                self.lines
                    .get(current)
                    .map(|l| l.number.clone())
                    .unwrap_or_default(),
            )),
            None => {
                actions.push(PbxAction::AgentLogin { agent, line });
                Ok(Outcome::Done)
            }
        }
    }

    pub(super) fn agent_logout(
        &mut self,
        requester: UserId,
        agent: Option<AgentId>,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let agent = self.target_agent(requester, agent)?;
        self.require_logged(agent)?;
        actions.push(PbxAction::AgentLogoff { agent });
        Ok(Outcome::Done)
    }

    pub(super) fn queue_pause(
        &mut self,
        requester: UserId,
        agent: Option<AgentId>,
        queue: Option<QueueId>,
        paused: bool,
        reason: Option<String>,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let agent = self.target_agent(requester, agent)?;
        self.require_logged(agent)?;
        if let Some(queue) = queue {
            self.require_member(queue, agent)?;
        }
        actions.push(PbxAction::QueuePause {
            queue,
            agent,
            paused,
            reason,
        });
        Ok(Outcome::Done)
    }

    pub(super) fn queue_add(
        &mut self,
        requester: UserId,
        agent: AgentId,
        queue: QueueId,
        penalty: u32,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let agent = self.target_agent(requester, Some(agent))?;
        if self.queues.get(queue).is_none() {
            return Err(not_found("queue", queue));
        }
        actions.push(PbxAction::QueueAdd {
            queue,
            agent,
            penalty,
        });
        Ok(Outcome::Done)
    }

    pub(super) fn queue_remove(
        &mut self,
        requester: UserId,
        agent: AgentId,
        queue: QueueId,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let agent = self.target_agent(requester, Some(agent))?;
        self.require_member(queue, agent)?;
        actions.push(PbxAction::QueueRemove { queue, agent });
        Ok(Outcome::Done)
    }

    fn require_logged(&self, agent: AgentId) -> Result<(), CommandError> {
        if self.agents.get(agent).is_some_and(|a| a.logged()) {
            Ok(())
        } else {
            Err(CommandError::InvalidState(
                "the agent is not logged in".to_owned(),
            ))
        }
    }

    fn require_member(&self, queue: QueueId, agent: AgentId) -> Result<(), CommandError> {
        let q = self
            .queues
            .get(queue)
            .ok_or_else(|| not_found("queue", queue))?;
        if q.members.contains_key(&agent) {
            Ok(())
        } else {
            Err(not_found("queue member", format!("{agent}@{queue}")))
        }
    }
}
