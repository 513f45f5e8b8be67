//! The configured world: users, lines, agents and their groups, queues, voicemail boxes, conference rooms and CTI
//! profiles, loaded from a TOML dataset file (or the built-in demo dataset).
//!
//! A [`Dataset`] is immutable once built and shared as `Arc<Dataset>`; a configuration change
//! builds the next version ([`Dataset::with_changes`], `change.rs`), which the core swaps in; the
//! versions share every table (and its part of the index) a change does not edit. What changes with calls (services, presence, statuses) lives in the core's state, seeded
//! from here.

mod change;
mod dialplan;
mod load;
mod profile;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use change::{
    ChangeKind, ConfigChange, ConfigDiff, ConfigError, ConfigKey, ConfigObject, DatasetVersion,
};
pub use dialplan::{Destination, DialplanConfig};
pub use load::DatasetError;
pub use profile::{
    PhoneHintStyle, PresenceGroup, PresenceStatus, Profile, SheetField, SheetTemplate,
    SheetTrigger, Xlet,
};

use crate::ids::{AgentGroupId, AgentId, LineId, ProfileId, QueueId, RoomId, UserId, VoicemailId};

/// The tables of a dataset, as a file holds them: what a [`Dataset`] is built from
/// ([`Dataset::from_tables`]) and taken apart into ([`Dataset::into_tables`]). Editing a table
/// here is free; a dataset is only ever built from them whole, validated and indexed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    /// This server's uuid (`xivo_uuid` / `origin_uuid` on the wire).
    #[serde(default = "default_xivo_uuid")]
    pub xivo_uuid: String,
    /// The numbering plan.
    #[serde(default)]
    pub dialplan: DialplanConfig,
    /// People who log in.
    #[serde(default)]
    pub users: Vec<User>,
    /// Phone lines.
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Call-centre agents.
    #[serde(default)]
    pub agents: Vec<Agent>,
    /// Groups of agents.
    #[serde(default)]
    pub agent_groups: Vec<AgentGroup>,
    /// Call queues.
    #[serde(default)]
    pub queues: Vec<Queue>,
    /// Voicemail boxes.
    #[serde(default)]
    pub voicemails: Vec<Voicemail>,
    /// Conference rooms.
    #[serde(default)]
    pub rooms: Vec<Room>,
    /// CTI profiles.
    #[serde(default)]
    pub profiles: Vec<Profile>,
    /// Presence status sets, referred to by profiles.
    #[serde(default)]
    pub presence_groups: Vec<PresenceGroup>,
    /// Colours and names of the phone hint codes shown to clients.
    #[serde(default = "profile::default_phone_hints")]
    pub phone_hints: Vec<PhoneHintStyle>,
}

impl Default for Tables {
    /// Empty tables with the defaults a file without them gets (this server's uuid, the
    /// default numbering plan and phone hint styles).
    fn default() -> Self {
        toml::from_str("").expect("empty tables parse")
    }
}

/// The whole configuration of the telephony world ctid serves: its [`Tables`], validated, and
/// the lookup index built from them. Read through accessors ([`Dataset::users`],
/// [`Dataset::user`], ...); built only by loading ([`Dataset::load`], [`Dataset::demo`]),
/// from tables ([`Dataset::from_tables`]) or as the next version of another
/// ([`Dataset::with_changes`]), so the index always matches the tables.
#[derive(Clone, Debug)]
pub struct Dataset {
    tables: Stored,
    index: Index,
    version: u64,
}

impl Serialize for Dataset {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.tables.serialize(s)
    }
}

/// The tables as a dataset keeps them: each behind an `Arc`, so that the next version shares
/// every table a change does not touch (a change copies only the tables it edits).
#[derive(Clone, Debug, Serialize)]
struct Stored {
    xivo_uuid: String,
    dialplan: DialplanConfig,
    users: Arc<Vec<User>>,
    lines: Arc<Vec<Line>>,
    agents: Arc<Vec<Agent>>,
    agent_groups: Arc<Vec<AgentGroup>>,
    queues: Arc<Vec<Queue>>,
    voicemails: Arc<Vec<Voicemail>>,
    rooms: Arc<Vec<Room>>,
    profiles: Arc<Vec<Profile>>,
    presence_groups: Arc<Vec<PresenceGroup>>,
    phone_hints: Arc<Vec<PhoneHintStyle>>,
}

