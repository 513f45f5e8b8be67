//! Messages to clients: one serde type per message shape, with the exact key names xivo-ctid
//! sends (`spec/notes/cti-server-behaviour.md` §1–§3). `timenow` is added by
//! [`super::encode::encode`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::lenient::CommandId;

/// The ipbx id every object lives on.
pub const IPBXID: &str = "xivo";

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

/// `{"class":"starttls","starttls":<bool>}`.
#[derive(Debug, Serialize)]
pub struct StartTlsReply {
    /// Always `starttls`.
    pub class: &'static str,
    /// Whether the server upgrades now.
    pub starttls: bool,
}

/// `login_id` success.
#[derive(Debug, Serialize)]
pub struct LoginIdReply<'a> {
    /// Always `login_id`.
    pub class: &'static str,
    /// Ten random alphanumerics.
    pub sessionid: &'a str,
    /// Present when the client sent `wazoversion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wazoversion: Option<&'a str>,
    /// Present when the client sent `xivoversion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xivoversion: Option<&'a str>,
}

/// `login_pass` success.
#[derive(Debug, Serialize)]
pub struct LoginPassReply {
    /// Always `login_pass`.
    pub class: &'static str,
    /// The user's profile id.
    pub capalist: [u32; 1],
}

/// `login_capas` success.
#[derive(Debug, Serialize)]
pub struct LoginCapasReply<'a> {
    /// Always `login_capas`.
    pub class: &'static str,
    /// The user id, as a string.
    pub userid: String,
    /// Always `xivo`.
    pub ipbxid: &'static str,
    /// Profile's application name.
    pub appliname: &'a str,
    /// `[name, layout(, flags)(, order)]`.
    pub capaxlets: Vec<Vec<&'a str>>,
    /// Capabilities.
    pub capas: Capas<'a>,
}

/// The `capas` of `login_capas`.
#[derive(Debug, Serialize)]
pub struct Capas<'a> {
    /// Services the client may show.
    pub services: &'a [String],
    /// Preferences, or `false` when there are none.
    pub preferences: Preferences<'a>,
    /// Presence statuses.
    pub userstatus: BTreeMap<&'a str, UserStatusStyle<'a>>,
    /// Phone hint styles by code.
    pub phonestatus: BTreeMap<String, PhoneStatusStyle<'a>>,
}

/// Preferences: a map, or `false`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Preferences<'a> {
    /// Some preferences.
    Map(&'a BTreeMap<String, String>),
    /// None.
    None(bool),
}

/// One presence status of `capas.userstatus`.
#[derive(Debug, Serialize)]
pub struct UserStatusStyle<'a> {
    /// Display name.
    pub longname: &'a str,
    /// Colour.
    pub color: &'a str,
    /// Statuses reachable from this one.
    pub allowed: &'a [String],
    /// Actions run on entering it.
    pub actions: &'a BTreeMap<String, String>,
}

/// One hint code of `capas.phonestatus`.
#[derive(Debug, Serialize)]
pub struct PhoneStatusStyle<'a> {
    /// Display name.
    pub longname: &'a str,
    /// Colour.
    pub color: &'a str,
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

/// A user's configuration (`getlist updateconfig users`).
#[derive(Debug, Serialize)]
pub struct UserConfig<'a> {
    /// First name.
    pub firstname: &'a str,
    /// Last name.
    pub lastname: &'a str,
    /// "First Last".
    pub fullname: String,
    /// Mobile number.
    pub mobilephonenumber: &'a str,
    /// The user's agent id, if any.
    pub agentid: Option<u32>,
    /// The user's voicemail box id, if any.
    pub voicemailid: Option<u32>,
    /// Services and forwards.
    #[serde(flatten)]
    pub services: UserServicesConfig,
    /// The user's lines, as strings.
    pub linelist: Vec<String>,
    /// This server's uuid.
    pub xivo_uuid: &'a str,
}

/// The service keys of a user's configuration; every one is optional so that pushes carry only
/// the changed keys.
#[derive(Debug, Default, Serialize)]
pub struct UserServicesConfig {
    /// No-answer forward on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enablerna: Option<bool>,
    /// Unconditional forward on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enableunc: Option<bool>,
    /// Busy forward on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enablebusy: Option<bool>,
    /// No-answer forward destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destrna: Option<String>,
    /// Unconditional forward destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destunc: Option<String>,
    /// Busy forward destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destbusy: Option<String>,
    /// Voicemail on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enablevoicemail: Option<bool>,
    /// Do not disturb.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enablednd: Option<bool>,
    /// Call filtering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incallfilter: Option<bool>,
    /// Call recording.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enablerecording: Option<bool>,
}

