//! End to end with the embedded PBX: hints, sheets, agents, queue members and statistics, the
//! switchboard, click-to-dial, transfers, conference rooms, faxes and history — the scenarios of
//! notes §5.2 that need no bus. Time moves only when a test advances the `ManualClock`.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{Client, TestServer, getlist, is_getlist};

use ctid_pbx_sim::LineAction;

async fn watch(c: &mut Client, list: &str) {
    c.send(getlist("listid", list, None)).await;
    c.expect("listid", |m| {
        m["function"] == "listid" && m["listname"] == list
    })
    .await;
}

fn hint(m: &Value, line: &str, code: &str) -> bool {
    is_getlist(m, "updatestatus", "phones", line) && m["status"]["hintstatus"] == code
}

fn agent(m: &Value, id: &str, availability: &str) -> bool {
    is_getlist(m, "updatestatus", "agents", id) && m["status"]["availability"] == availability
}

/// Alice (supervisor) watches the phones; an outside caller rings bob (1002), who answers.
async fn bob_talks_to_an_outside_caller() -> (TestServer, Client, Client, ctid_core::ids::UniqueId)
{
    let srv = TestServer::start().await;
    let mut sup = srv.login("alice").await;
    watch(&mut sup, "phones").await;
    let bob = srv.login("bob").await;
    let call = srv
        .sim
        .outside_call("0612345678".into(), "1002".into(), None)
        .await
        .unwrap();
    srv.sim
        .line_action("1002", LineAction::Answer)
        .await
        .unwrap();
    sup.expect("bob talks", |m| hint(m, "2", "1")).await;
    (srv, sup, bob, call)
}

#[tokio::test]
async fn a_call_shows_ringing_then_in_use_then_idle() {
    let srv = TestServer::start().await;
    let uuid = srv.dataset.xivo_uuid().to_owned();
    let mut sup = srv.login("alice").await;
    watch(&mut sup, "phones").await;
    sup.send(json!({"class":"register_endpoint_status_update","endpoint_ids":[[uuid, 2]]}))
        .await;
    let m = sup.expect_class("endpoint_status_update").await;
    assert_eq!(m["data"]["status"], 0);
    // Carol asked for nothing: she gets the phone pushes (the default push policy), but not the
    // endpoint statuses she did not register for.
    let mut carol = srv.login("carol").await;

    let call = srv
        .sim
        .outside_call("0612345678".into(), "1002".into(), Some("Outside".into()))
        .await
        .unwrap();
    sup.expect("ringing", |m| hint(m, "2", "8")).await;
    let m = sup.expect_class("endpoint_status_update").await;
    assert_eq!(
        m["data"],
        json!({"endpoint_id": 2, "xivo_uuid": uuid, "status": 8})
    );
    srv.sim
        .line_action("1002", LineAction::Answer)
        .await
        .unwrap();
    sup.expect("in use", |m| hint(m, "2", "1")).await;
    assert_eq!(
        sup.expect_class("endpoint_status_update").await["data"]["status"],
        1
    );
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    sup.expect("idle", |m| hint(m, "2", "0")).await;
    assert_eq!(
        sup.expect_class("endpoint_status_update").await["data"]["status"],
        0
    );

    let mut got = std::mem::take(&mut carol.skipped);
    got.extend(carol.drain().await);
    let hints: Vec<_> = got
        .iter()
        .filter(|m| is_getlist(m, "updatestatus", "phones", "2"))
        .map(|m| m["status"]["hintstatus"].clone())
        .collect();
    assert_eq!(hints, [json!("8"), json!("1"), json!("0")], "{got:?}");
    assert!(
        got.iter().all(|m| m["class"] != "endpoint_status_update"),
        "{got:?}"
    );
    // The status request agrees.
    sup.send(getlist("updatestatus", "phones", Some("2"))).await;
    let m = sup
        .expect("status", |m| is_getlist(m, "updatestatus", "phones", "2"))
        .await;
    assert_eq!(m["status"]["hintstatus"], "0");
    // After unregistering, no more endpoint pushes.
    sup.send(json!({"class":"unregister_endpoint_status_update","endpoint_ids":[[uuid, 2]]}))
        .await;
    sup.drain().await;
    let call = srv
        .sim
        .outside_call("0612345678".into(), "1002".into(), None)
        .await
        .unwrap();
    sup.expect("ringing again", |m| hint(m, "2", "8")).await;
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    sup.expect("idle again", |m| hint(m, "2", "0")).await;
    assert!(
        sup.skipped
            .iter()
            .filter(|m| m["class"] == "endpoint_status_update")
            .count()
            == 0,
        "{:?}",
        sup.skipped
    );

    // The finished calls are in bob's history.
    let mut bob = srv.login("bob").await;
    bob.send(json!({"class":"history","size":"8"})).await;
    let m = bob.expect_class("history").await;
    let h = m["history"].as_array().unwrap();
    assert_eq!(h.len(), 2, "{m}");
    assert_eq!(h[0]["mode"], 2, "the unanswered one is missed: {m}");
    assert_eq!(h[1]["mode"], 1);
    assert_eq!(h[1]["extension"], "0612345678");
}

