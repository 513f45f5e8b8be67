//! The face's routes on the HTTP listener, with CORS (browser apps log in cross-origin; the
//! tokens are bearer tokens, never cookies, so any origin may ask).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{Method, header};
use axum::routing::{get, post};
use tower_http::cors::{Any, CorsLayer};

use crate::face::Shared;
use crate::{assets, rest, socket};

/// The REST API, the WebSocket endpoints, the JavaScript API's files and the pages.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(Duration::from_secs(600));
    let api = Router::new()
        .route("/auth/login", post(rest::login))
        .route("/auth/check", get(rest::check))
        .route("/auth/logout", post(rest::logout).get(rest::logout))
        .route("/cti", get(socket::token_socket))
        .fallback(rest::not_found)
        .method_not_allowed_fallback(rest::method_not_allowed);
    Router::new()
        .nest("/xuc/api/2.0", api)
        .route(
            "/xuc/ctichannel/tokenAuthentication",
            get(socket::token_socket),
        )
        .route("/xuc/ctichannel", get(socket::password_socket))
        .route("/ctichannel", get(socket::password_socket))
        .route("/assets/{*path}", get(assets::file))
        .route("/xucassets/{*path}", get(assets::file))
        .route("/sample", get(assets::sample))
        .route("/wallboard", get(assets::wallboard))
        .layer(cors)
        .with_state(shared)
}
