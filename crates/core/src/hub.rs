//! The event hub: the core task hands each batch of domain events to every consumer (protocol
//! fan-outs, the bus publisher, the call-log writer) as one shared `Arc`, never copied.
//!
//! Consumers are internal tasks with a bounded queue; the core waits when one is full (so the PBX
//! waits too) rather than lose events. Client sessions never sit here: protocol fan-outs give them
//! their own bounded queues ([`crate::fanout`]), where a slow client is dropped instead.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::event::Event;

/// The events one input (a PBX batch or a command) produced, in order.
pub type EventBatch = Arc<Vec<Event>>;

/// The receiving end of a hub subscription.
#[derive(Debug)]
pub struct EventReceiver {
    rx: mpsc::Receiver<EventBatch>,
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
}

/// The consumers of the core's events.
#[derive(Debug, Default)]
pub(crate) struct EventHub {
    consumers: Vec<mpsc::Sender<EventBatch>>,
}

impl EventHub {
    /// Adds a consumer with a queue of `capacity` batches.
    pub(crate) fn subscribe(&mut self, capacity: usize) -> EventReceiver {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        self.consumers.push(tx);
        EventReceiver { rx }
    }

    /// Hands a batch to every consumer, waiting for room; consumers that went away are dropped.
    pub(crate) async fn publish(&mut self, batch: EventBatch) {
        let mut gone = false;
        for tx in &self.consumers {
            if tx.send(batch.clone()).await.is_err() {
                gone = true;
            }
        }
        if gone {
            self.consumers.retain(|tx| !tx.is_closed());
        }
    }
}
