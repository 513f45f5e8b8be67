//! Live channels and bridges, by unique id: what each channel is attached to, its caller-id and
//! connected party, its state, who it talks to (its peer), the data attached to it, and the
//! bridges that make channels hear each other.
//!
//! The table is bounded ([`MAX_CHANNELS`]); a channel leaves it on its hangup or on a reset.

use std::collections::HashMap;
use std::sync::Arc;

use crate::dataset::Dataset;
use crate::ids::{AgentId, BridgeId, LineId, QueueId, RoomId, UniqueId, UserId};
use crate::live::{
    CallDirection, ChannelState, Endpoint, Party, PhoneEvent, PhoneEventKind, UserData,
};
use crate::time::Timestamp;

/// At most this many live channels are tracked; more are ignored (with a warning).
pub(crate) const MAX_CHANNELS: usize = 200_000;
/// At most this many attached variables per channel.
const MAX_VARS: usize = 64;
/// Longest attached variable value kept (longer ones are cut).
const MAX_VAR_LEN: usize = 4096;

/// What the other end of a call is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PeerKind {
    /// A configured line.
    Line,
    /// The outside world.
    Trunk,
    /// A PBX-internal leg.
    Local,
}

/// A snapshot of the other end of a call, taken when the two channels are linked (dial or
/// bridge), so that it survives the other channel's hangup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PeerInfo {
    /// What the peer is attached to.
    pub kind: PeerKind,
    /// Its number: the line's number for a line, else its caller-id number.
    pub number: String,
    /// Its name: the line owner's full name for a line, else its caller-id name.
    pub name: String,
    /// The line owner's login, for a line.
    pub username: Option<String>,
}

/// The other party of a channel's call, as shown to clients.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Other<'a> {
    /// Number.
    pub number: &'a str,
    /// Name.
    pub name: &'a str,
    /// Login, when the other party is an internal user.
    pub username: Option<&'a str>,
}

/// A live channel, as the core tracks it.
#[derive(Clone, Debug)]
pub struct Channel {
    /// Its unique id.
    pub(crate) uniqueid: UniqueId,
    /// The call's linked id.
    pub(crate) linkedid: UniqueId,
    /// Channel name (`SIP/1001-0000000a`).
    pub(crate) name: String,
    /// What it is attached to.
    pub(crate) endpoint: Endpoint,
    /// Its own caller-id.
    pub(crate) caller: Party,
    /// The party it is connected to (may be empty when unknown).
    pub(crate) connected: Party,
    /// The extension it dials or was dialled with.
    pub(crate) exten: String,
    /// Its state.
    pub(crate) state: ChannelState,
    /// The bridge it is in.
    pub(crate) bridge: Option<BridgeId>,
    /// Whether it put its call on hold.
    pub(crate) held: bool,
    /// Attached `USR_*` and `XIVO_*` variables, in the order they were first set.
    pub(crate) vars: UserData,
    /// Direction of its call, seen from its side.
    pub(crate) direction: CallDirection,
    /// The queue of the ACD call it takes (as an `AgentCalled`/`AgentConnect` destination).
    pub(crate) queue: Option<QueueId>,
    /// When it was answered.
    pub(crate) answered_at: Option<Timestamp>,
    /// When it appeared.
    pub(crate) created_at: Timestamp,
    pub(crate) line: Option<LineId>,
    pub(crate) peer: Option<UniqueId>,
    pub(crate) peer_info: Option<PeerInfo>,
    pub(crate) acd_agent: Option<AgentId>,
    pub(crate) waiting_in: Option<QueueId>,
    pub(crate) room: Option<RoomId>,
    pub(crate) spying: Option<(UserId, AgentId)>,
    pub(crate) transferer_of: Option<UserId>,
    pub(crate) seq: u64,
    pub(crate) last_phone: Option<Arc<PhoneEvent>>,
}

impl Channel {
    /// Its unique id.
    pub fn uniqueid(&self) -> &UniqueId {
        &self.uniqueid
    }

    /// The call's linked id.
    pub fn linkedid(&self) -> &UniqueId {
        &self.linkedid
    }

    /// Channel name (`SIP/1001-0000000a`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it is attached to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The bridge it is in.
    pub fn bridge(&self) -> Option<&BridgeId> {
        self.bridge.as_ref()
    }

    /// Attached `USR_*` and `XIVO_*` variables, in the order they were first set.
    pub fn vars(&self) -> &UserData {
        &self.vars
    }

    /// Its state.
    pub fn state(&self) -> ChannelState {
        self.state
    }

