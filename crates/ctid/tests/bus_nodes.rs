//! Two ctid nodes sharing one RabbitMQ: two `ctid serve` processes, each with its own data
//! directory (so its own generated node uuid), on an exchange of the test's own. A CTI user on
//! node A registers for node B's user and agent, sees B's user change presence and B's agent
//! log in, and chats with B's user both ways. The real broker on 127.0.0.1:5672 (or
//! `CTID_TEST_AMQP_URL`) is required: the test fails, never skips, without it.

mod support;

use serde_json::{Value, json};

use support::amqp::{ExchangeGuard, broker_url, unique_exchange};
use support::cti::Cti;
use support::server::Server;

const ALICE: &str = "00000000-0000-4000-8000-000000000001";
const BOB: &str = "00000000-0000-4000-8000-000000000002";
/// Carol's agent in the demo dataset.
const CAROL_AGENT: u64 = 1;

/// A node on the shared broker, consuming from `exchange` once this returns.
fn node(exchange: &str) -> Server {
    let server = Server::launch()
        .args(["--bus-url", &broker_url()])
        .env("CTID_BUS__EXCHANGE", exchange)
        .start();
    server.wait_line("consuming from the message bus");
    server
}

#[test]
fn a_user_on_one_node_follows_and_chats_with_users_of_another() {
    let exchange = unique_exchange("nodes");
    let _cleanup = ExchangeGuard(exchange.clone());
    let a = node(&exchange);
    let b = node(&exchange);
    let (a_uuid, b_uuid) = (a.node_uuid(), b.node_uuid());
    assert_ne!(a_uuid, b_uuid, "each node generated a uuid of its own");

    // Alice, on A, follows Bob and Carol's agent, both on B.
    let mut alice = Cti::login_at(&a.cti, "alice");
    alice.send(json!({"class": "register_user_status_update", "user_ids": [[b_uuid, BOB]]}));
    alice.send(
        json!({"class": "register_agent_status_update", "agent_ids": [[b_uuid, CAROL_AGENT]]}),
    );

    // Bob logs in on B (available), then goes away: Alice sees both, as B's.
    let mut bob = Cti::login_at(&b.cti, "bob");
    let bob_status = |alice: &mut Cti, status: &str| -> Value {
        alice.recv_until(|m| {
            m["class"] == "user_status_update"
                && m["data"]["user_uuid"] == BOB
                && m["data"]["status"] == status
        })
    };
    let seen = bob_status(&mut alice, "available");
    assert_eq!(seen["data"]["xivo_uuid"], b_uuid.as_str(), "{seen}");
    bob.send(json!({"class": "availstate", "availstate": "away", "ipbxid": "xivo", "userid": "2"}));
    let seen = bob_status(&mut alice, "away");
    assert_eq!(seen["data"]["xivo_uuid"], b_uuid.as_str(), "{seen}");

    // Alice writes to Bob on B; Bob answers her on A.
    alice.send(
        json!({"class": "chitchat", "alias": "Alice", "to": [b_uuid, BOB], "text": "hello from A"}),
    );
    let chat = bob.recv_class("chitchat");
    assert_eq!(
        chat,
        json!({"class": "chitchat", "from": [a_uuid, ALICE], "to": [b_uuid, BOB],
            "alias": "Alice Arnaud", "text": "hello from A", "timenow": chat["timenow"]}),
    );
    bob.send(
        json!({"class": "chitchat", "alias": "Bob", "to": [a_uuid, ALICE], "text": "hello from B"}),
    );
    let chat = alice.recv_class("chitchat");
    assert_eq!(
        chat,
        json!({"class": "chitchat", "from": [b_uuid, BOB], "to": [a_uuid, ALICE],
            "alias": "Bob Bernard", "text": "hello from B", "timenow": chat["timenow"]}),
    );

    // Carol logs her agent in on B, at her own phone: Alice sees it logged in, on B.
    let mut carol = Cti::login_at(&b.cti, "carol");
    carol
        .send(json!({"class": "ipbxcommand", "command": "agentlogin", "agentphonenumber": "1003"}));
    let seen = alice
        .recv_until(|m| m["class"] == "agent_status_update" && m["data"]["status"] == "logged_in");
    assert_eq!(
        seen["data"],
        json!({"agent_id": CAROL_AGENT, "xivo_uuid": b_uuid, "status": "logged_in"})
    );
}
