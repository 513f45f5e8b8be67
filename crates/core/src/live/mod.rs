//! Values describing the live telephony state, as the core derives them and as events and
//! queries carry them to the protocol faces (which translate, never recompute).

mod agent;
mod call;
mod hint;
mod queue;

pub use agent::{AgentState, AgentStatus, Availability, CallDirection};
pub use call::{
    CallLogEntry, ChannelState, ConferenceMember, ConferenceState, CurrentCall, CurrentCallStatus,
    DialStatus, Endpoint, Party, PhoneEvent, PhoneEventKind, UserData,
};
pub use hint::HintStatus;
pub use queue::{
    MemberDeviceStatus, QueueEntry, QueueLiveStats, QueueMemberStatus, QueueWindowStats,
};

use serde::{Deserialize, Serialize};

use crate::dataset::{Forward, UserServices};

/// A user's presence and connection state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPresence {
    /// Presence status name (`available`, `away`, `disconnected`, ...).
    pub status: String,
    /// Number of CTI/web sessions the user has open on this node.
    pub sessions: u32,
}

/// Message counts of a voicemail box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoicemailCounts {
    /// New (unread) messages.
    pub new: u32,
    /// Old (read) messages.
    pub old: u32,
}

/// Which forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForwardKind {
    /// Every call.
    Unconditional,
    /// When busy.
    Busy,
    /// On no answer.
    NoAnswer,
}

/// One of a user's services (what [`crate::Event::UserServices`] says changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Service {
    /// Do not disturb.
    Dnd,
    /// Call filtering.
    IncallFilter,
    /// Call recording.
    Recording,
    /// Voicemail.
    Voicemail,
    /// A forward (its state and destination).
    Forward(ForwardKind),
}

/// One change to a user's services, as asked by a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceChange {
    /// Do not disturb on/off.
    Dnd(bool),
    /// Call filtering on/off.
    IncallFilter(bool),
    /// Call recording on/off.
    Recording(bool),
    /// Voicemail on/off.
    Voicemail(bool),
    /// A forward: each part is changed only when given.
    Forward {
        /// Which forward.
        kind: ForwardKind,
        /// New on/off state.
        enabled: Option<bool>,
        /// New destination.
        destination: Option<String>,
    },
}

impl ServiceChange {
    /// The service it changes.
    pub fn service(&self) -> Service {
        match self {
            ServiceChange::Dnd(_) => Service::Dnd,
            ServiceChange::IncallFilter(_) => Service::IncallFilter,
            ServiceChange::Recording(_) => Service::Recording,
            ServiceChange::Voicemail(_) => Service::Voicemail,
            ServiceChange::Forward { kind, .. } => Service::Forward(*kind),
        }
    }

    /// Applies the change to a set of services; returns whether anything changed.
    pub fn apply(&self, s: &mut UserServices) -> bool {
        let before = s.clone();
        match self {
            ServiceChange::Dnd(on) => s.dnd = *on,
            ServiceChange::IncallFilter(on) => s.incallfilter = *on,
            ServiceChange::Recording(on) => s.recording = *on,
            ServiceChange::Voicemail(on) => s.voicemail_enabled = *on,
            ServiceChange::Forward {
                kind,
                enabled,
                destination,
            } => {
                let fwd: &mut Forward = match kind {
                    ForwardKind::Unconditional => &mut s.fwd_unconditional,
                    ForwardKind::Busy => &mut s.fwd_busy,
                    ForwardKind::NoAnswer => &mut s.fwd_noanswer,
                };
                if let Some(on) = enabled {
                    fwd.enabled = *on;
                }
                if let Some(dest) = destination {
                    fwd.destination = dest.clone();
                }
            }
        }
        *s != before
    }
}