    /// Whether it put its call on hold.
    pub fn held(&self) -> bool {
        self.held
    }

    /// Direction of its call, seen from its side.
    pub fn direction(&self) -> CallDirection {
        self.direction
    }

    /// The configured line the channel is on, if any.
    pub fn line(&self) -> Option<LineId> {
        self.line
    }

    /// The kind of the latest phone event emitted for this channel.
    pub(crate) fn last_phone_kind(&self) -> Option<PhoneEventKind> {
        self.last_phone.as_ref().map(|e| e.kind)
    }

    /// When its call started, as a line's call list shows it (answer time once answered).
    pub(crate) fn start(&self) -> Timestamp {
        self.answered_at.unwrap_or(self.created_at)
    }

    /// The other party of its call: the other line's number and owner when it is a line, else
    /// the connected party, else the peer's caller-id (incoming) or the dialled extension
    /// (outgoing).
    pub(crate) fn other(&self) -> Other<'_> {
        if let Some(p) = &self.peer_info
            && p.kind == PeerKind::Line
        {
            return Other {
                number: &p.number,
                name: &p.name,
                username: p.username.as_deref(),
            };
        }
        if !self.connected.number.is_empty() {
            return Other {
                number: &self.connected.number,
                name: &self.connected.name,
                username: None,
            };
        }
        let from_peer = self.peer_info.as_ref().map(|p| Other {
            number: &p.number,
            name: &p.name,
            username: None,
        });
        let dialled = Other {
            number: &self.exten,
            name: "",
            username: None,
        };
        match (self.direction, from_peer) {
            (CallDirection::Incoming, Some(p)) => p,
            (CallDirection::Outgoing, _) if !self.exten.is_empty() => dialled,
            (_, Some(p)) => p,
            _ => Other {
                number: "",
                name: "",
                username: None,
            },
        }
    }

    /// The other party as a caller-id.
    pub(crate) fn other_party(&self) -> Party {
        let o = self.other();
        Party::new(o.number, o.name)
    }

    /// Whether the other party is outside the PBX: a trunk, or a number that matches no
    /// extension (an unknown, empty number counts as internal).
    pub(crate) fn other_is_external(&self, dataset: &Dataset) -> bool {
        match self.peer_info.as_ref().map(|p| p.kind) {
            Some(PeerKind::Line) => false,
            Some(PeerKind::Trunk) => true,
            _ => {
                let number = self.other().number;
                !number.is_empty() && !dataset.is_internal_number(number)
            }
        }
    }

    /// Whether the channel is busy with a call (talking, dialling, or hearing ringback).
    pub(crate) fn in_use(&self) -> bool {
        matches!(
            self.state,
            ChannelState::Up | ChannelState::Ring | ChannelState::Dialing | ChannelState::OffHook
        )
    }

    /// Sets an attached variable if its name is one the core keeps; returns whether it did.
    pub(crate) fn set_var(&mut self, name: &str, value: &str) -> bool {
        if !keeps_var(name) {
            return false;
        }
        let mut value = value;
        if value.len() > MAX_VAR_LEN {
            let mut cut = MAX_VAR_LEN;
            while !value.is_char_boundary(cut) {
                cut -= 1;
            }
            value = &value[..cut];
        }
        if let Some(slot) = self.vars.iter().position(|(n, _)| n == name) {
            if self.vars[slot].1 == value {
                return false;
            }
            Arc::make_mut(&mut self.vars)[slot].1 = value.to_owned();
            return true;
        }
        if self.vars.len() >= MAX_VARS {
            tracing::debug!(uniqueid = %self.uniqueid, name, "too many variables on a channel, ignored");
            return false;
        }
        Arc::make_mut(&mut self.vars).push((name.to_owned(), value.to_owned()));
        true
    }
}

/// Whether a channel variable is attached data the core keeps (`USR_*`, `XIVO_*`).
pub(crate) fn keeps_var(name: &str) -> bool {
    name.starts_with("USR_") || name.starts_with("XIVO_")
}

/// The channel table and the bridges.
#[derive(Debug, Default)]
pub(crate) struct Channels {
    map: HashMap<UniqueId, Channel>,
    bridges: HashMap<BridgeId, Vec<UniqueId>>,
    next_seq: u64,
}

/// A new channel's fields, as reported by the PBX.
pub(crate) struct NewChannel<'a> {
    pub uniqueid: &'a UniqueId,
    pub linkedid: &'a UniqueId,
    pub name: &'a str,
    pub endpoint: &'a Endpoint,
    pub line: Option<LineId>,
    pub caller: &'a Party,
    pub exten: &'a str,
    pub state: ChannelState,
}

