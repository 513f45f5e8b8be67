//! Who may use the sim API. The sim is a development tool that can hang up any call, unregister
//! phones and list every caller: by default it answers only clients on the same machine
//! (loopback peers); with a token set (`[sim] token`), it answers everyone who presents it
//! (`Authorization: Bearer <token>`) and no one else, loopback included. Refusals are JSON
//! errors: 403 `forbidden`, 401 `unauthorized`.
//!
//! The peer address comes from the request's `ConnectInfo<SocketAddr>` extension; a request
//! without one is treated as remote.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// Settings of the sim API (`[sim]` in ctid's configuration).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimApiConfig {
    /// The token every client must present (`Authorization: Bearer <token>`); unset (the
    /// default): only loopback clients are answered, without a token.
    pub token: Option<String>,
}

/// Whether an address is this machine's loopback (IPv4 127/8, IPv6 ::1, IPv4-mapped loopback).
pub fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": code, "message": message });
    (status, axum::Json(body)).into_response()
}

/// The access check, as an axum middleware (`from_fn_with_state`).
pub(crate) async fn check(
    State(config): State<Arc<SimApiConfig>>,
    req: Request,
    next: Next,
) -> Response {
    match config.token.as_deref() {
        Some(token) => {
            let given = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            if !same(given.as_bytes(), token.as_bytes()) {
                return refusal(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "the sim API needs its token: Authorization: Bearer <[sim] token>",
                );
            }
        }
        None => {
            let peer = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip());
            if !peer.is_some_and(is_loopback) {
                return refusal(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "the sim API answers only clients on this machine; set [sim] token to open it to others",
                );
            }
        }
    }
    next.run(req).await
}

/// Constant-time equality (the time does not tell how much of a token was right).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses() {
        for a in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback(a.parse().unwrap()), "{a}");
        }
        for a in [
            "0.0.0.0",
            "10.0.0.1",
            "192.168.1.1",
            "::",
            "::ffff:10.0.0.1",
            "fe80::1",
        ] {
            assert!(!is_loopback(a.parse().unwrap()), "{a}");
        }
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
