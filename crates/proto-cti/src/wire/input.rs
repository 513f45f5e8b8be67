//! Messages from clients: one serde type per class (and per `command`/`function`/`message` where
//! a class has several forms), and the parser that turns a line into a [`Request`] or a
//! [`ParseError`] naming the problem (`invalid_json`, `missing_field:destination`,
//! `unknown_class:foo`...).
//!
//! Parsing is two-step: a cheap `Head` read finds `class` (and `commandid`), then the class's
//! own type is read from the same text with `serde_path_to_error`, so that a missing or ill-typed
//! field is reported by name.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::lenient::{CommandId, Flag, Id, Num, OneOrMany};

/// A parsed client message.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// The `class` as sent.
    pub class: String,
    /// The `commandid`, if any (echoed as `replyid` by a few replies).
    pub commandid: Option<CommandId>,
    /// The message.
    pub request: Request,
}

/// Why a line is not a message ctid can run; `class` is the class when it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The message's class, when known.
    pub class: Option<String>,
    /// The `error_string` to reply with.
    pub error: String,
    /// The `commandid`, when it could be read.
    pub commandid: Option<i64>,
}

impl ParseError {
    fn new(class: Option<&str>, error: impl Into<String>) -> Self {
        ParseError {
            class: class.map(str::to_owned),
            error: error.into(),
            commandid: None,
        }
    }
}

/// Every message ctid understands.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `starttls` (answer to the server's offer).
    StartTls(StartTls),
    /// `login_id` (first login step).
    LoginId(LoginId),
    /// `login_pass` (second login step).
    LoginPass(LoginPass),
    /// `login_capas` (third login step).
    LoginCapas(LoginCapas),
    /// `logout`.
    Logout,
    /// `keepalive`.
    Keepalive,
    /// `getipbxlist`.
    GetIpbxList,
    /// `getlist` (`listid`, `updateconfig`, `updatestatus`).
    GetList(GetList),
    /// `availstate` (presence change).
    AvailState(AvailState),
    /// `featuresput` (services).
    FeaturesPut(FeaturesPut),
    /// `ipbxcommand` (dial, agents, queues, listen, conference).
    Ipbx(IpbxCommand),
    /// `hangup`.
    Hangup(Hangup),
    /// `attended_transfer`.
    AttendedTransfer(Transfer),
    /// `direct_transfer`.
    DirectTransfer(Transfer),
    /// `complete_transfer`.
    CompleteTransfer,
    /// `cancel_transfer`.
    CancelTransfer,
    /// `blind_transfer_voicemail`.
    BlindTransferVoicemail(VoicemailTransfer),
    /// `attended_transfer_voicemail`.
    AttendedTransferVoicemail(VoicemailTransfer),
    /// `answer` (switchboard).
    Answer(CallRef),
    /// `hold_switchboard`.
    HoldSwitchboard(HoldSwitchboard),
    /// `resume_switchboard`.
    ResumeSwitchboard(CallRef),
    /// `subscribe` (`current_calls`, `meetme_update`, `queueentryupdate`).
    Subscribe(Subscribe),
    /// `subscribetoqueuesstats`.
    SubscribeToQueuesStats,
    /// `getqueuesstats` with `on`.
    GetQueuesStats(GetQueuesStats),
    /// `history`.
    History(History),
    /// `get_relations`.
    GetRelations,
    /// `register_*_status_update` / `unregister_*_status_update`.
    StatusUpdates(StatusUpdates),
    /// `chitchat`.
    Chitchat(Chitchat),
    /// `call_form_result`.
    CallFormResult(CallFormResult),
    /// `faxsend`.
    FaxSend(FaxSend),
    /// A class of the protocol that ctid does not serve yet (people, directory...).
    NotImplemented,
}

/// `{"class":"starttls","status":true}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StartTls {
    /// Whether the client wants TLS.
    #[serde(default)]
    pub status: Option<Flag>,
}

