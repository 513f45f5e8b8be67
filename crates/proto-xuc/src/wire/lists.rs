//! The payloads of the list and configuration replies (`getList`, `getConfig`,
//! `getAgentDirectory`) and of the pushes about the same objects (`QueueMember`,
//! `ConferenceList`, `QueueCalls`, `PhoneHintStatusEvent`), with the field names the XuC
//! clients read (their message types are in [`super::output::msg`]). Translation only: configured objects come from the dataset, live ones from the
//! core.

use std::sync::Arc;

use serde::Serialize;

use ctid_core::dataset::{Agent, AgentGroup, Dataset, Queue, Room};
use ctid_core::ids::{QueueId, RoomId};
use ctid_core::live::{ConferenceState, QueueEntry, QueueMemberStatus};

/// `QueueConfig` (an element of `QueueList`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueConfigOut<'a> {
    /// The queue.
    pub id: u32,
    /// Its context.
    pub context: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its display name.
    pub display_name: &'a str,
    /// Its number.
    pub number: &'a str,
}

impl<'a> From<&'a Queue> for QueueConfigOut<'a> {
    fn from(q: &'a Queue) -> Self {
        QueueConfigOut {
            id: q.id.0,
            context: &q.context,
            name: &q.name,
            display_name: &q.displayname,
            number: &q.number,
        }
    }
}

/// `AgentConfig` (an element of `AgentList`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentConfigOut<'a> {
    /// The agent.
    pub id: u32,
    /// Its user (0: none).
    pub user_id: u32,
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// Agent number.
    pub number: &'a str,
    /// Context.
    pub context: &'a str,
    /// Its group (0: none).
    pub group_id: u32,
}

impl<'a> From<&'a Agent> for AgentConfigOut<'a> {
    fn from(a: &'a Agent) -> Self {
        AgentConfigOut {
            id: a.id.0,
            user_id: a.user.map_or(0, |u| u.0),
            first_name: &a.firstname,
            last_name: &a.lastname,
            number: &a.number,
            context: &a.context,
            group_id: a.group.map_or(0, |g| g.0),
        }
    }
}

/// An element of `AgentGroupList`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentGroupOut<'a> {
    /// The group.
    pub id: u32,
    /// Its name.
    pub name: &'a str,
    /// Its display name.
    pub display_name: &'a str,
}

impl<'a> From<&'a AgentGroup> for AgentGroupOut<'a> {
    fn from(g: &'a AgentGroup) -> Self {
        AgentGroupOut {
            id: g.id.0,
            name: &g.name,
            display_name: &g.displayname,
        }
    }
}

/// `QueueMember` (and an element of `QueueMemberList`): `penalty` −1 means removed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueMemberOut {
    /// The agent.
    pub agent_id: u32,
    /// The queue.
    pub queue_id: u32,
    /// Its penalty, −1 once removed.
    pub penalty: i64,
}

impl From<&QueueMemberStatus> for QueueMemberOut {
    fn from(m: &QueueMemberStatus) -> Self {
        QueueMemberOut {
            agent_id: m.agent.0,
            queue_id: m.queue.0,
            penalty: i64::from(m.penalty),
        }
    }
}

/// One queue of a default membership.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipOut {
    /// The queue.
    pub queue_id: u32,
    /// The penalty.
    pub penalty: u32,
}

/// One user's default membership.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMembershipOut {
    /// The user (of the agent).
    pub user_id: u32,
    /// Its queues.
    pub membership: Vec<MembershipOut>,
}

/// `UsersQueueDefaultMembership` payload.
#[derive(Debug, Serialize)]
pub struct UsersMembershipOut {
    /// One entry per user with an agent.
    pub memberships: Vec<UserMembershipOut>,
}

/// The configured memberships of every agent that has a user, by user.
pub fn default_memberships(ds: &Dataset) -> UsersMembershipOut {
    let memberships = ds
        .agents()
        .iter()
        .filter_map(|a| {
            let user = a.user?;
            let membership = ds
                .queues_of_agent(a.id)
                .map(|(q, penalty)| MembershipOut {
                    queue_id: q.id.0,
                    penalty,
                })
                .collect();
            Some(UserMembershipOut {
                user_id: user.0,
                membership,
            })
        })
        .collect();
    UsersMembershipOut { memberships }
}

/// A member of a conference room in `ConferenceList`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceMemberOut<'a> {
    /// 1-based join order (the index mute and kick take).
    pub join_order: u32,
    /// When it joined, epoch ms.
    pub join_time: i64,
    /// Muted.
    pub muted: bool,
    /// Caller name.
    pub name: &'a str,
    /// Caller number.
    pub number: &'a str,
    /// The member's login, when it is a user (else empty).
    pub username: &'a str,
}

/// A room of `ConferenceList`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceRoomOut<'a> {
    /// Its number.
    pub number: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Whether a PIN is asked.
    pub pin_required: bool,
    /// When the first member joined, epoch ms (0 when empty).
    pub start_time: i64,
    /// Members in join order.
    pub members: Vec<ConferenceMemberOut<'a>>,
}

/// The state of `room` among every room's, by room id (as the core gives them).
pub fn room_state(rooms: &[Arc<ConferenceState>], room: RoomId) -> Option<&ConferenceState> {
    let at = rooms.binary_search_by_key(&room, |s| s.room).ok()?;
    Some(&rooms[at])
}

