//! A user's services set through the admin API: read live, changed all or nothing under the
//! core's rules (a forward must reach a number of the numbering plan), and pushed to CTI
//! clients as a user's own change is (`updateconfig users` with the changed keys).

mod support;

use reqwest::Method;
use serde_json::json;
use support::AdminServer;
use support::cti::is_getlist;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_change_live_and_clients_see_them() {
    let server = AdminServer::start().await;
    let mut bob = server.cti.login("bob").await;
    let before = server.get("/users/2/services").await.expect(200);
    assert_eq!(before["dnd"], false);
    assert_eq!(
        before["fwd_unconditional"],
        json!({"enabled": false, "destination": ""})
    );

    let after = server
        .json(
            Method::PATCH,
            "/users/2/services",
            json!({"dnd": true, "fwd_noanswer": {"enabled": true, "destination": "1001"}}),
        )
        .await
        .expect(200);
    assert_eq!(after["dnd"], true);
    assert_eq!(
        after["fwd_noanswer"],
        json!({"enabled": true, "destination": "1001"})
    );
    assert_eq!(after["incallfilter"], false);
    let push = bob
        .expect("updateconfig users 2", |m| {
            is_getlist(m, "updateconfig", "users", "2") && m["config"].get("enablednd").is_some()
        })
        .await;
    assert_eq!(
        push["config"],
        json!({"enablednd": true, "enablerna": true, "destrna": "1001"})
    );
    assert_eq!(server.get("/users/2/services").await.expect(200), after);

    // A forward to a number that reaches nothing is refused, and nothing of the set applies.
    let refused = server
        .json(
            Method::PATCH,
            "/users/2/services",
            json!({"recording": true, "fwd_unconditional": {"enabled": true, "destination": "12"}}),
        )
        .await
        .expect_error(422, "Invalid");
    assert_eq!(refused["details"], json!({"destination": "12"}));
    assert_eq!(server.get("/users/2/services").await.expect(200), after);

    server
        .json(Method::PATCH, "/users/42/services", json!({"dnd": true}))
        .await
        .expect_error(404, "NotFound");
    server
        .get("/users/42/services")
        .await
        .expect_error(404, "NotFound");
    server
        .json(Method::PATCH, "/users/2/services", json!({"dnd": "yes"}))
        .await
        .expect_error(422, "InvalidBody");
    server
        .json(Method::PATCH, "/users/2/services", json!({"away": true}))
        .await
        .expect_error(422, "InvalidBody");
    let long = "1".repeat(257);
    server
        .json(
            Method::PATCH,
            "/users/2/services",
            json!({"fwd_busy": {"destination": long}}),
        )
        .await
        .expect_error(422, "TooLong");

    // Turning DND off again is pushed too: the change before was not a one-off.
    server
        .json(Method::PATCH, "/users/2/services", json!({"dnd": false}))
        .await
        .expect(200);
    let push = bob
        .expect("updateconfig users 2 (dnd off)", |m| {
            is_getlist(m, "updateconfig", "users", "2") && m["config"]["enablednd"] == false
        })
        .await;
    assert_eq!(push["config"], json!({"enablednd": false}));
}
