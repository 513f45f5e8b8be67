//! Long answers against the per-socket outbox budget: thousands of agents answered to
//! `getAgentStates` and `getList agent` reach a client that reads, however small its budget
//! (the session waits for room rather than overflow its own outbox); a client that does not
//! read its long answer is cut off once the wait passes (30 s on the injected clock).

mod support;

use std::time::Duration;

use futures::SinkExt;
use serde_json::json;
use support::TestServer;
use tokio_tungstenite::tungstenite::Message;

use ctid_core::dataset::{Agent, Dataset};
use ctid_core::ids::AgentId;

/// The demo dataset with `n` more agents (no user, no queue).
fn with_agents(n: u32) -> Dataset {
    let mut tables = Dataset::demo().into_tables();
    let template = tables.agents[0].clone();
    for i in 0..n {
        tables.agents.push(Agent {
            id: AgentId(1000 + i),
            number: format!("{}", 50_000 + i),
            firstname: format!("Agent{i}"),
            lastname: "Generated".into(),
            user: None,
            group: None,
            ..template.clone()
        });
    }
    Dataset::from_tables(tables).expect("dataset")
}

#[tokio::test]
async fn thousands_of_agents_reach_a_reader_whatever_its_budget() {
    const EXTRA: u32 = 5000;
    let srv = TestServer::start_on(with_agents(EXTRA), |c| c.outbox_max_bytes = 16 * 1024).await;
    let mut alice = srv.session("alice").await;
    alice.drain().await;
    alice.command("getAgentStates", json!({})).await;
    let total = EXTRA as usize + 4;
    for i in 0..total {
        let m = alice.recv().await;
        assert_eq!(m["msgType"], "AgentStateEvent", "message {i}: {m}");
    }
    // One list far longer than the budget: one message, sent once the outbox is empty.
    alice
        .command("getList", json!({"objectType": "agent"}))
        .await;
    let m = alice.expect_type("AgentList").await;
    assert_eq!(m["ctiMessage"].as_array().unwrap().len(), total);
    alice.command("getAgentDirectory", json!({})).await;
    let m = alice.expect_type("AgentDirectory").await;
    assert_eq!(
        m["ctiMessage"]["directory"].as_array().unwrap().len(),
        total
    );
    alice.drain().await;
    assert_eq!(srv.face.stats().cut_offs(), 0);
}

#[tokio::test]
async fn a_client_that_does_not_read_its_long_answer_is_cut_off_after_the_wait() {
    let srv = TestServer::start_on(with_agents(3000), |c| c.outbox_max_bytes = 4096).await;
    let token = srv.token("alice").await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let tcp = socket.connect(srv.addr).await.unwrap();
    let url = format!("ws://{}/xuc/api/2.0/cti?token={token}", srv.addr);
    let (mut ws, _) = tokio_tungstenite::client_async(url, tcp).await.unwrap();
    // Ask often enough that the answers outgrow what the kernel buffers on loopback (up to
    // net.ipv4.tcp_wmem's 4 MiB on the server's side): only then does the outbox stay full.
    // One answer (~0.7 MB) fitted in the kernel on some machines and nothing was ever cut.
    for _ in 0..12 {
        ws.send(Message::text(
            r#"{"claz":"web","command":"getAgentStates"}"#,
        ))
        .await
        .unwrap();
    }
    let stats = srv.face.stats();
    // The session waits for room on the injected clock: move it past the wait until the cut
    // (each round waits for the cut with a timeout; the session may not be waiting yet).
    let mut cut = false;
    for _ in 0..100 {
        srv.clock.advance(Duration::from_secs(31));
        if tokio::time::timeout(Duration::from_millis(100), stats.cut_offs_reach(1))
            .await
            .is_ok()
        {
            cut = true;
            break;
        }
    }
    assert!(cut, "the socket is cut off");
    assert_eq!(stats.cut_offs(), 1);
}
