//! What a store kept from the previous run, given to the core when it starts
//! ([`crate::spawn_seeded`]): users' services, the presence each user last had while
//! connected, and agents' queue memberships as changed at run time. The core reads no store
//! itself (it does no IO): the binary loads these values and hands them over before the first
//! request.

use std::collections::HashMap;

use crate::dataset::UserServices;
use crate::ids::{AgentId, QueueId, UserId};

/// Users' state to start from instead of the dataset's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seed {
    /// Services per user, replacing the dataset's initial services (users the dataset does not
    /// know are ignored).
    pub services: HashMap<UserId, UserServices>,
    /// The presence each user last had while connected: the one a user's first session after
    /// the start takes when it asks for none (if the user's presence group still has it).
    pub presence: HashMap<UserId, String>,
    /// Agents' queue memberships as they were changed at run time, over the configured ones
    /// (agents or queues the dataset does not know are ignored).
    pub memberships: Vec<SeededMembership>,
}

/// An agent's membership of a queue as it was left at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeededMembership {
    /// The queue.
    pub queue: QueueId,
    /// The agent.
    pub agent: AgentId,
    /// Its penalty as a member; `None`: not a member (removed at run time).
    pub penalty: Option<u32>,
}
