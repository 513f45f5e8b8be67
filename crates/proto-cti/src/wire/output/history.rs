//! The `history` reply.

use serde::Serialize;

use crate::wire::lenient::CommandId;

/// `history` reply.
#[derive(Debug, Serialize)]
pub struct HistoryReply<'a> {
    /// Always `history`.
    pub class: &'static str,
    /// The request's `commandid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replyid: Option<&'a CommandId>,
    /// The calls, newest first.
    pub history: Vec<HistoryItem>,
}

/// One call of `history`.
#[derive(Debug, Serialize)]
pub struct HistoryItem {
    /// ISO date of the start.
    pub calldate: String,
    /// Talk time, seconds.
    pub duration: f64,
    /// Other party's name.
    pub fullname: String,
    /// 0 sent, 1 received, 2 missed.
    pub mode: u8,
    /// Other party's number.
    pub extension: String,
}
