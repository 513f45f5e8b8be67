//! ctid's admin REST API, mounted by the binary under `/api/v1/` on the HTTP listener: the
//! configured world (users, lines, agents, queues and their members, agent groups, CTI
//! profiles, conference rooms, voicemail boxes) listed, read, created, replaced, patched and
//! deleted, and users' services read and set, all live.
//!
//! Reads come from the core's current dataset (`CoreHandle::dataset`); every write is a
//! configuration change through `CoreHandle::apply_config`, which validates the next dataset
//! whole and either applies it (clients are told at once: CTI `addconfig` / `updateconfig` /
//! `delconfig`, a removed user's sessions end) or refuses it with a reason, answered as a 4xx
//! `{error, message, details}`. Services go through the core's administrator entry
//! (`CoreHandle::set_services_as_admin`).
//!
//! - `auth.rs`, `key.rs`, `config.rs`: the API key (`[admin] api_key_sha256`; no key, no
//!   access), checked in constant time before any route.
//! - `resource.rs` (the generic handlers), `resources.rs` (each kind of object), `crud.rs`
//!   (their routes), `members.rs` (a queue's members), `services.rs` (a user's services).
//! - `extract.rs` (body, query and path with JSON errors and input limits), `page.rs`
//!   (pagination and search), `error.rs` (the error body and the core's refusals mapped).
//! - `routes.rs` (every route, and the list of what it serves), `openapi.rs` (the document,
//!   generated with utoipa, at `/api/v1/openapi.json`).

mod auth;
mod config;
pub mod crud;
pub mod error;
pub mod extract;
pub mod key;
mod members;
pub mod openapi;
pub mod page;
pub mod resource;
mod resources;
pub mod routes;
mod services;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use ctid_core::CoreHandle;

pub use config::{AdminConfig, BadDigest};
pub use members::MemberSettings;
pub use services::{ForwardPatch, ServicesPatch};

/// What the handlers share.
pub struct App {
    /// The core.
    pub core: CoreHandle,
    /// The OpenAPI document, encoded once.
    pub openapi: Bytes,
}

/// The API's router, to nest under `/api/v1`; or why `config` is not usable (a digest that is
/// not one).
pub fn router(core: CoreHandle, config: &AdminConfig) -> Result<Router, BadDigest> {
    let check = Arc::new(auth::KeyCheck {
        digest: config.digest()?,
    });
    if check.digest.is_none() {
        tracing::warn!(
            "the admin API answers 401 to everything: no key is configured ([admin] api_key_sha256)"
        );
    }
    let app = Arc::new(App {
        core,
        openapi: openapi::encoded(),
    });
    let (routes, _) = routes::build();
    Ok(routes
        .fallback(error::no_route)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            check,
            auth::require_key,
        ))
        .with_state(app))
}

/// The (method, path) pairs the router serves, paths relative to `/api/v1` (for the OpenAPI
/// check).
pub fn served_routes() -> Vec<(Method, &'static str)> {
    routes::build().1
}
