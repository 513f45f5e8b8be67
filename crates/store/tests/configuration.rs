//! The configuration in the store, on SQLite and the real PostgreSQL: a dataset's round trip
//! (filled once, read back equal, objects written and deleted, replaced whole), two first
//! starts racing on an empty store, an unreadable row, and the configuration and memberships
//! writers fed by a running core, through a database outage.

#[macro_use]
mod support;

use std::sync::Arc;
use std::time::Duration;

use ctid_core::dataset::{ConfigChange, ConfigKey, ConfigObject, QueueMemberConfig, Tables};
use ctid_core::ids::{AgentId, QueueId, RoomId, UserId};
use ctid_core::{
    CoreConfig, CoreHandle, Dataset, ManualClock, PbxAdapterEnd, PbxEvent, pbx_link, spawn,
};
use ctid_store::config_writer::spawn_config_writer;
use ctid_store::memberships_writer::spawn_memberships_writer;
use ctid_store::{Store, StoredMembership, WriterConfig, WriterStats, object_write, row_of};
use support::{Dialect, TestDb, execute};

const GUARD: Duration = Duration::from_secs(20);

/// A dataset as comparable JSON.
fn json(dataset: &Dataset) -> serde_json::Value {
    serde_json::to_value(dataset).expect("a dataset serialises")
}

/// The stored configuration, validated as the start validates it.
async fn stored(store: &Store) -> Dataset {
    let tables = store
        .load_config()
        .await
        .expect("the configuration reads")
        .expect("the store holds a configuration");
    Dataset::from_tables(tables).expect("the stored configuration is valid")
}

/// A few changes of every sort on the demo dataset: a user added, a queue updated, a
/// membership added, a room removed.
fn some_changes(demo: &Dataset) -> Vec<ConfigChange> {
    let mut gina = demo.user(UserId(2)).unwrap().clone();
    gina.id = UserId(7);
    gina.uuid = String::new();
    gina.login = "gina".into();
    gina.firstname = "Gina".into();
    gina.line = None;
    gina.voicemail = None;
    let mut sales = demo.queue(QueueId(1)).unwrap().clone();
    sales.displayname = "Sales team".into();
    vec![
        ConfigChange::Added(ConfigObject::User(gina)),
        ConfigChange::Updated(ConfigObject::Queue(sales)),
        ConfigChange::Added(ConfigObject::QueueMember {
            queue: QueueId(2),
            member: QueueMemberConfig {
                agent: AgentId(1),
                penalty: 4,
            },
        }),
        ConfigChange::Removed(ConfigKey::Room(demo.rooms()[0].id)),
    ]
}

async fn config_round_trip(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    assert!(
        store.load_config().await.unwrap().is_none(),
        "a new store holds no configuration"
    );
    let demo = Dataset::demo();
    assert!(store.fill_config_if_empty(&demo.to_tables()).await.unwrap());
    assert!(
        !store
            .fill_config_if_empty(&Tables::default())
            .await
            .unwrap(),
        "a store holding a configuration is not filled again"
    );
    assert_eq!(json(&stored(&store).await), json(&demo), "every table back");

    // Objects written as a changed dataset has them (or deleted where it has none).
    let changes = some_changes(&demo);
    let changed = demo.with_changes(&changes).unwrap();
    let writes: Vec<_> = changes
        .iter()
        .map(|c| {
            let (kind, id) = row_of(c.key());
            object_write(&changed, kind, id).unwrap()
        })
        .collect();
    store.write_config_objects(&writes).await.unwrap();
    let back = stored(&store).await;
    assert_eq!(json(&back), json(&changed));
    assert_eq!(back.user(UserId(7)).unwrap().login, "gina");
    assert!(back.room(demo.rooms()[0].id).is_none());
    assert_eq!(
        back.queues_of_agent(AgentId(1))
            .map(|(q, p)| (q.id, p))
            .collect::<Vec<_>>(),
        [(QueueId(1), 0), (QueueId(2), 4)]
    );

    // An import replaces everything, run-time memberships included.
    store
        .save_memberships(&[StoredMembership {
            agent: AgentId(4),
            queue: QueueId(1),
            member: true,
            penalty: 1,
        }])
        .await
        .unwrap();
    let mut small = demo.to_tables();
    small.rooms.clear();
    small.queues.retain(|q| q.id == QueueId(2));
    small.xivo_uuid = "0b0e4a2c-0000-4000-8000-000000000001".into();
    store.replace_config(&small).await.unwrap();
    let back = stored(&store).await;
    assert_eq!(
        json(&back),
        json(&Dataset::from_tables(small).unwrap()),
        "the import, sections included"
    );
    assert!(store.load_memberships().await.unwrap().is_empty());
    store.close().await;
}

