//! The store port for the call log, with the in-memory implementation ctid uses until a database
//! backs it. The core records finished calls as [`crate::event::Event::CallLogged`]; a writer task
//! ([`spawn_call_log_writer`]) hands them to the store, and faces read history from it directly.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use crate::event::Event;
use crate::hub::EventReceiver;
use crate::ids::UserId;
use crate::live::CallLogEntry;

/// A store failure.
#[derive(Debug, thiserror::Error)]
#[error("call log store: {0}")]
pub struct StoreError(pub String);

/// Where finished calls are kept.
pub trait CallLogStore: Send + Sync + 'static {
    /// Records a finished call.
    fn append(&self, entry: CallLogEntry) -> BoxFuture<'_, Result<(), StoreError>>;

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

impl CallLogStore for MemoryCallLog {
    fn append(&self, entry: CallLogEntry) -> BoxFuture<'_, Result<(), StoreError>> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let list = calls.entry(entry.user).or_default();
        if list.len() == self.per_user {
            list.pop_front();
        }
        list.push_back(entry);
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

/// Spawns the task that writes every [`Event::CallLogged`] to `store`.
pub fn spawn_call_log_writer(
    mut events: EventReceiver,
    store: Arc<dyn CallLogStore>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(batch) = events.recv().await {
            for event in batch.iter() {
                if let Event::CallLogged(entry) = event
                    && let Err(e) = store.append((**entry).clone()).await
                {
                    tracing::warn!(error = %e, "could not record a call in the call log");
                }
            }
        }
    })
}
