//! `getqueuesstats`: which queues, with which QoS threshold and window.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::capped::id_keyed;

use crate::wire::lenient::Num;

/// `getqueuesstats`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GetQueuesStats {
    /// Queue id → parameters.
    #[serde(default, deserialize_with = "id_keyed")]
    pub on: BTreeMap<String, QueueStatsParams>,
}

/// Parameters of `getqueuesstats`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QueueStatsParams {
    /// QoS threshold in seconds (default 60).
    #[serde(default)]
    pub xqos: Option<Num>,
    /// Window in seconds (default 3600).
    #[serde(default)]
    pub window: Option<Num>,
}
