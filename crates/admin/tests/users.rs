//! Users through the admin API, seen live by CTI clients over TCP: a user (and their line)
//! created is announced with `getlist addconfig` and logs in at once with the password given;
//! an update pushes `updateconfig` with the keys that changed and keeps the password; a user
//! deleted while logged in gets a last `disconnect` and the connection closes, the others get
//! `delconfig`.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::AdminServer;
use support::cti::{getlist, is_getlist};

fn list_change(m: &Value, function: &str, list: &str, id: &str) -> bool {
    m["class"] == "getlist"
        && m["function"] == function
        && m["listname"] == list
        && m["list"] == json!([id])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_created_updated_and_deleted_reach_cti_clients() {
    let server = AdminServer::start().await;
    let mut alice = server.cti.login("alice").await;

    // A line, then Gina on it (no id given: the next free one, 7).
    let line = server
        .json(Method::POST, "/lines", json!({"number": "1007"}))
        .await;
    assert_eq!(
        line.headers.get("location").map(|v| v.to_str().unwrap()),
        Some("/api/v1/lines/7")
    );
    let line = line.expect(201);
    assert_eq!(
        line,
        json!({"id": 7, "number": "1007", "context": "default",
        "protocol": "sip", "name": "1007", "enabled": true, "call_waiting": false})
    );
    let gina = server
        .json(
            Method::POST,
            "/users",
            json!({"login": "gina", "password": "s3cret-gina", "firstname": "Gina",
                   "lastname": "Gautier", "line": 7, "profile": 3}),
        )
        .await
        .expect(201);
    assert_eq!(gina["id"], 7);
    assert_eq!(gina["login"], "gina");
    assert!(gina.get("password_hash").is_none(), "never shown: {gina}");
    assert!(gina.get("password").is_none(), "never shown: {gina}");
    alice
        .expect_all(&[
            ("addconfig phones 7", &|m| {
                list_change(m, "addconfig", "phones", "7")
            }),
            ("addconfig users 7", &|m| {
                list_change(m, "addconfig", "users", "7")
            }),
        ])
        .await;
    assert_eq!(server.get("/users/7").await.expect(200), gina);

    // Gina logs in at once, with the password the API was given.
    let mut gina_cti = server.cti.connect().await;
    gina_cti.login("gina", "s3cret-gina").await;

    // A merge patch changes her name: the CTI clients get the keys that changed.
    let patched = server
        .json(Method::PATCH, "/users/7", json!({"firstname": "Regina"}))
        .await
        .expect(200);
    assert_eq!(patched["firstname"], "Regina");
    assert_eq!(patched["lastname"], "Gautier");
    let update = alice
        .expect("updateconfig users 7", |m| {
            is_getlist(m, "updateconfig", "users", "7")
        })
        .await;
    assert_eq!(
        update["config"],
        json!({"firstname": "Regina", "fullname": "Regina Gautier"})
    );

    // A whole replacement without a password keeps hers: she still logs in with it.
    let replaced = server
        .json(
            Method::PUT,
            "/users/7",
            json!({"login": "gina", "firstname": "Gina", "lastname": "Gautier",
                   "line": 7, "profile": 3, "mobile": "0611000007"}),
        )
        .await
        .expect(200);
    assert_eq!(replaced["mobile"], "0611000007");
    let update = alice
        .expect("updateconfig users 7 (mobile)", |m| {
            is_getlist(m, "updateconfig", "users", "7")
                && m["config"].get("mobilephonenumber").is_some()
        })
        .await;
    assert_eq!(update["config"]["mobilephonenumber"], "0611000007");
    let mut again = server.cti.connect().await;
    again.login("gina", "s3cret-gina").await;
    again.close().await;

    // Deleted while logged in: her session ends cleanly; the others see her leave.
    server.delete("/users/7").await.expect(204);
    let last = gina_cti.expect_class("disconnect").await;
    assert_eq!(last["type"], "force");
    assert_eq!(last["reason"], "user_removed");
    gina_cti.expect_closed().await;
    alice
        .expect("delconfig users 7", |m| {
            list_change(m, "delconfig", "users", "7")
        })
        .await;
    server.get("/users/7").await.expect_error(404, "NotFound");
    alice.send(getlist("listid", "users", None)).await;
    let ids = alice
        .expect("users listid", |m| {
            m["function"] == "listid" && m["listname"] == "users"
        })
        .await;
    assert_eq!(ids["list"], json!(["1", "2", "3", "4", "5", "6"]));
    // Her line is free to delete now.
    server.delete("/lines/7").await.expect(204);
    alice
        .expect("delconfig phones 7", |m| {
            list_change(m, "delconfig", "phones", "7")
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_and_search() {
    let server = AdminServer::start().await;
    let page = server.get("/users?offset=2&limit=2").await.expect(200);
    assert_eq!(page["total"], 6);
    assert_eq!(
        (page["offset"].clone(), page["limit"].clone()),
        (json!(2), json!(2))
    );
    let logins: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["carol", "dave"]);
    let found = server.get("/users?search=ALI").await.expect(200);
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["login"], "alice");
    assert!(found["items"][0].get("password_hash").is_none());
    let by_number = server.get("/lines?search=1003").await.expect(200);
    assert_eq!(by_number["total"], 1);
    assert_eq!(by_number["items"][0]["id"], 3);
    let none = server
        .get("/queues?search=nothing-like-it")
        .await
        .expect(200);
    assert_eq!(
        (none["total"].clone(), none["items"].clone()),
        (json!(0), json!([]))
    );
    let past = server.get("/users?offset=100").await.expect(200);
    assert_eq!(
        (past["total"].clone(), past["items"].clone()),
        (json!(6), json!([]))
    );
    server
        .get("/users?limit=0")
        .await
        .expect_error(400, "InvalidQuery");
    server
        .get("/users?limit=1001")
        .await
        .expect_error(400, "InvalidQuery");
    server
        .get("/users?offset=-1")
        .await
        .expect_error(400, "InvalidQuery");
    server
        .get("/users?colour=red")
        .await
        .expect_error(400, "InvalidQuery");
    let long = "x".repeat(129);
    server
        .get(&format!("/users?search={long}"))
        .await
        .expect_error(400, "InvalidQuery");
}
