//! Pushes driven by what the core owns (presence, services, chat): who gets them (the
//! subscription policy), their exact shape, and the slow reader cut off when its outbox fills.

mod support;

use serde_json::json;
use support::{TestServer, getlist, is_getlist};

#[tokio::test]
async fn presence_changes_reach_the_user_and_list_watchers_only() {
    let srv = TestServer::start().await;
    let mut alice = srv.login("alice").await;
    // Bob watches the users list; Carol asked for nothing.
    let mut bob = srv.login("bob").await;
    bob.send(getlist("listid", "users", None)).await;
    bob.expect("users list", |m| m["function"] == "listid")
        .await;
    let mut carol = srv.login("carol").await;

    alice
        .send(json!({"class":"availstate","availstate":"away","ipbxid":"xivo","userid":"1"}))
        .await;
    let m = alice
        .expect("own presence", |m| {
            is_getlist(m, "updatestatus", "users", "1") && m["status"]["availstate"] == "away"
        })
        .await;
    assert_eq!(m["status"], json!({"availstate":"away"}));
    assert_eq!(m["tipbxid"], "xivo");
    bob.expect("alice's presence", |m| {
        is_getlist(m, "updatestatus", "users", "1") && m["status"]["availstate"] == "away"
    })
    .await;
    let carol_got = carol.drain().await;
    assert!(
        carol_got
            .iter()
            .all(|m| !is_getlist(m, "updatestatus", "users", "1")),
        "carol did not ask for the users list: {carol_got:?}"
    );

    // A session on the users list gets its own presence once, not twice.
    alice
        .send(getlist("updatestatus", "users", Some("1")))
        .await;
    alice
        .expect("reply", |m| is_getlist(m, "updatestatus", "users", "1"))
        .await;
    alice
        .send(json!({"class":"availstate","availstate":"outtolunch"}))
        .await;
    let got = alice.drain().await;
    let n = got
        .iter()
        .filter(|m| {
            is_getlist(m, "updatestatus", "users", "1") && m["status"]["availstate"] == "outtolunch"
        })
        .count();
    assert_eq!(n, 1, "{got:?}");

    // An unknown presence is refused with an error.
    alice
        .send(json!({"class":"availstate","availstate":"on_the_moon"}))
        .await;
    let m = alice.expect_class("availstate").await;
    assert_eq!(m["error_string"], "invalid_presence:on_the_moon");
}

#[tokio::test]
async fn dnd_and_forwards_update_the_client_with_changed_keys_only() {
    let srv = TestServer::start().await;
    let mut c = srv.login("bob").await;
    let mut other = srv.login("bob").await; // a second session of the same user
    c.send(json!({"class":"featuresput","function":"enablednd","value":true,"commandid":3}))
        .await;
    let m = c
        .expect("dnd push", |m| is_getlist(m, "updateconfig", "users", "2"))
        .await;
    assert_eq!(m["config"], json!({"enablednd": true}));
    other
        .expect("dnd push on the other session", |m| {
            is_getlist(m, "updateconfig", "users", "2")
        })
        .await;

    c.send(
        json!({"class":"featuresput","function":"fwd","value":{"destunc":"1003","enableunc":true}}),
    )
    .await;
    let m = c
        .expect("fwd push", |m| is_getlist(m, "updateconfig", "users", "2"))
        .await;
    assert_eq!(m["config"], json!({"enableunc": true, "destunc": "1003"}));
    c.send(
        json!({"class":"featuresput","function":"fwd","value":{"destrna":"1004","enablerna":true}}),
    )
    .await;
    let m = c
        .expect("rna push", |m| is_getlist(m, "updateconfig", "users", "2"))
        .await;
    assert_eq!(m["config"], json!({"enablerna": true, "destrna": "1004"}));
    c.send(json!({"class":"featuresput","function":"fwd","value":{"destbusy":"1005","enablebusy":"true"}}))
        .await;
    let m = c
        .expect("busy push", |m| is_getlist(m, "updateconfig", "users", "2"))
        .await;
    assert_eq!(m["config"], json!({"enablebusy": true, "destbusy": "1005"}));
    c.send(json!({"class":"featuresput","function":"incallfilter","value":true}))
        .await;
    let m = c
        .expect("filter push", |m| {
            is_getlist(m, "updateconfig", "users", "2")
        })
        .await;
    assert_eq!(m["config"], json!({"incallfilter": true}));
    c.send(json!({"class":"featuresput","function":"enablevoicemail","value":true}))
        .await;
    let m = c
        .expect("vm push", |m| is_getlist(m, "updateconfig", "users", "2"))
        .await;
    assert_eq!(m["config"], json!({"enablevoicemail": true}));
    // A change that changes nothing is answered too (directly, to the requester only).
    c.send(json!({"class":"featuresput","function":"enablednd","value":true}))
        .await;
    let m = c
        .expect("no-op answer", |m| {
            is_getlist(m, "updateconfig", "users", "2")
        })
        .await;
    assert_eq!(m["config"], json!({"enablednd": true}));

    // The configuration now shows it all.
    c.send(getlist("updateconfig", "users", Some("2"))).await;
    let m = c
        .expect("config", |m| {
            is_getlist(m, "updateconfig", "users", "2") && m["config"].get("firstname").is_some()
        })
        .await;
    let cfg = &m["config"];
    assert_eq!(
        (
            &cfg["enablednd"],
            &cfg["enableunc"],
            &cfg["destunc"],
            &cfg["incallfilter"]
        ),
        (&json!(true), &json!(true), &json!("1003"), &json!(true))
    );

    // Another user's services: refused for a plain user.
    c.send(json!({"class":"featuresput","function":"enablednd","value":true,"target":"3"}))
        .await;
    let m = c.expect_class("featuresput").await;
    assert_eq!(m["error_string"], "permission_denied");
}