/// `login_id`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginId {
    /// Login name (a number is taken as text).
    pub userlogin: Id,
    /// Company (ignored).
    #[serde(default)]
    pub company: Option<String>,
    /// Client identity (ignored).
    #[serde(default)]
    pub ident: Option<String>,
    /// Protocol version (Wazo clients, "2.3").
    #[serde(default)]
    pub wazoversion: Option<Id>,
    /// Protocol version (XiVO clients, "2.2").
    #[serde(default)]
    pub xivoversion: Option<Id>,
}

/// `login_pass`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginPass {
    /// The password, in clear (a number is taken as text).
    pub password: Id,
}

/// `login_capas`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginCapas {
    /// The profile id from `capalist`.
    pub capaid: Num,
    /// Requested presence.
    #[serde(default)]
    pub state: Option<String>,
}

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
    function: String,
    listname: String,
    #[serde(default)]
    tid: Option<Id>,
}

/// `availstate`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AvailState {
    /// The new presence.
    pub availstate: String,
}

/// `featuresput`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturesPut {
    /// Whose services (`target`, default the requester).
    pub target: Option<Id>,
    /// The change.
    pub feature: Feature,
}

/// One `featuresput` function.
#[derive(Debug, Clone, PartialEq)]
pub enum Feature {
    /// `enablednd`.
    Dnd(bool),
    /// `incallfilter`.
    IncallFilter(bool),
    /// `enablerecording`.
    Recording(bool),
    /// `enablevoicemail`.
    Voicemail(bool),
    /// `fwd`.
    Forward(ForwardValue),
}

/// The `value` of a `fwd` featuresput.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ForwardValue {
    /// Unconditional forward on/off.
    pub enableunc: Option<Flag>,
    /// Unconditional forward destination.
    pub destunc: Option<Id>,
    /// No-answer forward on/off.
    pub enablerna: Option<Flag>,
    /// No-answer forward destination.
    pub destrna: Option<Id>,
    /// Busy forward on/off.
    pub enablebusy: Option<Flag>,
    /// Busy forward destination.
    pub destbusy: Option<Id>,
}

#[derive(Deserialize)]
struct FeatureFlag {
    value: Flag,
    #[serde(default)]
    target: Option<Id>,
}

#[derive(Deserialize)]
struct FeatureFwd {
    value: ForwardValue,
    #[serde(default)]
    target: Option<Id>,
}

/// `ipbxcommand`.
#[derive(Debug, Clone, PartialEq)]
pub enum IpbxCommand {
    /// `dial`.
    Dial {
        /// Where to.
        destination: String,
    },
    /// `agentlogin`.
    AgentLogin {
        /// `agent:special:me`, `agent:xivo/<id>` or absent.
        agentids: Option<String>,
        /// The extension to log on.
        agentphonenumber: Option<String>,
    },
    /// `agentlogout`.
    AgentLogout {
        /// `agent:special:me`, `agent:xivo/<id>` or absent.
        agentids: Option<String>,
    },
    /// `queuepause` / `queueunpause`.
    QueuePause {
        /// `agent:xivo/<id>` (absent: own agent).
        member: Option<String>,
        /// `queue:xivo/<id>` or `queue:xivo/all` (absent: all).
        queue: Option<String>,
        /// Pause or unpause.
        paused: bool,
    },
    /// `queueadd`.
    QueueAdd {
        /// `agent:xivo/<id>`.
        member: String,
        /// `queue:xivo/<id>`.
        queue: String,
        /// Penalty.
        penalty: u32,
    },
    /// `queueremove`.
    QueueRemove {
        /// `agent:xivo/<id>`.
        member: String,
        /// `queue:xivo/<id>`.
        queue: String,
    },
    /// `listen`.
    Listen {
        /// The agent (`xivo/<id>` or `agent:xivo/<id>`).
        destination: String,
    },
    /// `meetme` with `MeetmeMute` / `MeetmeUnmute`.
    Meetme {
        /// Mute or unmute.
        mute: bool,
        /// Room number (or id).
        room: String,
        /// The member's join order.
        member: String,
    },
}

#[derive(Deserialize)]
struct DialRaw {
    destination: Id,
}

#[derive(Deserialize)]
struct AgentRaw {
    #[serde(default)]
    agentids: Option<OneOrMany<Id>>,
    #[serde(default)]
    agentphonenumber: Option<Id>,
}

