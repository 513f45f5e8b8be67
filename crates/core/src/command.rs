//! Commands: what clients (through a protocol face) ask the core to do, and how it answers.
//!
//! The core checks each command against the live state and the requester's rights, then either
//! changes what it owns (presence, services) or asks the PBX to act ([`crate::pbx::PbxAction`]);
//! the PBX's resulting events change the rest. Every face gets the same rules.

use serde::{Deserialize, Serialize};

use crate::ids::{ActionId, AgentId, QueueId, RoomId, UniqueId, UserId};
use crate::live::ServiceChange;

/// A request to the core. `user`/`requester` is the authenticated user the session belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// A session of `user` completed its login; `presence` is the status it asks for.
    SessionOpened {
        /// The user.
        user: UserId,
        /// Requested presence (`None`: keep the current one, or `available` if disconnected).
        presence: Option<String>,
    },
    /// A session of `user` ended: `logout` when the client asked for it (presence actions of
    /// `disconnected` run), otherwise the connection just closed.
    SessionClosed {
        /// The user.
        user: UserId,
        /// Whether it was an explicit logout.
        logout: bool,
    },
    /// Change a user's presence (checked against the profile's allowed transitions; the new
    /// status's actions run).
    SetPresence {
        /// The user.
        user: UserId,
        /// The new status name.
        status: String,
    },
    /// Change a user's service (own services; a supervisor may change others').
    SetService {
        /// Who asks.
        requester: UserId,
        /// Whose services.
        target: UserId,
        /// The change.
        change: ServiceChange,
    },
    /// Place a call from the user's line (click-to-dial) or mobile.
    Dial {
        /// The user.
        user: UserId,
        /// The number (already stripped of `exten:xivo/` forms by the face).
        destination: String,
        /// Variables to attach (a `USR_` prefix is added when missing).
        variables: Vec<(String, String)>,
        /// Call from the user's mobile instead of the line.
        from_mobile: bool,
    },
    /// Hang up a call of the user's line (`uniqueid`, or the current call).
    Hangup {
        /// The user.
        user: UserId,
        /// Which channel of the user's line.
        uniqueid: Option<UniqueId>,
    },
    /// Answer a call ringing on the user's line, or take a call waiting elsewhere (queued, on
    /// hold, ringing another phone) onto it.
    Answer {
        /// The user.
        user: UserId,
        /// Which call (default: the oldest ringing one).
        uniqueid: Option<UniqueId>,
    },
    /// Hold (`Some(true)`), resume (`Some(false)`) or toggle (`None`) a call of the user's line.
    Hold {
        /// The user.
        user: UserId,
        /// Which channel of the user's line (default: the current call).
        uniqueid: Option<UniqueId>,
        /// Hold, resume or toggle.
        hold: Option<bool>,
    },
    /// Blind-transfer the user's current call.
    BlindTransfer {
        /// The user.
        user: UserId,
        /// Where to.
        destination: String,
    },
    /// Start an attended transfer of the user's current call.
    AttendedTransfer {
        /// The user.
        user: UserId,
        /// Where to.
        destination: String,
    },
    /// Complete the user's attended transfer.
    CompleteTransfer {
        /// The user.
        user: UserId,
    },
    /// Cancel the user's attended transfer.
    CancelTransfer {
        /// The user.
        user: UserId,
    },
    /// Turn the user's attended transfer into a three-party conference.
    Conference {
        /// The user.
        user: UserId,
    },
    /// Transfer the user's current call to a voicemail box (blind or attended).
    TransferToVoicemail {
        /// The user.
        user: UserId,
        /// The box's mailbox number.
        mailbox: String,
        /// Attended (the user hears the greeting first) or blind.
        attended: bool,
    },
    /// Attach variables to the user's current calls.
    SetCallData {
        /// The user.
        user: UserId,
        /// Variables (a `USR_` prefix is added when missing).
        variables: Vec<(String, String)>,
    },
    /// Log an agent in (own agent by default) on a line given by number (default: own line).
    AgentLogin {
        /// Who asks.
        requester: UserId,
        /// The agent (`None`: the requester's).
        agent: Option<AgentId>,
        /// The extension to log on (`None`: the requester's line).
        number: Option<String>,
    },
    /// Log an agent off.
    AgentLogout {
        /// Who asks.
        requester: UserId,
        /// The agent (`None`: the requester's).
        agent: Option<AgentId>,
    },
    /// Pause or unpause an agent in one queue or all.
    QueuePause {
        /// Who asks.
        requester: UserId,
        /// The agent (`None`: the requester's).
        agent: Option<AgentId>,
        /// The queue (`None`: all its queues).
        queue: Option<QueueId>,
        /// Pause or unpause.
        paused: bool,
        /// Reason.
        reason: Option<String>,
    },
    /// Add an agent to a queue (or change its penalty).
    QueueAdd {
        /// Who asks.
        requester: UserId,
        /// The agent.
        agent: AgentId,
        /// The queue.
        queue: QueueId,
        /// Penalty.
        penalty: u32,
    },
    /// Remove an agent from a queue.
    QueueRemove {
        /// Who asks.
        requester: UserId,
        /// The agent.
        agent: AgentId,
        /// The queue.
        queue: QueueId,
    },
    /// Listen to an agent's calls (supervisors).
    Listen {
        /// The supervisor.
        requester: UserId,
        /// The agent.
        agent: AgentId,
    },
    /// Mute or unmute a conference member, by join order.
    ConferenceMute {
        /// Who asks.
        requester: UserId,
        /// The room.
        room: RoomId,
        /// The member's join order.
        member: u32,
        /// Mute or unmute.
        muted: bool,
    },
    /// Remove a member from a conference room, by join order (one's own place, or anyone's
    /// with [`crate::rights::Right::KickFromRooms`]).
    ConferenceKick {
        /// Who asks.
        requester: UserId,
        /// The room.
        room: RoomId,
        /// The member's join order.
        member: u32,
    },
    /// Send DTMF digits on the user's answered call, as if pressed on the phone.
    SendDtmf {
        /// The user.
        user: UserId,
        /// The digits (`0-9`, `*`, `#`, `A-D`; at most [`MAX_DTMF_DIGITS`]).
        digits: String,
    },
    /// Send a fax.
    SendFax {
        /// The sender.
        user: UserId,
        /// The number to fax.
        destination: String,
        /// Document size in bytes.
        size: usize,
    },
    /// Send a chat message to a user.
    Chat {
        /// The sender.
        from: UserId,
        /// The recipient server's uuid.
        to_xivo_uuid: String,
        /// The recipient's user uuid.
        to_user_uuid: String,
        /// The message (at most 4 KiB). The recipient is told the sender's configured name; a
        /// client's own `alias` is not passed on.
        text: String,
    },
    /// A user submitted a call form (handed to the bus).
    CallFormResult {
        /// The user.
        user: UserId,
        /// The form's variables (`XIVOFORM_` prefix already removed).
        variables: Vec<(String, String)>,
    },
}

