//! The envelopes of `getlist`: `listid`, one object's `updateconfig` / `updatestatus`, and
//! `addconfig` / `delconfig`.

use serde::Serialize;

use super::IPBXID;

/// `getlist listid` reply.
#[derive(Debug, Serialize)]
pub struct ListIdReply<'a> {
    /// Always `getlist`.
    pub class: &'static str,
    /// Always `listid`.
    pub function: &'static str,
    /// The list.
    pub listname: &'static str,
    /// Always `xivo`.
    pub tipbxid: &'static str,
    /// The ids, as strings.
    pub list: &'a [String],
}

/// `getlist updateconfig` / `updatestatus` / `addconfig` / `delconfig` for one object.
#[derive(Debug, Serialize)]
pub struct ObjectReply<'a, T: Serialize> {
    /// Always `getlist`.
    pub class: &'static str,
    /// `updateconfig` or `updatestatus`.
    pub function: &'static str,
    /// The list.
    pub listname: &'static str,
    /// Always `xivo`.
    pub tipbxid: &'static str,
    /// The object id, as a string.
    pub tid: &'a str,
    /// The configuration (updateconfig).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<T>,
    /// The status (updatestatus).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<T>,
}

impl<'a, T: Serialize> ObjectReply<'a, T> {
    /// An `updateconfig` message.
    pub fn config(listname: &'static str, tid: &'a str, config: T) -> Self {
        ObjectReply {
            class: "getlist",
            function: "updateconfig",
            listname,
            tipbxid: IPBXID,
            tid,
            config: Some(config),
            status: None,
        }
    }

    /// An `updatestatus` message.
    pub fn status(listname: &'static str, tid: &'a str, status: T) -> Self {
        ObjectReply {
            class: "getlist",
            function: "updatestatus",
            listname,
            tipbxid: IPBXID,
            tid,
            config: None,
            status: Some(status),
        }
    }
}

/// `getlist addconfig` / `delconfig`.
#[derive(Debug, Serialize)]
pub struct ListChange<'a> {
    /// Always `getlist`.
    pub class: &'static str,
    /// `addconfig` or `delconfig`.
    pub function: &'static str,
    /// The list.
    pub listname: &'static str,
    /// Always `xivo`.
    pub tipbxid: &'static str,
    /// The ids added or removed.
    pub list: [&'a str; 1],
}
