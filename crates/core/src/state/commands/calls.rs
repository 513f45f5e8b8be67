//! Call control on the user's own line: click-to-dial (from the line or the mobile), hang up,
//! answer (or take a call waiting elsewhere: switchboard retrieve), hold / resume, and attaching
//! data to the current calls.
//!
//! Rights: hang up and hold / resume act only on the channels of the user's own line; a
//! channel of someone else's is refused (`Forbidden`), an unknown one is `NoCall`. Answer takes
//! a call ringing the own line, or brings back the other party of one of the own line's calls;
//! taking any other waiting call (a queued caller, a call ringing another phone — directed
//! pick-up —, a call held by someone else) needs [`Right::TakeWaitingCalls`].

use std::sync::Arc;

use super::{normalize, usr_variables};
use crate::command::{CommandError, Outcome};
use crate::ids::{LineId, UniqueId, UserId};
use crate::live::{ChannelState, Party};
use crate::pbx::{OriginateFrom, PbxAction};
use crate::rights::Right;
use crate::state::State;
use crate::state::channels::Channel;

impl State {
    pub(super) fn dial(
        &mut self,
        user: UserId,
        destination: &str,
        variables: Vec<(String, String)>,
        from_mobile: bool,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let dataset = Arc::clone(&self.dataset);
        let u = self.user(user)?;
        let from = if from_mobile {
            if u.mobile.trim().is_empty() {
                return Err(CommandError::InvalidArgument {
                    field: "mobile".to_owned(),
                    reason: "the user has no mobile number".to_owned(),
                });
            }
            OriginateFrom::Number(normalize(&u.mobile))
        } else {
            OriginateFrom::Line(u.line.ok_or(CommandError::NoLine)?)
        };
        let (destination, _) = self.reachable(destination)?;
        let own_number = u
            .line
            .and_then(|l| dataset.line(l))
            .map(|l| l.number.clone())
            .unwrap_or_default();
        let caller = Party::new(own_number, u.fullname());
        let id = self.next_action_id(actions);
        actions.push(PbxAction::Originate {
            from,
            destination: destination.clone(),
            caller,
            variables: usr_variables(variables),
            auto_answer: self.config.originate_auto_answer && !from_mobile,
        });
        Ok(Outcome::Dialing {
            destination,
            action: id,
        })
    }

    pub(super) fn hangup(
        &mut self,
        user: UserId,
        uniqueid: Option<&UniqueId>,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let line = self.user_line(user)?;
        let channel = match uniqueid {
            Some(u) => self.channel_on_line(line, u)?,
            None => self
                .first_on_line(line, |c| {
                    !c.held
                        && matches!(
                            c.state,
                            ChannelState::Up
                                | ChannelState::Ringing
                                | ChannelState::Ring
                                | ChannelState::Dialing
                        )
                })
                .ok_or(CommandError::NoCall)?,
        };
        actions.push(PbxAction::Hangup {
            uniqueid: channel.uniqueid.clone(),
        });
        Ok(Outcome::Done)
    }

    pub(super) fn answer(
        &mut self,
        user: UserId,
        uniqueid: Option<&UniqueId>,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let line = self.user_line(user)?;
        let action = match uniqueid {
            Some(u) => {
                let c = self.channels.get(u).ok_or(CommandError::NoCall)?;
                if c.line == Some(line) {
                    if c.state != ChannelState::Ringing {
                        return Err(CommandError::InvalidState(
                            "the call is not ringing".to_owned(),
                        ));
                    }
                    PbxAction::Answer {
                        uniqueid: c.uniqueid.clone(),
                    }
                } else if !self.is_other_party_of(line, c)
                    && !self.dataset.may(user, Right::TakeWaitingCalls)
                {
                    return Err(CommandError::Forbidden(
                        "only switchboard operators may take calls of other lines".to_owned(),
                    ));
                } else if self.is_waiting(c) {
                    PbxAction::Pickup {
                        waiting: c.uniqueid.clone(),
                        line,
                    }
                } else {
                    return Err(CommandError::NoCall);
                }
            }
            None => {
                let c = self
                    .first_on_line(line, |c| c.state == ChannelState::Ringing)
                    .ok_or(CommandError::NoCall)?;
                PbxAction::Answer {
                    uniqueid: c.uniqueid.clone(),
                }
            }
        };
        actions.push(action);
        Ok(Outcome::Done)
    }

