//! The call-log writer never makes the core wait: with a store that does not answer, the core
//! keeps applying PBX batches and serving reads, the writer's bounded buffer fills and further
//! entries are dropped and counted; once the store answers, what waited is written in batches.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;

use ctid_core::ids::{LineId, UniqueId, UserId};
use ctid_core::live::{CallLogEntry, ChannelState, Endpoint, Party};
use ctid_core::store::{
    CallLogStore, CallLogWriterConfig, MemoryCallLog, StoreError, spawn_call_log_writer,
};
use ctid_core::{CoreConfig, Dataset, ManualClock, PbxEvent, pbx_link, spawn};

const GUARD: Duration = Duration::from_secs(10);

/// A store whose writes wait for a permit (none at first: a database that does not answer).
struct GatedStore {
    gate: Semaphore,
    inner: MemoryCallLog,
    calls: std::sync::Mutex<Vec<usize>>,
}

impl CallLogStore for GatedStore {
    fn append(&self, entry: CallLogEntry) -> BoxFuture<'_, Result<(), StoreError>> {
        self.append_batch(vec![entry])
    }

    fn append_batch(&self, entries: Vec<CallLogEntry>) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move {
            let permit = self.gate.acquire().await.expect("gate open");
            permit.forget();
            self.calls.lock().unwrap().push(entries.len());
            self.inner.append_batch(entries).await
        })
    }

    fn history(
        &self,
        user: UserId,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<CallLogEntry>, StoreError>> {
        self.inner.history(user, limit)
    }
}

/// A call rings bob's phone (line 2) and is not answered: one call-log entry.
fn missed_call(i: usize) -> Vec<PbxEvent> {
    let id = UniqueId::new(format!("missed.{i}"));
    vec![
        PbxEvent::ChannelCreated {
            uniqueid: id.clone(),
            linkedid: id.clone(),
            name: format!("PJSIP/1002-{i:08x}"),
            endpoint: Endpoint::Line(LineId(2)),
            caller: Party::new("1002", "Bob"),
            exten: "s".into(),
            state: ChannelState::Ringing,
        },
        PbxEvent::Hangup {
            uniqueid: id,
            cause: 19,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_does_not_answer_never_stalls_the_core() {
    let clock = ManualClock::at_default_start();
    let (port, adapter) = pbx_link(16);
    let core = spawn(
        Arc::new(Dataset::demo()),
        clock.shared(),
        port,
        CoreConfig::default(),
    );
    let store = Arc::new(GatedStore {
        gate: Semaphore::new(0),
        inner: MemoryCallLog::default(),
        calls: Default::default(),
    });
    let config = CallLogWriterConfig {
        hub_capacity: 1024,
        buffer: 8,
        batch: 4,
    };
    let writer = spawn_call_log_writer(&core, store.clone(), config)
        .await
        .expect("core running");

    // 200 calls, far more than the writer can hold while the store is stuck: each batch still
    // goes through the core, which answers a read after every one.
    let calls = 200;
    for i in 0..calls {
        tokio::time::timeout(GUARD, adapter.events.send(missed_call(i)))
            .await
            .expect("the core takes PBX batches")
            .expect("core running");
        let channels = tokio::time::timeout(GUARD, core.read(|s| s.channel_count()))
            .await
            .expect("the core answers")
            .expect("core running");
        assert_eq!(channels, 0, "call {i} applied");
    }
    // The core stops; the writer has taken every entry from the hub (none lost there) and is
    // stuck on its first store call with its buffer full behind it: the rest was dropped and
    // counted.
    drop(core);
    tokio::time::timeout(GUARD, writer.reader)
        .await
        .expect("the reader finishes")
        .expect("reader task");
    let stats = writer.stats.clone();
    assert_eq!(
        writer.hub.dropped(),
        0,
        "the writer always took the hub's batches"
    );
    assert_eq!(stats.written(), 0);
    let dropped = stats.dropped();
    assert!(
        (calls as u64 - 8 - 4..=calls as u64 - 8 - 1).contains(&dropped),
        "all but the buffer and the batch in flight are dropped and counted: {dropped}"
    );

    // The store answers again: what waited is written, several entries per store call.
    store.gate.add_permits(1_000);
    tokio::time::timeout(GUARD, writer.task)
        .await
        .expect("the writer finishes")
        .expect("writer task");
    assert_eq!(stats.written() + stats.dropped(), calls as u64);
    let sizes = store.calls.lock().unwrap().clone();
    assert!(
        sizes.iter().all(|n| *n <= 4),
        "batches of at most 4: {sizes:?}"
    );
    assert!(
        sizes.iter().any(|n| *n > 1),
        "entries written together: {sizes:?}"
    );
    let history = store.inner.history(UserId(2), 1_000).await.unwrap();
    assert_eq!(history.len() as u64, stats.written());
}