/// Two servers starting at once on an empty store: one fills it, the other finds it filled.
async fn two_first_starts_fill_the_store_once(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let (a, b) = (db.open().await, db.open().await);
    let demo = Dataset::demo();
    let mut other = demo.to_tables();
    other.users.truncate(1);
    other.agents.clear();
    other.queues.clear();
    let whole = demo.to_tables();
    let (filled_a, filled_b) = tokio::join!(
        a.fill_config_if_empty(&whole),
        b.fill_config_if_empty(&other)
    );
    let (filled_a, filled_b) = (filled_a.unwrap(), filled_b.unwrap());
    assert!(filled_a != filled_b, "exactly one fills it");
    let expected = if filled_a {
        demo
    } else {
        Dataset::from_tables(other).unwrap()
    };
    assert_eq!(json(&stored(&a).await), json(&expected), "whole, not mixed");
    a.close().await;
    b.close().await;
}

async fn an_unreadable_row_fails_the_load_with_its_name(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    store
        .fill_config_if_empty(&Dataset::demo().to_tables())
        .await
        .unwrap();
    execute(
        &store,
        "UPDATE config_object SET body = '{\"id\": 3, \"login\": 5}' WHERE kind = 'user' AND id = 3",
    )
    .await;
    let error = store.load_config().await.expect_err("an unreadable user");
    assert!(error.to_string().contains("user 3"), "{error}");
    store.close().await;
}

/// A core on `dataset` with a PBX adapter end the test plays, on a manual clock.
fn core_on(dataset: Dataset) -> (CoreHandle, PbxAdapterEnd, ManualClock) {
    let clock = ManualClock::at_default_start();
    let (port, adapter) = pbx_link(64);
    let core = spawn(
        Arc::new(dataset),
        clock.shared(),
        port,
        CoreConfig::default(),
    );
    (core, adapter, clock)
}

async fn wait(stats: &WriterStats, done: impl Fn(&WriterStats) -> bool) {
    tokio::time::timeout(GUARD, stats.until(done))
        .await
        .expect("the writer gets there");
}

