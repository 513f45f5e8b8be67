//! Client commands: one file per family. Each command is checked against the live state and the
//! requester's rights first, then changes what the core owns (presence, services, sessions) or
//! pushes PBX actions; call and agent changes are never pre-applied — the PBX's events make them.
//!
//! Rights ([`crate::rights`], table in `docs/security.md`): a user controls their own line's
//! calls, services and agent; the profile's rights allow more: a supervisor acts on other agents
//! (login, logout, pause, queue membership), listens and changes other users' services; a
//! switchboard takes calls waiting elsewhere onto their line.

mod agent;
mod calls;
mod chat;
mod dtmf_kick;
mod listen_mute_fax;
mod presence;
mod services;
mod transfer;

pub(super) use chat::ChatBudget;
pub use chat::{CHAT_BURST, CHAT_REFILL, MAX_CHAT_TEXT_BYTES};

use super::State;
use crate::command::{Command, CommandError, Outcome};
use crate::dataset::{Destination, User};
use crate::event::Event;
use crate::ids::{ActionId, AgentId, LineId, UserId};
use crate::pbx::PbxAction;
use crate::rights::Right;
use crate::time::Timestamp;

impl State {
    /// Routes one command to its handler.
    pub(super) fn run_command(
        &mut self,
        now: Timestamp,
        command: Command,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        use Command as C;
        match command {
            C::SessionOpened { user, presence } => {
                self.session_opened(user, presence.as_deref(), actions, out)
            }
            C::SessionClosed { user, logout } => self.session_closed(user, logout, actions, out),
            C::SetPresence { user, status } => self.set_presence(user, &status, actions, out),
            C::SetService {
                requester,
                target,
                change,
            } => self.set_service(requester, target, &change, actions, out),
            C::Dial {
                user,
                destination,
                variables,
                from_mobile,
            } => self.dial(user, &destination, variables, from_mobile, actions),
            C::Hangup { user, uniqueid } => self.hangup(user, uniqueid.as_ref(), actions),
            C::Answer { user, uniqueid } => self.answer(user, uniqueid.as_ref(), actions),
            C::Hold {
                user,
                uniqueid,
                hold,
            } => self.hold(user, uniqueid.as_ref(), hold, actions),
            C::BlindTransfer { user, destination } => {
                self.transfer(user, &destination, false, actions)
            }
            C::AttendedTransfer { user, destination } => {
                self.transfer(user, &destination, true, actions)
            }
            C::CompleteTransfer { user } => self.finish_transfer(user, Finish::Complete, actions),
            C::CancelTransfer { user } => self.finish_transfer(user, Finish::Cancel, actions),
            C::Conference { user } => self.finish_transfer(user, Finish::Conference, actions),
            C::TransferToVoicemail {
                user,
                mailbox,
                attended,
            } => self.transfer_to_voicemail(user, &mailbox, attended, actions),
            C::SetCallData { user, variables } => self.set_call_data(user, variables, actions),
            C::AgentLogin {
                requester,
                agent,
                number,
            } => self.agent_login(requester, agent, number.as_deref(), actions),
            C::AgentLogout { requester, agent } => self.agent_logout(requester, agent, actions),
            C::QueuePause {
                requester,
                agent,
                queue,
                paused,
                reason,
            } => self.queue_pause(requester, agent, queue, paused, reason, actions),
            C::QueueAdd {
                requester,
                agent,
                queue,
                penalty,
            } => self.queue_add(requester, agent, queue, penalty, actions),
            C::QueueRemove {
                requester,
                agent,
                queue,
            } => self.queue_remove(requester, agent, queue, actions),
            C::Listen { requester, agent } => self.listen(requester, agent, actions),
            C::ConferenceMute {
                requester,
                room,
                member,
                muted,
            } => self.conference_mute(requester, room, member, muted, actions),
            C::ConferenceKick {
                requester,
                room,
                member,
            } => self.conference_kick(requester, room, member, actions),
            C::SendDtmf { user, digits } => self.send_dtmf(user, &digits, actions),
            C::SendFax {
                user,
                destination,
                size,
            } => self.send_fax(user, &destination, size, actions),
            C::Chat {
                from,
                to_xivo_uuid,
                to_user_uuid,
                text,
            } => self.chat(now, from, &to_xivo_uuid, &to_user_uuid, text, out),
            C::CallFormResult { user, variables } => {
                self.user(user)?;
                out.push(Event::CallFormResult { user, variables });
                Ok(Outcome::Done)
            }
        }
    }

    /// A configured user, or `NotFound`.
    fn user(&self, user: UserId) -> Result<&User, CommandError> {
        self.dataset
            .user(user)
            .ok_or_else(|| not_found("user", user))
    }

    /// A user's line, or `NoLine`.
    fn user_line(&self, user: UserId) -> Result<LineId, CommandError> {
        self.user(user)?.line.ok_or(CommandError::NoLine)
    }

    /// The id the action pushed next on `actions` will get (ids are given in push order when
    /// the command succeeds: see [`State::execute`]).
    fn next_action_id(&self, actions: &[PbxAction]) -> ActionId {
        ActionId(self.next_action + actions.len() as u64 + 1)
    }

    /// A number that reaches something, normalised, or `UnreachableExtension`.
    fn reachable(&self, number: &str) -> Result<(String, Destination), CommandError> {
        match self.dataset.resolve(number) {
            Some(dest) => Ok((normalize(number), dest)),
            None => Err(CommandError::UnreachableExtension(number.to_owned())),
        }
    }

    /// The agent a command is about (the requester's by default), once the requester's right to
    /// act on it is checked.
    fn target_agent(
        &self,
        requester: UserId,
        agent: Option<AgentId>,
    ) -> Result<AgentId, CommandError> {
        self.user(requester)?;
        let own = self.dataset.agent_of_user(requester).map(|a| a.id);
        let agent = match agent {
            None => own.ok_or(CommandError::NoAgent)?,
            Some(a) => {
                self.dataset.agent(a).ok_or_else(|| not_found("agent", a))?;
                a
            }
        };
        if Some(agent) != own && !self.dataset.may(requester, Right::SuperviseAgents) {
            return Err(CommandError::Forbidden(
                "only supervisors may act on other agents".to_owned(),
            ));
        }
        Ok(agent)
    }
}

/// How an attended transfer ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Finish {
    /// The held party talks to the target.
    Complete,
    /// Back to the first call.
    Cancel,
    /// Everyone together.
    Conference,
}

/// `NotFound` for an object of some kind.
pub(in crate::state) fn not_found(kind: &str, id: impl std::fmt::Display) -> CommandError {
    CommandError::NotFound {
        kind: kind.to_owned(),
        id: id.to_string(),
    }
}

/// Removes the separators people type in numbers.
fn normalize(number: &str) -> String {
    number
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect()
}

/// Adds the `USR_` prefix to attached-variable names that lack it.
fn usr_variables(variables: Vec<(String, String)>) -> Vec<(String, String)> {
    variables
        .into_iter()
        .map(|(name, value)| {
            if name.starts_with("USR_") {
                (name, value)
            } else {
                (format!("USR_{name}"), value)
            }
        })
        .collect()
}
