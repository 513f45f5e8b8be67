//! The store port for the call log, with the in-memory implementation ctid uses until a database
//! backs it. The core records finished calls as [`crate::event::Event::CallLogged`]; a writer
//! ([`spawn_call_log_writer`]) hands them to the store, and faces read history from it directly.
//!
//! The writer never makes the core wait, however slow the store: it takes events from the hub
//! with [`BufferPolicy::DropNewest`], keeps the entries in a bounded buffer, and writes them in
//! batches (one [`CallLogStore::append_batch`] call for all that waited); when the buffer is full
//! an entry is dropped, counted ([`CallLogWriterStats`]) and logged.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use crate::engine::{CoreHandle, CoreStopped};
use crate::event::Event;
use crate::hub::{BufferPolicy, ConsumerStats};
use crate::ids::UserId;
use crate::live::CallLogEntry;

/// A store failure: what failed, and the store's own error as its cause.
#[derive(Debug, thiserror::Error)]
#[error("call log store: {what}")]
pub struct StoreError {
    /// What failed (`append`, `history`...).
    pub what: String,
    /// The underlying error (a database driver's, an IO error), when there is one.
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StoreError {
    /// A failure with no underlying error.
    pub fn new(what: impl Into<String>) -> Self {
        StoreError {
            what: what.into(),
            source: None,
        }
    }

    /// A failure caused by `source`.
    pub fn caused_by(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError {
            what: what.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// Where finished calls are kept.
pub trait CallLogStore: Send + Sync + 'static {
    /// Records a finished call.
    fn append(&self, entry: CallLogEntry) -> BoxFuture<'_, Result<(), StoreError>>;

    /// Records several finished calls, in order (a store that can write them in one round trip
    /// should; by default they are appended one by one).
    fn append_batch(&self, entries: Vec<CallLogEntry>) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move {
            for entry in entries {
                self.append(entry).await?;
            }
            Ok(())
        })
    }

    /// The user's most recent calls, newest first, at most `limit`.
    fn history(
        &self,
        user: UserId,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<CallLogEntry>, StoreError>>;
}

/// An in-memory call log keeping the latest `per_user` calls of each user.
#[derive(Debug)]
pub struct MemoryCallLog {
    per_user: usize,
    calls: Mutex<HashMap<UserId, VecDeque<CallLogEntry>>>,
}

impl MemoryCallLog {
    /// A log keeping at most `per_user` calls per user.
    pub fn new(per_user: usize) -> Self {
        MemoryCallLog {
            per_user: per_user.max(1),
            calls: Mutex::default(),
        }
    }
}

impl Default for MemoryCallLog {
    fn default() -> Self {
        MemoryCallLog::new(500)
    }
}

impl MemoryCallLog {
    fn keep(&self, calls: &mut HashMap<UserId, VecDeque<CallLogEntry>>, entry: CallLogEntry) {
        let list = calls.entry(entry.user).or_default();
        if list.len() == self.per_user {
            list.pop_front();
        }
        list.push_back(entry);
    }
}

impl CallLogStore for MemoryCallLog {
    fn append(&self, entry: CallLogEntry) -> BoxFuture<'_, Result<(), StoreError>> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        self.keep(&mut calls, entry);
        Box::pin(futures::future::ready(Ok(())))
    }

    fn append_batch(&self, entries: Vec<CallLogEntry>) -> BoxFuture<'_, Result<(), StoreError>> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        for entry in entries {
            self.keep(&mut calls, entry);
        }
        Box::pin(futures::future::ready(Ok(())))
    }

    fn history(
        &self,
        user: UserId,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<CallLogEntry>, StoreError>> {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let list = calls
            .get(&user)
            .map(|l| l.iter().rev().take(limit).cloned().collect())
            .unwrap_or_default();
        Box::pin(futures::future::ready(Ok(list)))
    }
}

/// Settings of the call-log writer.
#[derive(Clone, Debug)]
pub struct CallLogWriterConfig {
    /// Batches with a logged call the writer's hub queue holds (it drains them at once, so this
    /// only covers scheduling hiccups; beyond it batches are dropped and counted in the hub's
    /// stats). Batches without one are never queued for the writer.
    pub hub_capacity: usize,
    /// Entries waiting for the store; beyond this, new entries are dropped and counted.
    pub buffer: usize,
    /// Most entries written in one store call.
    pub batch: usize,
}

