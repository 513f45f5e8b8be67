//! Lists and the Qt client's loading sequence: `getlist listid/updateconfig/updatestatus` with the
//! field names of xivo-ctid, empty objects for unknown ids, and the whole burst the real client
//! sends after `getipbxlist` (notes §6.5), which must get an answer for every id. Also the
//! one-shot classes that read state: history, relations, register_*, queue statistics.

mod support;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use support::{TestServer, getlist, is_getlist};

use ctid_core::Timestamp;
use ctid_core::ids::{UniqueId, UserId};
use ctid_core::live::{CallDirection, CallLogEntry, Party};
use ctid_core::store::CallLogStore;

#[tokio::test]
async fn the_qt_client_loading_sequence_gets_every_answer() {
    let srv = TestServer::start().await;
    let mut c = srv.login("alice").await;
    c.send(json!({"class":"getipbxlist","commandid":10})).await;
    assert_eq!(
        c.expect_class("getipbxlist").await["ipbxlist"],
        json!(["xivo"])
    );

    // The burst of §6.5.
    for m in [
        json!({"class":"subscribetoqueuesstats","commandid":11}),
        json!({"class":"people_favorites","commandid":12}),
        json!({"class":"people_headers","commandid":13}),
        json!({"class":"get_relations","commandid":14}),
        json!({"class":"subscribe","message":"meetme_update","commandid":15}),
        json!({"class":"history","size":"8","xuserid":"xivo/1","commandid":16}),
        getlist("updateconfig", "users", Some("1")),
    ] {
        c.send(m).await;
    }
    let lists = [
        "users",
        "phones",
        "agents",
        "queues",
        "voicemails",
        "queuemembers",
    ];
    for list in lists {
        c.send(getlist("listid", list, None)).await;
    }
    // Read the listid replies, then ask config and status for every id.
    let mut pending: BTreeSet<(String, String)> = BTreeSet::new();
    let mut ids_by_list = Vec::new();
    for list in lists {
        let r = c
            .expect(list, |m| {
                m["class"] == "getlist" && m["function"] == "listid" && m["listname"] == list
            })
            .await;
        assert_eq!(r["tipbxid"], "xivo");
        let ids: Vec<String> = r["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().expect("ids are strings").to_owned())
            .collect();
        ids_by_list.push((list, ids));
    }
    for (list, ids) in &ids_by_list {
        for id in ids {
            c.send(getlist("updateconfig", list, Some(id))).await;
            c.send(getlist("updatestatus", list, Some(id))).await;
            pending.insert((format!("config:{list}"), id.clone()));
            pending.insert((format!("status:{list}"), id.clone()));
        }
    }
    assert_eq!(ids_by_list[0].1, vec!["1", "2", "3", "4", "5", "6"]);
    assert_eq!(ids_by_list[1].1, vec!["1", "2", "3", "4", "5", "6"]);
    assert_eq!(ids_by_list[2].1, vec!["1", "2", "3", "4"]);
    assert_eq!(ids_by_list[3].1, vec!["1", "2"]);
    c.send(json!({"class":"getqueuesstats","on":{"1":{"xqos":60,"window":3600},"2":{}},"commandid":20}))
        .await;
    c.send(json!({"class":"subscribe","message":"current_calls","commandid":21}))
        .await;
    let mut seen_stats = false;
    let mut seen_current = false;
    while !pending.is_empty() || !seen_stats || !seen_current {
        let m = c.recv().await;
        if m["class"] == "getlist"
            && (m["function"] == "updateconfig" || m["function"] == "updatestatus")
        {
            let kind = if m["function"] == "updateconfig" {
                "config"
            } else {
                "status"
            };
            let key = (
                format!("{kind}:{}", m["listname"].as_str().unwrap()),
                m["tid"].as_str().expect("tid is a string").to_owned(),
            );
            let body = &m[kind];
            assert!(body.is_object(), "{m}");
            pending.remove(&key);
        } else if m["class"] == "getqueuesstats" && m.get("replyid").is_some() {
            let s = &m["stats"]["1"];
            for key in [
                "Xivo-Join",
                "Xivo-Link",
                "Xivo-Lost",
                "Xivo-Rate",
                "Xivo-Qos",
                "Xivo-Holdtime-avg",
                "Xivo-Holdtime-max",
            ] {
                assert!(s[key].is_string(), "{key} is a string: {m}");
            }
            assert!(m["stats"]["2"].is_object());
            seen_stats = true;
        } else if m["class"] == "current_calls" {
            assert!(m["current_calls"].is_array());
            seen_current = true;
        }
    }
}

#[tokio::test]
async fn configs_have_xivo_ctid_field_names() {
    let srv = TestServer::start().await;
    let mut c = srv.login("carol").await;
    c.send(getlist("updateconfig", "users", Some("3"))).await;
    let m = c
        .expect("users config", |m| {
            is_getlist(m, "updateconfig", "users", "3")
        })
        .await;
    let cfg = &m["config"];
    assert_eq!(cfg["firstname"], "Carol");
    assert_eq!(cfg["lastname"], "Colin");
    assert_eq!(cfg["fullname"], "Carol Colin");
    assert_eq!(cfg["mobilephonenumber"], "0611000003");
    assert_eq!(cfg["agentid"], 1);
    assert_eq!(cfg["voicemailid"], 3);
    assert_eq!(cfg["linelist"], json!(["3"]));
    assert_eq!(cfg["xivo_uuid"], "6bd9a7a4-5c6e-4a0b-9d1e-0c71d0e1c7a1");
    for key in [
        "enablerna",
        "enableunc",
        "enablebusy",
        "enablevoicemail",
        "enablednd",
        "incallfilter",
    ] {
        assert!(cfg[key].is_boolean(), "{key}: {m}");
    }
    for key in ["destrna", "destunc", "destbusy"] {
        assert!(cfg[key].is_string(), "{key}: {m}");
    }

    c.send(getlist("updateconfig", "phones", Some("3"))).await;
    let m = c
        .expect("phone", |m| is_getlist(m, "updateconfig", "phones", "3"))
        .await;
    assert_eq!(m["config"]["number"], "1003");
    assert_eq!(m["config"]["identity"], "SIP/1003");
    assert_eq!(m["config"]["iduserfeatures"], 3);

    c.send(getlist("updatestatus", "phones", Some("3"))).await;
    let m = c
        .expect("phone status", |m| {
            is_getlist(m, "updatestatus", "phones", "3")
        })
        .await;
    assert!(
        m["status"]["hintstatus"].is_string(),
        "hintstatus is a string: {m}"
    );

    c.send(getlist("updateconfig", "agents", Some("1"))).await;
    let m = c
        .expect("agent", |m| is_getlist(m, "updateconfig", "agents", "1"))
        .await;
    assert_eq!(
        m["config"],
        json!({"context":"default","firstname":"Carol","lastname":"Colin","number":"2001"})
    );
    c.send(getlist("updatestatus", "agents", Some("1"))).await;
    let m = c
        .expect("agent status", |m| {
            is_getlist(m, "updatestatus", "agents", "1")
        })
        .await;
    let st = &m["status"];
    assert_eq!(st["availability"], "logged_out");
    assert!(st["availability_since"].is_f64());
    assert_eq!(st["phonenumber"], Value::Null);
    assert_eq!(st["on_call_acd"], false);
    assert_eq!(st["on_wrapup"], false);
    assert!(st.get("nonacd_call_status").is_some());
    assert!(
        st["queues"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string)
    );

    c.send(getlist("updateconfig", "queues", Some("1"))).await;
    let m = c
        .expect("queue", |m| is_getlist(m, "updateconfig", "queues", "1"))
        .await;
    assert_eq!(
        m["config"],
        json!({"context":"default","name":"sales","displayname":"Sales","number":"3001"})
    );
    c.send(getlist("updateconfig", "voicemails", Some("2")))
        .await;
    let m = c
        .expect("vm", |m| is_getlist(m, "updateconfig", "voicemails", "2"))
        .await;
    assert_eq!(m["config"]["mailbox"], "1002");
    c.send(getlist("updatestatus", "voicemails", Some("2")))
        .await;
    let m = c
        .expect("vm status", |m| {
            is_getlist(m, "updatestatus", "voicemails", "2")
        })
        .await;
    assert!(m["status"]["new"].is_u64());
    c.send(getlist("listid", "meetmes", None)).await;
    let m = c.expect("meetmes", |m| m["listname"] == "meetmes").await;
    assert_eq!(m["list"], json!(["1"]));
    c.send(getlist("updateconfig", "meetmes", Some("1"))).await;
    let m = c
        .expect("meetme", |m| is_getlist(m, "updateconfig", "meetmes", "1"))
        .await;
    assert_eq!(m["config"]["confno"], "4000");
    assert_eq!(m["config"]["name"], "standup");

    // Unknown ids: empty objects, so the client still finishes loading.
    for (f, list, tid) in [
        ("updateconfig", "users", "999"),
        ("updatestatus", "users", "abc"),
        ("updateconfig", "phones", "0"),
        ("updatestatus", "agents", "77"),
        ("updateconfig", "queuemembers", "Agent/9999,nowhere"),
        ("updatestatus", "queuemembers", "garbage"),
    ] {
        c.send(getlist(f, list, Some(tid))).await;
        let m = c.expect("unknown", |m| is_getlist(m, f, list, tid)).await;
        let key = if f == "updateconfig" {
            "config"
        } else {
            "status"
        };
        assert_eq!(m[key], json!({}), "{m}");
    }
    // Numeric tids are accepted and echoed as strings.
    c.send(json!({"class":"getlist","function":"updateconfig","listname":"users","tid":2}))
        .await;
    let m = c
        .expect("numeric tid", |m| {
            is_getlist(m, "updateconfig", "users", "2")
        })
        .await;
    assert_eq!(m["config"]["firstname"], "Bob");
}

#[tokio::test]
async fn history_comes_from_the_call_log() {
    let srv = TestServer::start().await;
    let t0 = Timestamp(1_364_545_475_273);
    let entries = [
        (CallDirection::Outgoing, Some(10_000), "1002", "Bob Bernard"),
        (CallDirection::Incoming, Some(5_000), "0612345678", ""),
        (CallDirection::Incoming, None, "1003", "Carol Colin"),
    ];
    for (i, (dir, answered, number, name)) in entries.into_iter().enumerate() {
        let start = Timestamp(t0.0 + i as i64 * 60_000);
        srv.call_log
            .append(CallLogEntry {
                user: UserId(1),
                start,
                answered_at: answered.map(|_| Timestamp(start.0 + 2_000)),
                end: Timestamp(start.0 + 2_000 + answered.unwrap_or(0)),
                direction: dir,
                peer: Party::new(number, name),
                linkedid: UniqueId::new(format!("1.{i}")),
            })
            .await
            .unwrap();
    }
    let mut c = srv.login("alice").await;
    c.send(json!({"class":"history","size":"2","xuserid":"xivo/1","commandid":5}))
        .await;
    let m = c.expect_class("history").await;
    let h = m["history"].as_array().unwrap();
    assert_eq!(h.len(), 2);
    // Newest first: the missed call, then the received one.
    assert_eq!(h[0]["mode"], 2);
    assert_eq!(h[0]["fullname"], "Carol Colin");
    assert_eq!(h[0]["extension"], "1003");
    assert_eq!(h[0]["duration"], 0.0);
    assert_eq!(h[1]["mode"], 1);
    assert_eq!(h[1]["fullname"], "0612345678");
    assert_eq!(h[1]["duration"], 5.0);
    assert_eq!(h[1]["calldate"], "2013-03-29T08:25:35.273000");
    c.send(json!({"class":"history","size":8})).await;
    let m = c.expect_class("history").await;
    let h = m["history"].as_array().unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(h[2]["mode"], 0);
    assert_eq!(h[2]["duration"], 10.0);
    // Bob has no history.
    let mut b = srv.login("bob").await;
    b.send(json!({"class":"history"})).await;
    assert_eq!(b.expect_class("history").await["history"], json!([]));
}

#[tokio::test]
async fn relations_and_status_registrations() {
    let srv = TestServer::start().await;
    let uuid = srv.dataset.xivo_uuid().to_owned();
    let mut c = srv.login("carol").await;
    c.send(json!({"class":"get_relations"})).await;
    let m = c.expect_class("relations").await;
    assert_eq!(
        m["data"],
        json!({"xivo_uuid": uuid, "user_id": 3, "endpoint_id": 3, "agent_id": 1})
    );
    let mut b = srv.login("bob").await;
    b.send(json!({"class":"get_relations"})).await;
    let m = b.expect_class("relations").await;
    assert_eq!(m["data"]["agent_id"], Value::Null);

    let bob_uuid = srv.dataset.user(UserId(2)).unwrap().uuid.clone();
    c.send(json!({"class":"register_user_status_update","user_ids":[[uuid, bob_uuid], [uuid, 4], ["other-xivo", "abc"]]}))
        .await;
    let m = c.expect_class("user_status_update").await;
    assert_eq!(m["data"]["user_uuid"], bob_uuid);
    assert_eq!(m["data"]["user_id"], 2);
    assert_eq!(m["data"]["xivo_uuid"], uuid);
    assert!(m["data"]["status"].is_string());
    let m = c.expect_class("user_status_update").await;
    assert_eq!(m["data"]["user_id"], 4);
    c.send(json!({"class":"register_agent_status_update","agent_ids":[[uuid, 2]]}))
        .await;
    let m = c.expect_class("agent_status_update").await;
    assert_eq!(
        m["data"],
        json!({"agent_id": 2, "xivo_uuid": uuid, "status": "logged_out"})
    );
    c.send(json!({"class":"register_endpoint_status_update","endpoint_ids":[[uuid, "5"]]}))
        .await;
    let m = c.expect_class("endpoint_status_update").await;
    assert_eq!(m["data"]["endpoint_id"], 5);
    assert!(m["data"]["status"].is_i64());
    c.send(json!({"class":"unregister_endpoint_status_update","endpoint_ids":[[uuid, "5"]]}))
        .await;
    c.send(json!({"class":"unregister_user_status_update","user_ids":[["other-xivo", "abc"]]}))
        .await;
    assert!(c.drain().await.is_empty());
}

#[tokio::test]
async fn queue_statistics_on_subscribe() {
    let srv = TestServer::start().await;
    let mut c = srv.login("alice").await;
    c.send(json!({"class":"subscribetoqueuesstats"})).await;
    let mut queues = BTreeSet::new();
    while queues.len() < 2 {
        let m = c.expect_class("getqueuesstats").await;
        for (id, s) in m["stats"].as_object().unwrap() {
            assert!(s["Xivo-LoggedAgents"].is_u64(), "{m}");
            assert!(s["Xivo-WaitingCalls"].is_u64(), "{m}");
            assert!(s["Xivo-AvailableAgents"].is_string(), "{m}");
            assert!(s["Xivo-TalkingAgents"].is_string(), "{m}");
            assert!(s["Xivo-EWT"].is_string(), "{m}");
            queues.insert(id.clone());
        }
    }
    assert_eq!(queues, BTreeSet::from(["1".to_owned(), "2".to_owned()]));
}
