//! Client frames → typed requests. A frame is one JSON object: `{"claz":"ping"}`, or
//! `{"claz":"web","command":<name>, ...flat fields}`. Every field is optional (browsers drop
//! undefined fields; `null` reads as absent); casing is exactly the one cti.js sends
//! (`agentid`/`agentphonenumber`, `uniqueId`, ...). A wrong type, an unknown command or a
//! known one this server does not serve yet is an [`InputError`] the session answers with an
//! `Error` message.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use ctid_core::live::ForwardKind;

use super::lenient::Id;

/// Longest destination, number, status name or reason accepted.
pub const MAX_TEXT: usize = 256;
/// Most variables attached to a call by one command.
pub const MAX_VARIABLES: usize = 64;
/// Longest variable name or value.
pub const MAX_VARIABLE_TEXT: usize = 1024;
/// Longest quote of a client's value in an error.
const ECHO: usize = 64;

/// A parsed frame.
#[derive(Debug, PartialEq)]
pub enum Request {
    /// `{"claz":"ping"}`.
    Ping,
    /// A `web` command.
    Web(WebCommand),
}

/// The commands this server serves.
#[derive(Debug, PartialEq)]
pub enum WebCommand {
    /// `dial`: call `destination` from the user's line, with `variables` attached.
    Dial {
        /// Where to.
        destination: String,
        /// Attached data.
        variables: Vec<(String, String)>,
    },
    /// `answer` (a ringing call; `uniqueId` picks one).
    Answer {
        /// Which call.
        unique_id: Option<String>,
    },
    /// `hangup` (the current call; `uniqueId` picks one).
    Hangup {
        /// Which call.
        unique_id: Option<String>,
    },
    /// `hold` (toggles the current call, or `uniqueId`).
    Hold {
        /// Which call.
        unique_id: Option<String>,
    },
    /// `directTransfer`.
    DirectTransfer {
        /// Where to.
        destination: String,
    },
    /// `attendedTransfer` (`device` is ignored).
    AttendedTransfer {
        /// Where to.
        destination: String,
    },
    /// `completeTransfer`.
    CompleteTransfer,
    /// `cancelTransfer`.
    CancelTransfer,
    /// `dnd` (`state` absent = false, as JavaScript's `undefined`).
    Dnd {
        /// On or off.
        state: bool,
    },
    /// `naFwd`, `uncFwd`, `busyFwd`.
    Forward {
        /// Which forward.
        kind: ForwardKind,
        /// On or off (absent = false).
        state: bool,
        /// New destination (absent: unchanged).
        destination: Option<String>,
    },
    /// `userStatusUpdate`.
    UserStatus {
        /// The presence name.
        status: String,
    },
    /// `getCurrentCallsPhoneEvents`.
    CurrentCalls,
    /// `agentLogin`.
    AgentLogin {
        /// The agent (absent: the user's own).
        agent: Option<u64>,
        /// The phone number to log on (absent: the user's line).
        phone: Option<String>,
    },
    /// `agentLogout`.
    AgentLogout {
        /// The agent (absent: the user's own).
        agent: Option<u64>,
    },
    /// `pauseAgent`.
    PauseAgent {
        /// The agent (absent: the user's own).
        agent: Option<u64>,
        /// Why.
        reason: Option<String>,
    },
    /// `unpauseAgent`.
    UnpauseAgent {
        /// The agent (absent: the user's own).
        agent: Option<u64>,
    },
    /// `getAgentStates`.
    GetAgentStates,
    /// `subscribeToAgentEvents`.
    SubscribeToAgentEvents,
    /// `subscribeToQueueStats`.
    SubscribeToQueueStats,
    /// `getList`.
    GetList {
        /// What list.
        object: ListKind,
    },
    /// `getConfig` (`objectType` `line`: the only one XuC has).
    GetLineConfig,
    /// `getAgentDirectory`.
    GetAgentDirectory,
    /// `getUserCallHistory`, `getAgentCallHistory` and `getUserCallHistoryByDays`.
    CallHistory {
        /// Whose calls, and how far back.
        of: HistoryOf,
    },
    /// `getQueueStatistics`.
    GetQueueStatistics {
        /// The queue.
        queue: u64,
        /// The window, in seconds (absent: an hour).
        window: Option<u64>,
        /// The answer-time threshold, in seconds (absent: 60).
        xqos: Option<u64>,
    },
    /// `subscribeToQueueCalls`.
    SubscribeToQueueCalls {
        /// The queue.
        queue: u64,
    },
    /// `unSubscribeToQueueCalls`.
    UnsubscribeToQueueCalls {
        /// The queue.
        queue: u64,
    },
    /// `subscribeToPhoneHints`.
    SubscribeToPhoneHints {
        /// The numbers to watch.
        numbers: Vec<String>,
    },
    /// `unsubscribeFromAllPhoneHints`.
    UnsubscribeFromAllPhoneHints,
    /// `setAgentQueue`: add an agent to a queue or change its penalty.
    SetAgentQueue {
        /// The agent (absent: the user's own).
        agent: Option<u64>,
        /// The queue.
        queue: u64,
        /// The penalty (absent: 0).
        penalty: u64,
    },
    /// `removeAgentFromQueue`.
    RemoveAgentFromQueue {
        /// The agent (absent: the user's own).
        agent: Option<u64>,
        /// The queue.
        queue: u64,
    },
    /// `dialFromMobile`: the user's mobile is called first, then `destination`.
    DialFromMobile {
        /// Where to.
        destination: String,
        /// Attached data.
        variables: Vec<(String, String)>,
    },
    /// `dialByUsername`: call a user's line by login.
    DialByUsername {
        /// The login.
        username: String,
        /// Attached data.
        variables: Vec<(String, String)>,
    },
    /// `originate`: as `dial`, without data.
    Originate {
        /// Where to.
        destination: String,
    },
    /// `conference`: turn the attended transfer into a three-party conference.
    Conference,
    /// `sendDtmf`: keys pressed on the current call.
    SendDtmf {
        /// The keys (`key`: one digit by the API, a few accepted).
        key: String,
    },
    /// `setData`: attach variables to the current calls.
    SetData {
        /// The variables (`USR_` added when missing).
        variables: Vec<(String, String)>,
    },
    /// `listenAgent`.
    ListenAgent {
        /// The agent.
        agent: Option<u64>,
    },
    /// The conference room commands.
    ConferenceCommand {
        /// Which.
        action: ConferenceAction,
        /// The room's number (`numConf`).
        room: String,
        /// The member's index (join order), for the commands on one member.
        index: Option<u64>,
    },
}

