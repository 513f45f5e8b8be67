//! Domain events: every change the core derives, carried to the protocol faces, the bus and the
//! store. Each event carries what the faces need (names, numbers, linked ids, queue, direction,
//! attached data) so they translate, never recompute.

use std::sync::Arc;

use serde::Serialize;

use crate::command::CommandKind;
use crate::dataset::{ChangeKind, ConfigKey, DatasetVersion, UserServices};
use crate::ids::{ActionId, AgentId, LineId, QueueId, UserId, VoicemailId};
use crate::live::{
    AgentStatus, CallLogEntry, ConferenceState, CurrentCall, HintStatus, PhoneEvent, QueueEntry,
    QueueLiveStats, QueueMemberStatus, Service, VoicemailCounts,
};
use crate::pbx::{AttendedTransferState, FaxStatus};

/// A change in the live state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Event {
    /// A line's hint status changed.
    LineHint {
        /// The line.
        line: LineId,
        /// Its new status.
        hint: HintStatus,
    },
    /// A line's list of current calls changed (switchboard view).
    LineCalls {
        /// The line.
        line: LineId,
        /// Its calls now.
        calls: Arc<[CurrentCall]>,
    },
    /// A call event on a line.
    Phone(Arc<PhoneEvent>),
    /// An agent's status changed (the full new status).
    AgentStatus(Arc<AgentStatus>),
    /// An agent logged in or out.
    AgentLogin {
        /// The agent.
        agent: AgentId,
        /// The line it is logged on, when logged in.
        line: Option<LineId>,
    },
    /// A queue membership appeared or changed (the full new status).
    QueueMember(Arc<QueueMemberStatus>),
    /// A queue membership was removed.
    QueueMemberRemoved {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
    },
    /// A queue's live counters changed.
    QueueStats {
        /// The queue.
        queue: QueueId,
        /// The counters now.
        stats: QueueLiveStats,
    },
    /// The callers waiting in a queue changed.
    QueueEntries {
        /// The queue.
        queue: QueueId,
        /// The callers now, in order.
        entries: Arc<[QueueEntry]>,
    },
    /// A user's presence changed.
    UserPresence {
        /// The user.
        user: UserId,
        /// The new status name.
        status: String,
    },
    /// A user's services changed.
    UserServices {
        /// The user.
        user: UserId,
        /// The full new set.
        services: UserServices,
        /// Which ones changed.
        changed: Vec<Service>,
    },
    /// A voicemail box's counts changed.
    Voicemail {
        /// The box.
        voicemail: VoicemailId,
        /// The counts now.
        counts: VoicemailCounts,
    },
    /// A conference room changed.
    Conference(Arc<ConferenceState>),
    /// A call ended and was added to a user's history.
    CallLogged(Arc<CallLogEntry>),
    /// A chat message for a user of this node.
    Chat {
        /// Sender.
        from: UserId,
        /// Recipient.
        to: UserId,
        /// Sender's configured full name (never a name the sender chose).
        alias: String,
        /// The message.
        text: String,
    },
    /// A user's attended transfer progressed.
    AttendedTransfer {
        /// The transferring user.
        user: UserId,
        /// The user's line.
        line: LineId,
        /// Progress.
        state: AttendedTransferState,
    },
    /// A supervisor started or stopped listening to an agent.
    Listen {
        /// The supervisor.
        supervisor: UserId,
        /// The agent.
        agent: AgentId,
        /// Started or stopped.
        started: bool,
    },
    /// A call the user asked for could not be placed.
    DialFailed {
        /// The user.
        user: UserId,
        /// What was dialled.
        destination: String,
        /// Why.
        reason: String,
    },
    /// The switch refused an action a user's command asked for, after the command was answered
    /// (a refused dial is [`Event::DialFailed`], a refused fax a failed [`Event::FaxProgress`]).
    ActionFailed {
        /// The user whose command it was.
        user: UserId,
        /// What kind of command.
        command: CommandKind,
        /// The refused action.
        action: ActionId,
        /// Why, as the switch said it.
        reason: String,
    },
    /// Progress of a user's fax.
    FaxProgress {
        /// The sender.
        user: UserId,
        /// The send request.
        action: ActionId,
        /// Progress.
        status: FaxStatus,
        /// Pages sent.
        pages: Option<u32>,
    },
    /// A configured object was added, updated or removed. The events of one set of changes
    /// come together: removals of live memberships first, then one `Config` per change, then
    /// what the changes derive (new memberships, statuses).
    Config {
        /// The object.
        key: ConfigKey,
        /// What happened to it.
        change: ChangeKind,
        /// The configuration from this change on (faces read the object there; for a removal
        /// it is gone).
        dataset: DatasetVersion,
    },
    /// A user submitted a call form.
    CallFormResult {
        /// The user.
        user: UserId,
        /// The form's variables.
        variables: Vec<(String, String)>,
    },
}
