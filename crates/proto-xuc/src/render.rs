//! The XuC face's renderer (the face layer's [`ctid_face::Render`]): each core event becomes
//! XuC messages, encoded once, published on the [`Topic`] of the sessions that want them.
//! Translation only: the core derived every status; names and shapes are in
//! [`crate::wire::output`]. Messages carrying an object's whole state (`PhoneStatusUpdate`,
//! `UserConfigUpdate`, `VoiceMailStatusUpdate`, `QueueStatistics`) are replaceable: a newer one
//! drops the older copy still waiting in a slow socket's outbox (the face layer's rule).

use std::sync::Arc;

use bytes::Bytes;

use ctid_core::dataset::Dataset;
use ctid_core::live::AgentStatus;
use ctid_core::{Event, SharedClock};
use ctid_face::{Pushes, SupersedeKey};

use crate::topic::Topic;
use crate::wire::encode;
use crate::wire::lists::*;
use crate::wire::output::*;

/// Renders events for XuC sessions.
pub struct Renderer {
    dataset: Arc<Dataset>,
    clock: SharedClock,
}

impl Renderer {
    /// A renderer on the current configuration.
    pub fn new(dataset: Arc<Dataset>, clock: SharedClock) -> Self {
        Renderer { dataset, clock }
    }
}

/// Whether two statuses of an agent look the same in an `AgentStateEvent`.
fn same_xuc_state(a: &AgentStatus, b: &AgentStatus) -> bool {
    a.state == b.state
        && a.state_since == b.state_since
        && a.phone_number == b.phone_number
        && a.queues == b.queues
        && a.pause_reason == b.pause_reason
        && a.on_call_acd == b.on_call_acd
        && a.on_call_nonacd == b.on_call_nonacd
}

/// The `Error` a command's late failure becomes (the switch refused what it asked).
fn late_error(command: &str, reason: &str) -> Bytes {
    encode(
        msg::ERROR,
        &ErrorOut {
            error: "ActionFailed",
            command: Some(command),
            message: reason,
        },
    )
}

impl ctid_face::Render for Renderer {
    type Topic = Topic;

