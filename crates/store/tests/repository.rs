//! The store's repository suite, run the same against SQLite (a temporary directory) and the
//! real PostgreSQL (a database created per test): the call log, users' services and presence,
//! memberships, the queue log, reopening, the schema version check, and the users writer fed by
//! a running core.

#[macro_use]
mod support;

use std::sync::Arc;
use std::time::Duration;

use ctid_core::dataset::{Forward, UserServices};
use ctid_core::ids::{AgentId, QueueId, UniqueId, UserId};
use ctid_core::live::{CallDirection, CallLogEntry, ForwardKind, Party, ServiceChange};
use ctid_core::store::CallLogStore;
use ctid_core::{Command, CoreConfig, Dataset, ManualClock, Timestamp, pbx_link, spawn};
use ctid_store::services_writer::{UsersWriterConfig, spawn_users_writer};
use ctid_store::{
    OpenError, QueueLogEvent, QueueLogRecord, Store, StoredMembership, known_schema_version,
};
use support::{Dialect, TestDb, execute};

const GUARD: Duration = Duration::from_secs(20);

fn call(user: u32, i: i64, direction: CallDirection, answered: bool) -> CallLogEntry {
    let start = Timestamp(1_700_000_000_000 + i * 1000);
    CallLogEntry {
        user: UserId(user),
        start,
        answered_at: answered.then(|| Timestamp(start.0 + 2000)),
        end: Timestamp(start.0 + 60_000),
        direction,
        peer: Party::new(format!("06{i:08}"), format!("Pëer «{i}»")),
        linkedid: UniqueId::new(format!("17000.{i}")),
    }
}

async fn call_log_round_trip(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    assert!(store.history(UserId(1), 10).await.unwrap().is_empty());
    let entries: Vec<CallLogEntry> = (0..5)
        .map(|i| {
            let user = if i % 2 == 0 { 1 } else { 2 };
            let direction = if i % 3 == 0 {
                CallDirection::Incoming
            } else {
                CallDirection::Outgoing
            };
            call(user, i, direction, i != 3)
        })
        .collect();
    store.append_batch(entries.clone()).await.unwrap();
    store.append_batch(Vec::new()).await.unwrap();
    store
        .append(call(1, 9, CallDirection::Incoming, false))
        .await
        .unwrap();
    assert_eq!(store.call_log_len().await.unwrap(), 6);

    let alice = store.history(UserId(1), 10).await.unwrap();
    let expected: Vec<CallLogEntry> = [
        call(1, 9, CallDirection::Incoming, false),
        entries[4].clone(),
        entries[2].clone(),
        entries[0].clone(),
    ]
    .into();
    assert_eq!(alice, expected, "newest first, every field back");
    assert!(alice[0].is_missed());
    assert_eq!(store.history(UserId(1), 2).await.unwrap(), expected[..2]);
    let bob = store.history(UserId(2), 10).await.unwrap();
    assert_eq!(bob, vec![entries[3].clone(), entries[1].clone()]);
    assert!(store.history(UserId(3), 10).await.unwrap().is_empty());
    store.close().await;
}

async fn a_failed_batch_writes_nothing(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    // The second entry's peer number holds a NUL, which PostgreSQL refuses in TEXT (SQLite
    // stores it): the refused batch is all or nothing.
    let mut bad = call(1, 2, CallDirection::Outgoing, true);
    bad.peer.number = "06\0".into();
    let result = store
        .append_batch(vec![call(1, 1, CallDirection::Outgoing, true), bad])
        .await;
    let stored = store.call_log_len().await.unwrap();
    match result {
        Ok(()) => {
            assert!(matches!(dialect, Dialect::Sqlite), "PostgreSQL refuses NUL");
            assert_eq!(stored, 2);
        }
        Err(e) => {
            assert_eq!(stored, 0, "a refused batch leaves nothing behind: {e}");
            assert!(std::error::Error::source(&e).is_some(), "the cause is kept");
        }
    }
    store.close().await;
}

fn services(dnd: bool, destination: &str) -> UserServices {
    UserServices {
        dnd,
        incallfilter: !dnd,
        recording: dnd,
        voicemail_enabled: !dnd,
        fwd_unconditional: Forward {
            enabled: true,
            destination: destination.to_owned(),
        },
        fwd_busy: Forward {
            enabled: false,
            destination: "1003".into(),
        },
        fwd_noanswer: Forward::default(),
    }
}

async fn users_round_trip(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    assert_eq!(store.load_users().await.unwrap(), Default::default());
    store
        .save_users(
            &[
                (UserId(1), services(true, "0600")),
                (UserId(2), services(false, "")),
            ],
            &[(UserId(1), "away".into())],
        )
        .await
        .unwrap();
    store
        .save_users(
            &[(UserId(1), services(false, "0611"))],
            &[
                (UserId(1), "outtolunch".into()),
                (UserId(2), "available".into()),
            ],
        )
        .await
        .unwrap();
    let stored = store.load_users().await.unwrap();
    assert_eq!(stored.services.len(), 2);
    assert_eq!(stored.services[&UserId(1)], services(false, "0611"));
    assert_eq!(stored.services[&UserId(2)], services(false, ""));
    assert_eq!(stored.presence[&UserId(1)], "outtolunch");
    assert_eq!(stored.presence[&UserId(2)], "available");
    store.close().await;
}

