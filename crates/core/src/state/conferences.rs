//! Conference rooms live: who is in each room, in join order, muted or not.
//!
//! Join orders count from 1 per room and restart when the room empties; the room's start time is
//! its first member's join.

use std::collections::HashMap;
use std::sync::Arc;

use crate::dataset::Dataset;
use crate::ids::{RoomId, UniqueId};
use crate::live::{ConferenceMember, ConferenceState};
use crate::time::Timestamp;

/// At most this many members are tracked per room.
pub(crate) const MAX_MEMBERS: usize = 1000;

/// One room's live state.
#[derive(Debug)]
pub(crate) struct RoomLive {
    /// What clients see.
    pub state: Arc<ConferenceState>,
    next_order: u32,
}

/// Every configured room.
#[derive(Debug, Default)]
pub(crate) struct Conferences {
    map: HashMap<RoomId, RoomLive>,
}

/// A member about to join.
pub(crate) struct Joining {
    pub uniqueid: UniqueId,
    pub number: String,
    pub name: String,
    pub user: Option<crate::ids::UserId>,
    pub muted: bool,
}

impl Conferences {
    /// The rooms of a dataset, empty.
    pub fn new(dataset: &Dataset) -> Conferences {
        let mut rooms = Conferences::default();
        for r in dataset.rooms() {
            rooms.insert(r.id);
        }
        rooms
    }

    /// Adds a configured room, empty.
    pub fn insert(&mut self, room: RoomId) {
        self.map.entry(room).or_insert_with(|| RoomLive {
            state: Arc::new(ConferenceState {
                room,
                start: None,
                members: Vec::new(),
            }),
            next_order: 1,
        });
    }

    /// Forgets a removed room.
    pub fn remove(&mut self, room: RoomId) {
        self.map.remove(&room);
    }

    /// A room's state.
    pub fn get(&self, room: RoomId) -> Option<&Arc<ConferenceState>> {
        self.map.get(&room).map(|r| &r.state)
    }

    /// Adds a member; returns the room's new state if it joined.
    pub fn join(
        &mut self,
        now: Timestamp,
        room: RoomId,
        joining: Joining,
    ) -> Option<Arc<ConferenceState>> {
        let live = self.map.get_mut(&room)?;
        if live
            .state
            .members
            .iter()
            .any(|m| m.uniqueid == joining.uniqueid)
        {
            tracing::debug!(%room, uniqueid = %joining.uniqueid, "already in the room");
            return None;
        }
        if live.state.members.len() >= MAX_MEMBERS {
            tracing::warn!(%room, "too many conference members tracked, join ignored");
            return None;
        }
        let join_order = live.next_order;
        live.next_order += 1;
        let state = Arc::make_mut(&mut live.state);
        if state.members.is_empty() {
            state.start = Some(now);
        }
        state.members.push(ConferenceMember {
            join_order,
            join_time: now,
            uniqueid: joining.uniqueid,
            number: joining.number,
            name: joining.name,
            user: joining.user,
            muted: joining.muted,
        });
        Some(live.state.clone())
    }

    /// Removes a member; returns the room's new state if it was there.
    pub fn leave(&mut self, room: RoomId, uniqueid: &UniqueId) -> Option<Arc<ConferenceState>> {
        let live = self.map.get_mut(&room)?;
        let at = live
            .state
            .members
            .iter()
            .position(|m| &m.uniqueid == uniqueid)?;
        let state = Arc::make_mut(&mut live.state);
        state.members.remove(at);
        if state.members.is_empty() {
            state.start = None;
            live.next_order = 1;
        }
        Some(live.state.clone())
    }

    /// Mutes or unmutes a member; returns the room's new state if it changed.
    pub fn mute(
        &mut self,
        room: RoomId,
        uniqueid: &UniqueId,
        muted: bool,
    ) -> Option<Arc<ConferenceState>> {
        let live = self.map.get_mut(&room)?;
        let at = live
            .state
            .members
            .iter()
            .position(|m| &m.uniqueid == uniqueid)?;
        if live.state.members[at].muted == muted {
            return None;
        }
        Arc::make_mut(&mut live.state).members[at].muted = muted;
        Some(live.state.clone())
    }
}
