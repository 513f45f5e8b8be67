//! Rights over the real CTI protocol (issue 7, "Rights"), each attack replayed as a plain user
//! would: bob (plain user profile) tries to take calls that are not his — a call ringing a
//! colleague, a call from outside ringing another phone, a caller waiting in a queue — to hang
//! up someone else's call and to watch a queue's callers; carol (agent profile) tries to log her
//! agent in on bob's phone; bob tries to flood and impersonate in `chitchat`. alice (supervisor
//! profile, with the switchboard right) may take waiting calls.

mod support;

use serde_json::{Value, json};
use support::{Client, TestServer};

use ctid_core::ids::{LineId, QueueId, UniqueId};
use ctid_core::{CHAT_BURST, CHAT_REFILL, MAX_CHAT_TEXT_BYTES};
use ctid_pbx_sim::LineAction;

/// The unique ids of a line's live channels (the core has seen everything the sim did).
async fn channels_of(srv: &TestServer, line: u32) -> Vec<UniqueId> {
    srv.core
        .read(move |st| {
            st.line_channels(LineId(line))
                .map(|c| c.uniqueid().clone())
                .collect()
        })
        .await
        .unwrap()
}

/// The other channel of the sim call `id` belongs to (the other party).
async fn peer_of(srv: &TestServer, id: &UniqueId) -> UniqueId {
    let calls = srv.sim.calls().await.unwrap();
    let call = calls
        .iter()
        .find(|c| c.channels.iter().any(|ch| &ch.uniqueid == id))
        .expect("the call");
    call.channels
        .iter()
        .map(|ch| ch.uniqueid.clone())
        .find(|u| u != id)
        .expect("a peer")
}

