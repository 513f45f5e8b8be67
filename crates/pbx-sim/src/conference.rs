//! Conference rooms: calling a room's number joins it (the room answers, the caller enters the
//! room's bridge: `BridgeEnter`, `ConferenceJoin`); hanging up leaves it (`BridgeLeave`,
//! `ConferenceLeave`); members can be muted and unmuted (`ConferenceMute`) and removed (their
//! channel hung up, as ConfBridge's kick ends the member's call).

use ctid_core::ids::{BridgeId, RoomId, UniqueId};
use ctid_core::pbx::PbxEvent;

use crate::sim::Sim;
use crate::world::{BridgeKind, Role};

/// A room, live.
#[derive(Clone, Debug, Default)]
pub(crate) struct RoomRt {
    /// The room's bridge, while anyone is in.
    pub bridge: Option<BridgeId>,
    /// Members and whether each is muted, in join order.
    pub members: Vec<(UniqueId, bool)>,
}

impl Sim {
    /// A caller enters a room.
    pub fn conference_join(&mut self, caller: &UniqueId, room: RoomId) {
        if self.ds.room(room).is_none() {
            return;
        }
        self.answer_channel(caller);
        let existing = self
            .rooms
            .get(&room)
            .and_then(|r| r.bridge.clone())
            .filter(|b| self.world.bridges.contains_key(b));
        let bridge = match existing {
            Some(b) => b,
            None => self.create_bridge(BridgeKind::Conference),
        };
        self.bridge_enter(&bridge, caller);
        let rt = self.rooms.entry(room).or_default();
        rt.bridge = Some(bridge);
        rt.members.push((caller.clone(), false));
        self.set_role(caller, Role::Conference(room));
        self.emit(PbxEvent::ConferenceJoin {
            room,
            uniqueid: caller.clone(),
            muted: false,
        });
    }

    /// A member leaves a room (it is hanging up).
    pub fn conference_leave(&mut self, room: RoomId, id: &UniqueId) {
        self.bridge_leave(id);
        if let Some(rt) = self.rooms.get_mut(&room) {
            rt.members.retain(|(m, _)| m != id);
            if rt.members.is_empty() {
                self.rooms.remove(&room);
            }
        }
        self.emit(PbxEvent::ConferenceLeave {
            room,
            uniqueid: id.clone(),
        });
    }

    /// Mutes or unmutes a member.
    pub fn conference_mute(&mut self, room: RoomId, id: &UniqueId, muted: bool) {
        let Some(member) = self
            .rooms
            .get_mut(&room)
            .and_then(|r| r.members.iter_mut().find(|(m, _)| m == id))
        else {
            tracing::debug!(%room, %id, "mute of a non-member ignored");
            self.refuse("mute of a non-member");
            return;
        };
        member.1 = muted;
        self.emit(PbxEvent::ConferenceMute {
            room,
            uniqueid: id.clone(),
            muted,
        });
    }

    /// Removes a member: its channel is hung up (and so leaves the room).
    pub fn conference_kick(&mut self, room: RoomId, id: &UniqueId) {
        let member = self
            .rooms
            .get(&room)
            .is_some_and(|r| r.members.iter().any(|(m, _)| m == id));
        if !member {
            tracing::debug!(%room, %id, "kick of a non-member refused");
            self.refuse("not a member of the conference room");
            return;
        }
        self.hangup(id, crate::causes::NORMAL);
    }

    /// Whether a conference member is muted.
    pub fn conference_muted(&self, room: RoomId, id: &UniqueId) -> bool {
        self.rooms
            .get(&room)
            .and_then(|r| r.members.iter().find(|(m, _)| m == id))
            .is_some_and(|(_, muted)| *muted)
    }
}
