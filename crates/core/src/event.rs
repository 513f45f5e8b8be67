//! Domain events: every change the core derives, carried to the protocol faces, the bus and the
//! store. Each event carries what the faces need (names, numbers, linked ids, queue, direction,
//! attached data; whether an object is new; the previous value where a face names a transition;
//! the set an object belongs to where a face lists it) so they translate, never recompute, and
//! keep no copy of the core's state.

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
use crate::remote::{RemoteObject, RemoteStatus, RemoteUser};

/// How a queue membership changed ([`Event::QueueMember`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum MembershipChange {
    /// The membership is new. Carries the queue's member agents after it, by id, this one
    /// included — the members the events have announced so far, so a face that lists them
    /// never shows one whose `QueueMember` it has not rendered yet.
    Added {
        /// The queue's member agents.
        members: Arc<[AgentId]>,
    },
    /// An existing membership's status changed (the member set did not).
    Changed,
}

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
    /// An agent's status changed.
    AgentStatus {
        /// The full new status.
        status: Arc<AgentStatus>,
        /// The status the previous event about this agent carried (`None` for an agent added
        /// to the configuration): a face compares the two to push only what its clients see
        /// change (the CTI form leaves out the XuC state), or to name a transition.
        previous: Option<Arc<AgentStatus>>,
    },
    /// An agent logged in or out.
    AgentLogin {
        /// The agent.
        agent: AgentId,
        /// The line it is logged on, when logged in.
        line: Option<LineId>,
    },
    /// A queue membership appeared or changed.
    QueueMember {
        /// The full new status.
        status: Arc<QueueMemberStatus>,
        /// Whether the membership is new (with the queue's members) or changed.
        change: MembershipChange,
    },
    /// A queue membership was removed (only one an earlier [`Event::QueueMember`] announced).
    QueueMemberRemoved {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
        /// The queue's member agents left, by id (as the events have announced them).
        members: Arc<[AgentId]>,
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
    /// A conference room changed: a member joined, left, or was muted or unmuted.
    ///
    /// Faces diff `previous` and `state` by channel (`uniqueid`) to name who joined, left or
    /// changed, and read `rooms` for whole-list messages (CTI `meetme_update`, XuC
    /// `ConferenceList`) and for where a user sits (CTI `meetme_user`), so no face keeps rooms
    /// of its own. Conference events are rare and each room is shared, so the list costs one
    /// pointer per configured room.
    Conference {
        /// The room after the change.
        state: Arc<ConferenceState>,
        /// The room before it.
        previous: Arc<ConferenceState>,
        /// Every configured room after the change, by room id.
        rooms: Arc<[Arc<ConferenceState>]>,
    },
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
    /// A chat message from a user of another node (through the bus) for a user of this node.
    RemoteChat {
        /// The sender.
        from: RemoteUser,
        /// The recipient.
        to: UserId,
        /// The sender's name, as the sending node gave it.
        alias: String,
        /// The message.
        text: String,
    },
    /// A chat message from a user of this node to a user of another node: the bus carries it
    /// there.
    ChatToRemote {
        /// The sender.
        from: UserId,
        /// The recipient.
        to: RemoteUser,
        /// The sender's configured full name.
        alias: String,
        /// The message.
        text: String,
    },
    /// Another node's object (user, agent, line) has a new status (from the bus).
    RemoteStatus {
        /// The object.
        object: Arc<RemoteObject>,
        /// Its status now.
        status: RemoteStatus,
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
