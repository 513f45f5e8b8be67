//! The switch's live objects: channels (one per call leg, with what each is doing) and bridges
//! (sets of channels that hear each other).
//!
//! Only data and lookups live here; what happens to them is in the behaviour modules
//! (`channel`, `hangup`, `routing`, `dial`, `queue`, `transfer`...).

use std::collections::HashMap;

use ctid_core::Timestamp;
use ctid_core::ids::{
    ActionId, AgentId, BridgeId, LineId, QueueId, RoomId, UniqueId, UserId, VoicemailId,
};
use ctid_core::live::{ChannelState, Endpoint, Party};

/// One call leg.
#[derive(Clone, Debug)]
pub(crate) struct Channel {
    /// Unique id.
    pub id: UniqueId,
    /// The call's linked id.
    pub linkedid: UniqueId,
    /// Channel name (`SIP/1001-0000000a`).
    pub name: String,
    /// What it is attached to.
    pub endpoint: Endpoint,
    /// Its own caller-id.
    pub caller: Party,
    /// The party it talks to (or rings).
    pub connected: Party,
    /// The extension it dialled or was dialled with.
    pub exten: String,
    /// Channel state.
    pub state: ChannelState,
    /// Whether this channel put its call on hold.
    pub held: bool,
    /// The bridge it is in.
    pub bridge: Option<BridgeId>,
    /// Channel variables, in the order they were first set.
    pub vars: Vec<(String, String)>,
    /// An outside caller that came in through the trunk (call filtering applies to it).
    pub inbound: bool,
    /// Creation order (stable ordering of snapshots and searches).
    pub seq: u64,
    /// DTMF digits its phone sent during the call (the last [`crate::dtmf::KEPT_DIGITS`]).
    pub dtmf: String,
    /// What it is doing.
    pub role: Role,
}

impl Channel {
    /// The line it is on, if any.
    pub fn line(&self) -> Option<LineId> {
        match self.endpoint {
            Endpoint::Line(l) => Some(l),
            _ => None,
        }
    }

    /// The value of a channel variable.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `USR_*` variables, which follow a call through transfers and forwards.
    pub fn usr_vars(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter(|(n, _)| n.starts_with("USR_"))
            .cloned()
            .collect()
    }
}

/// What a channel is doing.
#[derive(Clone, Debug)]
pub(crate) enum Role {
    /// Between two steps of the dialplan (also: a channel about to hang up).
    Idle,
    /// Dialling: these channels ring for it.
    Dialing(Vec<UniqueId>),
    /// Being rung.
    Ringing(Ring),
    /// Talking in a two-party (or merged three-party) bridge.
    Talking,
    /// Waiting in a queue.
    Queued(QueueId),
    /// Leaving a message in a voicemail box.
    VoicemailDeposit(VoicemailId),
    /// Listening to its own voicemail box.
    VoicemailConsult(VoicemailId),
    /// In a conference room.
    Conference(RoomId),
    /// Listening to another channel (supervisor).
    Spying(UniqueId),
}

impl Role {
    /// A short name for snapshots.
    pub fn label(&self) -> &'static str {
        match self {
            Role::Idle => "idle",
            Role::Dialing(_) => "dialing",
            Role::Ringing(_) => "ringing",
            Role::Talking => "talking",
            Role::Queued(_) => "queued",
            Role::VoicemailDeposit(_) => "voicemail",
            Role::VoicemailConsult(_) => "voicemail_consult",
            Role::Conference(_) => "conference",
            Role::Spying(_) => "listening",
        }
    }
}

/// A channel being rung: who rings it, since when, why.
#[derive(Clone, Debug)]
pub(crate) struct Ring {
    /// The dialling channel (none for an originate's first leg or a supervisor's listen leg).
    pub caller: Option<UniqueId>,
    /// When it started ringing.
    pub started: Timestamp,
    /// Why it rings.
    pub purpose: RingPurpose,
    /// Identifies the ring's timer (a stale timer finds a different token).
    pub token: u64,
}

