//! Size limits of client input over a real socket: a bad value is quoted cut short, an over-long
//! field or list is refused at parse time with the session kept, and a session's subscriptions
//! stay within `[cti] max_subscription_bytes`.

mod support;

use serde_json::{Value, json};
use support::{Client, TestServer};

/// The next line that is not a list push, raw.
async fn next_reply_line(c: &mut Client) -> Vec<u8> {
    loop {
        let line = c.next_line().await.expect("connection open");
        let m: Value = serde_json::from_slice(&line).expect("JSON");
        if !(m["class"] == "getlist" && m.get("error_string").is_none()) {
            return line;
        }
    }
}

/// Sends a keepalive and returns the error replies received before its answer.
async fn errors_until_keepalive(c: &mut Client) -> Vec<Value> {
    c.drain()
        .await
        .into_iter()
        .filter(|m| m.get("error_string").is_some())
        .collect()
}

#[tokio::test]
async fn a_huge_unknown_class_gets_a_short_error_reply() {
    let srv = TestServer::start().await;
    let mut c = srv.login("alice").await;
    let class = "c".repeat(1 << 20);
    c.send(json!({ "class": class })).await;
    let line = next_reply_line(&mut c).await;
    assert!(
        line.len() < 200,
        "a {} byte reply to a 1 MiB class",
        line.len()
    );
    let r: Value = serde_json::from_slice(&line).unwrap();
    let quoted = format!("{}…", "c".repeat(64));
    assert_eq!(r["class"], "error");
    assert_eq!(r["error_string"], format!("unknown_class:{quoted}"));
    // Other quoted values are cut too, and the session goes on.
    c.send(json!({"class":"ipbxcommand","command":"x".repeat(100_000)}))
        .await;
    let r = c.reply().await;
    assert_eq!(
        r["error_string"],
        format!("unknown_command:{}…", "x".repeat(64))
    );
    c.send(json!({"class":"keepalive","commandid":4})).await;
    assert_eq!(c.reply().await["replyid"], 4);
}

#[tokio::test]
async fn over_long_fields_and_lists_are_refused_and_the_session_lives() {
    let srv = TestServer::start().await;
    let mut c = srv.login("alice").await;
    let cases = [
        (
            json!({"class":"ipbxcommand","command":"dial","destination":"1".repeat(257)}),
            "ipbxcommand",
            "field_too_long:destination",
        ),
        (
            json!({"class":"register_user_status_update","user_ids":[["u", 1], ["u".repeat(65), 2]]}),
            "register_user_status_update",
            "field_too_long:user_ids.1.0",
        ),
        (
            json!({"class":"register_agent_status_update","agent_ids":[["u", "7".repeat(129)]]}),
            "register_agent_status_update",
            "field_too_long:agent_ids.0.1",
        ),
        (
            json!({"class":"register_endpoint_status_update",
                   "endpoint_ids": vec![json!(["u", 1]); 1001]}),
            "register_endpoint_status_update",
            "too_many_items:endpoint_ids",
        ),
        (
            json!({"class":"featuresput","function":"fwd","value":{"destunc":"1".repeat(257)}}),
            "featuresput",
            "field_too_long:value.destunc",
        ),
        (
            json!({"class":"hangup","unique_id":"1".repeat(129)}),
            "hangup",
            "field_too_long:unique_id",
        ),
        (
            json!({"class":"chitchat","to":["u", "u"],"alias":"a","text":"t".repeat(4097)}),
            "chitchat",
            "field_too_long:text",
        ),
        (
            json!({"class":"subscribe","message":"queueentryupdate","queueid":"1".repeat(129)}),
            "subscribe",
            "field_too_long:queueid",
        ),
        (
            json!({"class":"availstate","availstate":"a".repeat(257)}),
            "availstate",
            "field_too_long:availstate",
        ),
    ];
    for (msg, class, error) in cases {
        c.send(msg).await;
        let r = c.reply().await;
        assert_eq!(
            (r["class"].as_str(), r["error_string"].as_str()),
            (Some(class), Some(error)),
            "{r}"
        );
    }
    c.send(json!({"class":"keepalive","commandid":5})).await;
    assert_eq!(c.reply().await["replyid"], 5);
}

#[tokio::test]
async fn huge_foreign_uuids_cannot_fill_a_session() {
    // The attack: 500 `register_user_status_update` with huge foreign `xivo_uuid`s.
    let srv = TestServer::start_with(|c| c.max_subscription_bytes = 16 * 1024).await;
    let mut c = srv.login("alice").await;
    for i in 0..500 {
        let uuid = format!("{i}-{}", "f".repeat(64 * 1024));
        c.send(json!({"class":"register_user_status_update","user_ids":[[uuid, i]]}))
            .await;
    }
    let errors = errors_until_keepalive(&mut c).await;
    assert_eq!(errors.len(), 500, "every one is refused");
    assert!(
        errors
            .iter()
            .all(|e| e["error_string"] == "field_too_long:user_ids.0.0"),
        "{:?}",
        errors.first()
    );

    // The same with uuids and ids at their limits: the session takes subscriptions until its
    // budget is spent, then refuses the rest; nothing of the refused ones is kept.
    let pair_bytes = 64 + 128;
    for i in 0..500 {
        let uuid = format!("{i:064}");
        let id = format!("{i:0128}");
        c.send(json!({"class":"register_user_status_update","user_ids":[[uuid, id]]}))
            .await;
    }
    let errors = errors_until_keepalive(&mut c).await;
    assert!(
        errors
            .iter()
            .all(|e| e["class"] == "register_user_status_update"
                && e["error_string"] == "subscription_limit"),
        "{:?}",
        errors.first()
    );
    let accepted = 500 - errors.len();
    assert!(accepted > 0, "some fit");
    assert!(
        accepted * pair_bytes <= 16 * 1024,
        "{accepted} subscriptions of {pair_bytes} bytes of ids each are over the budget"
    );

    // Leaving gives the budget back.
    let uuid = format!("{:064}", 0);
    let id = format!("{:0128}", 0);
    c.send(json!({"class":"unregister_user_status_update","user_ids":[[uuid, id]]}))
        .await;
    let uuid = format!("{:064}", 499);
    let id = format!("{:0128}", 499);
    c.send(json!({"class":"register_user_status_update","user_ids":[[uuid, id]]}))
        .await;
    assert_eq!(errors_until_keepalive(&mut c).await, Vec::<Value>::new());
    c.send(json!({"class":"register_user_status_update","user_ids":[["x".repeat(64), "y".repeat(128)]]}))
        .await;
    let errors = errors_until_keepalive(&mut c).await;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["error_string"], "subscription_limit");
}
