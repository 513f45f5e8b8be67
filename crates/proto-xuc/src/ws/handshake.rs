//! The WebSocket upgrade: checks an HTTP request is a version-13 WebSocket handshake and builds
//! the `101 Switching Protocols` answer (`Sec-WebSocket-Accept` from the client's key). No
//! sub-protocol and no extension is negotiated (cti.js asks for none).

use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use base64::Engine;
use sha1::{Digest, Sha1};

/// The GUID of RFC 6455 §1.3.
const WS_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Why a request is not a WebSocket handshake.
#[derive(Debug, PartialEq, Eq)]
pub struct NotWebSocket(pub &'static str);

/// The `Sec-WebSocket-Accept` value for a client's key.
pub fn accept_key(key: &[u8]) -> String {
    let mut sha = Sha1::new();
    sha.update(key);
    sha.update(WS_GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// Checks the handshake headers; returns the `Sec-WebSocket-Accept` value.
pub fn check(headers: &HeaderMap) -> Result<String, NotWebSocket> {
    if !has_token(headers, header::UPGRADE, "websocket") {
        return Err(NotWebSocket("not a WebSocket upgrade request"));
    }
    if !has_token(headers, header::CONNECTION, "upgrade") {
        return Err(NotWebSocket("missing Connection: Upgrade"));
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_none_or(|v| v.as_bytes() != b"13")
    {
        return Err(NotWebSocket("unsupported WebSocket version (13 expected)"));
    }
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .ok_or(NotWebSocket("missing Sec-WebSocket-Key"))?;
    Ok(accept_key(key.as_bytes()))
}

/// The `101 Switching Protocols` response.
pub fn switching<B: Default>(accept: &str) -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = response.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    if let Ok(v) = HeaderValue::from_str(accept) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example_key() {
        // RFC 6455 §1.3.
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn checks_the_headers() {
        let mut h = HeaderMap::new();
        assert!(check(&h).is_err());
        h.insert(header::UPGRADE, HeaderValue::from_static("WebSocket"));
        h.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, Upgrade"),
        );
        h.insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        assert_eq!(check(&h), Err(NotWebSocket("missing Sec-WebSocket-Key")));
        h.insert(
            header::SEC_WEBSOCKET_KEY,
            HeaderValue::from_static("dGhlIHNhbXBsZSBub25jZQ=="),
        );
        assert_eq!(check(&h).unwrap(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
