//! The users writer: a consumer of the core's events that keeps users' services and last
//! presence in the store, so that the core can be seeded with them on the next start.
//!
//! It runs the store writers' loop (`writer.rs`: never makes the core wait, retries, rewrites
//! everything after the hub dropped batches) on the batches holding [`Event::UserServices`] or
//! [`Event::UserPresence`]. Changes wait in a map keyed by user (the latest value wins, so the
//! backlog is bounded by the number of users), written in one transaction per round.
//!
//! The presence kept is the last one a user had while connected: `disconnected`, which every
//! user gets when their last session closes, is not written over it.

use std::collections::HashMap;

use ctid_core::dataset::UserServices;
use ctid_core::event::Event;
use ctid_core::ids::UserId;
use ctid_core::store::StoreError;
use ctid_core::{CoreHandle, CoreStopped, EventBatch};

use crate::Store;
use crate::writer::{Backlog, StoreWriter, WriterConfig, WriterStats, spawn_writer};

/// The presence every user has with no session; never stored.
const DISCONNECTED: &str = "disconnected";

/// Settings of the users writer.
pub type UsersWriterConfig = WriterConfig;
/// The users writer's counters.
pub type UsersWriterStats = WriterStats;
/// A running users writer.
pub type UsersWriter = StoreWriter;

fn services_or_presence(event: &Event) -> bool {
    matches!(
        event,
        Event::UserServices { .. } | Event::UserPresence { .. }
    )
}

/// Changes waiting to be written, the latest per user.
#[derive(Debug, Default)]
struct Pending {
    services: HashMap<UserId, UserServices>,
    presence: HashMap<UserId, String>,
}

impl Backlog for Pending {
    const WHAT: &'static str = "users' services and presence";

    fn absorb(&mut self, batch: &EventBatch) {
        for event in batch.iter() {
            match event {
                Event::UserServices { user, services, .. } => {
                    self.services.insert(*user, services.clone());
                }
                Event::UserPresence { user, status } if status != DISCONNECTED => {
                    self.presence.insert(*user, status.clone());
                }
                _ => {}
            }
        }
    }

    async fn resync(&mut self, core: &CoreHandle) -> Result<(), CoreStopped> {
        *self = read_all(core).await?;
        Ok(())
    }

    fn len(&self) -> usize {
        self.services.len() + self.presence.len()
    }

    async fn write(&mut self, store: &Store, _core: &CoreHandle) -> Result<u64, StoreError> {
        if self.len() == 0 {
            return Ok(0);
        }
        let services: Vec<_> = self.services.iter().map(|(u, s)| (*u, s.clone())).collect();
        let presence: Vec<_> = self.presence.iter().map(|(u, p)| (*u, p.clone())).collect();
        store.save_users(&services, &presence).await?;
        let rows = self.len() as u64;
        *self = Pending::default();
        Ok(rows)
    }
}

/// Every user's services and presence (other than disconnected), read in the core.
async fn read_all(core: &CoreHandle) -> Result<Pending, CoreStopped> {
    let users: Vec<UserId> = core.dataset().users().iter().map(|u| u.id).collect();
    core.read(move |state| {
        let mut all = Pending::default();
        for user in users {
            if let Some(services) = state.user_services(user) {
                all.services.insert(user, services.clone());
            }
            if let Some(presence) = state.user_presence(user)
                && presence.status != DISCONNECTED
            {
                all.presence.insert(user, presence.status.clone());
            }
        }
        all
    })
    .await
}

/// Subscribes to the core and spawns the task writing users' services and presence to `store`.
pub async fn spawn_users_writer(
    core: &CoreHandle,
    store: Store,
    config: UsersWriterConfig,
) -> Result<UsersWriter, CoreStopped> {
    spawn_writer(
        core,
        store,
        config,
        services_or_presence,
        Pending::default(),
    )
    .await
}