/// Sends `msg` and returns the error reply of its class.
async fn refused(c: &mut Client, msg: Value) -> String {
    let class = msg["class"].as_str().unwrap().to_owned();
    c.send(msg).await;
    let m = c
        .expect("an error reply", |m| {
            m["class"] == class.as_str() && m.get("error_string").is_some()
        })
        .await;
    m["error_string"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_plain_user_cannot_take_a_call_between_colleagues() {
    let srv = TestServer::start().await;
    let mut bob = srv.login("bob").await;
    // dave calls carol; carol's phone rings.
    srv.sim
        .line_action("1004", LineAction::Dial { to: "1003".into() })
        .await
        .unwrap();
    let carol_channel = channels_of(&srv, 3).await.pop().expect("carol rings");
    let dave_channel = peer_of(&srv, &carol_channel).await;
    for id in [&carol_channel, &dave_channel] {
        for class in ["answer", "resume_switchboard"] {
            assert_eq!(
                refused(&mut bob, json!({"class":class,"unique_id":id.as_str()})).await,
                "answer_unauthorized",
                "{class} {id}"
            );
        }
        assert_eq!(
            refused(&mut bob, json!({"class":"hangup","unique_id":id.as_str()})).await,
            "hangup_unauthorized"
        );
    }
    // Nothing happened: carol still rings, bob's line is idle, dave still calls.
    assert_eq!(channels_of(&srv, 3).await, vec![carol_channel.clone()]);
    assert!(channels_of(&srv, 2).await.is_empty());
    assert_eq!(channels_of(&srv, 4).await, vec![dave_channel.clone()]);

    // The switchboard may pick the call up: alice ends up talking to dave, carol stops ringing.
    let mut alice = srv.login("alice").await;
    alice
        .send(json!({"class":"subscribe","message":"current_calls"}))
        .await;
    alice.expect_class("current_calls").await;
    alice
        .send(json!({"class":"answer","unique_id":carol_channel.as_str()}))
        .await;
    let m = alice
        .expect("talking", |m| {
            m["class"] == "current_calls" && m["current_calls"][0]["call_status"] == "up"
        })
        .await;
    assert_eq!(m["current_calls"][0]["cid_number"], "1004");
    assert!(channels_of(&srv, 3).await.is_empty());
}

#[tokio::test]
async fn a_plain_user_cannot_take_an_outside_call_ringing_another_phone() {
    let srv = TestServer::start().await;
    let mut bob = srv.login("bob").await;
    srv.sim
        .outside_call("0612345678".into(), "1005".into(), None)
        .await
        .unwrap();
    let eve_channel = channels_of(&srv, 5).await.pop().expect("eve rings");
    let caller = peer_of(&srv, &eve_channel).await;
    for id in [&eve_channel, &caller] {
        assert_eq!(
            refused(&mut bob, json!({"class":"answer","unique_id":id.as_str()})).await,
            "answer_unauthorized"
        );
        // The protocol document's field name reaches the same check.
        assert_eq!(
            refused(&mut bob, json!({"class":"answer","uniqueid":id.as_str()})).await,
            "answer_unauthorized"
        );
    }
    assert_eq!(channels_of(&srv, 5).await, vec![eve_channel]);
    assert!(channels_of(&srv, 2).await.is_empty());
}

#[tokio::test]
async fn a_plain_user_can_neither_see_nor_take_queued_callers() {
    let srv = TestServer::start().await;
    let mut bob = srv.login("bob").await;
    // Watching a queue's callers (with their unique ids) is for switchboards and supervisors.
    assert_eq!(
        refused(
            &mut bob,
            json!({"class":"subscribe","message":"queueentryupdate","queueid":2})
        )
        .await,
        "permission_denied"
    );
    srv.sim
        .outside_call("0611111111".into(), "3002".into(), Some("Caller".into()))
        .await
        .unwrap();
    let queued = srv
        .core
        .read(|st| st.queue_entries(QueueId(2)))
        .await
        .unwrap();
    assert_eq!(queued.len(), 1, "one caller waits");
    let id = queued[0].uniqueid.clone();
    for class in ["resume_switchboard", "answer"] {
        assert_eq!(
            refused(&mut bob, json!({"class":class,"unique_id":id.as_str()})).await,
            "answer_unauthorized"
        );
    }
    // The caller still waits, and bob was never told about it.
    let still = srv
        .core
        .read(|st| st.queue_entries(QueueId(2)))
        .await
        .unwrap();
    assert_eq!(still.len(), 1);
    assert!(channels_of(&srv, 2).await.is_empty());
    let seen = bob.drain().await;
    assert!(
        seen.iter().all(|m| m["class"] != "queueentryupdate"),
        "{seen:?}"
    );
    assert!(
        bob.skipped.iter().all(|m| m["class"] != "queueentryupdate"),
        "{:?}",
        bob.skipped
    );
    // The switchboard sees it and takes it.
    let mut alice = srv.login("alice").await;
    alice
        .send(json!({"class":"subscribe","message":"queueentryupdate","queueid":2}))
        .await;
    let m = alice.expect_class("queueentryupdate").await;
    assert_eq!(m["state"]["entries"][0]["uniqueid"], id.as_str());
    alice
        .send(json!({"class":"resume_switchboard","unique_id":id.as_str()}))
        .await;
    alice
        .expect("the queue is empty", |m| {
            m["class"] == "queueentryupdate" && m["state"]["entries"] == json!([])
        })
        .await;
    assert_eq!(
        channels_of(&srv, 1).await.len(),
        1,
        "alice talks to the caller"
    );
}

#[tokio::test]
async fn an_agent_logs_in_on_her_own_phone_only() {
    let srv = TestServer::start().await;
    let mut carol = srv.login("carol").await;
    for number in ["1002", "1001"] {
        assert_eq!(
            refused(
                &mut carol,
                json!({"class":"ipbxcommand","command":"agentlogin","agentphonenumber":number})
            )
            .await,
            "permission_denied",
            "{number}"
        );
    }
    let agent = srv.dataset.user_by_login("carol").unwrap().id;
    let logged = move |srv: &TestServer| {
        let core = srv.core.clone();
        async move {
            core.read(move |st| {
                st.dataset()
                    .agent_of_user(agent)
                    .and_then(|a| st.agent_status(a.id))
                    .and_then(|s| s.line)
            })
            .await
            .unwrap()
        }
    };
    assert_eq!(logged(&srv).await, None, "bob's phone was not taken");
    carol
        .send(json!({"class":"ipbxcommand","command":"agentlogin","agentphonenumber":"1003"}))
        .await;
    let replies = carol.drain().await;
    assert!(
        replies.iter().all(|m| m.get("error_string").is_none()),
        "{replies:?}"
    );
    assert_eq!(logged(&srv).await, Some(LineId(3)));
}

#[tokio::test]
async fn chitchat_is_capped_rate_limited_and_signed_with_the_real_name() {
    let srv = TestServer::start().await;
    let uuid = srv.dataset.xivo_uuid().to_owned();
    let bob_uuid = srv.dataset.user_by_login("bob").unwrap().uuid.clone();
    let carol_uuid = srv.dataset.user_by_login("carol").unwrap().uuid.clone();
    let mut bob = srv.login("bob").await;
    let mut carol = srv.login("carol").await;
    let chat = |alias: &str, text: &str| json!({"class":"chitchat","alias":alias,"to":[uuid, carol_uuid],"text":text});

    // bob signs as alice: carol sees bob's name.
    bob.send(chat("Alice Arnaud", "it's alice, call me on 0611223344"))
        .await;
    let m = carol.expect_class("chitchat").await;
    assert_eq!(m["alias"], "Bob Bernard");
    assert_eq!(m["from"], json!([uuid, bob_uuid]));

    // An oversized text is refused (when the line is parsed).
    let big = "x".repeat(MAX_CHAT_TEXT_BYTES + 1);
    assert_eq!(
        refused(&mut bob, chat("Bob", &big)).await,
        "field_too_long:text"
    );

    // A flood: the burst goes through (one message already sent), then `rate_limited`.
    for i in 1..CHAT_BURST {
        bob.send(chat("Bob", &format!("m{i}"))).await;
    }
    assert_eq!(
        refused(&mut bob, chat("Bob", "one too many")).await,
        "rate_limited"
    );
    let got = carol.drain().await;
    let texts: Vec<&str> = got
        .iter()
        .filter(|m| m["class"] == "chitchat")
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (1..CHAT_BURST).map(|i| format!("m{i}")).collect();
    assert_eq!(texts, expected, "the burst arrives, the flood does not");

    // The budget refills on the server's clock.
    srv.clock.advance(CHAT_REFILL);
    bob.send(chat("Bob", "later")).await;
    let m = carol.expect_class("chitchat").await;
    assert_eq!(m["text"], "later");
    assert_eq!(
        refused(&mut bob, chat("Bob", "too soon")).await,
        "rate_limited"
    );
}
