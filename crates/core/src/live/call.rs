//! Channels, calls as a line sees them, phone events, conferences and the call log.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::CallDirection;
use crate::ids::{LineId, QueueId, RoomId, UniqueId, UserId};
use crate::time::Timestamp;

/// A channel's state, with Asterisk's numeric codes (`ChannelState` in AMI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChannelState {
    /// 0: down.
    Down,
    /// 2: off hook.
    OffHook,
    /// 3: dialing.
    Dialing,
    /// 4: ring (the caller side, hearing ringback).
    Ring,
    /// 5: ringing (the phone rings).
    Ringing,
    /// 6: up (answered).
    Up,
    /// 7: busy.
    Busy,
}

impl ChannelState {
    /// The AMI code.
    pub fn code(self) -> u8 {
        match self {
            ChannelState::Down => 0,
            ChannelState::OffHook => 2,
            ChannelState::Dialing => 3,
            ChannelState::Ring => 4,
            ChannelState::Ringing => 5,
            ChannelState::Up => 6,
            ChannelState::Busy => 7,
        }
    }

    /// The state for an AMI code (unknown codes read as `Down`).
    pub fn from_code(code: u8) -> ChannelState {
        match code {
            2 => ChannelState::OffHook,
            3 => ChannelState::Dialing,
            4 => ChannelState::Ring,
            5 => ChannelState::Ringing,
            6 => ChannelState::Up,
            7 => ChannelState::Busy,
            _ => ChannelState::Down,
        }
    }
}

/// How a dial attempt ended (`DialStatus` in AMI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DialStatus {
    /// Answered.
    Answer,
    /// The callee was busy (or in do-not-disturb).
    Busy,
    /// The callee did not answer in time.
    NoAnswer,
    /// The caller gave up.
    Cancel,
    /// The network could not route the call.
    Congestion,
    /// The callee is unavailable (unregistered, unreachable).
    ChanUnavail,
}

/// What a channel is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Endpoint {
    /// A configured phone line.
    Line(LineId),
    /// The outside world through a trunk (an external caller or callee).
    Trunk,
    /// A PBX-internal leg (local channels, applications).
    Local,
}

/// A caller-id: number and name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Party {
    /// Number.
    pub number: String,
    /// Name (may be empty).
    pub name: String,
}

impl Party {
    /// A party from a number and a name.
    pub fn new(number: impl Into<String>, name: impl Into<String>) -> Party {
        Party {
            number: number.into(),
            name: name.into(),
        }
    }
}

/// Data attached to a call: `USR_*` variables set by applications and the `XIVO_*` variables of
/// the dialplan, in the order they were set.
pub type UserData = Arc<Vec<(String, String)>>;

/// The kind of a phone event (XuC `PhoneEvent.eventType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PhoneEventKind {
    /// The line places a call that is not answered yet.
    Dialing,
    /// A call rings the line.
    Ringing,
    /// The call is answered.
    Established,
    /// The call ended.
    Released,
    /// The line put the call on hold.
    OnHold,
    /// A call the user asked for could not be placed.
    Failure,
}

/// A call event as seen from one line: what the XuC `PhoneEvent`, the CTI sheets and call lists
/// are made of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhoneEvent {
    /// What happened.
    pub kind: PhoneEventKind,
    /// The line.
    pub line: LineId,
    /// The line's owner.
    pub user: Option<UserId>,
    /// The line's number (`DN`).
    pub dn: String,
    /// The other party's number.
    pub other_dn: String,
    /// The other party's name.
    pub other_name: String,
    /// The other party's login, when it is an internal user.
    pub other_username: Option<String>,
    /// Whether the other party is outside the switch (a trunk, or a number the dialplan does
    /// not resolve to anything internal): the same rule as agents' non-ACD call status.
    pub external: bool,
    /// The line's channel.
    pub uniqueid: UniqueId,
    /// The line's channel name (`SIP/1001-0000000a`).
    pub channel: String,
    /// The call's linked id (shared by every channel of the call).
    pub linkedid: UniqueId,
    /// The queue the call came through, for ACD calls.
    pub queue: Option<QueueId>,
    /// Direction, seen from the line.
    pub direction: CallDirection,
    /// Attached data.
    pub user_data: UserData,
}

/// The state of a call in a line's current-calls list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CurrentCallStatus {
    /// Ringing or dialing.
    Ringing,
    /// Talking.
    Up,
    /// On hold.
    Hold,
}

/// One call of a line (switchboard view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentCall {
    /// The line's channel.
    pub uniqueid: UniqueId,
    /// The call's linked id.
    pub linkedid: UniqueId,
    /// The other party.
    pub peer: Party,
    /// State.
    pub status: CurrentCallStatus,
    /// Direction, seen from the line.
    pub direction: CallDirection,
    /// When the call started (or was answered, once it is).
    pub start: Timestamp,
}

/// A finished call, as recorded in a user's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallLogEntry {
    /// The user whose history this is.
    pub user: UserId,
    /// When the call started.
    pub start: Timestamp,
    /// When it was answered, if it was.
    pub answered_at: Option<Timestamp>,
    /// When it ended.
    pub end: Timestamp,
    /// Direction, seen from the user.
    pub direction: CallDirection,
    /// The other party.
    pub peer: Party,
    /// The call's linked id.
    pub linkedid: UniqueId,
}

impl CallLogEntry {
    /// Talk time in seconds (0 for an unanswered call).
    pub fn duration_secs(&self) -> f64 {
        self.answered_at
            .map_or(0.0, |a| self.end.since(a).as_secs_f64())
    }

    /// Whether this is a missed call (incoming, never answered).
    pub fn is_missed(&self) -> bool {
        self.direction == CallDirection::Incoming && self.answered_at.is_none()
    }
}

/// A participant in a conference room.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConferenceMember {
    /// 1-based join order (the member's position for mute commands).
    pub join_order: u32,
    /// When the member joined.
    pub join_time: Timestamp,
    /// The member's channel.
    pub uniqueid: UniqueId,
    /// Caller number.
    pub number: String,
    /// Caller name.
    pub name: String,
    /// The internal user, if the member is one.
    pub user: Option<UserId>,
    /// Whether the member is muted.
    pub muted: bool,
}

/// A conference room's live state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConferenceState {
    /// The room.
    pub room: RoomId,
    /// When the first member joined (none when empty).
    pub start: Option<Timestamp>,
    /// Members, in join order.
    pub members: Vec<ConferenceMember>,
}
