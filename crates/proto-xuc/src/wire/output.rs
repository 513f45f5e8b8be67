//! The payloads (`ctiMessage`) of the server's messages, with the field names and casing the
//! XuC clients read, and their translation from the core's values. Translation only: every
//! status comes derived from the core; names of core values on the XuC wire live here.

use std::collections::BTreeMap;

use serde::Serialize;

use ctid_core::Timestamp;
use ctid_core::dataset::{Dataset, User, UserServices};
use ctid_core::ids::{QueueId, VoicemailId};
use ctid_core::live::{
    AgentState, AgentStatus, CallDirection, HintStatus, PhoneEvent, PhoneEventKind, QueueLiveStats,
    QueueWindowStats, VoicemailCounts,
};

/// Message type names (`msgType`), as `Cti.MessageType` lists them.
pub mod msg {
    /// The session is up.
    pub const LOGGED_ON: &str = "LoggedOn";
    /// The session could not start (then the socket closes).
    pub const LOGGED_ON_ERROR: &str = "LoggedOnError";
    /// A request was not served.
    pub const ERROR: &str = "Error";
    /// The answer to `{"claz":"ping"}` (no client subscribes to it; any frame resets the
    /// library's heartbeat counter).
    pub const PONG: &str = "Pong";
    /// A user's services and configuration.
    pub const USER_CONFIG_UPDATE: &str = "UserConfigUpdate";
    /// The presence statuses a user may take.
    pub const USERS_STATUSES: &str = "UsersStatuses";
    /// A user's presence.
    pub const USER_STATUS_UPDATE: &str = "UserStatusUpdate";
    /// The user's phone status.
    pub const PHONE_STATUS_UPDATE: &str = "PhoneStatusUpdate";
    /// The user's voicemail counts.
    pub const VOICEMAIL_STATUS_UPDATE: &str = "VoiceMailStatusUpdate";
    /// The user's rights profile.
    pub const RIGHT_PROFILE: &str = "RightProfile";
    /// A call event on the user's line.
    pub const PHONE_EVENT: &str = "PhoneEvent";
    /// The current calls of the user's line.
    pub const CURRENT_CALLS_PHONE_EVENTS: &str = "CurrentCallsPhoneEvents";
    /// An agent's state.
    pub const AGENT_STATE_EVENT: &str = "AgentStateEvent";
    /// An agent command failed.
    pub const AGENT_ERROR: &str = "AgentError";
    /// A queue's counters.
    pub const QUEUE_STATISTICS: &str = "QueueStatistics";
    /// A conference room command was refused.
    pub const CONFERENCE_COMMAND_ERROR: &str = "ConferenceCommandError";
    /// The user's own call joined or left a conference room.
    pub const CONFERENCE_EVENT: &str = "ConferenceEvent";
    /// A member of a room the user is in joined, changed or left.
    pub const CONFERENCE_PARTICIPANT_EVENT: &str = "ConferenceParticipantEvent";
    /// A supervisor started or stopped listening to an agent.
    pub const AGENT_LISTEN: &str = "AgentListen";
    /// `getList queue`.
    pub const QUEUE_LIST: &str = "QueueList";
    /// `getList agent`.
    pub const AGENT_LIST: &str = "AgentList";
    /// `getList queuemember`.
    pub const QUEUE_MEMBER_LIST: &str = "QueueMemberList";
    /// One membership added, changed or removed (`penalty: -1`).
    pub const QUEUE_MEMBER: &str = "QueueMember";
    /// `getList agentgroup`.
    pub const AGENT_GROUP_LIST: &str = "AgentGroupList";
    /// `getList meetme`, and every conference change after it.
    pub const CONFERENCE_LIST: &str = "ConferenceList";
    /// `getList basequeuemember`: the configured (default) memberships.
    pub const USERS_QUEUE_DEFAULT_MEMBERSHIP: &str = "UsersQueueDefaultMembership";
    /// `getConfig line`.
    pub const LINE_CONFIG: &str = "LineConfig";
    /// `getAgentDirectory`.
    pub const AGENT_DIRECTORY: &str = "AgentDirectory";
    /// The answer to `getUserCallHistory` and `getAgentCallHistory`.
    pub const CALL_HISTORY: &str = "CallHistory";
    /// The answer to `getUserCallHistoryByDays`.
    pub const CALL_HISTORY_BY_DAYS: &str = "CallHistoryByDays";
    /// The callers waiting in a queue (`subscribeToQueueCalls`).
    pub const QUEUE_CALLS: &str = "QueueCalls";
    /// A watched number's phone status (`subscribeToPhoneHints`).
    pub const PHONE_HINT_STATUS_EVENT: &str = "PhoneHintStatusEvent";
}