impl From<Tables> for Stored {
    fn from(t: Tables) -> Stored {
        Stored {
            xivo_uuid: t.xivo_uuid,
            dialplan: t.dialplan,
            users: Arc::new(t.users),
            lines: Arc::new(t.lines),
            agents: Arc::new(t.agents),
            agent_groups: Arc::new(t.agent_groups),
            queues: Arc::new(t.queues),
            voicemails: Arc::new(t.voicemails),
            rooms: Arc::new(t.rooms),
            profiles: Arc::new(t.profiles),
            presence_groups: Arc::new(t.presence_groups),
            phone_hints: Arc::new(t.phone_hints),
        }
    }
}

impl From<&Stored> for Tables {
    fn from(t: &Stored) -> Tables {
        Tables {
            xivo_uuid: t.xivo_uuid.clone(),
            dialplan: t.dialplan.clone(),
            users: t.users.to_vec(),
            lines: t.lines.to_vec(),
            agents: t.agents.to_vec(),
            agent_groups: t.agent_groups.to_vec(),
            queues: t.queues.to_vec(),
            voicemails: t.voicemails.to_vec(),
            rooms: t.rooms.to_vec(),
            profiles: t.profiles.to_vec(),
            presence_groups: t.presence_groups.to_vec(),
            phone_hints: t.phone_hints.to_vec(),
        }
    }
}

/// Which tables a set of changes edited: only those are re-filled and re-indexed.
#[derive(Clone, Copy, Debug, Default)]
struct Touched {
    /// Every item is new (a load): users are completed here, not as they are changed.
    whole: bool,
    users: bool,
    lines: bool,
    agents: bool,
    agent_groups: bool,
    queues: bool,
    voicemails: bool,
    rooms: bool,
    profiles: bool,
}

impl Touched {
    const ALL: Touched = Touched {
        whole: true,
        users: true,
        lines: true,
        agents: true,
        agent_groups: true,
        queues: true,
        voicemails: true,
        rooms: true,
        profiles: true,
    };
}

/// The server uuid of a dataset whose file names none.
const DEFAULT_XIVO_UUID: &str = "6bd9a7a4-5c6e-4a0b-9d1e-0c71d0e1c7a1";

fn default_xivo_uuid() -> String {
    DEFAULT_XIVO_UUID.to_owned()
}

fn default_context() -> String {
    "default".to_owned()
}

fn yes() -> bool {
    true
}

/// A person who logs in to ctid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Database id.
    pub id: UserId,
    /// Stable uuid (generated from the id when absent).
    #[serde(default)]
    pub uuid: String,
    /// CTI login name.
    pub login: String,
    /// argon2 PHC hash of the password (`$argon2id$...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// A clear-text password: accepted in dataset files for convenience, hashed at load and
    /// never kept.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// First name.
    pub firstname: String,
    /// Last name.
    #[serde(default)]
    pub lastname: String,
    /// Mobile phone number (used by "dial from mobile").
    #[serde(default)]
    pub mobile: String,
    /// The user's line.
    #[serde(default)]
    pub line: Option<LineId>,
    /// The user's voicemail box.
    #[serde(default)]
    pub voicemail: Option<VoicemailId>,
    /// The user's CTI profile; a user without one cannot log in.
    #[serde(default)]
    pub profile: Option<ProfileId>,
    /// Whether the user may log in to CTI clients at all.
    #[serde(default = "yes")]
    pub cti_enabled: bool,
    /// Seconds the user's phone rings before a no-answer forward or voicemail (default: the
    /// PBX's `ring_timeout`).
    #[serde(default)]
    pub ring_seconds: Option<u32>,
    /// Initial state of the user's services.
    #[serde(default)]
    pub services: UserServices,
    /// Dialplan context.
    #[serde(default = "default_context")]
    pub context: String,
}

impl User {
    /// "First Last".
    pub fn fullname(&self) -> String {
        if self.lastname.is_empty() {
            self.firstname.clone()
        } else {
            format!("{} {}", self.firstname, self.lastname)
        }
    }
}