#[derive(Deserialize)]
struct PauseRaw {
    #[serde(default)]
    member: Option<String>,
    #[serde(default)]
    queue: Option<String>,
}

#[derive(Deserialize)]
struct QueueMemberRaw {
    member: String,
    queue: String,
    #[serde(default)]
    penalty: Option<Num>,
}

#[derive(Deserialize)]
struct ListenRaw {
    destination: Id,
}

#[derive(Deserialize)]
struct MeetmeRaw {
    function: String,
    functionargs: Vec<Id>,
}

/// `hangup`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Hangup {
    /// Which call (default: the current one).
    #[serde(default)]
    pub unique_id: Option<String>,
}

/// `attended_transfer` / `direct_transfer`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Transfer {
    /// Where to.
    pub number: Id,
}

/// `blind_transfer_voicemail` / `attended_transfer_voicemail`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VoicemailTransfer {
    /// The mailbox number.
    pub voicemail: Id,
}

/// A call named by `unique_id` (or the protocol document's `uniqueid`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallRef {
    /// What xivo-ctid and the Qt client use.
    #[serde(default)]
    pub unique_id: Option<String>,
    /// What the protocol document shows.
    #[serde(default)]
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
    #[serde(default)]
    pub queue_name: Option<String>,
}

/// `subscribe`.
#[derive(Debug, Clone, PartialEq)]
pub enum Subscribe {
    /// `current_calls` of the own line.
    CurrentCalls,
    /// `meetme_update`.
    MeetmeUpdate,
    /// `queueentryupdate` of one queue.
    QueueEntryUpdate(Id),
}

#[derive(Deserialize)]
struct QueueEntryRaw {
    queueid: Id,
}

/// `getqueuesstats`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GetQueuesStats {
    /// Queue id → parameters.
    #[serde(default)]
    pub on: BTreeMap<String, QueueStatsParams>,
}

/// Parameters of `getqueuesstats`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QueueStatsParams {
    /// QoS threshold in seconds (default 60).
    #[serde(default)]
    pub xqos: Option<Num>,
    /// Window in seconds (default 3600).
    #[serde(default)]
    pub window: Option<Num>,
}

/// `history`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct History {
    /// How many calls (default 8).
    #[serde(default)]
    pub size: Option<Num>,
}

/// Which `register_*_status_update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// Users (`user_ids`, uuid or id).
    User,
    /// Agents (`agent_ids`).
    Agent,
    /// Endpoints (`endpoint_ids`, line ids).
    Endpoint,
}

/// `register_*_status_update` / `unregister_*_status_update`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdates {
    /// Which kind.
    pub kind: StatusKind,
    /// Register or unregister.
    pub register: bool,
    /// `[xivo_uuid, id]` pairs.
    pub ids: Vec<(String, Id)>,
}

#[derive(Deserialize)]
struct UserIdsRaw {
    user_ids: Vec<(String, Id)>,
}
#[derive(Deserialize)]
struct AgentIdsRaw {
    agent_ids: Vec<(String, Id)>,
}
#[derive(Deserialize)]
struct EndpointIdsRaw {
    endpoint_ids: Vec<(String, Id)>,
}

/// `chitchat`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Chitchat {
    /// `[xivo_uuid, user_uuid]`.
    pub to: (String, String),
    /// The display name the client proposes (not passed on: recipients see the sender's
    /// configured full name).
    pub alias: String,
    /// The message.
    pub text: String,
}

/// `call_form_result`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallFormResult {
    /// The form.
    pub infos: CallFormInfos,
}

/// The `infos` of a call form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallFormInfos {
    /// `XIVOFORM_x` → value.
    #[serde(default)]
    pub variables: BTreeMap<String, Id>,
}

/// `faxsend`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FaxSend {
    /// The number to fax.
    pub destination: Id,
    /// Size of the document in bytes.
    pub size: Num,
    /// The document, base64.
    pub data: String,
    /// File name (informative).
    #[serde(default)]
    pub filename: Option<String>,
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow, default)]
    class: Option<Cow<'a, str>>,
    #[serde(default)]
    commandid: Option<CommandId>,
}

