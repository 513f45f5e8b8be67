//! The XuC face's side of the fan-out: its [`Topic`]s, and the start of its fan-out task (the
//! face layer's task running the XuC [`Renderer`]).

use ctid_core::ids::{AgentId, LineId, QueueId, UserId, VoicemailId};
use ctid_core::{BufferPolicy, CoreHandle, CoreStopped};

use crate::render::Renderer;

/// What a XuC session subscribes to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// One user's own messages: services (`UserConfigUpdate`), presence, late command errors.
    /// Joined on open.
    User(UserId),
    /// One line's `PhoneEvent`s and `PhoneStatusUpdate`s. The user's line, joined on open.
    Line(LineId),
    /// One voicemail box's counts. The user's box, joined on open.
    Voicemail(VoicemailId),
    /// One agent's `AgentStateEvent`s: the user's own agent, joined on open and left for
    /// [`Topic::AgentEvents`] (which carries them too), so nothing arrives twice.
    Agent(AgentId),
    /// Every agent's `AgentStateEvent`s (`subscribeToAgentEvents`).
    AgentEvents,
    /// Every queue's `QueueStatistics` (`subscribeToQueueStats`).
    QueueStats,
    /// One queue's waiting callers, `QueueCalls` (`subscribeToQueueCalls`).
    QueueCalls(QueueId),
    /// One line's `PhoneHintStatusEvent`s (`subscribeToPhoneHints` with its number).
    PhoneHint(LineId),
    /// Every `QueueMember` change (joined by `getList queuemember`, as XuC's list
    /// subscribes to its updates).
    QueueMembers,
    /// `ConferenceList` on every conference change (joined by `getList meetme`).
    Conferences,
}

/// The sessions' end of the XuC fan-out task's control channel.
pub type FanoutHandle = ctid_face::FanoutHandle<Topic>;

/// Subscribes to the core (blocking policy: the task does no IO and cuts off sessions that do
/// not read, so every push a client relies on is kept) and starts the fan-out task.
pub async fn spawn(
    core: &CoreHandle,
    event_capacity: usize,
    control_capacity: usize,
) -> Result<(FanoutHandle, tokio::task::JoinHandle<()>), CoreStopped> {
    let events = core.subscribe(event_capacity, BufferPolicy::Block).await?;
    let renderer = Renderer::new(core.dataset(), core.clock().clone());
    Ok(ctid_face::spawn_fanout(
        "xuc",
        events,
        renderer,
        control_capacity,
    ))
}