/// Which calls a history request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryOf {
    /// `getUserCallHistory`: the user's last `size` calls (absent: 20).
    UserLast(Option<u64>),
    /// `getAgentCallHistory`: the last `size` calls of the user's agent (absent: 20).
    AgentLast(Option<u64>),
    /// `getUserCallHistoryByDays`: the user's calls of the last `days` days (absent: 7).
    UserDays(Option<u64>),
}

/// A conference room command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConferenceAction {
    /// `conferenceMuteMe`.
    MuteMe,
    /// `conferenceUnmuteMe`.
    UnmuteMe,
    /// `conferenceMuteAll` (every member but oneself).
    MuteAll,
    /// `conferenceUnmuteAll`.
    UnmuteAll,
    /// `conferenceKick` (`index`): the member leaves the room.
    Kick,
    /// `conferenceMute` (`index`).
    Mute,
    /// `conferenceUnmute` (`index`).
    Unmute,
}

impl ConferenceAction {
    /// The command's name.
    pub fn command(self) -> &'static str {
        match self {
            ConferenceAction::MuteMe => "conferenceMuteMe",
            ConferenceAction::UnmuteMe => "conferenceUnmuteMe",
            ConferenceAction::MuteAll => "conferenceMuteAll",
            ConferenceAction::UnmuteAll => "conferenceUnmuteAll",
            ConferenceAction::Kick => "conferenceKick",
            ConferenceAction::Mute => "conferenceMute",
            ConferenceAction::Unmute => "conferenceUnmute",
        }
    }
}

/// The lists of `getList`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// `queue` → `QueueList`.
    Queue,
    /// `agent` → `AgentList`.
    Agent,
    /// `queuemember` → `QueueMemberList`.
    QueueMember,
    /// `basequeuemember` → `UsersQueueDefaultMembership`.
    BaseQueueMember,
    /// `agentgroup` → `AgentGroupList`.
    AgentGroup,
    /// `meetme` → `ConferenceList`.
    Meetme,
}