#[derive(Deserialize)]
struct SubHead<'a> {
    #[serde(borrow, default)]
    command: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    function: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

/// Classes of the protocol that ctid knows but does not serve yet.
const NOT_IMPLEMENTED: &[&str] = &[
    "people_headers",
    "people_search",
    "people_favorites",
    "people_set_favorite",
    "people_personal_contacts",
    "people_purge_personal_contacts",
    "people_personal_contact_raw",
    "people_create_personal_contact",
    "people_delete_personal_contact",
    "people_edit_personal_contact",
    "people_import_personal_contacts_csv",
    "people_export_personal_contacts_csv",
    "directory",
    "get_switchboard_directory_headers",
    "switchboard_directory_search",
    "parking",
];

fn field_error(class: &str, err: serde_path_to_error::Error<serde_json::Error>) -> ParseError {
    let path = err.path().to_string();
    let inner = err.into_inner();
    let msg = inner.to_string();
    let prefix = if path == "." || path.is_empty() {
        String::new()
    } else {
        format!("{path}.")
    };
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return ParseError::new(Some(class), format!("missing_field:{prefix}{name}"));
    }
    if path == "." || path.is_empty() {
        return ParseError::new(Some(class), "invalid_message");
    }
    ParseError::new(Some(class), format!("invalid_field:{path}"))
}

fn read<T: DeserializeOwned>(class: &str, text: &str) -> Result<T, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| field_error(class, e))
}

/// Parses one line into a message.
pub fn parse(line: &[u8]) -> Result<Incoming, ParseError> {
    let text = std::str::from_utf8(line).map_err(|_| ParseError::new(None, "invalid_utf8"))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ParseError::new(None, "empty_line"));
    }
    if !trimmed.starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => ParseError::new(None, "not_an_object"),
            Err(_) => ParseError::new(None, "invalid_json"),
        });
    }
    let head: Head<'_> = match serde_json::from_str(text) {
        Ok(h) => h,
        Err(e) if e.is_data() => {
            return Err(ParseError::new(None, "invalid_field:class"));
        }
        Err(_) => return Err(ParseError::new(None, "invalid_json")),
    };
    let commandid = head.commandid;
    let Some(class) = head.class else {
        return Err(ParseError {
            commandid: commandid_int(&commandid),
            ..ParseError::new(None, "missing_field:class")
        });
    };
    let class: &str = &class;
    match parse_class(class, text) {
        Ok(request) => Ok(Incoming {
            class: class.to_owned(),
            commandid,
            request,
        }),
        Err(mut e) => {
            e.commandid = commandid_int(&commandid);
            Err(e)
        }
    }
}

fn commandid_int(c: &Option<CommandId>) -> Option<i64> {
    match c {
        Some(CommandId::Int(i)) => Some(*i),
        _ => None,
    }
}

fn sub<'a>(class: &str, text: &'a str) -> Result<SubHead<'a>, ParseError> {
    serde_json::from_str(text).map_err(|_| ParseError::new(Some(class), "invalid_message"))
}

fn required<'a>(
    class: &str,
    name: &str,
    v: &'a Option<Cow<'a, str>>,
) -> Result<&'a str, ParseError> {
    v.as_deref()
        .ok_or_else(|| ParseError::new(Some(class), format!("missing_field:{name}")))
}