/// What kind of command a request was, without its arguments: enough for a face to answer a
/// late failure (an action the switch refused after the command was answered) in the form of
/// the request that caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CommandKind {
    /// A session opened or closed (its presence actions).
    Session,
    /// A presence change (its presence actions).
    Presence,
    /// A service change.
    Service,
    /// Click-to-dial.
    Dial,
    /// Hang up.
    Hangup,
    /// Answer or take a waiting call.
    Answer,
    /// Hold or resume.
    Hold,
    /// Blind transfer.
    BlindTransfer,
    /// Attended transfer start.
    AttendedTransfer,
    /// Attended transfer completion.
    CompleteTransfer,
    /// Attended transfer cancel.
    CancelTransfer,
    /// Attended transfer merged into a conference.
    Conference,
    /// Blind transfer to a voicemail box.
    BlindTransferToVoicemail,
    /// Attended transfer to a voicemail box.
    AttendedTransferToVoicemail,
    /// Attach data to calls.
    SetCallData,
    /// Agent login.
    AgentLogin,
    /// Agent logout.
    AgentLogout,
    /// Pause or unpause.
    QueuePause,
    /// Queue membership added.
    QueueAdd,
    /// Queue membership removed.
    QueueRemove,
    /// Supervisor listen.
    Listen,
    /// Conference member mute.
    ConferenceMute,
    /// Conference member kick.
    ConferenceKick,
    /// DTMF digits on a call.
    SendDtmf,
    /// Fax.
    SendFax,
    /// Chat message.
    Chat,
    /// Call form.
    CallFormResult,
}

