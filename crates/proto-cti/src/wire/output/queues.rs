//! Queue messages: `queueentryupdate` (waiting callers) and `getqueuesstats` (live and
//! windowed counters).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::wire::lenient::CommandId;

/// `queueentryupdate`.
#[derive(Debug, Serialize)]
pub struct QueueEntryUpdate<'a> {
    /// Always `queueentryupdate`.
    pub class: &'static str,
    /// The queue's callers.
    pub state: QueueEntryState<'a>,
}

/// The `state` of `queueentryupdate`.
#[derive(Debug, Serialize)]
pub struct QueueEntryState<'a> {
    /// Queue name.
    pub queue_name: &'a str,
    /// Queue id.
    pub queue_id: u32,
    /// Callers, in order.
    pub entries: Vec<QueueEntryOut>,
}

/// One waiting caller.
#[derive(Debug, Serialize)]
pub struct QueueEntryOut {
    /// 1-based position.
    pub position: u32,
    /// Caller name.
    pub name: String,
    /// Caller number.
    pub number: String,
    /// When it joined (float seconds).
    pub join_time: f64,
    /// Its channel.
    pub uniqueid: String,
}

/// `getqueuesstats`.
#[derive(Debug, Serialize)]
pub struct QueuesStats<'a, T: Serialize> {
    /// Always `getqueuesstats`.
    pub class: &'static str,
    /// The request's `commandid`, for on-demand statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replyid: Option<&'a CommandId>,
    /// Queue id → counters.
    pub stats: BTreeMap<String, T>,
}

/// Live counters of one queue (types as xivo-ctid sends them: some are strings).
#[derive(Debug, Serialize)]
pub struct LiveQueueStats {
    /// Logged members (integer).
    #[serde(rename = "Xivo-LoggedAgents")]
    pub logged_agents: u32,
    /// Available members (string).
    #[serde(rename = "Xivo-AvailableAgents")]
    pub available_agents: String,
    /// Talking members (string).
    #[serde(rename = "Xivo-TalkingAgents")]
    pub talking_agents: String,
    /// Estimated wait time, seconds (string).
    #[serde(rename = "Xivo-EWT")]
    pub ewt: String,
    /// Waiting callers (integer).
    #[serde(rename = "Xivo-WaitingCalls")]
    pub waiting_calls: u32,
    /// Longest wait in seconds (integer), when someone waits.
    #[serde(
        rename = "Xivo-LongestWaitTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub longest_wait: Option<u64>,
}

/// Windowed counters of one queue (all strings).
#[derive(Debug, Serialize)]
pub struct WindowQueueStats {
    /// Callers who entered.
    #[serde(rename = "Xivo-Join")]
    pub join: String,
    /// Callers answered.
    #[serde(rename = "Xivo-Link")]
    pub link: String,
    /// Callers who gave up.
    #[serde(rename = "Xivo-Lost")]
    pub lost: String,
    /// Answer rate, percent.
    #[serde(rename = "Xivo-Rate")]
    pub rate: String,
    /// Answered within QoS, percent.
    #[serde(rename = "Xivo-Qos")]
    pub qos: String,
    /// Average hold time, seconds.
    #[serde(rename = "Xivo-Holdtime-avg")]
    pub holdtime_avg: String,
    /// Longest hold time, seconds.
    #[serde(rename = "Xivo-Holdtime-max")]
    pub holdtime_max: String,
}
