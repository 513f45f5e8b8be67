//! Calls on the bus: `call_created`, `call_answered`, `call_updated`, `call_ended`,
//! `call_held` and `call_resumed` (calld's names and routing keys), per user, from the phone
//! events of the user's line. It remembers each live channel's progress, bounded.

use std::collections::HashMap;

use ctid_core::Dataset;
use ctid_core::ids::UniqueId;
use ctid_core::live::{CallDirection, PhoneEvent, PhoneEventKind};
use serde_json::{Value, json};

use crate::message::BusMessage;
use crate::routing::escape_segment;

/// Live channels tracked at most; past that, a call still gets `call_created` and
/// `call_ended` but its answer is published as `call_updated`.
const MAX_TRACKED_CALLS: usize = 100_000;

#[derive(Clone, Copy, Debug, Default)]
struct Progress {
    answered: bool,
    held: bool,
}

/// What the bus knows of each live channel of a user's line.
#[derive(Debug, Default)]
pub struct CallTracker {
    calls: HashMap<UniqueId, Progress>,
}

impl CallTracker {
    /// Appends the call events `phone` makes (none for a line without a user).
    pub fn map(&mut self, dataset: &Dataset, phone: &PhoneEvent, out: &mut Vec<BusMessage>) {
        let Some(user) = phone.user.and_then(|u| dataset.user(u)) else {
            return;
        };
        let uuid = user.uuid.clone();
        let known = self.calls.get(&phone.uniqueid).copied();
        let mut push = |name: &'static str, key: &str, data: Value| {
            out.push(BusMessage {
                name,
                routing_key: key.to_owned(),
                required_acl: Some(format!("events.calls.{}", escape_segment(&uuid))),
                data,
                user_uuids: vec![uuid.clone()],
            })
        };
        let model = |status: &str, on_hold: bool| {
            json!({
                "call_id": phone.uniqueid.as_str(),
                "user_uuid": &user.uuid,
                "line_id": phone.line.0,
                "caller_id_name": user.fullname(),
                "caller_id_number": &phone.dn,
                "peer_caller_id_name": &phone.other_name,
                "peer_caller_id_number": &phone.other_dn,
                "status": status,
                "on_hold": on_hold,
                "is_caller": phone.direction == CallDirection::Outgoing,
                "talking_to": {},
                "bridges": [],
            })
        };
        match phone.kind {
            PhoneEventKind::Failure => {}
            PhoneEventKind::Released => {
                self.calls.remove(&phone.uniqueid);
                push("call_ended", "calls.call.ended", model("Down", false));
            }
            kind => {
                let mut progress = known.unwrap_or_default();
                let status = match kind {
                    PhoneEventKind::Dialing => "Ring",
                    PhoneEventKind::Ringing => "Ringing",
                    _ => "Up",
                };
                if known.is_none() {
                    push("call_created", "calls.call.created", model(status, false));
                }
                match kind {
                    PhoneEventKind::OnHold => {
                        progress.held = true;
                        push("call_held", "calls.hold.created", hold(phone, &user.uuid));
                    }
                    PhoneEventKind::Established if progress.held => {
                        progress.held = false;
                        push(
                            "call_resumed",
                            "calls.hold.deleted",
                            hold(phone, &user.uuid),
                        );
                    }
                    PhoneEventKind::Established if !progress.answered => {
                        progress.answered = true;
                        push("call_answered", "calls.call.answered", model(status, false));
                    }
                    _ if known.is_some() => {
                        push(
                            "call_updated",
                            "calls.call.updated",
                            model(status, progress.held),
                        );
                    }
                    _ => {}
                }
                if known.is_some() || self.calls.len() < MAX_TRACKED_CALLS {
                    self.calls.insert(phone.uniqueid.clone(), progress);
                }
            }
        }
    }
}

fn hold(phone: &PhoneEvent, user_uuid: &str) -> Value {
    json!({"call_id": phone.uniqueid.as_str(), "user_uuid": user_uuid})
}
