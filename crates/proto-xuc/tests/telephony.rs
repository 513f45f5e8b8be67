//! Events and commands end to end with the embedded PBX: a sim call produces `PhoneEvent`s and
//! `PhoneStatusUpdate`s; `dial`, `answer`, `hangup` drive the calls; `dnd` and forwards push
//! `UserConfigUpdate`; agent commands push `AgentStateEvent`s; a CTI and a XuC session of one
//! user both get the pushes. Time moves only when a test advances the `ManualClock`.

mod support;

use serde_json::{Value, json};
use support::TestServer;

use ctid_pbx_sim::LineAction;

fn phone_event(m: &Value, event_type: &str) -> bool {
    m["msgType"] == "PhoneEvent" && m["ctiMessage"]["eventType"] == event_type
}

fn phone_status(m: &Value, status: &str) -> bool {
    m["msgType"] == "PhoneStatusUpdate" && m["ctiMessage"]["status"] == status
}

#[tokio::test]
async fn a_sim_call_produces_phone_events_and_xuc_commands_answer_and_hang_up() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    bob.drain().await;
    srv.sim
        .outside_call("0612345678".into(), "1002".into(), Some("Jane Doe".into()))
        .await
        .unwrap();
    let ringing = bob
        .expect("ringing", |m| phone_event(m, "EventRinging"))
        .await;
    let e = &ringing["ctiMessage"];
    assert_eq!(e["DN"], "1002");
    assert_eq!(e["otherDN"], "0612345678");
    assert_eq!(e["otherDName"], "Jane Doe");
    assert_eq!(e["callDirection"], "Incoming");
    assert!(e["linkedId"].as_str().is_some_and(|s| !s.is_empty()), "{e}");
    assert!(e["uniqueId"].as_str().is_some_and(|s| !s.is_empty()), "{e}");
    assert!(e["userData"].is_object(), "{e}");
    assert!(e.get("queueName").is_none(), "not an ACD call: {e}");
    bob.expect("phone rings", |m| phone_status(m, "RINGING"))
        .await;

    bob.command("answer", json!({})).await;
    let up = bob
        .expect("established", |m| phone_event(m, "EventEstablished"))
        .await;
    assert_eq!(up["ctiMessage"]["uniqueId"], e["uniqueId"]);
    bob.expect("in use", |m| phone_status(m, "CALLING")).await;

    bob.command("getCurrentCallsPhoneEvents", json!({})).await;
    let current = bob.expect_type("CurrentCallsPhoneEvents").await;
    let events = current["ctiMessage"]["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{current}");
    assert_eq!(events[0]["eventType"], "EventEstablished");
    assert_eq!(events[0]["otherDN"], "0612345678");

    bob.command("hangup", json!({})).await;
    bob.expect("released", |m| phone_event(m, "EventReleased"))
        .await;
    bob.expect("idle", |m| phone_status(m, "AVAILABLE")).await;

    bob.command("hangup", json!({})).await;
    let m = bob.expect_type("Error").await;
    assert_eq!(m["ctiMessage"]["command"], "hangup");
    assert_eq!(m["ctiMessage"]["Error"], "NoCall", "{m}");
}

#[tokio::test]
async fn dial_calls_from_the_users_line_with_attached_data() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    let mut carol = srv.session("carol").await;
    bob.drain().await;
    carol.drain().await;
    bob.command(
        "dial",
        json!({"destination": "1003", "variables": {"crm": "42"}}),
    )
    .await;
    let dialing = bob
        .expect("dialing", |m| phone_event(m, "EventDialing"))
        .await;
    assert_eq!(dialing["ctiMessage"]["DN"], "1002");
    assert_eq!(dialing["ctiMessage"]["otherDN"], "1003");
    assert_eq!(dialing["ctiMessage"]["callDirection"], "Outgoing");
    let ringing = carol
        .expect("carol rings", |m| phone_event(m, "EventRinging"))
        .await;
    let e = &ringing["ctiMessage"];
    assert_eq!(e["otherDN"], "1002");
    assert_eq!(e["username"], "bob");
    assert_eq!(e["userData"]["USR_crm"], "42", "{e}");
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    bob.expect("bob established", |m| phone_event(m, "EventEstablished"))
        .await;
    carol
        .expect("carol established", |m| phone_event(m, "EventEstablished"))
        .await;

    bob.command("dial", json!({"destination": "9999999999999"}))
        .await;
    let m = bob.expect("an error", |m| m["msgType"] == "Error").await;
    assert_eq!(m["ctiMessage"]["command"], "dial", "{m}");
}

