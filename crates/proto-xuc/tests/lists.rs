//! Lists, configuration and subscriptions end to end over real WebSockets, against the real
//! core and the embedded PBX: `getList` of every kind (exact field names), `getConfig line`,
//! `getAgentDirectory`, `getQueueStatistics`, `subscribeToQueueCalls` (and its refusal without
//! the right), `subscribeToPhoneHints`, and the pushes each subscription brings after a sim
//! action; bad arguments get an `Error` and the socket lives.

mod support;

use serde_json::{Value, json};
use support::TestServer;

use ctid_pbx_sim::LineAction;

/// The sorted keys of a JSON object.
fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

#[tokio::test]
async fn get_list_answers_every_list_with_xuc_field_names() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    bob.drain().await;

    bob.command("getList", json!({"objectType": "queue"})).await;
    let m = bob.expect_type("QueueList").await;
    let queues = m["ctiMessage"].as_array().unwrap();
    assert_eq!(queues.len(), 2, "{m}");
    assert_eq!(
        queues[0],
        json!({"id":1,"context":"default","name":"sales","displayName":"Sales","number":"3001"})
    );

    bob.command("getList", json!({"objectType": "agent"})).await;
    let m = bob.expect_type("AgentList").await;
    let agents = m["ctiMessage"].as_array().unwrap();
    assert_eq!(agents.len(), 4, "{m}");
    assert_eq!(
        keys(&agents[0]),
        [
            "context",
            "firstName",
            "groupId",
            "id",
            "lastName",
            "number",
            "userId"
        ]
    );
    assert_eq!(
        (
            &agents[0]["id"],
            &agents[0]["userId"],
            &agents[0]["groupId"]
        ),
        (&json!(1), &json!(3), &json!(1))
    );
    assert_eq!(agents[0]["number"], "2001");

    bob.command("getList", json!({"objectType": "agentgroup"}))
        .await;
    let m = bob.expect_type("AgentGroupList").await;
    assert_eq!(
        m["ctiMessage"][0],
        json!({"id":1,"name":"sales_team","displayName":"Sales team"})
    );

    bob.command("getList", json!({"objectType": "queuemember"}))
        .await;
    let m = bob.expect_type("QueueMemberList").await;
    let members = m["ctiMessage"].as_array().unwrap();
    assert_eq!(members.len(), 5, "{m}");
    assert!(
        members.contains(&json!({"agentId":3,"queueId":2,"penalty":0})),
        "{m}"
    );

    bob.command("getList", json!({"objectType": "basequeuemember"}))
        .await;
    let m = bob.expect_type("UsersQueueDefaultMembership").await;
    let memberships = m["ctiMessage"]["memberships"].as_array().unwrap();
    assert_eq!(memberships.len(), 4, "{m}");
    assert_eq!(
        memberships[2],
        json!({"userId":5,"membership":[{"queueId":1,"penalty":0},{"queueId":2,"penalty":0}]})
    );

    bob.command("getList", json!({"objectType": "meetme"}))
        .await;
    let m = bob.expect_type("ConferenceList").await;
    assert_eq!(
        m["ctiMessage"],
        json!([{"number":"4000","name":"standup","pinRequired":false,"startTime":0,"members":[]}])
    );

    // Bad arguments: an Error, and the socket lives.
    bob.command("getList", json!({"objectType": "fridge"}))
        .await;
    let m = bob.expect_type("Error").await;
    assert_eq!(
        (&m["ctiMessage"]["Error"], &m["ctiMessage"]["command"]),
        (&json!("InvalidArgument"), &json!("getList"))
    );
    bob.command("getList", json!({})).await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    bob.command("getList", json!({"objectType": 3})).await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
    bob.drain().await;
}