/// Most numbers one `subscribeToPhoneHints` may watch.
pub const MAX_PHONE_HINTS: usize = 1000;

/// Commands of the XuC API this server knows but does not serve yet: answered with an `Error`
/// saying `not implemented` (docs/xuc-api.md lists them).
pub const NOT_IMPLEMENTED: &[&str] = &[
    "dialFromQueue",
    "toggleMicrophone",
    "toggleUniqueAccountDevice",
    "displayNameLookup",
    "setUserPreference",
    "unregisterMobileApp",
    "pushLogToServer",
    "getIceConfig",
    "monitorPause",
    "monitorUnpause",
    "setAgentGroup",
    "moveAgentsInGroup",
    "addAgentsInGroup",
    "removeAgentGroupFromQueueGroup",
    "addAgentsNotInQueueFromGroupTo",
    "subscribeToAgentStats",
    "retrieveQueueCall",
    "directoryLookUp",
    "searchContacts",
    "getFavorites",
    "getFavoriteContacts",
    "addFavorite",
    "removeFavorite",
    "getQueueCallHistory",
    "findCustomerCallHistory",
    "conferenceDeafen",
    "conferenceUndeafen",
    "conferenceReset",
    "conferenceClose",
    "conferenceInvite",
    "includeToConference",
    "inviteConferenceRoom",
    "flashTextBrowserRequest",
    "videoEvent",
    "subscribeToVideoStatus",
    "unsubscribeFromAllVideoStatus",
    "inviteToMeetingRoom",
    "meetingRoomInviteAck",
    "meetingRoomInviteAccept",
    "meetingRoomInviteReject",
    "getCallbackLists",
    "findCallbackRequest",
    "getCallbackPreferredPeriods",
    "takeCallback",
    "releaseCallback",
    "startCallback",
    "listenCallbackMessage",
    "updateCallbackTicket",
    "getUserDefaultMembership",
    "setUserDefaultMembership",
    "setUsersDefaultMembership",
    "applyUsersDefaultMembership",
];

/// Why a frame was not served.
#[derive(Debug, PartialEq, Eq)]
pub struct InputError {
    /// The command, when the frame named one (quoted short).
    pub command: Option<String>,
    /// The error's name (`Error` field of the reply).
    pub error: &'static str,
    /// What was wrong.
    pub message: String,
}

impl InputError {
    fn new(command: Option<&str>, error: &'static str, message: impl Into<String>) -> Self {
        InputError {
            command: command.map(echo),
            error,
            message: message.into(),
        }
    }
}

