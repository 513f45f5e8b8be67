//! `queues.conf`: every queue with its strategy, timings, limits and configured members. An
//! agent is a member as the adapter adds one (`crate::actions::agent_interface`): a `Local`
//! channel into the agents' context, named `Agent/<number>`, its state from `Agent:<number>`.

use std::fmt::Write as _;

use ctid_core::Dataset;
use ctid_core::dataset::Strategy;

use super::{GenerateError, header, token};
use crate::actions::agent_interface;
use crate::config::AmiConfig;

/// Asterisk's name of a strategy.
fn strategy(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Ringall => "ringall",
        Strategy::Leastrecent => "leastrecent",
        Strategy::Fewestcalls => "fewestcalls",
        Strategy::Rrmemory => "rrmemory",
        Strategy::Random => "random",
    }
}

fn yes_no(on: bool) -> &'static str {
    if on { "yes" } else { "no" }
}

/// The text of `queues.conf`.
pub fn generate(dataset: &Dataset, ami: &AmiConfig) -> Result<String, GenerateError> {
    let mut out = header(
        "queues.conf",
        "the call queues and their configured members",
    );
    out.push_str("\n[general]\npersistentmembers = no\nshared_lastcall = yes\n");
    for queue in dataset.queues() {
        let name = token(|| format!("queue {} name", queue.id), &queue.name)?;
        let _ = write!(
            out,
            "\n; queue {id}, number {number}\n\
             [{name}]\nstrategy = {strategy}\ntimeout = {timeout}\nretry = {retry}\n\
             wrapuptime = {wrapup}\nmaxlen = {maxlen}\njoinempty = {joinempty}\n\
             leavewhenempty = {leaveempty}\nservicelevel = {service}\nringinuse = no\n\
             setinterfacevar = yes\nsetqueueentryvar = yes\neventwhencalled = yes\n\
             eventmemberstatus = yes\n",
            id = queue.id,
            number = queue.number,
            strategy = strategy(queue.strategy),
            timeout = queue.member_timeout,
            retry = queue.retry,
            wrapup = queue.wrapup,
            maxlen = queue.max_callers,
            joinempty = yes_no(queue.joinempty),
            leaveempty = yes_no(queue.leaveempty),
            service = queue.service_level,
        );
        for member in &queue.members {
            let Some(agent) = dataset.agent(member.agent) else {
                continue;
            };
            let number = token(|| format!("agent {} number", agent.id), &agent.number)?;
            let _ = writeln!(
                out,
                "member => {interface},{penalty},Agent/{number},Agent:{number}",
                interface = agent_interface(ami, number),
                penalty = member.penalty,
            );
        }
    }
    Ok(out)
}
