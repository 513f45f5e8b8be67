//! What the core remembers between a request and the PBX's answer: originates awaiting their
//! result (to report a failed dial to the user who asked) and attended transfers in progress
//! (so that complete / cancel / conference commands find the channels).

use std::collections::{HashMap, VecDeque};

use crate::ids::{ActionId, LineId, UniqueId, UserId};

/// At most this many originates are remembered; the oldest are forgotten first.
pub(crate) const MAX_PENDING_ORIGINATES: usize = 10_000;

/// An originate awaiting its result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingOriginate {
    /// Who asked.
    pub user: UserId,
    /// What was dialled.
    pub destination: String,
}

/// Originates awaiting their result, bounded.
#[derive(Debug, Default)]
pub(crate) struct PendingOriginates {
    map: HashMap<ActionId, PendingOriginate>,
    order: VecDeque<ActionId>,
}

impl PendingOriginates {
    /// Remembers an originate.
    pub fn insert(&mut self, id: ActionId, pending: PendingOriginate) {
        while self.map.len() >= MAX_PENDING_ORIGINATES {
            match self.order.pop_front() {
                Some(old) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
        if self.map.insert(id, pending).is_none() {
            self.order.push_back(id);
        }
    }

    /// Takes an originate's record.
    pub fn take(&mut self, id: ActionId) -> Option<PendingOriginate> {
        let pending = self.map.remove(&id)?;
        if let Some(at) = self.order.iter().position(|a| *a == id) {
            self.order.remove(at);
        }
        Some(pending)
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
