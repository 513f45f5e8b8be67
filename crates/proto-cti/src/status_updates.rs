//! `register_{user,agent,endpoint}_status_update` and their `unregister_*`: per-object status
//! subscriptions named `[xivo_uuid, id]`. Objects of this node answer at once with their current
//! `user_status_update` / `agent_status_update` / `endpoint_status_update`, then on change.
//! Pairs naming another server are accepted and remembered, within the session's subscription
//! budget ([`crate::subscription_budget`]): the bus consumer feeds them through the core
//! (`Event::RemoteStatus`), and the last status the core knows is sent at once.

use ctid_core::ids::{AgentId, LineId, UserId};
use ctid_core::live::Availability;
use ctid_core::remote::RemoteObject;

use crate::fanout::Topic;
use crate::fanout::remote_topic;
use crate::render::{remote_kind, remote_status_out};
use crate::session::{Session, SessionEnd};
use crate::subscription_budget::Budget;
use crate::wire::input::{StatusKind, StatusUpdates};
use crate::wire::lenient::Id;
use crate::wire::output::{AgentStatusData, DataMessage, EndpointStatusData, UserStatusData};

/// The local topic for an id of this node, if the object exists.
fn local_topic(s: &Session, kind: StatusKind, id: &Id) -> Option<Topic> {
    let ds = s.ds();
    match kind {
        StatusKind::User => id
            .as_u32()
            .and_then(|i| ds.user(UserId(i)))
            .or_else(|| ds.user_by_uuid(id.as_str()))
            .map(|u| Topic::UserStatus(u.id)),
        StatusKind::Agent => id
            .as_u32()
            .and_then(|i| ds.agent(AgentId(i)))
            .map(|a| Topic::AgentStatus(a.id)),
        StatusKind::Endpoint => id
            .as_u32()
            .and_then(|i| ds.line(LineId(i)))
            .map(|l| Topic::EndpointStatus(l.id)),
    }
}

/// Serves the `register_*` / `unregister_*` classes.
pub(crate) async fn handle(s: &mut Session, m: StatusUpdates) -> Result<(), SessionEnd> {
    let class = match (m.kind, m.register) {
        (StatusKind::User, true) => "register_user_status_update",
        (StatusKind::User, false) => "unregister_user_status_update",
        (StatusKind::Agent, true) => "register_agent_status_update",
        (StatusKind::Agent, false) => "unregister_agent_status_update",
        (StatusKind::Endpoint, true) => "register_endpoint_status_update",
        (StatusKind::Endpoint, false) => "unregister_endpoint_status_update",
    };
    let own_uuid = s.ds().xivo_uuid().to_owned();
    let mut budget = Budget::of(s);
    let mut fresh = Vec::new();
    for (uuid, id) in &m.ids {
        let topic = if *uuid == own_uuid {
            match local_topic(s, m.kind, id) {
                Some(t) => t,
                None => continue,
            }
        } else {
            remote_topic(m.kind, uuid, id.as_str())
        };
        if m.register {
            if let Err(refused) = budget.join(s, topic.clone()).await {
                return s.error(class, refused).await;
            }
            fresh.push(topic);
        } else {
            budget.leave(s, topic).await;
        }
    }
    for topic in fresh {
        send_current(s, &topic).await?;
    }
    Ok(())
}

async fn send_current(s: &Session, topic: &Topic) -> Result<(), SessionEnd> {
    let ds = s.ds().clone();
    let uuid = ds.xivo_uuid();
    match *topic {
        Topic::UserStatus(user) => {
            let Some(u) = ds.user(user) else {
                return Ok(());
            };
            let status = s
                .core
                .read(move |st| st.user_presence(user).map(|p| p.status.clone()))
                .await
                .ok()
                .flatten()
                .unwrap_or_else(|| "disconnected".to_owned());
            s.reply(&DataMessage {
                class: "user_status_update",
                data: UserStatusData {
                    user_uuid: &u.uuid,
                    user_id: user.0,
                    xivo_uuid: uuid,
                    status: &status,
                },
            })
            .await
        }
        Topic::AgentStatus(agent) => {
            let logged = s
                .core
                .read(move |st| {
                    st.agent_status(agent)
                        .is_some_and(|a| a.availability != Availability::LoggedOut)
                })
                .await
                .unwrap_or(false);
            s.reply(&DataMessage {
                class: "agent_status_update",
                data: AgentStatusData {
                    agent_id: agent.0,
                    xivo_uuid: uuid,
                    status: if logged { "logged_in" } else { "logged_out" },
                },
            })
            .await
        }
        Topic::EndpointStatus(line) => {
            let Ok(hint) = s.core.read(move |st| st.line_hint(line)).await else {
                return Ok(());
            };
            s.reply(&DataMessage {
                class: "endpoint_status_update",
                data: EndpointStatusData {
                    endpoint_id: line.0,
                    xivo_uuid: uuid,
                    status: hint.code(),
                },
            })
            .await
        }
        Topic::Remote(kind, ref node, ref id) => {
            let object = RemoteObject {
                kind: remote_kind(kind),
                node: node.clone(),
                id: id.clone(),
            };
            let known = s
                .core
                .read(move |st| st.remote_status(&object).cloned().map(|v| (object, v)))
                .await
                .ok()
                .flatten();
            match known {
                Some((object, status)) => {
                    s.send(remote_status_out(&object, &status, s.now()).1).await
                }
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}
