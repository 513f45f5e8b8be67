//! Call history: `getUserCallHistory`, `getAgentCallHistory` and `getUserCallHistoryByDays`
//! answer from the call log (`CallHistory` / `CallHistoryByDays`, newest first, with XuC's
//! fields), a call made through the embedded PBX shows up in it, and each user sees only their
//! own calls.

mod support;

use serde_json::{Value, json};
use support::TestServer;

use ctid_core::Timestamp;
use ctid_core::ids::{UniqueId, UserId};
use ctid_core::live::{CallDirection, CallLogEntry, Party};
use ctid_core::store::CallLogStore;

const DAY_MS: i64 = 86_400_000;

/// A finished call of `user`, `days_ago` days before `now`, 90 s of talk if answered.
fn entry(
    user: UserId,
    now: Timestamp,
    days_ago: i64,
    direction: CallDirection,
    answered: bool,
    peer: &str,
) -> CallLogEntry {
    let start = Timestamp(now.0 - days_ago * DAY_MS - 120_000);
    CallLogEntry {
        user,
        start,
        answered_at: answered.then_some(Timestamp(start.0 + 10_000)),
        end: Timestamp(start.0 + 100_000),
        direction,
        peer: Party::new(peer, ""),
        linkedid: UniqueId::from(format!("{}.1", start.0 / 1000).as_str()),
    }
}

fn numbers(reply: &Value, field: &str) -> Vec<String> {
    reply["ctiMessage"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn user_history_is_newest_first_with_xuc_fields_and_limited_to_size() {
    let srv = TestServer::start().await;
    let now = srv.core.clock().now();
    let bob = srv
        .dataset
        .users()
        .iter()
        .find(|u| u.login == "bob")
        .unwrap()
        .id;
    for (days_ago, peer) in [(3, "0600000003"), (2, "0600000002"), (1, "0600000001")] {
        srv.call_log
            .append(entry(
                bob,
                now,
                days_ago,
                CallDirection::Outgoing,
                true,
                peer,
            ))
            .await
            .unwrap();
    }
    srv.call_log
        .append(entry(
            bob,
            now,
            0,
            CallDirection::Incoming,
            false,
            "0699999999",
        ))
        .await
        .unwrap();

    let mut client = srv.session("bob").await;
    client.drain().await;
    client
        .command("getUserCallHistory", json!({"size": 3}))
        .await;
    let reply = client.expect_type("CallHistory").await;
    let calls = reply["ctiMessage"].as_array().expect("a list");
    assert_eq!(calls.len(), 3, "size 3: {reply}");
    let missed = &calls[0];
    assert_eq!(missed["status"], "missed");
    assert_eq!(missed["srcNum"], "0699999999");
    assert_eq!(missed["dstNum"], "1002");
    assert_eq!(missed["dstFirstName"], "Bob");
    assert_eq!(missed["duration"], "00:00:00");
    let emitted = &calls[1];
    assert_eq!(emitted["status"], "emitted");
    assert_eq!(emitted["srcNum"], "1002");
    assert_eq!(emitted["dstNum"], "0600000001");
    assert_eq!(emitted["duration"], "00:01:30");
    let start = emitted["start"].as_str().unwrap();
    assert_eq!(start.len(), 19, "YYYY-MM-DD hh:mm:ss: {start}");
    assert_eq!(&start[10..11], " ");

    // Sizes sent as strings are read too; the default is 20.
    client
        .command("getUserCallHistory", json!({"size": "1"}))
        .await;
    let reply = client.expect_type("CallHistory").await;
    assert_eq!(numbers(&reply, "srcNum"), ["0699999999"]);
    client.command("getUserCallHistory", json!({})).await;
    let reply = client.expect_type("CallHistory").await;
    assert_eq!(numbers(&reply, "dstNum").len(), 4);

    client
        .command("getUserCallHistoryByDays", json!({"days": 2}))
        .await;
    let reply = client.expect_type("CallHistoryByDays").await;
    assert_eq!(
        numbers(&reply, "dstNum"),
        ["1002", "0600000001"],
        "the calls of the last 2 days: {reply}"
    );

    client
        .command("getUserCallHistory", json!({"size": "many"}))
        .await;
    let error = client.expect_type("Error").await;
    assert_eq!(error["ctiMessage"]["Error"], "InvalidArgument", "{error}");
}

#[tokio::test]
async fn a_call_through_the_pbx_is_in_both_users_histories_and_only_theirs() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    let mut carol = srv.session("carol").await;
    let mut dave = srv.session("dave").await;
    bob.drain().await;
    carol.drain().await;
    dave.drain().await;

    bob.command("dial", json!({"destination": "1003"})).await;
    carol
        .expect("ringing", |m| {
            m["msgType"] == "PhoneEvent" && m["ctiMessage"]["eventType"] == "EventRinging"
        })
        .await;
    carol.command("answer", json!({})).await;
    carol
        .expect("established", |m| {
            m["msgType"] == "PhoneEvent" && m["ctiMessage"]["eventType"] == "EventEstablished"
        })
        .await;
    bob.command("hangup", json!({})).await;
    carol
        .expect("released", |m| {
            m["msgType"] == "PhoneEvent" && m["ctiMessage"]["eventType"] == "EventReleased"
        })
        .await;

    // The call log is written after the call ends, off the core: ask until it is there (each
    // ask is answered; the support's guard bounds the wait).
    let mut reply;
    loop {
        carol
            .command("getAgentCallHistory", json!({"size": 5}))
            .await;
        reply = carol.expect_type("CallHistory").await;
        if !reply["ctiMessage"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    let call = &reply["ctiMessage"][0];
    assert_eq!(call["status"], "answered", "{reply}");
    assert_eq!(call["srcNum"], "1002");
    assert_eq!(call["dstNum"], "1003");
    assert_eq!(call["dstFirstName"], "Carol");

    loop {
        bob.command("getUserCallHistory", json!({})).await;
        reply = bob.expect_type("CallHistory").await;
        if !reply["ctiMessage"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(reply["ctiMessage"][0]["status"], "emitted", "{reply}");
    assert_eq!(reply["ctiMessage"][0]["dstNum"], "1003");

    dave.command("getUserCallHistory", json!({})).await;
    let reply = dave.expect_type("CallHistory").await;
    assert_eq!(reply["ctiMessage"], json!([]), "dave made no call: {reply}");
}

#[tokio::test]
async fn agent_history_needs_an_agent() {
    let srv = TestServer::start().await;
    let mut bob = srv.session("bob").await;
    bob.drain().await;
    bob.command("getAgentCallHistory", json!({"size": 5})).await;
    let error = bob.expect_type("Error").await;
    assert_eq!(error["ctiMessage"]["Error"], "NoAgent", "{error}");
    assert_eq!(error["ctiMessage"]["command"], "getAgentCallHistory");
}
