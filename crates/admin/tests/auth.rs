//! The admin API's key, over real HTTP: without a configured key every request (known route or
//! not, the document included) is refused with 401; with one, only `Authorization: Bearer
//! <key>` passes.

mod support;

use ctid_admin::AdminConfig;
use reqwest::Method;
use support::{AdminServer, KEY};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_configured_key_everything_is_refused() {
    let server = AdminServer::start_with(AdminConfig::default()).await;
    for (method, path) in [
        (Method::GET, "/users"),
        (Method::GET, "/users/1"),
        (Method::DELETE, "/users/1"),
        (Method::POST, "/lines"),
        (Method::GET, "/openapi.json"),
        (Method::GET, "/no/such/route"),
    ] {
        let answer = AdminServer::send(server.request(method.clone(), path)).await;
        let body = answer.expect_error(401, "Unauthorized");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("no key is configured"),
            "{method} {path}: {body}"
        );
    }
    // Nothing was deleted.
    assert!(
        server
            .cti
            .core
            .dataset()
            .user(ctid_core::ids::UserId(1))
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_key_opens_the_api() {
    let server = AdminServer::start().await;
    let answer = AdminServer::send(server.anonymous(Method::GET, "/users")).await;
    assert_eq!(
        answer
            .headers
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer realm=\"ctid-admin\"")
    );
    answer.expect_error(401, "Unauthorized");
    for wrong in [
        format!("Bearer {KEY}x"),
        format!("Bearer {}", &KEY[1..]),
        format!("Basic {KEY}"),
        "Bearer".to_owned(),
        format!("Bearer {}", "k".repeat(10_000)),
    ] {
        let request = server
            .anonymous(Method::GET, "/users")
            .header("authorization", wrong.as_str());
        AdminServer::send(request)
            .await
            .expect_error(401, "Unauthorized");
    }
    let unknown = AdminServer::send(server.anonymous(Method::GET, "/nowhere")).await;
    unknown.expect_error(401, "Unauthorized");
    let users = server.get("/users").await.expect(200);
    assert_eq!(users["total"], 6);
    let lower_case_scheme = server
        .anonymous(Method::GET, "/users/1")
        .header("authorization", format!("bearer {KEY}"));
    let alice = AdminServer::send(lower_case_scheme).await.expect(200);
    assert_eq!(alice["login"], "alice");
}

#[test]
fn a_digest_that_is_not_one_is_refused_at_start() {
    let config = AdminConfig {
        api_key_sha256: Some("not-a-digest".to_owned()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let error = runtime.block_on(async {
        let server = support::TestServer::start().await;
        ctid_admin::router(server.core.clone(), &config).err()
    });
    let error = error.expect("refused").to_string();
    assert!(error.contains("api_key_sha256"), "{error}");
}