impl Command {
    /// The user a command acts for (its session's user).
    pub fn requester(&self) -> UserId {
        use Command as C;
        match self {
            C::SessionOpened { user, .. }
            | C::SessionClosed { user, .. }
            | C::SetPresence { user, .. }
            | C::Dial { user, .. }
            | C::Hangup { user, .. }
            | C::Answer { user, .. }
            | C::Hold { user, .. }
            | C::BlindTransfer { user, .. }
            | C::AttendedTransfer { user, .. }
            | C::CompleteTransfer { user }
            | C::CancelTransfer { user }
            | C::Conference { user }
            | C::TransferToVoicemail { user, .. }
            | C::SetCallData { user, .. }
            | C::SendFax { user, .. }
            | C::SendDtmf { user, .. }
            | C::CallFormResult { user, .. } => *user,
            C::SetService { requester, .. }
            | C::AgentLogin { requester, .. }
            | C::AgentLogout { requester, .. }
            | C::QueuePause { requester, .. }
            | C::QueueAdd { requester, .. }
            | C::QueueRemove { requester, .. }
            | C::Listen { requester, .. }
            | C::ConferenceMute { requester, .. }
            | C::ConferenceKick { requester, .. } => *requester,
            C::Chat { from, .. } => *from,
        }
    }

    /// What kind of command it is.
    pub fn kind(&self) -> CommandKind {
        use Command as C;
        use CommandKind as K;
        match self {
            C::SessionOpened { .. } | C::SessionClosed { .. } => K::Session,
            C::SetPresence { .. } => K::Presence,
            C::SetService { .. } => K::Service,
            C::Dial { .. } => K::Dial,
            C::Hangup { .. } => K::Hangup,
            C::Answer { .. } => K::Answer,
            C::Hold { .. } => K::Hold,
            C::BlindTransfer { .. } => K::BlindTransfer,
            C::AttendedTransfer { .. } => K::AttendedTransfer,
            C::CompleteTransfer { .. } => K::CompleteTransfer,
            C::CancelTransfer { .. } => K::CancelTransfer,
            C::Conference { .. } => K::Conference,
            C::TransferToVoicemail {
                attended: false, ..
            } => K::BlindTransferToVoicemail,
            C::TransferToVoicemail { attended: true, .. } => K::AttendedTransferToVoicemail,
            C::SetCallData { .. } => K::SetCallData,
            C::AgentLogin { .. } => K::AgentLogin,
            C::AgentLogout { .. } => K::AgentLogout,
            C::QueuePause { .. } => K::QueuePause,
            C::QueueAdd { .. } => K::QueueAdd,
            C::QueueRemove { .. } => K::QueueRemove,
            C::Listen { .. } => K::Listen,
            C::ConferenceMute { .. } => K::ConferenceMute,
            C::ConferenceKick { .. } => K::ConferenceKick,
            C::SendDtmf { .. } => K::SendDtmf,
            C::SendFax { .. } => K::SendFax,
            C::Chat { .. } => K::Chat,
            C::CallFormResult { .. } => K::CallFormResult,
        }
    }
}

/// The most DTMF digits one [`Command::SendDtmf`] sends.
pub const MAX_DTMF_DIGITS: usize = 32;

/// What a successful command produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Done (or handed to the PBX).
    Done,
    /// A call is being placed to this number.
    Dialing {
        /// The number dialled.
        destination: String,
        /// The originate's correlation id.
        action: ActionId,
    },
    /// A fax is on its way.
    FaxQueued {
        /// Correlation id of its progress events.
        action: ActionId,
    },
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CommandError {
    /// The number reaches nothing.
    #[error("unreachable extension {0}")]
    UnreachableExtension(String),
    /// The requester may not do this.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// An object does not exist.
    #[error("unknown {kind} {id}")]
    NotFound {
        /// What kind of object.
        kind: String,
        /// Its id as given.
        id: String,
    },
    /// The user has no line.
    #[error("the user has no line")]
    NoLine,
    /// The user has no agent.
    #[error("the user is not an agent")]
    NoAgent,
    /// No call matches.
    #[error("no such call")]
    NoCall,
    /// The call or object is not in a state that allows this.
    #[error("{0}")]
    InvalidState(String),
    /// Another agent is logged in on that extension.
    #[error("another agent is logged in on that extension")]
    AgentExtenInUse,
    /// The extension to log an agent on is not a line.
    #[error("invalid extension for agent login")]
    AgentInvalidExten,
    /// The agent is already logged in on another line.
    #[error("the agent is logged in on {0}")]
    AgentAlreadyLogged(String),
    /// The presence status is unknown or not allowed from the current one.
    #[error("presence {0} is unknown or not allowed now")]
    InvalidPresence(String),
    /// A field has a bad value.
    #[error("invalid {field}: {reason}")]
    InvalidArgument {
        /// Which field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The requester sends too much too fast; they may try again later.
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// The PBX cannot take actions now.
    #[error("the telephony service is unavailable")]
    ServiceUnavailable,
}
