//! A queue flood over real sockets: a queue holds at most `max_callers` waiting callers (the
//! embedded PBX refuses the next ones as Asterisk does when a queue is full), so the
//! `queueentryupdate` traffic a switchboard receives for a queue is bounded: one message per
//! accepted change, never more than `max_callers` entries, nothing for a refused caller.

mod support;

use std::sync::Arc;

use ctid_core::Dataset;
use serde_json::{Value, json};
use support::TestServer;

/// The demo with queue `support` (3002, id 2) holding at most `max` callers.
fn support_holding(max: u32) -> Arc<Dataset> {
    let mut ds = Dataset::demo().into_tables();
    ds.queues[1].max_callers = max;
    Arc::new(Dataset::from_tables(ds).expect("dataset"))
}

fn entries(m: &Value) -> usize {
    m["state"]["entries"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_switchboard_receives_bounded_queue_entries_for_a_queue_flood() {
    const MAX: u32 = 3;
    const CALLERS: usize = 12;
    let srv = TestServer::start_on(support_holding(MAX), |_| {}).await;
    let mut sb = srv.login("alice").await;
    sb.send(json!({"class":"subscribe","message":"queueentryupdate","queueid":2}))
        .await;
    assert_eq!(entries(&sb.expect_class("queueentryupdate").await), 0);

    let mut calls = Vec::new();
    for i in 0..CALLERS {
        let from = format!("06000000{i:02}");
        calls.push(
            srv.sim
                .outside_call(from, "3002".into(), Some(format!("Caller {i}")))
                .await
                .expect("outside call"),
        );
    }
    // The first caller leaves: the push that says so comes after everything the flood caused.
    srv.sim.hangup_call(calls[0].as_str()).await.unwrap();
    let mut sizes = Vec::new();
    loop {
        let m = sb.recv().await;
        if m["class"] != "queueentryupdate" {
            continue;
        }
        sizes.push(entries(&m));
        let waiting: Vec<&str> = m["state"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["uniqueid"].as_str().unwrap())
            .collect();
        if waiting == [calls[1].as_str(), calls[2].as_str()] {
            break;
        }
    }
    // Three joins, then the leave: the nine refused callers cost the switchboard nothing.
    assert_eq!(sizes, vec![1, 2, 3, 2]);

    // There is room again for one caller, and only one.
    for i in 0..2 {
        srv.sim
            .outside_call(format!("0700000{i:03}"), "3002".into(), None)
            .await
            .unwrap();
    }
    srv.sim.hangup_call(calls[1].as_str()).await.unwrap();
    let mut sizes = Vec::new();
    loop {
        let m = sb.expect_class("queueentryupdate").await;
        sizes.push(entries(&m));
        if m["state"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["uniqueid"] != calls[1].as_str())
        {
            break;
        }
    }
    assert_eq!(sizes, vec![3, 2]);
}
