//! The replay engine: a recorded AMI session ([`crate::capture`]) played to the core as if a
//! switch sent it, so a field problem can be reproduced on a laptop and tests can run on real
//! data (`[pbx] engine = "replay"`, `ctid serve --replay FILE [--speed N|max]`).
//!
//! [`ReplayCursor`] walks the capture: what Asterisk sent (`<--`) is translated
//! ([`Translator`]); what ctid sent (`-->`) is skipped. The answers received before the first
//! live event (an event answering no action: the capture's login and inventory) are the resync:
//! they build the first batch, a `PbxEvent::Snapshot` ([`SnapshotBuilder`]). Later answers to
//! the recording client's own queries (`CoreShowChannels` during a call...) are not news and
//! only teach the translator member interfaces. Messages recorded at the same instant make one
//! batch, as one read of the socket would.
//!
//! [`run`] plays a cursor into the core's Pbx port at a speed (N × real time on the given clock,
//! or as fast as the core takes it), answering every action of the core `ActionFailed`
//! ("replay: the switch is a recording"): a recording cannot act.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ctid_core::pbx::{PbxAdapterEnd, PbxEvent, PbxRequest};
use ctid_core::{Dataset, SharedClock};

use crate::capture::{Capture, CaptureError, Direction, Entry};
use crate::snapshot::SnapshotBuilder;
use crate::translate::Translator;

/// The reason every action gets while replaying.
pub const REFUSAL: &str = "replay: the switch is a recording";

/// How fast a recording plays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// As fast as the core takes the batches.
    Max,
    /// This many times real time (1.0: as recorded).
    Times(f64),
}

impl std::str::FromStr for Speed {
    type Err = String;

    /// `max`, or a positive factor (`1`, `10`, `0.5`).
    fn from_str(s: &str) -> Result<Speed, String> {
        if s.eq_ignore_ascii_case("max") {
            return Ok(Speed::Max);
        }
        match s.parse::<f64>() {
            Ok(n) if n.is_finite() && n > 0.0 => Ok(Speed::Times(n)),
            _ => Err(format!(
                "replay speed must be `max` or a positive number, not {s:?}"
            )),
        }
    }
}

/// One batch of a replay.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// When its messages were received, since the recording connected.
    pub time: Duration,
    /// The phase of the recording it belongs to.
    pub phase: String,
    /// What the messages mean (often nothing: most of what Asterisk sends means nothing to
    /// the core; such a batch is not sent).
    pub events: Vec<PbxEvent>,
    /// How many AMI messages it comes from.
    pub messages: usize,
}

/// Walks a capture batch by batch.
#[derive(Debug)]
pub struct ReplayCursor {
    entries: Vec<Entry>,
    next: usize,
    translator: Translator,
    resync: Option<SnapshotBuilder>,
    scratch: Vec<PbxEvent>,
}

impl ReplayCursor {
    /// A cursor at the start of `capture`, translating for `dataset`.
    pub fn new(capture: Capture, dataset: Arc<Dataset>) -> ReplayCursor {
        ReplayCursor {
            entries: capture.entries,
            next: 0,
            translator: Translator::new(dataset.clone()),
            resync: Some(SnapshotBuilder::new(dataset)),
            scratch: Vec::new(),
        }
    }

    /// A cursor at the start of the capture file `path`.
    pub fn open(path: &Path, dataset: Arc<Dataset>) -> Result<ReplayCursor, CaptureError> {
        Ok(ReplayCursor::new(Capture::read(path)?, dataset))
    }

    /// The phase of the next batch (`None` at the end).
    pub fn next_phase(&self) -> Option<&str> {
        self.next_entry().map(|e| e.phase.as_str())
    }

    /// When the messages of the next batch were received (`None` at the end).
    pub fn next_time(&self) -> Option<Duration> {
        self.next_entry().map(|e| e.time)
    }

    /// The entry the next batch is dated by: the next message received, or, when that is the
    /// first live event, the last answer of the resync (the snapshot is as of then).
    fn next_entry(&self) -> Option<&Entry> {
        let next = self.entries[self.next..]
            .iter()
            .find(|e| e.direction == Direction::Received)?;
        let live = next.message.event().is_some() && next.message.action_id().is_none();
        if live && self.resync.is_some() && self.next > 0 {
            return self.entries[..self.next]
                .iter()
                .rev()
                .find(|e| e.direction == Direction::Received)
                .or(Some(next));
        }
        Some(next)
    }

