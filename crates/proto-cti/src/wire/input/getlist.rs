//! `getlist`: the list names and functions (`listid`, `updateconfig`, `updatestatus`) and their
//! parsing.

use serde::Deserialize;

use super::capped::max_bytes;
use crate::wire::limits::ID_BYTES;

use super::parse_error::ParseError;
use super::read::read;
use crate::wire::lenient::Id;
use crate::wire::limits::echo;

/// The lists of `getlist`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListName {
    /// `users`.
    Users,
    /// `phones` (lines).
    Phones,
    /// `agents`.
    Agents,
    /// `queues`.
    Queues,
    /// `voicemails`.
    Voicemails,
    /// `queuemembers`.
    QueueMembers,
    /// `meetmes` (conference rooms).
    Meetmes,
}

impl ListName {
    /// Every list.
    pub const ALL: [ListName; 7] = [
        ListName::Users,
        ListName::Phones,
        ListName::Agents,
        ListName::Queues,
        ListName::Voicemails,
        ListName::QueueMembers,
        ListName::Meetmes,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ListName::Users => "users",
            ListName::Phones => "phones",
            ListName::Agents => "agents",
            ListName::Queues => "queues",
            ListName::Voicemails => "voicemails",
            ListName::QueueMembers => "queuemembers",
            ListName::Meetmes => "meetmes",
        }
    }

    /// The list with this wire name.
    pub fn parse(s: &str) -> Option<ListName> {
        ListName::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// `getlist`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetList {
    /// The list.
    pub list: ListName,
    /// What is asked.
    pub function: GetListFunction,
}

/// What a `getlist` asks.
#[derive(Debug, Clone, PartialEq)]
pub enum GetListFunction {
    /// The ids of the list.
    ListId,
    /// One object's configuration.
    UpdateConfig(Id),
    /// One object's status.
    UpdateStatus(Id),
}

#[derive(Deserialize)]
struct GetListRaw {
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    function: String,
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    listname: String,
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    tid: Option<Id>,
}

/// Reads a `getlist` message.
pub(super) fn parse_getlist(class: &str, text: &str) -> Result<GetList, ParseError> {
    let raw: GetListRaw = read(class, text)?;
    let list = ListName::parse(&raw.listname).ok_or_else(|| {
        ParseError::new(Some(class), format!("unknown_list:{}", echo(&raw.listname)))
    })?;
    let tid = |raw: GetListRaw| {
        raw.tid
            .ok_or_else(|| ParseError::new(Some(class), "missing_field:tid"))
    };
    let function = match raw.function.as_str() {
        "listid" => GetListFunction::ListId,
        "updateconfig" => GetListFunction::UpdateConfig(tid(raw)?),
        "updatestatus" => GetListFunction::UpdateStatus(tid(raw)?),
        other => {
            return Err(ParseError::new(
                Some(class),
                format!("unknown_function:{}", echo(other)),
            ));
        }
    };
    Ok(GetList { list, function })
}
