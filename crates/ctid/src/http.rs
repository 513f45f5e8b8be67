//! The HTTP listener's routes: `/health`; the admin REST API under `/api/v1/` (crates/admin,
//! behind its API key); the XuC face's REST API, WebSocket endpoints,
//! JavaScript API and pages (`/xuc/...`, `/ctichannel`, `/assets/...`, `/xucassets/...`,
//! `/sample`, `/wallboard`); and, when the embedded PBX is the engine, its sim API under
//! `/sim` (whose fallback answers unknown routes with a JSON 404; loopback clients only unless
//! `[sim] token` is set). Without the embedded PBX there is no `/sim`: those paths get the
//! router's plain 404.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// The router served on the HTTP listener; `xuc` is the XuC face's routes, `admin` the admin
/// API's (nested under `/api/v1`), `sim` the embedded PBX when it runs.
pub fn router(
    xuc: Option<Router>,
    admin: Option<Router>,
    sim: Option<ctid_pbx_sim::SimHandle>,
    access: ctid_pbx_sim::http_access::SimApiConfig,
) -> Router {
    let mut health =
        Router::new().route("/health", get(|| async { Json(json!({ "status": "ok" })) }));
    if let Some(xuc) = xuc {
        health = health.merge(xuc);
    }
    if let Some(admin) = admin {
        health = health.nest("/api/v1", admin);
    }
    match sim {
        Some(sim) => health.merge(ctid_pbx_sim::http::router_with(sim, access)),
        None => health,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get_status(router: Router, path: &str) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            )
            .await
            .unwrap();
        let mut reply = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_string(&mut reply),
        )
        .await
        .expect("a reply in time")
        .unwrap();
        reply[9..12].parse().expect("a status code")
    }

    #[tokio::test]
    async fn the_sim_routes_mount_only_with_the_sim() {
        let access = ctid_pbx_sim::http_access::SimApiConfig::default;
        assert_eq!(
            get_status(router(None, None, None, access()), "/health").await,
            200
        );
        assert_eq!(
            get_status(router(None, None, None, access()), "/sim/calls").await,
            404
        );
    }
}
