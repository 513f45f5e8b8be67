//! ConfBridge conferences: `ConfbridgeJoin`, `ConfbridgeLeave`, `ConfbridgeMute`,
//! `ConfbridgeUnmute` (the `Conference` is a configured room's number or name).
//! `ConfbridgeTalking` has no counterpart in the port's vocabulary yet.

use ctid_core::ids::RoomId;
use ctid_core::pbx::PbxEvent;

use super::channels::uniqueid;
use super::{Fields, Translator, names};

impl Translator {
    fn room_of(&self, e: Fields<'_>) -> Option<RoomId> {
        let conference = e.some("Conference")?;
        let room = names::room(&self.dataset, conference);
        if room.is_none() {
            tracing::debug!(conference, "conference not in the dataset");
        }
        room
    }

    pub(super) fn conference_join(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::ConferenceJoin {
            room: self.room_of(e)?,
            uniqueid: uniqueid(e)?,
            muted: e.flag("Muted"),
        });
        Some(())
    }

    pub(super) fn conference_leave(
        &mut self,
        e: Fields<'_>,
        out: &mut Vec<PbxEvent>,
    ) -> Option<()> {
        out.push(PbxEvent::ConferenceLeave {
            room: self.room_of(e)?,
            uniqueid: uniqueid(e)?,
        });
        Some(())
    }

    pub(super) fn conference_mute(
        &mut self,
        e: Fields<'_>,
        muted: bool,
        out: &mut Vec<PbxEvent>,
    ) -> Option<()> {
        out.push(PbxEvent::ConferenceMute {
            room: self.room_of(e)?,
            uniqueid: uniqueid(e)?,
            muted,
        });
        Some(())
    }
}
