//! What a request brings, read with JSON errors instead of axum's plain-text rejections: the
//! body ([`Body`]: a JSON object within the input limits), the query ([`Params`]) and the
//! path's ids ([`Ids`]). The body is read as a JSON value first, so that a route can complete
//! it (an id from the path, the current object under a merge patch) before it is typed
//! ([`typed`]) into the core's types, whose serde rules (required fields, defaults, unknown
//! fields refused) are the same as a dataset file's.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// Longest body accepted, in bytes (a larger one is refused with 413 as it arrives).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest string in a body, in bytes.
pub const MAX_STRING_BYTES: usize = 4096;
/// Most items of an array in a body.
pub const MAX_ARRAY_ITEMS: usize = 1000;

/// A JSON object body.
#[derive(Debug)]
pub struct Body(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<Value>::from_request(req, state).await {
            Ok(Json(Value::Object(map))) => {
                map.iter()
                    .try_for_each(|(name, field)| within_limits(field, name))?;
                Ok(Body(map))
            }
            Ok(Json(other)) => Err(ApiError::invalid_body(format!(
                "expected a JSON object, got {}",
                kind(&other)
            ))),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let message = rejection.body_text();
    match rejection {
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::new(StatusCode::BAD_REQUEST, "MalformedJson", message, json!({}))
        }
        JsonRejection::JsonDataError(_) => ApiError::invalid_body(message),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "the body must be JSON, sent with Content-Type: application/json",
            json!({}),
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BodyTooLarge",
            format!("the body is over {MAX_BODY_BYTES} bytes"),
            json!({ "limit": MAX_BODY_BYTES }),
        ),
        _ => ApiError::new(StatusCode::BAD_REQUEST, "BadRequest", message, json!({})),
    }
}

/// Refuses a value with a string or an array over the limits, naming where it is.
fn within_limits(value: &Value, at: &str) -> Result<(), ApiError> {
    let over = |what: String| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "TooLong",
            what,
            json!({ "field": at }),
        )
    };
    match value {
        Value::String(s) if s.len() > MAX_STRING_BYTES => Err(over(format!(
            "{at}: a string is at most {MAX_STRING_BYTES} bytes"
        ))),
        Value::Array(items) if items.len() > MAX_ARRAY_ITEMS => Err(over(format!(
            "{at}: an array holds at most {MAX_ARRAY_ITEMS} items"
        ))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| within_limits(item, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().try_for_each(|(name, field)| {
            let at = if at.is_empty() {
                name.clone()
            } else {
                format!("{at}.{name}")
            };
            within_limits(field, &at)
        }),
        _ => Ok(()),
    }
}

/// A JSON value as one of the core's types, or 422 saying why not (serde's words: a missing
/// field, a wrong type, an unknown field).
pub fn typed<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::invalid_body(e.to_string()))
}

/// The query string, typed.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| Params(q))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "InvalidQuery",
                    e.body_text(),
                    json!({}),
                )
            })
    }
}

/// The path's ids (`u32`, or a pair for a queue's member).
#[derive(Debug)]
pub struct Ids<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(ids)| Ids(ids))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "InvalidPath",
                    format!("ids are whole numbers: {}", e.body_text()),
                    json!({}),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_the_field() {
        let long = "x".repeat(MAX_STRING_BYTES + 1);
        let e = within_limits(&json!({"a": {"b": [1, long]}}), "").unwrap_err();
        assert_eq!(e.body.details, json!({"field": "a.b[1]"}));
        let many: Vec<u32> = vec![0; MAX_ARRAY_ITEMS + 1];
        assert!(within_limits(&json!({ "list": many }), "").is_err());
        let fits = "x".repeat(MAX_STRING_BYTES);
        assert!(within_limits(&json!({ "a": fits, "n": [1, 2] }), "").is_ok());
    }
}