/// `Error` (and `LoggedOnError`) payload.
#[derive(Debug, Serialize)]
pub struct ErrorOut<'a> {
    /// The error's name.
    #[serde(rename = "Error")]
    pub error: &'a str,
    /// The command it answers, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<&'a str>,
    /// What went wrong.
    pub message: &'a str,
}

/// `AgentError` payload (`{"Error":"PhoneNumberUnknown"}`, `{"Error":"LoggedInOnAnotherPhone",
/// "phoneNb":..,"RequestedNb":..}`).
#[derive(Debug, Serialize)]
pub struct AgentErrorOut<'a> {
    /// The error's name.
    #[serde(rename = "Error")]
    pub error: &'a str,
    /// The number the agent is logged on.
    #[serde(rename = "phoneNb", skip_serializing_if = "Option::is_none")]
    pub phone_nb: Option<&'a str>,
    /// The number asked.
    #[serde(rename = "RequestedNb", skip_serializing_if = "Option::is_none")]
    pub requested_nb: Option<&'a str>,
    /// What went wrong.
    pub message: &'a str,
}

/// An empty object (`LoggedOn`, `Pong`).
#[derive(Debug, Serialize)]
pub struct Empty {}

/// `PhoneEvent` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneEventOut<'a> {
    /// `EventRinging`, ...
    pub event_type: &'static str,
    /// The line's number.
    #[serde(rename = "DN")]
    pub dn: &'a str,
    /// The other party's number.
    #[serde(rename = "otherDN")]
    pub other_dn: &'a str,
    /// The other party's name.
    #[serde(rename = "otherDName")]
    pub other_dname: &'a str,
    /// The call's linked id.
    pub linked_id: &'a str,
    /// The line's channel.
    pub unique_id: &'a str,
    /// The queue, for ACD calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<&'a str>,
    /// `Incoming` or `Outgoing`.
    pub call_direction: &'static str,
    /// Attached data.
    pub user_data: BTreeMap<&'a str, &'a str>,
    /// The other party's login, when internal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<&'a str>,
}

/// The XuC name of a phone event kind.
pub fn event_type(kind: PhoneEventKind) -> &'static str {
    match kind {
        PhoneEventKind::Dialing => "EventDialing",
        PhoneEventKind::Ringing => "EventRinging",
        PhoneEventKind::Established => "EventEstablished",
        PhoneEventKind::Released => "EventReleased",
        PhoneEventKind::OnHold => "EventOnHold",
        PhoneEventKind::Failure => "EventFailure",
    }
}

/// The XuC name of a call direction.
pub fn direction(d: CallDirection) -> &'static str {
    match d {
        CallDirection::Incoming => "Incoming",
        CallDirection::Outgoing => "Outgoing",
    }
}

impl<'a> PhoneEventOut<'a> {
    /// A core phone event in XuC form (`ds` names the queue).
    pub fn new(e: &'a PhoneEvent, ds: &'a Dataset) -> Self {
        PhoneEventOut {
            event_type: event_type(e.kind),
            dn: &e.dn,
            other_dn: &e.other_dn,
            other_dname: &e.other_name,
            linked_id: &e.linkedid.0,
            unique_id: &e.uniqueid.0,
            queue_name: e.queue.and_then(|q| ds.queue(q)).map(|q| q.name.as_str()),
            call_direction: direction(e.direction),
            user_data: e
                .user_data
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            username: e.other_username.as_deref(),
        }
    }
}

