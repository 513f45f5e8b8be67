//! The call log: when a line's channel hangs up, the call as its owner's history records it.
//!
//! A phone that only rang for a call someone else took (a ringall queue, a pickup: Q.850 cause
//! 26, "answered elsewhere") has nothing to record: that call was neither taken nor missed.

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

/// Q.850 cause of a call answered by another phone.
const ANSWERED_ELSEWHERE: u16 = 26;

/// Whether a line channel that hung up with `cause` goes in its owner's history.
pub(crate) fn is_logged(channel: &Channel, cause: u16) -> bool {
    channel.answered_at.is_some() || cause != ANSWERED_ELSEWHERE
}
