//! The event hub: the core task hands each batch of domain events to every consumer (protocol
//! fan-outs, the bus publisher, the call-log writer) as one shared `Arc`, never copied.
//!
//! Every consumer has a bounded queue and an explicit [`BufferPolicy`] saying what happens when
//! that queue is full:
//! - [`BufferPolicy::Block`]: the core waits for room. Only for faces' fan-out tasks, which do
//!   no IO of their own (they render and hand bytes to sessions' bounded outboxes, cutting off a
//!   session that does not read), so they drain as fast as the core produces and no event a
//!   client relies on is ever lost.
//! - [`BufferPolicy::DropNewest`]: the batch is not queued for that consumer, the drop is
//!   counted in its [`ConsumerStats`] and logged. For consumers that wait on the outside world
//!   (a database, a broker): they must never make the core wait.
//!
//! Client sessions never sit here: a face's fan-out gives each its own outbox bounded in bytes
//! (`crates/face`), where a slow client is cut off instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use crate::event::Event;

/// The events one input (a PBX batch or a command) produced, in order.
pub type EventBatch = Arc<Vec<Event>>;

/// What the hub does when a consumer's queue is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferPolicy {
    /// Wait for room (the core, and so the PBX link, waits): for faces' fan-out tasks only.
    Block,
    /// Drop the batch for this consumer, count it and log it: the core never waits.
    DropNewest,
}

/// Which events a consumer wants: a batch holding none of them is not queued for it, so it
/// neither takes room in the consumer's queue nor risks being dropped there.
pub type Interest = fn(&Event) -> bool;

/// The [`Interest`] of a consumer that wants every event.
pub fn every_event(_: &Event) -> bool {
    true
}

/// Counters of one hub consumer, readable while the core runs (shared, lock-free).
#[derive(Debug, Default)]
pub struct ConsumerStats {
    delivered: AtomicU64,
    dropped: AtomicU64,
}

impl ConsumerStats {
    /// Batches queued for the consumer.
    pub fn delivered(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }

    /// Batches dropped because its queue was full ([`BufferPolicy::DropNewest`]).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The receiving end of a hub subscription.
#[derive(Debug)]
pub struct EventReceiver {
    rx: mpsc::Receiver<EventBatch>,
    stats: Arc<ConsumerStats>,
}

impl EventReceiver {
    /// The next batch, or `None` once the core has stopped.
    pub async fn recv(&mut self) -> Option<EventBatch> {
        self.rx.recv().await
    }

    /// The next batch if one is ready.
    pub fn try_recv(&mut self) -> Option<EventBatch> {
        self.rx.try_recv().ok()
    }

    /// This subscription's counters.
    pub fn stats(&self) -> Arc<ConsumerStats> {
        self.stats.clone()
    }
}

#[derive(Debug)]
struct Consumer {
    tx: mpsc::Sender<EventBatch>,
    policy: BufferPolicy,
    interest: Interest,
    stats: Arc<ConsumerStats>,
    /// Whether the last batch offered was dropped (a run of drops is logged once).
    dropping: bool,
}

/// The consumers of the core's events.
#[derive(Debug, Default)]
pub(crate) struct EventHub {
    consumers: Vec<Consumer>,
}

impl EventHub {
    /// Adds a consumer with a queue of `capacity` batches, what to do when it is full, and the
    /// events it wants.
    pub(crate) fn subscribe(
        &mut self,
        capacity: usize,
        policy: BufferPolicy,
        interest: Interest,
    ) -> EventReceiver {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let stats = Arc::new(ConsumerStats::default());
        self.consumers.push(Consumer {
            tx,
            policy,
            interest,
            stats: stats.clone(),
            dropping: false,
        });
        EventReceiver { rx, stats }
    }

    /// Hands a batch to every consumer that wants one of its events, as the consumer's policy
    /// says; consumers that went away are dropped. Waits only for [`BufferPolicy::Block`]
    /// consumers.
    pub(crate) async fn publish(&mut self, batch: EventBatch) {
        let mut gone = false;
        for consumer in &mut self.consumers {
            if !batch.iter().any(consumer.interest) {
                continue;
            }
            let sent = match consumer.policy {
                BufferPolicy::Block => consumer.tx.send(batch.clone()).await.is_ok(),
                BufferPolicy::DropNewest => match consumer.tx.try_send(batch.clone()) {
                    Ok(()) => true,
                    Err(TrySendError::Full(_)) => {
                        let dropped = consumer.stats.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                        if !consumer.dropping {
                            consumer.dropping = true;
                            tracing::warn!(
                                dropped,
                                "an event consumer is not keeping up: its queue is full, batches are dropped"
                            );
                        }
                        continue;
                    }
                    Err(TrySendError::Closed(_)) => false,
                },
            };
            if sent {
                consumer.stats.delivered.fetch_add(1, Ordering::Relaxed);
                if std::mem::take(&mut consumer.dropping) {
                    tracing::info!(
                        dropped = consumer.stats.dropped(),
                        "an event consumer caught up"
                    );
                }
            } else {
                gone = true;
            }
        }
        if gone {
            self.consumers.retain(|c| !c.tx.is_closed());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(user: u32) -> Event {
        Event::UserPresence {
            user: crate::ids::UserId(user),
            status: "available".into(),
        }
    }

    fn batch() -> EventBatch {
        Arc::new(vec![presence(1)])
    }

    fn is_presence_of_user_2(event: &Event) -> bool {
        matches!(event, Event::UserPresence { user, .. } if user.0 == 2)
    }

    /// A consumer gets only the batches holding an event it wants, so batches it does not
    /// want never fill its queue.
    #[tokio::test]
    async fn a_consumer_gets_only_batches_with_an_event_it_wants() {
        let mut hub = EventHub::default();
        let mut picky = hub.subscribe(1, BufferPolicy::DropNewest, is_presence_of_user_2);
        for _ in 0..10 {
            hub.publish(batch()).await;
        }
        hub.publish(Arc::new(vec![presence(1), presence(2)])).await;
        assert_eq!(picky.stats().delivered(), 1);
        assert_eq!(picky.stats().dropped(), 0);
        assert_eq!(picky.try_recv().expect("the batch it wants").len(), 2);
        assert!(picky.try_recv().is_none());
    }

    /// A drop-newest consumer that never reads neither blocks the publisher nor keeps a
    /// blocking one from getting everything; its drops are counted.
    #[tokio::test]
    async fn a_full_drop_newest_consumer_never_blocks_the_core() {
        let mut hub = EventHub::default();
        let stuck = hub.subscribe(2, BufferPolicy::DropNewest, every_event);
        let mut face = hub.subscribe(1, BufferPolicy::Block, every_event);
        let reader = tokio::spawn(async move {
            let mut n = 0;
            while face.recv().await.is_some() {
                n += 1;
            }
            n
        });
        let publish = async {
            for _ in 0..100 {
                hub.publish(batch()).await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(5), publish)
            .await
            .expect("the hub never waits on a drop-newest consumer");
        assert_eq!(stuck.stats().delivered(), 2);
        assert_eq!(stuck.stats().dropped(), 98);
        drop(hub);
        assert_eq!(reader.await.unwrap(), 100);
    }
}