/// A user's telephony services: do-not-disturb, call filtering, forwards, recording, voicemail.
/// By default everything is off except voicemail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserServices {
    /// Do not disturb: incoming calls are refused as busy.
    pub dnd: bool,
    /// Call filtering: calls from outside are refused (internal callers still ring).
    pub incallfilter: bool,
    /// Record the user's calls.
    pub recording: bool,
    /// Send unanswered and busy calls to the user's voicemail box.
    #[serde(default = "yes")]
    pub voicemail_enabled: bool,
    /// Forward every call.
    pub fwd_unconditional: Forward,
    /// Forward when busy.
    pub fwd_busy: Forward,
    /// Forward on no answer.
    pub fwd_noanswer: Forward,
}

impl Default for UserServices {
    fn default() -> Self {
        UserServices {
            dnd: false,
            incallfilter: false,
            recording: false,
            voicemail_enabled: true,
            fwd_unconditional: Forward::default(),
            fwd_busy: Forward::default(),
            fwd_noanswer: Forward::default(),
        }
    }
}

/// One forward: enabled or not, and where to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Forward {
    /// Whether the forward is on.
    pub enabled: bool,
    /// The number calls are sent to.
    pub destination: String,
}

/// A phone line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    /// Database id.
    pub id: LineId,
    /// Extension number.
    pub number: String,
    /// Dialplan context.
    #[serde(default = "default_context")]
    pub context: String,
    /// Channel technology (`sip`, `pjsip`, `sccp`, `iax`, `custom`).
    #[serde(default = "default_protocol")]
    pub protocol: String,
    /// Peer name (defaults to the number).
    #[serde(default)]
    pub name: String,
    /// A disabled line shows hint -1 and takes no calls.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Whether a second call rings while the line is busy (otherwise it is refused as busy).
    #[serde(default)]
    pub call_waiting: bool,
}

fn default_protocol() -> String {
    "sip".to_owned()
}

impl Line {
    /// The identity shown to CTI clients: `SIP/name` (PJSIP is shown as SIP, as xivo-ctid does).
    pub fn identity(&self) -> String {
        let proto = match self.protocol.to_ascii_lowercase().as_str() {
            "pjsip" | "sip" => "SIP".to_owned(),
            other => other.to_ascii_uppercase(),
        };
        format!("{proto}/{}", self.name)
    }

    /// The channel-name prefix the PBX uses for this line (`SIP/1001`).
    pub fn interface(&self) -> String {
        let proto = match self.protocol.to_ascii_lowercase().as_str() {
            "pjsip" => "PJSIP".to_owned(),
            other => other.to_ascii_uppercase(),
        };
        format!("{proto}/{}", self.name)
    }
}

/// A call-centre agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    /// Database id.
    pub id: AgentId,
    /// Agent number.
    pub number: String,
    /// First name (defaults to the user's).
    #[serde(default)]
    pub firstname: String,
    /// Last name (defaults to the user's).
    #[serde(default)]
    pub lastname: String,
    /// Dialplan context.
    #[serde(default = "default_context")]
    pub context: String,
    /// The user this agent belongs to.
    #[serde(default)]
    pub user: Option<UserId>,
    /// The agent's group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<AgentGroupId>,
}

/// A group of agents (supervisors and the XuC API list agents by group).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentGroup {
    /// Database id.
    pub id: AgentGroupId,
    /// Group name (`sales_team`).
    pub name: String,
    /// Display name (defaults to the name).
    #[serde(default)]
    pub displayname: String,
}

/// How a queue chooses which members to ring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Strategy {
    /// Ring every available member at once.
    #[default]
    Ringall,
    /// Ring the member whose last call ended longest ago.
    Leastrecent,
    /// Ring the member who has taken the fewest calls.
    Fewestcalls,
    /// Round robin, remembering where it stopped.
    Rrmemory,
    /// Ring a random member.
    Random,
}

