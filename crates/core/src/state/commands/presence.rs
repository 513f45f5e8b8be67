//! Sessions and presence: counting a user's open sessions, choosing the presence on connect (the
//! one asked for; else, on the first connection after a start, the one the store kept from the
//! previous run; else `available`) and
//! disconnect, checking presence changes against the profile's allowed transitions, and running
//! the new status's actions (`enablednd`, `agentlogoff`, `queuepause_all`, `queueunpause_all`).

use std::sync::Arc;

use super::not_found;
use crate::command::{CommandError, Outcome};
use crate::event::Event;
use crate::ids::UserId;
use crate::live::ServiceChange;
use crate::pbx::PbxAction;
use crate::state::State;
use crate::state::users::{AVAILABLE, DISCONNECTED};

impl State {
    pub(super) fn session_opened(
        &mut self,
        user: UserId,
        requested: Option<&str>,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        self.user(user)?;
        let live = self
            .users
            .get_mut(user)
            .ok_or_else(|| not_found("user", user))?;
        live.presence.sessions = live.presence.sessions.saturating_add(1);
        let first = live.presence.sessions == 1;
        let current = live.presence.status.clone();
        // Only the first session after a start resumes the stored presence.
        let resume = live.resume.take();
        let target = match requested {
            Some(status)
                if status != DISCONNECTED && self.presence_allowed(user, &current, status) =>
            {
                Some(status.to_owned())
            }
            // The presence the store kept from the previous run, if it still exists.
            _ if current == DISCONNECTED => Some(
                resume
                    .filter(|last| {
                        self.dataset
                            .presence_group_of_user(user)
                            .is_some_and(|group| group.status(last).is_some())
                    })
                    .unwrap_or_else(|| AVAILABLE.to_owned()),
            ),
            _ => None,
        };
        if let Some(status) = target {
            // A further session asking for the current status changes nothing.
            let run_actions = first || status != current;
            self.enter_presence(user, &status, run_actions, actions, out);
        }
        Ok(Outcome::Done)
    }

    pub(super) fn session_closed(
        &mut self,
        user: UserId,
        logout: bool,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        self.user(user)?;
        let live = self
            .users
            .get_mut(user)
            .ok_or_else(|| not_found("user", user))?;
        if live.presence.sessions == 0 {
            tracing::debug!(%user, "session closed for a user with no session");
            return Ok(Outcome::Done);
        }
        live.presence.sessions -= 1;
        if live.presence.sessions == 0 {
            self.enter_presence(user, DISCONNECTED, logout, actions, out);
        }
        Ok(Outcome::Done)
    }

    pub(super) fn set_presence(
        &mut self,
        user: UserId,
        status: &str,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        self.user(user)?;
        let current = self
            .users
            .get(user)
            .map(|u| u.presence.status.clone())
            .ok_or_else(|| not_found("user", user))?;
        if !self.presence_allowed(user, &current, status) {
            return Err(CommandError::InvalidPresence(status.to_owned()));
        }
        self.enter_presence(user, status, true, actions, out);
        Ok(Outcome::Done)
    }

    /// Whether `status` exists in the user's presence group and is allowed from `current` (a
    /// current status missing from the group allows any status of the group).
    fn presence_allowed(&self, user: UserId, current: &str, status: &str) -> bool {
        let Some(group) = self.dataset.presence_group_of_user(user) else {
            return false;
        };
        if group.status(status).is_none() {
            return false;
        }
        match group.status(current) {
            Some(from) => from.allowed.iter().any(|a| a == status),
            None => true,
        }
    }

    /// Sets a user's presence (emitting it if it changed) and, if asked, runs its actions.
    fn enter_presence(
        &mut self,
        user: UserId,
        status: &str,
        run_actions: bool,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) {
        let Some(live) = self.users.get_mut(user) else {
            return;
        };
        if live.presence.status != status {
            live.presence.status = status.to_owned();
            out.push(Event::UserPresence {
                user,
                status: status.to_owned(),
            });
        }
        if run_actions {
            self.run_presence_actions(user, status, actions, out);
        }
    }

    /// Runs the actions of a presence status for a user.
    fn run_presence_actions(
        &mut self,
        user: UserId,
        status: &str,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) {
        let dataset = Arc::clone(&self.dataset);
        let Some(definition) = dataset
            .presence_group_of_user(user)
            .and_then(|g| g.status(status))
        else {
            return;
        };
        let logged_agent = dataset
            .agent_of_user(user)
            .map(|a| a.id)
            .filter(|a| self.agents.get(*a).is_some_and(|a| a.logged()));
        for (name, value) in &definition.actions {
            match name.as_str() {
                "enablednd" => match value.trim() {
                    "true" => {
                        self.change_services(user, &[ServiceChange::Dnd(true)], false, actions, out)
                    }
                    "false" => self.change_services(
                        user,
                        &[ServiceChange::Dnd(false)],
                        false,
                        actions,
                        out,
                    ),
                    other => {
                        tracing::debug!(status, value = other, "enablednd action with a bad value")
                    }
                },
                "agentlogoff" => {
                    if let Some(agent) = logged_agent {
                        actions.push(PbxAction::AgentLogoff { agent });
                    }
                }
                "queuepause_all" | "queueunpause_all" => {
                    if let Some(agent) = logged_agent
                        && value.trim() != "false"
                    {
                        actions.push(PbxAction::QueuePause {
                            queue: None,
                            agent,
                            paused: name == "queuepause_all",
                            reason: Some(status.to_owned()),
                        });
                    }
                }
                other => tracing::debug!(status, action = other, "unknown presence action ignored"),
            }
        }
    }
}