fn parse_class(class: &str, text: &str) -> Result<Request, ParseError> {
    Ok(match class {
        "starttls" => Request::StartTls(read(class, text)?),
        "login_id" => Request::LoginId(read(class, text)?),
        "login_pass" => Request::LoginPass(read(class, text)?),
        "login_capas" => Request::LoginCapas(read(class, text)?),
        "logout" => Request::Logout,
        "keepalive" => Request::Keepalive,
        "getipbxlist" => Request::GetIpbxList,
        "getlist" => Request::GetList(parse_getlist(class, text)?),
        "availstate" => Request::AvailState(read(class, text)?),
        "featuresput" => Request::FeaturesPut(parse_featuresput(class, text)?),
        "ipbxcommand" => Request::Ipbx(parse_ipbx(class, text)?),
        "hangup" => Request::Hangup(read(class, text)?),
        "attended_transfer" => Request::AttendedTransfer(read(class, text)?),
        "direct_transfer" => Request::DirectTransfer(read(class, text)?),
        "complete_transfer" => Request::CompleteTransfer,
        "cancel_transfer" => Request::CancelTransfer,
        "blind_transfer_voicemail" => Request::BlindTransferVoicemail(read(class, text)?),
        "attended_transfer_voicemail" => Request::AttendedTransferVoicemail(read(class, text)?),
        "answer" => Request::Answer(read(class, text)?),
        "hold_switchboard" => Request::HoldSwitchboard(read(class, text)?),
        "resume_switchboard" => Request::ResumeSwitchboard(read(class, text)?),
        "subscribe" => Request::Subscribe(parse_subscribe(class, text)?),
        "subscribetoqueuesstats" => Request::SubscribeToQueuesStats,
        "getqueuesstats" => Request::GetQueuesStats(read(class, text)?),
        "history" => Request::History(read(class, text)?),
        "get_relations" => Request::GetRelations,
        "register_user_status_update" | "unregister_user_status_update" => {
            let raw: UserIdsRaw = read(class, text)?;
            Request::StatusUpdates(StatusUpdates {
                kind: StatusKind::User,
                register: class.starts_with("register"),
                ids: raw.user_ids,
            })
        }
        "register_agent_status_update" | "unregister_agent_status_update" => {
            let raw: AgentIdsRaw = read(class, text)?;
            Request::StatusUpdates(StatusUpdates {
                kind: StatusKind::Agent,
                register: class.starts_with("register"),
                ids: raw.agent_ids,
            })
        }
        "register_endpoint_status_update" | "unregister_endpoint_status_update" => {
            let raw: EndpointIdsRaw = read(class, text)?;
            Request::StatusUpdates(StatusUpdates {
                kind: StatusKind::Endpoint,
                register: class.starts_with("register"),
                ids: raw.endpoint_ids,
            })
        }
        "chitchat" => Request::Chitchat(read(class, text)?),
        "call_form_result" => Request::CallFormResult(read(class, text)?),
        "faxsend" => Request::FaxSend(read(class, text)?),
        c if NOT_IMPLEMENTED.contains(&c) => Request::NotImplemented,
        other => {
            return Err(ParseError::new(
                Some(other),
                format!("unknown_class:{}", truncate(other, 64)),
            ));
        }
    })
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn parse_getlist(class: &str, text: &str) -> Result<GetList, ParseError> {
    let raw: GetListRaw = read(class, text)?;
    let list = ListName::parse(&raw.listname).ok_or_else(|| {
        ParseError::new(
            Some(class),
            format!("unknown_list:{}", truncate(&raw.listname, 64)),
        )
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
                format!("unknown_function:{}", truncate(other, 64)),
            ));
        }
    };
    Ok(GetList { list, function })
}

fn parse_featuresput(class: &str, text: &str) -> Result<FeaturesPut, ParseError> {
    let head = sub(class, text)?;
    let function = required(class, "function", &head.function)?;
    let flag = |f: fn(bool) -> Feature| -> Result<FeaturesPut, ParseError> {
        let raw: FeatureFlag = read(class, text)?;
        Ok(FeaturesPut {
            target: raw.target,
            feature: f(raw.value.0),
        })
    };
    match function {
        "enablednd" => flag(Feature::Dnd),
        "incallfilter" => flag(Feature::IncallFilter),
        "enablerecording" => flag(Feature::Recording),
        "enablevoicemail" => flag(Feature::Voicemail),
        "fwd" => {
            let raw: FeatureFwd = read(class, text)?;
            Ok(FeaturesPut {
                target: raw.target,
                feature: Feature::Forward(raw.value),
            })
        }
        other => Err(ParseError::new(
            Some(class),
            format!("unknown_function:{}", truncate(other, 64)),
        )),
    }
}

