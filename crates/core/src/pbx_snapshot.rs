//! The resync contract's payload: [`PbxSnapshot`], the whole live state of a switch, which an
//! engine sends as [`PbxEvent::Snapshot`](crate::pbx::PbxEvent::Snapshot) first after every
//! (re)connect.
//!
//! A snapshot is complete: what it does not list does not exist (a line it does not list is
//! unregistered, an agent it does not list is logged out, a membership it does not list is
//! removed, a box it does not list has no messages). The core diffs it against its live state
//! and emits only what changed, so a snapshot identical to what the core knows emits nothing.
//!
//! An AMI adapter builds it from `CoreShowChannels` (channels, bridges via `BridgeInfo`),
//! `QueueStatus` (members, callers), `Agents`, `PJSIPShowContacts` / `SIPpeers`
//! (registrations), `MailboxCount` and `ConfbridgeList`.

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::ids::{AgentId, BridgeId, LineId, QueueId, RoomId, UniqueId, VoicemailId};
use crate::live::{ChannelState, Endpoint, Party};

/// The whole live state of a switch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PbxSnapshot {
    /// Every live channel, oldest first.
    pub channels: Vec<ChannelSnapshot>,
    /// Every caller waiting in a queue, each queue's in position order.
    pub queue_callers: Vec<QueueCallerSnapshot>,
    /// Every queue membership.
    pub members: Vec<MemberSnapshot>,
    /// Every logged-in agent.
    pub agents: Vec<AgentSnapshot>,
    /// The lines whose phone is registered.
    pub registered: Vec<LineId>,
    /// Every voicemail box with messages: (box, new, old).
    pub voicemails: Vec<(VoicemailId, u32, u32)>,
    /// Every conference room with members.
    pub rooms: Vec<RoomSnapshot>,
}

impl PbxSnapshot {
    /// An idle switch for `dataset`: every phone registered, the configured queue members (not
    /// paused) as the only memberships, nothing else going on.
    pub fn idle(dataset: &Dataset) -> PbxSnapshot {
        PbxSnapshot {
            registered: dataset.lines().iter().map(|l| l.id).collect(),
            members: dataset
                .queues()
                .iter()
                .flat_map(|q| {
                    q.members.iter().map(|m| MemberSnapshot {
                        queue: q.id,
                        agent: m.agent,
                        penalty: m.penalty,
                        paused: false,
                    })
                })
                .collect(),
            ..PbxSnapshot::default()
        }
    }
}

/// One live channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelSnapshot {
    /// Its unique id.
    pub uniqueid: UniqueId,
    /// The call's linked id.
    pub linkedid: UniqueId,
    /// Channel name (`SIP/1001-0000000a`).
    pub name: String,
    /// What it is attached to.
    pub endpoint: Endpoint,
    /// Its own caller-id.
    pub caller: Party,
    /// The party it talks to or rings (empty when unknown).
    pub connected: Party,
    /// The extension it dials or was dialled with.
    pub exten: String,
    /// Its state.
    pub state: ChannelState,
    /// Whether it holds its call.
    pub held: bool,
    /// The bridge it is in.
    pub bridge: Option<BridgeId>,
    /// The channel that dials it, while it rings for a caller (AMI `DialBegin`'s caller).
    pub dialled_by: Option<UniqueId>,
    /// The channel it listens to (supervisor listen, AMI `ChanSpyStart`).
    pub spying: Option<UniqueId>,
    /// Its variables (the core keeps `USR_*` and `XIVO_*`).
    pub variables: Vec<(String, String)>,
}

/// A caller waiting in a queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCallerSnapshot {
    /// The queue.
    pub queue: QueueId,
    /// The caller's channel.
    pub uniqueid: UniqueId,
    /// 1-based position.
    pub position: u32,
    /// Seconds it has waited.
    pub waited: u64,
}

/// A queue membership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSnapshot {
    /// The queue.
    pub queue: QueueId,
    /// The agent.
    pub agent: AgentId,
    /// Its penalty.
    pub penalty: u32,
    /// Whether it is paused in this queue.
    pub paused: bool,
}

/// A logged-in agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentSnapshot {
    /// The agent.
    pub agent: AgentId,
    /// The line it takes calls on.
    pub line: LineId,
    /// Whether it is in wrap-up.
    pub wrapup: bool,
    /// The queue call it is in, if any.
    pub acd: Option<AcdCallSnapshot>,
}

/// An answered queue call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcdCallSnapshot {
    /// The queue.
    pub queue: QueueId,
    /// The caller's channel.
    pub caller: UniqueId,
    /// The member's channel.
    pub destination: UniqueId,
}

/// A conference room with members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSnapshot {
    /// The room.
    pub room: RoomId,
    /// Members (channel, muted), in join order.
    pub members: Vec<(UniqueId, bool)>,
}
