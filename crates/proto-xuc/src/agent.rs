//! Agent commands: `agentLogin` (the documented rules: unknown number → `PhoneNumberUnknown`,
//! logged on another phone → `LoggedInOnAnotherPhone` and the agent stays there; the core
//! decides), `agentLogout`, `pauseAgent` / `unpauseAgent` (all queues, with a reason),
//! `getAgentStates`, `subscribeToAgentEvents`, `setAgentQueue` / `removeAgentFromQueue`, and
//! `subscribeToQueueStats`. A missing agent id
//! means the user's own agent; acting on another needs a supervisor profile (the core checks).
//! Refusals answer `AgentError`.

use ctid_core::ids::{AgentId, QueueId};
use ctid_core::{Command, CommandError};

use crate::session::{Kicked, Session};
use crate::topic::Topic;
use crate::wire::output::{AgentErrorOut, AgentStateOut, QueueStatisticsOut, msg};

fn agent_id(id: Option<u64>) -> Result<Option<AgentId>, ()> {
    id.map(|i| u32::try_from(i).map(AgentId).map_err(|_| ()))
        .transpose()
}

/// Answers a refused agent command with `AgentError`.
fn agent_error(s: &Session, e: &CommandError, requested: Option<&str>) -> Result<(), Kicked> {
    let message = e.to_string();
    let (phone_nb, requested_nb) = match e {
        CommandError::AgentAlreadyLogged(on) => (Some(on.as_str()), requested),
        _ => (None, None),
    };
    s.reply(
        msg::AGENT_ERROR,
        &AgentErrorOut {
            error: crate::errors::error_name(e),
            phone_nb,
            requested_nb,
            message: &message,
        },
    )
}

async fn run(s: &Session, command: Command, requested: Option<&str>) -> Result<(), Kicked> {
    match s.shared.core.execute(command).await {
        Ok(_) => Ok(()),
        Err(e) => agent_error(s, &e, requested),
    }
}

fn bad_id(s: &Session) -> Result<(), Kicked> {
    agent_error(
        s,
        &CommandError::InvalidArgument {
            field: "agentid".into(),
            reason: "out of range".into(),
        },
        None,
    )
}

/// `agentLogin`.
pub(crate) async fn login(
    s: &Session,
    agent: Option<u64>,
    phone: Option<String>,
) -> Result<(), Kicked> {
    let Ok(agent) = agent_id(agent) else {
        return bad_id(s);
    };
    let requested = phone.clone().or_else(|| {
        let ds = s.ds();
        ds.line_of_user(s.user).map(|l| l.number.clone())
    });
    let command = Command::AgentLogin {
        requester: s.user,
        agent,
        number: phone,
    };
    run(s, command, requested.as_deref()).await
}

/// `agentLogout`.
pub(crate) async fn logout(s: &Session, agent: Option<u64>) -> Result<(), Kicked> {
    let Ok(agent) = agent_id(agent) else {
        return bad_id(s);
    };
    let command = Command::AgentLogout {
        requester: s.user,
        agent,
    };
    run(s, command, None).await
}

/// `pauseAgent` / `unpauseAgent`, in all the agent's queues.
pub(crate) async fn pause(
    s: &Session,
    agent: Option<u64>,
    paused: bool,
    reason: Option<String>,
) -> Result<(), Kicked> {
    let Ok(agent) = agent_id(agent) else {
        return bad_id(s);
    };
    let command = Command::QueuePause {
        requester: s.user,
        agent,
        queue: None,
        paused,
        reason,
    };
    run(s, command, None).await
}

/// `setAgentQueue` (`penalty` given: add the agent to the queue or change its penalty) and
/// `removeAgentFromQueue` (`penalty` `None`). The agent defaults to the user's own; acting on
/// another needs a supervisor profile (the core checks). The `QueueMember` push of the change
/// reaches the sessions that listed queue members.
pub(crate) async fn set_queue(
    s: &Session,
    agent: Option<u64>,
    queue: u64,
    penalty: Option<u64>,
) -> Result<(), Kicked> {
    let Ok(agent) = agent_id(agent) else {
        return bad_id(s);
    };
    let Some(agent) = agent.or_else(|| s.ds().agent_of_user(s.user).map(|a| a.id)) else {
        return agent_error(s, &CommandError::NoAgent, None);
    };
    let Ok(queue) = u32::try_from(queue).map(QueueId) else {
        return agent_error(
            s,
            &CommandError::NotFound {
                kind: "queue".into(),
                id: queue.to_string(),
            },
            None,
        );
    };
    let command = match penalty.map(u32::try_from) {
        Some(Err(_)) => {
            let e = CommandError::InvalidArgument {
                field: "penalty".into(),
                reason: "out of range".into(),
            };
            return agent_error(s, &e, None);
        }
        Some(Ok(penalty)) => Command::QueueAdd {
            requester: s.user,
            agent,
            queue,
            penalty,
        },
        None => Command::QueueRemove {
            requester: s.user,
            agent,
            queue,
        },
    };
    run(s, command, None).await
}

/// `listenAgent`: the supervisor's phone rings and listens to the agent's calls (the core
/// refuses users without the listen right: `AgentError` `Forbidden`). `AgentListen` follows.
pub(crate) async fn listen(s: &Session, agent: Option<u64>) -> Result<(), Kicked> {
    let Ok(agent) = agent_id(agent) else {
        return bad_id(s);
    };
    let Some(agent) = agent else {
        let e = CommandError::InvalidArgument {
            field: "agentid".into(),
            reason: "missing".into(),
        };
        return agent_error(s, &e, None);
    };
    let command = Command::Listen {
        requester: s.user,
        agent,
    };
    run(s, command, None).await
}

/// `getAgentStates`: one `AgentStateEvent` per agent.
pub(crate) async fn states(s: &Session) -> Result<(), Kicked> {
    let now = s.now();
    let statuses: Vec<_> = s
        .shared
        .core
        .read(|st| st.agent_statuses().cloned().collect::<Vec<_>>())
        .await
        .unwrap_or_default();
    // Paced: thousands of agents must not overflow the socket's own outbox.
    for status in &statuses {
        s.reply_paced(msg::AGENT_STATE_EVENT, &AgentStateOut::new(status, now))
            .await?;
    }
    Ok(())
}

/// `subscribeToAgentEvents`: every agent's state changes from now on (the own-agent topic is
/// left: this one carries those too).
pub(crate) async fn subscribe_events(s: &mut Session) -> Result<(), Kicked> {
    if !s.agent_events {
        s.agent_events = true;
        s.fanout.subscribe(s.id, Topic::AgentEvents).await;
        if let Some(agent) = s.ds().agent_of_user(s.user) {
            s.fanout.unsubscribe(s.id, Topic::Agent(agent.id)).await;
        }
    }
    Ok(())
}

/// `subscribeToQueueStats`: every queue's counters now, then their changes.
pub(crate) async fn subscribe_queue_stats(s: &mut Session) -> Result<(), Kicked> {
    if !s.queue_stats {
        s.queue_stats = true;
        s.fanout.subscribe(s.id, Topic::QueueStats).await;
    }
    let queues: Vec<_> = s.ds().queues().iter().map(|q| q.id).collect();
    let now = s.now();
    let stats = s
        .shared
        .core
        .read(move |st| {
            queues
                .into_iter()
                .map(|q| (q, st.queue_stats(q, now)))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
    for (queue, stats) in &stats {
        s.reply(
            msg::QUEUE_STATISTICS,
            &QueueStatisticsOut::new(*queue, stats),
        )?;
    }
    Ok(())
}