/// A user's status.
#[derive(Debug, Serialize)]
pub struct UserStatus<'a> {
    /// Presence name.
    pub availstate: &'a str,
}

/// A phone's configuration.
#[derive(Debug, Serialize)]
pub struct PhoneConfig<'a> {
    /// Extension.
    pub number: &'a str,
    /// Owner's user id.
    pub iduserfeatures: Option<u32>,
    /// `SIP/name`.
    pub identity: String,
    /// Dialplan context.
    pub context: &'a str,
}

/// A phone's status.
#[derive(Debug, Serialize)]
pub struct PhoneStatus {
    /// The hint code, as a string.
    pub hintstatus: String,
}

/// An agent's configuration.
#[derive(Debug, Serialize)]
pub struct AgentConfig<'a> {
    /// Context.
    pub context: &'a str,
    /// First name.
    pub firstname: &'a str,
    /// Last name.
    pub lastname: &'a str,
    /// Agent number.
    pub number: &'a str,
}

/// An agent's status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentStatusOut {
    /// The line number it is logged on.
    pub phonenumber: Option<String>,
    /// The channel interface it is logged on.
    pub channel: Option<String>,
    /// Availability name.
    pub availability: &'static str,
    /// When it last changed (float seconds).
    pub availability_since: f64,
    /// `[direction, is_internal]` of a non-ACD call.
    pub nonacd_call_status: Option<(&'static str, bool)>,
    /// On a queue call.
    pub on_call_acd: bool,
    /// In wrap-up.
    pub on_wrapup: bool,
    /// Its queues' ids, as strings.
    pub queues: Vec<String>,
}

/// A queue's configuration.
#[derive(Debug, Serialize)]
pub struct QueueConfig<'a> {
    /// Context.
    pub context: &'a str,
    /// Name.
    pub name: &'a str,
    /// Display name.
    pub displayname: &'a str,
    /// Extension.
    pub number: &'a str,
}

/// A queue's status.
#[derive(Debug, Serialize)]
pub struct QueueStatusOut {
    /// Member agents' ids.
    pub agentmembers: Vec<String>,
    /// Member phones (none in ctid).
    pub phonemembers: Vec<String>,
}

/// A voicemail box's configuration.
#[derive(Debug, Serialize)]
pub struct VoicemailConfig<'a> {
    /// Context.
    pub context: &'a str,
    /// Mailbox number.
    pub mailbox: &'a str,
    /// Owner's name.
    pub fullname: &'a str,
}

/// A voicemail box's status.
#[derive(Debug, Serialize)]
pub struct VoicemailStatus {
    /// New messages.
    pub new: u32,
}

/// A conference room's configuration.
#[derive(Debug, Serialize)]
pub struct MeetmeConfig<'a> {
    /// Context.
    pub context: &'a str,
    /// Room number.
    pub confno: &'a str,
    /// Name.
    pub name: &'a str,
    /// Moderation mode (never on in ctid).
    pub admin_moderationmode: bool,
    /// Whether a PIN is needed.
    pub pin_required: bool,
}

/// A queue membership (configuration and status alike; all strings).
#[derive(Debug, Serialize)]
pub struct QueueMemberFields<'a> {
    /// Queue name.
    pub queue_name: &'a str,
    /// `Agent/<number>`.
    pub interface: String,
    /// Always `static`.
    pub membership: &'static str,
    /// Calls taken.
    pub callstaken: String,
    /// `"0"` / `"1"`.
    pub paused: &'static str,
    /// Penalty.
    pub penalty: String,
    /// Device status code.
    pub status: String,
    /// `HH:MM:SS` of the last call, or empty.
    pub lastcall: String,
}

/// `{class:"dial_success", exten}`.
#[derive(Debug, Serialize)]
pub struct DialSuccess<'a> {
    /// Always `dial_success`.
    pub class: &'static str,
    /// The number dialled.
    pub exten: &'a str,
}

/// A message with a class and a `data` object (`relations`, `*_status_update`).
#[derive(Debug, Serialize)]
pub struct DataMessage<T: Serialize> {
    /// The class.
    pub class: &'static str,
    /// The data.
    pub data: T,
}

