//! Identifiers of the configured objects and of live channels.
//!
//! Configured objects (users, lines, agents, queues, voicemail boxes, conference rooms, CTI
//! profiles) have small integer ids, as in XiVO's database; protocols print them as strings.
//! Live channels carry Asterisk-style unique ids (`"1795371728.2"`), shared cheaply as `Arc<str>`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(pub u32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

int_id!(
    /// A user (a person who logs in to the CTI server).
    UserId
);
int_id!(
    /// A line (a phone endpoint, "phones" in the CTI protocol).
    LineId
);
int_id!(
    /// A call-centre agent.
    AgentId
);
int_id!(
    /// A call queue.
    QueueId
);
int_id!(
    /// A group of agents (how supervisors and the XuC API sort agents).
    AgentGroupId
);
int_id!(
    /// A voicemail box.
    VoicemailId
);
int_id!(
    /// A conference room ("meetme" in the CTI protocol).
    RoomId
);
int_id!(
    /// A CTI profile (what a user may see and do).
    ProfileId
);

/// An id the core hands to each client session, unique for the process lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An Asterisk-style channel unique id (`"1795371728.2"`); also used for linked ids.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UniqueId(pub Arc<str>);

impl UniqueId {
    /// Wraps a string.
    pub fn new(s: impl Into<Arc<str>>) -> Self {
        UniqueId(s.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", &*self.0)
    }
}

impl From<&str> for UniqueId {
    fn from(s: &str) -> Self {
        UniqueId(s.into())
    }
}

/// A bridge (a set of channels that hear each other), e.g. an Asterisk bridge uuid.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BridgeId(pub Arc<str>);

impl BridgeId {
    /// Wraps a string.
    pub fn new(s: impl Into<Arc<str>>) -> Self {
        BridgeId(s.into())
    }
}

impl fmt::Debug for BridgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", &*self.0)
    }
}

impl fmt::Display for BridgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Correlates an asynchronous PBX action (an originate) with its result event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActionId(pub u64);
