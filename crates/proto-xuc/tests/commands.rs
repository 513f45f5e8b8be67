//! The phone, agent and conference commands of the second batch end to end over real
//! WebSockets against the real core and the embedded PBX: `dialByUsername`, `originate`,
//! `dialFromMobile`, `setData` (the `USR_` rule), `listenAgent` and `AgentListen`, the
//! conference room commands with `ConferenceEvent` / `ConferenceParticipantEvent` and
//! `ConferenceCommandError`, their refusals, and the end of sockets whose token is revoked.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{GUARD, TestServer};

use ctid_pbx_sim::LineAction;

fn phone_event(m: &Value, event_type: &str) -> bool {
    m["msgType"] == "PhoneEvent" && m["ctiMessage"]["eventType"] == event_type
}

#[tokio::test]
async fn revoking_a_token_closes_the_sockets_opened_with_it() {
    let srv = TestServer::start().await;
    let token = srv.token("bob").await;
    let mut revoked = srv.ws(&format!("/xuc/api/2.0/cti?token={token}")).await;
    assert_eq!(revoked.recv().await["msgType"], "LoggedOn");
    let mut other = srv.session("bob").await;
    revoked.drain().await;
    other.drain().await;
    let r = reqwest::Client::new()
        .post(srv.url("/xuc/api/2.0/auth/logout"))
        .bearer_auth(&token)
        .timeout(GUARD)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The socket gets a close frame (and nothing else is required of it).
    revoked.until_closed().await;
    // A socket opened with another token of the same user lives on.
    assert!(other.drain().await.is_empty());
}

#[tokio::test]
async fn dial_by_username_originate_and_set_data() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    let mut carol = srv.session("carol").await;
    bob.drain().await;
    carol.drain().await;

    bob.command("dialByUsername", json!({"username": "carol"}))
        .await;
    let m = carol
        .expect("carol rings", |m| phone_event(m, "EventRinging"))
        .await;
    assert_eq!(m["ctiMessage"]["otherDN"], "1002");
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    bob.expect("established", |m| phone_event(m, "EventEstablished"))
        .await;

    // setData: the USR_ prefix is added when missing; the data comes back in userData.
    bob.command("setData", json!({"variables": {"crm": "7", "USR_x": "y"}}))
        .await;
    bob.command("getCurrentCallsPhoneEvents", json!({})).await;
    let m = bob
        .expect("the data", |m| {
            m["msgType"] == "CurrentCallsPhoneEvents"
                && m["ctiMessage"]["events"][0]["userData"]["USR_crm"] == "7"
        })
        .await;
    assert_eq!(
        m["ctiMessage"]["events"][0]["userData"]["USR_x"], "y",
        "{m}"
    );
    bob.command("hangup", json!({})).await;
    bob.expect("released", |m| phone_event(m, "EventReleased"))
        .await;

    bob.command("originate", json!({"destination": "1004"}))
        .await;
    let m = bob
        .expect("dialing", |m| phone_event(m, "EventDialing"))
        .await;
    assert_eq!(m["ctiMessage"]["otherDN"], "1004");

    // Refusals and bad arguments.
    bob.command("dialByUsername", json!({"username": "nobody"}))
        .await;
    let m = bob.expect_type("Error").await;
    assert_eq!(
        (&m["ctiMessage"]["Error"], &m["ctiMessage"]["command"]),
        (&json!("NotFound"), &json!("dialByUsername"))
    );
    bob.command("dialByUsername", json!({})).await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    bob.command("setData", json!({})).await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    bob.command("setData", json!({"variables": {"a": [1]}}))
        .await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    bob.command("originate", json!({"destination": 12})).await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
}

#[tokio::test]
async fn dial_from_mobile_rings_the_mobile_first() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    let mut carol = srv.session("carol").await;
    bob.drain().await;
    carol.drain().await;
    bob.command("dialFromMobile", json!({"destination": "1003"}))
        .await;
    bob.drain().await;
    // The far end (bob's mobile) answers after a delay on the sim's clock; then carol rings.
    let mut rang = None;
    for _ in 0..50 {
        srv.clock.advance(Duration::from_secs(2));
        if let Ok(m) = tokio::time::timeout(
            Duration::from_millis(200),
            carol.expect("carol rings", |m| phone_event(m, "EventRinging")),
        )
        .await
        {
            rang = Some(m);
            break;
        }
    }
    // The destination is shown the user's own number (the core's click-to-dial caller-id).
    let m = rang.expect("carol's phone rings");
    assert_eq!(m["ctiMessage"]["otherDN"], "1002", "{m}");
    bob.command("dialFromMobile", json!({})).await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
}