#[tokio::test]
async fn incoming_calls_pop_a_sheet() {
    let srv = TestServer::start().await;
    let mut alice = srv.login("alice").await;
    let mut bob = srv.login("bob").await;
    let call = srv
        .sim
        .outside_call(
            "0230210083".into(),
            "1001".into(),
            Some("Maricé Saprïtchà".into()),
        )
        .await
        .unwrap();
    let m = alice.expect_class("sheet").await;
    assert_eq!(m["serial"], "xml");
    assert_eq!(m["compressed"], true);
    // The real channel name of alice's ringing phone, as the PBX reports it.
    let calls = srv.sim.calls().await.unwrap();
    let ringing = calls
        .iter()
        .flat_map(|c| c.channels.iter())
        .find(|ch| ch.name.starts_with("SIP/1001-"))
        .expect("alice's phone rings");
    assert_eq!(m["channel"], ringing.name.as_str(), "{m}");
    let xml = ctid_proto_cti::sheet::decode_payload(m["payload"].as_str().unwrap())
        .expect("Qt qUncompress format");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><profile><user>"));
    assert!(xml.contains("<internal name=\"where\"><![CDATA[dial]]></internal>"));
    assert!(xml.contains(
        "<sheet_info order=\"0010\" name=\"Caller\" type=\"title\"><![CDATA[Maricé Saprïtchà]]></sheet_info>"
    ));
    assert!(xml.contains(
        "<sheet_info order=\"0020\" name=\"Number\" type=\"text\"><![CDATA[0230210083]]></sheet_info>"
    ));
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    // Bob's profile has no sheet.
    let call = srv
        .sim
        .outside_call("0230210083".into(), "1002".into(), None)
        .await
        .unwrap();
    srv.sim
        .line_action("1002", LineAction::Answer)
        .await
        .unwrap();
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    assert!(bob.drain().await.iter().all(|m| m["class"] != "sheet"));
}

#[tokio::test]
async fn click_to_dial_every_destination_form() {
    let srv = TestServer::start().await;
    let mut sup = srv.login("alice").await;
    watch(&mut sup, "phones").await;
    let mut bob = srv.login("bob").await;
    bob.send(json!({"class":"ipbxcommand","command":"dial","destination":"exten:xivo/1003","commandid":4}))
        .await;
    let m = bob.expect_class("dial_success").await;
    assert_eq!(m["exten"], "1003");
    // Bob's phone is answered automatically, then carol's rings.
    sup.expect("carol rings", |m| hint(m, "3", "8")).await;
    bob.send(json!({"class":"hangup"})).await;
    sup.expect("carol idle", |m| hint(m, "3", "0")).await;

    for (destination, exten) in [
        ("user:xivo/4", "1004"),
        ("Dave Dubois <1004>", "1004"),
        ("voicemail:xivo/4", "*971004"),
        ("1004", "1004"),
    ] {
        bob.send(json!({"class":"ipbxcommand","command":"dial","destination":destination}))
            .await;
        let m = bob.expect_class("dial_success").await;
        assert_eq!(m["exten"], exten, "{destination}");
        bob.send(json!({"class":"hangup"})).await;
        sup.expect("bob idle", |m| hint(m, "2", "0")).await;
    }
    bob.send(json!({"class":"ipbxcommand","command":"dial","destination":"exten:xivo/1999"}))
        .await;
    let m = bob.expect_class("ipbxcommand").await;
    assert_eq!(m["error_string"], "unreachable_extension:1999");
    bob.send(json!({"class":"ipbxcommand","command":"dial","destination":"user:xivo/77"}))
        .await;
    let m = bob.expect_class("ipbxcommand").await;
    assert_eq!(m["error_string"], "unreachable_extension:user:xivo/77");
    // Nothing to hang up.
    bob.send(json!({"class":"hangup"})).await;
    let m = bob.expect_class("hangup").await;
    assert_eq!(m["error_string"], "no_call");
    bob.send(json!({"class":"complete_transfer"})).await;
    assert!(bob.expect_class("complete_transfer").await["error_string"].is_string());
}

