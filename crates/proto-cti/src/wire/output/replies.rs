//! Replies every class may get: errors, class-only acks, the legacy `keepalive` /
//! `getipbxlist` form and the `{class, data}` form.

use serde::Serialize;

use crate::wire::lenient::CommandId;

/// `{"class": <class>, "error_string": <problem>}`.
#[derive(Debug, Serialize)]
pub struct ErrorReply<'a> {
    /// The request's class (`error` when unknown).
    pub class: &'a str,
    /// What went wrong.
    pub error_string: &'a str,
    /// The request's `commandid` (legacy classes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replyid: Option<&'a CommandId>,
}

/// A message with only a class (the STARTTLS offer, `complete`-style acks).
#[derive(Debug, Serialize)]
pub struct ClassOnly<'a> {
    /// The class.
    pub class: &'a str,
}

/// `keepalive` / `getipbxlist` replies.
#[derive(Debug, Serialize)]
pub struct LegacyReply<'a, T: Serialize> {
    /// The class.
    pub class: &'static str,
    /// The request's `commandid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replyid: Option<&'a CommandId>,
    /// The payload's keys.
    #[serde(flatten)]
    pub body: T,
}

/// The body of a `getipbxlist` reply.
#[derive(Debug, Serialize)]
pub struct IpbxList {
    /// Always `["xivo"]`.
    pub ipbxlist: [&'static str; 1],
}

/// An empty body / an empty object.
#[derive(Debug, Serialize, Default)]
pub struct Empty {}

/// A message with a class and a `data` object (`relations`, `*_status_update`).
#[derive(Debug, Serialize)]
pub struct DataMessage<T: Serialize> {
    /// The class.
    pub class: &'static str,
    /// The data.
    pub data: T,
}
