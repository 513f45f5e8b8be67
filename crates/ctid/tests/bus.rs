//! `ctid serve` with the message bus on (`--bus-url`), against the real RabbitMQ on
//! 127.0.0.1:5672 (or `CTID_TEST_AMQP_URL`; the test fails, never skips, without it): a CTI
//! client changing presence and a call from the sim reach a queue bound to the exchange; and a
//! broker that cannot be reached does not keep ctid from serving.

mod support;

use serde_json::json;

use support::amqp::{Tap, broker_url, unique_exchange};
use support::cti::Cti;
use support::server::Server;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn bus_server(url: &str, exchange: &str) -> Server {
    Server::launch()
        .args(["--bus-url", url])
        .env("CTID_BUS__EXCHANGE", exchange)
        .start()
}

#[test]
fn presence_and_calls_reach_the_bus() {
    let runtime = runtime();
    let exchange = unique_exchange("serve");
    let mut tap = runtime.block_on(Tap::bind(&exchange));
    let server = bus_server(&broker_url(), &exchange);
    let mut alice = Cti::login_at(&server.cti, "alice");
    alice.send(
        json!({"class": "availstate", "availstate": "away", "ipbxid": "xivo", "userid": "1"}),
    );
    let presence = runtime.block_on(async {
        loop {
            let seen = tap.next_named("user_status_update").await;
            if seen.body["data"]["status"] == "away" {
                break seen;
            }
        }
    });
    assert_eq!(presence.routing_key, "status.user");
    assert_eq!(
        presence.body["data"]["user_uuid"],
        "00000000-0000-4000-8000-000000000001"
    );
    assert_eq!(presence.body["origin_uuid"], server.node_uuid());

    server.sim(&["call", "--from", "0612345678", "--to", "1002"]);
    let created = runtime.block_on(tap.next_named("call_created"));
    assert_eq!(created.routing_key, "calls.call.created");
    assert_eq!(
        created.body["data"]["user_uuid"],
        "00000000-0000-4000-8000-000000000002"
    );
    assert_eq!(
        created.body["required_acl"],
        "events.calls.00000000-0000-4000-8000-000000000002"
    );
}

#[test]
fn an_unreachable_broker_does_not_stop_ctid_serving() {
    // Nothing listens on port 1.
    let server = bus_server("amqp://guest:guest@127.0.0.1:1/%2f", "xivo");
    server.wait_line("cannot reach the message bus");
    let mut alice = Cti::login_at(&server.cti, "alice");
    alice.send(
        json!({"class": "availstate", "availstate": "away", "ipbxid": "xivo", "userid": "1"}),
    );
    server.sim(&["call", "--from", "0612345678", "--to", "1002"]);
    let _bob = Cti::login_at(&server.cti, "bob");
}