#[tokio::test]
async fn agent_logged_out_then_acd_then_idle_then_non_acd() {
    let srv = TestServer::start().await;
    let mut sup = srv.login("alice").await;
    watch(&mut sup, "agents").await;
    watch(&mut sup, "queuemembers").await;
    sup.send(json!({"class":"subscribetoqueuesstats"})).await;
    sup.expect_class("getqueuesstats").await;
    sup.send(getlist("updatestatus", "agents", Some("1"))).await;
    sup.expect("logged out", |m| agent(m, "1", "logged_out"))
        .await;
    sup.send(getlist(
        "updateconfig",
        "queuemembers",
        Some("Agent/2001,sales"),
    ))
    .await;
    let m = sup
        .expect("member", |m| {
            is_getlist(m, "updateconfig", "queuemembers", "Agent/2001,sales")
        })
        .await;
    assert_eq!(
        m["config"],
        json!({"queue_name":"sales","interface":"Agent/2001","membership":"static","callstaken":"0","paused":"0","penalty":"0","status":"101","lastcall":""})
    );

    let mut carol = srv.login("carol").await;
    // Dave cannot log in on an unknown extension.
    let mut dave = srv.login("dave").await;
    dave.send(json!({"class":"ipbxcommand","command":"agentlogin","agentphonenumber":"9999"}))
        .await;
    assert_eq!(
        dave.expect_class("ipbxcommand").await["error_string"],
        "agent_login_invalid_exten"
    );
    carol
        .send(json!({"class":"ipbxcommand","command":"agentlogin","agentids":"agent:special:me","agentphonenumber":"1003"}))
        .await;
    let m = sup
        .expect("available", |m| agent(m, "1", "available"))
        .await;
    assert_eq!(m["status"]["phonenumber"], "1003");
    sup.expect("member logged", |m| {
        is_getlist(m, "updateconfig", "queuemembers", "Agent/2001,sales")
            && m["config"]["status"] != "101"
    })
    .await;
    sup.expect("logged agents", |m| {
        m["class"] == "getqueuesstats" && m["stats"]["1"]["Xivo-LoggedAgents"] == 1
    })
    .await;
    // Dave may not use carol's extension (not his line), and even a supervisor may not log him
    // in there while carol's agent is on it.
    dave.send(json!({"class":"ipbxcommand","command":"agentlogin","agentphonenumber":"1003"}))
        .await;
    assert_eq!(
        dave.expect_class("ipbxcommand").await["error_string"],
        "permission_denied"
    );
    sup.send(json!({"class":"ipbxcommand","command":"agentlogin","agentids":"agent:xivo/2","agentphonenumber":"1003"}))
        .await;
    assert_eq!(
        sup.expect_class("ipbxcommand").await["error_string"],
        "agent_login_exten_in_use"
    );

    // An ACD call.
    let call = srv
        .sim
        .outside_call("0655555555".into(), "3001".into(), Some("Client".into()))
        .await
        .unwrap();
    let m = carol.expect_class("sheet").await;
    let xml = ctid_proto_cti::sheet::decode_payload(m["payload"].as_str().unwrap()).unwrap();
    assert!(
        xml.contains("name=\"Queue\" type=\"text\"><![CDATA[sales]]>"),
        "{xml}"
    );
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    let m = sup
        .expect("on ACD call", |m| agent(m, "1", "unavailable"))
        .await;
    assert_eq!(m["status"]["on_call_acd"], true);
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    let m = sup
        .expect("wrap-up", |m| {
            is_getlist(m, "updatestatus", "agents", "1") && m["status"]["on_wrapup"] == true
        })
        .await;
    assert_eq!(m["status"]["availability"], "unavailable");
    srv.clock.advance(Duration::from_secs(10));
    sup.expect("idle", |m| agent(m, "1", "available")).await;

    // A direct (non-ACD) call.
    let call = srv
        .sim
        .outside_call("0655555555".into(), "1003".into(), None)
        .await
        .unwrap();
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    let m = sup
        .expect("non-ACD", |m| {
            agent(m, "1", "on_call_nonacd_incoming_external")
        })
        .await;
    assert_eq!(
        m["status"]["nonacd_call_status"],
        json!(["incoming", false])
    );
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    sup.expect("idle again", |m| agent(m, "1", "available"))
        .await;

    // Pause in all queues, then unpause.
    sup.send(json!({"class":"ipbxcommand","command":"queuepause","member":"agent:xivo/1","queue":"queue:xivo/all"}))
        .await;
    sup.expect_all(&[
        ("paused member", &|m: &Value| {
            is_getlist(m, "updateconfig", "queuemembers", "Agent/2001,sales")
                && m["config"]["paused"] == "1"
        }),
        ("paused agent", &|m: &Value| agent(m, "1", "unavailable")),
    ])
    .await;
    carol
        .send(json!({"class":"ipbxcommand","command":"queueunpause","queue":"queue:xivo/1"}))
        .await;
    sup.expect("unpaused", |m| {
        is_getlist(m, "updateconfig", "queuemembers", "Agent/2001,sales")
            && m["config"]["paused"] == "0"
    })
    .await;
    // Logoff: the member goes back to "101".
    carol
        .send(json!({"class":"ipbxcommand","command":"agentlogout"}))
        .await;
    sup.expect("logged out", |m| agent(m, "1", "logged_out"))
        .await;
    sup.expect("member unlogged", |m| {
        is_getlist(m, "updateconfig", "queuemembers", "Agent/2001,sales")
            && m["config"]["status"] == "101"
    })
    .await;
}

