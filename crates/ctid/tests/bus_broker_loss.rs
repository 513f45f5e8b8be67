//! The connection to the broker is cut and comes back during sim traffic: `ctid serve` reaches
//! the real RabbitMQ through a TCP proxy of the test's own (the shared broker is never stopped:
//! other tests use it), which drops every connection and turns new ones away for a while.
//! ctid keeps serving its CTI clients, publishing resumes, and a queue bound directly to the
//! broker receives every message ctid published: each message's id (`<node>:<run>:<n>`) from 1
//! to the count ctid reports at its stop, none missing (a message published again after the
//! reconnection may arrive twice). The real broker on 127.0.0.1:5672 (or `CTID_TEST_AMQP_URL`)
//! is required: the test fails, never skips, without it.

mod support;

use std::collections::BTreeMap;

use serde_json::json;

use support::amqp::{GUARD as BUS_GUARD, Tap, broker_url, unique_exchange};
use support::cti::Cti;
use support::proxy::{Proxy, url_addr, url_via};
use support::server::{Server, log_field, sim};

/// The ids a consumer received: how many times each `n` of one publisher run arrived.
#[derive(Default)]
struct Received {
    run: Option<String>,
    counts: BTreeMap<u64, u32>,
}

impl Received {
    /// Reads the tap until `distinct` different messages have arrived.
    async fn until(&mut self, tap: &mut Tap, distinct: usize) {
        while self.counts.len() < distinct {
            let seen = tokio::time::timeout(BUS_GUARD, tap.next())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "{} distinct messages of {distinct} arrived in time",
                        self.counts.len()
                    )
                });
            let id = seen.message_id.expect("every message has an id");
            let (run, n) = id.rsplit_once(':').expect("<node>:<run>:<n>");
            assert_eq!(
                self.run.get_or_insert_with(|| run.to_owned()),
                run,
                "one publisher run"
            );
            *self.counts.entry(n.parse().expect("a number")).or_default() += 1;
        }
    }

    fn total(&self) -> u64 {
        self.counts.values().map(|&c| u64::from(c)).sum()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// A counter of the "message bus publisher stopped" line ctid logs at its stop.
fn counter(totals: &[String], key: &str) -> u64 {
    let line = totals
        .iter()
        .find(|l| l.contains("message bus publisher stopped"))
        .unwrap_or_else(|| panic!("no publisher totals in {totals:?}"));
    log_field(line, key)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {line}"))
}

#[test]
fn no_event_is_lost_when_the_broker_connection_drops_during_traffic() {
    let runtime = runtime();
    let exchange = unique_exchange("broker-loss");
    let mut tap = runtime.block_on(Tap::bind(&exchange));
    let proxy = Proxy::start(url_addr(&broker_url()));
    let server = Server::launch()
        .args(["--bus-url", &url_via(&broker_url(), proxy.addr)])
        .env("CTID_BUS__EXCHANGE", &exchange)
        .start();
    server.wait_line("connected to the message bus");

    // Outside callers ring Alice's line (call waiting) for 4 s: calls and line hints.
    let http = server.http.clone();
    let traffic = std::thread::spawn(move || {
        sim(
            &http,
            &[
                "traffic",
                "--rate",
                "25",
                "--duration",
                "4s",
                "--to",
                "1001",
                "--talk",
                "150ms",
            ],
        )
    });
    let mut received = Received::default();
    runtime.block_on(received.until(&mut tap, 10));

    // The broker goes away mid-traffic.
    proxy.cut();
    let lost = server.wait_line("lost the message bus; reconnecting");
    server.wait_line("cannot reach the message bus");
    // ctid serves meanwhile: Bob logs in, lists the users and changes his presence.
    let mut bob = Cti::login_at(&server.cti, "bob");
    bob.send(
        json!({"class": "getlist", "function": "listid", "listname": "users", "tipbxid": "xivo"}),
    );
    bob.recv_until(|m| m["function"] == "listid");
    bob.send(json!({"class": "availstate", "availstate": "away", "ipbxid": "xivo", "userid": "2"}));
    bob.recv_until(|m| m["function"] == "updatestatus" && m["status"]["availstate"] == "away");

    // The broker is back: publishing resumes, the traffic goes on and ends.
    proxy.reopen();
    server.wait_line("connected to the message bus");
    let placed = traffic.join().expect("the traffic ran");
    assert!(placed.contains("(0 failed)"), "{placed}");
    bob.send(
        json!({"class": "availstate", "availstate": "available", "ipbxid": "xivo", "userid": "2"}),
    );
    bob.recv_until(|m| m["function"] == "updatestatus" && m["status"]["availstate"] == "available");

    // ctid stops (publishing what waits) and says how many messages it published.
    let totals = server.stop();
    let published = counter(&totals, "bus_queued");
    assert_eq!(counter(&totals, "bus_dropped"), 0, "{totals:?}");
    assert_eq!(counter(&totals, "bus_nacked"), 0, "{totals:?}");
    assert_eq!(counter(&totals, "bus_confirmed"), published, "{totals:?}");
    runtime.block_on(received.until(&mut tap, published as usize));
    let ids: Vec<u64> = received.counts.keys().copied().collect();
    assert_eq!(
        ids,
        (1..=published).collect::<Vec<_>>(),
        "every message from 1 to {published}, none missing"
    );
    println!(
        "broker loss: {} ({}); published {published}, received {} ({} distinct, {} twice or more), lost 0",
        placed.trim().replace('\n', "; "),
        log_field(&lost, "waiting")
            .map_or(String::new(), |w| format!("{w} unconfirmed at the cut")),
        received.total(),
        received.counts.len(),
        received.counts.values().filter(|&&c| c > 1).count(),
    );
}