/// A short quote of a client's value.
pub fn echo(s: &str) -> String {
    if s.len() <= ECHO {
        return s.to_owned();
    }
    let mut end = ECHO;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Parses one text frame.
pub fn parse(frame: &[u8]) -> Result<Request, InputError> {
    let value: Value = serde_json::from_slice(frame)
        .map_err(|e| InputError::new(None, "InvalidJson", format!("not JSON: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(InputError::new(
            None,
            "InvalidMessage",
            "a message is a JSON object",
        ));
    };
    let claz = match fields.remove("claz") {
        Some(Value::String(s)) => s,
        _ => return Err(InputError::new(None, "InvalidMessage", "missing claz")),
    };
    match claz.as_str() {
        "ping" => return Ok(Request::Ping),
        "web" => {}
        other => {
            return Err(InputError::new(
                None,
                "InvalidMessage",
                format!("unknown claz {}", echo(other)),
            ));
        }
    }
    let command = match fields.remove("command") {
        Some(Value::String(s)) => s,
        _ => return Err(InputError::new(None, "InvalidMessage", "missing command")),
    };
    web(&command, fields).map(Request::Web).map_err(|mut e| {
        e.command = Some(echo(&command));
        e
    })
}

/// Reads a command's fields into its argument type (every field optional).
fn args<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, InputError> {
    // Explicit nulls read as absent.
    let fields: Map<String, Value> = fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
    serde_json::from_value(Value::Object(fields))
        .map_err(|e| InputError::new(None, "InvalidArgument", e.to_string()))
}

fn required(value: Option<String>, field: &str) -> Result<String, InputError> {
    match value {
        Some(v) if !v.trim().is_empty() => short(v, field),
        _ => Err(InputError::new(
            None,
            "InvalidArgument",
            format!("missing {field}"),
        )),
    }
}

fn short(value: String, field: &str) -> Result<String, InputError> {
    if value.len() > MAX_TEXT {
        return Err(InputError::new(
            None,
            "InvalidArgument",
            format!("{field} longer than {MAX_TEXT} bytes"),
        ));
    }
    Ok(value)
}

fn optional(value: Option<String>, field: &str) -> Result<Option<String>, InputError> {
    value.map(|v| short(v, field)).transpose()
}

#[derive(Deserialize)]
struct DialArgs {
    destination: Option<String>,
    variables: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
struct CallArgs {
    #[serde(rename = "uniqueId")]
    unique_id: Option<String>,
}

#[derive(Deserialize)]
struct TransferArgs {
    destination: Option<String>,
}

#[derive(Deserialize)]
struct StateArgs {
    state: Option<bool>,
    destination: Option<String>,
}

#[derive(Deserialize)]
struct StatusArgs {
    status: Option<String>,
}

#[derive(Deserialize)]
struct ObjectArgs {
    #[serde(rename = "objectType")]
    object_type: Option<String>,
}

#[derive(Deserialize)]
struct QueueArgs {
    #[serde(rename = "queueId")]
    queue_id: Option<Id>,
    window: Option<Id>,
    xqos: Option<Id>,
}

#[derive(Deserialize)]
struct HistoryArgs {
    size: Option<Id>,
    days: Option<Id>,
}

#[derive(Deserialize)]
struct MembershipArgs {
    #[serde(rename = "agentId")]
    agent_id: Option<Id>,
    #[serde(rename = "queueId")]
    queue_id: Option<Id>,
    penalty: Option<Id>,
}

#[derive(Deserialize)]
struct UsernameArgs {
    username: Option<String>,
    variables: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
struct ConferenceArgs {
    #[serde(rename = "numConf")]
    num_conf: Option<Value>,
    index: Option<Id>,
}

#[derive(Deserialize)]
struct DtmfArgs {
    key: Option<Value>,
}

/// A DTMF key sent as a string or a number (the core checks the keys and their count).
fn dtmf_key(v: Option<Value>) -> Result<String, InputError> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => short(s.trim().to_owned(), "key"),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(InputError::new(None, "InvalidArgument", "missing key")),
    }
}

/// A room number sent as a string or a number.
fn room_number(v: Option<Value>) -> Result<String, InputError> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => short(s.trim().to_owned(), "numConf"),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::String(_)) | None => {
            Err(InputError::new(None, "InvalidArgument", "missing numConf"))
        }
        Some(_) => Err(InputError::new(
            None,
            "InvalidArgument",
            "numConf is not a number",
        )),
    }
}

#[derive(Deserialize)]
struct HintArgs {
    #[serde(rename = "phoneNumbers")]
    phone_numbers: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct AgentArgs {
    agentid: Option<Id>,
    agentphonenumber: Option<Value>,
    reason: Option<String>,
}

fn variables(given: Option<BTreeMap<String, Value>>) -> Result<Vec<(String, String)>, InputError> {
    let given = given.unwrap_or_default();
    if given.len() > MAX_VARIABLES {
        return Err(InputError::new(
            None,
            "InvalidArgument",
            format!("more than {MAX_VARIABLES} variables"),
        ));
    }
    given
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(InputError::new(
                        None,
                        "InvalidArgument",
                        format!("variable {} is not a string", echo(&k)),
                    ));
                }
            };
            if k.is_empty() || k.len() > MAX_VARIABLE_TEXT || v.len() > MAX_VARIABLE_TEXT {
                return Err(InputError::new(
                    None,
                    "InvalidArgument",
                    format!("variable {} is empty or too long", echo(&k)),
                ));
            }
            Ok((k, v))
        })
        .collect()
}

/// A phone number sent as a string or a number.
fn phone_number(v: Option<Value>) -> Result<Option<String>, InputError> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => short(s, "agentphonenumber").map(Some),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(InputError::new(
            None,
            "InvalidArgument",
            "agentphonenumber is not a number",
        )),
    }
}

