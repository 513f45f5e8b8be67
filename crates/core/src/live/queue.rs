//! Queue members and queue statistics, live and windowed.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, QueueId, UniqueId};
use crate::time::Timestamp;

/// The device status of a queue member, with Asterisk's codes plus ctid's `101` for an agent that
/// is not logged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberDeviceStatus {
    /// 1: not in use, can take a call.
    NotInUse,
    /// 2: in use.
    InUse,
    /// 3: busy.
    Busy,
    /// 5: unavailable (phone unregistered).
    Unavailable,
    /// 6: ringing.
    Ringing,
    /// 7: in use and ringing.
    RingInUse,
    /// 8: on hold.
    OnHold,
    /// 101: agent not logged in.
    NotLogged,
}

impl MemberDeviceStatus {
    /// The wire code.
    pub fn code(self) -> u32 {
        match self {
            MemberDeviceStatus::NotInUse => 1,
            MemberDeviceStatus::InUse => 2,
            MemberDeviceStatus::Busy => 3,
            MemberDeviceStatus::Unavailable => 5,
            MemberDeviceStatus::Ringing => 6,
            MemberDeviceStatus::RingInUse => 7,
            MemberDeviceStatus::OnHold => 8,
            MemberDeviceStatus::NotLogged => 101,
        }
    }
}

/// One agent's membership of one queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueMemberStatus {
    /// The queue.
    pub queue: QueueId,
    /// The agent.
    pub agent: AgentId,
    /// Penalty (lower rings first).
    pub penalty: u32,
    /// Paused in this queue.
    pub paused: bool,
    /// Pause reason.
    pub pause_reason: Option<String>,
    /// Calls taken from this queue.
    pub calls_taken: u32,
    /// End of the last call taken from this queue.
    pub last_call: Option<Timestamp>,
    /// Device status.
    pub status: MemberDeviceStatus,
    /// Whether the agent is logged in.
    pub logged: bool,
}

/// A caller waiting in a queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// 1-based position.
    pub position: u32,
    /// The caller's channel.
    pub uniqueid: UniqueId,
    /// Caller number.
    pub number: String,
    /// Caller name.
    pub name: String,
    /// When the caller joined the queue.
    pub join_time: Timestamp,
}

/// A queue's live counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueLiveStats {
    /// Members logged in.
    pub logged_agents: u32,
    /// Members ready to take a call now.
    pub available_agents: u32,
    /// Members on a call.
    pub talking_agents: u32,
    /// Callers waiting.
    pub waiting_calls: u32,
    /// Wait of the longest-waiting caller, in seconds (none when nobody waits).
    pub longest_wait: Option<u64>,
    /// Estimated wait time for a new caller, in seconds (recent average hold time).
    pub ewt: u64,
}

/// A queue's counters over a time window, from the queue log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueWindowStats {
    /// Callers who entered the queue.
    pub entered: u32,
    /// Callers answered by a member.
    pub answered: u32,
    /// Callers who hung up while waiting.
    pub abandoned: u32,
    /// Callers answered within the QoS threshold.
    pub answered_within_qos: u32,
    /// Answered / (entered and done), in percent.
    pub answer_rate: f64,
    /// Answered within QoS / answered, in percent.
    pub qos: f64,
    /// Average hold time of answered callers, seconds.
    pub holdtime_avg: f64,
    /// Longest hold time of answered callers, seconds.
    pub holdtime_max: u64,
}
