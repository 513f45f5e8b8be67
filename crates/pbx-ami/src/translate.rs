//! AMI events → `PbxEvent`s.
//!
//! A [`Translator`] keeps what translation needs across events (which channel belongs to which
//! line, bridges, pending queue calls) and maps Asterisk's interfaces and names to the
//! dataset's ids. Being filled in: today it translates nothing.

use std::sync::Arc;

use ctid_core::Dataset;
use ctid_core::pbx::PbxEvent;

use crate::message::AmiMessage;

/// Turns AMI events into `PbxEvent`s for one connection's lifetime.
#[derive(Debug)]
pub struct Translator {
    dataset: Arc<Dataset>,
}

impl Translator {
    /// A translator for `dataset`.
    pub fn new(dataset: Arc<Dataset>) -> Translator {
        Translator { dataset }
    }

    /// Follows a configuration change.
    pub fn set_dataset(&mut self, dataset: Arc<Dataset>) {
        self.dataset = dataset;
    }

    /// Translates one AMI event, appending what it means to `out` (often nothing).
    pub fn event(&mut self, message: &AmiMessage, out: &mut Vec<PbxEvent>) {
        let _ = (message, out, &self.dataset);
    }
}
