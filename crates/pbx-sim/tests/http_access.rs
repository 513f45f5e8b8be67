//! Who may drive the sim API, over real sockets: by default only loopback clients (a remote
//! client could otherwise hang up any call, unregister phones and list every caller); with a
//! token, everyone presenting it and no one else; and live outside calls are capped.
//!
//! "Remote" clients are played by a layer that gives the request a non-loopback peer address,
//! as ctid's HTTP listener gives every request its real peer's.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use ctid_core::ManualClock;
use ctid_core::dataset::Dataset;
use ctid_core::pbx::pbx_link;
use ctid_pbx_sim::SimConfig;
use ctid_pbx_sim::http_access::SimApiConfig;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Serves the API of a fresh PBX with `access`; requests appear to come from `peer` (their real
/// loopback address when `None`). Returns the base URL.
async fn serve(access: SimApiConfig, peer: Option<SocketAddr>, config: SimConfig) -> String {
    let (mut core, adapter) = pbx_link(1024);
    let clock = ManualClock::at_default_start();
    let sim = ctid_pbx_sim::start(Arc::new(Dataset::demo()), clock.shared(), config, adapter);
    tokio::spawn(async move {
        let _clock = clock;
        while core.events.recv().await.is_some() {}
    });
    let mut app = ctid_pbx_sim::http::router_with(sim, access);
    if let Some(peer) = peer {
        app = app.layer(axum::middleware::map_request(
            move |mut req: axum::extract::Request| async move {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            },
        ));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

fn remote() -> Option<SocketAddr> {
    Some("203.0.113.50:40000".parse().unwrap())
}

async fn error_of(resp: reqwest::Response) -> (StatusCode, String) {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

fn new_call() -> Value {
    json!({"from": "0612345678", "to": "1001"})
}

#[tokio::test]
async fn by_default_remote_clients_are_refused_and_loopback_ones_served() {
    let client = Client::new();
    let base = serve(SimApiConfig::default(), remote(), SimConfig::default()).await;
    for req in [
        client.get(format!("{base}/sim/calls")),
        client.post(format!("{base}/sim/calls")).json(&new_call()),
        client.post(format!("{base}/sim/calls/1.1/hangup")),
        client.post(format!("{base}/sim/lines/1001/unregister")),
    ] {
        let (status, code) = error_of(req.send().await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden")
        );
    }
    let base = serve(SimApiConfig::default(), None, SimConfig::default()).await;
    let resp = client
        .get(format!("{base}/sim/calls"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_a_token_everyone_must_present_it() {
    let client = Client::new();
    let access = SimApiConfig {
        token: Some("s3cret-token".into()),
    };
    for peer in [remote(), None] {
        let base = serve(access.clone(), peer, SimConfig::default()).await;
        let url = format!("{base}/sim/calls");
        let (status, code) = error_of(client.get(&url).send().await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "unauthorized")
        );
        let wrong = client
            .get(&url)
            .bearer_auth("s3cret-tokeN")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let ok = client
            .get(&url)
            .bearer_auth("s3cret-token")
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "peer {peer:?}");
    }
}

#[tokio::test]
async fn live_outside_calls_are_capped() {
    let client = Client::new();
    let config = SimConfig {
        max_calls: 2,
        ..SimConfig::default()
    };
    let base = serve(SimApiConfig::default(), None, config).await;
    let url = format!("{base}/sim/calls");
    let mut ids = Vec::new();
    for to in ["1001", "1002"] {
        let resp = client
            .post(&url)
            .json(&json!({"from": "0612345678", "to": to}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let body: Value = resp.json().await.unwrap();
        ids.push(body["call_id"].as_str().unwrap().to_owned());
    }
    let resp = client.post(&url).json(&new_call()).send().await.unwrap();
    let (status, code) = error_of(resp).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
    // A call that ends makes room.
    let resp = client
        .post(format!("{base}/sim/calls/{}/hangup", ids[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = client.post(&url).json(&new_call()).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}
