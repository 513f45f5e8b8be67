//! What a face's `Render` makes of one event: messages for topics, each plain or replaceable.
//!
//! A plain message is pushed as a `(topic, bytes)` pair, as into a `Vec`, and reaches every
//! subscriber. A replaceable one ([`Pushes::push_replaceable`]) carries a [`SupersedeKey`]: it
//! is an object's whole state, and in a session's outbox it replaces an older copy of the same
//! object that is still waiting there (the rule is in [`crate::outbox`]). Replaceable is opt-in
//! per message; a face that never asks for it gets what it had. The pushes read as a slice of
//! `(topic, bytes)` pairs.

use std::ops::Deref;

use bytes::Bytes;

use crate::outbox::SupersedeKey;

/// The messages rendered from one event, in order.
#[derive(Debug)]
pub struct Pushes<T> {
    messages: Vec<(T, Bytes)>,
    /// The indexes in `messages` of the replaceable ones, increasing, with their keys.
    keys: Vec<(usize, SupersedeKey)>,
}

impl<T> Default for Pushes<T> {
    fn default() -> Self {
        Pushes {
            messages: Vec::new(),
            keys: Vec::new(),
        }
    }
}

impl<T> Pushes<T> {
    /// No message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a plain message for a topic's subscribers.
    pub fn push(&mut self, message: (T, Bytes)) {
        self.messages.push(message);
    }

    /// Adds a message carrying an object's whole state, which replaces an older copy with the
    /// same `key` still waiting in a subscriber's outbox.
    pub fn push_replaceable(&mut self, topic: T, key: SupersedeKey, bytes: Bytes) {
        self.keys.push((self.messages.len(), key));
        self.messages.push((topic, bytes));
    }

    /// The key of the `index`th message if it is replaceable.
    pub fn supersede_key(&self, index: usize) -> Option<SupersedeKey> {
        self.keys
            .binary_search_by_key(&index, |(i, _)| *i)
            .ok()
            .map(|at| self.keys[at].1)
    }

    /// Forgets every message.
    pub fn clear(&mut self) {
        self.messages.clear();
        self.keys.clear();
    }

    /// Takes every message out, in order, each with its key if replaceable.
    pub fn drain(&mut self) -> impl Iterator<Item = (T, Bytes, Option<SupersedeKey>)> + '_ {
        let mut keys = self.keys.drain(..).peekable();
        self.messages
            .drain(..)
            .enumerate()
            .map(move |(i, (topic, bytes))| {
                let key = keys.next_if(|(at, _)| *at == i).map(|(_, key)| key);
                (topic, bytes, key)
            })
    }
}

impl<T> Deref for Pushes<T> {
    type Target = [(T, Bytes)];

    fn deref(&self) -> &[(T, Bytes)] {
        &self.messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_replaceable_messages_keep_their_order_and_keys() {
        let key = SupersedeKey::new("entries", 7);
        let mut pushes = Pushes::new();
        pushes.push(("a", Bytes::from_static(b"1")));
        pushes.push_replaceable("b", key, Bytes::from_static(b"2"));
        pushes.push(("c", Bytes::from_static(b"3")));
        assert_eq!(pushes.len(), 3);
        assert_eq!(pushes[1].0, "b");
        assert_eq!(
            (0..3).map(|i| pushes.supersede_key(i)).collect::<Vec<_>>(),
            vec![None, Some(key), None]
        );
        let drained: Vec<_> = pushes.drain().map(|(t, _, k)| (t, k)).collect();
        assert_eq!(drained, vec![("a", None), ("b", Some(key)), ("c", None)]);
        assert!(pushes.is_empty() && pushes.supersede_key(1).is_none());
    }
}
