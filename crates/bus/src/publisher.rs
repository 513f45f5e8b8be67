//! The bus publisher: a hub consumer with [`BufferPolicy::DropNewest`] (the core never waits on
//! the broker) that maps each event to bus messages, encodes them once, and hands them to a
//! bounded outbox; the connection task (`connection.rs`) empties it. A full outbox (the broker is
//! away or slow) drops new messages, logged once per run of drops and counted in [`BusStats`].
//!
//! Each message gets the AMQP `message_id` `<node uuid>:<run>:<n>`: `run` is the publisher's
//! start (Unix ms), `n` counts the run's messages from 1, dropped ones included, so a consumer
//! sees a gap where messages were dropped and a repeated id where one was published again
//! after a reconnection (at least once).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use ctid_core::event::Event;
use ctid_core::{BufferPolicy, ConsumerStats, CoreHandle, CoreStopped};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use crate::config::BusConfig;
use crate::connection::{self, Outgoing};
use crate::map::EventMapper;
use crate::message::{Encoded, HeaderValue};

/// Counters of the publisher, readable while it runs.
#[derive(Debug, Default)]
pub struct BusStats {
    pub(crate) queued: AtomicU64,
    pub(crate) confirmed: AtomicU64,
    pub(crate) nacked: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) unencodable: AtomicU64,
    pub(crate) connections: AtomicU64,
    pub(crate) connected: AtomicBool,
}

impl BusStats {
    /// Messages put in the outbox.
    pub fn queued(&self) -> u64 {
        self.queued.load(Ordering::Relaxed)
    }

    /// Messages the broker confirmed.
    pub fn confirmed(&self) -> u64 {
        self.confirmed.load(Ordering::Relaxed)
    }

    /// Messages the broker refused (nack).
    pub fn nacked(&self) -> u64 {
        self.nacked.load(Ordering::Relaxed)
    }

    /// Messages dropped because the outbox was full (or the publisher stopped with messages
    /// still waiting).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Messages that could not be put in AMQP form (a routing key or header name over 255
    /// bytes).
    pub fn unencodable(&self) -> u64 {
        self.unencodable.load(Ordering::Relaxed)
    }

    /// Connections to the broker made so far.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Whether the publisher is connected now.
    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }
}

/// A running publisher.
#[derive(Debug)]
pub struct BusPublisher {
    /// Its counters.
    pub stats: Arc<BusStats>,
    /// Its hub subscription's counters (batches dropped before the publisher saw them).
    pub hub: Arc<ConsumerStats>,
    /// The task mapping events into the outbox; it ends once the core has stopped.
    pub reader: tokio::task::JoinHandle<()>,
    /// The task publishing the outbox; it ends once the reader has ended and the outbox is
    /// published (or the broker is unreachable then).
    pub task: tokio::task::JoinHandle<()>,
}

/// Whether an event can make a bus message (other batches are not queued for the publisher).
fn is_published(event: &Event) -> bool {
    matches!(
        event,
        Event::UserPresence { .. }
            | Event::LineHint { .. }
            | Event::AgentLogin { .. }
            | Event::QueueMember { .. }
            | Event::QueueMemberRemoved { .. }
            | Event::CallFormResult { .. }
            | Event::UserServices { .. }
            | Event::ChatToRemote { .. }
            | Event::Phone(_)
    )
}

/// Subscribes to the core and spawns the publisher's tasks, publishing to the broker at `url`.
/// `origin_uuid` is the dataset's `xivo_uuid`: the node's uuid, which `ctid serve` sets.
pub async fn spawn_publisher(
    core: &CoreHandle,
    url: String,
    config: BusConfig,
) -> Result<BusPublisher, CoreStopped> {
    let mut events = core
        .subscribe_to(config.hub_capacity, BufferPolicy::DropNewest, is_published)
        .await?;
    let hub = events.stats();
    let stats = Arc::new(BusStats::default());
    let (tx, rx) = mpsc::channel::<Outgoing>(config.outbox_capacity.max(1));
    let origin_uuid = core.dataset().xivo_uuid().to_owned();
    let counters = stats.clone();
    // A dataset watch, not a `CoreHandle`: the reader must not keep the core running.
    let datasets = core.watch_dataset();
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let reader = tokio::spawn(async move {
        let mut mapper = EventMapper::new();
        let mut sequence = 0u64;
        let mut messages = Vec::new();
        let mut dropping = false;
        while let Some(batch) = events.recv().await {
            let dataset = datasets.borrow().clone();
            for event in batch.iter() {
                mapper.map(&dataset, &origin_uuid, event, &mut messages);
            }
            for message in messages.drain(..) {
                sequence += 1;
                let id = format!("{origin_uuid}:{run}:{sequence}");
                let Some(outgoing) = to_amqp(id, message.encode(&origin_uuid)) else {
                    counters.unencodable.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        name = message.name,
                        "a bus message has a routing key or header too long for AMQP: dropped"
                    );
                    continue;
                };
                match tx.try_send(outgoing) {
                    Ok(()) => {
                        counters.queued.fetch_add(1, Ordering::Relaxed);
                        dropping = false;
                    }
                    Err(TrySendError::Full(_)) => {
                        let dropped = counters.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                        if !std::mem::replace(&mut dropping, true) {
                            tracing::warn!(
                                dropped,
                                name = message.name,
                                "the message bus outbox is full: events are not published"
                            );
                        }
                    }
                    Err(TrySendError::Closed(_)) => return,
                }
            }
        }
    });
    let task = tokio::spawn(connection::run(url, config, rx, stats.clone()));
    Ok(BusPublisher {
        stats,
        hub,
        reader,
        task,
    })
}

/// The AMQP form of an encoded message, or `None` when its id, routing key or a header name is
/// too long for an AMQP short string.
fn to_amqp(message_id: String, encoded: Encoded) -> Option<Outgoing> {
    let message_id = ShortString::try_new(message_id).ok()?;
    let routing_key = ShortString::try_new(encoded.routing_key).ok()?;
    let mut headers = FieldTable::default();
    for (key, value) in encoded.headers {
        let value = match value {
            HeaderValue::Text(text) => AMQPValue::LongString(LongString::from(text)),
            HeaderValue::Bool(b) => AMQPValue::Boolean(b),
        };
        headers.insert(ShortString::try_new(key).ok()?, value);
    }
    Some(Outgoing {
        message_id,
        routing_key,
        body: encoded.body,
        headers,
    })
}
