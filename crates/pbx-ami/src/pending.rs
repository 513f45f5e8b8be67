//! Actions sent to Asterisk and waiting for their answer, by `ActionID`: what answers each
//! (`Response`, then for an originate its `OriginateResponse` event), the core's action it
//! belongs to, and its deadline. Bounded: past [`MAX_PENDING`] actions are refused.

use std::collections::HashMap;

use ctid_core::Timestamp;
use ctid_core::ids::ActionId;

use crate::actions::Expect;

/// Actions waiting for an answer, at most.
pub const MAX_PENDING: usize = 10_000;

/// What a waiting action is.
#[derive(Clone, Debug, PartialEq)]
pub enum Waiting {
    /// One of the core's actions.
    Core {
        /// The core's id.
        id: ActionId,
        /// What answers it.
        expect: Expect,
        /// The AMI action's name (for messages).
        name: Box<str>,
    },
    /// The keep-alive ping.
    Ping,
    /// An action of the adapter's own (a service written to AstDB): a refusal is logged.
    Internal {
        /// The AMI action's name (for messages).
        name: Box<str>,
    },
}

/// One waiting action.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// What it is.
    pub waiting: Waiting,
    /// When it is given up.
    pub deadline: Timestamp,
}

/// The waiting actions, by `ActionID`.
#[derive(Debug, Default)]
pub struct PendingActions {
    by_id: HashMap<String, Pending>,
}

impl PendingActions {
    /// Whether another action can wait.
    pub fn has_room(&self) -> bool {
        self.by_id.len() < MAX_PENDING
    }

    /// Records an action sent with `action_id`.
    pub fn insert(&mut self, action_id: String, pending: Pending) {
        self.by_id.insert(action_id, pending);
    }

    /// The action waiting under `action_id`.
    pub fn get_mut(&mut self, action_id: &str) -> Option<&mut Pending> {
        self.by_id.get_mut(action_id)
    }

    /// Takes the action waiting under `action_id`.
    pub fn take(&mut self, action_id: &str) -> Option<Pending> {
        self.by_id.remove(action_id)
    }

    /// Forgets the other AMI actions of the core's action `id` (one of them failed: the
    /// failure is reported once).
    pub fn forget_core(&mut self, id: ActionId) {
        self.by_id
            .retain(|_, p| !matches!(&p.waiting, Waiting::Core { id: other, .. } if *other == id));
    }

    /// Takes every action whose deadline is passed.
    pub fn expired(&mut self, now: Timestamp) -> Vec<Pending> {
        let ids: Vec<String> = self
            .by_id
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(k, _)| k.clone())
            .collect();
        ids.iter().filter_map(|k| self.by_id.remove(k)).collect()
    }

    /// Takes every waiting action (the connection is lost).
    pub fn drain(&mut self) -> Vec<Pending> {
        self.by_id.drain().map(|(_, p)| p).collect()
    }

    /// Actions waiting.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
