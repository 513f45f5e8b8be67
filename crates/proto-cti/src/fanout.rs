//! The CTI fan-out task: it subscribes to the core's events, renders each one once into bytes
//! ([`crate::render`]) and publishes them to the sessions subscribed to the event's [`Topic`],
//! through the core's [`Fanout`] index of bounded outboxes.
//!
//! Sessions register their outbox and (un)subscribe through a bounded control channel
//! ([`FanoutHandle`]). Controls are served before events (`biased`), so a session that
//! subscribes and then reads the current state from the core never misses a change made after
//! that read. A session whose outbox is full is cut off by the index (its kick token fires).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::mpsc;

use ctid_core::fanout::{Fanout, Outbox};
use ctid_core::ids::{AgentId, LineId, QueueId, SessionId, UserId};
use ctid_core::{BufferPolicy, CoreHandle, EventReceiver};

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
    /// A status of another server's object (fed by the bus, later).
    Remote(StatusKind, Arc<str>, Arc<str>),
}

/// A request to the fan-out task.
#[derive(Debug)]
pub enum Control {
    /// Add a session with its outbox.
    Register(SessionId, Outbox<Bytes>),
    /// Subscribe a session to a topic.
    Subscribe(SessionId, Topic),
    /// Unsubscribe a session from a topic.
    Unsubscribe(SessionId, Topic),
    /// Forget a session.
    Remove(SessionId),
}

/// The sessions' end of the control channel.
#[derive(Clone, Debug)]
pub struct FanoutHandle {
    tx: mpsc::Sender<Control>,
}

impl FanoutHandle {
    /// Sends a control message (waits for room; the fan-out task serves controls first).
    pub async fn send(&self, control: Control) {
        if self.tx.send(control).await.is_err() {
            tracing::debug!("the CTI fan-out task has stopped");
        }
    }

    /// Subscribes a session to a topic.
    pub async fn subscribe(&self, id: SessionId, topic: Topic) {
        self.send(Control::Subscribe(id, topic)).await;
    }

    /// Unsubscribes a session from a topic.
    pub async fn unsubscribe(&self, id: SessionId, topic: Topic) {
        self.send(Control::Unsubscribe(id, topic)).await;
    }
}

/// Starts the fan-out task: subscribes to the core and seeds the renderer with the current
/// memberships and conference rooms.
pub async fn spawn(
    core: &CoreHandle,
    event_capacity: usize,
    control_capacity: usize,
) -> Result<(FanoutHandle, tokio::task::JoinHandle<()>), ctid_core::CoreStopped> {
    // Blocking: this task does no IO (it cuts off sessions that do not read), so it drains as
    // fast as the core produces, and no push a client relies on is ever lost.
    let events = core.subscribe(event_capacity, BufferPolicy::Block).await?;
    let room_ids: Vec<_> = core.dataset().rooms.iter().map(|r| r.id).collect();
    let line_ids: Vec<_> = core.dataset().lines.iter().map(|l| l.id).collect();
    let queue_ids: Vec<_> = core.dataset().queues.iter().map(|q| q.id).collect();
    let now = core.clock().now();
    let (members, rooms, calls, queues) = core
        .read(move |s| {
            let members: HashSet<_> = s.queue_members().map(|m| (m.queue, m.agent)).collect();
            let rooms: HashMap<_, _> = room_ids
                .iter()
                .filter_map(|id| s.conference(*id).map(|c| (*id, c)))
                .collect();
            let calls: Vec<_> = line_ids.iter().map(|l| (*l, s.line_calls(*l))).collect();
            let queues: Vec<_> = queue_ids
                .iter()
                .map(|q| (*q, s.queue_entries(*q), s.queue_stats(*q, now)))
                .collect();
            (members, rooms, calls, queues)
        })
        .await?;
    let mut renderer = Renderer::new(core.dataset().clone(), core.clock().clone(), members, rooms);
    // What a session subscribing from now on is told first: a push saying the same is not sent.
    for (line, calls) in calls {
        renderer.seen_calls(line, &calls);
    }
    for (queue, entries, stats) in queues {
        renderer.seen_queue(queue, &entries, &stats);
    }
    let (tx, rx) = mpsc::channel(control_capacity.max(1));
    let task = tokio::spawn(run(events, rx, renderer));
    Ok((FanoutHandle { tx }, task))
}

async fn run(
    mut events: EventReceiver,
    mut controls: mpsc::Receiver<Control>,
    mut renderer: Renderer,
) {
    let mut index: Fanout<Topic, Bytes> = Fanout::new();
    let mut rendered = Vec::new();
    let mut events_open = true;
    loop {
        tokio::select! {
            biased;
            control = controls.recv() => match control {
                Some(control) => apply(&mut index, control),
                None => break,
            },
            batch = events.recv(), if events_open => match batch {
                Some(batch) => {
                    for event in batch.iter() {
                        renderer.render(event, &|t| index.subscribers(t) > 0, &mut rendered);
                        for (topic, bytes) in rendered.drain(..) {
                            let delivery = index.publish(&topic, &bytes);
                            for id in delivery.dropped {
                                tracing::warn!(session = %id, "CTI session cut off: its outbox is full (the client does not read)");
                            }
                        }
                    }
                }
                None => {
                    tracing::warn!("the core stopped sending events to the CTI fan-out");
                    events_open = false;
                }
            },
        }
    }
    tracing::debug!("CTI fan-out task stopped");
}

fn apply(index: &mut Fanout<Topic, Bytes>, control: Control) {
    match control {
        Control::Register(id, outbox) => index.register(id, outbox),
        Control::Subscribe(id, topic) => index.subscribe(id, topic),
        Control::Unsubscribe(id, topic) => index.unsubscribe(id, &topic),
        Control::Remove(id) => index.remove(id),
    }
}