#[tokio::test]
async fn queue_members_follow_add_and_remove() {
    let srv = TestServer::start().await;
    let mut sup = srv.login("alice").await;
    watch(&mut sup, "queuemembers").await;
    watch(&mut sup, "agents").await;
    watch(&mut sup, "queues").await;
    sup.send(json!({"class":"ipbxcommand","command":"queueadd","member":"agent:xivo/1","queue":"queue:xivo/2"}))
        .await;
    let found = sup
        .expect_all(&[
            ("addconfig", &|m: &Value| m["function"] == "addconfig"),
            ("queue members", &|m: &Value| {
                is_getlist(m, "updatestatus", "queues", "2")
                    && m["status"]["agentmembers"] == json!(["1", "3", "4"])
            }),
            ("member config", &|m: &Value| {
                is_getlist(m, "updateconfig", "queuemembers", "Agent/2001,support")
            }),
            ("agent queues", &|m: &Value| {
                is_getlist(m, "updatestatus", "agents", "1")
                    && m["status"]["queues"] == json!(["1", "2"])
            }),
        ])
        .await;
    assert_eq!(found[0]["list"], json!(["Agent/2001,support"]));
    assert_eq!(found[0]["listname"], "queuemembers");
    assert_eq!(found[2]["config"]["queue_name"], "support");
    sup.send(getlist("listid", "queuemembers", None)).await;
    let m = sup
        .expect("list", |m| {
            m["function"] == "listid" && m["listname"] == "queuemembers"
        })
        .await;
    assert!(
        m["list"]
            .as_array()
            .unwrap()
            .contains(&json!("Agent/2001,support"))
    );

    sup.send(json!({"class":"ipbxcommand","command":"queueremove","member":"agent:xivo/1","queue":"queue:xivo/2"}))
        .await;
    let found = sup
        .expect_all(&[
            ("delconfig", &|m: &Value| m["function"] == "delconfig"),
            ("queue members", &|m: &Value| {
                is_getlist(m, "updatestatus", "queues", "2")
                    && m["status"]["agentmembers"] == json!(["3", "4"])
            }),
        ])
        .await;
    assert_eq!(found[0]["list"], json!(["Agent/2001,support"]));

    // A plain user may not.
    let mut bob = srv.login("bob").await;
    bob.send(json!({"class":"ipbxcommand","command":"queueadd","member":"agent:xivo/1","queue":"queue:xivo/2"}))
        .await;
    assert_eq!(
        bob.expect_class("ipbxcommand").await["error_string"],
        "permission_denied"
    );
}