/// A call queue with automatic call distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Queue {
    /// Database id.
    pub id: QueueId,
    /// Queue name (`sales`).
    pub name: String,
    /// Display name (defaults to the name).
    #[serde(default)]
    pub displayname: String,
    /// Extension number.
    pub number: String,
    /// Dialplan context.
    #[serde(default = "default_context")]
    pub context: String,
    /// Distribution strategy.
    #[serde(default)]
    pub strategy: Strategy,
    /// Static members (agents) with their penalty.
    #[serde(default)]
    pub members: Vec<QueueMemberConfig>,
    /// Seconds a member rings before the queue tries again.
    #[serde(default = "default_member_timeout")]
    pub member_timeout: u32,
    /// Seconds between two attempts.
    #[serde(default = "default_retry")]
    pub retry: u32,
    /// Seconds of wrap-up after each answered call, during which the member gets no call.
    #[serde(default)]
    pub wrapup: u32,
    /// Seconds a caller may wait before leaving the queue (0: no limit).
    #[serde(default)]
    pub max_wait: u32,
    /// Whether callers may join when no member is logged in.
    #[serde(default = "yes")]
    pub joinempty: bool,
    /// Whether waiting callers are sent away when the last logged member leaves.
    #[serde(default)]
    pub leaveempty: bool,
    /// Service level (seconds) for the QoS statistic.
    #[serde(default = "default_service_level")]
    pub service_level: u32,
    /// Callers who may wait at once (Asterisk's `maxlen`); one more is refused as the queue is
    /// full. Always bounded: 1 to [`MAX_QUEUE_CALLERS`], [`DEFAULT_MAX_CALLERS`] if not set.
    #[serde(default = "default_max_callers")]
    pub max_callers: u32,
    /// Where a caller who finds the queue full is sent (a number of the numbering plan: another
    /// queue, a voicemail box, an operator's line); unset, the caller is refused (cause 34).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_destination: Option<String>,
}

/// The callers a queue lets wait at once unless its `max_callers` says otherwise. Every
/// waiting caller costs memory in the switch and the core and a row in each `queueentryupdate`
/// sent to switchboards (about 150 bytes, the whole list on every change), so a queue is never
/// unbounded; 200 is more callers than a large call centre's queue holds at its peak.
pub const DEFAULT_MAX_CALLERS: u32 = 200;

/// The highest `max_callers` a dataset may set.
pub const MAX_QUEUE_CALLERS: u32 = 10_000;

fn default_member_timeout() -> u32 {
    15
}
fn default_retry() -> u32 {
    5
}
fn default_service_level() -> u32 {
    60
}
fn default_max_callers() -> u32 {
    DEFAULT_MAX_CALLERS
}

/// A queue member as configured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueMemberConfig {
    /// The agent.
    pub agent: AgentId,
    /// Its penalty (lower rings first).
    #[serde(default)]
    pub penalty: u32,
}

/// A voicemail box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voicemail {
    /// Database id.
    pub id: VoicemailId,
    /// Mailbox number.
    pub mailbox: String,
    /// Dialplan context.
    #[serde(default = "default_context")]
    pub context: String,
    /// Owner's full name.
    #[serde(default)]
    pub fullname: String,
}

/// A conference room.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Room {
    /// Database id.
    pub id: RoomId,
    /// Extension number.
    pub number: String,
    /// Room name.
    pub name: String,
    /// Dialplan context.
    #[serde(default = "default_context")]
    pub context: String,
    /// PIN required to enter, if any.
    #[serde(default)]
    pub pin: Option<String>,
}

/// Lookup tables built at load, one part per table, each behind an `Arc` so that the next
/// version shares the parts of the tables a change does not touch.
#[derive(Clone, Debug, Default)]
struct Index {
    users: Arc<UserIndex>,
    lines: Arc<LineIndex>,
    agents: Arc<AgentIndex>,
    agent_groups: Arc<HashMap<AgentGroupId, usize>>,
    queues: Arc<QueueIndex>,
    voicemails: Arc<HashMap<VoicemailId, usize>>,
    rooms: Arc<HashMap<RoomId, usize>>,
    profiles: Arc<HashMap<ProfileId, usize>>,
    /// Extension numbers of lines, queues and rooms.
    numbers: Arc<HashMap<String, Destination>>,
}

