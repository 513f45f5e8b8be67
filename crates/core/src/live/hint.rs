//! Phone hint status codes (Asterisk extension states), as CTI clients know them.

use serde::{Deserialize, Serialize};

/// The status of a line as shown by BLF keys and CTI clients. The numeric values are Asterisk's
/// `ast_extension_states` bitmask, which is what goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum HintStatus {
    /// -2: the line no longer exists.
    Removed,
    /// -1: the line is deactivated.
    Deactivated,
    /// 0: idle.
    Idle,
    /// 1: in use (talking or calling).
    InUse,
    /// 2: busy.
    Busy,
    /// 4: unavailable (phone unregistered).
    Unavailable,
    /// 8: ringing.
    Ringing,
    /// 9: in use and ringing (a second call rings).
    InUseRinging,
    /// 16: on hold.
    OnHold,
}

impl HintStatus {
    /// The wire code.
    pub fn code(self) -> i32 {
        match self {
            HintStatus::Removed => -2,
            HintStatus::Deactivated => -1,
            HintStatus::Idle => 0,
            HintStatus::InUse => 1,
            HintStatus::Busy => 2,
            HintStatus::Unavailable => 4,
            HintStatus::Ringing => 8,
            HintStatus::InUseRinging => 9,
            HintStatus::OnHold => 16,
        }
    }

    /// The status for a wire code, if it is one ctid knows.
    pub fn from_code(code: i32) -> Option<HintStatus> {
        Some(match code {
            -2 => HintStatus::Removed,
            -1 => HintStatus::Deactivated,
            0 => HintStatus::Idle,
            1 => HintStatus::InUse,
            2 => HintStatus::Busy,
            4 => HintStatus::Unavailable,
            8 => HintStatus::Ringing,
            9 => HintStatus::InUseRinging,
            16 => HintStatus::OnHold,
            _ => return None,
        })
    }
}

impl From<HintStatus> for i32 {
    fn from(h: HintStatus) -> i32 {
        h.code()
    }
}

impl TryFrom<i32> for HintStatus {
    type Error = String;
    fn try_from(code: i32) -> Result<Self, String> {
        HintStatus::from_code(code).ok_or_else(|| format!("unknown hint code {code}"))
    }
}
