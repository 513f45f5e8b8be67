//! The objects of the `getlist` lists: configuration and status of users, phones, agents,
//! queues, voicemail boxes, conference rooms and queue memberships.

use serde::Serialize;

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
