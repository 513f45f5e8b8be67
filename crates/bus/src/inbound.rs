//! Bus messages from other nodes and services, parsed into what the core takes
//! ([`RemoteInput`]): statuses (`user_status_update`, `agent_status_update`,
//! `endpoint_status_update`), chat messages to this node's users (`chat_message_received`) and
//! service changes (`users_services_*_updated`, `users_forwards_*_updated`). Anything else is a
//! [`Rejected`] with the reason, never a panic: the body is size-checked before it is parsed,
//! typed by serde (wrong types are errors), and nothing unknown is passed on.

use std::sync::Arc;

use ctid_core::live::{ForwardKind, ServiceChange};
use ctid_core::remote::{RemoteInput, RemoteKind, RemoteObject, RemoteStatus, RemoteUser};
use serde::Deserialize;
use serde_json::Value;

/// Why a message was not passed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejected {
    /// Its body is longer than the limit.
    Oversize(usize),
    /// It is not the JSON it should be (with serde's reason).
    Malformed(String),
    /// Its `name` is not one ctid consumes.
    Unknown(String),
}

/// What to do with one message.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Hand it to the core.
    Apply(RemoteInput),
    /// This node published it: nothing to do.
    Own,
    /// Well-formed but not for this node (a chat to another node's user).
    NotForUs,
}

#[derive(Deserialize)]
struct Envelope {
    name: String,
    origin_uuid: String,
    #[serde(default)]
    data: Value,
}

/// An id as JSON gives it: a number or a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum AnyId {
    Number(u64),
    Text(String),
}

impl AnyId {
    fn into_text(self) -> String {
        match self {
            AnyId::Number(n) => n.to_string(),
            AnyId::Text(t) => t,
        }
    }
}

/// A status as JSON gives it: a code or a name.
#[derive(Deserialize)]
#[serde(untagged)]
enum AnyStatus {
    Code(i64),
    Name(String),
}

#[derive(Deserialize)]
struct UserStatus {
    user_uuid: String,
    status: String,
}

#[derive(Deserialize)]
struct AgentStatus {
    agent_id: AnyId,
    status: String,
}

#[derive(Deserialize)]
struct EndpointStatus {
    endpoint_id: AnyId,
    status: AnyStatus,
}

#[derive(Deserialize)]
struct Chat {
    from: [String; 2],
    to: [String; 2],
    alias: String,
    msg: String,
}

#[derive(Deserialize)]
struct Toggle {
    user_uuid: String,
    enabled: bool,
}

#[derive(Deserialize)]
struct Forward {
    user_uuid: String,
    enabled: bool,
    #[serde(default)]
    destination: Option<String>,
}

fn data<T: for<'de> Deserialize<'de>>(raw: &Value) -> Result<T, Rejected> {
    T::deserialize(raw).map_err(|e| Rejected::Malformed(format!("data: {e}")))
}

fn status(kind: RemoteKind, node: &str, id: String, status: RemoteStatus) -> Verdict {
    Verdict::Apply(RemoteInput::Status {
        object: RemoteObject {
            kind,
            node: Arc::from(node),
            id: Arc::from(id),
        },
        status,
    })
}

/// Parses one message body received by the node `own_uuid`, refusing bodies over `max_bytes`.
pub fn parse(body: &[u8], own_uuid: &str, max_bytes: usize) -> Result<Verdict, Rejected> {
    if body.len() > max_bytes {
        return Err(Rejected::Oversize(body.len()));
    }
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| Rejected::Malformed(e.to_string()))?;
    if envelope.origin_uuid == own_uuid {
        return Ok(Verdict::Own);
    }
    let node = envelope.origin_uuid.as_str();
    let raw = &envelope.data;
    let forward = |kind| -> Result<Verdict, Rejected> {
        let f: Forward = data(raw)?;
        Ok(Verdict::Apply(RemoteInput::Services {
            user_uuid: f.user_uuid,
            change: ServiceChange::Forward {
                kind,
                enabled: Some(f.enabled),
                destination: f.destination,
            },
        }))
    };
    match envelope.name.as_str() {
        "user_status_update" => {
            let s: UserStatus = data(raw)?;
            Ok(status(
                RemoteKind::User,
                node,
                s.user_uuid,
                RemoteStatus::Name(Arc::from(s.status)),
            ))
        }
        "agent_status_update" => {
            let s: AgentStatus = data(raw)?;
            Ok(status(
                RemoteKind::Agent,
                node,
                s.agent_id.into_text(),
                RemoteStatus::Name(Arc::from(s.status)),
            ))
        }
        "endpoint_status_update" => {
            let s: EndpointStatus = data(raw)?;
            let value = match s.status {
                AnyStatus::Code(code) => RemoteStatus::Code(code),
                AnyStatus::Name(name) => RemoteStatus::Name(Arc::from(name)),
            };
            Ok(status(
                RemoteKind::Endpoint,
                node,
                s.endpoint_id.into_text(),
                value,
            ))
        }
        "chat_message_received" => {
            let c: Chat = data(raw)?;
            let [to_node, to_user] = c.to;
            if to_node != own_uuid {
                return Ok(Verdict::NotForUs);
            }
            let [from_node, from_user] = c.from;
            Ok(Verdict::Apply(RemoteInput::Chat {
                from: RemoteUser {
                    node: Arc::from(from_node),
                    uuid: Arc::from(from_user),
                },
                to_user_uuid: to_user,
                alias: c.alias,
                text: c.msg,
            }))
        }
        "users_services_dnd_updated" | "users_services_incallfilter_updated" => {
            let t: Toggle = data(raw)?;
            let change = if envelope.name == "users_services_dnd_updated" {
                ServiceChange::Dnd(t.enabled)
            } else {
                ServiceChange::IncallFilter(t.enabled)
            };
            Ok(Verdict::Apply(RemoteInput::Services {
                user_uuid: t.user_uuid,
                change,
            }))
        }
        "users_forwards_unconditional_updated" => forward(ForwardKind::Unconditional),
        "users_forwards_busy_updated" => forward(ForwardKind::Busy),
        "users_forwards_noanswer_updated" => forward(ForwardKind::NoAnswer),
        _ => Err(Rejected::Unknown(envelope.name)),
    }
}

