//! Whole-state pushes coalesce for a slow reader (`[cti] coalesce_snapshots`, on by default): a
//! switchboard that does not read while 100 callers join a queue is not sent 100 copies of the
//! queue when it reads again, only the current one; with coalescing off it gets every copy.

mod support;

use std::sync::Arc;

use ctid_core::Dataset;
use serde_json::{Value, json};
use support::{Client, TestServer, getlist};

const CALLERS: usize = 100;

/// The demo with queue `support` (3002, id 2) holding every caller of the test, and alice's
/// last name 32 KiB long (her configuration is the filler a slow reader leaves unread).
fn dataset() -> Arc<Dataset> {
    let toml = Dataset::demo_toml().replacen(
        "lastname = \"Arnaud\"",
        &format!("lastname = \"{}\"", "A".repeat(32 * 1024)),
        1,
    );
    let mut ds = Dataset::from_toml_str(&toml)
        .expect("dataset")
        .into_tables();
    ds.queues[1].max_callers = 200;
    Arc::new(Dataset::from_tables(ds).expect("dataset"))
}

fn waiting(m: &Value) -> Vec<String> {
    m["state"]["entries"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e["uniqueid"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn subscribe(client: &mut Client) {
    client
        .send(json!({"class":"subscribe","message":"queueentryupdate","queueid":2}))
        .await;
    assert!(waiting(&client.expect_class("queueentryupdate").await).is_empty());
}

/// A switchboard subscribes to the queue, then stops reading: it asks for 8 MiB of replies,
/// more than the sockets' buffers hold, so that what follows waits in its outbox; then
/// `CALLERS` callers join the queue. Returns how many `queueentryupdate`s it reads until the
/// one listing every caller, which must list them all in order.
async fn copies_read_after_a_flood(coalesce: bool) -> usize {
    let srv = TestServer::start_on(dataset(), |c| {
        c.coalesce_snapshots = coalesce;
        // Room for the filler and every copy, so that nothing is lost.
        c.outbox_max_bytes = 64 * 1024 * 1024;
    })
    .await;
    let mut slow = Client::connect_with_receive_buffer(srv.addr, 4096).await;
    slow.login("alice", "alice").await;
    subscribe(&mut slow).await;
    let mut watcher = srv.login("alice").await;
    subscribe(&mut watcher).await;

    // The filler, then a presence change: the session serves its requests in order, so once
    // the watcher sees alice away, the filler's replies are all queued before any push.
    let mut request = serde_json::to_vec(&getlist("updateconfig", "users", Some("1"))).unwrap();
    request.push(b'\n');
    slow.send_raw(&request.repeat(256)).await;
    slow.send(json!({"class":"availstate","availstate":"away","ipbxid":"xivo","userid":"1"}))
        .await;
    watcher
        .expect("alice away", |m| {
            m["function"] == "updatestatus"
                && m["listname"] == "users"
                && m["status"]["availstate"] == "away"
        })
        .await;

    let mut calls = Vec::new();
    for i in 0..CALLERS {
        let name = format!("Caller {i:03} {}", "x".repeat(117));
        let call = srv
            .sim
            .outside_call(format!("06{i:08}"), "3002".into(), Some(name))
            .await
            .expect("outside call");
        calls.push(call.to_string());
    }
    // The watcher reads along: once it has the last copy, the slow session's outbox has had
    // every copy too (the fan-out hands each push to both in the same step).
    loop {
        let m = watcher.expect_class("queueentryupdate").await;
        if waiting(&m).len() == CALLERS {
            break;
        }
    }

    let mut copies = 0;
    loop {
        let m = slow.expect_class("queueentryupdate").await;
        copies += 1;
        let ids = waiting(&m);
        if ids.len() == CALLERS {
            assert_eq!(ids, calls, "the last copy lists every caller in order");
            break;
        }
    }
    assert_eq!(srv.stats.sessions_cut_off(), 0);
    copies
}

#[tokio::test]
async fn a_slow_reader_gets_the_current_queue_not_every_copy() {
    assert_eq!(copies_read_after_a_flood(true).await, 1);
}

#[tokio::test]
async fn without_coalescing_a_slow_reader_gets_every_copy() {
    assert_eq!(copies_read_after_a_flood(false).await, CALLERS);
}
