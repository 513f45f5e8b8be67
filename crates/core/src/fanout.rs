//! Fan-out to client sessions: an index of session outboxes by topic, owned by one protocol task.
//!
//! A protocol face renders each domain event once into shared bytes, then [`Fanout::publish`]es
//! them to the sessions subscribed to the event's topic (a line, an agent, a queue, a list...):
//! the cost of an event is the number of sessions that asked for it, not the number connected.
//! Every session has a bounded outbox; a session whose outbox is full is cut off (its `kick`
//! token is cancelled and it leaves the index) so that it never slows the others.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::ids::SessionId;

/// A session's outbound side, as the fan-out sees it.
#[derive(Debug)]
pub struct Outbox<M> {
    /// The session's bounded message queue.
    pub tx: mpsc::Sender<M>,
    /// Cancelled to tell the session it was dropped for being too slow.
    pub kick: CancellationToken,
}

#[derive(Debug)]
struct Entry<T, M> {
    outbox: Outbox<M>,
    topics: HashSet<T>,
}

/// What a publish did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Sessions that got the message.
    pub delivered: usize,
    /// Sessions dropped because their outbox was full.
    pub dropped: Vec<SessionId>,
}

/// Sessions indexed by the topics they subscribed to.
#[derive(Debug)]
pub struct Fanout<T, M> {
    sessions: HashMap<SessionId, Entry<T, M>>,
    topics: HashMap<T, Vec<SessionId>>,
}

impl<T, M> Default for Fanout<T, M> {
    fn default() -> Self {
        Fanout {
            sessions: HashMap::new(),
            topics: HashMap::new(),
        }
    }
}

impl<T: Hash + Eq + Clone, M: Clone> Fanout<T, M> {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of registered sessions.
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// Whether no session is registered.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// Number of sessions subscribed to a topic.
    pub fn subscribers(&self, topic: &T) -> usize {
        self.topics.get(topic).map_or(0, Vec::len)
    }

    /// Registers a session (replacing any previous registration under the same id).
    pub fn register(&mut self, id: SessionId, outbox: Outbox<M>) {
        self.remove(id);
        self.sessions.insert(
            id,
            Entry {
                outbox,
                topics: HashSet::new(),
            },
        );
    }

    /// Subscribes a registered session to a topic (idempotent).
    pub fn subscribe(&mut self, id: SessionId, topic: T) {
        if let Some(entry) = self.sessions.get_mut(&id)
            && entry.topics.insert(topic.clone())
        {
            self.topics.entry(topic).or_default().push(id);
        }
    }

    /// Unsubscribes a session from a topic.
    pub fn unsubscribe(&mut self, id: SessionId, topic: &T) {
        if let Some(entry) = self.sessions.get_mut(&id)
            && entry.topics.remove(topic)
        {
            Self::unlink(&mut self.topics, id, topic);
        }
    }

    /// Unsubscribes a session from every topic matching `pred`.
    pub fn unsubscribe_where(&mut self, id: SessionId, mut pred: impl FnMut(&T) -> bool) {
        if let Some(entry) = self.sessions.get_mut(&id) {
            let gone: Vec<T> = entry.topics.iter().filter(|t| pred(t)).cloned().collect();
            for topic in gone {
                entry.topics.remove(&topic);
                Self::unlink(&mut self.topics, id, &topic);
            }
        }
    }

    /// Whether a session is subscribed to a topic.
    pub fn is_subscribed(&self, id: SessionId, topic: &T) -> bool {
        self.sessions
            .get(&id)
            .is_some_and(|e| e.topics.contains(topic))
    }

    /// Forgets a session.
    pub fn remove(&mut self, id: SessionId) {
        if let Some(entry) = self.sessions.remove(&id) {
            for topic in &entry.topics {
                Self::unlink(&mut self.topics, id, topic);
            }
        }
    }

    fn unlink(topics: &mut HashMap<T, Vec<SessionId>>, id: SessionId, topic: &T) {
        if let Some(ids) = topics.get_mut(topic) {
            if let Some(pos) = ids.iter().position(|s| *s == id) {
                ids.swap_remove(pos);
            }
            if ids.is_empty() {
                topics.remove(topic);
            }
        }
    }

    /// Sends a message to every session subscribed to `topic`.
    pub fn publish(&mut self, topic: &T, msg: &M) -> Delivery {
        let mut delivery = Delivery::default();
        let Some(ids) = self.topics.get(topic) else {
            return delivery;
        };
        for id in ids {
            match self
                .sessions
                .get(id)
                .map(|e| e.outbox.tx.try_send(msg.clone()))
            {
                Some(Ok(())) => delivery.delivered += 1,
                Some(Err(_)) => delivery.dropped.push(*id),
                None => {}
            }
        }
        self.drop_sessions(&delivery.dropped);
        delivery
    }

    /// Sends a message to one session.
    pub fn send_to(&mut self, id: SessionId, msg: M) -> Delivery {
        let mut delivery = Delivery::default();
        match self.sessions.get(&id).map(|e| e.outbox.tx.try_send(msg)) {
            Some(Ok(())) => delivery.delivered = 1,
            Some(Err(_)) => delivery.dropped.push(id),
            None => {}
        }
        self.drop_sessions(&delivery.dropped);
        delivery
    }

    fn drop_sessions(&mut self, ids: &[SessionId]) {
        for id in ids {
            if let Some(entry) = self.sessions.get(id) {
                entry.outbox.kick.cancel();
            }
            self.remove(*id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(cap: usize) -> (Outbox<u32>, mpsc::Receiver<u32>, CancellationToken) {
        let (tx, rx) = mpsc::channel(cap);
        let kick = CancellationToken::new();
        (
            Outbox {
                tx,
                kick: kick.clone(),
            },
            rx,
            kick,
        )
    }

    #[test]
    fn publishes_only_to_subscribers_and_drops_the_slow() {
        let mut fanout: Fanout<&'static str, u32> = Fanout::new();
        let (a, mut a_rx, a_kick) = session(8);
        let (b, _b_rx, b_kick) = session(1);
        fanout.register(SessionId(1), a);
        fanout.register(SessionId(2), b);
        fanout.subscribe(SessionId(1), "line:1");
        fanout.subscribe(SessionId(2), "line:1");
        fanout.subscribe(SessionId(2), "line:2");

        assert_eq!(fanout.publish(&"line:1", &7).delivered, 2);
        assert_eq!(fanout.publish(&"line:3", &8), Delivery::default());
        // b's outbox (capacity 1) is full now: the next message drops it.
        let d = fanout.publish(&"line:1", &9);
        assert_eq!((d.delivered, d.dropped), (1, vec![SessionId(2)]));
        assert!(b_kick.is_cancelled() && !a_kick.is_cancelled());
        assert_eq!(fanout.subscribers(&"line:2"), 0);
        assert_eq!(fanout.len(), 1);
        assert_eq!(
            (a_rx.try_recv(), a_rx.try_recv(), a_rx.try_recv().is_err()),
            (Ok(7), Ok(9), true)
        );

        fanout.unsubscribe(SessionId(1), &"line:1");
        assert_eq!(fanout.publish(&"line:1", &10).delivered, 0);
        fanout.remove(SessionId(1));
        assert!(fanout.is_empty());
    }
}
