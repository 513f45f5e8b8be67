//! The API key check in front of every route, the fallback included: `Authorization: Bearer
//! <key>`, the key's SHA-256 compared in constant time with `[admin] api_key_sha256`. No digest
//! configured: every request is refused (401), so the API is never open by default.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::key;

/// The key the API admits, as its digest (`None`: none).
#[derive(Clone, Debug)]
pub struct KeyCheck {
    /// SHA-256 of the key.
    pub digest: Option<[u8; 32]>,
}

/// The middleware: the request goes on only with the key.
pub async fn require_key(State(check): State<Arc<KeyCheck>>, req: Request, next: Next) -> Response {
    let Some(expected) = &check.digest else {
        return ApiError::unauthorized(
            "the admin API is closed: no key is configured ([admin] api_key_sha256; `ctid admin-key create` makes one)",
        )
        .into_response();
    };
    match bearer(req.headers()) {
        Some(presented) if key::matches(presented, expected) => next.run(req).await,
        Some(_) => ApiError::unauthorized("not the admin API key").into_response(),
        None => {
            ApiError::unauthorized("an Authorization: Bearer <admin API key> header is required")
                .into_response()
        }
    }
}

/// The bearer token of a request, if it has a well-formed one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn only_a_bearer_token_is_read() {
        assert_eq!(bearer(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(&headers("Basic abc")), None);
        assert_eq!(bearer(&headers("Bearer ")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
