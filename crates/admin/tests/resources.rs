//! Every other kind of configured object through the admin API — agent groups, agents,
//! queues and their members, profiles, rooms, voicemail boxes — created, read, patched,
//! listed and deleted, with CTI clients told of what they show (`queues`, `queuemembers`,
//! `agents`, `meetmes`, `voicemails` lists).

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::AdminServer;
use support::cti::is_getlist;

fn list_change(m: &Value, function: &str, list: &str, id: &str) -> bool {
    m["class"] == "getlist"
        && m["function"] == function
        && m["listname"] == list
        && m["list"] == json!([id])
}

/// Creates, reads, patches and lists one object of `collection`; returns it as patched.
async fn round_trip(server: &AdminServer, collection: &str, body: Value, patch: Value) -> Value {
    let created = server
        .json(Method::POST, &format!("/{collection}"), body)
        .await
        .expect(201);
    let id = created["id"].as_u64().expect("an id");
    let path = format!("/{collection}/{id}");
    assert_eq!(server.get(&path).await.expect(200), created);
    let patched = server
        .json(Method::PATCH, &path, patch.clone())
        .await
        .expect(200);
    for (field, value) in patch.as_object().unwrap() {
        assert_eq!(&patched[field], value, "{collection}: {field}");
    }
    let list = server
        .get(&format!("/{collection}?limit=1000"))
        .await
        .expect(200);
    assert!(
        list["items"].as_array().unwrap().contains(&patched),
        "{collection}: {list}"
    );
    patched
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_object_round_trips_and_clients_follow() {
    let server = AdminServer::start().await;
    let mut alice = server.cti.login("alice").await;

    let group = round_trip(
        &server,
        "agent-groups",
        json!({"name": "night_team"}),
        json!({"displayname": "Night team"}),
    )
    .await;
    let agent = round_trip(
        &server,
        "agents",
        json!({"number": "2099", "firstname": "Olga", "group": group["id"]}),
        json!({"lastname": "Orlov"}),
    )
    .await;
    let agent_id = agent["id"].to_string();
    alice
        .expect("addconfig agents", |m| {
            list_change(m, "addconfig", "agents", &agent_id)
        })
        .await;

    let queue = round_trip(
        &server,
        "queues",
        json!({"name": "night", "number": "3099", "strategy": "leastrecent"}),
        json!({"displayname": "Night line", "wrapup": 5}),
    )
    .await;
    let queue_id = queue["id"].as_u64().unwrap();
    assert_eq!(queue["members"], json!([]));
    alice
        .expect("addconfig queues", |m| {
            list_change(m, "addconfig", "queues", &queue_id.to_string())
        })
        .await;
    let update = alice
        .expect("updateconfig queues", |m| {
            is_getlist(m, "updateconfig", "queues", &queue_id.to_string())
        })
        .await;
    assert_eq!(update["config"]["displayname"], "Night line");

    // Members: the new agent joins the new queue, its penalty changes, it leaves.
    let members = format!("/queues/{queue_id}/members");
    let member = server
        .json(
            Method::POST,
            &members,
            json!({"agent": agent["id"], "penalty": 2}),
        )
        .await
        .expect(201);
    assert_eq!(member, json!({"agent": agent["id"], "penalty": 2}));
    alice
        .expect("addconfig queuemembers", |m| {
            list_change(m, "addconfig", "queuemembers", "Agent/2099,night")
        })
        .await;
    server
        .json(Method::POST, &members, json!({"agent": agent["id"]}))
        .await
        .expect_error(409, "AlreadyExists");
    server
        .json(Method::POST, &members, json!({"agent": 4242}))
        .await
        .expect_error(422, "Invalid");
    let one = format!("{members}/{}", agent["id"]);
    let changed = server
        .json(Method::PUT, &one, json!({"penalty": 5}))
        .await
        .expect(200);
    assert_eq!(changed["penalty"], 5);
    server
        .json(Method::PUT, &one, json!({"agent": 1, "penalty": 5}))
        .await
        .expect_error(422, "InvalidBody");
    let listed = server
        .get(&format!("{members}?search=olga"))
        .await
        .expect(200);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0], changed);
    assert_eq!(
        server
            .get(&format!("{members}?search=zzz"))
            .await
            .expect(200)["total"],
        0
    );
    // The agent is a member: it cannot go first.
    server
        .delete(&format!("/agents/{}", agent["id"]))
        .await
        .expect_error(409, "InUse");
    server.delete(&one).await.expect(204);
    alice
        .expect("delconfig queuemembers", |m| {
            list_change(m, "delconfig", "queuemembers", "Agent/2099,night")
        })
        .await;
    server.get(&one).await.expect_error(404, "NotFound");
    server
        .get("/queues/4242/members")
        .await
        .expect_error(404, "NotFound");

    let profile = round_trip(
        &server,
        "profiles",
        json!({"name": "night_agent", "services": ["enablednd"], "preferences": {"a": "b"}}),
        json!({"supervisor": true}),
    )
    .await;
    assert_eq!(profile["presence_group"], "default");
    let room = round_trip(
        &server,
        "rooms",
        json!({"number": "4099", "name": "night_standup"}),
        json!({"pin": "1234"}),
    )
    .await;
    alice
        .expect("addconfig meetmes", |m| {
            list_change(m, "addconfig", "meetmes", &room["id"].to_string())
        })
        .await;
    let voicemail = round_trip(
        &server,
        "voicemails",
        json!({"mailbox": "1099", "fullname": "Night box"}),
        json!({"fullname": "Night mailbox"}),
    )
    .await;

    // Everything goes, in an order that leaves nothing dangling.
    for path in [
        format!("/agents/{}", agent["id"]),
        format!("/agent-groups/{}", group["id"]),
        format!("/queues/{queue_id}"),
        format!("/profiles/{}", profile["id"]),
        format!("/rooms/{}", room["id"]),
        format!("/voicemails/{}", voicemail["id"]),
    ] {
        server.delete(&path).await.expect(204);
        server.get(&path).await.expect_error(404, "NotFound");
    }
    alice
        .expect("delconfig queues", |m| {
            list_change(m, "delconfig", "queues", &queue_id.to_string())
        })
        .await;
}
