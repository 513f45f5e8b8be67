//! A session's outbox, bounded in bytes: what is queued for one client between the face (its
//! replies, the fan-out's pushes) and the session's writer loop.
//!
//! [`Outboxes::open`] makes a sender/receiver pair sharing an atomic count of the bytes queued.
//! [`OutboxSender::try_send`] adds a message's length and never waits; the writer
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

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bytes::Bytes;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, watch};
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
        let (tx, rx) = mpsc::channel(self.limits.max_messages.max(1));
        let shared = Arc::new(Shared {
            queued: AtomicUsize::new(0),
            cut: AtomicBool::new(false),
            max_bytes: self.limits.max_bytes,
            session,
            face: self.face,
            kick,
            cut_offs: self.cut_offs.clone(),
        });
        (
            OutboxSender {
                tx,
                shared: shared.clone(),
            },
            OutboxReceiver { rx, shared },
        )
    }
}

#[derive(Debug)]
struct Shared {
    /// Bytes sent and not yet released by the writer.
    queued: AtomicUsize,
    /// Whether the session was cut off.
    cut: AtomicBool,
    max_bytes: usize,
    session: SessionId,
    face: &'static str,
    kick: CancellationToken,
    cut_offs: Arc<watch::Sender<u64>>,
}

impl Shared {
    /// Cuts the session off (once: logged and counted the first time only, before the kick
    /// fires, so whoever sees the session end sees it counted).
    fn cut_off(&self, why: &'static str, len: usize) {
        if !self.cut.swap(true, Ordering::AcqRel) {
            self.cut_offs.send_modify(|n| *n += 1);
            tracing::warn!(
                face = self.face,
                session = %self.session,
                queued_bytes = self.queued.load(Ordering::Relaxed),
                message_bytes = len,
                max_bytes = self.max_bytes,
                "session cut off: {why} (the client does not read)"
            );
        }
        self.kick.cancel();
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
#[derive(Clone, Debug)]
pub struct OutboxSender {
    tx: mpsc::Sender<Bytes>,
    shared: Arc<Shared>,
}

impl OutboxSender {
    /// Queues a message without waiting. A message that would take the queued bytes past the
    /// budget (unless the outbox is empty) or the queued messages past their cap cuts the
    /// session off.
    pub fn try_send(&self, msg: Bytes) -> Result<(), SendError> {
        let s = &*self.shared;
        if s.cut.load(Ordering::Acquire) {
            return Err(SendError::Closed);
        }
        let len = msg.len();
        let before = s.queued.fetch_add(len, Ordering::AcqRel);
        if before > 0 && before + len > s.max_bytes {
            s.queued.fetch_sub(len, Ordering::AcqRel);
            s.cut_off("its outbox passed its byte budget", len);
            return Err(SendError::Overflow);
        }
        match self.tx.try_send(msg) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                s.queued.fetch_sub(len, Ordering::AcqRel);
                s.cut_off("its outbox passed its message cap", len);
                Err(SendError::Overflow)
            }
            Err(TrySendError::Closed(_)) => {
                s.queued.fetch_sub(len, Ordering::AcqRel);
                s.kick.cancel();
                Err(SendError::Closed)
            }
        }
    }

    /// Bytes queued and not yet written.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire)
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

/// The receiving side of a session's outbox (its writer loop).
#[derive(Debug)]
pub struct OutboxReceiver {
    rx: mpsc::Receiver<Bytes>,
    shared: Arc<Shared>,
}

impl OutboxReceiver {
    /// The next message; `None` once every sender is gone and the outbox is empty.
    pub async fn recv(&mut self) -> Option<Bytes> {
        self.rx.recv().await
    }

    /// The next message if one is queued.
    pub fn try_recv(&mut self) -> Option<Bytes> {
        self.rx.try_recv().ok()
    }

    /// Gives back the budget of `bytes` taken out and written.
    pub fn release(&self, bytes: usize) {
        self.shared.queued.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// Bytes queued and not yet released.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire)
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
}
