//! The `Pbx` port: what a telephony engine reports ([`PbxEvent`]) and what the core asks of it
//! ([`PbxAction`]).
//!
//! The vocabulary follows the Asterisk Manager Interface, one level up: an AMI adapter produces
//! these events from `Newchannel`, `Newstate`, `DialBegin`, `BridgeEnter`, `Hangup`,
//! `QueueCallerJoin`, `AgentConnect`... (recorded sessions in `shared/data/ami/`), after mapping
//! interfaces and names to configured ids; the embedded PBX produces them natively. Nothing
//! outside an adapter knows which engine runs.
//!
//! The port itself is a pair of bounded channels ([`pbx_link`]): the core sends actions without
//! ever waiting (a full queue is an error reply, not a stall), the adapter sends batches of events.
//!
//! The contract an engine keeps (ARCHITECTURE.md, "The Pbx port"):
//! - every action comes as a [`PbxRequest`] with an [`ActionId`]; an action the switch refuses
//!   is answered [`PbxEvent::ActionFailed`] with that id (AMI `Response: Error`); success needs no
//!   answer, its effects are the events that follow;
//! - after every (re)connect, and before anything else, the engine sends one
//!   [`PbxEvent::Snapshot`] of its whole live state ([`PbxSnapshot`]); the core replaces its live
//!   state with it and emits only what differs.

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::dataset::UserServices;
use crate::ids::{
    ActionId, AgentId, BridgeId, LineId, QueueId, RoomId, UniqueId, UserId, VoicemailId,
};
use crate::live::{ChannelState, DialStatus, Endpoint, Party};

pub use crate::pbx_snapshot::{
    AcdCallSnapshot, AgentSnapshot, ChannelSnapshot, MemberSnapshot, PbxSnapshot,
    QueueCallerSnapshot, RoomSnapshot,
};

