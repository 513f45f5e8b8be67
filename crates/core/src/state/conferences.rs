//! Conference rooms live: who is in each room, in join order, muted or not.
//!
//! Join orders count from 1 per room and restart when the room empties; the room's start time is
//! its first member's join. Each change yields its [`Event::Conference`]: the room before and
//! after, and every room after.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::dataset::Dataset;
use crate::event::Event;
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

/// Every configured room, by id.
#[derive(Debug, Default)]
pub(crate) struct Conferences {
    map: BTreeMap<RoomId, RoomLive>,
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

    /// Every room's state, by room id.
    pub fn all(&self) -> Arc<[Arc<ConferenceState>]> {
        self.map.values().map(|r| r.state.clone()).collect()
    }

    /// The event of a change of `room` from `previous` to its current state.
    fn changed(&self, room: RoomId, previous: Arc<ConferenceState>) -> Option<Event> {
        Some(Event::Conference {
            state: self.get(room)?.clone(),
            previous,
            rooms: self.all(),
        })
    }

    /// Adds a member; returns the event if it joined.
    pub fn join(&mut self, now: Timestamp, room: RoomId, joining: Joining) -> Option<Event> {
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
        let previous = live.state.clone();
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
        self.changed(room, previous)
    }

    /// Removes a member; returns the event if it was there.
    pub fn leave(&mut self, room: RoomId, uniqueid: &UniqueId) -> Option<Event> {
        let live = self.map.get_mut(&room)?;
        let at = live
            .state
            .members
            .iter()
            .position(|m| &m.uniqueid == uniqueid)?;
        let previous = live.state.clone();
        let state = Arc::make_mut(&mut live.state);
        state.members.remove(at);
        if state.members.is_empty() {
            state.start = None;
            live.next_order = 1;
        }
        self.changed(room, previous)
    }

    /// Mutes or unmutes a member; returns the event if it changed.
    pub fn mute(&mut self, room: RoomId, uniqueid: &UniqueId, muted: bool) -> Option<Event> {
        let live = self.map.get_mut(&room)?;
        let at = live
            .state
            .members
            .iter()
            .position(|m| &m.uniqueid == uniqueid)?;
        if live.state.members[at].muted == muted {
            return None;
        }
        let previous = live.state.clone();
        Arc::make_mut(&mut live.state).members[at].muted = muted;
        self.changed(room, previous)
    }
}
