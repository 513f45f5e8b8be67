//! The configuration writer: every configuration change the core applies (a SIGHUP reload, the
//! admin API, anything through `CoreHandle::apply_config`) reaches the store, so the next start
//! has it. It knows no caller: it consumes the core's [`Event::Config`] events.
//!
//! It runs the store writers' loop (`writer.rs`). For each change it notes the row of the
//! object (a queue membership's row is its queue's) and the version of the configuration the
//! event carries; a round writes each noted row as it is in the latest version seen (or deletes
//! it when that version has no such object), so several changes of one object cost one write
//! and the backlog is bounded by the number of objects. Past `MAX_ROWS` rows waiting, or after
//! the hub dropped batches, it rewrites every object from the core's current configuration in
//! one transaction. The singleton sections (dialplan, presence groups, ...) cannot change while
//! running and are not written here.

use std::collections::BTreeSet;
use std::sync::Arc;

use ctid_core::event::Event;
use ctid_core::store::StoreError;
use ctid_core::{CoreHandle, CoreStopped, Dataset, EventBatch};

use crate::Store;
use crate::config::{ObjectKind, object_rows, object_write, row_of};
use crate::writer::{Backlog, StoreWriter, WriterConfig, spawn_writer};

/// Rows noted one by one at most; beyond, the next round rewrites every object.
const MAX_ROWS: usize = 10_000;

fn config_change(event: &Event) -> bool {
    matches!(event, Event::Config { .. })
}

/// Configured objects waiting to be written.
#[derive(Debug, Default)]
struct Pending {
    /// Rows to write as they are in `latest`.
    rows: BTreeSet<(ObjectKind, u32)>,
    /// Every object is to be rewritten from `latest`.
    everything: bool,
    /// The latest configuration seen.
    latest: Option<Arc<Dataset>>,
}

impl Backlog for Pending {
    const WHAT: &'static str = "the configuration";

    fn absorb(&mut self, batch: &EventBatch) {
        for event in batch.iter() {
            if let Event::Config { key, dataset, .. } = event {
                self.latest = Some(dataset.0.clone());
                if !self.everything {
                    self.rows.insert(row_of(*key));
                }
                if self.rows.len() > MAX_ROWS {
                    self.everything = true;
                    self.rows.clear();
                }
            }
        }
    }

    async fn resync(&mut self, core: &CoreHandle) -> Result<(), CoreStopped> {
        self.latest = Some(core.dataset());
        self.everything = true;
        self.rows.clear();
        Ok(())
    }

    fn len(&self) -> usize {
        match (&self.latest, self.everything) {
            (Some(d), true) => {
                d.users().len()
                    + d.lines().len()
                    + d.agents().len()
                    + d.agent_groups().len()
                    + d.queues().len()
                    + d.voicemails().len()
                    + d.rooms().len()
                    + d.profiles().len()
            }
            _ => self.rows.len(),
        }
    }

    async fn write(&mut self, store: &Store, _core: &CoreHandle) -> Result<u64, StoreError> {
        let Some(latest) = self.latest.clone() else {
            return Ok(0);
        };
        let rows = if self.everything {
            let rows = object_rows(&latest.to_tables())?;
            store.replace_config_objects(&rows).await?;
            rows.len()
        } else {
            let writes = self
                .rows
                .iter()
                .map(|&(kind, id)| object_write(&latest, kind, id))
                .collect::<Result<Vec<_>, _>>()?;
            store.write_config_objects(&writes).await?;
            writes.len()
        };
        *self = Pending::default();
        Ok(rows as u64)
    }
}

/// Subscribes to the core and spawns the task writing configuration changes to `store`.
pub async fn spawn_config_writer(
    core: &CoreHandle,
    store: Store,
    config: WriterConfig,
) -> Result<StoreWriter, CoreStopped> {
    spawn_writer(core, store, config, config_change, Pending::default()).await
}