impl Default for CallLogWriterConfig {
    fn default() -> Self {
        CallLogWriterConfig {
            hub_capacity: 1024,
            buffer: 10_000,
            batch: 500,
        }
    }
}

/// The call-log writer's counters (lock-free, readable while it runs).
#[derive(Debug, Default)]
pub struct CallLogWriterStats {
    written: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    store_calls: AtomicU64,
}

impl CallLogWriterStats {
    /// Entries the store accepted.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Entries dropped because the buffer was full (the store is slower than the calls end).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Entries lost because the store refused them.
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// Store calls made (each writes a batch of entries).
    pub fn store_calls(&self) -> u64 {
        self.store_calls.load(Ordering::Relaxed)
    }
}

/// A running call-log writer.
#[derive(Debug)]
pub struct CallLogWriter {
    /// Its counters.
    pub stats: Arc<CallLogWriterStats>,
    /// Its hub subscription's counters (batches dropped before the writer saw them).
    pub hub: Arc<ConsumerStats>,
    /// The task taking entries from the hub into the buffer; it ends once the core has stopped.
    pub reader: tokio::task::JoinHandle<()>,
    /// The task writing to the store; it ends once the core has stopped and the buffer is
    /// written.
    pub task: tokio::task::JoinHandle<()>,
}

/// Subscribes to the core and spawns the tasks that write every [`Event::CallLogged`] to
/// `store`: one takes the entries from the hub into a bounded buffer (never waiting), the other
/// writes what waits there in batches.
pub async fn spawn_call_log_writer(
    core: &CoreHandle,
    store: Arc<dyn CallLogStore>,
    config: CallLogWriterConfig,
) -> Result<CallLogWriter, CoreStopped> {
    let mut events = core
        .subscribe_to(config.hub_capacity, BufferPolicy::DropNewest, |event| {
            matches!(event, Event::CallLogged(_))
        })
        .await?;
    let hub = events.stats();
    let stats = Arc::new(CallLogWriterStats::default());
    let (tx, mut rx) = mpsc::channel::<Arc<CallLogEntry>>(config.buffer.max(1));
    let counters = stats.clone();
    let reader = tokio::spawn(async move {
        let mut dropping = false;
        while let Some(batch) = events.recv().await {
            for event in batch.iter() {
                let Event::CallLogged(entry) = event else {
                    continue;
                };
                match tx.try_send(entry.clone()) {
                    Ok(()) => dropping = false,
                    Err(TrySendError::Full(_)) => {
                        let dropped = counters.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                        if !std::mem::replace(&mut dropping, true) {
                            tracing::warn!(
                                dropped,
                                "the call-log store is not keeping up: its buffer is full, calls are not recorded"
                            );
                        }
                    }
                    Err(TrySendError::Closed(_)) => return,
                }
            }
        }
    });
    let counters = stats.clone();
    let batch = config.batch.max(1);
    let task = tokio::spawn(async move {
        let mut taken = Vec::with_capacity(batch);
        while rx.recv_many(&mut taken, batch).await > 0 {
            let n = taken.len() as u64;
            let entries = taken.drain(..).map(Arc::unwrap_or_clone).collect();
            counters.store_calls.fetch_add(1, Ordering::Relaxed);
            match store.append_batch(entries).await {
                Ok(()) => {
                    counters.written.fetch_add(n, Ordering::Relaxed);
                }
                Err(e) => {
                    counters.failed.fetch_add(n, Ordering::Relaxed);
                    tracing::warn!(error = %e, calls = n, "could not record calls in the call log");
                }
            }
        }
    });
    Ok(CallLogWriter {
        stats,
        hub,
        reader,
        task,
    })
}

#[cfg(test)]
mod tests {
    use super::StoreError;

    #[test]
    fn a_store_error_keeps_its_cause() {
        let e = StoreError::caused_by("append", std::io::Error::other("disk full"));
        assert_eq!(e.to_string(), "call log store: append");
        let cause = std::error::Error::source(&e).expect("a cause");
        assert_eq!(cause.to_string(), "disk full");
        assert!(std::error::Error::source(&StoreError::new("history")).is_none());
    }
}
