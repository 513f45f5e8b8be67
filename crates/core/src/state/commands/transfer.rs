//! Transfers of the user's current call: blind, attended (then complete, cancel or turn into a
//! conference), and to a voicemail box.

use super::{Finish, not_found};
use crate::command::{CommandError, Outcome};
use crate::ids::UserId;
use crate::live::ChannelState;
use crate::pbx::PbxAction;
use crate::state::State;

impl State {
    pub(super) fn transfer(
        &mut self,
        user: UserId,
        destination: &str,
        attended: bool,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let line = self.user_line(user)?;
        let uniqueid = self
            .first_on_line(line, |c| c.state == ChannelState::Up && !c.held)
            .or_else(|| self.first_on_line(line, |c| c.state == ChannelState::Up))
            .map(|c| c.uniqueid.clone())
            .ok_or(CommandError::NoCall)?;
        let (destination, _) = self.reachable(destination)?;
        if attended {
            if self.transfers.contains_key(&user) {
                return Err(CommandError::InvalidState(
                    "a transfer is already in progress".to_owned(),
                ));
            }
            actions.push(PbxAction::AttendedTransfer {
                uniqueid,
                destination,
            });
        } else {
            actions.push(PbxAction::BlindTransfer {
                uniqueid,
                destination,
            });
        }
        Ok(Outcome::Done)
    }

    pub(super) fn finish_transfer(
        &mut self,
        user: UserId,
        finish: Finish,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        self.user(user)?;
        let transfer = self
            .transfers
            .get(&user)
            .ok_or_else(|| CommandError::InvalidState("no transfer in progress".to_owned()))?;
        let uniqueid = transfer.transferer.clone();
        actions.push(match finish {
            Finish::Complete => PbxAction::CompleteTransfer { uniqueid },
            Finish::Cancel => PbxAction::CancelTransfer { uniqueid },
            Finish::Conference => PbxAction::MergeConference { uniqueid },
        });
        Ok(Outcome::Done)
    }

    pub(super) fn transfer_to_voicemail(
        &mut self,
        user: UserId,
        mailbox: &str,
        attended: bool,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        self.user(user)?;
        if self.dataset.voicemail_by_mailbox(mailbox).is_none() {
            return Err(not_found("voicemail", mailbox));
        }
        let destination = format!(
            "{}{mailbox}",
            self.dataset.dialplan().voicemail_deposit_prefix
        );
        self.transfer(user, &destination, attended, actions)
    }
}
