//! The resync: what ctid asks Asterisk on every (re)connect, and the `PbxSnapshot` built from
//! the answers. Being filled in: today it asks nothing and builds an empty snapshot.

use std::sync::Arc;

use ctid_core::Dataset;
use ctid_core::pbx::PbxSnapshot;

use crate::message::AmiMessage;

/// The list actions of a resync, in the order to send them (each gets its own `ActionID`).
pub fn resync_actions() -> Vec<AmiMessage> {
    Vec::new()
}

/// Builds a snapshot from the answers to [`resync_actions`].
#[derive(Debug)]
pub struct SnapshotBuilder {
    dataset: Arc<Dataset>,
}

impl SnapshotBuilder {
    /// A builder for `dataset`.
    pub fn new(dataset: Arc<Dataset>) -> SnapshotBuilder {
        SnapshotBuilder { dataset }
    }

    /// Takes one message of a list answer (its events and its `Complete` event).
    pub fn absorb(&mut self, message: &AmiMessage) {
        let _ = (message, &self.dataset);
    }

    /// The snapshot.
    pub fn finish(self) -> PbxSnapshot {
        PbxSnapshot::default()
    }
}
