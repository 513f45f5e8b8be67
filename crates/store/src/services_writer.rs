//! The users writer: a consumer of the core's events that keeps users' services and last
//! presence in the store, so that the core can be seeded with them on the next start.
//!
//! It never makes the core wait: it subscribes with [`BufferPolicy::DropNewest`] to the batches
//! holding [`Event::UserServices`] or [`Event::UserPresence`]. Changes wait in a map keyed by
//! user (the latest value wins, so the backlog is bounded by the number of users), written in
//! one transaction per round. A failed write keeps the changes and is retried after
//! `retry_delay`, logged once per outage. If the hub dropped batches while the writer was busy
//! (a slow or unreachable database), the writer reads every user's services and presence from
//! the core and writes them all: nothing is silently lost while the process lives.
//!
//! The presence kept is the last one a user had while connected: `disconnected`, which every
//! user gets when their last session closes, is not written over it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ctid_core::dataset::UserServices;
use ctid_core::event::Event;
use ctid_core::ids::UserId;
use ctid_core::{BufferPolicy, ConsumerStats, CoreHandle, CoreStopped, EventBatch};

use tokio::sync::oneshot;

use crate::Store;

/// The presence every user has with no session; never stored.
const DISCONNECTED: &str = "disconnected";

/// Settings of the users writer.
#[derive(Clone, Debug)]
pub struct UsersWriterConfig {
    /// Batches with a services or presence change the writer's hub queue holds; beyond it they
    /// are dropped and the writer resynchronises from the core.
    pub hub_capacity: usize,
    /// Wait before retrying a failed write (on the core's clock).
    pub retry_delay: Duration,
}

impl Default for UsersWriterConfig {
    fn default() -> Self {
        UsersWriterConfig {
            hub_capacity: 1024,
            retry_delay: Duration::from_secs(1),
        }
    }
}

/// The users writer's counters.
#[derive(Debug, Default)]
pub struct UsersWriterStats {
    written: AtomicU64,
    failed_writes: AtomicU64,
    resyncs: AtomicU64,
}

impl UsersWriterStats {
    /// Users' rows (services or presence) the store accepted.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Writes the store refused (each retried).
    pub fn failed_writes(&self) -> u64 {
        self.failed_writes.load(Ordering::Relaxed)
    }

    /// Full reads from the core after the hub dropped batches.
    pub fn resyncs(&self) -> u64 {
        self.resyncs.load(Ordering::Relaxed)
    }
}

/// A running users writer.
#[derive(Debug)]
pub struct UsersWriter {
    /// Its counters.
    pub stats: Arc<UsersWriterStats>,
    /// Its hub subscription's counters.
    pub hub: Arc<ConsumerStats>,
    /// The task; it ends once stopped (or the core has stopped) and what waited is written (or
    /// failed once more).
    pub task: tokio::task::JoinHandle<()>,
    stop: Option<oneshot::Sender<()>>,
}

impl UsersWriter {
    /// Stops the writer: what the hub had delivered is written, then the task ends; waits for
    /// it at most `timeout` (false if it had not ended by then).
    pub async fn stop(mut self, timeout: Duration) -> bool {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(timeout, &mut self.task).await.is_ok()
    }
}

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

impl Pending {
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

    fn is_empty(&self) -> bool {
        self.services.is_empty() && self.presence.is_empty()
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
    let mut events = core
        .subscribe_to(
            config.hub_capacity,
            BufferPolicy::DropNewest,
            services_or_presence,
        )
        .await?;
    let hub = events.stats();
    let stats = Arc::new(UsersWriterStats::default());
    let counters = stats.clone();
    let core = core.clone();
    let hub_stats = hub.clone();
    let (stop, mut stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut pending = Pending::default();
        let mut dropped_seen = 0;
        let mut failing = false;
        let mut stopping = false;
        while !stopping {
            tokio::select! {
                batch = events.recv() => match batch {
                    Some(batch) => pending.absorb(&batch),
                    None => stopping = true,
                },
                _ = &mut stopped => stopping = true,
            }
            while let Some(batch) = events.try_recv() {
                pending.absorb(&batch);
            }
            let dropped = hub_stats.dropped();
            if dropped != dropped_seen {
                dropped_seen = dropped;
                counters.resyncs.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    dropped,
                    "users writer fell behind the core: rewriting every user's services and presence"
                );
                match read_all(&core).await {
                    Ok(all) => pending = all,
                    Err(CoreStopped) => stopping = true,
                }
            }
            loop {
                match write(&store, &pending, &counters).await {
                    Ok(()) => {
                        if std::mem::take(&mut failing) {
                            tracing::info!("users' services and presence are written again");
                        }
                        pending = Pending::default();
                        break;
                    }
                    Err(e) if stopping => {
                        tracing::error!(error = %e, users = pending.services.len() + pending.presence.len(), "users' last services and presence changes could not be written before stopping");
                        break;
                    }
                    Err(e) => {
                        if !std::mem::replace(&mut failing, true) {
                            tracing::warn!(error = %e, cause = ?std::error::Error::source(&e), "cannot write users' services and presence; retrying");
                        }
                        tokio::select! {
                            _ = core.clock().sleep(config.retry_delay) => {}
                            _ = &mut stopped => stopping = true,
                        }
                        // What changed meanwhile supersedes what waited.
                        while let Some(batch) = events.try_recv() {
                            pending.absorb(&batch);
                        }
                    }
                }
            }
        }
    });
    Ok(UsersWriter {
        stats,
        hub,
        task,
        stop: Some(stop),
    })
}

async fn write(
    store: &Store,
    pending: &Pending,
    counters: &UsersWriterStats,
) -> Result<(), ctid_core::store::StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    let services: Vec<_> = pending
        .services
        .iter()
        .map(|(u, s)| (*u, s.clone()))
        .collect();
    let presence: Vec<_> = pending
        .presence
        .iter()
        .map(|(u, p)| (*u, p.clone()))
        .collect();
    let n = (services.len() + presence.len()) as u64;
    match store.save_users(&services, &presence).await {
        Ok(()) => {
            counters.written.fetch_add(n, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            counters.failed_writes.fetch_add(1, Ordering::Relaxed);
            Err(e)
        }
    }
}
