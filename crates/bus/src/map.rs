//! From the core's domain events to bus messages (notes §1.3): statuses, agent pauses, call
//! forms and user services here, calls in `calls.rs`. The mapper keeps the little state it
//! needs to tell transitions apart (a member's pause, a call's progress), bounded.

use std::collections::HashMap;

use ctid_core::Dataset;
use ctid_core::event::Event;
use ctid_core::ids::{AgentId, QueueId, UserId};
use ctid_core::live::{ForwardKind, QueueMemberStatus, Service};
use ctid_core::remote::RemoteUser;
use serde_json::{Map, Value, json};

use crate::calls::CallTracker;
use crate::message::BusMessage;
use crate::routing::escape_segment;

/// Queue memberships whose pause state is remembered at most (more are not tracked: their
/// pauses are then published on every member update that shows them paused).
const MAX_TRACKED_MEMBERS: usize = 100_000;

/// Turns domain events into bus messages.
#[derive(Debug, Default)]
pub struct EventMapper {
    paused: HashMap<(QueueId, AgentId), bool>,
    calls: CallTracker,
}

impl EventMapper {
    /// A mapper that has seen nothing yet.
    pub fn new() -> EventMapper {
        EventMapper::default()
    }

    /// Appends the bus messages `event` makes to `out`; `xivo_id` is this node's uuid (the
    /// `xivo_id` of status data).
    pub fn map(
        &mut self,
        dataset: &Dataset,
        xivo_id: &str,
        event: &Event,
        out: &mut Vec<BusMessage>,
    ) {
        match event {
            Event::UserPresence { user, status } => {
                if let Some(uuid) = user_uuid(dataset, *user) {
                    out.push(BusMessage {
                        name: "user_status_update",
                        routing_key: "status.user".into(),
                        required_acl: Some("events.statuses.users".into()),
                        data: json!({"user_uuid": uuid, "status": status, "xivo_id": xivo_id}),
                        user_uuids: vec![uuid],
                    });
                }
            }
            Event::LineHint { line, hint } => {
                let owner = dataset.user_of_line(*line).map(|u| u.uuid.clone());
                out.push(BusMessage {
                    name: "endpoint_status_update",
                    routing_key: "status.endpoint".into(),
                    required_acl: Some("events.statuses.endpoints".into()),
                    data: json!({"endpoint_id": line.0, "status": hint.code(), "xivo_id": xivo_id}),
                    user_uuids: owner.into_iter().collect(),
                });
            }
            Event::AgentLogin { agent, line } => {
                let status = if line.is_some() {
                    "logged_in"
                } else {
                    "logged_out"
                };
                let users = dataset
                    .agent(*agent)
                    .and_then(|a| a.user)
                    .and_then(|u| user_uuid(dataset, u));
                out.push(BusMessage {
                    name: "agent_status_update",
                    routing_key: "status.agent".into(),
                    required_acl: Some("events.statuses.agents".into()),
                    data: json!({"agent_id": agent.0, "status": status, "xivo_id": xivo_id}),
                    user_uuids: users.into_iter().collect(),
                });
            }
            Event::QueueMember { status, .. } => self.member_pause(dataset, status, out),
            Event::QueueMemberRemoved { queue, agent, .. } => {
                self.paused.remove(&(*queue, *agent));
            }
            Event::CallFormResult { user, variables } => {
                let variables: Map<String, Value> = variables
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                out.push(BusMessage {
                    name: "call_form_result",
                    routing_key: "call_form_result".into(),
                    required_acl: None,
                    data: json!({"user_id": user.0, "variables": variables}),
                    user_uuids: user_uuid(dataset, *user).into_iter().collect(),
                });
            }
            Event::UserServices {
                user,
                services,
                changed,
            } => {
                let Some(uuid) = user_uuid(dataset, *user) else {
                    return;
                };
                for service in changed {
                    let (name, segment, data) = match service {
                        Service::Dnd => (
                            "users_services_dnd_updated",
                            "services.dnd",
                            json!({"user_uuid": uuid, "enabled": services.dnd}),
                        ),
                        Service::IncallFilter => (
                            "users_services_incallfilter_updated",
                            "services.incallfilter",
                            json!({"user_uuid": uuid, "enabled": services.incallfilter}),
                        ),
                        Service::Forward(kind) => {
                            let (name, segment, forward) = match kind {
                                ForwardKind::Unconditional => (
                                    "users_forwards_unconditional_updated",
                                    "forwards.unconditional",
                                    &services.fwd_unconditional,
                                ),
                                ForwardKind::Busy => (
                                    "users_forwards_busy_updated",
                                    "forwards.busy",
                                    &services.fwd_busy,
                                ),
                                ForwardKind::NoAnswer => (
                                    "users_forwards_noanswer_updated",
                                    "forwards.noanswer",
                                    &services.fwd_noanswer,
                                ),
                            };
                            (
                                name,
                                segment,
                                json!({"user_uuid": uuid, "enabled": forward.enabled, "destination": forward.destination}),
                            )
                        }
                        Service::Recording | Service::Voicemail => continue,
                    };
                    let routing_key =
                        format!("config.users.{}.{segment}.updated", escape_segment(&uuid));
                    out.push(BusMessage {
                        name,
                        required_acl: Some(format!("events.{routing_key}")),
                        routing_key,
                        data,
                        user_uuids: vec![uuid.clone()],
                    });
                }
            }
            Event::ChatToRemote {
                from,
                to,
                alias,
                text,
            } => {
                if let Some(sender) = dataset.user(*from) {
                    chat_messages(xivo_id, &sender.uuid, to, alias, text, out);
                }
            }
            Event::Phone(phone) => self.calls.map(dataset, phone, out),
            _ => {}
        }
    }

