//! A session's outbox, bounded in bytes: what is queued for one client between the face (its
//! replies, the fan-out's pushes) and the session's writer loop.
//!
//! [`Outboxes::open`] makes a sender/receiver pair sharing one queue and its count of the bytes
//! queued. [`OutboxSender::try_send`] adds a message's length and never waits; the writer
//! ([`crate::writer`]) takes messages out and [`OutboxReceiver::release`]s their length once
//! they are written. A send that would take the queued bytes past the session's budget (or the
//! queued messages past a secondary count cap) cuts the session off: its kick token fires, the
//! cut is logged once and counted ([`Outboxes::cut_offs`]), and every later send fails. A client
//! that does not read therefore holds at most its budget (plus one message: a message is always
//! accepted into an empty outbox, however long, or a reply longer than the budget could never
//! be sent), never more.
//!
//! Messages are shared [`Bytes`]: a push encoded once for a thousand sessions is counted in each
//! session's budget but stored once.
//!
//! # Replaceable messages
//!
//! Some pushes carry an object's whole state (CTI `queueentryupdate` re-sends every caller of a
//! queue on each change): a newer copy makes an older one useless. Such a push may be sent with
//! [`OutboxSender::try_send_replacing`] and a [`SupersedeKey`] naming the object. If a copy with
//! the same key still waits in the outbox (the writer has not taken it), **the older copy is
//! dropped and the newer one is appended** at the end of the queue; its bytes leave the count
//! before the newer one's are added, so the budget stays exact and a slow reader holds at most
//! one copy per object. A copy the writer has taken is on its way and is never recalled.
//!
//! Why drop-and-append rather than putting the newer copy in the older one's place: the client
//! then receives a subsequence of what it would have received, in the same order — every message
//! it gets still comes after every message that was sent before it. Only older copies are left
//! out, each followed later in the stream by a newer copy of the same object, so once the client
//! has read everything it knows exactly what it would have known without replacement. Taking the
//! older copy's place would move newer state ahead of messages sent before it, and could change
//! that end state: a queue's entries moved ahead of the `delconfig` and `addconfig` that removed
//! and re-created the queue would be wiped by them. The cost is that a replaced object's news
//! moves back to the end of the queue, behind whatever was sent meanwhile.
//!
//! # Long answers
//!
//! A session answering one request with many messages (every agent's state) or one very long
//! one (a list of thousands of agents) is the producer of those replies: rather than overflow
//! its own budget, it may wait for room with [`OutboxSender::send_paced`] — until the queued
//! bytes are under half the budget (or, for a message longer than that, until the outbox is
//! empty: the one-message allowance). The writer wakes such a waiter when it releases bytes
//! (only when one waits: an atomic count, no lock on the writer's path). The wait ends at the
//! caller's deadline: a client that does not read its answer is then cut off as any other.
//!
//! The queue is a `VecDeque` behind a mutex that the senders and the writer hold only to push
//! or pop (never across an await or a write); the writer is woken through an `AtomicWaker`. A
//! dropped copy leaves an empty slot that the writer skips; slots are compacted when they
//! outnumber the messages. An idle outbox holds no allocation.

use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Poll;

use bytes::Bytes;
use futures::task::AtomicWaker;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use ctid_core::ids::SessionId;

/// How much one session's outbox may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxLimits {
    /// Bytes queued at most (the budget); a send past it cuts the session off.
    pub max_bytes: usize,
    /// Messages queued at most (a secondary bound: many tiny messages cost more than their
    /// bytes); a send past it cuts the session off too.
    pub max_messages: usize,
}

impl OutboxLimits {
    /// Messages queued at most unless told otherwise.
    pub const DEFAULT_MAX_MESSAGES: usize = 65_536;

    /// A byte budget, with the default message cap.
    pub fn bytes(max_bytes: usize) -> Self {
        OutboxLimits {
            max_bytes,
            max_messages: Self::DEFAULT_MAX_MESSAGES,
        }
    }
}