fn required_id(id: Option<Id>, field: &str) -> Result<u64, InputError> {
    id.map(|i| i.0)
        .ok_or_else(|| InputError::new(None, "InvalidArgument", format!("missing {field}")))
}

fn list_kind(object: Option<String>) -> Result<ListKind, InputError> {
    let object = object.unwrap_or_default();
    Ok(match object.as_str() {
        "queue" => ListKind::Queue,
        "agent" => ListKind::Agent,
        "queuemember" => ListKind::QueueMember,
        "basequeuemember" => ListKind::BaseQueueMember,
        "agentgroup" => ListKind::AgentGroup,
        "meetme" => ListKind::Meetme,
        other => {
            return Err(InputError::new(
                None,
                "InvalidArgument",
                format!("unknown objectType {}", echo(other)),
            ));
        }
    })
}

/// The numbers of `subscribeToPhoneHints` (strings or numbers; empty ones skipped).
fn phone_numbers(given: Option<Vec<Value>>) -> Result<Vec<String>, InputError> {
    let given = given.unwrap_or_default();
    if given.len() > MAX_PHONE_HINTS {
        return Err(InputError::new(
            None,
            "InvalidArgument",
            format!("more than {MAX_PHONE_HINTS} phoneNumbers"),
        ));
    }
    let mut numbers = Vec::with_capacity(given.len());
    for v in given {
        let n = match v {
            Value::String(s) => short(s, "phoneNumbers")?,
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            _ => {
                return Err(InputError::new(
                    None,
                    "InvalidArgument",
                    "phoneNumbers holds something that is not a number",
                ));
            }
        };
        if !n.trim().is_empty() {
            numbers.push(n.trim().to_owned());
        }
    }
    Ok(numbers)
}

