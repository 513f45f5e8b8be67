//! `agents.conf` (app_agent_pool): one section per agent, named by its number, with its full
//! name. Agents log in with `AgentLogin` (dialled `*31<number>`, or ctid's agent login, an
//! originate of it on the agent's phone) and take queue calls through `AgentRequest` in the
//! agents' context of `extensions.conf`.

use std::fmt::Write as _;

use ctid_core::Dataset;

use super::{GenerateError, header, text, token};

/// The text of `agents.conf`.
pub fn generate(dataset: &Dataset) -> Result<String, GenerateError> {
    let mut out = header("agents.conf", "the call-centre agents (app_agent_pool)");
    out.push_str("\n[general]\n\n[ctid-agent](!)\nackcall = no\nautologoff = 0\nwrapuptime = 0\n");
    for agent in dataset.agents() {
        let number = token(|| format!("agent {} number", agent.id), &agent.number)?;
        let mut fullname = format!("{} {}", agent.firstname, agent.lastname);
        if fullname.trim().is_empty()
            && let Some(user) = agent.user.and_then(|u| dataset.user(u))
        {
            fullname = user.fullname();
        }
        let fullname = text(&fullname);
        let _ = write!(out, "\n[{number}](ctid-agent)\n");
        if !fullname.is_empty() {
            let _ = writeln!(out, "fullname = {fullname}");
        }
    }
    Ok(out)
}
