//! Pushes driven by what the core owns (presence, services, chat): who gets them (the push
//! policies), their exact shape, and the slow reader cut off when its outbox fills.

mod support;

use ctid_core::BufferPolicy;
use ctid_pbx_sim::LineAction;
use serde_json::{Value, json};
use support::{Client, Pred, TestServer, getlist, is_getlist};

use ctid_proto_cti::PushPolicy;

fn alice_away(m: &Value) -> bool {
    is_getlist(m, "updatestatus", "users", "1") && m["status"]["availstate"] == "away"
}

fn bobs_phone_rings(m: &Value) -> bool {
    is_getlist(m, "updatestatus", "phones", "2") && m["status"]["hintstatus"] == "8"
}

fn carols_agent_available(m: &Value) -> bool {
    is_getlist(m, "updatestatus", "agents", "1")
        && m["status"]["availability"] == "available"
        && m["status"]["queues"] == json!(["1"])
}

fn support_queue_gains_agent_1(m: &Value) -> bool {
    is_getlist(m, "updatestatus", "queues", "2")
        && m["status"]["agentmembers"] == json!(["1", "3", "4"])
}

/// One change of each status list the protocol document says arrives unsolicited, in order:
/// alice's presence (users), an outside call ringing bob's phone (phones), carol's agent login
/// (agents), then alice adding agent 1 to the support queue (queues).
const STATUS_CHANGES: [(&str, &Pred<'static>); 4] = [
    ("alice's presence", &alice_away),
    ("bob's phone ringing", &bobs_phone_rings),
    ("carol's agent available", &carols_agent_available),
    ("support queue members", &support_queue_gains_agent_1),
];

/// Makes the four changes of [`STATUS_CHANGES`]; `alice` (supervisor) watches the lists, so
/// when this returns every change has been pushed.
async fn change_every_status(srv: &TestServer, alice: &mut Client, carol: &mut Client) {
    for list in ["users", "phones", "agents", "queues"] {
        alice.send(getlist("listid", list, None)).await;
        alice
            .expect("listid", |m| {
                m["function"] == "listid" && m["listname"] == list
            })
            .await;
    }
    alice
        .send(json!({"class":"availstate","availstate":"away","ipbxid":"xivo","userid":"1"}))
        .await;
    alice.expect("away", alice_away).await;
    srv.sim
        .outside_call("0612345678".into(), "1002".into(), None)
        .await
        .unwrap();
    alice.expect("ringing", bobs_phone_rings).await;
    carol
        .send(json!({"class":"ipbxcommand","command":"agentlogin","agentphonenumber":"1003"}))
        .await;
    alice.expect("available", carols_agent_available).await;
    alice
        .send(json!({"class":"ipbxcommand","command":"queueadd","member":"agent:xivo/1","queue":"queue:xivo/2"}))
        .await;
    alice
        .expect("queue members", support_queue_gains_agent_1)
        .await;
}

/// Every message a client received since its login (skipped while waiting, then drained).
async fn everything_received(c: &mut Client) -> Vec<Value> {
    let mut all = std::mem::take(&mut c.skipped);
    all.extend(c.drain().await);
    all
}

#[tokio::test]
async fn by_default_a_session_that_never_asked_gets_every_status_push_once() {
    let srv = TestServer::start().await;
    let mut alice = srv.login("alice").await;
    let mut carol = srv.login("carol").await;
    // Dave logs in and asks for nothing, as a script written for xivo-ctid does.
    let mut dave = srv.login("dave").await;
    change_every_status(&srv, &mut alice, &mut carol).await;

    let found = dave.expect_all(&STATUS_CHANGES).await;
    let mut got = everything_received(&mut dave).await;
    got.extend(found);
    for (what, pred) in STATUS_CHANGES {
        let n = got.iter().filter(|m| pred(m)).count();
        assert_eq!(n, 1, "dave gets {what} once: {got:#?}");
    }
    // Alice, on the users list, gets her own presence once (not also as her own-user push).
    let got = everything_received(&mut alice).await;
    let own = got.iter().filter(|m| alice_away(m)).count();
    assert_eq!(
        own, 0,
        "alice's own presence was read once already: {got:#?}"
    );
}

#[tokio::test]
async fn with_the_subscribed_policy_a_session_that_never_asked_gets_no_list_push() {
    let srv = TestServer::start_with(|c| c.push_policy = PushPolicy::Subscribed).await;
    let mut alice = srv.login("alice").await;
    let mut carol = srv.login("carol").await;
    let mut dave = srv.login("dave").await;
    change_every_status(&srv, &mut alice, &mut carol).await;

    // Every change reached alice, who asked, so it reached dave's outbox too if at all.
    let got = everything_received(&mut dave).await;
    for (what, pred) in STATUS_CHANGES {
        assert!(
            !got.iter().any(pred),
            "dave did not ask for {what}: {got:#?}"
        );
    }
}

#[tokio::test]
async fn presence_changes_reach_the_user_and_list_watchers_only_when_subscribed() {
    let srv = TestServer::start_with(|c| c.push_policy = PushPolicy::Subscribed).await;
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
    let uuid = srv.dataset.xivo_uuid().to_owned();
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
    assert_eq!(m["alias"], "Alice Arnaud", "the sender's configured name");
    assert_eq!(m["text"], "hello ]]> bob");
    assert!(carol.drain().await.iter().all(|m| m["class"] != "chitchat"));
    assert!(alice.drain().await.iter().all(|m| m["class"] != "chitchat"));
}

#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off() {
    let srv = TestServer::start_with(|c| c.outbox_max_bytes = 64 * 1024).await;
    let uuid = srv.dataset.xivo_uuid().to_owned();
    let bob_uuid = srv.dataset.user_by_login("bob").unwrap().uuid.clone();
    // The slow one never reads after login.
    let mut slow = srv.login("bob").await;
    let mut alice = srv.login("alice").await;
    // Each chat message is one 4 KiB push (the longest text) to the slow session. The sockets'
    // buffers absorb a few MiB; keep pushing until the server has cut it off, moving the clock
    // on after each burst so that alice's chat budget refills.
    let text = "x".repeat(ctid_core::MAX_CHAT_TEXT_BYTES);
    let burst = ctid_core::CHAT_BURST;
    let mut cut = false;
    for i in 0..20_000 {
        alice
            .send(json!({"class":"chitchat","alias":"Alice","to":[uuid, bob_uuid],"text":text,"commandid":i}))
            .await;
        if i % burst == burst - 1 {
            let replies = alice.drain().await;
            assert!(
                replies.iter().all(|m| m.get("error_string").is_none()),
                "{replies:?}"
            );
            srv.clock.advance(ctid_core::CHAT_REFILL * burst);
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

/// Alice's presence change, pushed to her after everything the fan-out sent before: a barrier.
async fn presence_barrier(c: &mut support::Client, state: &str) {
    c.send(json!({"class":"availstate","availstate":state,"ipbxid":"xivo","userid":"1"}))
        .await;
    c.expect("own presence", |m| {
        is_getlist(m, "updatestatus", "users", "1") && m["status"]["availstate"] == state
    })
    .await;
}

/// The `current_calls` pushes among the messages a client skipped since `from`.
fn skipped_current_calls(c: &support::Client, from: usize) -> Vec<Value> {
    c.skipped[from..]
        .iter()
        .filter(|m| m["class"] == "current_calls")
        .cloned()
        .collect()
}

/// A click-to-dial rings alice's phone, which answers, then rings bob; bob answers; alice hangs
/// up. The core changes alice's calls at every step, but only two steps change what
/// `current_calls` shows (calls not answered at both ends are not listed): she gets exactly
/// those two pushes, never a repeat and never an "up" call while bob's phone rings.
#[tokio::test]
async fn current_calls_is_pushed_once_per_change_of_what_it_shows() {
    let srv = TestServer::start().await;
    let mut alice = srv.login("alice").await;
    alice.send(getlist("listid", "phones", None)).await;
    alice.expect("listid", |m| m["function"] == "listid").await;
    alice
        .send(json!({"class":"subscribe","message":"current_calls"}))
        .await;
    assert_eq!(
        alice.expect_class("current_calls").await["current_calls"],
        json!([])
    );
    let from = alice.skipped.len();

    alice
        .send(json!({"class":"ipbxcommand","command":"dial","destination":"1002"}))
        .await;
    alice.expect_class("dial_success").await;
    alice
        .expect("bob's phone rings", |m| {
            is_getlist(m, "updatestatus", "phones", "2") && m["status"]["hintstatus"] == "8"
        })
        .await;
    presence_barrier(&mut alice, "away").await;
    assert_eq!(
        skipped_current_calls(&alice, from),
        Vec::<Value>::new(),
        "nothing answered yet: nothing new to show"
    );

    srv.sim
        .line_action("1002", LineAction::Answer)
        .await
        .unwrap();
    let up = alice.expect_class("current_calls").await;
    assert_eq!(up["current_calls"][0]["call_status"], "up", "{up}");
    assert_eq!(up["current_calls"][0]["cid_number"], "1002");
    alice.send(json!({"class":"hangup"})).await;
    let down = alice.expect_class("current_calls").await;
    assert_eq!(down["current_calls"], json!([]));
    presence_barrier(&mut alice, "available").await;
    assert_eq!(
        skipped_current_calls(&alice, from),
        Vec::<Value>::new(),
        "exactly one push per change"
    );
}

/// A hub consumer that never reads (a stuck database or broker writer) with the drop-newest
/// policy: the core keeps applying the PBX's batches and answering commands, and CTI clients
/// keep getting every push; the consumer's losses are counted.
#[tokio::test]
async fn a_consumer_that_never_reads_stalls_neither_the_core_nor_the_clients() {
    let srv = TestServer::start().await;
    let stuck = srv
        .core
        .subscribe(1, BufferPolicy::DropNewest)
        .await
        .expect("core running");
    let mut alice = srv.login("alice").await;
    alice.send(getlist("listid", "phones", None)).await;
    alice.expect("listid", |m| m["function"] == "listid").await;
    for round in 0..20 {
        let call = srv
            .sim
            .outside_call("0612345678".into(), "1002".into(), None)
            .await
            .unwrap();
        alice
            .expect("ringing", |m| {
                is_getlist(m, "updatestatus", "phones", "2") && m["status"]["hintstatus"] == "8"
            })
            .await;
        srv.sim.hangup_call(call.as_str()).await.unwrap();
        alice
            .expect("idle", |m| {
                is_getlist(m, "updatestatus", "phones", "2") && m["status"]["hintstatus"] == "0"
            })
            .await;
        let state = if round % 2 == 0 { "away" } else { "available" };
        presence_barrier(&mut alice, state).await;
    }
    let hint = srv
        .core
        .read(|s| s.line_hint(ctid_core::ids::LineId(2)).code())
        .await
        .expect("core running");
    assert_eq!(hint, 0);
    let stats = stuck.stats();
    assert_eq!(stats.delivered(), 1, "its queue holds one batch");
    assert!(stats.dropped() >= 60, "dropped {}", stats.dropped());
    drop(stuck);
}
