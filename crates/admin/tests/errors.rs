//! Bad requests get a JSON `{error, message, details}` with a 4xx, never a 5xx, and change
//! nothing: malformed JSON, wrong types, unknown fields, a body too large or not JSON, ids that
//! are not numbers, objects that do not exist, ids taken, numbers taken, references to nothing,
//! deleting what something still refers to.

mod support;

use reqwest::Method;
use serde_json::json;
use support::AdminServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_refused_with_json_errors() {
    let server = AdminServer::start().await;
    let raw = |body: &'static str| {
        server
            .request(Method::POST, "/lines")
            .header("content-type", "application/json")
            .body(body)
    };
    AdminServer::send(raw("{\"number\": "))
        .await
        .expect_error(400, "MalformedJson");
    AdminServer::send(raw("not json at all"))
        .await
        .expect_error(400, "MalformedJson");
    let not_object = AdminServer::send(raw("[1, 2]"))
        .await
        .expect_error(422, "InvalidBody");
    assert_eq!(
        not_object["message"],
        "expected a JSON object, got an array"
    );
    let wrong_type = server
        .json(Method::POST, "/lines", json!({"number": 1007}))
        .await
        .expect_error(422, "InvalidBody");
    assert!(
        wrong_type["message"]
            .as_str()
            .unwrap()
            .contains("invalid type"),
        "{wrong_type}"
    );
    let unknown_field = server
        .json(
            Method::POST,
            "/lines",
            json!({"number": "1007", "colour": "red"}),
        )
        .await
        .expect_error(422, "InvalidBody");
    assert!(
        unknown_field["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{unknown_field}"
    );
    let missing = server
        .json(Method::POST, "/users", json!({"firstname": "Nobody"}))
        .await
        .expect_error(422, "InvalidBody");
    assert!(
        missing["message"].as_str().unwrap().contains("login"),
        "{missing}"
    );
    let negative_id = server
        .json(Method::POST, "/lines", json!({"id": -1, "number": "1007"}))
        .await
        .expect_error(422, "InvalidBody");
    assert!(negative_id["message"].is_string());
    let no_type = server
        .request(Method::POST, "/lines")
        .body("{\"number\": \"1007\"}");
    AdminServer::send(no_type)
        .await
        .expect_error(415, "UnsupportedMediaType");
    let huge = json!({"number": "1007", "name": "x".repeat(70 * 1024)});
    server
        .json(Method::POST, "/lines", huge)
        .await
        .expect_error(413, "BodyTooLarge");
    let long = json!({"number": "1007", "name": "x".repeat(5000)});
    let too_long = server
        .json(Method::POST, "/lines", long)
        .await
        .expect_error(422, "TooLong");
    assert_eq!(too_long["details"], json!({"field": "name"}));
    server
        .get("/users/abc")
        .await
        .expect_error(400, "InvalidPath");
    server
        .get("/users/99999999999")
        .await
        .expect_error(400, "InvalidPath");
    assert_eq!(server.cti.core.dataset().version(), 0, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cores_refusals_are_4xx_with_the_reason() {
    let server = AdminServer::start().await;
    let missing = server.get("/users/42").await.expect_error(404, "NotFound");
    assert_eq!(missing["details"], json!({"object": "user 42"}));
    server
        .json(Method::PATCH, "/users/42", json!({"firstname": "X"}))
        .await
        .expect_error(404, "NotFound");
    server
        .json(
            Method::PUT,
            "/users/42",
            json!({"login": "x", "firstname": "X"}),
        )
        .await
        .expect_error(404, "NotFound");
    server
        .delete("/users/42")
        .await
        .expect_error(404, "NotFound");

    // The id is taken.
    let taken = server
        .json(Method::POST, "/lines", json!({"id": 1, "number": "1099"}))
        .await
        .expect_error(409, "AlreadyExists");
    assert_eq!(taken["details"], json!({"object": "line 1"}));
    // The number is taken: the dataset would not load.
    let duplicate = server
        .json(Method::POST, "/lines", json!({"number": "1001"}))
        .await
        .expect_error(422, "Invalid");
    assert!(
        duplicate["details"]["reason"]
            .as_str()
            .unwrap()
            .contains("1001"),
        "{duplicate}"
    );
    // A reference to nothing.
    let dangling = server
        .json(
            Method::POST,
            "/users",
            json!({"login": "zed", "firstname": "Zed", "line": 77}),
        )
        .await
        .expect_error(422, "Invalid");
    assert!(
        dangling["message"].as_str().unwrap().contains("77"),
        "{dangling}"
    );
    // Still referred to: bob's line.
    let in_use = server.delete("/lines/2").await.expect_error(409, "InUse");
    assert!(
        in_use["details"]["reason"]
            .as_str()
            .unwrap()
            .contains("bob"),
        "{in_use}"
    );
    // The id is the path's.
    server
        .json(Method::PUT, "/lines/1", json!({"id": 2, "number": "1001"}))
        .await
        .expect_error(422, "InvalidBody");
    server
        .json(Method::PATCH, "/lines/1", json!({"id": 2}))
        .await
        .expect_error(422, "InvalidBody");
    // A queue's members change through their own routes.
    server
        .json(Method::PATCH, "/queues/1", json!({"members": []}))
        .await
        .expect_error(422, "InvalidBody");
    assert_eq!(server.cti.core.dataset().version(), 0, "nothing changed");
    // The same line, id and path agreeing, goes through.
    let line = server
        .json(
            Method::PUT,
            "/lines/1",
            json!({"id": 1, "number": "1001", "call_waiting": false}),
        )
        .await
        .expect(200);
    assert_eq!(line["call_waiting"], false);
    assert_eq!(server.cti.core.dataset().version(), 1);
    // A merge patch may say so in its content type.
    let merge = server
        .request(Method::PATCH, "/lines/1")
        .header("content-type", "application/merge-patch+json")
        .body("{\"call_waiting\": true}");
    let line = AdminServer::send(merge).await.expect(200);
    assert_eq!(line["call_waiting"], true);
    assert_eq!(server.cti.core.dataset().version(), 2);
}
