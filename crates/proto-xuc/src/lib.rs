//! The XuC WebSocket API of ctid, for browser apps written against XuC's `cti.js`: the REST
//! authentication under `/xuc/api/2.0/auth/`, the WebSocket endpoints (token and password
//! forms), and the session protocol (`{"claz":"web","command":...}` in,
//! `{"msgType":...,"ctiMessage":...}` out), served on the HTTP listener beside the sim API, on
//! top of ctid's core and the shared face layer (`ctid_face`).
//!
//! The public API is [`XucConfig`], [`XucFace`] (start it, then serve [`XucFace::router`]),
//! [`XucStats`] and [`ConnectionHold`]; [`wire`] and [`ws`] are public for tools and tests.
//!
//! Code map (docs/xuc-api.md has the protocol as ctid speaks it):
//! - `face`: what the routes and sessions share, the face's start and counters;
//! - `routes`: the router (CORS); `rest`: `auth/login`, `auth/check`, `auth/logout`;
//!   `auth`: passwords through the core's login guard, tokens; `tokens`: the token store;
//! - `socket`: the WebSocket endpoints (credentials, upgrade) → `session`: one socket's life
//!   (`LoggedOn`, the initial state, the reader, the face layer's writer loop);
//! - [`ws`]: the WebSocket handshake, the client-frame decoder (size-limited), the server
//!   frames (the writer loop's `Framing`);
//! - [`wire`]: every message in and out as a serde type;
//! - `commands` → `phone`, `agent`, `lists`, `queues`, `hints`, `conference`: the command
//!   families;
//!   `errors`: core errors as XuC names;
//! - `topic` + `render`: the XuC topics and the renderer run by the face layer's fan-out task;
//! - `assets`: ctid's `cti.js`, `callback.js`, `membership.js`, `shotgun.js` and the `/sample`
//!   and `/wallboard` pages, embedded (files under `assets/`);
//! - `fuzz`: the harness behind [`fuzz_parse`].

mod agent;
mod assets;
mod auth;
mod commands;
mod conference;
mod conference_render;
pub mod config;
mod errors;
mod face;
mod fuzz;
mod hints;
mod history;
mod lists;
mod phone;
mod queues;
mod render;
mod rest;
mod routes;
mod session;
mod socket;
pub mod tokens;
mod topic;
pub mod wire;
pub mod ws;

pub use config::XucConfig;
pub use face::{ConnectionHold, XucFace, XucStats};

/// Feeds arbitrary bytes to the client-frame decoder, in chunkings taken from the input, and
/// every decoded text message to the command parser (the fuzz target's entry point; the input's
/// layout is in `fuzz.rs`). It must never panic, whatever the input: the decoder decodes the same
/// messages however the bytes arrive, reports a too-large message exactly once, never holds more
/// than its limit, and a parse error never quotes more than a short prefix of the input.
pub fn fuzz_parse(data: &[u8]) {
    fuzz::run(data);
}
