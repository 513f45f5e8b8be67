//! Users live: presence (status name and number of open sessions) and telephony services (DND,
//! call filter, recording, voicemail, forwards), seeded from the dataset (and from a store's
//! [`crate::Seed`]), and the presence a user resumes on connecting.

use std::collections::HashMap;

use crate::dataset::{Dataset, UserServices};
use crate::ids::UserId;
use crate::live::{ForwardKind, Service, UserPresence};

/// The presence of a user with no session.
pub(crate) const DISCONNECTED: &str = "disconnected";
/// The presence a user gets on connecting when none is asked for.
pub(crate) const AVAILABLE: &str = "available";

/// One user's live state.
#[derive(Debug)]
pub(crate) struct UserLive {
    /// Presence and sessions.
    pub presence: UserPresence,
    /// Services.
    pub services: UserServices,
    /// The presence the store kept from the previous run, taken by the user's first connection
    /// after a start if it asks for none.
    pub resume: Option<String>,
}

/// Every configured user.
#[derive(Debug, Default)]
pub(crate) struct Users {
    map: HashMap<UserId, UserLive>,
}

impl Users {
    /// The users of a dataset: disconnected, services as configured.
    pub fn new(dataset: &Dataset) -> Users {
        let mut users = Users::default();
        for u in dataset.users() {
            users.insert(u);
        }
        users
    }

    /// Adds a configured user: disconnected, services as configured.
    pub fn insert(&mut self, user: &crate::dataset::User) {
        self.map.entry(user.id).or_insert_with(|| UserLive {
            presence: UserPresence {
                status: DISCONNECTED.to_owned(),
                sessions: 0,
            },
            services: user.services.clone(),
            resume: None,
        });
    }

    /// Forgets a removed user.
    pub fn remove(&mut self, id: UserId) {
        self.map.remove(&id);
    }

    /// A user.
    pub fn get(&self, id: UserId) -> Option<&UserLive> {
        self.map.get(&id)
    }

    /// A user, to change it.
    pub fn get_mut(&mut self, id: UserId) -> Option<&mut UserLive> {
        self.map.get_mut(&id)
    }
}

/// The services that differ.
pub(crate) fn changed_services(before: &UserServices, after: &UserServices) -> Vec<Service> {
    let mut changed = Vec::new();
    if before.dnd != after.dnd {
        changed.push(Service::Dnd);
    }
    if before.incallfilter != after.incallfilter {
        changed.push(Service::IncallFilter);
    }
    if before.recording != after.recording {
        changed.push(Service::Recording);
    }
    if before.voicemail_enabled != after.voicemail_enabled {
        changed.push(Service::Voicemail);
    }
    if before.fwd_unconditional != after.fwd_unconditional {
        changed.push(Service::Forward(ForwardKind::Unconditional));
    }
    if before.fwd_busy != after.fwd_busy {
        changed.push(Service::Forward(ForwardKind::Busy));
    }
    if before.fwd_noanswer != after.fwd_noanswer {
        changed.push(Service::Forward(ForwardKind::NoAnswer));
    }
    changed
}