#[tokio::test]
async fn switchboard_answers_one_of_three_waiting_calls() {
    let srv = TestServer::start().await;
    let mut sb = srv.login("alice").await;
    sb.send(json!({"class":"subscribe","message":"queueentryupdate","queueid":2}))
        .await;
    let m = sb.expect_class("queueentryupdate").await;
    assert_eq!(m["state"]["queue_name"], "support");
    assert_eq!(m["state"]["entries"], json!([]));
    sb.send(json!({"class":"subscribe","message":"current_calls"}))
        .await;
    assert_eq!(
        sb.expect_class("current_calls").await["current_calls"],
        json!([])
    );

    let mut calls = Vec::new();
    for (i, number) in ["0611111111", "0622222222", "0633333333"]
        .iter()
        .enumerate()
    {
        calls.push(
            srv.sim
                .outside_call((*number).into(), "3002".into(), Some(format!("Caller {i}")))
                .await
                .unwrap(),
        );
    }
    let m = sb
        .expect("three waiting", |m| {
            m["class"] == "queueentryupdate" && m["state"]["entries"].as_array().unwrap().len() == 3
        })
        .await;
    let entries = m["state"]["entries"].as_array().unwrap();
    assert_eq!(entries[1]["position"], 2);
    assert_eq!(entries[1]["number"], "0622222222");
    assert_eq!(entries[1]["name"], "Caller 1");
    let second = entries[1]["uniqueid"].as_str().unwrap().to_owned();

    sb.send(json!({"class":"answer","unique_id":second})).await;
    let found = sb
        .expect_all(&[
            ("talking", &|m: &Value| {
                m["class"] == "current_calls"
                    && m["current_calls"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|c| c["call_status"] == "up")
            }),
            ("two left", &|m: &Value| {
                m["class"] == "queueentryupdate"
                    && m["state"]["entries"].as_array().unwrap().len() == 2
            }),
        ])
        .await;
    let current = &found[0]["current_calls"][0];
    assert_eq!(current["cid_number"], "0622222222");
    assert!(current["call_start"].is_f64());
    let line_channel = current["unique_id"].as_str().unwrap().to_owned();

    sb.send(json!({"class":"hold_switchboard","queue_name":"__switchboard_hold"}))
        .await;
    sb.expect("held", |m| {
        m["class"] == "current_calls" && m["current_calls"][0]["call_status"] == "hold"
    })
    .await;
    sb.send(json!({"class":"resume_switchboard","unique_id":line_channel}))
        .await;
    sb.expect("resumed", |m| {
        m["class"] == "current_calls" && m["current_calls"][0]["call_status"] == "up"
    })
    .await;
    sb.send(json!({"class":"hangup"})).await;
    sb.expect("done", |m| {
        m["class"] == "current_calls" && m["current_calls"] == json!([])
    })
    .await;
    // The document's `uniqueid` works too.
    let first = entries[0]["uniqueid"].as_str().unwrap().to_owned();
    sb.send(json!({"class":"answer","uniqueid":first})).await;
    let m = sb
        .expect("talking to the first", |m| {
            m["class"] == "current_calls" && m["current_calls"][0]["call_status"] == "up"
        })
        .await;
    assert_eq!(m["current_calls"][0]["cid_number"], "0611111111");
    // An unknown call.
    sb.send(json!({"class":"answer","unique_id":"nope.1"}))
        .await;
    assert_eq!(sb.expect_class("answer").await["error_string"], "no_call");
    for call in calls {
        let _ = srv.sim.hangup_call(call.as_str()).await;
    }
}

#[tokio::test]
async fn transfers_and_voicemail_transfers() {
    let (srv, mut sup, mut bob, call) = bob_talks_to_an_outside_caller().await;
    bob.send(json!({"class":"attended_transfer","number":"1003"}))
        .await;
    sup.expect("carol rings", |m| hint(m, "3", "8")).await;
    bob.send(json!({"class":"cancel_transfer"})).await;
    sup.expect("carol idle", |m| hint(m, "3", "0")).await;
    bob.send(json!({"class":"direct_transfer","number":"1003"}))
        .await;
    sup.expect_all(&[
        ("carol rings again", &|m: &Value| hint(m, "3", "8")),
        ("bob free", &|m: &Value| hint(m, "2", "0")),
    ])
    .await;
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    sup.expect("carol talks", |m| hint(m, "3", "1")).await;
    let mut carol = srv.login("carol").await;
    carol
        .send(json!({"class":"blind_transfer_voicemail","voicemail":"1004"}))
        .await;
    sup.expect("carol free", |m| hint(m, "3", "0")).await;
    carol
        .send(json!({"class":"attended_transfer","number":"1999"}))
        .await;
    assert!(carol.expect_class("attended_transfer").await["error_string"].is_string());
    let _ = srv.sim.hangup_call(call.as_str()).await;
}