#[tokio::test]
async fn dnd_and_forwards_push_user_config_updates() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    bob.drain().await;
    bob.command("dnd", json!({"state": true})).await;
    let m = bob.expect_type("UserConfigUpdate").await;
    assert_eq!(m["ctiMessage"]["dndEnabled"], true);
    assert_eq!(m["ctiMessage"]["userId"], 2);
    assert_eq!(m["ctiMessage"]["fullName"], "Bob Bernard");
    bob.command("naFwd", json!({"state": true, "destination": "1003"}))
        .await;
    let m = bob.expect_type("UserConfigUpdate").await;
    assert_eq!(m["ctiMessage"]["naFwdEnabled"], true);
    assert_eq!(m["ctiMessage"]["naFwdDestination"], "1003");
    assert_eq!(m["ctiMessage"]["dndEnabled"], true, "the whole object");
    bob.command("uncFwd", json!({"state": false})).await;
    // Nothing changed (already off): no push; the next one is for busyFwd.
    bob.command("busyFwd", json!({"state": true, "destination": "1004"}))
        .await;
    let m = bob.expect_type("UserConfigUpdate").await;
    assert_eq!(m["ctiMessage"]["busyFwdDestination"], "1004");
}

#[tokio::test]
async fn a_cti_and_a_xuc_session_of_one_user_both_get_the_pushes() {
    let srv = TestServer::start().await;
    let mut cti = srv.cti("bob").await;
    let mut xuc = srv.session("bob").await;
    xuc.drain().await;
    // A change from the XuC side reaches both.
    xuc.command("dnd", json!({"state": true})).await;
    xuc.expect("dnd on", |m| {
        m["msgType"] == "UserConfigUpdate" && m["ctiMessage"]["dndEnabled"] == true
    })
    .await;
    cti.expect("dnd push", |m| {
        m["class"] == "getlist"
            && m["function"] == "updateconfig"
            && m["config"]["enablednd"] == true
    })
    .await;
    // A change from the CTI side too.
    cti.send(json!({"class":"featuresput","function":"enablednd","value":false}))
        .await;
    xuc.expect("dnd off", |m| {
        m["msgType"] == "UserConfigUpdate" && m["ctiMessage"]["dndEnabled"] == false
    })
    .await;
    // And a call.
    srv.sim
        .outside_call("0699999999".into(), "1002".into(), None)
        .await
        .unwrap();
    xuc.expect("ringing", |m| phone_event(m, "EventRinging"))
        .await;
    cti.expect("phone rings", |m| {
        m["class"] == "getlist" && m["listname"] == "phones" && m["status"]["hintstatus"] == "8"
    })
    .await;
}

fn agent_state(m: &Value, agent: u64, name: &str) -> bool {
    m["msgType"] == "AgentStateEvent"
        && m["ctiMessage"]["agentId"] == agent
        && m["ctiMessage"]["name"] == name
}

