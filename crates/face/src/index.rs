//! The fan-out index: the sessions' outboxes by topic, owned by one face's fan-out task.
//!
//! A face renders each domain event once into shared bytes, then [`Fanout::publish`]es them to
//! the sessions subscribed to the event's topic (a line, an agent, a queue, a list...): the cost
//! of an event is the number of sessions that asked for it, not the number connected. Sending
//! never waits: a session whose outbox overflows is cut off by its outbox
//! ([`crate::outbox`]: its kick token fires) and leaves the index, so it never slows the others.
//! A whole-state push may be published replaceable ([`Fanout::publish_replacing`]): in a session
//! that has not yet taken the previous copy of the same object, the newer copy replaces it.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use bytes::Bytes;

use ctid_core::ids::SessionId;

use crate::outbox::{OutboxSender, SendError, SupersedeKey};

#[derive(Debug)]
struct Entry<T> {
    outbox: OutboxSender,
    topics: HashSet<T>,
}

/// What a publish did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Sessions that got the message.
    pub delivered: usize,
    /// Sessions dropped because their outbox overflowed (or their writer had ended).
    pub dropped: Vec<SessionId>,
}

/// Sessions indexed by the topics they subscribed to.
#[derive(Debug)]
pub struct Fanout<T> {
    sessions: HashMap<SessionId, Entry<T>>,
    topics: HashMap<T, Vec<SessionId>>,
}

impl<T> Default for Fanout<T> {
    fn default() -> Self {
        Fanout {
            sessions: HashMap::new(),
            topics: HashMap::new(),
        }
    }
}