/// Names the object whose whole state a replaceable message carries: a newer message with the
/// same key replaces an older one still waiting in a session's outbox. `kind` is the face's
/// name for the message (CTI: its class), `id` the object's (a queue's, a line's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SupersedeKey {
    /// The kind of message (e.g. `"queueentryupdate"`).
    pub kind: &'static str,
    /// The object it is about (e.g. the queue's id).
    pub id: u64,
}

impl SupersedeKey {
    /// The key of `kind` messages about object `id`.
    pub const fn new(kind: &'static str, id: u64) -> Self {
        SupersedeKey { kind, id }
    }
}

/// The outboxes of one face: their limits, the face's name for logs and the count of sessions
/// cut off.
#[derive(Clone, Debug)]
pub struct Outboxes {
    limits: OutboxLimits,
    face: &'static str,
    /// Sessions cut off so far (a watch: rare, and tests can wait on it).
    cut_offs: Arc<watch::Sender<u64>>,
}

impl Outboxes {
    /// Outboxes of the face named `face` (in logs), each bounded by `limits`.
    pub fn new(face: &'static str, limits: OutboxLimits) -> Self {
        Outboxes {
            limits,
            face,
            cut_offs: Arc::new(watch::Sender::new(0)),
        }
    }

    /// The limits of each outbox.
    pub fn limits(&self) -> OutboxLimits {
        self.limits
    }

    /// Sessions cut off so far because their outbox overflowed.
    pub fn cut_offs(&self) -> u64 {
        *self.cut_offs.borrow()
    }

    /// Waits until at least `n` sessions have been cut off.
    pub async fn cut_offs_reach(&self, n: u64) {
        let mut rx = self.cut_offs.subscribe();
        // The sender lives as long as `self`: waiting cannot fail.
        let _ = rx.wait_for(|cut| *cut >= n).await;
    }

    /// A new session's outbox; `kick` is cancelled when the session is cut off.
    pub fn open(
        &self,
        session: SessionId,
        kick: CancellationToken,
    ) -> (OutboxSender, OutboxReceiver) {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                senders: 1,
                ..Queue::default()
            }),
            writer: AtomicWaker::new(),
            cut: AtomicBool::new(false),
            max_bytes: self.limits.max_bytes,
            max_messages: self.limits.max_messages.max(1),
            session,
            face: self.face,
            kick,
            cut_offs: self.cut_offs.clone(),
            room: Notify::new(),
            room_waiters: AtomicUsize::new(0),
        });
        (
            OutboxSender {
                shared: shared.clone(),
            },
            OutboxReceiver { shared },
        )
    }
}

/// One place in the queue.
#[derive(Debug)]
struct Slot {
    /// Its place in the order of sends (increasing from front to back).
    seq: u64,
    /// The message; `None` once a newer copy replaced it.
    msg: Option<Bytes>,
    /// The key of a replaceable message.
    key: Option<SupersedeKey>,
}

/// What the senders and the writer share under the lock.
#[derive(Debug, Default)]
struct Queue {
    slots: VecDeque<Slot>,
    /// Slots that still hold a message (the others were replaced).
    messages: usize,
    /// The sequence number of the next send.
    next_seq: u64,
    /// Where the waiting copy of each replaceable message is: its slot's sequence number.
    waiting: HashMap<SupersedeKey, u64>,
    /// Bytes sent and not yet released by the writer.
    bytes: usize,
    /// Live senders; the writer sees the end of the outbox when none is left.
    senders: usize,
    /// Whether the receiver was dropped.
    receiver_gone: bool,
}

impl Queue {
    /// Drops the waiting copy of `key`, if any; returns its length.
    fn drop_waiting(&mut self, key: SupersedeKey) -> usize {
        let Some(seq) = self.waiting.remove(&key) else {
            return 0;
        };
        let Ok(at) = self.slots.binary_search_by_key(&seq, |s| s.seq) else {
            return 0;
        };
        let Some(old) = self.slots[at].msg.take() else {
            return 0;
        };
        self.messages -= 1;
        self.bytes -= old.len();
        // Empty slots are skipped by the writer; compact them once they outnumber messages.
        let empty = self.slots.len() - self.messages;
        if empty > 32 && empty > self.messages {
            self.slots.retain(|s| s.msg.is_some());
        }
        old.len()
    }

