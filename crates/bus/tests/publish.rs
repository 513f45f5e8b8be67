//! The publisher against the real RabbitMQ on 127.0.0.1:5672 (or `CTID_TEST_AMQP_URL`): a
//! queue bound to the exchange receives the core's statuses, calls and call forms with the
//! names, routing keys, ACLs, headers and bodies XiVO consumers expect; a broker that cannot be
//! reached never stalls the core. The tests fail, never skip, when the broker is down.

mod support;

use std::sync::Arc;

use lapin::types::AMQPValue;
use serde_json::json;

use ctid_bus::{BusConfig, spawn_publisher};
use ctid_core::ids::{AgentId, LineId, QueueId, UniqueId, UserId};
use ctid_core::live::{ChannelState, Endpoint, Party};
use ctid_core::{
    Command, CoreConfig, CoreHandle, Dataset, ManualClock, PbxAdapterEnd, PbxEvent, pbx_link, spawn,
};
use support::amqp::{GUARD, Tap, broker_url, text, unique_exchange};

const DEMO_UUID: &str = "6bd9a7a4-5c6e-4a0b-9d1e-0c71d0e1c7a1";
const ALICE: &str = "00000000-0000-4000-8000-000000000001";
const BOB: &str = "00000000-0000-4000-8000-000000000002";
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

async fn send(adapter: &PbxAdapterEnd, batch: Vec<PbxEvent>) {
    tokio::time::timeout(GUARD, adapter.events.send(batch))
        .await
        .expect("the core takes PBX batches")
        .expect("core running");
}

