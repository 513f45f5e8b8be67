//! The HTTP driving API over a real socket: every route, and every error mapped to the JSON
//! error shape.

use std::sync::Arc;

use ctid_core::ManualClock;
use ctid_core::dataset::Dataset;
use ctid_core::pbx::pbx_link;
use ctid_pbx_sim::SimConfig;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Serves the API of a fresh PBX; returns its base URL.
async fn serve() -> String {
    let (mut core, adapter) = pbx_link(1024);
    let clock = ManualClock::at_default_start();
    let sim = ctid_pbx_sim::start(
        Arc::new(Dataset::demo()),
        clock.shared(),
        SimConfig::default(),
        adapter,
    );
    // the core end: keep reading events so the PBX never waits
    tokio::spawn(async move {
        let _clock = clock;
        while core.events.recv().await.is_some() {}
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let app = ctid_pbx_sim::http::router(sim);
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

/// Checks an error answer: status and JSON body `{"error", "message"}`.
async fn assert_error(resp: reqwest::Response, status: StatusCode, code: &str) {
    assert_eq!(resp.status(), status);
    let body: Value = resp.json().await.expect("a JSON error body");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn calls(client: &Client, base: &str) -> Value {
    let resp = client
        .get(format!("{base}/sim/calls"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn every_route_works() {
    let base = serve().await;
    let client = Client::new();

    let resp = client
        .post(format!("{base}/sim/calls"))
        .json(&json!({"from": "0612345678", "to": "1001", "caller_name": "Jane"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let call_id = body["call_id"].as_str().unwrap().to_owned();

    let listed = calls(&client, &base).await;
    let call = &listed["calls"][0];
    assert_eq!(call["call_id"], call_id.as_str());
    let chans = call["channels"].as_array().unwrap();
    assert_eq!(chans.len(), 2);
    assert_eq!(chans[0]["caller"]["name"], "Jane");
    assert_eq!(chans[0]["state"], "Ring");
    assert_eq!(chans[1]["line"], "1001");
    assert_eq!(chans[1]["state"], "Ringing");

    for action in ["answer", "hold", "resume"] {
        let resp = client
            .post(format!("{base}/sim/lines/1001/{action}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{action}");
    }
    let listed = calls(&client, &base).await;
    let chans = listed["calls"][0]["channels"].as_array().unwrap();
    assert!(
        chans
            .iter()
            .all(|c| c["state"] == "Up" && c["held"] == false)
    );
    assert!(chans.iter().all(|c| c["bridge"].is_string()));

    let resp = client
        .post(format!("{base}/sim/calls/{call_id}/hangup"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(calls(&client, &base).await["calls"], json!([]));

    let resp = client
        .post(format!("{base}/sim/lines/1002/dial"))
        .json(&json!({"to": "1003"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = client
        .post(format!("{base}/sim/lines/1003/hangup"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    // Carol refused the call: Bob lands in her voicemail (on by default), then hangs up.
    let live = calls(&client, &base).await;
    assert_eq!(live["calls"][0]["channels"][0]["activity"], "voicemail");
    let resp = client
        .post(format!("{base}/sim/lines/1002/hangup"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(calls(&client, &base).await["calls"], json!([]));

    for action in ["unregister", "register"] {
        let resp = client
            .post(format!("{base}/sim/lines/1004/{action}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    }
}

#[tokio::test]
async fn errors_are_json() {
    let base = serve().await;
    let client = Client::new();
    let post = |path: &str| client.post(format!("{base}{path}"));
    post("/sim/lines/1005/unregister").send().await.unwrap();

    let (not_found, conflict, bad) = (
        (StatusCode::NOT_FOUND, "not_found"),
        (StatusCode::CONFLICT, "conflict"),
        (StatusCode::BAD_REQUEST, "bad_request"),
    );
    let too_large = (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let big = json!({"from": "0612345678", "to": "1001", "caller_name": "x".repeat(70 * 1024)});
    let cases = vec![
        ("unknown line", post("/sim/lines/9999/answer"), not_found),
        ("unknown call", post("/sim/calls/1.2/hangup"), not_found),
        (
            "unknown route",
            client.get(format!("{base}/nope")),
            not_found,
        ),
        (
            "answer, nothing rings",
            post("/sim/lines/1001/answer"),
            conflict,
        ),
        ("hold, no call", post("/sim/lines/1001/hold"), conflict),
        (
            "dial, unregistered",
            post("/sim/lines/1005/dial").json(&json!({"to": "1001"})),
            conflict,
        ),
        ("unknown action", post("/sim/lines/1001/fly"), bad),
        (
            "not JSON",
            post("/sim/calls")
                .header("content-type", "application/json")
                .body("{\"from\": "),
            bad,
        ),
        (
            "missing field",
            post("/sim/calls").json(&json!({"from": "0612345678"})),
            bad,
        ),
        (
            "ill-typed field",
            post("/sim/calls").json(&json!({"from": "0612345678", "to": 1001})),
            bad,
        ),
        ("dial without a body", post("/sim/lines/1001/dial"), bad),
        (
            "dial, wrong field",
            post("/sim/lines/1001/dial").json(&json!({"destination": "1002"})),
            bad,
        ),
        (
            "number too long",
            post("/sim/calls").json(&json!({"from": "0612345678", "to": "1".repeat(65)})),
            bad,
        ),
        (
            "name too long",
            post("/sim/calls")
                .json(&json!({"from": "0612345678", "to": "1001", "caller_name": "x".repeat(129)})),
            bad,
        ),
        (
            "JSON body too large",
            post("/sim/calls").json(&big),
            too_large,
        ),
        (
            "raw body too large",
            post("/sim/lines/1001/dial").body(vec![b' '; 65 * 1024]),
            too_large,
        ),
        (
            "wrong method",
            client.delete(format!("{base}/sim/calls")),
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ),
    ];
    for (what, request, (status, code)) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{what}");
        assert_error(response, status, code).await;
    }
    // still serving
    let resp = client
        .get(format!("{base}/sim/calls"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}