#[tokio::test]
async fn conference_rooms_and_mute() {
    let srv = TestServer::start().await;
    let mut sup = srv.login("alice").await;
    sup.send(json!({"class":"subscribe","message":"meetme_update"}))
        .await;
    let m = sup.expect_class("meetme_update").await;
    assert_eq!(m["config"]["4000"]["member_count"], 0);
    assert_eq!(m["config"]["4000"]["name"], "standup");
    assert_eq!(m["config"]["4000"]["pin_required"], false);
    let call = srv
        .sim
        .outside_call("0612345678".into(), "4000".into(), Some("Guest".into()))
        .await
        .unwrap();
    let m = sup
        .expect("joined", |m| {
            m["class"] == "meetme_update" && m["config"]["4000"]["member_count"] == 1
        })
        .await;
    let member = &m["config"]["4000"]["members"]["1"];
    assert_eq!(member["number"], "0612345678");
    assert_eq!(member["muted"], false);
    sup.send(json!({"class":"ipbxcommand","command":"meetme","function":"MeetmeMute","functionargs":["4000","1"]}))
        .await;
    sup.expect("muted", |m| {
        m["class"] == "meetme_update" && m["config"]["4000"]["members"]["1"]["muted"] == true
    })
    .await;
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    sup.expect("left", |m| {
        m["class"] == "meetme_update" && m["config"]["4000"]["member_count"] == 0
    })
    .await;
}

#[tokio::test]
async fn fax_is_acknowledged_then_reports_progress() {
    use base64::Engine;
    let srv = TestServer::start().await;
    let mut c = srv.login("bob").await;
    let doc = vec![7u8; 10_000];
    let data = base64::engine::general_purpose::STANDARD.encode(&doc);
    c.send(json!({"class":"faxsend","filename":"contract.pdf","destination":"0612345678","size":doc.len(),"data":data,"commandid":77}))
        .await;
    let m = c.expect_class("faxsend").await;
    assert_eq!(m["replyid"], 77);
    assert!(m.get("error_string").is_none(), "{m}");
    srv.clock.advance(Duration::from_secs(30));
    let m = c
        .expect("fax done", |m| {
            m["class"] == "fax_progress" && (m["status"] == "SUCCESS" || m["status"] == "FAILED")
        })
        .await;
    assert_eq!(m["status"], "SUCCESS", "{m}");
    assert!(m["pages"].is_u64());
}

#[tokio::test]
async fn voicemail_counts_are_pushed() {
    let srv = TestServer::start().await;
    let mut c = srv.login("bob").await;
    watch(&mut c, "voicemails").await;
    c.send(getlist("updatestatus", "voicemails", Some("2")))
        .await;
    let m = c
        .expect("status", |m| {
            is_getlist(m, "updatestatus", "voicemails", "2")
        })
        .await;
    assert_eq!(m["status"], json!({"new": 0}));
    // A caller leaves a message in bob's box.
    let call = srv
        .sim
        .outside_call("0612345678".into(), "*971002".into(), None)
        .await
        .unwrap();
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    c.expect("one new message", |m| {
        is_getlist(m, "updatestatus", "voicemails", "2") && m["status"]["new"] == 1
    })
    .await;
}