/// Why a channel rings.
#[derive(Clone, Debug)]
pub(crate) enum RingPurpose {
    /// A user's phone, called directly, by a forward, a transfer or a pickup.
    Line {
        /// The line's owner, whose services decide what happens on no answer.
        user: Option<UserId>,
        /// Forward hops so far.
        hops: u8,
    },
    /// A number outside.
    External,
    /// A queue member's phone.
    Queue {
        /// The queue.
        queue: QueueId,
        /// The member.
        agent: AgentId,
    },
    /// The first leg of an originate.
    Originate(Box<OriginateLeg>),
    /// A supervisor's phone, to listen to a line.
    Listen {
        /// The line to listen to.
        target: LineId,
    },
}

/// What an originate does once its first leg answers.
#[derive(Clone, Debug)]
pub(crate) struct OriginateLeg {
    /// The originate's correlation id.
    pub action: ActionId,
    /// The number to dial then.
    pub destination: String,
}

/// What a bridge is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BridgeKind {
    /// A call between parties: when only one is left, it is hung up.
    Call,
    /// A conference room: members come and go.
    Conference,
}

/// Channels that hear each other.
#[derive(Clone, Debug)]
pub(crate) struct Bridge {
    /// What it is for.
    pub kind: BridgeKind,
    /// Members, in the order they entered.
    pub members: Vec<UniqueId>,
}

/// Every live channel and bridge.
#[derive(Debug, Default)]
pub(crate) struct World {
    /// Channels by unique id (change through [`World::insert`] and [`World::remove`]).
    pub channels: HashMap<UniqueId, Channel>,
    /// Bridges by id.
    pub bridges: HashMap<BridgeId, Bridge>,
    /// The channels of each line, oldest first.
    by_line: HashMap<LineId, Vec<UniqueId>>,
}

impl World {
    /// Adds a channel.
    pub fn insert(&mut self, channel: Channel) {
        if let Some(line) = channel.line() {
            self.by_line
                .entry(line)
                .or_default()
                .push(channel.id.clone());
        }
        self.channels.insert(channel.id.clone(), channel);
    }

    /// Removes a channel.
    pub fn remove(&mut self, id: &UniqueId) -> Option<Channel> {
        let channel = self.channels.remove(id)?;
        if let Some(line) = channel.line()
            && let Some(ids) = self.by_line.get_mut(&line)
        {
            ids.retain(|c| c != id);
            if ids.is_empty() {
                self.by_line.remove(&line);
            }
        }
        Some(channel)
    }

    /// A channel.
    pub fn get(&self, id: &UniqueId) -> Option<&Channel> {
        self.channels.get(id)
    }

    /// A channel, to change it.
    pub fn get_mut(&mut self, id: &UniqueId) -> Option<&mut Channel> {
        self.channels.get_mut(id)
    }

    /// Whether a channel exists.
    pub fn exists(&self, id: &UniqueId) -> bool {
        self.channels.contains_key(id)
    }

    /// The channels on a line, oldest first.
    pub fn on_line(&self, line: LineId) -> Vec<&Channel> {
        self.by_line
            .get(&line)
            .map(|ids| ids.iter().filter_map(|id| self.channels.get(id)).collect())
            .unwrap_or_default()
    }

    /// Whether a line has any call in progress (ringing, dialling, talking or held).
    pub fn line_in_use(&self, line: LineId) -> bool {
        self.by_line.get(&line).is_some_and(|ids| !ids.is_empty())
    }

    /// The only other party of a two-party call bridge.
    pub fn call_peer(&self, id: &UniqueId) -> Option<UniqueId> {
        let bridge = self.get(id)?.bridge.as_ref()?;
        let b = self.bridges.get(bridge)?;
        if b.kind != BridgeKind::Call || b.members.len() != 2 {
            return None;
        }
        b.members.iter().find(|m| *m != id).cloned()
    }

    /// The caller-side channel ringing `id`, if `id` is being rung.
    pub fn ring_of(&self, id: &UniqueId) -> Option<&Ring> {
        match &self.get(id)?.role {
            Role::Ringing(r) => Some(r),
            _ => None,
        }
    }
}
