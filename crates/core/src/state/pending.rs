//! What the core remembers between a request and the PBX's answer: the actions it submitted
//! (to report a refusal or a failed originate to the user who asked) and attended transfers in
//! progress (so that complete / cancel / conference commands find the channels).
//!
//! Actions are remembered for [`ACTION_MEMORY`] of the injected clock and at most
//! [`MAX_PENDING_ACTIONS`] at a time (the oldest are forgotten first): a switch answers a refusal
//! at once and an originate within its ring time, and success needs no answer.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::command::CommandKind;
use crate::ids::{ActionId, LineId, UniqueId, UserId};
use crate::time::Timestamp;

/// At most this many actions are remembered; the oldest are forgotten first.
pub(crate) const MAX_PENDING_ACTIONS: usize = 10_000;

/// How long an action is remembered.
pub(crate) const ACTION_MEMORY: Duration = Duration::from_secs(300);

/// What an action's failure means to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Awaiting {
    /// A call the user placed, to this number: a failure is a failed dial.
    Dial(String),
    /// A fax the user sent: a failure is a failed fax.
    Fax,
    /// Anything else: a failure is the command's error.
    Other,
}

/// An action awaiting a possible failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingAction {
    /// Who asked.
    pub user: UserId,
    /// With what kind of command.
    pub command: CommandKind,
    /// What a failure means.
    pub awaiting: Awaiting,
}

/// Submitted actions, bounded in number and time.
#[derive(Debug, Default)]
pub(crate) struct PendingActions {
    map: HashMap<ActionId, (Timestamp, PendingAction)>,
    /// Ids with their expiry, in submission (hence expiry) order; may hold ids already taken.
    order: VecDeque<(ActionId, Timestamp)>,
}

impl PendingActions {
    /// Remembers an action submitted at `now`.
    pub fn insert(&mut self, now: Timestamp, id: ActionId, pending: PendingAction) {
        self.forget_expired(now);
        while self.map.len() >= MAX_PENDING_ACTIONS {
            match self.order.pop_front() {
                Some((old, _)) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
        if self.order.len() >= 2 * MAX_PENDING_ACTIONS {
            let map = &self.map;
            self.order.retain(|(id, _)| map.contains_key(id));
        }
        let expires = now.plus(ACTION_MEMORY);
        if self.map.insert(id, (expires, pending)).is_none() {
            self.order.push_back((id, expires));
        }
    }

    /// Takes an action's record, unless it expired by `now`.
    pub fn take(&mut self, now: Timestamp, id: ActionId) -> Option<PendingAction> {
        let (expires, pending) = self.map.remove(&id)?;
        (expires > now).then_some(pending)
    }

    fn forget_expired(&mut self, now: Timestamp) {
        while let Some(&(id, expires)) = self.order.front() {
            if expires > now {
                break;
            }
            self.order.pop_front();
            self.map.remove(&id);
        }
    }

    /// Number remembered.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

/// An attended transfer in progress, by the transferring user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Transfer {
    /// The transferring user's line.
    pub line: LineId,
    /// The user's channel in the first call.
    pub transferer: UniqueId,
    /// The consultation call's channel on the target, when known.
    pub target: Option<UniqueId>,
}