#[tokio::test]
async fn queue_window_statistics_and_status_registrations() {
    let srv = TestServer::start().await;
    let uuid = srv.dataset.xivo_uuid().to_owned();
    let mut sup = srv.login("alice").await;
    sup.send(json!({"class":"register_agent_status_update","agent_ids":[[uuid, 1]]}))
        .await;
    assert_eq!(
        sup.expect_class("agent_status_update").await["data"]["status"],
        "logged_out"
    );
    let carol_uuid = srv.dataset.user_by_login("carol").unwrap().uuid.clone();
    sup.send(json!({"class":"register_user_status_update","user_ids":[[uuid, carol_uuid]]}))
        .await;
    assert_eq!(
        sup.expect_class("user_status_update").await["data"]["status"],
        "disconnected"
    );
    let mut carol = srv.login("carol").await;
    sup.expect("carol connected", |m| {
        m["class"] == "user_status_update" && m["data"]["status"] == "available"
    })
    .await;
    carol
        .send(json!({"class":"ipbxcommand","command":"agentlogin"}))
        .await;
    sup.expect("agent logged in", |m| {
        m["class"] == "agent_status_update" && m["data"]["status"] == "logged_in"
    })
    .await;
    // One answered ACD call after 3 s of waiting.
    let call = srv
        .sim
        .outside_call("0655555555".into(), "3001".into(), None)
        .await
        .unwrap();
    carol.expect_class("sheet").await;
    srv.clock.advance(Duration::from_secs(3));
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    srv.clock.advance(Duration::from_secs(30));
    srv.sim.hangup_call(call.as_str()).await.unwrap();
    sup.send(json!({"class":"getqueuesstats","on":{"1":{"xqos":"60","window":"3600"},"99":{}},"commandid":8}))
        .await;
    let m = sup
        .expect("stats", |m| {
            m["class"] == "getqueuesstats" && m["replyid"] == 8
        })
        .await;
    let s = &m["stats"]["1"];
    assert_eq!(s["Xivo-Join"], "1", "{m}");
    assert_eq!(s["Xivo-Link"], "1", "{m}");
    assert_eq!(s["Xivo-Lost"], "0", "{m}");
    assert_eq!(s["Xivo-Qos"], "100", "{m}");
    assert!(
        m["stats"].get("99").is_none(),
        "unknown queues are left out: {m}"
    );

    // Supervisors may listen to an agent; users may not.
    sup.send(json!({"class":"ipbxcommand","command":"listen","destination":"xivo/1","subcommand":"start"}))
        .await;
    let mut bob = srv.login("bob").await;
    bob.send(json!({"class":"ipbxcommand","command":"listen","destination":"agent:xivo/1"}))
        .await;
    assert_eq!(
        bob.expect_class("ipbxcommand").await["error_string"],
        "permission_denied"
    );
    // A call form result is accepted silently.
    carol
        .send(json!({"class":"call_form_result","infos":{"buttonname":"saveandclose","variables":{"XIVOFORM_ticket":"42"}}}))
        .await;
    assert!(
        carol
            .drain()
            .await
            .iter()
            .all(|m| m.get("error_string").is_none())
    );
}

#[tokio::test]
async fn subscriptions_and_dial_need_a_line() {
    let mut ds = ctid_core::Dataset::demo();
    let toml = ctid_core::Dataset::demo_toml().replace("line = 6\n", "");
    ds = ctid_core::Dataset::from_toml_str(&toml).unwrap_or(ds);
    assert!(ds.user_by_login("frank").unwrap().line.is_none());
    let srv = TestServer::start_on(std::sync::Arc::new(ds), |_| {}).await;
    let mut c = srv.login("frank").await;
    c.send(json!({"class":"subscribe","message":"current_calls"}))
        .await;
    assert_eq!(c.expect_class("subscribe").await["error_string"], "no_line");
    c.send(json!({"class":"ipbxcommand","command":"dial","destination":"1001"}))
        .await;
    assert_eq!(
        c.expect_class("ipbxcommand").await["error_string"],
        "no_line"
    );
}

#[tokio::test]
async fn attended_transfer_completes_and_voicemail_attended_transfer() {
    let (srv, mut sup, mut bob, call) = bob_talks_to_an_outside_caller().await;
    bob.send(json!({"class":"attended_transfer","number":"1003"}))
        .await;
    sup.expect("carol rings", |m| hint(m, "3", "8")).await;
    srv.sim
        .line_action("1003", LineAction::Answer)
        .await
        .unwrap();
    let m = bob
        .expect_class("current_call_attended_transfer_answered")
        .await;
    assert_eq!(m["line"], "2");
    bob.send(json!({"class":"complete_transfer"})).await;
    sup.expect_all(&[
        ("bob free", &|m: &Value| hint(m, "2", "0")),
        ("carol talks", &|m: &Value| hint(m, "3", "1")),
    ])
    .await;
    // Carol hands the caller to dave's voicemail, listening first.
    let mut carol = srv.login("carol").await;
    carol
        .send(json!({"class":"attended_transfer_voicemail","voicemail":"1004"}))
        .await;
    let got = carol.drain().await;
    assert!(
        got.iter().all(|m| m.get("error_string").is_none()),
        "{got:?}"
    );
    let _ = srv.sim.hangup_call(call.as_str()).await;
}