/// `ConferenceList`: every configured room with its members.
pub fn conference_list<'a>(
    ds: &'a Dataset,
    rooms: &'a [Arc<ConferenceState>],
) -> Vec<ConferenceRoomOut<'a>> {
    ds.rooms()
        .iter()
        .map(|room: &'a Room| {
            let state = room_state(rooms, room.id);
            ConferenceRoomOut {
                number: &room.number,
                name: &room.name,
                pin_required: room.pin.as_deref().is_some_and(|p| !p.is_empty()),
                start_time: state.and_then(|s| s.start).map_or(0, |t| t.0),
                members: state
                    .map(|s| {
                        s.members
                            .iter()
                            .map(|m| ConferenceMemberOut {
                                join_order: m.join_order,
                                join_time: m.join_time.0,
                                muted: m.muted,
                                name: &m.name,
                                number: &m.number,
                                username: m
                                    .user
                                    .and_then(|u| ds.user(u))
                                    .map_or("", |u| u.login.as_str()),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// `LineConfig`: the user's line, with the WebRTC fields cti.js and xc_webrtc read (notes
/// §5.5). ctid's lines are SIP phones, not WebRTC: `webRtc` is false and `password` empty
/// (a string, as xc_webrtc requires).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineConfigOut<'a> {
    /// The line id, or `"-"` when the user has no line.
    pub id: serde_json::Value,
    /// The SIP peer name.
    pub name: &'a str,
    /// The line's number.
    pub number: &'a str,
    /// The line's context.
    pub context: &'a str,
    /// The SIP secret for a WebRTC line (empty: ctid does not hand it out).
    pub password: &'a str,
    /// The SIP server's address for a WebRTC phone (ctid serves no SIP over WebSocket:
    /// empty).
    pub xivo_ip: &'a str,
    /// The SIP proxy's name (`default`).
    pub sip_proxy_name: &'a str,
    /// Whether the line is a WebRTC line.
    pub web_rtc: bool,
    /// Whether the line has a device (a phone).
    pub has_device: bool,
    /// The phone's vendor (unknown: empty).
    pub vendor: &'a str,
}

/// One waiting caller of `QueueCalls`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueCallOut<'a> {
    /// 1-based position.
    pub position: u32,
    /// Caller name.
    pub name: &'a str,
    /// Caller number.
    pub number: &'a str,
    /// When the caller joined, ISO 8601 in UTC.
    pub queue_time: String,
    /// The caller's channel (what `answer` takes to pick the call up).
    pub unique_id: &'a str,
}

/// `QueueCalls` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueCallsOut<'a> {
    /// The queue.
    pub queue_id: u32,
    /// Its callers, in order.
    pub calls: Vec<QueueCallOut<'a>>,
}

impl<'a> QueueCallsOut<'a> {
    /// A queue's callers in XuC form.
    pub fn new(queue: QueueId, entries: &'a [QueueEntry]) -> Self {
        QueueCallsOut {
            queue_id: queue.0,
            calls: entries
                .iter()
                .map(|e| QueueCallOut {
                    position: e.position,
                    name: &e.name,
                    number: &e.number,
                    queue_time: format!("{}Z", e.join_time.to_iso8601()),
                    unique_id: &e.uniqueid.0,
                })
                .collect(),
        }
    }
}

/// `PhoneHintStatusEvent` payload.
#[derive(Debug, Serialize)]
pub struct PhoneHintOut<'a> {
    /// The number watched.
    pub number: &'a str,
    /// Its `Cti.PhoneStatus` code.
    pub status: i32,
}

/// A participant of `ConferenceEvent` and `ConferenceParticipantEvent`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantOut<'a> {
    /// Its index in the room (join order, what `conferenceMute` takes).
    pub index: u32,
    /// Caller name.
    pub caller_id_name: &'a str,
    /// Caller number.
    pub caller_id_number: &'a str,
    /// Seconds in the room.
    pub since: u64,
    /// Whether it talks (ctid does not know: false).
    pub is_talking: bool,
    /// `User` (ctid has no organizer role).
    pub role: &'static str,
    /// Muted.
    pub is_muted: bool,
    /// Whether it is the recipient's own call.
    pub is_me: bool,
    /// Its login, when it is a user (else empty).
    pub username: &'a str,
}

/// `ConferenceEvent` payload: the recipient's own call joined or left a room.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceEventOut<'a> {
    /// `Join` or `Leave`.
    pub event_type: &'static str,
    /// The recipient's channel in the room.
    pub unique_id: &'a str,
    /// The room's name.
    pub conference_name: &'a str,
    /// The room's number.
    pub conference_number: &'a str,
    /// Seconds since the room started (0 on leave).
    pub since: u64,
    /// The members now (empty on leave).
    pub participants: Vec<ParticipantOut<'a>>,
}

/// `ConferenceParticipantEvent` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantEventOut<'a> {
    /// `Join`, `Update` or `Leave`.
    pub event_type: &'static str,
    /// The participant's channel.
    pub unique_id: &'a str,
    /// The room's number.
    pub phone_number: &'a str,
    /// The participant.
    #[serde(flatten)]
    pub participant: ParticipantOut<'a>,
}

/// `AgentListen` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentListenOut<'a> {
    /// Started or stopped.
    pub started: bool,
    /// The agent's phone number (its user's line; empty when unknown).
    pub phone_number: &'a str,
    /// The agent.
    pub agent_id: u32,
}