/// `CurrentCallsPhoneEvents` payload.
#[derive(Debug, Serialize)]
pub struct CurrentCallsOut<'a> {
    /// One event per current call.
    pub events: Vec<PhoneEventOut<'a>>,
}

/// The name cti.js gives a hint code (`Cti.PhoneStatus`), sent in `PhoneStatusUpdate`.
pub fn hint_name(h: HintStatus) -> &'static str {
    match h {
        HintStatus::Removed => "UNEXISTING",
        HintStatus::Deactivated => "DEACTIVATED",
        HintStatus::Idle => "AVAILABLE",
        HintStatus::InUse => "CALLING",
        HintStatus::Busy => "BUSY",
        HintStatus::Unavailable => "INDISPONIBLE",
        HintStatus::Ringing => "RINGING",
        HintStatus::InUseRinging => "BUSY_AND_RINGING",
        HintStatus::OnHold => "ONHOLD",
    }
}

/// `PhoneStatusUpdate` payload.
#[derive(Debug, Serialize)]
pub struct PhoneStatusOut {
    /// The hint's name.
    pub status: &'static str,
}

/// `UserStatusUpdate` payload.
#[derive(Debug, Serialize)]
pub struct UserStatusOut<'a> {
    /// The presence name.
    pub status: &'a str,
}

/// `VoiceMailStatusUpdate` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoicemailOut {
    /// The box.
    pub voice_mail_id: u32,
    /// Unread messages.
    pub new_messages: u32,
    /// 1 when messages wait (the message-waiting lamp), else 0.
    pub waiting_messages: u32,
    /// Read messages.
    pub old_messages: u32,
}

impl VoicemailOut {
    /// A box's counts in XuC form.
    pub fn new(id: VoicemailId, c: VoicemailCounts) -> Self {
        VoicemailOut {
            voice_mail_id: id.0,
            new_messages: c.new,
            waiting_messages: u32::from(c.new > 0),
            old_messages: c.old,
        }
    }
}

/// `UserConfigUpdate` payload: the user's whole configuration and services.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserConfigOut<'a> {
    /// The user.
    pub user_id: u32,
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// Full name.
    pub full_name: String,
    /// Mobile number.
    pub mobile_number: &'a str,
    /// The user's agent (0: none).
    pub agent_id: u32,
    /// The user's lines.
    pub line_ids: Vec<u32>,
    /// The user's voicemail box (0: none).
    pub voice_mail_id: u32,
    /// Voicemail on.
    pub voice_mail_enabled: bool,
    /// Do not disturb.
    pub dnd_enabled: bool,
    /// No-answer forward on.
    pub na_fwd_enabled: bool,
    /// No-answer forward destination.
    pub na_fwd_destination: &'a str,
    /// Unconditional forward on.
    pub unc_fwd_enabled: bool,
    /// Unconditional forward destination.
    pub unc_fwd_destination: &'a str,
    /// Busy forward on.
    pub busy_fwd_enabled: bool,
    /// Busy forward destination.
    pub busy_fwd_destination: &'a str,
}

impl<'a> UserConfigOut<'a> {
    /// A user's configuration (from `ds`) and services (the core's) in XuC form.
    pub fn new(user: &'a User, services: &'a UserServices, ds: &Dataset) -> Self {
        UserConfigOut {
            user_id: user.id.0,
            first_name: &user.firstname,
            last_name: &user.lastname,
            full_name: user.fullname(),
            mobile_number: &user.mobile,
            agent_id: ds.agent_of_user(user.id).map_or(0, |a| a.id.0),
            line_ids: user.line.iter().map(|l| l.0).collect(),
            voice_mail_id: user.voicemail.map_or(0, |v| v.0),
            voice_mail_enabled: services.voicemail_enabled,
            dnd_enabled: services.dnd,
            na_fwd_enabled: services.fwd_noanswer.enabled,
            na_fwd_destination: &services.fwd_noanswer.destination,
            unc_fwd_enabled: services.fwd_unconditional.enabled,
            unc_fwd_destination: &services.fwd_unconditional.destination,
            busy_fwd_enabled: services.fwd_busy.enabled,
            busy_fwd_destination: &services.fwd_busy.destination,
        }
    }
}