#[tokio::test]
async fn unmute_and_unregistered_agents_stay_quiet() {
    let srv = TestServer::start().await;
    let uuid = srv.dataset.xivo_uuid().to_owned();
    let mut sup = srv.login("alice").await;
    sup.send(json!({"class":"subscribe","message":"meetme_update"}))
        .await;
    sup.expect_class("meetme_update").await;
    let call = srv
        .sim
        .outside_call("0612345678".into(), "4000".into(), None)
        .await
        .unwrap();
    sup.expect("joined", |m| {
        m["class"] == "meetme_update" && m["config"]["4000"]["member_count"] == 1
    })
    .await;
    for (function, muted) in [("MeetmeMute", true), ("MeetmeUnmute", false)] {
        sup.send(json!({"class":"ipbxcommand","command":"meetme","function":function,"functionargs":["4000","1"]}))
            .await;
        sup.expect(function, |m| {
            m["class"] == "meetme_update" && m["config"]["4000"]["members"]["1"]["muted"] == muted
        })
        .await;
    }
    sup.send(json!({"class":"ipbxcommand","command":"meetme","function":"MeetmeMute","functionargs":["4000","9"]}))
        .await;
    assert!(sup.expect_class("ipbxcommand").await["error_string"].is_string());
    let _ = srv.sim.hangup_call(call.as_str()).await;

    sup.send(json!({"class":"register_agent_status_update","agent_ids":[[uuid, 2]]}))
        .await;
    sup.expect_class("agent_status_update").await;
    sup.send(json!({"class":"unregister_agent_status_update","agent_ids":[[uuid, 2]]}))
        .await;
    sup.drain().await;
    watch(&mut sup, "agents").await;
    let mut dave = srv.login("dave").await;
    dave.send(json!({"class":"ipbxcommand","command":"agentlogin"}))
        .await;
    sup.expect("dave's agent", |m| {
        is_getlist(m, "updatestatus", "agents", "2") && m["status"]["availability"] == "available"
    })
    .await;
    let got = sup.drain().await;
    assert!(
        got.iter()
            .chain(sup.skipped.iter())
            .all(|m| m["class"] != "agent_status_update" || m["data"]["status"] != "logged_in"),
        "unregistered: no agent_status_update"
    );
}

#[tokio::test]
async fn members_learn_their_place_in_a_room() {
    let srv = TestServer::start().await;
    let mut bob = srv.login("bob").await;
    bob.send(json!({"class":"subscribe","message":"meetme_update"}))
        .await;
    bob.expect_class("meetme_update").await;
    srv.sim
        .line_action("1002", LineAction::Dial { to: "4000".into() })
        .await
        .unwrap();
    let m = bob.expect_class("meetme_user").await;
    assert_eq!(m["list"], json!([{"room_number":"4000","user_number":1}]));
    let m = bob
        .expect("room", |m| {
            m["class"] == "meetme_update" && m["config"]["4000"]["member_count"] == 1
        })
        .await;
    assert_eq!(m["config"]["4000"]["members"]["1"]["number"], "1002");
    srv.sim
        .line_action("1002", LineAction::Hangup)
        .await
        .unwrap();
    let m = bob.expect_class("meetme_user").await;
    assert_eq!(m["list"], json!([]));
}

#[tokio::test]
async fn a_hold_the_switch_refuses_is_answered_service_unavailable() {
    let srv = TestServer::start().await;
    let mut carol = srv.login("carol").await;
    // Carol is in the conference room: her call is up, but a room cannot be held.
    srv.sim
        .line_action("1003", LineAction::Dial { to: "4000".into() })
        .await
        .unwrap();
    carol
        .send(json!({"class":"hold_switchboard","queue_name":"__switchboard_hold"}))
        .await;
    let error = carol
        .expect("the refusal", |m| m["class"] == "hold_switchboard")
        .await;
    assert_eq!(error["error_string"], "service_unavailable");
    assert!(error["reason"].as_str().is_some_and(|r| !r.is_empty()));
}