/// A name from a message, fit for a log line: escaped and cut to 64 characters.
pub(crate) fn quote(name: &str) -> String {
    let mut quoted: String = name.chars().take(64).flat_map(char::escape_debug).collect();
    if name.chars().nth(64).is_some() {
        quoted.push('…');
    }
    quoted
}

/// The names of the messages ctid consumes (the bindings of a headers exchange).
pub const CONSUMED_NAMES: [&str; 9] = [
    "user_status_update",
    "agent_status_update",
    "endpoint_status_update",
    "chat_message_received",
    "users_services_dnd_updated",
    "users_services_incallfilter_updated",
    "users_forwards_unconditional_updated",
    "users_forwards_busy_updated",
    "users_forwards_noanswer_updated",
];

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = "node-a";

    fn parsed(body: serde_json::Value) -> Result<Verdict, Rejected> {
        parse(body.to_string().as_bytes(), OWN, 64 * 1024)
    }

    #[test]
    fn statuses_of_other_nodes_are_passed_on_as_published() {
        let v = parsed(
            serde_json::json!({"name": "endpoint_status_update", "origin_uuid": "b",
            "data": {"endpoint_id": 12, "status": 8, "xivo_id": "b"}}),
        );
        assert_eq!(
            v,
            Ok(status(
                RemoteKind::Endpoint,
                "b",
                "12".into(),
                RemoteStatus::Code(8)
            ))
        );
        let v = parsed(
            serde_json::json!({"name": "agent_status_update", "origin_uuid": "b",
            "data": {"agent_id": 42, "status": "gone fishing"}}),
        );
        assert_eq!(
            v,
            Ok(status(
                RemoteKind::Agent,
                "b",
                "42".into(),
                RemoteStatus::Name("gone fishing".into())
            ))
        );
    }

    #[test]
    fn own_messages_and_chats_to_other_nodes_are_not_applied() {
        let own = parsed(
            serde_json::json!({"name": "user_status_update", "origin_uuid": OWN,
            "data": {"user_uuid": "u", "status": "away"}}),
        );
        assert_eq!(own, Ok(Verdict::Own));
        let elsewhere = parsed(serde_json::json!({"name": "chat_message_received",
            "origin_uuid": "b", "data": {"from": ["b", "u1"], "to": ["c", "u2"], "alias": "x",
            "msg": "hi"}}));
        assert_eq!(elsewhere, Ok(Verdict::NotForUs));
    }

    #[test]
    fn hostile_messages_are_rejected_with_a_reason() {
        assert_eq!(
            parse(&[b' '; 100], OWN, 10),
            Err(Rejected::Oversize(100)),
            "size first"
        );
        assert!(matches!(
            parse(b"{not json", OWN, 100),
            Err(Rejected::Malformed(_))
        ));
        let wrong_type = parsed(serde_json::json!({"name": "user_status_update",
            "origin_uuid": "b", "data": {"user_uuid": 5, "status": "away"}}));
        assert!(matches!(wrong_type, Err(Rejected::Malformed(_))));
        let no_origin = parsed(serde_json::json!({"name": "user_status_update", "data": {}}));
        assert!(matches!(no_origin, Err(Rejected::Malformed(_))));
        let unknown = parsed(serde_json::json!({"name": "rm -rf", "origin_uuid": "b",
            "data": null}));
        assert_eq!(unknown, Err(Rejected::Unknown("rm -rf".into())));
        let deep = format!(
            "{{\"name\":\"x\",\"origin_uuid\":\"b\",\"data\":{}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(matches!(
            parse(deep.as_bytes(), OWN, 1 << 20),
            Err(Rejected::Malformed(_))
        ));
    }

    #[test]
    fn service_events_become_service_changes() {
        let v = parsed(serde_json::json!({"name": "users_forwards_busy_updated",
            "origin_uuid": "confd", "data": {"user_uuid": "u", "enabled": true,
            "destination": "1002"}}));
        assert_eq!(
            v,
            Ok(Verdict::Apply(RemoteInput::Services {
                user_uuid: "u".into(),
                change: ServiceChange::Forward {
                    kind: ForwardKind::Busy,
                    enabled: Some(true),
                    destination: Some("1002".into()),
                },
            }))
        );
    }
}