impl Channels {
    /// A channel by unique id.
    pub fn get(&self, uniqueid: &UniqueId) -> Option<&Channel> {
        self.map.get(uniqueid)
    }

    /// A channel by unique id, to change it.
    pub fn get_mut(&mut self, uniqueid: &UniqueId) -> Option<&mut Channel> {
        self.map.get_mut(uniqueid)
    }

    /// Whether the channel is known.
    pub fn contains(&self, uniqueid: &UniqueId) -> bool {
        self.map.contains_key(uniqueid)
    }

    /// Number of live channels.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Every live channel, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Channel> {
        self.map.values()
    }

    /// Adds a channel; returns `None` if it already exists or the table is full.
    pub fn insert(&mut self, now: Timestamp, new: NewChannel<'_>) -> Option<&mut Channel> {
        if self.map.contains_key(new.uniqueid) {
            tracing::debug!(uniqueid = %new.uniqueid, "duplicate channel ignored");
            return None;
        }
        if self.map.len() >= MAX_CHANNELS {
            tracing::warn!(uniqueid = %new.uniqueid, "too many live channels, new channel ignored");
            return None;
        }
        self.next_seq += 1;
        let direction = match new.state {
            ChannelState::Down | ChannelState::Ringing => CallDirection::Incoming,
            _ => CallDirection::Outgoing,
        };
        let channel = Channel {
            uniqueid: new.uniqueid.clone(),
            linkedid: new.linkedid.clone(),
            name: new.name.to_owned(),
            endpoint: new.endpoint.clone(),
            caller: new.caller.clone(),
            connected: Party::default(),
            exten: new.exten.to_owned(),
            state: new.state,
            bridge: None,
            held: false,
            vars: UserData::default(),
            direction,
            queue: None,
            answered_at: (new.state == ChannelState::Up).then_some(now),
            created_at: now,
            line: new.line,
            peer: None,
            peer_info: None,
            acd_agent: None,
            waiting_in: None,
            room: None,
            spying: None,
            transferer_of: None,
            seq: self.next_seq,
            last_phone: None,
        };
        Some(self.map.entry(new.uniqueid.clone()).or_insert(channel))
    }

    /// Removes a channel (and takes it out of its bridge).
    pub fn remove(&mut self, uniqueid: &UniqueId) -> Option<Channel> {
        let channel = self.map.remove(uniqueid)?;
        if let Some(bridge) = &channel.bridge {
            self.drop_from_bridge(bridge, uniqueid);
        }
        Some(channel)
    }

    /// Puts a known channel in a bridge (leaving the one it was in). Returns the other channel
    /// when the bridge now holds exactly two: they talk to each other.
    pub fn enter_bridge(&mut self, bridge: &BridgeId, uniqueid: &UniqueId) -> Option<UniqueId> {
        let channel = self.map.get_mut(uniqueid)?;
        let previous = channel.bridge.replace(bridge.clone());
        if let Some(previous) = previous {
            if &previous == bridge {
                return None;
            }
            self.drop_from_bridge(&previous, uniqueid);
        }
        let members = self.bridges.entry(bridge.clone()).or_default();
        if !members.contains(uniqueid) {
            members.push(uniqueid.clone());
        }
        match members.as_slice() {
            [a, b] => Some(if a == uniqueid { b.clone() } else { a.clone() }),
            _ => None,
        }
    }

    /// Takes a channel out of a bridge.
    pub fn leave_bridge(&mut self, bridge: &BridgeId, uniqueid: &UniqueId) {
        if let Some(channel) = self.map.get_mut(uniqueid)
            && channel.bridge.as_ref() == Some(bridge)
        {
            channel.bridge = None;
        }
        self.drop_from_bridge(bridge, uniqueid);
    }

    /// The two channels of a bridge that holds exactly two.
    pub fn pair(&self, bridge: &BridgeId) -> Option<(UniqueId, UniqueId)> {
        match self.bridges.get(bridge)?.as_slice() {
            [a, b] => Some((a.clone(), b.clone())),
            _ => None,
        }
    }

    fn drop_from_bridge(&mut self, bridge: &BridgeId, uniqueid: &UniqueId) {
        if let Some(members) = self.bridges.get_mut(bridge) {
            members.retain(|m| m != uniqueid);
            if members.is_empty() {
                self.bridges.remove(bridge);
            }
        }
    }

    /// Number of live bridges.
    #[cfg(test)]
    pub fn bridge_count(&self) -> usize {
        self.bridges.len()
    }
}
