//! `sendDtmf` and `conferenceKick` end to end over real WebSockets against the real core and the
//! embedded PBX: the keys reach the switch on the user's answered call (the sim shows what the
//! phone sent), bad keys and no call are refused; a member may leave a room by kicking their
//! own place, only a supervisor may kick someone else (`ConferenceCommandError` `Forbidden`),
//! and the kicked member's call ends.

mod support;

use serde_json::{Value, json};
use support::TestServer;

use ctid_pbx_sim::LineAction;

fn phone_event(m: &Value, event_type: &str) -> bool {
    m["msgType"] == "PhoneEvent" && m["ctiMessage"]["eventType"] == event_type
}

/// The DTMF the sim's channels of line `number` sent.
async fn dtmf_of_line(srv: &TestServer, number: &str) -> String {
    srv.sim
        .calls()
        .await
        .unwrap()
        .iter()
        .flat_map(|c| c.channels.iter())
        .filter(|c| c.line.as_deref() == Some(number))
        .map(|c| c.dtmf.clone())
        .collect()
}

#[tokio::test]
async fn dtmf_keys_go_to_the_answered_call() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    bob.drain().await;

    // No call yet.
    bob.command("sendDtmf", json!({"key": "5"})).await;
    let m = bob.expect_type("Error").await;
    assert_eq!(m["ctiMessage"]["Error"], "NoCall", "{m}");

    srv.sim
        .line_action("1002", LineAction::Dial { to: "1003".into() })
        .await
        .unwrap();
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    bob.expect("established", |m| phone_event(m, "EventEstablished"))
        .await;

    bob.command("sendDtmf", json!({"key": "5"})).await;
    bob.command("sendDtmf", json!({"key": 7})).await;
    bob.command("sendDtmf", json!({"key": "#"})).await;
    // A refused key after them: once its error is here, the three before were handled.
    bob.command("sendDtmf", json!({"key": "x"})).await;
    let m = bob.expect_type("Error").await;
    assert_eq!(m["ctiMessage"]["Error"], "InvalidArgument", "{m}");
    assert_eq!(dtmf_of_line(&srv, "1002").await, "57#");
    assert_eq!(
        dtmf_of_line(&srv, "1003").await,
        "",
        "carol pressed nothing"
    );

    bob.command("sendDtmf", json!({})).await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    bob.command("sendDtmf", json!({"key": "1".repeat(33)}))
        .await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
}

#[tokio::test]
async fn only_supervisors_kick_others_and_anyone_may_leave() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    let mut carol = srv.session("carol").await;
    let mut alice = srv.session("alice").await;
    bob.drain().await;
    carol.drain().await;
    alice.drain().await;
    for line in ["1002", "1003"] {
        srv.sim
            .line_action(line, LineAction::Dial { to: "4000".into() })
            .await
            .unwrap();
    }
    bob.expect("carol joins", |m| {
        m["msgType"] == "ConferenceParticipantEvent"
            && m["ctiMessage"]["eventType"] == "Join"
            && m["ctiMessage"]["username"] == "carol"
    })
    .await;
    carol.drain().await;

    // Bob (no supervisor) may not kick carol.
    bob.command("conferenceKick", json!({"numConf": "4000", "index": 2}))
        .await;
    let m = bob.expect_type("ConferenceCommandError").await;
    assert_eq!(
        (&m["ctiMessage"]["Error"], &m["ctiMessage"]["command"]),
        (&json!("Forbidden"), &json!("conferenceKick"))
    );
    // Refusals of the input: no index, an unknown member, an unknown room.
    bob.command("conferenceKick", json!({"numConf": "4000"}))
        .await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    bob.command("conferenceKick", json!({"numConf": "4000", "index": 9}))
        .await;
    assert_eq!(
        bob.expect_type("ConferenceCommandError").await["ctiMessage"]["Error"],
        "NotFound"
    );
    bob.command("conferenceKick", json!({"numConf": "4999", "index": 1}))
        .await;
    assert_eq!(
        bob.expect_type("ConferenceCommandError").await["ctiMessage"]["Error"],
        "NotFound"
    );

    // Alice (supervisor, not in the room) kicks carol: carol's call leaves the room and ends.
    alice
        .command("conferenceKick", json!({"numConf": 4000, "index": 2}))
        .await;
    carol
        .expect("carol is out", |m| {
            m["msgType"] == "ConferenceEvent" && m["ctiMessage"]["eventType"] == "Leave"
        })
        .await;
    bob.expect("carol left", |m| {
        m["msgType"] == "ConferenceParticipantEvent" && m["ctiMessage"]["eventType"] == "Leave"
    })
    .await;
    carol
        .expect("carol's call ended", |m| phone_event(m, "EventReleased"))
        .await;

    // Bob kicks his own place: he leaves.
    bob.command("conferenceKick", json!({"numConf": "4000", "index": 1}))
        .await;
    bob.expect("bob is out", |m| {
        m["msgType"] == "ConferenceEvent" && m["ctiMessage"]["eventType"] == "Leave"
    })
    .await;
    assert!(srv.sim.calls().await.unwrap().is_empty());
}