#[tokio::test]
async fn agent_login_pause_and_logout_push_agent_state_events() {
    let srv = TestServer::start().await;
    let mut carol = srv.session("carol").await; // agent 1 (2001), line 1003
    carol.drain().await;
    carol
        .command("agentLogin", json!({"agentphonenumber": "1003"}))
        .await;
    let m = carol
        .expect("ready", |m| agent_state(m, 1, "AgentReady"))
        .await;
    assert_eq!(m["ctiMessage"]["phoneNb"], "1003");
    assert!(m["ctiMessage"]["queues"].is_array());
    carol
        .command("pauseAgent", json!({"reason": "lunch"}))
        .await;
    let m = carol
        .expect("paused", |m| agent_state(m, 1, "AgentOnPause"))
        .await;
    assert_eq!(m["ctiMessage"]["cause"], "lunch");
    carol.command("unpauseAgent", json!({})).await;
    carol
        .expect("ready again", |m| agent_state(m, 1, "AgentReady"))
        .await;

    // Carol may log her agent in on her own line only (no hot-desking right).
    carol
        .command("agentLogin", json!({"agentphonenumber": "1004"}))
        .await;
    let m = carol.expect_type("AgentError").await;
    assert_eq!(m["ctiMessage"]["Error"], "Forbidden", "{m}");

    // Another user's agent needs a supervisor profile (dave is an agent, not a supervisor).
    let mut dave = srv.session("dave").await;
    dave.drain().await;
    dave.command("agentLogout", json!({"agentid": 1})).await;
    let m = dave.expect_type("AgentError").await;
    assert_eq!(m["ctiMessage"]["Error"], "Forbidden", "{m}");

    // A supervisor: logged in on 1003, carol's agent is not moved to another phone.
    let mut alice = srv.session("alice").await;
    alice.drain().await;
    alice
        .command(
            "agentLogin",
            json!({"agentid": "1", "agentphonenumber": "1004"}),
        )
        .await;
    let m = alice.expect_type("AgentError").await;
    assert_eq!(m["ctiMessage"]["Error"], "LoggedInOnAnotherPhone", "{m}");
    assert_eq!(m["ctiMessage"]["phoneNb"], "1003");
    assert_eq!(m["ctiMessage"]["RequestedNb"], "1004");

    // The supervisor watching every agent sees carol's logout.
    alice.command("subscribeToAgentEvents", json!({})).await;
    alice.command("getAgentStates", json!({})).await;
    alice
        .expect("carol's agent ready", |m| agent_state(m, 1, "AgentReady"))
        .await;
    alice
        .expect("dave's agent logged out", |m| {
            agent_state(m, 2, "AgentLoggedOut")
        })
        .await;
    carol.command("agentLogout", json!({})).await;
    carol
        .expect("logged out", |m| agent_state(m, 1, "AgentLoggedOut"))
        .await;
    alice
        .expect("the supervisor sees it", |m| {
            agent_state(m, 1, "AgentLoggedOut")
        })
        .await;

    carol
        .command("agentLogin", json!({"agentphonenumber": "5555"}))
        .await;
    let m = carol.expect_type("AgentError").await;
    assert_eq!(m["ctiMessage"]["Error"], "PhoneNumberUnknown", "{m}");
}

#[tokio::test]
async fn queue_statistics_now_and_on_change() {
    let srv = TestServer::start().await;
    let mut alice = srv.session("alice").await;
    alice.drain().await;
    alice.command("subscribeToQueueStats", json!({})).await;
    let m = alice
        .expect("sales stats", |m| {
            m["msgType"] == "QueueStatistics" && m["ctiMessage"]["queueId"] == 1
        })
        .await;
    let counters = m["ctiMessage"]["counters"].as_array().unwrap();
    let names: Vec<&str> = counters
        .iter()
        .map(|c| c["statName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "AvailableAgents",
            "LoggedAgents",
            "TalkingAgents",
            "WaitingCalls",
            "LongestWaitTime",
            "EWT"
        ]
    );
    srv.sim
        .outside_call("0612345678".into(), "3001".into(), None)
        .await
        .unwrap();
    alice
        .expect("a caller waits", |m| {
            m["msgType"] == "QueueStatistics"
                && m["ctiMessage"]["queueId"] == 1
                && m["ctiMessage"]["counters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["statName"] == "WaitingCalls" && c["value"] == 1)
        })
        .await;
}