/// The data of `relations`.
#[derive(Debug, Serialize)]
pub struct Relations<'a> {
    /// This server's uuid.
    pub xivo_uuid: &'a str,
    /// The user.
    pub user_id: u32,
    /// The user's line.
    pub endpoint_id: Option<u32>,
    /// The user's agent.
    pub agent_id: Option<u32>,
}

/// The data of `user_status_update`.
#[derive(Debug, Serialize)]
pub struct UserStatusData<'a> {
    /// The user's uuid.
    pub user_uuid: &'a str,
    /// The user's id (deprecated but sent).
    pub user_id: u32,
    /// The server's uuid.
    pub xivo_uuid: &'a str,
    /// Presence name.
    pub status: &'a str,
}

/// The data of `agent_status_update`.
#[derive(Debug, Serialize)]
pub struct AgentStatusData<'a> {
    /// The agent.
    pub agent_id: u32,
    /// The server's uuid.
    pub xivo_uuid: &'a str,
    /// `logged_in` / `logged_out`.
    pub status: &'static str,
}

/// The data of `endpoint_status_update`.
#[derive(Debug, Serialize)]
pub struct EndpointStatusData<'a> {
    /// The line.
    pub endpoint_id: u32,
    /// The server's uuid.
    pub xivo_uuid: &'a str,
    /// Hint code.
    pub status: i32,
}

/// `current_calls`.
#[derive(Debug, Serialize)]
pub struct CurrentCalls {
    /// Always `current_calls`.
    pub class: &'static str,
    /// The calls.
    pub current_calls: Vec<CurrentCallOut>,
}

/// One call of `current_calls`.
#[derive(Debug, Serialize)]
pub struct CurrentCallOut {
    /// Other party's name.
    pub cid_name: String,
    /// Other party's number.
    pub cid_number: String,
    /// `up` or `hold`.
    pub call_status: &'static str,
    /// Start (float seconds).
    pub call_start: f64,
    /// The line's channel (ctid addition, to `answer`/`resume_switchboard` it).
    pub unique_id: String,
}

/// `queueentryupdate`.
#[derive(Debug, Serialize)]
pub struct QueueEntryUpdate<'a> {
    /// Always `queueentryupdate`.
    pub class: &'static str,
    /// The queue's callers.
    pub state: QueueEntryState<'a>,
}

/// The `state` of `queueentryupdate`.
#[derive(Debug, Serialize)]
pub struct QueueEntryState<'a> {
    /// Queue name.
    pub queue_name: &'a str,
    /// Queue id.
    pub queue_id: u32,
    /// Callers, in order.
    pub entries: Vec<QueueEntryOut>,
}

/// One waiting caller.
#[derive(Debug, Serialize)]
pub struct QueueEntryOut {
    /// 1-based position.
    pub position: u32,
    /// Caller name.
    pub name: String,
    /// Caller number.
    pub number: String,
    /// When it joined (float seconds).
    pub join_time: f64,
    /// Its channel.
    pub uniqueid: String,
}

/// `meetme_update`.
#[derive(Debug, Serialize)]
pub struct MeetmeUpdate {
    /// Always `meetme_update`.
    pub class: &'static str,
    /// Room number → room.
    pub config: BTreeMap<String, MeetmeRoomOut>,
}

/// One room of `meetme_update`.
#[derive(Debug, Serialize)]
pub struct MeetmeRoomOut {
    /// Name.
    pub name: String,
    /// Number.
    pub number: String,
    /// Whether a PIN is needed.
    pub pin_required: bool,
    /// When the first member joined (float seconds), or 0.
    pub start_time: f64,
    /// Members present.
    pub member_count: usize,
    /// Join order → member.
    pub members: BTreeMap<String, MeetmeMemberOut>,
}

/// One member of a room.
#[derive(Debug, Serialize)]
pub struct MeetmeMemberOut {
    /// Join order.
    pub join_order: u32,
    /// When it joined (float seconds).
    pub join_time: f64,
    /// Caller number.
    pub number: String,
    /// Caller name.
    pub name: String,
    /// Muted.
    pub muted: bool,
}

/// `meetme_user`: where a user sits in conference rooms.
#[derive(Debug, Serialize)]
pub struct MeetmeUser {
    /// Always `meetme_user`.
    pub class: &'static str,
    /// The user's places.
    pub list: Vec<MeetmeUserEntry>,
}

