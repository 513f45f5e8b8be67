//! The other commands: listening to an agent (supervisors), muting conference members and
//! sending a fax.

use super::not_found;
use crate::command::{CommandError, Outcome};
use crate::ids::{AgentId, RoomId, UserId};
use crate::live::{ConferenceMember, ConferenceState};
use crate::pbx::PbxAction;
use crate::rights::Right;
use crate::state::State;

impl State {
    pub(super) fn listen(
        &mut self,
        requester: UserId,
        agent: AgentId,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        self.user(requester)?;
        if !self.dataset.may(requester, Right::Listen) {
            return Err(CommandError::Forbidden(
                "only supervisors may listen to agents".to_owned(),
            ));
        }
        let listener = self.user_line(requester)?;
        let status = self
            .agents
            .get(agent)
            .ok_or_else(|| not_found("agent", agent))?;
        let target = status
            .status
            .line
            .ok_or_else(|| CommandError::InvalidState("the agent is not logged in".to_owned()))?;
        actions.push(PbxAction::Listen { listener, target });
        Ok(Outcome::Done)
    }

    pub(super) fn conference_mute(
        &mut self,
        requester: UserId,
        room: RoomId,
        member: u32,
        muted: bool,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        self.user(requester)?;
        let (state, target) = self.room_member(room, member)?;
        let present = state.members.iter().any(|m| m.user == Some(requester));
        if !present && !self.dataset.may(requester, Right::MuteOthersRooms) {
            return Err(CommandError::Forbidden(
                "only members of the room and supervisors may mute".to_owned(),
            ));
        }
        actions.push(PbxAction::ConferenceMute {
            room,
            uniqueid: target.uniqueid.clone(),
            muted,
        });
        Ok(Outcome::Done)
    }

    /// A conference room's live state and its member of join order `member`, or `NotFound`
    /// naming which is missing.
    pub(super) fn room_member(
        &self,
        room: RoomId,
        member: u32,
    ) -> Result<(&ConferenceState, &ConferenceMember), CommandError> {
        let state = self
            .rooms
            .get(room)
            .ok_or_else(|| not_found("room", room))?;
        let target = state
            .members
            .iter()
            .find(|m| m.join_order == member)
            .ok_or_else(|| not_found("conference member", member))?;
        Ok((state, target))
    }

    pub(super) fn send_fax(
        &mut self,
        user: UserId,
        destination: &str,
        size: usize,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        self.user(user)?;
        let (destination, _) = self.reachable(destination)?;
        let id = self.next_action_id(actions);
        actions.push(PbxAction::SendFax {
            user,
            destination,
            size,
        });
        Ok(Outcome::FaxQueued { action: id })
    }
}