/// One entry of `UsersStatuses`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceOut<'a> {
    /// Status name.
    pub name: &'a str,
    /// Colour.
    pub color: &'a str,
    /// Display name.
    pub long_name: &'a str,
    /// What entering it does.
    pub actions: Vec<PresenceActionOut<'a>>,
}

/// An action of a presence status.
#[derive(Debug, Serialize)]
pub struct PresenceActionOut<'a> {
    /// `enablednd`, `agentlogoff`, `queuepause_all`, `queueunpause_all`.
    pub name: &'a str,
    /// Its parameter (`"true"`, ...).
    pub parameters: &'a str,
}

/// The `UsersStatuses` of a user: the statuses of its profile's presence group.
pub fn users_statuses<'a>(ds: &'a Dataset, user: &User) -> Vec<PresenceOut<'a>> {
    ds.presence_group_of_user(user.id)
        .map(|g| {
            g.statuses
                .iter()
                .map(|s| PresenceOut {
                    name: &s.name,
                    color: &s.color,
                    long_name: &s.longname,
                    actions: s
                        .actions
                        .iter()
                        .map(|(name, parameters)| PresenceActionOut { name, parameters })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `RightProfile` payload: the profile's name and its typed rights.
#[derive(Debug, Serialize)]
pub struct RightProfileOut<'a> {
    /// `supervisor` for a supervisor profile, else the profile's name.
    pub profile: &'a str,
    /// The rights beyond one's own line, calls and agent.
    pub rights: Vec<&'static str>,
}

impl<'a> RightProfileOut<'a> {
    /// The profile of a user.
    pub fn new(ds: &'a Dataset, user: &User) -> Self {
        match ds.profile_of_user(user.id) {
            Some(p) => {
                let mut rights = Vec::new();
                if p.supervisor {
                    rights.extend(["supervise_agents", "listen", "change_others_services"]);
                }
                if p.switchboard {
                    rights.push("take_waiting_calls");
                }
                if p.agent_login_any_line || p.supervisor {
                    rights.push("agent_login_any_line");
                }
                RightProfileOut {
                    profile: if p.supervisor { "supervisor" } else { &p.name },
                    rights,
                }
            }
            None => RightProfileOut {
                profile: "none",
                rights: Vec::new(),
            },
        }
    }
}

/// The XuC name of an agent state.
pub fn agent_state_name(s: AgentState) -> &'static str {
    match s {
        AgentState::LoggedOut => "AgentLoggedOut",
        AgentState::Ready => "AgentReady",
        AgentState::OnPause => "AgentOnPause",
        AgentState::Ringing => "AgentRinging",
        AgentState::OnCall => "AgentOnCall",
        AgentState::Dialing => "AgentDialing",
        AgentState::OnWrapup => "AgentOnWrapup",
    }
}

/// `AgentStateEvent` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentStateOut<'a> {
    /// The state's name.
    pub name: &'static str,
    /// The agent.
    pub agent_id: u32,
    /// The number it is logged on (empty when logged out).
    pub phone_nb: &'a str,
    /// Seconds in this state.
    pub since: u64,
    /// Its queues.
    pub queues: Vec<u32>,
    /// The pause reason (empty when none).
    pub cause: &'a str,
    /// On a call from a queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acd: Option<bool>,
    /// The call's direction, on a call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'static str>,
    /// `Internal` or `External`, on a call that is not from a queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_type: Option<&'static str>,
    /// Recording state (ctid does not record through XuC: `DISABLED`), on a call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitor_state: Option<&'static str>,
}

impl<'a> AgentStateOut<'a> {
    /// An agent's status in XuC form, `since` counted to `now`.
    pub fn new(s: &'a AgentStatus, now: Timestamp) -> Self {
        let on_call = matches!(
            s.state,
            AgentState::OnCall | AgentState::Ringing | AgentState::Dialing
        );
        let (direction, call_type) = match (s.on_call_acd, s.on_call_nonacd) {
            (true, _) => (Some(direction(CallDirection::Incoming)), None),
            (false, Some((d, internal))) => (
                Some(direction(d)),
                Some(if internal { "Internal" } else { "External" }),
            ),
            (false, None) => (None, None),
        };
        AgentStateOut {
            name: agent_state_name(s.state),
            agent_id: s.agent.0,
            phone_nb: s.phone_number.as_deref().unwrap_or(""),
            since: now.since(s.state_since).as_secs(),
            queues: s.queues.iter().map(|q| q.0).collect(),
            cause: s.pause_reason.as_deref().unwrap_or(""),
            acd: on_call.then_some(s.on_call_acd),
            direction: direction.filter(|_| on_call),
            call_type: call_type.filter(|_| on_call),
            monitor_state: on_call.then_some("DISABLED"),
        }
    }
}

/// One counter of `QueueStatistics`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CounterOut {
    /// The counter's name.
    pub stat_name: std::borrow::Cow<'static, str>,
    /// Its value.
    pub value: u64,
}