/// One place of `meetme_user`.
#[derive(Debug, Serialize)]
pub struct MeetmeUserEntry {
    /// The room's number.
    pub room_number: String,
    /// The user's join order in it.
    pub user_number: u32,
}

/// `getqueuesstats`.
#[derive(Debug, Serialize)]
pub struct QueuesStats<'a, T: Serialize> {
    /// Always `getqueuesstats`.
    pub class: &'static str,
    /// The request's `commandid`, for on-demand statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replyid: Option<&'a CommandId>,
    /// Queue id → counters.
    pub stats: BTreeMap<String, T>,
}

/// Live counters of one queue (types as xivo-ctid sends them: some are strings).
#[derive(Debug, Serialize)]
pub struct LiveQueueStats {
    /// Logged members (integer).
    #[serde(rename = "Xivo-LoggedAgents")]
    pub logged_agents: u32,
    /// Available members (string).
    #[serde(rename = "Xivo-AvailableAgents")]
    pub available_agents: String,
    /// Talking members (string).
    #[serde(rename = "Xivo-TalkingAgents")]
    pub talking_agents: String,
    /// Estimated wait time, seconds (string).
    #[serde(rename = "Xivo-EWT")]
    pub ewt: String,
    /// Waiting callers (integer).
    #[serde(rename = "Xivo-WaitingCalls")]
    pub waiting_calls: u32,
    /// Longest wait in seconds (integer), when someone waits.
    #[serde(
        rename = "Xivo-LongestWaitTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub longest_wait: Option<u64>,
}

/// Windowed counters of one queue (all strings).
#[derive(Debug, Serialize)]
pub struct WindowQueueStats {
    /// Callers who entered.
    #[serde(rename = "Xivo-Join")]
    pub join: String,
    /// Callers answered.
    #[serde(rename = "Xivo-Link")]
    pub link: String,
    /// Callers who gave up.
    #[serde(rename = "Xivo-Lost")]
    pub lost: String,
    /// Answer rate, percent.
    #[serde(rename = "Xivo-Rate")]
    pub rate: String,
    /// Answered within QoS, percent.
    #[serde(rename = "Xivo-Qos")]
    pub qos: String,
    /// Average hold time, seconds.
    #[serde(rename = "Xivo-Holdtime-avg")]
    pub holdtime_avg: String,
    /// Longest hold time, seconds.
    #[serde(rename = "Xivo-Holdtime-max")]
    pub holdtime_max: String,
}

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

/// `chitchat` (to the recipient).
#[derive(Debug, Serialize)]
pub struct ChitchatOut<'a> {
    /// Always `chitchat`.
    pub class: &'static str,
    /// `[xivo_uuid, user_uuid]` of the sender.
    pub from: [&'a str; 2],
    /// `[xivo_uuid, user_uuid]` of the recipient.
    pub to: [&'a str; 2],
    /// Sender's display name.
    pub alias: &'a str,
    /// The message.
    pub text: &'a str,
}

/// `fax_progress`.
#[derive(Debug, Serialize)]
pub struct FaxProgress {
    /// Always `fax_progress`.
    pub class: &'static str,
    /// `PRESENDFAX`, `SUCCESS`, `FAILED`.
    pub status: &'static str,
    /// Pages sent.
    pub pages: Option<u32>,
}

/// The `faxsend` acknowledgement (xivo-ctid's exact form).
#[derive(Debug, Serialize)]
pub struct FaxSendAck<'a> {
    /// Always `faxsend`.
    pub class: &'static str,
    /// The request's `commandid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replyid: Option<&'a CommandId>,
    /// Always `return_is_none`.
    pub warning_string: &'static str,
}

/// `sheet`.
#[derive(Debug, Serialize)]
pub struct SheetOut<'a> {
    /// Always `sheet`.
    pub class: &'static str,
    /// The channel the sheet is about.
    pub channel: &'a str,
    /// Always `xml`.
    pub serial: &'static str,
    /// Always `true`.
    pub compressed: bool,
    /// base64(4-byte big-endian length + zlib(xml)).
    pub payload: String,
}

/// `current_call_attended_transfer_answered` / `_cancelled`.
#[derive(Debug, Serialize)]
pub struct TransferNotice {
    /// The class.
    pub class: &'static str,
    /// The line id, as a string.
    pub line: String,
}
