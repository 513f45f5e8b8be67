//! The memberships writer: agents' queue memberships and penalties as changed at run time (a
//! supervisor adds an agent to a queue, removes one, changes a penalty) reach the store, so the
//! next start restores them over the configured ones (`ctid serve` seeds the core with them).
//!
//! The store holds the differences between the live memberships and the configuration: an
//! agent who is a member with another penalty than configured, a member not configured, a
//! configured member removed. The writer runs the store writers' loop (`writer.rs`) on the
//! membership events ([`Event::QueueMember`], [`Event::QueueMemberRemoved`]) and the
//! configuration changes of queues, agents and memberships (which move the baseline). It notes
//! the `(queue, agent)` pairs that changed; a round reads, in the core, each pair's live and
//! configured membership, and writes only what differs from what the store holds (it keeps a
//! copy of the stored rows, read at start): a pause, which is not stored, writes nothing. A
//! change of a queue or agent, more than `MAX_PAIRS` pairs waiting, or a drop in the hub make
//! the round compare every membership.

use std::collections::{BTreeSet, HashMap};

use ctid_core::dataset::ConfigKey;
use ctid_core::event::Event;
use ctid_core::ids::{AgentId, QueueId};
use ctid_core::store::StoreError;
use ctid_core::{CoreHandle, CoreStopped, EventBatch, State};

use crate::writer::{Backlog, StoreWriter, WriterConfig, spawn_writer};
use crate::{Store, StoredMembership};

/// Pairs noted one by one at most; beyond, the next round compares every membership.
const MAX_PAIRS: usize = 10_000;

type Pair = (QueueId, AgentId);

fn membership_change(event: &Event) -> bool {
    match event {
        Event::QueueMember { .. } | Event::QueueMemberRemoved { .. } => true,
        Event::Config { key, .. } => matches!(
            key,
            ConfigKey::Queue(_) | ConfigKey::QueueMember(..) | ConfigKey::Agent(_)
        ),
        _ => false,
    }
}

/// Memberships waiting to be compared, and what the store holds.
#[derive(Debug, Default)]
struct Pending {
    pairs: BTreeSet<Pair>,
    everything: bool,
    stored: HashMap<Pair, StoredMembership>,
}

impl Pending {
    fn note(&mut self, pair: Pair) {
        if !self.everything {
            self.pairs.insert(pair);
        }
        if self.pairs.len() > MAX_PAIRS {
            self.compare_everything();
        }
    }

    fn compare_everything(&mut self) {
        self.everything = true;
        self.pairs.clear();
    }
}

/// What the store should hold for `(queue, agent)`: the live membership where it differs from
/// the configured one, nothing where they agree (or the queue or agent is not configured).
fn difference(state: &State, (queue, agent): Pair) -> Option<StoredMembership> {
    let dataset = state.dataset();
    let configured_queue = dataset.queue(queue)?;
    dataset.agent(agent)?;
    let configured = configured_queue
        .members
        .iter()
        .find(|m| m.agent == agent)
        .map(|m| m.penalty);
    let live = state.queue_member(queue, agent).map(|m| m.penalty);
    if live == configured {
        return None;
    }
    Some(StoredMembership {
        agent,
        queue,
        member: live.is_some(),
        penalty: live.or(configured).unwrap_or(0),
    })
}

impl Backlog for Pending {
    const WHAT: &'static str = "agents' queue memberships";

    fn absorb(&mut self, batch: &EventBatch) {
        for event in batch.iter() {
            match event {
                Event::QueueMember { status, .. } => self.note((status.queue, status.agent)),
                Event::QueueMemberRemoved { queue, agent, .. } => self.note((*queue, *agent)),
                Event::Config {
                    key: ConfigKey::QueueMember(queue, agent),
                    ..
                } => self.note((*queue, *agent)),
                Event::Config { .. } => self.compare_everything(),
                _ => {}
            }
        }
    }

    async fn resync(&mut self, _core: &CoreHandle) -> Result<(), CoreStopped> {
        self.compare_everything();
        Ok(())
    }

    fn len(&self) -> usize {
        self.pairs.len()
    }

    async fn write(&mut self, store: &Store, core: &CoreHandle) -> Result<u64, StoreError> {
        if !self.everything && self.pairs.is_empty() {
            return Ok(0);
        }
        let pairs = (!self.everything).then(|| self.pairs.clone());
        let stored: Vec<Pair> = self.stored.keys().copied().collect();
        let wanted = core
            .read(move |state| {
                let pairs = pairs.unwrap_or_else(|| {
                    let mut all: BTreeSet<Pair> = stored.into_iter().collect();
                    all.extend(state.queue_members().map(|m| (m.queue, m.agent)));
                    for q in state.dataset().queues() {
                        all.extend(q.members.iter().map(|m| (q.id, m.agent)));
                    }
                    all
                });
                pairs
                    .into_iter()
                    .map(|pair| (pair, difference(state, pair)))
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|CoreStopped| StoreError::new("read memberships: the core has stopped"))?;
        let mut changed = Vec::new();
        let mut deleted = Vec::new();
        for (pair, want) in &wanted {
            match want {
                Some(m) if self.stored.get(pair) != Some(m) => changed.push(*m),
                None if self.stored.contains_key(pair) => deleted.push((pair.1, pair.0)),
                _ => {}
            }
        }
        store.write_memberships(&changed, &deleted).await?;
        for (pair, want) in wanted {
            match want {
                Some(m) => self.stored.insert(pair, m),
                None => self.stored.remove(&pair),
            };
        }
        self.pairs.clear();
        self.everything = false;
        Ok((changed.len() + deleted.len()) as u64)
    }
}

/// Subscribes to the core and spawns the task writing run-time membership changes to `store`,
/// which holds `stored` (what [`Store::load_memberships`] read at start).
pub async fn spawn_memberships_writer(
    core: &CoreHandle,
    store: Store,
    config: WriterConfig,
    stored: Vec<StoredMembership>,
) -> Result<StoreWriter, CoreStopped> {
    let pending = Pending {
        stored: stored
            .into_iter()
            .map(|m| ((m.queue, m.agent), m))
            .collect(),
        ..Pending::default()
    };
    spawn_writer(core, store, config, membership_change, pending).await
}