/// `QueueStatistics` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueStatisticsOut {
    /// The queue.
    pub queue_id: u32,
    /// Its counters.
    pub counters: Vec<CounterOut>,
}

impl QueueStatisticsOut {
    /// A queue's live counters in XuC form.
    pub fn new(queue: QueueId, s: &QueueLiveStats) -> Self {
        let c = |stat_name: &'static str, value| CounterOut {
            stat_name: stat_name.into(),
            value,
        };
        QueueStatisticsOut {
            queue_id: queue.0,
            counters: vec![
                c("AvailableAgents", u64::from(s.available_agents)),
                c("LoggedAgents", u64::from(s.logged_agents)),
                c("TalkingAgents", u64::from(s.talking_agents)),
                c("WaitingCalls", u64::from(s.waiting_calls)),
                c("LongestWaitTime", s.longest_wait.unwrap_or(0)),
                c("EWT", s.ewt),
            ],
        }
    }
}

/// A percentage as a whole number (0 when undefined).
fn whole_percent(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 {
        x.round() as u64
    } else {
        0
    }
}

impl QueueStatisticsOut {
    /// A queue's counters over a window (`getQueueStatistics`), `qos` the answer-time threshold
    /// in seconds that names two of them (`PercentageAnsweredBefore<qos>`, as XuC's
    /// `PercentageAnsweredBefore15`).
    pub fn windowed(queue: QueueId, w: &QueueWindowStats, qos: u64) -> Self {
        let c = |stat_name: std::borrow::Cow<'static, str>, value| CounterOut { stat_name, value };
        QueueStatisticsOut {
            queue_id: queue.0,
            counters: vec![
                c("TotalNumberCallsEntered".into(), u64::from(w.entered)),
                c("TotalNumberCallsAnswered".into(), u64::from(w.answered)),
                c("TotalNumberCallsAbandonned".into(), u64::from(w.abandoned)),
                c(
                    format!("TotalNumberCallsAnsweredBefore{qos}").into(),
                    u64::from(w.answered_within_qos),
                ),
                c(
                    format!("PercentageAnsweredBefore{qos}").into(),
                    whole_percent(w.qos),
                ),
                c("PercentageAnswered".into(), whole_percent(w.answer_rate)),
                c("AverageHoldTime".into(), whole_percent(w.holdtime_avg)),
                c("MaxHoldTime".into(), w.holdtime_max),
            ],
        }
    }
}