#[tokio::test]
async fn listening_needs_the_right_and_tells_both_sides() {
    let srv = TestServer::start().await;
    let mut alice = srv.session("alice").await;
    let mut bob = srv.session("bob").await;
    let mut carol = srv.session("carol").await;
    for c in [&mut alice, &mut bob, &mut carol] {
        c.drain().await;
    }
    carol
        .command("agentLogin", json!({"agentphonenumber": "1003"}))
        .await;
    carol
        .expect("ready", |m| {
            m["msgType"] == "AgentStateEvent" && m["ctiMessage"]["name"] == "AgentReady"
        })
        .await;
    // Bob has no supervisor profile.
    bob.command("listenAgent", json!({"agentid": 1})).await;
    let m = bob.expect_type("AgentError").await;
    assert_eq!(m["ctiMessage"]["Error"], "Forbidden", "{m}");
    bob.command("listenAgent", json!({})).await;
    assert_eq!(
        bob.expect_type("AgentError").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );

    // Listening starts once the agent talks: give carol a call.
    srv.sim
        .outside_call("0612345678".into(), "1003".into(), None)
        .await
        .unwrap();
    carol
        .expect("carol rings", |m| phone_event(m, "EventRinging"))
        .await;
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    carol
        .expect("carol talks", |m| phone_event(m, "EventEstablished"))
        .await;
    alice.command("listenAgent", json!({"agentid": 1})).await;
    // Alice's phone rings (auto-answer or not); once it is up, both are told.
    let ringing = alice
        .expect("alice's phone", |m| m["msgType"] == "PhoneEvent")
        .await;
    if ringing["ctiMessage"]["eventType"] == "EventRinging" {
        srv.sim
            .line_action("1001", LineAction::Answer)
            .await
            .unwrap();
    }
    let m = alice.expect_type("AgentListen").await;
    assert_eq!(
        m["ctiMessage"],
        json!({"started": true, "phoneNumber": "1003", "agentId": 1})
    );
    // Published in the same pass as alice's copy: queued before carol's Pong.
    let seen = carol.drain().await;
    assert!(
        seen.iter()
            .any(|m| m["msgType"] == "AgentListen" && m["ctiMessage"]["started"] == true),
        "{seen:#?}"
    );
}

#[tokio::test]
async fn conference_room_events_and_commands() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    let mut carol = srv.session("carol").await;
    bob.drain().await;
    carol.drain().await;
    srv.sim
        .line_action("1002", LineAction::Dial { to: "4000".into() })
        .await
        .unwrap();
    let m = bob.expect_type("ConferenceEvent").await;
    let e = &m["ctiMessage"];
    assert_eq!(
        (
            &e["eventType"],
            &e["conferenceNumber"],
            &e["conferenceName"]
        ),
        (&json!("Join"), &json!("4000"), &json!("standup"))
    );
    assert_eq!(e["participants"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(e["participants"][0]["isMe"], true);
    srv.sim
        .line_action("1003", LineAction::Dial { to: "4000".into() })
        .await
        .unwrap();
    let m = bob
        .expect("carol joins", |m| {
            m["msgType"] == "ConferenceParticipantEvent"
                && m["ctiMessage"]["eventType"] == "Join"
                && m["ctiMessage"]["username"] == "carol"
        })
        .await;
    let p = &m["ctiMessage"];
    assert_eq!(
        (&p["index"], &p["isMe"], &p["phoneNumber"], &p["role"]),
        (&json!(2), &json!(false), &json!("4000"), &json!("User"))
    );
    for field in [
        "uniqueId",
        "callerIdName",
        "callerIdNumber",
        "since",
        "isMuted",
        "isTalking",
    ] {
        assert!(p.get(field).is_some(), "{field}: {p}");
    }
    carol.expect_type("ConferenceEvent").await;

    // Bob (in the room) mutes carol by index; both are told.
    bob.command("conferenceMute", json!({"numConf": "4000", "index": 2}))
        .await;
    let m = carol
        .expect("muted", |m| {
            m["msgType"] == "ConferenceParticipantEvent"
                && m["ctiMessage"]["eventType"] == "Update"
                && m["ctiMessage"]["isMe"] == true
        })
        .await;
    assert_eq!(m["ctiMessage"]["isMuted"], true);
    carol
        .command("conferenceUnmuteMe", json!({"numConf": 4000}))
        .await;
    carol
        .expect("unmuted", |m| {
            m["msgType"] == "ConferenceParticipantEvent" && m["ctiMessage"]["isMuted"] == false
        })
        .await;

    // Refusals: an unknown room, an unknown member, someone not in the room.
    bob.command("conferenceMute", json!({"numConf": "4999", "index": 1}))
        .await;
    let m = bob.expect_type("ConferenceCommandError").await;
    assert_eq!(
        (&m["ctiMessage"]["Error"], &m["ctiMessage"]["command"]),
        (&json!("NotFound"), &json!("conferenceMute"))
    );
    bob.command("conferenceMute", json!({"numConf": "4000", "index": 9}))
        .await;
    assert_eq!(
        bob.expect_type("ConferenceCommandError").await["ctiMessage"]["Error"],
        "NotFound"
    );
    bob.command("conferenceMute", json!({"numConf": "4000"}))
        .await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    let mut dave = srv.session("dave").await;
    dave.drain().await;
    dave.command("conferenceMuteAll", json!({"numConf": "4000"}))
        .await;
    assert_eq!(
        dave.expect_type("ConferenceCommandError").await["ctiMessage"]["Error"],
        "Forbidden"
    );
    dave.command("conferenceMuteMe", json!({"numConf": "4000"}))
        .await;
    assert_eq!(
        dave.expect_type("ConferenceCommandError").await["ctiMessage"]["Error"],
        "InvalidState"
    );

    // Carol hangs up: she is told she left, bob that she did.
    srv.sim
        .line_action("1003", LineAction::Hangup)
        .await
        .unwrap();
    let m = carol
        .expect("left", |m| {
            m["msgType"] == "ConferenceEvent" && m["ctiMessage"]["eventType"] == "Leave"
        })
        .await;
    assert_eq!(m["ctiMessage"]["participants"], json!([]));
    bob.expect("carol left", |m| {
        m["msgType"] == "ConferenceParticipantEvent" && m["ctiMessage"]["eventType"] == "Leave"
    })
    .await;
}
