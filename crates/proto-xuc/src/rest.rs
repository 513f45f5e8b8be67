//! The REST authentication under `/xuc/api/2.0/auth/`: `POST login` `{login, password}` →
//! `{login, token, TTL}`; `GET check` with `Authorization: Bearer T` → the same, the token's
//! life renewed; `POST logout` with the bearer token revokes it. Errors are always JSON
//! `{error, message}` with a 4xx/5xx status (cti.js apps read `.message`; a non-JSON body is
//! `NoResponse` to them). Tokens are never logged.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::{self, AuthError};
use crate::face::Shared;
use crate::tokens::{Token, TokenError};

/// Longest request body accepted.
const MAX_BODY: usize = 4096;

/// A JSON error response.
pub(crate) fn error(status: StatusCode, error: &str, message: &str) -> Response {
    (status, Json(json!({ "error": error, "message": message }))).into_response()
}

fn auth_error(e: AuthError, shared: &Shared) -> Response {
    let status = match e {
        AuthError::LockedOut(_) => StatusCode::TOO_MANY_REQUESTS,
        AuthError::NotAllowed => StatusCode::FORBIDDEN,
        AuthError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNAUTHORIZED,
    };
    let mut response = error(status, e.name(), e.message());
    if let AuthError::LockedOut(until) = e {
        let secs = until.since(shared.core.clock().now()).as_secs().max(1);
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

/// The peer's address (unspecified when the server does not say).
pub(crate) fn peer(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

#[derive(Deserialize)]
struct LoginBody {
    login: Option<String>,
    password: Option<String>,
}

/// What a login or a check answers.
#[derive(Serialize)]
struct Credentials<'a> {
    login: &'a str,
    token: &'a str,
    #[serde(rename = "TTL")]
    ttl: u64,
}

fn credentials(shared: &Shared, user: ctid_core::ids::UserId, token: &Token) -> Response {
    let ds = shared.core.dataset();
    let login = ds.user(user).map_or("", |u| u.login.as_str());
    Json(Credentials {
        login,
        token: token.expose(),
        ttl: shared.tokens.ttl().as_secs(),
    })
    .into_response()
}

/// `POST /xuc/api/2.0/auth/login`.
pub(crate) async fn login(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let peer = peer(&req);
    let body = match axum::body::to_bytes(req.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BadRequest",
                "request body too large",
            );
        }
    };
    let Ok(body) = serde_json::from_slice::<LoginBody>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "expected a JSON object {\"login\": ..., \"password\": ...}",
        );
    };
    let (Some(login), Some(password)) = (body.login, body.password) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "login and password are required",
        );
    };
    match auth::password(&shared, &login, &password, peer).await {
        Ok(user) => match shared.tokens.issue(user) {
            Ok(token) => {
                tracing::info!(user = %user, %peer, "XuC REST login");
                credentials(&shared, user, &token)
            }
            Err(TokenError::Full) => error(
                StatusCode::SERVICE_UNAVAILABLE,
                "TooManyTokens",
                "too many live tokens: try again later",
            ),
            Err(_) => error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "no token",
            ),
        },
        Err(e) => {
            tracing::info!(login = %crate::wire::input::echo(&login), %peer, error = e.name(), "XuC REST login refused");
            auth_error(e, &shared)
        }
    }
}

/// The bearer token of a request.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 256)
}

fn missing_token() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "InvalidToken",
        "an Authorization: Bearer <token> header is required",
    )
}

/// `GET /xuc/api/2.0/auth/check`.
pub(crate) async fn check(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(token) = bearer(&headers) else {
        return missing_token();
    };
    if let Err(e) = auth::token(&shared, token) {
        return auth_error(e, &shared);
    }
    match shared.tokens.renew(token) {
        Ok(user) => credentials(&shared, user, &Token::from_client(token)),
        Err(e) => auth_error(auth::token_error(e), &shared),
    }
}

/// `POST /xuc/api/2.0/auth/logout`.
pub(crate) async fn logout(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(token) = bearer(&headers) else {
        return missing_token();
    };
    if shared.tokens.revoke(token) {
        Json(json!({ "message": "logged out" })).into_response()
    } else {
        error(StatusCode::UNAUTHORIZED, "InvalidToken", "invalid token")
    }
}

/// Unknown routes under `/xuc/api/2.0/`.
pub(crate) async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NotFound", "no such API route")
}

/// A known route with the wrong method.
pub(crate) async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "method not allowed on this route",
    )
}
