//! The call log: when a line's channel hangs up, the call as its owner's history records it.

use super::channels::Channel;
use crate::ids::UserId;
use crate::live::CallLogEntry;
use crate::time::Timestamp;

/// The history entry for a line channel that just hung up.
pub(crate) fn entry(user: UserId, channel: &Channel, now: Timestamp) -> CallLogEntry {
    CallLogEntry {
        user,
        start: channel.created_at,
        answered_at: channel.answered_at,
        end: now,
        direction: channel.direction,
        peer: channel.other_party(),
        linkedid: channel.linkedid.clone(),
    }
}