async fn execute(core: &CoreHandle, command: Command) {
    tokio::time::timeout(GUARD, core.execute(command))
        .await
        .expect("the core answers")
        .expect("the command succeeds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_calls_and_call_forms_reach_a_bound_queue() {
    let exchange = unique_exchange("publish");
    let mut tap = Tap::bind(&exchange).await;
    let (core, adapter) = core();
    let config = BusConfig {
        exchange: exchange.clone(),
        ..BusConfig::default()
    };
    // Published before the publisher has connected: the outbox keeps them.
    let publisher = spawn_publisher(&core, broker_url(), config)
        .await
        .expect("core running");

    execute(
        &core,
        Command::SessionOpened {
            user: UserId(1),
            presence: Some("available".into()),
        },
    )
    .await;
    execute(
        &core,
        Command::SetPresence {
            user: UserId(1),
            status: "away".into(),
        },
    )
    .await;
    let presence = loop {
        let seen = tap.next_named("user_status_update").await;
        if seen.body["data"]["status"] == "away" {
            break seen;
        }
    };
    assert_eq!(presence.routing_key, "status.user");
    assert_eq!(
        presence.body,
        json!({
            "name": "user_status_update",
            "origin_uuid": DEMO_UUID,
            "required_acl": "events.statuses.users",
            "data": {"user_uuid": ALICE, "status": "away", "xivo_id": DEMO_UUID},
        })
    );
    assert_eq!(
        text(&presence, "name").as_deref(),
        Some("user_status_update")
    );
    assert_eq!(text(&presence, "origin_uuid").as_deref(), Some(DEMO_UUID));
    assert_eq!(
        text(&presence, "required_acl").as_deref(),
        Some("events.statuses.users")
    );
    assert_eq!(
        presence.headers.get(&format!("user_uuid:{ALICE}")),
        Some(&AMQPValue::Boolean(true))
    );
    assert_eq!(presence.content_type.as_deref(), Some("application/json"));
    assert_eq!(presence.delivery_mode, Some(1), "not persistent");
    // `<node uuid>:<run>:<n>`: available (1), then away (2).
    let id = presence.message_id.as_deref().expect("a message id");
    let parts: Vec<&str> = id.split(':').collect();
    assert_eq!(
        (parts.len(), parts[0], parts[2]),
        (3, DEMO_UUID, "2"),
        "{id}"
    );
    assert!(parts[1].parse::<u64>().is_ok(), "{id}");

    // Bob's phone registers: his line becomes idle (0) from unavailable.
    send(
        &adapter,
        vec![PbxEvent::LineRegistration {
            line: LineId(2),
            registered: true,
        }],
    )
    .await;
    let registered = tap.next_named("endpoint_status_update").await;
    assert_eq!(registered.routing_key, "status.endpoint");
    assert_eq!(
        registered.body["data"],
        json!({"endpoint_id": 2, "status": 0, "xivo_id": DEMO_UUID})
    );

    // A call rings bob's phone and is abandoned.
    let id = UniqueId::new("1700000000.1");
    let ring = vec![PbxEvent::ChannelCreated {
        uniqueid: id.clone(),
        linkedid: id.clone(),
        name: "PJSIP/1002-00000001".into(),
        endpoint: Endpoint::Line(LineId(2)),
        caller: Party::new("0600000000", "Outside"),
        exten: "s".into(),
        state: ChannelState::Ringing,
    }];
    send(&adapter, ring).await;
    // Phone events come before what the batch derives (the line's hint).
    let created = tap.next_named("call_created").await;
    assert_eq!(created.routing_key, "calls.call.created");
    assert_eq!(created.body["required_acl"], format!("events.calls.{BOB}"));
    assert_eq!(created.body["data"]["call_id"], "1700000000.1");
    assert_eq!(created.body["data"]["user_uuid"], BOB);
    assert_eq!(created.body["data"]["status"], "Ringing");
    let ringing = tap.next_named("endpoint_status_update").await;
    assert_eq!(ringing.routing_key, "status.endpoint");
    assert_eq!(ringing.body["required_acl"], "events.statuses.endpoints");
    assert_eq!(ringing.body["data"]["endpoint_id"], 2);
    assert!(
        ringing.body["data"]["status"].is_i64(),
        "{:?}",
        ringing.body
    );
    assert_eq!(
        ringing.headers.get(&format!("user_uuid:{BOB}")),
        Some(&AMQPValue::Boolean(true))
    );
    let hangup = vec![PbxEvent::Hangup {
        uniqueid: id,
        cause: 19,
    }];
    send(&adapter, hangup).await;
    let ended = tap.next_named("call_ended").await;
    assert_eq!(ended.routing_key, "calls.call.ended");
    assert_eq!(ended.body["data"]["call_id"], "1700000000.1");
    let idle = tap.next_named("endpoint_status_update").await;
    assert_eq!(
        idle.body["data"],
        json!({"endpoint_id": 2, "status": 0, "xivo_id": DEMO_UUID})
    );

    // Carol's agent logs in on her line, then pauses in the sales queue.
    send(
        &adapter,
        vec![PbxEvent::AgentLogin {
            agent: AgentId(1),
            line: LineId(3),
        }],
    )
    .await;
    let login = tap.next_named("agent_status_update").await;
    assert_eq!(login.routing_key, "status.agent");
    assert_eq!(
        login.body["data"],
        json!({"agent_id": 1, "status": "logged_in", "xivo_id": DEMO_UUID})
    );
    assert_eq!(
        login.headers.get(&format!("user_uuid:{CAROL}")),
        Some(&AMQPValue::Boolean(true))
    );
    send(
        &adapter,
        vec![PbxEvent::QueueMemberPaused {
            queue: QueueId(1),
            agent: AgentId(1),
            paused: true,
            reason: Some("lunch".into()),
        }],
    )
    .await;
    let paused = tap.next_named("agent_paused").await;
    assert_eq!(paused.routing_key, "status.agent.pause");
    assert_eq!(paused.body["required_acl"], "events.statuses.agents");
    assert_eq!(
        paused.body["data"],
        json!({"agent_id": 1, "agent_number": "2001", "paused": true, "paused_reason": "lunch", "queue": "sales"})
    );

    // A call form: no ACL at all, as xivo-ctid publishes it.
    execute(
        &core,
        Command::CallFormResult {
            user: UserId(1),
            variables: vec![("firstname".into(), "Ada".into())],
        },
    )
    .await;
    let form = tap.next_named("call_form_result").await;
    assert_eq!(form.routing_key, "call_form_result");
    assert_eq!(
        form.body,
        json!({
            "name": "call_form_result",
            "origin_uuid": DEMO_UUID,
            "data": {"user_id": 1, "variables": {"firstname": "Ada"}},
        })
    );
    assert!(!form.headers.contains_key("required_acl"));

    assert!(publisher.stats.connected());
    assert_eq!(publisher.stats.dropped(), 0);
    assert_eq!(publisher.hub.dropped(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_broker_never_stalls_the_core() {
    // Make sure the broker itself runs (the test is about the publisher, not a missing broker).
    let exchange = unique_exchange("unreachable");
    let _tap = Tap::bind(&exchange).await;
    let (core, _adapter) = core();
    let config = BusConfig {
        exchange: exchange.clone(),
        outbox_capacity: 4,
        ..BusConfig::default()
    };
    // Nothing listens on port 1.
    let publisher = spawn_publisher(&core, "amqp://guest:guest@127.0.0.1:1/%2f".into(), config)
        .await
        .expect("core running");
    execute(
        &core,
        Command::SessionOpened {
            user: UserId(1),
            presence: Some("available".into()),
        },
    )
    .await;
    let changes: u64 = 200;
    for i in 0..changes {
        let status = if i % 2 == 0 { "away" } else { "available" };
        execute(
            &core,
            Command::SetPresence {
                user: UserId(1),
                status: status.into(),
            },
        )
        .await;
    }
    let presence = tokio::time::timeout(
        GUARD,
        core.read(|s| s.user_presence(UserId(1)).map(|p| p.status.clone())),
    )
    .await
    .expect("the core answers")
    .expect("core running");
    assert_eq!(presence.as_deref(), Some("available"));
    // Every change made a message: four wait in the outbox, the rest were dropped and counted
    // (by the publisher, or by the hub when the publisher fell behind).
    drop(core);
    tokio::time::timeout(GUARD, publisher.reader)
        .await
        .expect("the reader ends with the core")
        .expect("reader task");
    let stats = &publisher.stats;
    assert!(!stats.connected());
    assert_eq!(stats.queued(), 4);
    assert!(
        stats.dropped() >= changes - 4 - publisher.hub.dropped(),
        "dropped {} (hub {})",
        stats.dropped(),
        publisher.hub.dropped()
    );
}