fn parse_ipbx(class: &str, text: &str) -> Result<IpbxCommand, ParseError> {
    let head = sub(class, text)?;
    let command = required(class, "command", &head.command)?;
    Ok(match command {
        "dial" => {
            let raw: DialRaw = read(class, text)?;
            IpbxCommand::Dial {
                destination: raw.destination.0,
            }
        }
        "agentlogin" => {
            let raw: AgentRaw = read(class, text)?;
            IpbxCommand::AgentLogin {
                agentids: raw.agentids.and_then(OneOrMany::first).map(|i| i.0),
                agentphonenumber: raw.agentphonenumber.map(|i| i.0),
            }
        }
        "agentlogout" => {
            let raw: AgentRaw = read(class, text)?;
            IpbxCommand::AgentLogout {
                agentids: raw.agentids.and_then(OneOrMany::first).map(|i| i.0),
            }
        }
        "queuepause" | "queueunpause" => {
            let raw: PauseRaw = read(class, text)?;
            IpbxCommand::QueuePause {
                member: raw.member,
                queue: raw.queue,
                paused: command == "queuepause",
            }
        }
        "queueadd" => {
            let raw: QueueMemberRaw = read(class, text)?;
            IpbxCommand::QueueAdd {
                member: raw.member,
                queue: raw.queue,
                penalty: raw
                    .penalty
                    .map_or(0, |p| u32::try_from(p.0).unwrap_or(u32::MAX)),
            }
        }
        "queueremove" => {
            let raw: QueueMemberRaw = read(class, text)?;
            IpbxCommand::QueueRemove {
                member: raw.member,
                queue: raw.queue,
            }
        }
        "listen" => {
            let raw: ListenRaw = read(class, text)?;
            IpbxCommand::Listen {
                destination: raw.destination.0,
            }
        }
        "meetme" => {
            let raw: MeetmeRaw = read(class, text)?;
            let mute = match raw.function.as_str() {
                "MeetmeMute" => true,
                "MeetmeUnmute" => false,
                other => {
                    return Err(ParseError::new(
                        Some(class),
                        format!("unknown_function:{}", truncate(other, 64)),
                    ));
                }
            };
            let mut args = raw.functionargs.into_iter();
            let (Some(room), Some(member)) = (args.next(), args.next()) else {
                return Err(ParseError::new(Some(class), "invalid_field:functionargs"));
            };
            IpbxCommand::Meetme {
                mute,
                room: room.0,
                member: member.0,
            }
        }
        other => {
            return Err(ParseError::new(
                Some(class),
                format!("unknown_command:{}", truncate(other, 64)),
            ));
        }
    })
}