    fn push(&mut self, msg: Bytes, key: Option<SupersedeKey>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if let Some(key) = key {
            self.waiting.insert(key, seq);
        }
        self.bytes += msg.len();
        self.messages += 1;
        self.slots.push_back(Slot {
            seq,
            msg: Some(msg),
            key,
        });
    }

    /// The oldest message (still counted in `bytes` until released).
    fn pop(&mut self) -> Option<Bytes> {
        while let Some(slot) = self.slots.pop_front() {
            let Some(msg) = slot.msg else { continue };
            self.messages -= 1;
            if let Some(key) = slot.key
                && self.waiting.get(&key) == Some(&slot.seq)
            {
                self.waiting.remove(&key);
            }
            if self.slots.is_empty() {
                self.release_memory();
            }
            return Some(msg);
        }
        self.release_memory();
        None
    }

    /// Gives back the memory of a burst once the queue is empty.
    fn release_memory(&mut self) {
        if self.slots.capacity() > 64 {
            self.slots = VecDeque::new();
        }
        if self.waiting.is_empty() && self.waiting.capacity() > 64 {
            self.waiting = HashMap::new();
        }
    }
}

#[derive(Debug)]
struct Shared {
    queue: Mutex<Queue>,
    /// The writer waiting for a message.
    writer: AtomicWaker,
    /// Whether the session was cut off.
    cut: AtomicBool,
    max_bytes: usize,
    max_messages: usize,
    session: SessionId,
    face: &'static str,
    kick: CancellationToken,
    cut_offs: Arc<watch::Sender<u64>>,
    /// Woken when the writer releases bytes while a paced sender waits.
    room: Notify,
    /// Paced senders waiting for room.
    room_waiters: AtomicUsize,
}

impl Shared {
    /// The queue (a panic elsewhere while it was held leaves it consistent: every change to it
    /// is a few field updates that cannot fail halfway).
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Cuts the session off (once: logged and counted the first time only, before the kick
    /// fires, so whoever sees the session end sees it counted).
    fn cut_off(&self, why: &'static str, queued: usize, len: usize) {
        if !self.cut.swap(true, Ordering::AcqRel) {
            self.cut_offs.send_modify(|n| *n += 1);
            tracing::warn!(
                face = self.face,
                session = %self.session,
                queued_bytes = queued,
                message_bytes = len,
                max_bytes = self.max_bytes,
                "session cut off: {why} (the client does not read)"
            );
        }
        self.kick.cancel();
    }

    fn send(&self, msg: Bytes, key: Option<SupersedeKey>) -> Result<(), SendError> {
        if self.cut.load(Ordering::Acquire) {
            return Err(SendError::Closed);
        }
        let len = msg.len();
        let mut queue = self.queue();
        if queue.receiver_gone {
            drop(queue);
            self.kick.cancel();
            return Err(SendError::Closed);
        }
        if let Some(key) = key {
            queue.drop_waiting(key);
        }
        let before = queue.bytes;
        if before > 0 && before + len > self.max_bytes {
            drop(queue);
            self.cut_off("its outbox passed its byte budget", before, len);
            return Err(SendError::Overflow);
        }
        if queue.messages >= self.max_messages {
            drop(queue);
            self.cut_off("its outbox passed its message cap", before, len);
            return Err(SendError::Overflow);
        }
        queue.push(msg, key);
        drop(queue);
        self.writer.wake();
        Ok(())
    }
}

/// Why a message was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// It would have passed the budget: the session is cut off now.
    Overflow,
    /// The session is gone (cut off before, or its writer ended).
    Closed,
}

/// The sending side of a session's outbox (the session's replies, the fan-out's pushes).
#[derive(Debug)]
pub struct OutboxSender {
    shared: Arc<Shared>,
}