#[derive(Clone, Debug, Default)]
struct UserIndex {
    by_id: HashMap<UserId, usize>,
    by_login: HashMap<String, usize>,
    by_uuid: HashMap<String, usize>,
    by_line: HashMap<LineId, usize>,
}

#[derive(Clone, Debug, Default)]
struct LineIndex {
    by_id: HashMap<LineId, usize>,
    by_interface: HashMap<String, LineId>,
}

#[derive(Clone, Debug, Default)]
struct AgentIndex {
    by_id: HashMap<AgentId, usize>,
    by_number: HashMap<String, usize>,
    by_user: HashMap<UserId, usize>,
}

#[derive(Clone, Debug, Default)]
struct QueueIndex {
    by_id: HashMap<QueueId, usize>,
    by_name: HashMap<String, usize>,
}

impl Dataset {
    /// This server's uuid (`xivo_uuid` / `origin_uuid` on the wire).
    pub fn xivo_uuid(&self) -> &str {
        &self.tables.xivo_uuid
    }

    /// This dataset with another server uuid: `ctid serve` names the node by the uuid it keeps
    /// in its data directory (or `[node] uuid`), whatever the file says.
    pub fn with_xivo_uuid(mut self, uuid: String) -> Dataset {
        self.tables.xivo_uuid = uuid;
        self
    }