impl<T: Hash + Eq + Clone> Fanout<T> {
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
    pub fn register(&mut self, id: SessionId, outbox: OutboxSender) {
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
    pub fn publish(&mut self, topic: &T, msg: &Bytes) -> Delivery {
        self.publish_with(topic, |outbox| outbox.try_send(msg.clone()))
    }

    /// Sends a replaceable message to every session subscribed to `topic`: in each session's
    /// outbox it replaces a copy of `key` still waiting there
    /// ([`OutboxSender::try_send_replacing`]).
    pub fn publish_replacing(&mut self, topic: &T, key: SupersedeKey, msg: &Bytes) -> Delivery {
        self.publish_with(topic, |outbox| outbox.try_send_replacing(key, msg.clone()))
    }

    fn publish_with(
        &mut self,
        topic: &T,
        send: impl Fn(&OutboxSender) -> Result<(), SendError>,
    ) -> Delivery {
        let mut delivery = Delivery::default();
        let Some(ids) = self.topics.get(topic) else {
            return delivery;
        };
        for id in ids {
            match self.sessions.get(id).map(|e| send(&e.outbox)) {
                Some(Ok(())) => delivery.delivered += 1,
                Some(Err(_)) => delivery.dropped.push(*id),
                None => {}
            }
        }
        self.drop_sessions(&delivery.dropped);
        delivery
    }

    /// Sends a message to one session.
    pub fn send_to(&mut self, id: SessionId, msg: Bytes) -> Delivery {
        let mut delivery = Delivery::default();
        match self.sessions.get(&id).map(|e| e.outbox.try_send(msg)) {
            Some(Ok(())) => delivery.delivered = 1,
            Some(Err(_)) => delivery.dropped.push(id),
            None => {}
        }
        self.drop_sessions(&delivery.dropped);
        delivery
    }

    /// Forgets sessions whose outbox refused a message (the outbox has fired their kick).
    fn drop_sessions(&mut self, ids: &[SessionId]) {
        for id in ids {
            self.remove(*id);
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::outbox::{OutboxLimits, OutboxReceiver, Outboxes};

    /// A session with an outbox of `outboxes` limits.
    fn session(outboxes: &Outboxes, id: u64) -> (OutboxSender, OutboxReceiver, CancellationToken) {
        let kick = CancellationToken::new();
        let (tx, rx) = outboxes.open(SessionId(id), kick.clone());
        (tx, rx, kick)
    }

    fn byte(b: u8) -> Bytes {
        Bytes::from(vec![b])
    }

    #[test]
    fn publishes_only_to_subscribers_and_drops_the_slow() {
        let roomy = Outboxes::new("test", OutboxLimits::bytes(8));
        let tight = Outboxes::new("test", OutboxLimits::bytes(1));
        let mut fanout: Fanout<&'static str> = Fanout::new();
        let (a, mut a_rx, a_kick) = session(&roomy, 1);
        let (b, _b_rx, b_kick) = session(&tight, 2);
        fanout.register(SessionId(1), a);
        fanout.register(SessionId(2), b);
        fanout.subscribe(SessionId(1), "line:1");
        fanout.subscribe(SessionId(2), "line:1");
        fanout.subscribe(SessionId(2), "line:2");

        assert_eq!(fanout.publish(&"line:1", &byte(7)).delivered, 2);
        assert_eq!(fanout.publish(&"line:3", &byte(8)), Delivery::default());
        // b's budget (1 byte) is used now: the next message cuts it off.
        let d = fanout.publish(&"line:1", &byte(9));
        assert_eq!((d.delivered, d.dropped), (1, vec![SessionId(2)]));
        assert!(b_kick.is_cancelled() && !a_kick.is_cancelled());
        assert_eq!((tight.cut_offs(), roomy.cut_offs()), (1, 0));
        assert_eq!(fanout.subscribers(&"line:2"), 0);
        assert_eq!(fanout.len(), 1);
        assert_eq!(
            (a_rx.try_recv(), a_rx.try_recv(), a_rx.try_recv()),
            (Some(byte(7)), Some(byte(9)), None)
        );

        fanout.unsubscribe(SessionId(1), &"line:1");
        assert_eq!(fanout.publish(&"line:1", &byte(10)).delivered, 0);
        assert_eq!(fanout.send_to(SessionId(1), byte(11)).delivered, 1);
        fanout.remove(SessionId(1));
        assert!(fanout.is_empty());
    }

    #[test]
    fn unsubscribe_where_leaves_only_the_matching_topics() {
        let outboxes = Outboxes::new("test", OutboxLimits::bytes(64));
        let mut fanout: Fanout<u32> = Fanout::new();
        let (a, _a_rx, _) = session(&outboxes, 1);
        fanout.register(SessionId(1), a);
        for t in 0..4 {
            fanout.subscribe(SessionId(1), t);
        }
        fanout.unsubscribe_where(SessionId(1), |t| t % 2 == 0);
        assert!(fanout.is_subscribed(SessionId(1), &1) && !fanout.is_subscribed(SessionId(1), &2));
        assert_eq!((fanout.subscribers(&0), fanout.subscribers(&3)), (0, 1));
    }

    #[test]
    fn a_replaceable_publish_replaces_only_in_the_sessions_that_did_not_take_the_last_copy() {
        let outboxes = Outboxes::new("test", OutboxLimits::bytes(64));
        let mut fanout: Fanout<&'static str> = Fanout::new();
        let (a, mut a_rx, _) = session(&outboxes, 1);
        let (b, mut b_rx, _) = session(&outboxes, 2);
        fanout.register(SessionId(1), a);
        fanout.register(SessionId(2), b);
        fanout.subscribe(SessionId(1), "queue:1");
        fanout.subscribe(SessionId(2), "queue:1");
        let key = SupersedeKey::new("entries", 1);
        assert_eq!(
            fanout
                .publish_replacing(&"queue:1", key, &byte(1))
                .delivered,
            2
        );
        // a's writer takes the first copy; b's does not.
        assert_eq!(a_rx.try_recv(), Some(byte(1)));
        assert_eq!(
            fanout
                .publish_replacing(&"queue:1", key, &byte(2))
                .delivered,
            2
        );
        assert_eq!((a_rx.try_recv(), a_rx.try_recv()), (Some(byte(2)), None));
        assert_eq!((b_rx.try_recv(), b_rx.try_recv()), (Some(byte(2)), None));
    }
}
