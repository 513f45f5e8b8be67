//! Whole-state pushes: the objects whose pushes carry their whole state (a line's calls, a
//! queue's counters and callers, the conference rooms, a membership). A push whose wire form
//! (without `timenow`) is the one last sent for the same object says nothing new and is not
//! sent again; the first four go out replaceable, so a newer copy replaces an older one still
//! waiting in a session's outbox (`[cti] coalesce_snapshots`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use bytes::Bytes;
use ctid_face::{Pushes, SupersedeKey};

use ctid_core::Timestamp;
use ctid_core::ids::{AgentId, LineId, QueueId};

use crate::fanout::Topic;
use crate::wire::encode::{encode_prefix, with_timenow};

/// An object whose pushes carry its whole state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Snapshot {
    /// A line's `current_calls` (ringing calls are not listed, so many core changes look alike).
    CurrentCalls(LineId),
    /// A queue's `getqueuesstats` push.
    QueueStats(QueueId),
    /// A queue's `queueentryupdate`.
    QueueEntries(QueueId),
    /// `meetme_update`.
    Meetme,
    /// A membership's `queuemembers` config and status (the core's status has more fields).
    QueueMember(QueueId, AgentId),
}

/// The supersede key of an object's whole-state push, for the four kinds a newer copy replaces
/// in a session's outbox (a membership's pushes are a pair, and stay plain).
fn supersede_key(snapshot: Snapshot) -> Option<SupersedeKey> {
    Some(match snapshot {
        Snapshot::CurrentCalls(line) => SupersedeKey::new("current_calls", line.0.into()),
        Snapshot::QueueStats(queue) => SupersedeKey::new("getqueuesstats", queue.0.into()),
        Snapshot::QueueEntries(queue) => SupersedeKey::new("queueentryupdate", queue.0.into()),
        Snapshot::Meetme => SupersedeKey::new("meetme_update", 0),
        Snapshot::QueueMember(..) => return None,
    })
}

/// The wire form (without `timenow`) last sent for each whole-state push, and whether they go
/// out replaceable.
#[derive(Debug)]
pub(super) struct Snapshots {
    last: HashMap<Snapshot, Bytes>,
    coalesce: bool,
}

impl Snapshots {
    /// Nothing sent yet; replaceable pushes.
    pub fn new() -> Snapshots {
        Snapshots {
            last: HashMap::new(),
            coalesce: true,
        }
    }

    /// Whether whole-state pushes are sent replaceable (`[cti] coalesce_snapshots`).
    pub fn set_coalesce(&mut self, on: bool) {
        self.coalesce = on;
    }

    /// Records `msg` as what was last sent for `key` (what a client subscribing now is told).
    pub fn seen<T: serde::Serialize>(&mut self, key: Snapshot, msg: &T) {
        self.last.insert(key, encode_prefix(msg));
    }

    /// Forgets what was last sent for `key`: the next push is sent whatever it says.
    pub fn forget(&mut self, key: Snapshot) {
        self.last.remove(&key);
    }

    /// Encodes `msg` once, unless its wire form is the one last sent for `key`.
    pub fn encode_if_changed<T: serde::Serialize>(
        &mut self,
        key: Snapshot,
        msg: &T,
        now: Timestamp,
    ) -> Option<Bytes> {
        let prefix = encode_prefix(msg);
        match self.last.entry(key) {
            Entry::Occupied(e) if *e.get() == prefix => return None,
            Entry::Occupied(mut e) => {
                e.insert(prefix.clone());
            }
            Entry::Vacant(e) => {
                e.insert(prefix.clone());
            }
        }
        Some(with_timenow(&prefix, now))
    }

    /// Pushes `msg` to `topic` unless its wire form is the one last sent for `key`: replaceable
    /// by a newer copy while it waits in a session's outbox when coalescing, else plain.
    pub fn push_if_changed<T: serde::Serialize>(
        &mut self,
        out: &mut Pushes<Topic>,
        topic: Topic,
        key: Snapshot,
        msg: &T,
        now: Timestamp,
    ) {
        let Some(bytes) = self.encode_if_changed(key, msg, now) else {
            return;
        };
        match supersede_key(key).filter(|_| self.coalesce) {
            Some(supersede) => out.push_replaceable(topic, supersede, bytes),
            None => out.push((topic, bytes)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_whole_state_messages_are_keyed_and_memberships_are_not() {
        assert_eq!(
            supersede_key(Snapshot::Meetme),
            Some(SupersedeKey::new("meetme_update", 0))
        );
        assert_eq!(
            supersede_key(Snapshot::CurrentCalls(LineId(3))),
            Some(SupersedeKey::new("current_calls", 3))
        );
        assert_eq!(
            supersede_key(Snapshot::QueueMember(QueueId(1), AgentId(1))),
            None
        );
    }

    #[test]
    fn an_identical_wire_form_is_sent_once_until_forgotten() {
        let mut snapshots = Snapshots::new();
        let key = Snapshot::QueueStats(QueueId(1));
        let msg = serde_json::json!({"class": "getqueuesstats"});
        let now = Timestamp(1_000);
        assert!(snapshots.encode_if_changed(key, &msg, now).is_some());
        assert!(snapshots.encode_if_changed(key, &msg, now).is_none());
        snapshots.forget(key);
        assert!(snapshots.encode_if_changed(key, &msg, now).is_some());
        snapshots.seen(key, &serde_json::json!({"class": "other"}));
        assert!(snapshots.encode_if_changed(key, &msg, now).is_some());
    }
}
