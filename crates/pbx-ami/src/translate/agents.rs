//! app_agent_pool agents: `AgentLogin` (the agent takes calls on the phone whose channel ran
//! `AgentLogin()`) and `AgentLogoff` (ignored while the agent is still a queue member through its
//! line's interface, which keeps it logged in: `members.rs`).

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
        let agent = self.agent_of(e)?;
        if self.line_memberships.contains_key(&agent) {
            // Still a queue member through its phone's interface: logged in on that line.
            tracing::debug!(%agent, "app_agent_pool logoff of an agent still a line member");
            return Some(());
        }
        out.push(PbxEvent::AgentLogoff { agent });
        Some(())
    }
}