/// Configuration changes applied by a running core reach the store, even when the database
/// was away while they were made and the writer's hub queue overflowed meanwhile.
async fn the_config_writer_keeps_every_change(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    let demo = Dataset::demo();
    store.fill_config_if_empty(&demo.to_tables()).await.unwrap();
    let (core, _adapter, clock) = core_on(demo.clone());
    let config = WriterConfig {
        hub_capacity: 1,
        ..WriterConfig::default()
    };
    let writer = spawn_config_writer(&core, store.clone(), config.clone())
        .await
        .unwrap();
    let changes = some_changes(&demo);
    core.apply_config(changes[..1].to_vec()).await.unwrap();
    wait(&writer.stats, |s| s.written() >= 1).await;
    assert_eq!(json(&stored(&store).await), json(&core.dataset()));

    // The database goes away: the next change fails to be written, and while the writer waits
    // to retry, more changes overflow its hub queue.
    execute(
        &store,
        "ALTER TABLE config_object RENAME TO config_object_away",
    )
    .await;
    core.apply_config(changes[1..2].to_vec()).await.unwrap();
    wait(&writer.stats, |s| s.failed_writes() >= 1).await;
    for change in &changes[2..] {
        core.apply_config(vec![change.clone()]).await.unwrap();
    }
    let mut room = demo.rooms()[0].clone();
    room.id = RoomId(9);
    room.number = "4009".into();
    core.apply_config(vec![ConfigChange::Added(ConfigObject::Room(room))])
        .await
        .unwrap();
    core.read(|_| ()).await.unwrap();
    assert!(writer.hub.dropped() >= 1, "the hub queue overflowed");
    execute(
        &store,
        "ALTER TABLE config_object_away RENAME TO config_object",
    )
    .await;
    clock.advance(config.retry_delay);
    wait(&writer.stats, |s| s.resyncs() >= 1 && s.written() > 1).await;
    assert!(writer.stop(GUARD).await);
    let back = stored(&store).await;
    assert_eq!(json(&back), json(&core.dataset()), "nothing lost");
    assert!(back.room(RoomId(9)).is_some());
    store.close().await;
}

/// Run-time membership changes (engine events) are stored as differences from the
/// configuration; a pause is not stored; a membership back to its configured value, or made
/// configured, leaves the store.
async fn the_memberships_writer_keeps_run_time_changes(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    let (core, adapter, _clock) = core_on(Dataset::demo());
    let writer = spawn_memberships_writer(&core, store.clone(), WriterConfig::default(), vec![])
        .await
        .unwrap();
    let (sales, support) = (QueueId(1), QueueId(2));
    let pbx = |events: Vec<PbxEvent>| {
        let (adapter, core) = (&adapter, &core);
        async move {
            adapter.events.send(events).await.unwrap();
            core.read(|_| ()).await.unwrap();
        }
    };
    pbx(vec![
        PbxEvent::QueueMemberAdded {
            queue: sales,
            agent: AgentId(4),
            penalty: 2,
            paused: false,
        },
        PbxEvent::QueueMemberPenalty {
            queue: sales,
            agent: AgentId(1),
            penalty: 5,
        },
        PbxEvent::QueueMemberRemoved {
            queue: support,
            agent: AgentId(3),
        },
        PbxEvent::QueueMemberPaused {
            queue: sales,
            agent: AgentId(2),
            paused: true,
            reason: None,
        },
    ])
    .await;
    wait(&writer.stats, |s| s.written() >= 3).await;
    let m = |agent, queue, member, penalty| StoredMembership {
        agent: AgentId(agent),
        queue,
        member,
        penalty,
    };
    assert_eq!(
        store.load_memberships().await.unwrap(),
        vec![
            m(1, sales, true, 5),
            m(3, support, false, 0),
            m(4, sales, true, 2)
        ]
    );

    // Agent 1 back to its configured penalty; agent 4's membership made configured.
    pbx(vec![PbxEvent::QueueMemberPenalty {
        queue: sales,
        agent: AgentId(1),
        penalty: 0,
    }])
    .await;
    core.apply_config(vec![ConfigChange::Added(ConfigObject::QueueMember {
        queue: sales,
        member: QueueMemberConfig {
            agent: AgentId(4),
            penalty: 2,
        },
    })])
    .await
    .unwrap();
    wait(&writer.stats, |s| s.written() >= 5).await;
    let stats = writer.stats.clone();
    assert!(writer.stop(GUARD).await);
    assert_eq!(
        store.load_memberships().await.unwrap(),
        vec![m(3, support, false, 0)]
    );
    assert_eq!(stats.written(), 5, "the pause wrote nothing");
    store.close().await;
}

on_both_backends!(
    config_round_trip,
    two_first_starts_fill_the_store_once,
    an_unreadable_row_fails_the_load_with_its_name,
    the_config_writer_keeps_every_change,
    the_memberships_writer_keeps_run_time_changes,
);
