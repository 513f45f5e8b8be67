//! The OpenAPI document against the routes the router really serves, both ways: every
//! (method, path) the router registers is documented and every documented one is registered;
//! then, over HTTP, each documented operation reaches a handler (not the unknown-route
//! fallback, not a 405) and every other method on a documented path is a 405.

mod support;

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use support::AdminServer;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("a path item");
            item.keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .map(|method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A path with its parameters filled by ids that name nothing.
fn concrete(path: &str) -> String {
    path.replace("{id}", "999999").replace("{agent}", "999998")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_and_the_routes_agree() {
    let server = AdminServer::start().await;
    let doc = server.get("/openapi.json").await.expect(200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"], json!([{"url": "/api/v1"}]));

    let in_doc = documented(&doc);
    let served: BTreeSet<(String, String)> = ctid_admin::served_routes()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path.to_owned()))
        .collect();
    let undocumented: Vec<_> = served.difference(&in_doc).collect();
    let unserved: Vec<_> = in_doc.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not documented: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "documented but not served: {unserved:?}"
    );
    assert!(in_doc.len() >= 56, "{} operations", in_doc.len());

    // Every operation has a unique id and documents the 401 answer.
    let mut ids = BTreeSet::new();
    for (method, path) in &in_doc {
        let operation = &doc["paths"][path][method.to_lowercase()];
        let id = operation["operationId"].as_str().expect("an operation id");
        assert!(ids.insert(id.to_owned()), "{id} twice");
        assert!(operation["responses"]["401"].is_object(), "{method} {path}");
    }

    // Over HTTP: each documented operation reaches its handler. Ids that name nothing and an
    // empty object make every one of them answer without changing anything.
    for (method, path) in &in_doc {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = server.request(method.clone(), &concrete(path));
        if [Method::POST, Method::PUT, Method::PATCH].contains(&method) {
            request = request.json(&json!({}));
        }
        let answer = AdminServer::send(request).await;
        assert_ne!(answer.status, 405, "{method} {path}: {:#}", answer.body);
        let message = answer.body["message"].as_str().unwrap_or_default();
        assert!(
            !message.starts_with("no such route"),
            "{method} {path} is not routed: {:#}",
            answer.body
        );
        assert!(answer.status < 500, "{method} {path}: {:#}", answer.body);
    }
    // Every other method of a documented path is refused as such.
    let paths: BTreeSet<&String> = in_doc.iter().map(|(_, p)| p).collect();
    for path in paths {
        for method in METHODS {
            let upper = method.to_uppercase();
            if in_doc.contains(&(upper.clone(), path.clone())) {
                continue;
            }
            let request = server.request(
                Method::from_bytes(upper.as_bytes()).unwrap(),
                &concrete(path),
            );
            AdminServer::send(request)
                .await
                .expect_error(405, "MethodNotAllowed");
        }
    }
    // And a path that is not documented is not served.
    server.get("/widgets").await.expect_error(404, "NotFound");
    // Nothing changed.
    assert_eq!(server.cti.core.dataset().version(), 0);
}