#[tokio::test]
async fn queue_member_and_conference_lists_are_followed_by_their_changes() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    let mut alice = srv.session("alice").await;
    bob.drain().await;
    alice.drain().await;
    bob.command("getList", json!({"objectType": "queuemember"}))
        .await;
    bob.expect_type("QueueMemberList").await;
    bob.command("getList", json!({"objectType": "meetme"}))
        .await;
    bob.expect_type("ConferenceList").await;

    // A supervisor adds agent 4 to sales, then removes it.
    alice
        .command(
            "setAgentQueue",
            json!({"agentId": 4, "queueId": 1, "penalty": 2}),
        )
        .await;
    let m = bob
        .expect("the new member", |m| {
            m["msgType"] == "QueueMember" && m["ctiMessage"]["agentId"] == 4
        })
        .await;
    assert_eq!(
        m["ctiMessage"],
        json!({"agentId":4,"queueId":1,"penalty":2})
    );
    alice
        .command("removeAgentFromQueue", json!({"agentId": 4, "queueId": 1}))
        .await;
    let m = bob
        .expect("the removal", |m| {
            m["msgType"] == "QueueMember" && m["ctiMessage"]["penalty"] == -1
        })
        .await;
    assert_eq!(
        m["ctiMessage"],
        json!({"agentId":4,"queueId":1,"penalty":-1})
    );

    // Carol's phone joins the room.
    srv.sim
        .line_action("1003", LineAction::Dial { to: "4000".into() })
        .await
        .unwrap();
    let m = bob
        .expect("a member", |m| {
            m["msgType"] == "ConferenceList"
                && m["ctiMessage"][0]["members"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
        })
        .await;
    let member = &m["ctiMessage"][0]["members"][0];
    assert_eq!(
        keys(member),
        [
            "joinOrder",
            "joinTime",
            "muted",
            "name",
            "number",
            "username"
        ]
    );
    assert_eq!(
        (&member["joinOrder"], &member["username"]),
        (&json!(1), &json!("carol"))
    );
    assert!(m["ctiMessage"][0]["startTime"].as_i64().unwrap() > 0, "{m}");
}

#[tokio::test]
async fn line_config_and_agent_directory() {
    let srv = TestServer::start().await;
    let mut carol = srv.session("carol").await;
    carol.drain().await;
    carol
        .command("getConfig", json!({"objectType": "line"}))
        .await;
    let m = carol.expect_type("LineConfig").await;
    let c = &m["ctiMessage"];
    assert_eq!(
        keys(c),
        [
            "context",
            "hasDevice",
            "id",
            "name",
            "number",
            "password",
            "sipProxyName",
            "vendor",
            "webRtc",
            "xivoIp"
        ]
    );
    assert_eq!(
        (&c["id"], &c["number"], &c["webRtc"]),
        (&json!(3), &json!("1003"), &json!(false))
    );
    assert!(c["password"].is_string(), "xc_webrtc needs a string: {c}");

    carol.command("getAgentDirectory", json!({})).await;
    let m = carol.expect_type("AgentDirectory").await;
    let directory = m["ctiMessage"]["directory"].as_array().unwrap();
    assert_eq!(directory.len(), 4, "{m}");
    assert_eq!(directory[0]["agent"]["id"], 1);
    assert_eq!(directory[0]["agentState"]["name"], "AgentLoggedOut");
    assert_eq!(directory[0]["agentState"]["agentId"], 1);
}