/// Something that happened in the switch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PbxEvent {
    /// A channel appeared (AMI `Newchannel`).
    ChannelCreated {
        /// Its unique id.
        uniqueid: UniqueId,
        /// The call's linked id (the unique id of the channel that started the call).
        linkedid: UniqueId,
        /// Channel name (`SIP/1001-0000000a`).
        name: String,
        /// What the channel is attached to.
        endpoint: Endpoint,
        /// The channel's caller-id.
        caller: Party,
        /// The extension it dials or was dialled with.
        exten: String,
        /// Initial state.
        state: ChannelState,
    },
    /// A channel changed state (AMI `Newstate`).
    ChannelStateChanged {
        /// The channel.
        uniqueid: UniqueId,
        /// Its new state.
        state: ChannelState,
    },
    /// A channel's own caller-id changed (AMI `NewCallerid`).
    CallerIdChanged {
        /// The channel.
        uniqueid: UniqueId,
        /// New caller-id.
        caller: Party,
    },
    /// The party a channel is connected to changed (AMI `NewConnectedLine`).
    ConnectedLineChanged {
        /// The channel.
        uniqueid: UniqueId,
        /// The party it now talks to (or rings).
        connected: Party,
    },
    /// A channel starts dialling another (AMI `DialBegin`).
    DialBegin {
        /// The calling channel (none for an originate's first leg).
        caller: Option<UniqueId>,
        /// The called channel.
        callee: UniqueId,
        /// What was dialled.
        destination: String,
    },
    /// A dial attempt ended (AMI `DialEnd`).
    DialEnd {
        /// The calling channel.
        caller: Option<UniqueId>,
        /// The called channel.
        callee: UniqueId,
        /// How it ended.
        status: DialStatus,
    },
    /// A channel joined a bridge: it hears the others there (AMI `BridgeEnter`).
    BridgeEnter {
        /// The bridge.
        bridge: BridgeId,
        /// The channel.
        uniqueid: UniqueId,
    },
    /// A channel left a bridge (AMI `BridgeLeave`).
    BridgeLeave {
        /// The bridge.
        bridge: BridgeId,
        /// The channel.
        uniqueid: UniqueId,
    },
    /// A channel put its call on hold (AMI `Hold`).
    Hold {
        /// The holding channel.
        uniqueid: UniqueId,
    },
    /// A channel resumed its call (AMI `Unhold`).
    Unhold {
        /// The channel.
        uniqueid: UniqueId,
    },
    /// A channel is gone (AMI `Hangup`).
    Hangup {
        /// The channel.
        uniqueid: UniqueId,
        /// Q.850 cause (16 normal, 17 busy, 19 no answer, 20 unregistered, 21 rejected,
        /// 26 answered elsewhere, 34 congestion).
        cause: u16,
    },
    /// A channel variable was set (AMI `VarSet`); the core keeps `USR_*` and `XIVO_*` ones.
    VarSet {
        /// The channel.
        uniqueid: UniqueId,
        /// Variable name.
        name: String,
        /// Value.
        value: String,
    },
    /// A blind transfer happened (AMI `BlindTransfer`).
    BlindTransfer {
        /// The channel of the party who transferred.
        transferer: UniqueId,
        /// The channel being transferred.
        transferee: Option<UniqueId>,
        /// Where to.
        destination: String,
    },
    /// An attended transfer progressed (AMI `AttendedTransfer` for completion; the embedded
    /// PBX also reports the consultation being answered and the cancel).
    AttendedTransfer {
        /// The transferring party's channel (in its first call).
        transferer: UniqueId,
        /// The consultation call's channel on the transfer target, when known.
        target: Option<UniqueId>,
        /// Progress.
        state: AttendedTransferState,
    },
    /// A phone registered or unregistered (AMI `PeerStatus` / `ContactStatus`).
    LineRegistration {
        /// The line.
        line: LineId,
        /// Whether it is now registered.
        registered: bool,
    },
    /// A caller joined a queue (AMI `QueueCallerJoin`).
    QueueCallerJoin {
        /// The queue.
        queue: QueueId,
        /// The caller's channel.
        uniqueid: UniqueId,
        /// 1-based position.
        position: u32,
        /// Callers now waiting.
        count: u32,
    },
    /// A caller left a queue: answered, abandoned, timed out or sent away (AMI
    /// `QueueCallerLeave`).
    QueueCallerLeave {
        /// The queue.
        queue: QueueId,
        /// The caller's channel.
        uniqueid: UniqueId,
        /// Callers still waiting.
        count: u32,
    },
    /// A waiting caller hung up (AMI `QueueCallerAbandon`); a `QueueCallerLeave` follows.
    QueueCallerAbandon {
        /// The queue.
        queue: QueueId,
        /// The caller's channel.
        uniqueid: UniqueId,
        /// Position when leaving.
        position: u32,
        /// Position when joining.
        original_position: u32,
        /// Seconds waited.
        hold_time: u64,
    },
    /// The queue rings a member for a caller (AMI `AgentCalled`).
    AgentCalled {
        /// The queue.
        queue: QueueId,
        /// The member.
        agent: AgentId,
        /// The waiting caller's channel.
        caller: UniqueId,
        /// The channel ringing the member's phone.
        destination: UniqueId,
    },
    /// A member did not answer in time (AMI `AgentRingNoAnswer`).
    AgentRingNoAnswer {
        /// The queue.
        queue: QueueId,
        /// The member.
        agent: AgentId,
        /// The waiting caller's channel.
        caller: UniqueId,
        /// The channel that rang the member.
        destination: UniqueId,
    },
    /// A member answered a queue call (AMI `AgentConnect`).
    AgentConnect {
        /// The queue.
        queue: QueueId,
        /// The member.
        agent: AgentId,
        /// The caller's channel.
        caller: UniqueId,
        /// The member's channel.
        destination: UniqueId,
        /// Seconds the caller waited.
        hold_time: u64,
        /// Seconds the member's phone rang.
        ring_time: u64,
    },
    /// A queue call ended (AMI `AgentComplete`).
    AgentComplete {
        /// The queue.
        queue: QueueId,
        /// The member.
        agent: AgentId,
        /// The caller's channel.
        caller: UniqueId,
        /// The member's channel.
        destination: UniqueId,
        /// Seconds the caller waited.
        hold_time: u64,
        /// Seconds of conversation.
        talk_time: u64,
        /// Who ended it.
        reason: CompleteReason,
    },
    /// A member entered wrap-up after a queue call (the AMI adapter derives it from the queue's
    /// `wrapuptime`).
    AgentWrapupStarted {
        /// The member.
        agent: AgentId,
        /// The queue whose call it wraps up.
        queue: QueueId,
        /// Wrap-up length in seconds.
        seconds: u32,
    },
    /// A member's wrap-up is over.
    AgentWrapupEnded {
        /// The member.
        agent: AgentId,
    },
    /// An agent logged in on a line (AMI `AgentLogin`, or agentd's user event).
    AgentLogin {
        /// The agent.
        agent: AgentId,
        /// The line it will take calls on.
        line: LineId,
    },
    /// An agent logged off (AMI `AgentLogoff`).
    AgentLogoff {
        /// The agent.
        agent: AgentId,
    },
    /// An agent became a member of a queue (AMI `QueueMemberAdded`).
    QueueMemberAdded {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
        /// Its penalty.
        penalty: u32,
        /// Whether it starts paused.
        paused: bool,
    },
    /// An agent is no longer a member of a queue (AMI `QueueMemberRemoved`).
    QueueMemberRemoved {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
    },
    /// A member was paused or unpaused in one queue (AMI `QueueMemberPause`).
    QueueMemberPaused {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
        /// Paused or not.
        paused: bool,
        /// The reason given.
        reason: Option<String>,
    },
    /// A member's penalty changed (AMI `QueueMemberPenalty`).
    QueueMemberPenalty {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
        /// New penalty.
        penalty: u32,
    },
    /// A voicemail box's counts changed (AMI `MessageWaiting`).
    MessageWaiting {
        /// The box.
        voicemail: VoicemailId,
        /// New messages.
        new: u32,
        /// Old messages.
        old: u32,
    },
    /// A channel joined a conference room (AMI `ConfbridgeJoin`).
    ConferenceJoin {
        /// The room.
        room: RoomId,
        /// The channel.
        uniqueid: UniqueId,
        /// Whether it joins muted.
        muted: bool,
    },
    /// A channel left a conference room (AMI `ConfbridgeLeave`).
    ConferenceLeave {
        /// The room.
        room: RoomId,
        /// The channel.
        uniqueid: UniqueId,
    },
    /// A member was muted or unmuted (AMI `ConfbridgeMute` / `ConfbridgeUnmute`).
    ConferenceMute {
        /// The room.
        room: RoomId,
        /// The channel.
        uniqueid: UniqueId,
        /// Muted or not.
        muted: bool,
    },
    /// A channel started listening to another (AMI `ChanSpyStart`).
    SpyStart {
        /// The listening channel.
        spier: UniqueId,
        /// The channel listened to.
        spyee: UniqueId,
    },
    /// A channel stopped listening (AMI `ChanSpyStop`).
    SpyStop {
        /// The listening channel.
        spier: UniqueId,
    },
    /// Progress of a fax sent by a user (dialplan `UserEvent FaxProgress`).
    FaxProgress {
        /// The sender.
        user: UserId,
        /// The send request this is about.
        action: ActionId,
        /// Progress.
        status: FaxStatus,
        /// Pages sent (on success).
        pages: Option<u32>,
    },
    /// The result of an [`PbxAction::Originate`] (AMI `OriginateResponse`).
    OriginateResult {
        /// The originate this answers.
        action: ActionId,
        /// The first channel created, if any.
        uniqueid: Option<UniqueId>,
        /// Whether the call was placed.
        success: bool,
        /// Why not, when it failed.
        reason: String,
    },
    /// The switch refused an action (AMI `Response: Error`): nothing of it happened.
    ActionFailed {
        /// The action's id ([`PbxRequest::id`]).
        action: ActionId,
        /// Why, for people (AMI `Message`).
        reason: String,
    },
    /// The switch's whole live state, sent first after every (re)connect: the core replaces
    /// its live state with it and emits only the differences.
    Snapshot(Box<PbxSnapshot>),
}

