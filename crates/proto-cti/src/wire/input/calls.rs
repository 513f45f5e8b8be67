//! The call classes: `hangup`, transfers, voicemail transfers and the switchboard's `answer`,
//! `hold_switchboard` and `resume_switchboard`.

use serde::Deserialize;

use super::capped::max_bytes;
use crate::wire::limits::{ID_BYTES, NAME_BYTES};

use crate::wire::lenient::Id;

/// `hangup`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Hangup {
    /// Which call (default: the current one).
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    pub unique_id: Option<String>,
}

/// `attended_transfer` / `direct_transfer`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Transfer {
    /// Where to.
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub number: Id,
}

/// `blind_transfer_voicemail` / `attended_transfer_voicemail`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VoicemailTransfer {
    /// The mailbox number.
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub voicemail: Id,
}

/// A call named by `unique_id` (or the protocol document's `uniqueid`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallRef {
    /// What xivo-ctid and the Qt client use.
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    pub unique_id: Option<String>,
    /// What the protocol document shows.
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    pub uniqueid: Option<String>,
}

impl CallRef {
    /// The call, whichever key named it.
    pub fn id(&self) -> Option<&str> {
        self.unique_id
            .as_deref()
            .or(self.uniqueid.as_deref())
            .filter(|s| !s.is_empty())
    }
}

/// `hold_switchboard`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HoldSwitchboard {
    /// The hold queue (ignored: ctid holds the call on the operator's line).
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    pub queue_name: Option<String>,
}