    /// The server uuid a dataset gets when its file names none.
    pub fn default_xivo_uuid() -> &'static str {
        DEFAULT_XIVO_UUID
    }

    /// The numbering plan's settings.
    pub fn dialplan(&self) -> &DialplanConfig {
        &self.tables.dialplan
    }

    /// Every user, in file order.
    pub fn users(&self) -> &[User] {
        &self.tables.users
    }

    /// Every line, in file order.
    pub fn lines(&self) -> &[Line] {
        &self.tables.lines
    }

    /// Every agent, in file order.
    pub fn agents(&self) -> &[Agent] {
        &self.tables.agents
    }

    /// Every agent group, in file order.
    pub fn agent_groups(&self) -> &[AgentGroup] {
        &self.tables.agent_groups
    }

    /// Every queue, in file order.
    pub fn queues(&self) -> &[Queue] {
        &self.tables.queues
    }

    /// Every voicemail box, in file order.
    pub fn voicemails(&self) -> &[Voicemail] {
        &self.tables.voicemails
    }

    /// Every conference room, in file order.
    pub fn rooms(&self) -> &[Room] {
        &self.tables.rooms
    }

    /// Every CTI profile, in file order.
    pub fn profiles(&self) -> &[Profile] {
        &self.tables.profiles
    }

    /// Every presence status set.
    pub fn presence_groups(&self) -> &[PresenceGroup] {
        &self.tables.presence_groups
    }

    /// The phone hint styles shown to clients.
    pub fn phone_hints(&self) -> &[PhoneHintStyle] {
        &self.tables.phone_hints
    }

    /// A copy of the tables, to edit and build another dataset from
    /// ([`Dataset::from_tables`]; a running core takes [`ConfigChange`]s instead).
    pub fn to_tables(&self) -> Tables {
        Tables::from(&self.tables)
    }

    /// The tables this dataset was built from.
    pub fn into_tables(self) -> Tables {
        Tables::from(&self.tables)
    }

    /// The user with this id.
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.index
            .users
            .by_id
            .get(&id)
            .map(|&i| &self.tables.users[i])
    }

    /// The user with this login name.
    pub fn user_by_login(&self, login: &str) -> Option<&User> {
        self.index
            .users
            .by_login
            .get(login)
            .map(|&i| &self.tables.users[i])
    }

    /// The user with this uuid.
    pub fn user_by_uuid(&self, uuid: &str) -> Option<&User> {
        self.index
            .users
            .by_uuid
            .get(uuid)
            .map(|&i| &self.tables.users[i])
    }

    /// The user who owns this line.
    pub fn user_of_line(&self, line: LineId) -> Option<&User> {
        self.index
            .users
            .by_line
            .get(&line)
            .map(|&i| &self.tables.users[i])
    }

    /// The line with this id.
    pub fn line(&self, id: LineId) -> Option<&Line> {
        self.index
            .lines
            .by_id
            .get(&id)
            .map(|&i| &self.tables.lines[i])
    }

    /// The line whose PBX interface (`SIP/1001`, `PJSIP/1001`) is given.
    pub fn line_by_interface(&self, interface: &str) -> Option<&Line> {
        self.index
            .lines
            .by_interface
            .get(interface)
            .and_then(|&id| self.line(id))
    }

    /// The line with this extension number.
    pub fn line_by_number(&self, number: &str) -> Option<&Line> {
        match self.index.numbers.get(number) {
            Some(Destination::Line(id)) => self.line(*id),
            _ => None,
        }
    }

    /// The user's line.
    pub fn line_of_user(&self, user: UserId) -> Option<&Line> {
        self.user(user)
            .and_then(|u| u.line)
            .and_then(|l| self.line(l))
    }

    /// The agent with this id.
    pub fn agent(&self, id: AgentId) -> Option<&Agent> {
        self.index
            .agents
            .by_id
            .get(&id)
            .map(|&i| &self.tables.agents[i])
    }

    /// The agent with this number.
    pub fn agent_by_number(&self, number: &str) -> Option<&Agent> {
        self.index
            .agents
            .by_number
            .get(number)
            .map(|&i| &self.tables.agents[i])
    }

    /// The agent belonging to this user.
    pub fn agent_of_user(&self, user: UserId) -> Option<&Agent> {
        self.index
            .agents
            .by_user
            .get(&user)
            .map(|&i| &self.tables.agents[i])
    }

    /// The agent group with this id.
    pub fn agent_group(&self, id: AgentGroupId) -> Option<&AgentGroup> {
        self.index
            .agent_groups
            .get(&id)
            .map(|&i| &self.tables.agent_groups[i])
    }

    /// The queue with this id.
    pub fn queue(&self, id: QueueId) -> Option<&Queue> {
        self.index
            .queues
            .by_id
            .get(&id)
            .map(|&i| &self.tables.queues[i])
    }

    /// The queue with this name.
    pub fn queue_by_name(&self, name: &str) -> Option<&Queue> {
        self.index
            .queues
            .by_name
            .get(name)
            .map(|&i| &self.tables.queues[i])
    }

    /// The voicemail box with this id.
    pub fn voicemail(&self, id: VoicemailId) -> Option<&Voicemail> {
        self.index
            .voicemails
            .get(&id)
            .map(|&i| &self.tables.voicemails[i])
    }

    /// The voicemail box with this mailbox number.
    pub fn voicemail_by_mailbox(&self, mailbox: &str) -> Option<&Voicemail> {
        self.tables.voicemails.iter().find(|v| v.mailbox == mailbox)
    }

    /// The conference room with this id.
    pub fn room(&self, id: RoomId) -> Option<&Room> {
        self.index.rooms.get(&id).map(|&i| &self.tables.rooms[i])
    }

    /// The CTI profile with this id.
    pub fn profile(&self, id: ProfileId) -> Option<&Profile> {
        self.index
            .profiles
            .get(&id)
            .map(|&i| &self.tables.profiles[i])
    }

    /// The user's CTI profile.
    pub fn profile_of_user(&self, user: UserId) -> Option<&Profile> {
        self.user(user)
            .and_then(|u| u.profile)
            .and_then(|p| self.profile(p))
    }

    /// The presence statuses a user may use (from the user's profile).
    pub fn presence_group_of_user(&self, user: UserId) -> Option<&PresenceGroup> {
        let profile = self.profile_of_user(user)?;
        self.tables
            .presence_groups
            .iter()
            .find(|g| g.name == profile.presence_group)
    }

    /// Whether the user's profile is a supervisor's (may act on other agents and listen).
    pub fn is_supervisor(&self, user: UserId) -> bool {
        self.profile_of_user(user).is_some_and(|p| p.supervisor)
    }

    /// The queues an agent is a configured member of, with penalties.
    pub fn queues_of_agent(&self, agent: AgentId) -> impl Iterator<Item = (&Queue, u32)> {
        self.tables.queues.iter().filter_map(move |q| {
            q.members
                .iter()
                .find(|m| m.agent == agent)
                .map(|m| (q, m.penalty))
        })
    }
}