/// Progress of an attended transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttendedTransferState {
    /// The consultation call is placed.
    Started,
    /// The transfer target answered the consultation call.
    Answered,
    /// The transfer completed: the held party talks to the target.
    Completed,
    /// The transfer was cancelled: the consultation call ended, the held party is back.
    Cancelled,
}

/// Who ended a queue call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CompleteReason {
    /// The member hung up.
    Agent,
    /// The caller hung up.
    Caller,
    /// The call was transferred.
    Transfer,
}

/// Progress of a fax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FaxStatus {
    /// The destination answered and the document is converted (`PRESENDFAX`).
    PreSend,
    /// Sent (`SUCCESS`).
    Success,
    /// Failed (`FAILED`).
    Failed,
}

impl FaxStatus {
    /// The CTI wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FaxStatus::PreSend => "PRESENDFAX",
            FaxStatus::Success => "SUCCESS",
            FaxStatus::Failed => "FAILED",
        }
    }
}

/// Where an originated call starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OriginateFrom {
    /// Ring this line first (click-to-dial).
    Line(LineId),
    /// Call this outside number first (dial from mobile).
    Number(String),
}

/// What the core asks the PBX to do. Results come back as [`PbxEvent`]s.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PbxAction {
    /// Place a call: ring `from` first, then, once answered, dial `destination` (AMI
    /// `Originate`). An [`PbxEvent::OriginateResult`] with the request's id follows.
    Originate {
        /// Where the call starts.
        from: OriginateFrom,
        /// The number to call.
        destination: String,
        /// Caller-id shown to the destination.
        caller: Party,
        /// Variables attached to the call (`USR_*`).
        variables: Vec<(String, String)>,
        /// Answer the first leg automatically (phones that support auto-answer).
        auto_answer: bool,
    },
    /// Hang a channel up (AMI `Hangup`).
    Hangup {
        /// The channel.
        uniqueid: UniqueId,
    },
    /// Answer a channel ringing on a phone.
    Answer {
        /// The ringing channel.
        uniqueid: UniqueId,
    },
    /// Connect a call waiting elsewhere (ringing another phone, queued, or held) to this line,
    /// ringing it with auto-answer (switchboard retrieve).
    Pickup {
        /// The waiting caller's channel.
        waiting: UniqueId,
        /// The line that takes it.
        line: LineId,
    },
    /// Put a channel's call on hold.
    Hold {
        /// The channel that holds (the user's).
        uniqueid: UniqueId,
    },
    /// Resume a held call.
    Unhold {
        /// The channel that held it.
        uniqueid: UniqueId,
    },
    /// Blind transfer: the party talking to `uniqueid` is sent to `destination` and `uniqueid`
    /// hangs up (AMI `BlindTransfer`).
    BlindTransfer {
        /// The transferring party's channel.
        uniqueid: UniqueId,
        /// Where to.
        destination: String,
    },
    /// Attended transfer: hold the party talking to `uniqueid` and call `destination` (AMI
    /// `Atxfer`).
    AttendedTransfer {
        /// The transferring party's channel.
        uniqueid: UniqueId,
        /// The transfer target.
        destination: String,
    },
    /// Complete the attended transfer started by `uniqueid`.
    CompleteTransfer {
        /// The transferring party's channel (of the first call).
        uniqueid: UniqueId,
    },
    /// Cancel the attended transfer started by `uniqueid`: hang up the consultation call and
    /// resume the first.
    CancelTransfer {
        /// The transferring party's channel (of the first call).
        uniqueid: UniqueId,
    },
    /// Turn the attended transfer started by `uniqueid` into a three-party conference.
    MergeConference {
        /// The transferring party's channel (of the first call).
        uniqueid: UniqueId,
    },
    /// Set a variable on a channel; `USR_*` variables follow the call through transfers.
    SetVariable {
        /// The channel.
        uniqueid: UniqueId,
        /// Name.
        name: String,
        /// Value.
        value: String,
    },
    /// Log an agent in on a line.
    AgentLogin {
        /// The agent.
        agent: AgentId,
        /// The line.
        line: LineId,
    },
    /// Log an agent off.
    AgentLogoff {
        /// The agent.
        agent: AgentId,
    },
    /// Make an agent a member of a queue, or change its penalty if it is one.
    QueueAdd {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
        /// Penalty.
        penalty: u32,
    },
    /// Remove an agent from a queue.
    QueueRemove {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
    },
    /// Pause or unpause an agent in one queue or (queue `None`) in all its queues.
    QueuePause {
        /// The queue, or all.
        queue: Option<QueueId>,
        /// The agent.
        agent: AgentId,
        /// Pause or unpause.
        paused: bool,
        /// Reason.
        reason: Option<String>,
    },
    /// Ring `listener` (auto-answer) and let it hear the calls of `target` (AMI `ChanSpy`).
    Listen {
        /// The supervisor's line.
        listener: LineId,
        /// The line listened to.
        target: LineId,
    },
    /// Mute or unmute a conference member.
    ConferenceMute {
        /// The room.
        room: RoomId,
        /// The member's channel.
        uniqueid: UniqueId,
        /// Mute or unmute.
        muted: bool,
    },
    /// Remove a member from a conference room (AMI `ConfbridgeKick`); a `ConferenceLeave`
    /// follows.
    ConferenceKick {
        /// The room.
        room: RoomId,
        /// The member's channel.
        uniqueid: UniqueId,
    },
    /// Send DTMF digits on a channel as if its phone pressed them (AMI `PlayDTMF` with
    /// `Receive`): the other party of the call hears them.
    SendDtmf {
        /// The channel.
        uniqueid: UniqueId,
        /// The digits (`0-9`, `*`, `#`, `A-D`).
        digits: String,
    },
    /// Tell the PBX a user's services changed (it routes calls with them).
    SetServices {
        /// The user.
        user: UserId,
        /// The full new set.
        services: UserServices,
    },
    /// Send a fax to a number on behalf of a user ([`PbxEvent::FaxProgress`] events with the
    /// request's id follow).
    SendFax {
        /// The sender.
        user: UserId,
        /// The number to fax.
        destination: String,
        /// Size of the document in bytes.
        size: usize,
    },
    /// The configuration changed (users, lines, agents, queues, memberships, voicemail boxes,
    /// profiles, rooms), already validated and applied by the core, in this order. The engine
    /// brings its own configuration in line (an Asterisk adapter: reloads the modules
    /// concerned); the live consequences (a removed line's calls ending, a new static member
    /// appearing) come back as events. Never refused: a change the engine cannot make is
    /// logged.
    ConfigChanged {
        /// The changes.
        changes: Vec<crate::dataset::ConfigChange>,
    },
}

