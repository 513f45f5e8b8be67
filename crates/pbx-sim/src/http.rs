//! The HTTP driving API of the embedded PBX (axum): outside callers and phone buttons, for
//! people, scripts and end-to-end tests.
//!
//! | route | body | answer |
//! |---|---|---|
//! | `POST /sim/calls` | `{"from": "0612345678", "to": "3001", "caller_name": "..."}` | 201 `{"call_id": "..."}` |
//! | `GET /sim/calls` | | 200 `{"calls": [{"call_id", "channels": [...]}]}` |
//! | `POST /sim/calls/{call_id}/hangup` | | 204 |
//! | `POST /sim/lines/{number}/{action}` | `dial`: `{"to": "..."}` | 204 |
//!
//! Line actions: `answer`, `hangup`, `hold`, `resume`, `register`, `unregister`, `dial`.
//!
//! Every error is JSON, `{"error": "<code>", "message": "<text>"}`: 404 `not_found` (unknown
//! line, call or route), 409 `conflict` (the action is illegal now: answering a line that is
//! not ringing, holding without a call, dialling from an unregistered line...), 400
//! `bad_request` (malformed JSON, missing field, unknown action, number too long), 405
//! `method_not_allowed`, 413 `payload_too_large` (body over 64 KiB), 503 `unavailable` (e.g.
//! `max_calls` live outside calls already), and the access refusals of [`crate::http_access`]:
//! 403 `forbidden` (a remote client without a token configured), 401 `unauthorized` (a wrong or
//! missing token).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{SimError, SimErrorKind};
use crate::handle::SimHandle;
use crate::http_access::SimApiConfig;
use crate::phone::LineAction;
use crate::snapshot::SimCall;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;

/// The router of the driving API (`/sim/...`), to serve or to merge into another router, with
/// the default access (loopback clients only). Serve it with `ConnectInfo<SocketAddr>`.
pub fn router(handle: SimHandle) -> Router {
    router_with(handle, SimApiConfig::default())
}

/// The router of the driving API with the given access settings.
pub fn router_with(handle: SimHandle, access: SimApiConfig) -> Router {
    Router::new()
        .route("/sim/calls", post(create_call).get(list_calls))
        .route("/sim/calls/{call_id}/hangup", post(hangup_call))
        .route("/sim/lines/{number}/{action}", post(line_action))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(access),
            crate::http_access::check,
        ))
        .with_state(handle)
}

/// An error answer: status and JSON body.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code,
            message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> ApiError {
        let status = match e.kind {
            SimErrorKind::NotFound => StatusCode::NOT_FOUND,
            SimErrorKind::Conflict => StatusCode::CONFLICT,
            SimErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            SimErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        };
        ApiError {
            status,
            code: e.kind.code(),
            message: e.message,
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> ApiError {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                code: "payload_too_large",
                message: format!("the request body is larger than {MAX_BODY} bytes"),
            }
        } else {
            ApiError::bad_request(format!("cannot read the request body: {r}"))
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::bad_request(format!("invalid path: {r}"))
    }
}

/// Parses a JSON body.
fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("a JSON body is required"));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("invalid JSON: {e}")))
}

#[derive(Deserialize)]
struct NewCall {
    from: String,
    to: String,
    #[serde(default)]
    caller_name: Option<String>,
}

#[derive(Serialize)]
struct Created {
    call_id: String,
}

#[derive(Serialize)]
struct Calls {
    calls: Vec<SimCall>,
}

#[derive(Deserialize)]
struct Dial {
    to: String,
}

async fn create_call(
    State(sim): State<SimHandle>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let req: NewCall = parse(&body?)?;
    let id = sim.outside_call(req.from, req.to, req.caller_name).await?;
    let created = Created {
        call_id: id.to_string(),
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn list_calls(State(sim): State<SimHandle>) -> Result<Json<Calls>, ApiError> {
    Ok(Json(Calls {
        calls: sim.calls().await?,
    }))
}

async fn hangup_call(
    State(sim): State<SimHandle>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(call_id) = path?;
    body?;
    sim.hangup_call(&call_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn line_action(
    State(sim): State<SimHandle>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let Path((number, action)) = path?;
    let body = body?;
    let action = match action.as_str() {
        "answer" => LineAction::Answer,
        "hangup" => LineAction::Hangup,
        "hold" => LineAction::Hold,
        "resume" => LineAction::Resume,
        "register" => LineAction::Register,
        "unregister" => LineAction::Unregister,
        "dial" => {
            let dial: Dial = parse(&body)?;
            LineAction::Dial { to: dial.to }
        }
        other => {
            let shown: String = other.chars().take(32).collect();
            return Err(ApiError::bad_request(format!(
                "unknown line action `{shown}` (answer, hangup, hold, resume, register, unregister, dial)"
            )));
        }
    };
    sim.line_action(&number, action).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        code: "not_found",
        message: "no such route".to_owned(),
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "method_not_allowed",
        message: "method not allowed on this route".to_owned(),
    }
}
