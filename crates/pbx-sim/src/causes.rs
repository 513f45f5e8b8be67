//! Q.850 hangup causes, as Asterisk reports them in `Hangup` events.

/// 1: unallocated number (nothing answers to what was dialled).
pub(crate) const UNALLOCATED: u16 = 1;
/// 16: normal clearing.
pub(crate) const NORMAL: u16 = 16;
/// 17: user busy.
pub(crate) const BUSY: u16 = 17;
/// 19: no answer.
pub(crate) const NO_ANSWER: u16 = 19;
/// 20: subscriber absent (the phone is not registered).
pub(crate) const UNREGISTERED: u16 = 20;
/// 21: call rejected (the phone declined it).
pub(crate) const REJECTED: u16 = 21;
/// 26: answered elsewhere.
pub(crate) const ANSWERED_ELSEWHERE: u16 = 26;
/// 34: no circuit available (congestion).
pub(crate) const CONGESTION: u16 = 34;
/// 34 as well when a queue is full and has no `full_destination`: no room for the caller.
pub(crate) const QUEUE_FULL: u16 = CONGESTION;
