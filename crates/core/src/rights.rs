//! Who may do what beyond their own line, calls, services and agent: the rights a CTI profile
//! grants, checked by the core for every face (`docs/security.md`, section *Rights*, has the
//! table of actions, who may do them and the error each face returns).
//!
//! Every user may act on what is theirs: the calls of their own line (answer, hold, resume,
//! hang up, transfer, take back the other party of one of their calls), their own services,
//! presence and agent (logged in on their own line). Anything else needs a right of the
//! user's profile ([`crate::dataset::Profile`]); rights are typed flags of the profile, never
//! derived from its name.

use crate::dataset::Dataset;
use crate::ids::UserId;

/// Something a user may do only when their profile grants it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Right {
    /// Act on another user's agent: log it in or out, pause it, change its queues
    /// (`supervisor`).
    SuperviseAgents,
    /// Listen to an agent's calls (`supervisor`).
    Listen,
    /// Change another user's services (`supervisor`).
    ChangeOthersServices,
    /// Mute members of a conference room one is not in (`supervisor`).
    MuteOthersRooms,
    /// Remove another member from a conference room (`supervisor`).
    KickFromRooms,
    /// Take a call waiting elsewhere onto one's line: a queued caller, a call ringing another
    /// phone (directed pick-up), a call held by someone else (`switchboard`).
    TakeWaitingCalls,
    /// Watch the callers waiting in a queue, with their unique ids (`switchboard` or
    /// `supervisor`).
    ViewQueueEntries,
    /// Log an agent in on a line that is not one's own (`agent_login_any_line` or
    /// `supervisor`).
    AgentLoginOnAnyLine,
}

/// Why a user may not open a session, or keep one open: checked at login and, by every face,
/// on each configuration change for the sessions already open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginBar {
    /// The user is not (or no longer) in the configuration.
    UnknownUser,
    /// The user has no CTI profile, or one the configuration does not have.
    NoProfile,
    /// The user's `cti_enabled` is false.
    CtiDisabled,
}

impl Dataset {
    /// What keeps `user` from having a session, if anything (checked in this order: unknown
    /// user, no profile, CTI disabled).
    pub fn login_bar(&self, user: UserId) -> Option<LoginBar> {
        let Some(u) = self.user(user) else {
            return Some(LoginBar::UnknownUser);
        };
        if u.profile.and_then(|p| self.profile(p)).is_none() {
            return Some(LoginBar::NoProfile);
        }
        if !u.cti_enabled {
            return Some(LoginBar::CtiDisabled);
        }
        None
    }

    /// Whether `user`'s profile grants `right` (`false` for an unknown user or profile).
    pub fn may(&self, user: UserId, right: Right) -> bool {
        let Some(p) = self.profile_of_user(user) else {
            return false;
        };
        match right {
            Right::SuperviseAgents
            | Right::Listen
            | Right::ChangeOthersServices
            | Right::MuteOthersRooms
            | Right::KickFromRooms => p.supervisor,
            Right::TakeWaitingCalls => p.switchboard,
            Right::ViewQueueEntries => p.switchboard || p.supervisor,
            Right::AgentLoginOnAnyLine => p.agent_login_any_line || p.supervisor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_profiles_grant_what_they_say() {
        let ds = Dataset::demo();
        let alice = UserId(1); // supervisor profile
        let bob = UserId(2); // user profile
        let carol = UserId(3); // agent profile
        for right in [
            Right::SuperviseAgents,
            Right::Listen,
            Right::ChangeOthersServices,
            Right::MuteOthersRooms,
            Right::KickFromRooms,
            Right::TakeWaitingCalls,
            Right::ViewQueueEntries,
            Right::AgentLoginOnAnyLine,
        ] {
            assert!(ds.may(alice, right), "alice: {right:?}");
            assert!(!ds.may(bob, right), "bob: {right:?}");
            assert!(!ds.may(carol, right), "carol: {right:?}");
            assert!(!ds.may(UserId(99), right), "unknown user: {right:?}");
        }
    }

    #[test]
    fn login_bars_follow_the_user_and_its_profile() {
        let ds = Dataset::demo();
        assert_eq!(ds.login_bar(UserId(1)), None);
        assert_eq!(ds.login_bar(UserId(99)), Some(LoginBar::UnknownUser));
        let mut tables = ds.to_tables();
        tables.users[0].cti_enabled = false;
        tables.users[1].profile = None;
        let ds = Dataset::from_tables(tables).expect("dataset");
        assert_eq!(ds.login_bar(UserId(1)), Some(LoginBar::CtiDisabled));
        assert_eq!(ds.login_bar(UserId(2)), Some(LoginBar::NoProfile));
    }

    #[test]
    fn rights_come_from_the_profile_flags_not_its_name() {
        let toml = Dataset::demo_toml()
            .replace("supervisor = true\nswitchboard = true\n", "")
            .replace(
                "name = \"user\"\n",
                "name = \"user\"\nswitchboard = true\nagent_login_any_line = true\n",
            );
        let ds = Dataset::from_toml_str(&toml).expect("dataset");
        let (alice, bob) = (UserId(1), UserId(2));
        assert!(!ds.may(alice, Right::SuperviseAgents));
        assert!(!ds.may(alice, Right::TakeWaitingCalls));
        assert!(ds.may(bob, Right::TakeWaitingCalls));
        assert!(ds.may(bob, Right::ViewQueueEntries));
        assert!(ds.may(bob, Right::AgentLoginOnAnyLine));
        assert!(!ds.may(bob, Right::Listen));
    }
}