    pub(super) fn hold(
        &mut self,
        user: UserId,
        uniqueid: Option<&UniqueId>,
        hold: Option<bool>,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let line = self.user_line(user)?;
        let talking = |c: &Channel| c.state == ChannelState::Up && !c.held;
        let held = |c: &Channel| c.held;
        let channel = match (uniqueid, hold) {
            (Some(u), _) => self.channel_on_line(line, u)?,
            (None, Some(true)) => self
                .first_on_line(line, talking)
                .ok_or(CommandError::NoCall)?,
            (None, Some(false)) => self.first_on_line(line, held).ok_or(CommandError::NoCall)?,
            (None, None) => self
                .first_on_line(line, talking)
                .or_else(|| self.first_on_line(line, held))
                .ok_or(CommandError::NoCall)?,
        };
        let want = hold.unwrap_or(!channel.held);
        if channel.state != ChannelState::Up {
            return Err(CommandError::InvalidState(
                "the call is not answered".to_owned(),
            ));
        }
        if want == channel.held {
            return Err(CommandError::InvalidState(
                if want {
                    "the call is already on hold"
                } else {
                    "the call is not on hold"
                }
                .to_owned(),
            ));
        }
        let uniqueid = channel.uniqueid.clone();
        actions.push(if want {
            PbxAction::Hold { uniqueid }
        } else {
            PbxAction::Unhold { uniqueid }
        });
        Ok(Outcome::Done)
    }

    pub(super) fn set_call_data(
        &mut self,
        user: UserId,
        variables: Vec<(String, String)>,
        actions: &mut Vec<PbxAction>,
    ) -> Result<Outcome, CommandError> {
        let line = self.user_line(user)?;
        // The data goes on the line's channels and on the other party's channel of each call:
        // a transfer keeps the other party's channel (and its variables), not the user's, so
        // this is how the data follows the call to whoever takes it next.
        let mut channels: Vec<UniqueId> = Vec::new();
        for c in self.line_channels(line) {
            let peer = c.peer.as_ref().filter(|p| self.channels.contains(p));
            for u in std::iter::once(&c.uniqueid).chain(peer) {
                if !channels.contains(u) {
                    channels.push(u.clone());
                }
            }
        }
        if channels.is_empty() {
            return Err(CommandError::NoCall);
        }
        let variables = usr_variables(variables);
        for uniqueid in channels {
            for (name, value) in &variables {
                actions.push(PbxAction::SetVariable {
                    uniqueid: uniqueid.clone(),
                    name: name.clone(),
                    value: value.clone(),
                });
            }
        }
        Ok(Outcome::Done)
    }

    /// A channel of the line; `Forbidden` for another line's or the outside's, `NoCall` for
    /// none.
    pub(super) fn channel_on_line(
        &self,
        line: LineId,
        uniqueid: &UniqueId,
    ) -> Result<&Channel, CommandError> {
        match self.channels.get(uniqueid) {
            Some(c) if c.line == Some(line) => Ok(c),
            Some(_) => Err(CommandError::Forbidden(
                "the call is not on the user's line".to_owned(),
            )),
            None => Err(CommandError::NoCall),
        }
    }

    /// Whether `c` is the other party of a call of the line (its peer is on the line): the
    /// caller ringing the line, or the party the line put on hold.
    fn is_other_party_of(&self, line: LineId, c: &Channel) -> bool {
        c.peer
            .as_ref()
            .and_then(|p| self.channels.get(p))
            .is_some_and(|p| p.line == Some(line))
    }

    /// The first channel of the line (in call-start order) matching `pred`.
    pub(super) fn first_on_line(
        &self,
        line: LineId,
        pred: impl Fn(&Channel) -> bool,
    ) -> Option<&Channel> {
        self.line_channels(line).find(|c| pred(c))
    }

    /// Whether a channel is a call waiting to be taken: queued, ringing a phone, held, or the
    /// caller of a ringing or held call.
    fn is_waiting(&self, c: &Channel) -> bool {
        c.waiting_in.is_some()
            || c.state == ChannelState::Ringing
            || c.held
            || c.peer
                .as_ref()
                .and_then(|p| self.channels.get(p))
                .is_some_and(|p| p.held || p.state == ChannelState::Ringing)
    }
}