#[tokio::test]
async fn queue_calls_need_the_right_and_follow_the_callers() {
    let srv = TestServer::start().await;
    let mut alice = srv.session("alice").await;
    let mut bob = srv.session("bob").await;
    alice.drain().await;
    bob.drain().await;

    // Bob (user profile) may not watch waiting callers.
    bob.command("subscribeToQueueCalls", json!({"queueId": 1}))
        .await;
    let m = bob.expect_type("Error").await;
    assert_eq!(
        (&m["ctiMessage"]["Error"], &m["ctiMessage"]["command"]),
        (&json!("Forbidden"), &json!("subscribeToQueueCalls"))
    );

    alice
        .command("subscribeToQueueCalls", json!({"queueId": "1"}))
        .await;
    let m = alice.expect_type("QueueCalls").await;
    assert_eq!(m["ctiMessage"], json!({"queueId":1,"calls":[]}));
    srv.sim
        .outside_call("0612345678".into(), "3001".into(), Some("Jane Doe".into()))
        .await
        .unwrap();
    let m = alice
        .expect("a caller", |m| {
            m["msgType"] == "QueueCalls"
                && m["ctiMessage"]["calls"]
                    .as_array()
                    .is_some_and(|c| c.len() == 1)
        })
        .await;
    let call = &m["ctiMessage"]["calls"][0];
    assert_eq!(
        keys(call),
        ["name", "number", "position", "queueTime", "uniqueId"]
    );
    assert_eq!(
        (&call["position"], &call["name"], &call["number"]),
        (&json!(1), &json!("Jane Doe"), &json!("0612345678"))
    );
    assert!(call["queueTime"].as_str().unwrap().ends_with('Z'), "{call}");

    // Windowed statistics of the same queue.
    alice
        .command(
            "getQueueStatistics",
            json!({"queueId": 1, "window": 3600, "xqos": 15}),
        )
        .await;
    let m = alice
        .expect("windowed stats", |m| {
            m["msgType"] == "QueueStatistics"
                && m["ctiMessage"]["counters"][0]["statName"] == "TotalNumberCallsEntered"
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
            "TotalNumberCallsEntered",
            "TotalNumberCallsAnswered",
            "TotalNumberCallsAbandonned",
            "TotalNumberCallsAnsweredBefore15",
            "PercentageAnsweredBefore15",
            "PercentageAnswered",
            "AverageHoldTime",
            "MaxHoldTime"
        ]
    );
    assert_eq!(counters[0]["value"], 1, "{m}");

    // After unsubscribing, a new caller brings no QueueCalls; a second session of alice that
    // still watches sees it, so by then the first one's would have been queued too.
    let mut witness = srv.session("alice").await;
    witness.drain().await;
    witness
        .command("subscribeToQueueCalls", json!({"queueId": 1}))
        .await;
    witness.expect_type("QueueCalls").await;
    alice
        .command("unSubscribeToQueueCalls", json!({"queueId": 1}))
        .await;
    alice.drain().await;
    srv.sim
        .outside_call("0699999999".into(), "3001".into(), None)
        .await
        .unwrap();
    witness
        .expect("two callers", |m| {
            m["msgType"] == "QueueCalls"
                && m["ctiMessage"]["calls"]
                    .as_array()
                    .is_some_and(|c| c.len() == 2)
        })
        .await;
    let before = alice.drain().await;
    assert!(
        before.iter().all(|m| m["msgType"] != "QueueCalls"),
        "{before:#?}"
    );

    alice
        .command("getQueueStatistics", json!({"queueId": 99}))
        .await;
    assert_eq!(
        alice.expect_type("Error").await["ctiMessage"]["Error"],
        "NotFound"
    );
    alice.command("getQueueStatistics", json!({})).await;
    assert_eq!(
        alice.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
}

#[tokio::test]
async fn phone_hints_now_and_on_change_until_unsubscribed() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    bob.drain().await;
    bob.command(
        "subscribeToPhoneHints",
        json!({"phoneNumbers": ["1003", 1004, "7777"]}),
    )
    .await;
    let mut first = Vec::new();
    for _ in 0..3 {
        first.push(bob.expect_type("PhoneHintStatusEvent").await["ctiMessage"].clone());
    }
    assert_eq!(first[0], json!({"number":"1003","status":0}));
    assert_eq!(first[1]["number"], "1004");
    assert_eq!(first[2], json!({"number":"7777","status":-2}));

    srv.sim
        .outside_call("0612345678".into(), "1003".into(), None)
        .await
        .unwrap();
    let m = bob
        .expect("1003 rings", |m| {
            m["msgType"] == "PhoneHintStatusEvent" && m["ctiMessage"]["status"] == 8
        })
        .await;
    assert_eq!(m["ctiMessage"]["number"], "1003");

    bob.command("unsubscribeFromAllPhoneHints", json!({})).await;
    bob.drain().await;
    // Carol watches 1004 too: once she sees it ring, bob's copy would have been queued.
    let mut carol = srv.session("carol").await;
    carol.drain().await;
    carol
        .command("subscribeToPhoneHints", json!({"phoneNumbers": ["1004"]}))
        .await;
    carol.expect_type("PhoneHintStatusEvent").await;
    srv.sim
        .outside_call("0612345679".into(), "1004".into(), None)
        .await
        .unwrap();
    carol
        .expect("1004 rings", |m| {
            m["msgType"] == "PhoneHintStatusEvent" && m["ctiMessage"]["status"] == 8
        })
        .await;
    let rest = bob.drain().await;
    assert!(
        rest.iter().all(|m| m["msgType"] != "PhoneHintStatusEvent"),
        "{rest:#?}"
    );

    // phoneNumbers must be a list.
    bob.command("subscribeToPhoneHints", json!({"phoneNumbers": "1003"}))
        .await;
    assert_eq!(
        bob.expect_type("Error").await["ctiMessage"]["Error"],
        "InvalidArgument"
    );
}
