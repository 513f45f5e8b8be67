//! The loop every store writer runs (users' services and presence, the configuration, run-time
//! queue memberships): a consumer of the core's hub that never makes the core wait, keeps a
//! bounded backlog of what changed, writes it in one transaction per round, retries a failed
//! write with a growing delay on the core's clock, and never loses a change while the process
//! lives.
//!
//! It subscribes with [`BufferPolicy::DropNewest`] to the batches its [`Backlog`] is interested
//! in. Each kind of writer keeps its backlog coalesced (the latest value per object wins), so it
//! is bounded by the number of objects, or collapses into "everything" past a bound. If the hub
//! dropped batches while the writer was busy (a slow or unreachable database), the backlog is
//! told to take everything from the core ([`Backlog::resync`]). A failed write keeps the backlog
//! (what changes meanwhile joins it) and is retried after `retry_delay`, doubled on each further
//! failure up to `max_retry_delay`; the outage is logged once, and its end. On stop, what the
//! hub had delivered is written (one try).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ctid_core::store::StoreError;
use ctid_core::{BufferPolicy, ConsumerStats, CoreHandle, CoreStopped, EventBatch, Interest};
use tokio::sync::{Notify, oneshot};

use crate::Store;

/// Settings of a store writer.
#[derive(Clone, Debug)]
pub struct WriterConfig {
    /// Batches of interest the writer's hub queue holds; beyond it they are dropped and the
    /// writer resynchronises from the core.
    pub hub_capacity: usize,
    /// Wait before retrying a failed write (on the core's clock).
    pub retry_delay: Duration,
    /// The longest wait between two retries (the delay doubles up to it).
    pub max_retry_delay: Duration,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            hub_capacity: 1024,
            retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(30),
        }
    }
}

/// A store writer's counters.
#[derive(Debug, Default)]
pub struct WriterStats {
    written: AtomicU64,
    failed_writes: AtomicU64,
    resyncs: AtomicU64,
    /// Woken after each write, failed or not.
    rounds: Notify,
}

impl WriterStats {
    /// Waits until `done` holds, checked now and after each write (a test's or a tool's wait
    /// for the writer; wrap it in a timeout).
    pub async fn until(&self, done: impl Fn(&WriterStats) -> bool) {
        loop {
            let round = self.rounds.notified();
            tokio::pin!(round);
            round.as_mut().enable();
            if done(self) {
                return;
            }
            round.await;
        }
    }

    /// Rows the store accepted.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Writes the store refused (each retried).
    pub fn failed_writes(&self) -> u64 {
        self.failed_writes.load(Ordering::Relaxed)
    }

    /// Full reads from the core after the hub dropped batches.
    pub fn resyncs(&self) -> u64 {
        self.resyncs.load(Ordering::Relaxed)
    }
}

/// A running store writer.
#[derive(Debug)]
pub struct StoreWriter {
    /// Its counters.
    pub stats: Arc<WriterStats>,
    /// Its hub subscription's counters.
    pub hub: Arc<ConsumerStats>,
    /// The task; it ends once stopped (or the core has stopped) and what waited is written (or
    /// failed once more).
    pub task: tokio::task::JoinHandle<()>,
    stop: Option<oneshot::Sender<()>>,
}

impl StoreWriter {
    /// Stops the writer: what the hub had delivered is written, then the task ends; waits for
    /// it at most `timeout` (false if it had not ended by then).
    pub async fn stop(mut self, timeout: Duration) -> bool {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(timeout, &mut self.task).await.is_ok()
    }
}

/// What one kind of writer keeps waiting, and how it writes it.
pub(crate) trait Backlog: Send + 'static {
    /// What the writer stores, for its log lines (`users' services and presence`).
    const WHAT: &'static str;

    /// Takes in what a batch of interest changed.
    fn absorb(&mut self, batch: &EventBatch);

    /// The hub dropped batches: everything is to be written again, as the core has it now.
    fn resync(&mut self, core: &CoreHandle)
    -> impl Future<Output = Result<(), CoreStopped>> + Send;

    /// How many objects wait (for the log).
    fn len(&self) -> usize;

    /// Writes what waits; on success nothing waits any more. Returns the rows written.
    fn write(
        &mut self,
        store: &Store,
        core: &CoreHandle,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Subscribes to the core's batches of `interest` and spawns the task writing `backlog`'s
/// changes to `store`.
pub(crate) async fn spawn_writer<B: Backlog>(
    core: &CoreHandle,
    store: Store,
    config: WriterConfig,
    interest: Interest,
    mut backlog: B,
) -> Result<StoreWriter, CoreStopped> {
    let mut events = core
        .subscribe_to(config.hub_capacity, BufferPolicy::DropNewest, interest)
        .await?;
    let hub = events.stats();
    let stats = Arc::new(WriterStats::default());
    let counters = stats.clone();
    let core = core.clone();
    let hub_stats = hub.clone();
    let (stop, mut stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut dropped_seen = 0;
        let mut failing = false;
        let mut stopping = false;
        while !stopping {
            tokio::select! {
                batch = events.recv() => match batch {
                    Some(batch) => backlog.absorb(&batch),
                    None => stopping = true,
                },
                _ = &mut stopped => stopping = true,
            }
            let mut delay = config.retry_delay;
            loop {
                while let Some(batch) = events.try_recv() {
                    backlog.absorb(&batch);
                }
                let dropped = hub_stats.dropped();
                if dropped != dropped_seen {
                    dropped_seen = dropped;
                    counters.resyncs.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        dropped,
                        "the writer of {} fell behind the core: rewriting all of it",
                        B::WHAT
                    );
                    if backlog.resync(&core).await.is_err() {
                        stopping = true;
                    }
                }
                let written = backlog.write(&store, &core).await;
                match &written {
                    Ok(rows) => counters.written.fetch_add(*rows, Ordering::Relaxed),
                    Err(_) => counters.failed_writes.fetch_add(1, Ordering::Relaxed),
                };
                counters.rounds.notify_waiters();
                match written {
                    Ok(_) => {
                        if std::mem::take(&mut failing) {
                            tracing::info!("{} are written again", B::WHAT);
                        }
                        break;
                    }
                    Err(e) => {
                        if stopping {
                            tracing::error!(error = %e, waiting = backlog.len(), "the last changes of {} could not be written before stopping", B::WHAT);
                            break;
                        }
                        if !std::mem::replace(&mut failing, true) {
                            tracing::warn!(error = %e, cause = ?std::error::Error::source(&e), "cannot write {}; retrying", B::WHAT);
                        }
                        tokio::select! {
                            _ = core.clock().sleep(delay) => {}
                            _ = &mut stopped => stopping = true,
                        }
                        delay = (delay * 2).min(config.max_retry_delay);
                    }
                }
            }
        }
    });
    Ok(StoreWriter {
        stats,
        hub,
        task,
        stop: Some(stop),
    })
}
