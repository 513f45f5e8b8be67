//! Sending DTMF on one's own answered call, and removing a member from a conference room (one's
//! own place, or anyone's for a supervisor: [`Right::KickFromRooms`]).

use crate::command::{CommandError, MAX_DTMF_DIGITS, Outcome};
use crate::ids::{RoomId, UserId};
use crate::live::ChannelState;
use crate::pbx::PbxAction;
use crate::rights::Right;
use crate::state::State;

/// Whether `digits` are 1 to [`MAX_DTMF_DIGITS`] DTMF keys (`0-9`, `*`, `#`, `A-D`).
fn check_digits(digits: &str) -> Result<(), CommandError> {
    let bad = |reason: &str| CommandError::InvalidArgument {
        field: "digits".to_owned(),
        reason: reason.to_owned(),
    };
    if digits.is_empty() {
        return Err(bad("no digit"));
    }
    if digits.len() > MAX_DTMF_DIGITS {
        return Err(bad(&format!("more than {MAX_DTMF_DIGITS} digits")));
    }
    if !digits
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D'))
    {
        return Err(bad("only 0-9, *, # and A-D are DTMF keys"));
    }
    Ok(())
}

impl State {
    pub(super) fn send_dtmf(
        &mut self,
        user: UserId,
        digits: &str,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        check_digits(digits)?;
        let line = self.user_line(user)?;
        let channel = self
            .first_on_line(line, |c| c.state == ChannelState::Up && !c.held)
            .ok_or(CommandError::NoCall)?;
        actions.push(PbxAction::SendDtmf {
            uniqueid: channel.uniqueid.clone(),
            digits: digits.to_owned(),
        });
        Ok(Outcome::Done)
    }

    pub(super) fn conference_kick(
        &mut self,
        requester: UserId,
        room: RoomId,
        member: u32,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        self.user(requester)?;
        let (_, target) = self.room_member(room, member)?;
        if target.user != Some(requester) && !self.dataset.may(requester, Right::KickFromRooms) {
            return Err(CommandError::Forbidden(
                "only supervisors may remove others from a conference room".to_owned(),
            ));
        }
        actions.push(PbxAction::ConferenceKick {
            room,
            uniqueid: target.uniqueid.clone(),
        });
        Ok(Outcome::Done)
    }
}
