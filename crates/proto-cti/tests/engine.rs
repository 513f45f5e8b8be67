//! The CTI face over an engine that speaks only the Pbx port contract (no embedded PBX): what
//! an Asterisk adapter does. The engine's starting snapshot is what clients see; a refused
//! action reaches the client who asked as the error of its request; after a reconnect the
//! engine's snapshot is the truth and clients get exactly what changed.

mod support;

use std::sync::Arc;

use serde_json::{Value, json};
use support::{Client, GUARD, getlist, is_getlist};

use ctid_core::dataset::Dataset;
use ctid_core::ids::{BridgeId, LineId, UniqueId};
use ctid_core::live::{ChannelState, Endpoint, Party};
use ctid_core::pbx::{ChannelSnapshot, PbxAction, PbxAdapterEnd, PbxEvent, PbxSnapshot};
use ctid_core::store::MemoryCallLog;
use ctid_core::{CoreConfig, ManualClock};
use ctid_proto_cti::{CtiConfig, CtiServer};

/// A CTI server on the demo dataset whose engine is the test itself.
async fn server() -> (std::net::SocketAddr, PbxAdapterEnd) {
    let dataset = Arc::new(Dataset::demo());
    let clock = ManualClock::at_default_start();
    let (port, engine) = ctid_core::pbx_link(64);
    let core = ctid_core::spawn(dataset, clock.shared(), port, CoreConfig::default());
    let config = CtiConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..CtiConfig::default()
    };
    let server = CtiServer::bind(config, core, Arc::new(MemoryCallLog::default()))
        .await
        .expect("bind");
    let addr = server.local_addr();
    tokio::spawn(server.run(futures::future::pending::<()>()));
    (addr, engine)
}

fn channel(uniqueid: &str, line: Option<u32>, number: &str, bridge: &str) -> ChannelSnapshot {
    ChannelSnapshot {
        uniqueid: UniqueId::new(uniqueid),
        linkedid: UniqueId::new("call.1"),
        name: format!("PJSIP/{number}-{uniqueid}"),
        endpoint: line.map_or(Endpoint::Trunk, |l| Endpoint::Line(LineId(l))),
        caller: Party::new(number, ""),
        connected: Party::default(),
        exten: "s".into(),
        state: ChannelState::Up,
        held: false,
        bridge: Some(BridgeId::new(bridge)),
        dialled_by: None,
        spying: None,
        variables: vec![],
    }
}

/// Every phone registered; bob (1002) talks to an outside caller.
fn first_snapshot() -> PbxSnapshot {
    PbxSnapshot {
        channels: vec![
            channel("call.1", None, "0612345678", "b1"),
            channel("call.2", Some(2), "1002", "b1"),
        ],
        registered: (1..=6).map(LineId).collect(),
        ..PbxSnapshot::default()
    }
}

async fn send(engine: &PbxAdapterEnd, events: Vec<PbxEvent>) {
    engine.events.send(events).await.expect("core running");
}

fn hint(m: &Value, line: &str, code: &str) -> bool {
    is_getlist(m, "updatestatus", "phones", line) && m["status"]["hintstatus"] == code
}

async fn phone_hint(c: &mut Client, line: &str) -> String {
    c.send(getlist("updatestatus", "phones", Some(line))).await;
    let m = c
        .expect("phone status", |m| {
            is_getlist(m, "updatestatus", "phones", line)
        })
        .await;
    m["status"]["hintstatus"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn clients_see_the_engine_snapshot_and_its_refusals() {
    let (addr, mut engine) = server().await;
    send(
        &engine,
        vec![PbxEvent::Snapshot(Box::new(first_snapshot()))],
    )
    .await;
    let mut bob = Client::connect(addr).await;
    bob.login("bob", "bob").await;
    assert_eq!(phone_hint(&mut bob, "2").await, "1", "bob talks");
    assert_eq!(
        phone_hint(&mut bob, "4").await,
        "0",
        "dave's phone is registered"
    );

    // Bob hangs up; the core hands the engine a Hangup with an id; the switch refuses it.
    bob.send(json!({"class":"hangup"})).await;
    let request = tokio::time::timeout(GUARD, engine.actions.recv())
        .await
        .expect("an action in time")
        .expect("core running");
    assert_eq!(
        request.action,
        PbxAction::Hangup {
            uniqueid: UniqueId::new("call.2")
        }
    );
    send(
        &engine,
        vec![PbxEvent::ActionFailed {
            action: request.id,
            reason: "No such channel".into(),
        }],
    )
    .await;
    let error = bob.expect("the refusal", |m| m["class"] == "hangup").await;
    assert_eq!(error["error_string"], "service_unavailable");
    assert_eq!(error["reason"], "No such channel");
}

#[tokio::test]
async fn after_a_reconnect_clients_get_exactly_what_changed() {
    let (addr, engine) = server().await;
    send(
        &engine,
        vec![PbxEvent::Snapshot(Box::new(first_snapshot()))],
    )
    .await;
    let mut alice = Client::connect(addr).await;
    alice.login("alice", "alice").await;
    alice.send(getlist("listid", "phones", None)).await;
    alice.expect("listid", |m| m["function"] == "listid").await;
    assert_eq!(phone_hint(&mut alice, "2").await, "1");

    // The engine reconnects: meanwhile bob's call ended and dave's phone unregistered.
    let mut snapshot = first_snapshot();
    snapshot.channels.clear();
    snapshot.registered.retain(|l| *l != LineId(4));
    send(
        &engine,
        vec![PbxEvent::Snapshot(Box::new(snapshot.clone()))],
    )
    .await;
    alice
        .expect_all(&[
            ("bob idle", &|m: &Value| hint(m, "2", "0")),
            ("dave unavailable", &|m: &Value| hint(m, "4", "4")),
        ])
        .await;
    // A second identical snapshot changes nothing. Pushes keep their order, so anything it
    // sent would come before the push of a later change (eve's phone unregistering).
    let start = alice.skipped.len();
    send(
        &engine,
        vec![PbxEvent::Snapshot(Box::new(snapshot.clone()))],
    )
    .await;
    snapshot.registered.retain(|l| *l != LineId(5));
    send(&engine, vec![PbxEvent::Snapshot(Box::new(snapshot))]).await;
    alice.expect("eve unavailable", |m| hint(m, "5", "4")).await;
    let pushes: Vec<&Value> = alice.skipped[start..]
        .iter()
        .filter(|m| m["function"] == "updatestatus")
        .collect();
    assert!(pushes.is_empty(), "nothing re-sent: {pushes:?}");
}
