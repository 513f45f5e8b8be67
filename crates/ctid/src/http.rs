//! The HTTP listener's routes: `/health`, and the embedded PBX's sim API under `/sim` (whose
//! fallback answers unknown routes with a JSON 404).

use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// The router served on the HTTP listener.
pub fn router(sim: ctid_pbx_sim::SimHandle) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({ "status": "ok" })) }))
        .merge(ctid_pbx_sim::http::router(sim))
}
