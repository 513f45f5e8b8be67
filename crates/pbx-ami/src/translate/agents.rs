//! app_agent_pool agents: `AgentLogin` (the agent takes calls on the phone whose channel ran
//! `AgentLogin()`) and `AgentLogoff`.

use ctid_core::ids::AgentId;
use ctid_core::pbx::PbxEvent;

use super::{Fields, Translator, names};

impl Translator {
    /// The event's agent, from its `Agent` field (the agent's number).
    fn agent_of(&self, e: Fields<'_>) -> Option<AgentId> {
        let number = e.some("Agent")?;
        let agent = self.dataset.agent_by_number(number).map(|a| a.id);
        if agent.is_none() {
            tracing::debug!(agent = number, "AMI event of an agent not in the dataset");
        }
        agent
    }

    pub(super) fn agent_login(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let agent = self.agent_of(e)?;
        let channel = e.some("Channel")?;
        let Some(line) = names::line_of_channel(&self.dataset, channel) else {
            tracing::debug!(%agent, channel, "agent logged in from a channel that is no line");
            return None;
        };
        out.push(PbxEvent::AgentLogin { agent, line });
        Some(())
    }

    pub(super) fn agent_logoff(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::AgentLogoff {
            agent: self.agent_of(e)?,
        });
        Some(())
    }
}