fn parse_subscribe(class: &str, text: &str) -> Result<Subscribe, ParseError> {
    let head = sub(class, text)?;
    let message = required(class, "message", &head.message)?;
    Ok(match message {
        "current_calls" => Subscribe::CurrentCalls,
        "meetme_update" => Subscribe::MeetmeUpdate,
        "queueentryupdate" => {
            let raw: QueueEntryRaw = read(class, text)?;
            Subscribe::QueueEntryUpdate(raw.queueid)
        }
        other => {
            return Err(ParseError::new(
                Some(class),
                format!("unknown_message:{}", truncate(other, 64)),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: &str) -> (Option<String>, String) {
        let e = parse(line.as_bytes()).unwrap_err();
        (e.class, e.error)
    }

    fn ok(line: &str) -> Request {
        parse(line.as_bytes()).unwrap().request
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(err(""), (None, "empty_line".into()));
        assert_eq!(err("   "), (None, "empty_line".into()));
        assert_eq!(err("{"), (None, "invalid_json".into()));
        assert_eq!(err("{\"class\":1}"), (None, "invalid_field:class".into()));
        assert_eq!(err("[1,2]"), (None, "not_an_object".into()));
        assert_eq!(err("\"x\""), (None, "not_an_object".into()));
        assert_eq!(err("nope"), (None, "invalid_json".into()));
        assert_eq!(err("{}"), (None, "missing_field:class".into()));
        assert_eq!(err("{\"a\":1} x"), (None, "invalid_json".into()));
        assert_eq!(
            parse(b"\xff\xfe").unwrap_err().error,
            "invalid_utf8".to_owned()
        );
        assert_eq!(
            err(r#"{"class":"foo"}"#),
            (Some("foo".into()), "unknown_class:foo".into())
        );
        assert_eq!(
            err(r#"{"class":"ipbxcommand"}"#),
            (Some("ipbxcommand".into()), "missing_field:command".into())
        );
        assert_eq!(
            err(r#"{"class":"ipbxcommand","command":"dial"}"#).1,
            "missing_field:destination"
        );
        assert_eq!(
            err(r#"{"class":"ipbxcommand","command":"dial","destination":[1]}"#).1,
            "invalid_field:destination"
        );
        assert_eq!(
            err(r#"{"class":"ipbxcommand","command":"fly"}"#).1,
            "unknown_command:fly"
        );
        assert_eq!(
            err(r#"{"class":"getlist","function":"listid","listname":"cars"}"#).1,
            "unknown_list:cars"
        );
        assert_eq!(
            err(r#"{"class":"getlist","function":"updateconfig","listname":"users"}"#).1,
            "missing_field:tid"
        );
        assert_eq!(
            err(r#"{"class":"featuresput","function":"fwd","value":{"destunc":[]}}"#).1,
            "invalid_field:value.destunc"
        );
        assert_eq!(
            err(r#"{"class":"login_capas","capaid":"x"}"#).1,
            "invalid_field:capaid"
        );
        assert_eq!(
            err(r#"{"class":"history","size":true}"#).1,
            "invalid_field:size"
        );
        assert_eq!(
            err(r#"{"class":"chitchat","to":"x","alias":"a","text":"t"}"#).1,
            "invalid_field:to"
        );
        assert_eq!(
            err(r#"{"class":"faxsend","size":1}"#).1,
            "missing_field:destination"
        );
    }

    #[test]
    fn lenient_forms_of_real_clients() {
        let r = parse(br#"{"class":"login_capas","capaid":"2","state":"available","commandid":5}"#)
            .unwrap();
        assert_eq!(r.commandid, Some(CommandId::Int(5)));
        assert_eq!(
            r.request,
            Request::LoginCapas(LoginCapas {
                capaid: Num(2),
                state: Some("available".into())
            })
        );
        assert_eq!(
            ok(r#"{"class":"history","size":"8","xuserid":"xivo/1"}"#),
            Request::History(History { size: Some(Num(8)) })
        );
        assert_eq!(
            ok(r#"{"class":"getlist","function":"updatestatus","listname":"phones","tid":3}"#),
            Request::GetList(GetList {
                list: ListName::Phones,
                function: GetListFunction::UpdateStatus(Id("3".into()))
            })
        );
        match ok(r#"{"class":"answer","uniqueid":"123.4"}"#) {
            Request::Answer(c) => assert_eq!(c.id(), Some("123.4")),
            other => panic!("{other:?}"),
        }
        match ok(r#"{"class":"answer","unique_id":"123.5"}"#) {
            Request::Answer(c) => assert_eq!(c.id(), Some("123.5")),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            ok(r#"{"class":"featuresput","function":"enablednd","value":"true"}"#),
            Request::FeaturesPut(FeaturesPut {
                target: None,
                feature: Feature::Dnd(true)
            })
        );
        assert_eq!(
            ok(r#"{"class":"ipbxcommand","command":"dial","destination":1002}"#),
            Request::Ipbx(IpbxCommand::Dial {
                destination: "1002".into()
            })
        );
        assert_eq!(
            ok(
                r#"{"class":"ipbxcommand","command":"meetme","function":"MeetmeMute","functionargs":["4000","2"]}"#
            ),
            Request::Ipbx(IpbxCommand::Meetme {
                mute: true,
                room: "4000".into(),
                member: "2".into()
            })
        );
        assert_eq!(ok(r#"{"class":"people_headers"}"#), Request::NotImplemented);
        match ok(r#"{"class":"register_user_status_update","user_ids":[["u",1],["u","abc"]]}"#) {
            Request::StatusUpdates(s) => {
                assert_eq!(
                    s.ids,
                    vec![("u".into(), Id("1".into())), ("u".into(), Id("abc".into()))]
                );
                assert!(s.register);
            }
            other => panic!("{other:?}"),
        }
    }
}