    /// `agent_paused` / `agent_unpaused` when a membership's pause state changes (agentd's
    /// events, one per queue).
    fn member_pause(
        &mut self,
        dataset: &Dataset,
        member: &QueueMemberStatus,
        out: &mut Vec<BusMessage>,
    ) {
        let key = (member.queue, member.agent);
        let before = self.paused.get(&key).copied().unwrap_or(false);
        if self.paused.len() < MAX_TRACKED_MEMBERS || self.paused.contains_key(&key) {
            self.paused.insert(key, member.paused);
        }
        if before == member.paused {
            return;
        }
        let (name, routing_key) = if member.paused {
            ("agent_paused", "status.agent.pause")
        } else {
            ("agent_unpaused", "status.agent.unpause")
        };
        let agent = dataset.agent(member.agent);
        out.push(BusMessage {
            name,
            routing_key: routing_key.into(),
            required_acl: Some("events.statuses.agents".into()),
            data: json!({
                "agent_id": member.agent.0,
                "agent_number": agent.map(|a| a.number.as_str()),
                "paused": member.paused,
                "paused_reason": member.pause_reason.as_deref().unwrap_or(""),
                "queue": dataset.queue(member.queue).map(|q| q.name.as_str()),
            }),
            user_uuids: agent
                .and_then(|a| a.user)
                .and_then(|u| user_uuid(dataset, u))
                .into_iter()
                .collect(),
        });
    }
}

/// A user's uuid.
pub(crate) fn user_uuid(dataset: &Dataset, user: UserId) -> Option<String> {
    dataset.user(user).map(|u| u.uuid.clone())
}

/// `chat_message_sent` (for the sender's node) and `chat_message_received` (for the recipient's,
/// which delivers it), as xivo-bus names and routes them: the node and user of the routing key
/// are the sender's for `sent`, the recipient's for `received`; the ACL is `events.` + the key.
fn chat_messages(
    xivo_id: &str,
    sender: &str,
    to: &RemoteUser,
    alias: &str,
    text: &str,
    out: &mut Vec<BusMessage>,
) {
    let data = json!({"from": [xivo_id, sender], "to": [&*to.node, &*to.uuid], "alias": alias, "msg": text});
    let sent = format!(
        "chat.message.{}.{}.sent",
        escape_segment(xivo_id),
        escape_segment(sender)
    );
    let received = format!(
        "chat.message.{}.{}.received",
        escape_segment(&to.node),
        escape_segment(&to.uuid)
    );
    for (name, routing_key) in [
        ("chat_message_sent", sent),
        ("chat_message_received", received),
    ] {
        out.push(BusMessage {
            name,
            required_acl: Some(format!("events.{routing_key}")),
            routing_key,
            data: data.clone(),
            user_uuids: vec![sender.to_owned()],
        });
    }
}
