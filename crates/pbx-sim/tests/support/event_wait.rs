//! Waiting for events in a test harness: the one `expect` that both the PBX harness
//! (`support/mod.rs`, `PbxEvent`s) and the end-to-end harness (`e2e/support.rs`, the core's
//! domain `Event`s) use. A harness keeps every event it received in a log and a cursor after the
//! last one expected; waits end at a real-time guard (tests never sleep).

use std::time::Duration;

/// A harness's log of received events and the cursor its expectations read from.
pub trait EventLog {
    /// What the log holds.
    type Event: Clone;

    /// Every event received so far, in order.
    fn events(&self) -> &[Self::Event];

    /// Where the next expectation looks from.
    fn cursor(&mut self) -> &mut usize;

    /// Receives the next batch of events into the log; false when the source has closed.
    #[allow(async_fn_in_trait)]
    async fn receive(&mut self) -> bool;

    /// The events from `from` on, one per line (for failure messages).
    fn dump(&self, from: usize) -> String;
}

/// The next event matching `pred` after the last one expected (events in between are skipped,
/// so successive expectations check order); waits for more events up to `guard`, then fails with
/// the events seen since the last match.
pub async fn expect<H: EventLog>(
    h: &mut H,
    guard: Duration,
    what: &str,
    pred: impl Fn(&H::Event) -> bool,
) -> H::Event {
    let deadline = tokio::time::Instant::now() + guard;
    loop {
        let from = *h.cursor();
        if let Some(i) = h.events()[from..].iter().position(&pred) {
            let i = from + i;
            *h.cursor() = i + 1;
            return h.events()[i].clone();
        }
        match tokio::time::timeout_at(deadline, h.receive()).await {
            Ok(true) => {}
            Ok(false) | Err(_) => panic!(
                "expected {what}; events since the last match:\n{}",
                h.dump(from)
            ),
        }
    }
}