    fn render(&mut self, event: &Event, wanted: &dyn Fn(&Topic) -> bool, out: &mut Pushes<Topic>) {
        let ds = &self.dataset;
        match event {
            Event::Phone(e) => {
                let topic = Topic::Line(e.line);
                if wanted(&topic) {
                    out.push((topic, encode(msg::PHONE_EVENT, &PhoneEventOut::new(e, ds))));
                }
            }
            Event::LineHint { line, hint } => {
                let watched = Topic::PhoneHint(*line);
                if wanted(&watched)
                    && let Some(l) = ds.line(*line)
                {
                    let event = PhoneHintOut {
                        number: &l.number,
                        status: hint.code(),
                    };
                    let key = SupersedeKey::new(msg::PHONE_HINT_STATUS_EVENT, line.0.into());
                    let bytes = encode(msg::PHONE_HINT_STATUS_EVENT, &event);
                    out.push_replaceable(watched, key, bytes);
                }
                let topic = Topic::Line(*line);
                if wanted(&topic) {
                    let status = PhoneStatusOut {
                        status: hint_name(*hint),
                    };
                    let key = SupersedeKey::new(msg::PHONE_STATUS_UPDATE, line.0.into());
                    out.push_replaceable(topic, key, encode(msg::PHONE_STATUS_UPDATE, &status));
                }
            }
            Event::UserServices { user, services, .. } => {
                let topic = Topic::User(*user);
                if let Some(u) = ds.user(*user)
                    && wanted(&topic)
                {
                    let config = UserConfigOut::new(u, services, ds);
                    let key = SupersedeKey::new(msg::USER_CONFIG_UPDATE, user.0.into());
                    out.push_replaceable(topic, key, encode(msg::USER_CONFIG_UPDATE, &config));
                }
            }
            Event::UserPresence { user, status } => {
                let topic = Topic::User(*user);
                if wanted(&topic) {
                    out.push((
                        topic,
                        encode(msg::USER_STATUS_UPDATE, &UserStatusOut { status }),
                    ));
                }
            }
            Event::Voicemail { voicemail, counts } => {
                let topic = Topic::Voicemail(*voicemail);
                if wanted(&topic) {
                    let counts = VoicemailOut::new(*voicemail, *counts);
                    let key = SupersedeKey::new(msg::VOICEMAIL_STATUS_UPDATE, voicemail.0.into());
                    out.push_replaceable(topic, key, encode(msg::VOICEMAIL_STATUS_UPDATE, &counts));
                }
            }
            Event::AgentStatus {
                status: s,
                previous,
            } => {
                let all = Topic::AgentEvents;
                let own = Topic::Agent(s.agent);
                // What only the CTI form shows changed (availability): nothing new for XuC.
                let unchanged = previous.as_deref().is_some_and(|p| same_xuc_state(p, s));
                if !unchanged && (wanted(&all) || wanted(&own)) {
                    let bytes = encode(
                        msg::AGENT_STATE_EVENT,
                        &AgentStateOut::new(s, self.clock.now()),
                    );
                    out.push((all, bytes.clone()));
                    out.push((own, bytes));
                }
            }
            Event::QueueStats { queue, stats } => {
                let topic = Topic::QueueStats;
                if wanted(&topic) {
                    let stats = QueueStatisticsOut::new(*queue, stats);
                    let key = SupersedeKey::new(msg::QUEUE_STATISTICS, queue.0.into());
                    out.push_replaceable(topic, key, encode(msg::QUEUE_STATISTICS, &stats));
                }
            }
            Event::QueueEntries { queue, entries } => {
                let topic = Topic::QueueCalls(*queue);
                if wanted(&topic) {
                    let calls = QueueCallsOut::new(*queue, entries);
                    let key = SupersedeKey::new(msg::QUEUE_CALLS, queue.0.into());
                    out.push_replaceable(topic, key, encode(msg::QUEUE_CALLS, &calls));
                }
            }
            Event::QueueMember { status, .. } => {
                let topic = Topic::QueueMembers;
                if wanted(&topic) {
                    let member = QueueMemberOut::from(&**status);
                    out.push((topic, encode(msg::QUEUE_MEMBER, &member)));
                }
            }
            Event::QueueMemberRemoved { queue, agent, .. } => {
                let topic = Topic::QueueMembers;
                if wanted(&topic) {
                    let member = QueueMemberOut {
                        agent_id: agent.0,
                        queue_id: queue.0,
                        penalty: -1,
                    };
                    out.push((topic, encode(msg::QUEUE_MEMBER, &member)));
                }
            }
            Event::Conference {
                state,
                previous,
                rooms,
            } => {
                crate::conference_render::render(
                    ds,
                    self.clock.now(),
                    state,
                    previous,
                    wanted,
                    out,
                );
                let topic = Topic::Conferences;
                if wanted(&topic) {
                    let list = conference_list(ds, rooms);
                    let key = SupersedeKey::new(msg::CONFERENCE_LIST, 0);
                    out.push_replaceable(topic, key, encode(msg::CONFERENCE_LIST, &list));
                }
            }
            Event::Listen {
                supervisor,
                agent,
                started,
            } => {
                let phone_number = ds
                    .agent(*agent)
                    .and_then(|a| a.user)
                    .and_then(|u| ds.line_of_user(u))
                    .map_or("", |l| l.number.as_str());
                let bytes = encode(
                    msg::AGENT_LISTEN,
                    &AgentListenOut {
                        started: *started,
                        phone_number,
                        agent_id: agent.0,
                    },
                );
                let mut told = vec![*supervisor];
                told.extend(ds.agent(*agent).and_then(|a| a.user));
                told.dedup();
                for user in told {
                    let topic = Topic::User(user);
                    if wanted(&topic) {
                        out.push((topic, bytes.clone()));
                    }
                }
            }
            Event::DialFailed {
                user,
                destination,
                reason,
            } => {
                let topic = Topic::User(*user);
                if wanted(&topic) {
                    let message = format!("{}: {reason}", crate::wire::input::echo(destination));
                    out.push((topic, late_error("dial", &message)));
                }
            }
            Event::ActionFailed {
                user,
                command,
                reason,
                ..
            } => {
                let topic = Topic::User(*user);
                if wanted(&topic) {
                    out.push((
                        topic,
                        late_error(crate::errors::command_name(*command), reason),
                    ));
                }
            }
            Event::Config { dataset, .. } => {
                self.dataset = dataset.0.clone();
            }
            // Not on the XuC wire yet (chat, sheets come with their commands).
            _ => {}
        }
    }
}
