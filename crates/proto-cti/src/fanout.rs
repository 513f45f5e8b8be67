//! The CTI face's side of the fan-out: its [`Topic`]s, and the start of its fan-out task — the
//! face layer's task (`ctid_face::task`: control channel, event loop, index of byte-bounded
//! outboxes) running the CTI [`Renderer`], seeded with the core's current calls and queues.

use std::sync::Arc;

use ctid_core::ids::{AgentId, LineId, QueueId, UserId};
use ctid_core::{BufferPolicy, CoreHandle};

use crate::render::Renderer;
use crate::wire::input::{ListName, StatusKind};

/// What a session can subscribe to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Messages for one user's sessions only: sheets, chat, fax progress, `meetme_user`,
    /// transfer notices, asynchronous dial failures. Joined at login.
    User(UserId),
    /// Pushes about one user's own configuration and presence, for its sessions that are not on
    /// the users list (those get them through [`Topic::List`]). Joined at login under the
    /// `subscribed` push policy only, left when the session joins the users list, so nothing
    /// arrives twice.
    UserPush(UserId),
    /// `getlist` pushes of one list. Joined at login under the default `all` push policy, else
    /// on the session's first request about that list ([`crate::config::PushPolicy`]).
    List(ListName),
    /// `current_calls` of a line (`subscribe current_calls`).
    CurrentCalls(LineId),
    /// `meetme_update` (`subscribe meetme_update`).
    Meetme,
    /// `queueentryupdate` of a queue (`subscribe queueentryupdate`).
    QueueEntries(QueueId),
    /// `getqueuesstats` pushes (`subscribetoqueuesstats`).
    QueueStats,
    /// `user_status_update` of a user of this node (`register_user_status_update`).
    UserStatus(UserId),
    /// `agent_status_update` of an agent of this node.
    AgentStatus(AgentId),
    /// `endpoint_status_update` of a line of this node.
    EndpointStatus(LineId),
    /// A status of another server's object (fed by the bus through the core).
    Remote(StatusKind, Arc<str>, Arc<str>),
}

/// The sessions' end of the CTI fan-out task's control channel.
pub type FanoutHandle = ctid_face::FanoutHandle<Topic>;

impl ctid_face::Render for Renderer {
    type Topic = Topic;

    fn render(
        &mut self,
        event: &ctid_core::Event,
        wanted: &dyn Fn(&Topic) -> bool,
        out: &mut ctid_face::Pushes<Topic>,
    ) {
        Renderer::render(self, event, wanted, out);
    }
}

/// Starts the fan-out task: subscribes to the core and seeds the renderer with what a session
/// subscribing from now on is told of calls and queues; `coalesce_snapshots` is
/// `[cti] coalesce_snapshots`.
pub async fn spawn(
    core: &CoreHandle,
    event_capacity: usize,
    control_capacity: usize,
    coalesce_snapshots: bool,
) -> Result<(FanoutHandle, tokio::task::JoinHandle<()>), ctid_core::CoreStopped> {
    // Blocking: this task does no IO (it cuts off sessions that do not read), so it drains as
    // fast as the core produces, and no push a client relies on is ever lost.
    let events = core.subscribe(event_capacity, BufferPolicy::Block).await?;
    let line_ids: Vec<_> = core.dataset().lines().iter().map(|l| l.id).collect();
    let queue_ids: Vec<_> = core.dataset().queues().iter().map(|q| q.id).collect();
    let now = core.clock().now();
    let (calls, queues) = core
        .read(move |s| {
            let calls: Vec<_> = line_ids.iter().map(|l| (*l, s.line_calls(*l))).collect();
            let queues: Vec<_> = queue_ids
                .iter()
                .map(|q| (*q, s.queue_entries(*q), s.queue_stats(*q, now)))
                .collect();
            (calls, queues)
        })
        .await?;
    let mut renderer = Renderer::new(core.dataset().clone(), core.clock().clone());
    renderer.coalesce_snapshots(coalesce_snapshots);
    // What a session subscribing from now on is told first: a push saying the same is not sent.
    for (line, calls) in calls {
        renderer.seen_calls(line, &calls);
    }
    for (queue, entries, stats) in queues {
        renderer.seen_queue(queue, &entries, &stats);
    }
    Ok(ctid_face::spawn_fanout(
        "cti",
        events,
        renderer,
        control_capacity,
    ))
}

/// The topic a `register_*_status_update` pair of another server maps to.
pub fn remote_topic(kind: StatusKind, xivo_uuid: &str, id: &str) -> Topic {
    Topic::Remote(kind, Arc::from(xivo_uuid), Arc::from(id))
}