impl Clone for OutboxSender {
    fn clone(&self) -> Self {
        self.shared.queue().senders += 1;
        OutboxSender {
            shared: self.shared.clone(),
        }
    }
}

impl Drop for OutboxSender {
    fn drop(&mut self) {
        let mut queue = self.shared.queue();
        queue.senders -= 1;
        let last = queue.senders == 0;
        drop(queue);
        if last {
            self.shared.writer.wake();
        }
    }
}

impl OutboxSender {
    /// Queues a message without waiting. A message that would take the queued bytes past the
    /// budget (unless the outbox is empty) or the queued messages past their cap cuts the
    /// session off.
    pub fn try_send(&self, msg: Bytes) -> Result<(), SendError> {
        self.shared.send(msg, None)
    }

    /// Queues a replaceable message: a copy of `key` still waiting in the outbox is dropped
    /// first (its bytes leave the count) and this one goes to the end of the queue (the rule and
    /// its reasons are in the [module documentation](self)). Otherwise as [`Self::try_send`].
    pub fn try_send_replacing(&self, key: SupersedeKey, msg: Bytes) -> Result<(), SendError> {
        self.shared.send(msg, Some(key))
    }

    /// Queues a message of a long answer, first waiting for room: until the queued bytes and
    /// this message fit in half the budget, or, for a message longer than that, until the
    /// outbox is empty. Fails with [`SendError::Closed`] if the session ends meanwhile; when
    /// `give_up` completes first, the session is cut off (the client does not read its answer)
    /// and the send fails with [`SendError::Overflow`].
    pub async fn send_paced(
        &self,
        msg: Bytes,
        give_up: impl std::future::Future<Output = ()>,
    ) -> Result<(), SendError> {
        let len = msg.len();
        let fits = |queued: usize| queued == 0 || queued + len <= self.shared.max_bytes / 2;
        let _waiting = RoomWaiter::new(&self.shared.room_waiters);
        tokio::pin!(give_up);
        loop {
            let room = self.shared.room.notified();
            tokio::pin!(room);
            room.as_mut().enable();
            if self.shared.cut.load(Ordering::Acquire) {
                return Err(SendError::Closed);
            }
            let queued = self.shared.queue().bytes;
            if fits(queued) {
                return self.try_send(msg);
            }
            tokio::select! {
                _ = room => {}
                _ = self.shared.kick.cancelled() => return Err(SendError::Closed),
                _ = &mut give_up => {
                    self.shared.cut_off("it did not read a long answer in time", queued, len);
                    return Err(SendError::Overflow);
                }
            }
        }
    }

    /// Bytes queued and not yet written.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queue().bytes
    }

    /// Messages waiting (not yet taken by the writer).
    pub fn queued_messages(&self) -> usize {
        self.shared.queue().messages
    }

    /// Whether the session was cut off for overflowing.
    pub fn is_cut_off(&self) -> bool {
        self.shared.cut.load(Ordering::Acquire)
    }

    /// The session's kick token (cancelled when it is cut off).
    pub fn kick(&self) -> &CancellationToken {
        &self.shared.kick
    }
}

/// Counts a paced sender waiting for room while it lives.
struct RoomWaiter<'a>(&'a AtomicUsize);

impl<'a> RoomWaiter<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        RoomWaiter(count)
    }
}

impl Drop for RoomWaiter<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The receiving side of a session's outbox (its writer loop).
#[derive(Debug)]
pub struct OutboxReceiver {
    shared: Arc<Shared>,
}

impl Drop for OutboxReceiver {
    fn drop(&mut self) {
        let mut queue = self.shared.queue();
        queue.receiver_gone = true;
        // What is left is the client's loss: free it now rather than with the last sender.
        let left = std::mem::take(&mut queue.slots);
        queue.waiting = HashMap::new();
        queue.messages = 0;
        drop(queue);
        drop(left);
    }
}

