//! Agent availability and status, derived by the core from logins, calls, pauses and wrap-up
//! (rules of `spec/notes/cti-server-behaviour.md` §3.3).

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, LineId, QueueId};
use crate::time::Timestamp;

/// Which way a call goes, seen from a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallDirection {
    /// The line receives the call.
    Incoming,
    /// The line placed the call.
    Outgoing,
}

/// An agent's availability, as the CTI protocol names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Availability {
    /// Not logged in.
    LoggedOut,
    /// Logged in and ready for ACD calls.
    Available,
    /// On an ACD call, paused in all its queues, or in wrap-up.
    Unavailable,
    /// On a call that did not come from a queue.
    OnCallNonAcd {
        /// Direction of the call.
        direction: CallDirection,
        /// Whether the other party is internal.
        internal: bool,
    },
}

/// An agent's state as the XuC API models it (`AgentStateEvent`; the names are the XuC face's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgentState {
    /// `AgentLoggedOut`.
    LoggedOut,
    /// `AgentReady`.
    Ready,
    /// `AgentOnPause`.
    OnPause,
    /// `AgentRinging`: an ACD call rings the agent's phone.
    Ringing,
    /// `AgentOnCall`.
    OnCall,
    /// `AgentDialing`: the agent places a call that is not answered yet.
    Dialing,
    /// `AgentOnWrapup`.
    OnWrapup,
}

/// Everything clients show about an agent, derived once by the core.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentStatus {
    /// The agent.
    pub agent: AgentId,
    /// Agent number.
    pub number: String,
    /// CTI availability.
    pub availability: Availability,
    /// When `availability` last changed.
    pub availability_since: Timestamp,
    /// XuC state.
    pub state: AgentState,
    /// When `state` last changed.
    pub state_since: Timestamp,
    /// The line the agent is logged in on.
    pub line: Option<LineId>,
    /// The number of that line.
    pub phone_number: Option<String>,
    /// On a call from a queue.
    pub on_call_acd: bool,
    /// The queue of the current ACD call (or of the ringing ACD call).
    pub acd_queue: Option<QueueId>,
    /// On a call that is not from a queue: its direction and whether it is internal.
    pub on_call_nonacd: Option<(CallDirection, bool)>,
    /// In wrap-up after an ACD call.
    pub on_wrapup: bool,
    /// Paused in every queue it belongs to (and member of at least one).
    pub paused: bool,
    /// The reason given for the latest pause.
    pub pause_reason: Option<String>,
    /// The queues it is a member of.
    pub queues: Vec<QueueId>,
    /// The queues where it is paused.
    pub paused_queues: Vec<QueueId>,
}
