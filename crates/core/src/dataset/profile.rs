//! CTI profiles: what a user sees and may do — presence statuses (with colours, allowed
//! transitions and actions), the rights it grants beyond the user's own line and agent
//! (`supervisor`, `switchboard`, `agent_login_any_line`: see [`crate::rights`]), phone hint
//! styles, services, xlets, preferences, screen-pop sheets.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::ProfileId;

/// A CTI profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    /// Database id (the `capaid` of the CTI login).
    pub id: ProfileId,
    /// Profile name (`supervisor`, `agent`, `user`).
    pub name: String,
    /// Application name shown by the desktop client.
    #[serde(default = "default_appliname")]
    pub appliname: String,
    /// Supervisors may act on other agents (log in/out, pause, queue membership), log agents
    /// in on any line, listen, change other users' services and watch queues' waiting callers.
    #[serde(default)]
    pub supervisor: bool,
    /// Switchboard operators may take calls waiting elsewhere (queued, ringing another phone,
    /// held by someone else) onto their own line, and watch queues' waiting callers.
    #[serde(default)]
    pub switchboard: bool,
    /// Users may log their agent in on any free line (hot-desking), not only on their own.
    #[serde(default)]
    pub agent_login_any_line: bool,
    /// Name of the presence group whose statuses this profile uses.
    #[serde(default = "default_presence_group")]
    pub presence_group: String,
    /// Services the client may show (`enablednd`, `fwdunc`, `fwdrna`, `fwdbusy`, `incallfilter`,
    /// `enablevoicemail`, `callrecord`).
    #[serde(default)]
    pub services: Vec<String>,
    /// Xlets (client panels) with their layout.
    #[serde(default)]
    pub xlets: Vec<Xlet>,
    /// Client preferences (`false` on the wire when empty).
    #[serde(default)]
    pub preferences: BTreeMap<String, String>,
    /// The screen-pop sheet sent on incoming calls, if any.
    #[serde(default)]
    pub sheet: Option<SheetTemplate>,
}

fn default_appliname() -> String {
    "Client".to_owned()
}

fn default_presence_group() -> String {
    "default".to_owned()
}

/// A client panel and where it goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Xlet {
    /// Xlet name (`identity`, `people`, `agents`, ...).
    pub name: String,
    /// Layout (`grid`, `dock`, `tab`).
    pub layout: String,
    /// Dock flags (`fcms`: floating, closable, movable, scrollable).
    #[serde(default)]
    pub flags: Option<String>,
    /// Position.
    #[serde(default)]
    pub order: Option<String>,
}

/// A set of presence statuses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceGroup {
    /// Group name, referred to by profiles.
    pub name: String,
    /// The statuses, in display order.
    pub statuses: Vec<PresenceStatus>,
}

impl PresenceGroup {
    /// The status with this name.
    pub fn status(&self, name: &str) -> Option<&PresenceStatus> {
        self.statuses.iter().find(|s| s.name == name)
    }
}

/// One presence status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceStatus {
    /// Status name (`available`, `away`, ...).
    pub name: String,
    /// Display name.
    pub longname: String,
    /// Colour (`#RRGGBB`).
    pub color: String,
    /// Statuses a user in this one may switch to.
    #[serde(default)]
    pub allowed: Vec<String>,
    /// Actions run when a user enters this status: `enablednd` ("true"/"false"), `agentlogoff`,
    /// `queuepause_all`, `queueunpause_all`.
    #[serde(default)]
    pub actions: BTreeMap<String, String>,
}

/// Name and colour of a phone hint code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneHintStyle {
    /// Hint code (-2, -1, 0, 1, 2, 4, 8, 9, 16).
    pub code: i32,
    /// Display name.
    pub longname: String,
    /// Colour (`#RRGGBB`).
    pub color: String,
}

pub(super) fn default_phone_hints() -> Vec<PhoneHintStyle> {
    [
        (-2, "Removed", "#030303"),
        (-1, "Deactivated", "#000000"),
        (0, "Available", "#0DFF25"),
        (1, "In use", "#FF032D"),
        (2, "Busy", "#FF0008"),
        (4, "Unavailable", "#FFFFFF"),
        (8, "Ringing", "#1B0AFF"),
        (9, "In use and ringing", "#FF0526"),
        (16, "On hold", "#F7FF05"),
    ]
    .into_iter()
    .map(|(code, longname, color)| PhoneHintStyle {
        code,
        longname: longname.to_owned(),
        color: color.to_owned(),
    })
    .collect()
}

/// When a screen-pop sheet is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SheetTrigger {
    /// The user's phone starts ringing.
    Dial,
    /// The user answers.
    Link,
    /// The call ends.
    Unlink,
}

/// A screen-pop sheet template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetTemplate {
    /// When to send it.
    #[serde(default = "default_triggers")]
    pub triggers: Vec<SheetTrigger>,
    /// Fields of the sheet; values may use `{xivo-calleridnum}`, `{xivo-calleridname}`,
    /// `{xivo-calledidnum}`, `{xivo-calledidname}`, `{xivo-queuename}`, `{xivo-agentnumber}`,
    /// `{xivo-uniqueid}`, `{xivo-origin}` and `{USR_x}` call variables.
    pub fields: Vec<SheetField>,
    /// Whether the client should raise its window.
    #[serde(default)]
    pub focus: bool,
}

fn default_triggers() -> Vec<SheetTrigger> {
    vec![SheetTrigger::Dial]
}

/// One field of a sheet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetField {
    /// Where it shows: `sheet_info` (the sheet) or `systray_info` (the notification).
    #[serde(default = "default_sheet_kind")]
    pub kind: String,
    /// Label.
    pub name: String,
    /// Display type (`title`, `text`, `body`, `url`, ...).
    #[serde(default = "default_sheet_type", rename = "type")]
    pub field_type: String,
    /// Sort key.
    #[serde(default)]
    pub order: u32,
    /// Value template.
    pub value: String,
}

fn default_sheet_kind() -> String {
    "sheet_info".to_owned()
}

fn default_sheet_type() -> String {
    "text".to_owned()
}