fn web(command: &str, fields: Map<String, Value>) -> Result<WebCommand, InputError> {
    use WebCommand as W;
    let forward = |kind| -> Result<WebCommand, InputError> {
        let a: StateArgs = args(fields.clone())?;
        Ok(W::Forward {
            kind,
            state: a.state.unwrap_or(false),
            destination: optional(a.destination, "destination")?,
        })
    };
    Ok(match command {
        "dial" => {
            let a: DialArgs = args(fields)?;
            W::Dial {
                destination: required(a.destination, "destination")?,
                variables: variables(a.variables)?,
            }
        }
        "answer" => W::Answer {
            unique_id: optional(args::<CallArgs>(fields)?.unique_id, "uniqueId")?,
        },
        "hangup" => W::Hangup {
            unique_id: optional(args::<CallArgs>(fields)?.unique_id, "uniqueId")?,
        },
        "hold" => W::Hold {
            unique_id: optional(args::<CallArgs>(fields)?.unique_id, "uniqueId")?,
        },
        "directTransfer" => W::DirectTransfer {
            destination: required(args::<TransferArgs>(fields)?.destination, "destination")?,
        },
        "attendedTransfer" => W::AttendedTransfer {
            destination: required(args::<TransferArgs>(fields)?.destination, "destination")?,
        },
        "completeTransfer" => W::CompleteTransfer,
        "cancelTransfer" => W::CancelTransfer,
        "dnd" => W::Dnd {
            state: args::<StateArgs>(fields)?.state.unwrap_or(false),
        },
        "naFwd" => forward(ForwardKind::NoAnswer)?,
        "uncFwd" => forward(ForwardKind::Unconditional)?,
        "busyFwd" => forward(ForwardKind::Busy)?,
        "userStatusUpdate" => W::UserStatus {
            status: required(args::<StatusArgs>(fields)?.status, "status")?,
        },
        "getCurrentCallsPhoneEvents" => W::CurrentCalls,
        "agentLogin" => {
            let a: AgentArgs = args(fields)?;
            W::AgentLogin {
                agent: a.agentid.map(|i| i.0),
                phone: phone_number(a.agentphonenumber)?,
            }
        }
        "agentLogout" => W::AgentLogout {
            agent: args::<AgentArgs>(fields)?.agentid.map(|i| i.0),
        },
        "pauseAgent" => {
            let a: AgentArgs = args(fields)?;
            W::PauseAgent {
                agent: a.agentid.map(|i| i.0),
                reason: optional(a.reason, "reason")?,
            }
        }
        "unpauseAgent" => W::UnpauseAgent {
            agent: args::<AgentArgs>(fields)?.agentid.map(|i| i.0),
        },
        "getAgentStates" => W::GetAgentStates,
        "subscribeToAgentEvents" => W::SubscribeToAgentEvents,
        "subscribeToQueueStats" => W::SubscribeToQueueStats,
        "getList" => W::GetList {
            object: list_kind(args::<ObjectArgs>(fields)?.object_type)?,
        },
        "getConfig" => match args::<ObjectArgs>(fields)?.object_type.as_deref() {
            Some("line") | None => W::GetLineConfig,
            Some(other) => {
                return Err(InputError::new(
                    None,
                    "InvalidArgument",
                    format!("unknown objectType {}", echo(other)),
                ));
            }
        },
        "getAgentDirectory" => W::GetAgentDirectory,
        "getUserCallHistory" => W::CallHistory {
            of: HistoryOf::UserLast(args::<HistoryArgs>(fields)?.size.map(|n| n.0)),
        },
        "getAgentCallHistory" => W::CallHistory {
            of: HistoryOf::AgentLast(args::<HistoryArgs>(fields)?.size.map(|n| n.0)),
        },
        "getUserCallHistoryByDays" => W::CallHistory {
            of: HistoryOf::UserDays(args::<HistoryArgs>(fields)?.days.map(|n| n.0)),
        },
        "getQueueStatistics" => {
            let a: QueueArgs = args(fields)?;
            W::GetQueueStatistics {
                queue: required_id(a.queue_id, "queueId")?,
                window: a.window.map(|w| w.0),
                xqos: a.xqos.map(|w| w.0),
            }
        }
        "subscribeToQueueCalls" => W::SubscribeToQueueCalls {
            queue: required_id(args::<QueueArgs>(fields)?.queue_id, "queueId")?,
        },
        "unSubscribeToQueueCalls" => W::UnsubscribeToQueueCalls {
            queue: required_id(args::<QueueArgs>(fields)?.queue_id, "queueId")?,
        },
        "subscribeToPhoneHints" => W::SubscribeToPhoneHints {
            numbers: phone_numbers(args::<HintArgs>(fields)?.phone_numbers)?,
        },
        "unsubscribeFromAllPhoneHints" => W::UnsubscribeFromAllPhoneHints,
        "dialFromMobile" => {
            let a: DialArgs = args(fields)?;
            W::DialFromMobile {
                destination: required(a.destination, "destination")?,
                variables: variables(a.variables)?,
            }
        }
        "dialByUsername" => {
            let a: UsernameArgs = args(fields)?;
            W::DialByUsername {
                username: required(a.username, "username")?,
                variables: variables(a.variables)?,
            }
        }
        "originate" => W::Originate {
            destination: required(args::<DialArgs>(fields)?.destination, "destination")?,
        },
        "conference" => W::Conference,
        "setData" => {
            let a: DialArgs = args(fields)?;
            if a.variables.as_ref().is_none_or(BTreeMap::is_empty) {
                return Err(InputError::new(
                    None,
                    "InvalidArgument",
                    "missing variables",
                ));
            }
            W::SetData {
                variables: variables(a.variables)?,
            }
        }
        "sendDtmf" => W::SendDtmf {
            key: dtmf_key(args::<DtmfArgs>(fields)?.key)?,
        },
        "listenAgent" => W::ListenAgent {
            agent: args::<AgentArgs>(fields)?.agentid.map(|i| i.0),
        },
        name @ ("conferenceMuteMe"
        | "conferenceUnmuteMe"
        | "conferenceMuteAll"
        | "conferenceUnmuteAll"
        | "conferenceMute"
        | "conferenceUnmute"
        | "conferenceKick") => {
            use ConferenceAction as A;
            let action = match name {
                "conferenceMuteMe" => A::MuteMe,
                "conferenceUnmuteMe" => A::UnmuteMe,
                "conferenceMuteAll" => A::MuteAll,
                "conferenceUnmuteAll" => A::UnmuteAll,
                "conferenceMute" => A::Mute,
                "conferenceKick" => A::Kick,
                _ => A::Unmute,
            };
            let a: ConferenceArgs = args(fields)?;
            let index = a.index.map(|i| i.0);
            if matches!(action, A::Mute | A::Unmute | A::Kick) && index.is_none() {
                return Err(InputError::new(None, "InvalidArgument", "missing index"));
            }
            W::ConferenceCommand {
                action,
                room: room_number(a.num_conf)?,
                index,
            }
        }
        "setAgentQueue" => {
            let a: MembershipArgs = args(fields)?;
            W::SetAgentQueue {
                agent: a.agent_id.map(|i| i.0),
                queue: required_id(a.queue_id, "queueId")?,
                penalty: a.penalty.map_or(0, |p| p.0),
            }
        }
        "removeAgentFromQueue" => {
            let a: MembershipArgs = args(fields)?;
            W::RemoveAgentFromQueue {
                agent: a.agent_id.map(|i| i.0),
                queue: required_id(a.queue_id, "queueId")?,
            }
        }
        other if NOT_IMPLEMENTED.contains(&other) => {
            return Err(InputError::new(None, "NotImplemented", "not implemented"));
        }
        other => {
            return Err(InputError::new(
                None,
                "UnknownCommand",
                format!("unknown command {}", echo(other)),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Request, InputError> {
        parse(s.as_bytes())
    }

    #[test]
    fn what_cti_js_sends() {
        assert_eq!(p(r#"{"claz":"ping"}"#), Ok(Request::Ping));
        assert_eq!(
            p(r#"{"claz":"web","command":"dial","destination":"1002"}"#),
            Ok(Request::Web(WebCommand::Dial {
                destination: "1002".into(),
                variables: vec![]
            }))
        );
        assert_eq!(
            p(
                r#"{"claz":"web","command":"dial","destination":"1002","variables":{"a":"b","n":3}}"#
            ),
            Ok(Request::Web(WebCommand::Dial {
                destination: "1002".into(),
                variables: vec![("a".into(), "b".into()), ("n".into(), "3".into())]
            }))
        );
        assert_eq!(
            p(r#"{"claz":"web","command":"agentLogin","agentphonenumber":"1001"}"#),
            Ok(Request::Web(WebCommand::AgentLogin {
                agent: None,
                phone: Some("1001".into())
            }))
        );
        assert_eq!(
            p(r#"{"claz":"web","command":"pauseAgent","agentid":"7","reason":null}"#),
            Ok(Request::Web(WebCommand::PauseAgent {
                agent: Some(7),
                reason: None
            }))
        );
        assert_eq!(
            p(r#"{"claz":"web","command":"naFwd","destination":"1003","state":true}"#),
            Ok(Request::Web(WebCommand::Forward {
                kind: ForwardKind::NoAnswer,
                state: true,
                destination: Some("1003".into())
            }))
        );
        assert_eq!(
            p(r#"{"claz":"web","command":"dnd"}"#),
            Ok(Request::Web(WebCommand::Dnd { state: false }))
        );
    }

    #[test]
    fn errors_name_the_command_and_the_fault() {
        let e = p("nope").unwrap_err();
        assert_eq!((e.error, e.command), ("InvalidJson", None));
        assert_eq!(p("[1]").unwrap_err().error, "InvalidMessage");
        assert_eq!(p("null").unwrap_err().error, "InvalidMessage");
        assert_eq!(
            p(r#"{"command":"dial"}"#).unwrap_err().error,
            "InvalidMessage"
        );
        let e = p(r#"{"claz":"web","command":"fly"}"#).unwrap_err();
        assert_eq!(
            (e.error, e.command.as_deref()),
            ("UnknownCommand", Some("fly"))
        );
        let e = p(r#"{"claz":"web","command":"getIceConfig"}"#).unwrap_err();
        assert_eq!(
            (e.error, e.message.as_str()),
            ("NotImplemented", "not implemented")
        );
        let e = p(r#"{"claz":"web","command":"dnd","state":"yes"}"#).unwrap_err();
        assert_eq!(
            (e.error, e.command.as_deref()),
            ("InvalidArgument", Some("dnd"))
        );
        let e = p(r#"{"claz":"web","command":"dial"}"#).unwrap_err();
        assert_eq!(e.message, "missing destination");
        let e = p(&format!(
            r#"{{"claz":"web","command":"{}"}}"#,
            "x".repeat(500)
        ))
        .unwrap_err();
        assert!(e.command.unwrap().len() < 80 && e.message.len() < 100);
    }
}