async fn memberships_round_trip(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    let m = |agent, queue, member, penalty| StoredMembership {
        agent: AgentId(agent),
        queue: QueueId(queue),
        member,
        penalty,
    };
    store
        .save_memberships(&[m(1, 1, true, 0), m(1, 2, true, 3), m(2, 1, false, 0)])
        .await
        .unwrap();
    store
        .save_memberships(&[m(1, 2, true, 5), m(1, 2, false, 5)])
        .await
        .unwrap();
    assert_eq!(
        store.load_memberships().await.unwrap(),
        vec![m(1, 1, true, 0), m(1, 2, false, 5), m(2, 1, false, 0)]
    );
    store.close().await;
}

async fn queue_log_round_trip(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    let r = |queue, t, event| QueueLogRecord {
        queue: QueueId(queue),
        time: Timestamp(t),
        event,
    };
    let records = [
        r(1, 1000, QueueLogEvent::Enter),
        r(2, 1500, QueueLogEvent::Enter),
        r(1, 2000, QueueLogEvent::Connect(12)),
        r(1, 3000, QueueLogEvent::Enter),
        r(1, 4000, QueueLogEvent::Abandon(40)),
    ];
    store.append_queue_log(&records).await.unwrap();
    let q1 = store
        .queue_log_since(QueueId(1), Timestamp(2000), 100)
        .await
        .unwrap();
    assert_eq!(q1, vec![records[2], records[3], records[4]]);
    let q2 = store
        .queue_log_since(QueueId(2), Timestamp(0), 100)
        .await
        .unwrap();
    assert_eq!(q2, vec![records[1]]);
    let limited = store
        .queue_log_since(QueueId(1), Timestamp(0), 2)
        .await
        .unwrap();
    assert_eq!(limited, vec![records[0], records[2]]);
    store.close().await;
}

async fn reopening_keeps_everything(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    assert_eq!(
        store.schema_version().await.unwrap(),
        known_schema_version()
    );
    store
        .append_batch(vec![call(1, 1, CallDirection::Outgoing, true)])
        .await
        .unwrap();
    store
        .save_users(&[(UserId(1), services(true, "0600"))], &[])
        .await
        .unwrap();
    store.close().await;
    drop(store);
    // Migrations already applied are not applied again.
    let store = db.open().await;
    assert_eq!(
        store.schema_version().await.unwrap(),
        known_schema_version()
    );
    assert_eq!(store.history(UserId(1), 10).await.unwrap().len(), 1);
    assert!(store.load_users().await.unwrap().services[&UserId(1)].dnd);
    store.close().await;
}

async fn a_newer_schema_is_refused(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    let future = known_schema_version() + 1;
    // A checksum as each dialect writes a byte string.
    let checksum = match dialect {
        Dialect::Sqlite => "x'00'",
        Dialect::Postgres => "'\\x00'",
    };
    execute(
        &store,
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES ({future}, 'from a newer ctid', TRUE, {checksum}, 0)"
        ),
    )
    .await;
    store.close().await;
    let refused = Store::open(&db.location).await.expect_err("a newer schema");
    match &refused {
        OpenError::NewerSchema { found, known } => {
            assert_eq!((*found, *known), (future, known_schema_version()));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let message = refused.to_string();
    assert!(
        message.contains(&format!("version {future}")) && message.contains("newer than this ctid"),
        "{message}"
    );
}

/// The users writer, fed by a running core: services and presence changed through commands
/// reach the store; `disconnected` does not overwrite the last presence.
async fn the_users_writer_keeps_services_and_presence(dialect: Dialect) {
    let db = TestDb::new(dialect).await;
    let store = db.open().await;
    let clock = ManualClock::at_default_start();
    let (port, _adapter) = pbx_link(64);
    let core = spawn(
        Arc::new(Dataset::demo()),
        clock.shared(),
        port,
        CoreConfig::default(),
    );
    let writer = spawn_users_writer(&core, store.clone(), UsersWriterConfig::default())
        .await
        .expect("core running");
    let alice = UserId(1);
    let run = |command| {
        let core = core.clone();
        async move {
            tokio::time::timeout(GUARD, core.execute(command))
                .await
                .expect("the core answers")
                .expect("command accepted");
        }
    };
    run(Command::SessionOpened {
        user: alice,
        presence: None,
    })
    .await;
    run(Command::SetService {
        requester: alice,
        target: alice,
        change: ServiceChange::Dnd(true),
    })
    .await;
    run(Command::SetService {
        requester: alice,
        target: alice,
        change: ServiceChange::Forward {
            kind: ForwardKind::Unconditional,
            enabled: Some(true),
            destination: Some("0611223344".into()),
        },
    })
    .await;
    run(Command::SetPresence {
        user: alice,
        status: "away".into(),
    })
    .await;
    run(Command::SessionClosed {
        user: alice,
        logout: false,
    })
    .await;
    // Every event of those commands is in the hub once the core has answered a later read.
    tokio::time::timeout(GUARD, core.read(|_| ()))
        .await
        .unwrap()
        .unwrap();
    assert!(writer.stop(GUARD).await, "the writer stops");
    let stored = store.load_users().await.unwrap();
    let services = &stored.services[&alice];
    assert!(services.dnd);
    assert_eq!(
        services.fwd_unconditional,
        Forward {
            enabled: true,
            destination: "0611223344".into()
        }
    );
    assert_eq!(
        stored.presence[&alice], "away",
        "the last presence while connected"
    );
    assert!(
        !stored.services.contains_key(&UserId(2)),
        "only what changed"
    );
    store.close().await;
}

on_both_backends!(
    call_log_round_trip,
    a_failed_batch_writes_nothing,
    users_round_trip,
    memberships_round_trip,
    queue_log_round_trip,
    reopening_keeps_everything,
    a_newer_schema_is_refused,
    the_users_writer_keeps_services_and_presence,
);