#[tokio::test]
async fn chat_between_users_of_this_node() {
    let srv = TestServer::start().await;
    let uuid = srv.dataset.xivo_uuid.clone();
    let alice_uuid = srv.dataset.user_by_login("alice").unwrap().uuid.clone();
    let bob_uuid = srv.dataset.user_by_login("bob").unwrap().uuid.clone();
    let mut alice = srv.login("alice").await;
    let mut bob = srv.login("bob").await;
    let mut carol = srv.login("carol").await;
    alice
        .send(json!({"class":"chitchat","alias":"Alice","to":[uuid, bob_uuid],"text":"hello ]]> bob","commandid":1}))
        .await;
    let m = bob.expect_class("chitchat").await;
    assert_eq!(m["from"], json!([uuid, alice_uuid]));
    assert_eq!(m["to"], json!([uuid, bob_uuid]));
    assert_eq!(m["alias"], "Alice");
    assert_eq!(m["text"], "hello ]]> bob");
    assert!(carol.drain().await.iter().all(|m| m["class"] != "chitchat"));
    assert!(alice.drain().await.iter().all(|m| m["class"] != "chitchat"));
}

#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off() {
    let srv = TestServer::start_with(|c| c.outbox_capacity = 16).await;
    let uuid = srv.dataset.xivo_uuid.clone();
    let bob_uuid = srv.dataset.user_by_login("bob").unwrap().uuid.clone();
    // The slow one never reads after login.
    let mut slow = srv.login("bob").await;
    let mut alice = srv.login("alice").await;
    // Each chat message is one 64 KiB push to the slow session. The sockets' buffers absorb a
    // few MiB; keep pushing until the server has cut it off.
    let text = "x".repeat(64 * 1024);
    let mut cut = false;
    for i in 0..2_000 {
        alice
            .send(json!({"class":"chitchat","alias":"Alice","to":[uuid, bob_uuid],"text":text,"commandid":i}))
            .await;
        if i % 20 == 19 {
            alice.drain().await;
            let sessions = srv
                .core
                .read(|st| {
                    st.user_presence(ctid_core::ids::UserId(2))
                        .map(|p| p.sessions)
                })
                .await
                .unwrap();
            if sessions == Some(0) {
                cut = true;
                break;
            }
        }
    }
    assert!(cut, "the slow session was cut off");
    // Alice is unaffected.
    alice.send(json!({"class":"getipbxlist"})).await;
    alice.expect_class("getipbxlist").await;
    // The slow client finds its connection closed after what was sent before the cut.
    slow.expect_closed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_sessions_each_get_the_push_once() {
    let srv = TestServer::start().await;
    let logins = ["alice", "bob", "carol", "dave", "eve", "frank"];
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let addr = srv.addr;
        let login = logins[i % logins.len()];
        tasks.spawn(async move {
            let mut c = support::Client::connect(addr).await;
            c.login(login, login).await;
            c.send(getlist("listid", "phones", None)).await;
            c.expect("listid", |m| m["function"] == "listid").await;
            c
        });
    }
    let mut clients = Vec::new();
    while let Some(c) = tasks.join_next().await {
        clients.push(c.unwrap());
    }
    let call = srv
        .sim
        .outside_call("0612345678".into(), "1004".into(), None)
        .await
        .unwrap();
    for c in &mut clients {
        c.expect("ringing", |m| {
            is_getlist(m, "updatestatus", "phones", "4") && m["status"]["hintstatus"] == "8"
        })
        .await;
        let again = c.drain().await;
        assert!(
            again
                .iter()
                .all(|m| !(is_getlist(m, "updatestatus", "phones", "4")
                    && m["status"]["hintstatus"] == "8")),
            "once: {again:?}"
        );
    }
    srv.sim.hangup_call(call.as_str()).await.unwrap();
}