impl OutboxReceiver {
    /// The next message; `None` once every sender is gone and the outbox is empty.
    pub async fn recv(&mut self) -> Option<Bytes> {
        poll_fn(|cx| {
            if let Some(msg) = self.try_recv() {
                return Poll::Ready(Some(msg));
            }
            self.shared.writer.register(cx.waker());
            // Again, after registering: a send in between has woken the waker just registered
            // or is seen here.
            let mut queue = self.shared.queue();
            match queue.pop() {
                Some(msg) => Poll::Ready(Some(msg)),
                None if queue.senders == 0 => Poll::Ready(None),
                None => Poll::Pending,
            }
        })
        .await
    }

    /// The next message if one is queued.
    pub fn try_recv(&mut self) -> Option<Bytes> {
        self.shared.queue().pop()
    }

    /// Gives back the budget of `bytes` taken out and written.
    pub fn release(&self, bytes: usize) {
        let mut queue = self.shared.queue();
        queue.bytes = queue.bytes.saturating_sub(bytes);
        drop(queue);
        if self.shared.room_waiters.load(Ordering::Acquire) > 0 {
            self.shared.room.notify_waiters();
        }
    }

    /// Bytes queued and not yet released.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queue().bytes
    }

    /// The session's kick token.
    pub fn kick(&self) -> &CancellationToken {
        &self.shared.kick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(max_bytes: usize, max_messages: usize) -> (Outboxes, OutboxSender, OutboxReceiver) {
        let outboxes = Outboxes::new(
            "test",
            OutboxLimits {
                max_bytes,
                max_messages,
            },
        );
        let (tx, rx) = outboxes.open(SessionId(1), CancellationToken::new());
        (outboxes, tx, rx)
    }

    fn msg(len: usize) -> Bytes {
        Bytes::from(vec![b'x'; len])
    }

    #[tokio::test]
    async fn a_paced_send_waits_for_room_and_a_long_one_for_an_empty_outbox() {
        let (outboxes, tx, mut rx) = open(100, 64);
        tx.try_send(msg(40)).unwrap();
        // 40 + 20 > half the budget: waits until the writer releases.
        let paced = tx.send_paced(msg(20), std::future::pending());
        tokio::pin!(paced);
        assert!(futures::poll!(paced.as_mut()).is_pending());
        let m = rx.try_recv().unwrap();
        rx.release(m.len());
        paced.await.unwrap();
        assert_eq!(tx.queued_bytes(), 20);
        // Longer than the budget: goes once the outbox is empty, and cuts nothing off.
        let long = tx.send_paced(msg(300), std::future::pending());
        tokio::pin!(long);
        assert!(futures::poll!(long.as_mut()).is_pending());
        let m = rx.try_recv().unwrap();
        rx.release(m.len());
        long.await.unwrap();
        assert_eq!((tx.queued_bytes(), outboxes.cut_offs()), (300, 0));
    }

    #[tokio::test]
    async fn a_paced_send_that_gives_up_cuts_the_session_off() {
        let (outboxes, tx, _rx) = open(100, 64);
        tx.try_send(msg(80)).unwrap();
        let r = tx.send_paced(msg(10), std::future::ready(())).await;
        assert_eq!(r, Err(SendError::Overflow));
        assert!(tx.is_cut_off() && tx.kick().is_cancelled());
        assert_eq!(outboxes.cut_offs(), 1);
        assert_eq!(
            tx.send_paced(msg(1), std::future::pending()).await,
            Err(SendError::Closed)
        );
    }

    #[test]
    fn sends_add_their_length_and_releases_take_it_back() {
        let (outboxes, tx, mut rx) = open(100, 64);
        tx.try_send(msg(30)).unwrap();
        tx.try_send(msg(20)).unwrap();
        assert_eq!(tx.queued_bytes(), 50);
        let m = rx.try_recv().unwrap();
        // Taken out but not yet written: still counted.
        assert_eq!(rx.queued_bytes(), 50);
        rx.release(m.len());
        assert_eq!(tx.queued_bytes(), 20);
        let taken = rx.try_recv().unwrap().len();
        rx.release(taken);
        assert_eq!((tx.queued_bytes(), rx.try_recv()), (0, None));
        assert!(!tx.is_cut_off() && !tx.kick().is_cancelled());
        assert_eq!(outboxes.cut_offs(), 0);
    }

    #[test]
    fn the_budget_is_reached_exactly_and_passed_by_one_byte_cuts_off() {
        let (outboxes, tx, mut rx) = open(100, 64);
        tx.try_send(msg(60)).unwrap();
        tx.try_send(msg(40)).unwrap();
        assert_eq!(tx.queued_bytes(), 100, "exactly the budget is allowed");
        assert_eq!(tx.try_send(msg(1)), Err(SendError::Overflow));
        assert!(tx.is_cut_off() && rx.kick().is_cancelled());
        assert_eq!(tx.queued_bytes(), 100, "the refused message is not counted");
        assert_eq!(outboxes.cut_offs(), 1);
        // Once cut off, nothing more is queued, and the cut is counted once.
        let taken = rx.try_recv().unwrap().len();
        rx.release(taken);
        assert_eq!(tx.try_send(msg(1)), Err(SendError::Closed));
        assert_eq!(tx.clone().try_send(msg(1)), Err(SendError::Closed));
        assert_eq!(outboxes.cut_offs(), 1);
    }

    #[test]
    fn draining_makes_room_again() {
        let (_, tx, mut rx) = open(100, 64);
        tx.try_send(msg(100)).unwrap();
        let taken = rx.try_recv().unwrap().len();
        rx.release(taken);
        tx.try_send(msg(100)).unwrap();
        assert!(!tx.is_cut_off());
    }

    #[test]
    fn a_message_longer_than_the_budget_fits_an_empty_outbox_only() {
        let (_, tx, mut rx) = open(100, 64);
        tx.try_send(msg(500)).unwrap();
        assert_eq!(rx.queued_bytes(), 500);
        let taken = rx.try_recv().unwrap().len();
        rx.release(taken);
        tx.try_send(msg(10)).unwrap();
        assert_eq!(tx.try_send(msg(500)), Err(SendError::Overflow));
        assert!(tx.kick().is_cancelled());
    }

    #[test]
    fn the_message_cap_cuts_off_too() {
        let (outboxes, tx, _rx) = open(1000, 2);
        tx.try_send(msg(1)).unwrap();
        tx.try_send(msg(1)).unwrap();
        assert_eq!(tx.try_send(msg(1)), Err(SendError::Overflow));
        assert_eq!((tx.queued_bytes(), outboxes.cut_offs()), (2, 1));
    }

    #[test]
    fn a_send_to_a_session_whose_writer_ended_fails_without_counting_a_cut() {
        let (outboxes, tx, rx) = open(100, 64);
        drop(rx);
        assert_eq!(tx.try_send(msg(1)), Err(SendError::Closed));
        assert_eq!((tx.queued_bytes(), outboxes.cut_offs()), (0, 0));
        assert!(tx.kick().is_cancelled());
    }

    fn key(id: u64) -> SupersedeKey {
        SupersedeKey::new("snapshot", id)
    }

    /// Every message waiting, in order, each released as if written.
    fn drain(rx: &mut OutboxReceiver) -> Vec<Bytes> {
        let mut out = Vec::new();
        while let Some(m) = rx.try_recv() {
            rx.release(m.len());
            out.push(m);
        }
        out
    }

    #[test]
    fn a_newer_copy_drops_the_waiting_one_and_goes_to_the_end() {
        let (_, tx, mut rx) = open(1000, 64);
        let (old, plain, new) = (msg(30), Bytes::from_static(b"plain"), msg(50));
        tx.try_send_replacing(key(1), old).unwrap();
        tx.try_send(plain.clone()).unwrap();
        tx.try_send_replacing(key(1), new.clone()).unwrap();
        // The older copy's bytes left the count exactly.
        assert_eq!((tx.queued_bytes(), tx.queued_messages()), (55, 2));
        // The client gets what was sent, in order, minus the older copy.
        assert_eq!(drain(&mut rx), vec![plain, new]);
        assert_eq!(rx.queued_bytes(), 0);
    }

    #[test]
    fn a_copy_the_writer_took_is_not_recalled() {
        let (_, tx, mut rx) = open(1000, 64);
        tx.try_send_replacing(key(1), msg(30)).unwrap();
        let taken = rx.try_recv().unwrap();
        tx.try_send_replacing(key(1), msg(20)).unwrap();
        // The taken copy is counted until written.
        assert_eq!(tx.queued_bytes(), 50);
        rx.release(taken.len());
        assert_eq!(drain(&mut rx), vec![msg(20)]);
    }

    #[test]
    fn only_the_same_key_replaces() {
        let (_, tx, mut rx) = open(1000, 64);
        let other_kind = SupersedeKey::new("other", 1);
        tx.try_send_replacing(key(1), Bytes::from_static(b"a1"))
            .unwrap();
        tx.try_send_replacing(key(2), Bytes::from_static(b"b1"))
            .unwrap();
        tx.try_send_replacing(other_kind, Bytes::from_static(b"c1"))
            .unwrap();
        tx.try_send(Bytes::from_static(b"p1")).unwrap();
        tx.try_send(Bytes::from_static(b"p1")).unwrap();
        tx.try_send_replacing(key(2), Bytes::from_static(b"b2"))
            .unwrap();
        let got: Vec<_> = drain(&mut rx);
        assert_eq!(
            got,
            ["a1", "c1", "p1", "p1", "b2"].map(|m| Bytes::from_static(m.as_bytes()))
        );
    }

    #[test]
    fn replacing_keeps_the_budget_exact() {
        let (outboxes, tx, rx) = open(100, 64);
        tx.try_send_replacing(key(1), msg(60)).unwrap();
        // 60 + 60 would pass the budget, but the first copy leaves first.
        tx.try_send_replacing(key(1), msg(60)).unwrap();
        tx.try_send(msg(40)).unwrap();
        assert_eq!(tx.queued_bytes(), 100);
        tx.try_send_replacing(key(1), msg(60)).unwrap();
        assert_eq!(tx.queued_bytes(), 100);
        // A copy that does not fit even alone with the rest still cuts the session off.
        assert_eq!(
            tx.try_send_replacing(key(1), msg(61)),
            Err(SendError::Overflow)
        );
        assert_eq!(outboxes.cut_offs(), 1);
        assert!(rx.kick().is_cancelled());
    }

    #[test]
    fn replaced_copies_cost_no_message_and_their_slots_are_compacted() {
        let (outboxes, tx, mut rx) = open(1 << 20, 8);
        for i in 0..10_000u64 {
            tx.try_send_replacing(key(i % 3), msg(10)).unwrap();
            if i % 100 == 0 {
                tx.try_send(msg(1)).unwrap();
                let first = rx.try_recv().unwrap();
                rx.release(first.len());
            }
        }
        assert_eq!(outboxes.cut_offs(), 0);
        let messages = tx.queued_messages();
        let slots = tx.shared.queue().slots.len();
        assert!(
            slots <= messages + 33,
            "{slots} slots for {messages} messages"
        );
        assert_eq!(drain(&mut rx).len(), messages);
    }

    #[tokio::test]
    async fn the_writer_is_woken_by_a_send_and_sees_the_end_when_every_sender_is_gone() {
        let (_, tx, mut rx) = open(1000, 64);
        let other = tx.clone();
        let writer = tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(m) = rx.recv().await {
                rx.release(m.len());
                got.push(m);
            }
            got
        });
        tokio::task::yield_now().await;
        tx.try_send(msg(1)).unwrap();
        drop(tx);
        other.try_send_replacing(key(1), msg(2)).unwrap();
        drop(other);
        assert_eq!(writer.await.unwrap(), vec![msg(1), msg(2)]);
    }
}