    /// The next batch: the snapshot first, then the events of the messages received at one
    /// instant, that instant being [`ReplayCursor::next_time`] (`None` at the end of the
    /// recording).
    pub fn next_batch(&mut self) -> Option<Batch> {
        let mut events = Vec::new();
        let mut messages = 0;
        let mut at: Option<(Duration, String)> = None;
        while let Some(entry) = self.entries.get(self.next) {
            if entry.direction == Direction::Sent {
                self.next += 1;
                continue;
            }
            if let Some((time, phase)) = &at
                && (entry.time != *time || entry.phase != *phase)
            {
                break;
            }
            let live = entry.message.event().is_some() && entry.message.action_id().is_none();
            if live
                && let Some((time, phase)) = self.next_entry().map(|e| (e.time, e.phase.clone()))
                && let Some(builder) = self.resync.take()
            {
                // The first live event: the resync is over, its snapshot goes first, alone,
                // dated by the resync's last answer.
                return Some(Batch {
                    time,
                    phase,
                    events: vec![PbxEvent::Snapshot(Box::new(builder.finish()))],
                    messages,
                });
            }
            at = Some((entry.time, entry.phase.clone()));
            messages += 1;
            self.next += 1;
            if let Some(builder) = &mut self.resync {
                // An answer of the resync: it builds the snapshot, and teaches the translator
                // (member interfaces) without making events of its own.
                builder.absorb(&entry.message);
                self.translator.event(&entry.message, &mut self.scratch);
                self.scratch.clear();
                continue;
            }
            self.translator.event(&entry.message, &mut events);
        }
        let at_end = self.next >= self.entries.len();
        if at_end && let Some(builder) = self.resync.take() {
            // A recording with no live event at all: its snapshot is all there is.
            let (time, phase) = at.unwrap_or_default();
            return Some(Batch {
                time,
                phase,
                events: vec![PbxEvent::Snapshot(Box::new(builder.finish()))],
                messages,
            });
        }
        let (time, phase) = at?;
        Some(Batch {
            time,
            phase,
            events,
            messages,
        })
    }
}

/// What a replay played.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// AMI messages played.
    pub messages: usize,
    /// Batches sent to the core.
    pub batches: usize,
    /// `PbxEvent`s sent.
    pub events: usize,
    /// Actions of the core refused.
    pub refused: usize,
}

/// Plays `cursor` into the core's port at `speed` (paced on `clock`), refusing every action,
/// until the recording ends; then keeps refusing actions until the core closes the port.
/// Returns what it played once the core is gone.
pub async fn run(
    mut cursor: ReplayCursor,
    mut port: PbxAdapterEnd,
    clock: SharedClock,
    speed: Speed,
) -> ReplayReport {
    let mut report = ReplayReport::default();
    let mut last: Option<Duration> = None;
    let mut actions_open = true;
    while let Some(batch) = cursor.next_batch() {
        if let Speed::Times(factor) = speed
            && let Some(last) = last
            && batch.time > last
        {
            let wait = (batch.time - last).div_f64(factor);
            let mut pause = clock.sleep(wait);
            loop {
                tokio::select! {
                    () = &mut pause => break,
                    request = port.actions.recv(), if actions_open => match request {
                        Some(request) => {
                            if !refuse(&port, request, &mut report).await {
                                return report;
                            }
                        }
                        None => actions_open = false,
                    },
                }
            }
        }
        last = Some(batch.time);
        report.messages += batch.messages;
        if batch.events.is_empty() {
            continue;
        }
        report.events += batch.events.len();
        report.batches += 1;
        if port.events.send(batch.events).await.is_err() {
            return report;
        }
        // After the batch: the snapshot goes before anything else, a refusal included.
        while let Ok(request) = port.actions.try_recv() {
            if !refuse(&port, request, &mut report).await {
                return report;
            }
        }
    }
    tracing::info!(
        messages = report.messages,
        events = report.events,
        "replay: the recording is over; the switch stays as it left it"
    );
    while let Some(request) = port.actions.recv().await {
        if !refuse(&port, request, &mut report).await {
            break;
        }
    }
    report
}

/// Answers an action `ActionFailed`; false once the core is gone.
async fn refuse(port: &PbxAdapterEnd, request: PbxRequest, report: &mut ReplayReport) -> bool {
    tracing::info!(action = ?request.action, "replay: action refused");
    report.refused += 1;
    let failed = PbxEvent::ActionFailed {
        action: request.id,
        reason: REFUSAL.to_owned(),
    };
    port.events.send(vec![failed]).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_read_max_or_a_positive_factor() {
        assert_eq!("max".parse::<Speed>(), Ok(Speed::Max));
        assert_eq!("10".parse::<Speed>(), Ok(Speed::Times(10.0)));
        assert!("0".parse::<Speed>().is_err());
        assert!("fast".parse::<Speed>().is_err());
    }
}
