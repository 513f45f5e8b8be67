//! The fan-out task of a face: it receives the core's event batches, has the face's [`Render`]
//! turn each event into messages for topics (encoded once, plain or replaceable: [`Pushes`]), and
//! publishes them through a [`Fanout`] index of session outboxes.
//!
//! Sessions register their outbox and (un)subscribe through a bounded control channel
//! ([`FanoutHandle`]). Controls are served before events (`biased`), so a session that
//! subscribes and then reads the current state from the core never misses a change made after
//! that read. The task does no IO and never waits on a session (a session whose outbox overflows
//! is cut off by it), so it may subscribe to the core's hub with `BufferPolicy::Block`.

use std::fmt::Debug;
use std::hash::Hash;

use tokio::sync::mpsc;

use ctid_core::ids::SessionId;
use ctid_core::{EventReceiver, event::Event};

use crate::index::Fanout;
use crate::outbox::OutboxSender;
use crate::pushes::Pushes;

/// What a face renders: events into bytes per topic.
pub trait Render: Send + 'static {
    /// What a session subscribes to.
    type Topic: Hash + Eq + Clone + Debug + Send + 'static;

    /// Renders one event into messages for topics appended to `out` (the same bytes may go to
    /// several topics): plain `(topic, bytes)` pairs, or, for a push that carries an object's
    /// whole state, replaceable ones ([`Pushes::push_replaceable`]). `wanted` tells whether a
    /// topic has subscribers, so that costly renderings can be skipped when nobody would get
    /// them.
    fn render(
        &mut self,
        event: &Event,
        wanted: &dyn Fn(&Self::Topic) -> bool,
        out: &mut Pushes<Self::Topic>,
    );
}

/// A request to the fan-out task.
#[derive(Debug)]
pub enum Control<T> {
    /// Add a session with its outbox.
    Register(SessionId, OutboxSender),
    /// Subscribe a session to a topic.
    Subscribe(SessionId, T),
    /// Unsubscribe a session from a topic.
    Unsubscribe(SessionId, T),
    /// Forget a session.
    Remove(SessionId),
}

/// The sessions' end of the control channel.
#[derive(Debug)]
pub struct FanoutHandle<T> {
    tx: mpsc::Sender<Control<T>>,
    face: &'static str,
}

impl<T> Clone for FanoutHandle<T> {
    fn clone(&self) -> Self {
        FanoutHandle {
            tx: self.tx.clone(),
            face: self.face,
        }
    }
}

impl<T> FanoutHandle<T> {
    /// Sends a control message (waits for room; the fan-out task serves controls first).
    pub async fn send(&self, control: Control<T>) {
        if self.tx.send(control).await.is_err() {
            tracing::debug!(face = self.face, "the fan-out task has stopped");
        }
    }

    /// Registers a session's outbox.
    pub async fn register(&self, id: SessionId, outbox: OutboxSender) {
        self.send(Control::Register(id, outbox)).await;
    }

    /// Subscribes a session to a topic.
    pub async fn subscribe(&self, id: SessionId, topic: T) {
        self.send(Control::Subscribe(id, topic)).await;
    }

    /// Unsubscribes a session from a topic.
    pub async fn unsubscribe(&self, id: SessionId, topic: T) {
        self.send(Control::Unsubscribe(id, topic)).await;
    }

    /// Forgets a session.
    pub async fn remove(&self, id: SessionId) {
        self.send(Control::Remove(id)).await;
    }
}

/// Starts the fan-out task of the face named `face` (in logs) on `events`, rendering with
/// `renderer`; at most `control_capacity` control messages wait.
pub fn spawn_fanout<R: Render>(
    face: &'static str,
    events: EventReceiver,
    renderer: R,
    control_capacity: usize,
) -> (FanoutHandle<R::Topic>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(control_capacity.max(1));
    let task = tokio::spawn(run(face, events, rx, renderer));
    (FanoutHandle { tx, face }, task)
}

async fn run<R: Render>(
    face: &'static str,
    mut events: EventReceiver,
    mut controls: mpsc::Receiver<Control<R::Topic>>,
    mut renderer: R,
) {
    let mut index: Fanout<R::Topic> = Fanout::new();
    let mut rendered = Pushes::new();
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
                        for (topic, bytes, key) in rendered.drain() {
                            // Sessions cut off here were logged and counted by their outbox.
                            match key {
                                Some(key) => index.publish_replacing(&topic, key, &bytes),
                                None => index.publish(&topic, &bytes),
                            };
                        }
                    }
                }
                None => {
                    tracing::warn!(face, "the core stopped sending events to the fan-out");
                    events_open = false;
                }
            },
        }
    }
    tracing::debug!(face, "fan-out task stopped");
}

fn apply<T: Hash + Eq + Clone>(index: &mut Fanout<T>, control: Control<T>) {
    match control {
        Control::Register(id, outbox) => index.register(id, outbox),
        Control::Subscribe(id, topic) => index.subscribe(id, topic),
        Control::Unsubscribe(id, topic) => index.unsubscribe(id, &topic),
        Control::Remove(id) => index.remove(id),
    }
}
