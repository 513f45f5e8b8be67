//! The consumer against the real RabbitMQ: other nodes' statuses, chat to this node's users and
//! service changes published on the exchange reach the core; this node's own messages are
//! skipped; garbage (bad JSON, wrong types, a huge body, unknown names, no origin) is counted
//! and dropped, and the consumer goes on.

mod support;

use std::sync::Arc;

use ctid_bus::{BusConfig, spawn_consumer};
use ctid_core::ids::UserId;
use ctid_core::remote::{RemoteKind, RemoteObject, RemoteStatus, RemoteUser};
use ctid_core::{
    BufferPolicy, CoreConfig, CoreHandle, Dataset, Event, EventReceiver, ManualClock,
    PbxAdapterEnd, pbx_link, spawn,
};
use serde_json::json;

use support::amqp::{GUARD, Tap, broker_url, unique_exchange};

const DEMO_UUID: &str = "6bd9a7a4-5c6e-4a0b-9d1e-0c71d0e1c7a1";
const ALICE: &str = "00000000-0000-4000-8000-000000000001";
const CAROL: &str = "00000000-0000-4000-8000-000000000003";

fn core() -> (CoreHandle, PbxAdapterEnd) {
    let clock = ManualClock::at_default_start();
    let (port, adapter) = pbx_link(64);
    let core = spawn(
        Arc::new(Dataset::demo()),
        clock.shared(),
        port,
        CoreConfig::default(),
    );
    (core, adapter)
}

/// The next event of the core that `pick` takes (others are skipped).
async fn next_event<T>(events: &mut EventReceiver, pick: impl Fn(&Event) -> Option<T>) -> T {
    tokio::time::timeout(GUARD, async {
        loop {
            let batch = events.recv().await.expect("core running");
            if let Some(found) = batch.iter().find_map(&pick) {
                return found;
            }
        }
    })
    .await
    .expect("the event arrives in time")
}

fn remote_status(event: &Event) -> Option<(RemoteObject, RemoteStatus)> {
    match event {
        Event::RemoteStatus { object, status } => Some(((**object).clone(), status.clone())),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_nodes_messages_reach_the_core_and_garbage_is_dropped() {
    let exchange = unique_exchange("consume");
    let tap = Tap::bind(&exchange).await;
    let (core, _adapter) = core();
    let mut events = core
        .subscribe(256, BufferPolicy::Block)
        .await
        .expect("core running");
    let config = BusConfig {
        exchange: exchange.clone(),
        max_message_bytes: 4096,
        ..BusConfig::default()
    };
    let mut consumer = spawn_consumer(core.clone(), broker_url(), config);
    tokio::time::timeout(GUARD, consumer.bound.wait_for(|n| *n >= 1))
        .await
        .expect("the consumer binds its queue in time")
        .expect("consumer running");

    // Garbage first: each is counted and dropped, and the consumer goes on.
    tap.publish("status.user", b"{not json").await;
    tap.publish_json(
        "status.user",
        &json!({"name": "user_status_update", "origin_uuid": "node-b", "data": {"user_uuid": 7, "status": ["away"]}}),
    )
    .await;
    tap.publish_json(
        "status.agent",
        &json!({"name": "agent_status_update", "data": {"agent_id": 1, "status": "logged_in"}}),
    )
    .await;
    let huge = json!({"name": "user_status_update", "origin_uuid": "node-b",
        "data": {"user_uuid": "u", "status": "x".repeat(1 << 20)}});
    tap.publish_json("status.user", &huge).await;
    tap.publish_json(
        "status.endpoint",
        &json!({"name": "drop_tables", "origin_uuid": "node-b", "data": {}}),
    )
    .await;
    tap.publish("status.endpoint", &[0xff, 0xfe, 0x00]).await;
    // This node's own message: skipped.
    tap.publish_json(
        "status.user",
        &json!({"name": "user_status_update", "origin_uuid": DEMO_UUID, "data": {"user_uuid": ALICE, "status": "away"}}),
    )
    .await;

    // A status of another node's agent reaches the core, and sessions through it.
    tap.publish_json(
        "status.agent",
        &json!({"name": "agent_status_update", "origin_uuid": "node-b", "required_acl": "events.statuses.agents",
            "data": {"agent_id": 42, "status": "logged_in", "xivo_id": "node-b"}}),
    )
    .await;
    let (object, status) = next_event(&mut events, remote_status).await;
    assert_eq!(
        object,
        RemoteObject {
            kind: RemoteKind::Agent,
            node: Arc::from("node-b"),
            id: Arc::from("42")
        }
    );
    assert_eq!(status, RemoteStatus::Name(Arc::from("logged_in")));
    let stats = &consumer.stats;
    assert_eq!(
        stats.malformed(),
        4,
        "bad JSON, wrong types, no origin, not UTF-8"
    );
    assert_eq!(stats.oversize(), 1);
    assert_eq!(stats.unknown(), 1);
    assert_eq!(stats.own(), 1);

    // A chat message to a user of this node.
    tap.publish_json(
        &format!("chat.message.{DEMO_UUID}.{CAROL}.received"),
        &json!({"name": "chat_message_received", "origin_uuid": "node-b",
            "data": {"from": ["node-b", "bea"], "to": [DEMO_UUID, CAROL], "alias": "Bea", "msg": "hello"}}),
    )
    .await;
    let chat = next_event(&mut events, |e| match e {
        Event::RemoteChat {
            from,
            to,
            alias,
            text,
        } => Some((from.clone(), *to, alias.clone(), text.clone())),
        _ => None,
    })
    .await;
    assert_eq!(
        chat,
        (
            RemoteUser {
                node: Arc::from("node-b"),
                uuid: Arc::from("bea")
            },
            UserId(3),
            "Bea".to_owned(),
            "hello".to_owned()
        )
    );

    // Another service turned Alice's DND on.
    tap.publish_json(
        &format!("config.users.{ALICE}.services.dnd.updated"),
        &json!({"name": "users_services_dnd_updated", "origin_uuid": "confd",
            "data": {"user_uuid": ALICE, "enabled": true}}),
    )
    .await;
    let dnd = next_event(&mut events, |e| match e {
        Event::UserServices { user, services, .. } => Some((*user, services.dnd)),
        _ => None,
    })
    .await;
    assert_eq!(dnd, (UserId(1), true));
    assert_eq!(consumer.stats.dropped(), 6);
    assert_eq!(consumer.stats.received(), 10);
    assert!(consumer.stats.connected());
}