/// An action with its id: what travels from the core to the engine. The id answers the action
/// in [`PbxEvent::ActionFailed`], [`PbxEvent::OriginateResult`] and [`PbxEvent::FaxProgress`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PbxRequest {
    /// The action's id, unique for the core's lifetime.
    pub id: ActionId,
    /// What to do.
    pub action: PbxAction,
}

/// The core's end of the PBX port.
#[derive(Debug)]
pub struct PbxPort {
    actions: mpsc::Sender<PbxRequest>,
    /// Batches of events from the PBX, in order.
    pub events: mpsc::Receiver<Vec<PbxEvent>>,
}

/// The adapter's end of the PBX port.
#[derive(Debug)]
pub struct PbxAdapterEnd {
    /// Actions from the core, in order.
    pub actions: mpsc::Receiver<PbxRequest>,
    /// Where to send batches of events.
    pub events: mpsc::Sender<Vec<PbxEvent>>,
}

/// The PBX cannot take another action right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the PBX is not taking actions (queue full or adapter stopped)")]
pub struct PbxUnavailable;

impl PbxPort {
    /// Hands an action to the PBX without waiting.
    pub fn submit(&self, request: PbxRequest) -> Result<(), PbxUnavailable> {
        self.actions.try_send(request).map_err(|_| PbxUnavailable)
    }
}

/// Creates a PBX port: `capacity` bounds both the action queue and the event-batch queue.
pub fn pbx_link(capacity: usize) -> (PbxPort, PbxAdapterEnd) {
    let (atx, arx) = mpsc::channel(capacity);
    let (etx, erx) = mpsc::channel(capacity);
    (
        PbxPort {
            actions: atx,
            events: erx,
        },
        PbxAdapterEnd {
            actions: arx,
            events: etx,
        },
    )
}
