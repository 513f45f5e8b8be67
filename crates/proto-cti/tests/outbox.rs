//! Each session's outbox is bounded in bytes (`[cti] outbox_max_bytes`): a client that sends
//! requests and never reads the replies is cut off once what waits for it passes the budget,
//! while the other clients keep receiving their pushes.

mod support;

use std::sync::Arc;

use ctid_core::Dataset;
use serde_json::{Value, json};
use support::{Client, TestServer, getlist, is_getlist};

/// Budget of each session's outbox in these tests.
const BUDGET: usize = 64 * 1024;

/// The demo dataset where alice's last name is 32 KiB long, so that her configuration (asked
/// with a 70-byte request) takes one message of more than 32 KiB.
async fn server_with_a_long_reply() -> TestServer {
    let long_name = "A".repeat(32 * 1024);
    let toml = Dataset::demo_toml().replacen(
        "lastname = \"Arnaud\"",
        &format!("lastname = \"{long_name}\""),
        1,
    );
    let dataset = Dataset::from_toml_str(&toml).expect("dataset");
    TestServer::start_on(Arc::new(dataset), |c| c.outbox_max_bytes = BUDGET).await
}

fn alice_is(state: &'static str) -> impl Fn(&Value) -> bool {
    move |m| is_getlist(m, "updatestatus", "users", "1") && m["status"]["availstate"] == state
}

fn is_user_1_config(m: &Value) -> bool {
    is_getlist(m, "updateconfig", "users", "1")
}

#[tokio::test]
async fn a_client_that_never_reads_its_replies_is_cut_off_at_its_byte_budget() {
    let srv = server_with_a_long_reply().await;
    let mut watcher = srv.login("carol").await;
    let mut alice = srv.login("alice").await;
    let mut slow = Client::connect_with_receive_buffer(srv.addr, 4096).await;
    slow.login("bob", "bob").await;

    // Requests whose replies are 500 times longer than themselves, sent by the hundred and
    // never read. The server goes on reading meanwhile (replies never wait), so every write
    // succeeds. The replies fill the sockets' buffers (4 MiB at most on the server's side,
    // 4 KiB on the client's), then the outbox's 64 KiB: the session is cut off long before the
    // outbox's message cap (65,536), which these 2,000 replies (64 MiB) never reach.
    let mut request = serde_json::to_vec(&getlist("updateconfig", "users", Some("1"))).unwrap();
    request.push(b'\n');
    let burst: Vec<u8> = request.repeat(100);
    let mut states = ["away", "available"].into_iter().cycle();
    for sent in (100..=2_000).step_by(100) {
        if slow.try_send_raw(&burst).await.is_err() {
            break; // cut off already: the server reset the connection
        }
        // Meanwhile the others are served: alice changes her presence, carol is told.
        if sent % 500 == 0 {
            let state = states.next().unwrap();
            alice
                .send(json!({"class":"availstate","availstate":state,"ipbxid":"xivo","userid":"1"}))
                .await;
            watcher
                .expect("alice's presence push", alice_is(state))
                .await;
        }
    }
    tokio::time::timeout(support::GUARD, srv.stats.sessions_cut_off_reach(1))
        .await
        .expect("the slow session is cut off for its outbox");
    // The slow client finds its connection closed, and it was the budget that closed it.
    slow.expect_closed().await;
    assert_eq!(srv.stats.sessions_cut_off(), 1);
    // The others are unaffected: pushes still reach carol.
    alice
        .send(json!({"class":"availstate","availstate":"berightback","ipbxid":"xivo","userid":"1"}))
        .await;
    watcher
        .expect("alice's presence push", alice_is("berightback"))
        .await;
    alice.send(json!({"class":"getipbxlist"})).await;
    alice.expect_class("getipbxlist").await;
}

#[tokio::test]
async fn a_client_that_reads_its_replies_is_not_cut_off() {
    let srv = server_with_a_long_reply().await;
    let mut bob = srv.login("bob").await;
    // Forty times the budget in replies, asked two at a time and read as they come.
    let mut request = serde_json::to_vec(&getlist("updateconfig", "users", Some("1"))).unwrap();
    request.push(b'\n');
    for _ in 0..40 {
        bob.send_raw(&request.repeat(2)).await;
        for _ in 0..2 {
            let reply = bob.expect("the reply", is_user_1_config).await;
            assert!(reply["config"]["lastname"].as_str().unwrap().len() >= BUDGET / 2);
        }
    }
    assert_eq!(srv.stats.sessions_cut_off(), 0);
}
