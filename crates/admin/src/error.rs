//! Every error the admin API answers: JSON `{error, message, details}` with a 4xx status (5xx
//! only when the core itself is gone), from the core's refusals of a configuration change
//! ([`ConfigError`]) or a service change ([`CommandError`]) and from bad requests.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ctid_core::CommandError;
use ctid_core::dataset::ConfigError;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// An error response's body.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable name (`Unauthorized`, `NotFound`, `AlreadyExists`, `InUse`, `Invalid`,
    /// `MalformedJson`, `InvalidBody`, `BodyTooLarge`, `InvalidQuery`, `MethodNotAllowed`,
    /// `Unavailable`).
    pub error: String,
    /// What happened, for a person.
    pub message: String,
    /// What it is about (the object, the field), as an object; `{}` when nothing more.
    #[schema(value_type = Object)]
    pub details: Value,
}

/// An error the API answers with.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with a status, a name, a message and details.
    pub fn new(
        status: StatusCode,
        error: &str,
        message: impl Into<String>,
        details: Value,
    ) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                error: error.to_owned(),
                message: message.into(),
                details,
            },
        }
    }

    /// 404: no `kind` with this id.
    pub fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{kind} {id} does not exist"),
            json!({ "object": format!("{kind} {id}") }),
        )
    }

    /// 422: the body is JSON but not what the route takes.
    pub fn invalid_body(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidBody",
            message,
            json!({}),
        )
    }

    /// 401: no key, or not the key.
    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", message, json!({}))
    }

    /// The refusal of a configuration change. `removing`: the change removed an object, so
    /// a dataset it would leave invalid means something still refers to it (409 `InUse`);
    /// otherwise the object sent breaks a rule (422 `Invalid`).
    pub fn from_config(e: ConfigError, removing: bool) -> Self {
        let message = e.to_string();
        match e {
            ConfigError::AlreadyExists(key) => Self::new(
                StatusCode::CONFLICT,
                "AlreadyExists",
                message,
                json!({ "object": key.to_string() }),
            ),
            ConfigError::Unknown(key) => Self::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                message,
                json!({ "object": key.to_string() }),
            ),
            ConfigError::Invalid(reason) if removing => Self::new(
                StatusCode::CONFLICT,
                "InUse",
                message,
                json!({ "reason": reason }),
            ),
            ConfigError::Invalid(reason) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid",
                message,
                json!({ "reason": reason }),
            ),
            ConfigError::CoreStopped => Self::unavailable(),
        }
    }

    /// The refusal of a service change.
    pub fn from_command(e: CommandError) -> Self {
        let message = e.to_string();
        match e {
            CommandError::NotFound { kind, id } => Self::not_found(&kind, id),
            CommandError::UnreachableExtension(number) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid",
                message,
                json!({ "destination": number }),
            ),
            CommandError::InvalidArgument { field, reason } => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid",
                message,
                json!({ "field": field, "reason": reason }),
            ),
            CommandError::ServiceUnavailable => Self::unavailable(),
            _ => Self::new(StatusCode::CONFLICT, "Refused", message, json!({})),
        }
    }

    /// 503: the core has stopped (the server is shutting down).
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Unavailable",
            "the server is stopping",
            json!({}),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"ctid-admin\""),
            );
        }
        response
    }
}

/// 404 for a path the API does not serve.
pub async fn no_route() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        "no such route (the routes are listed in /api/v1/openapi.json)",
        json!({}),
    )
}

/// 405 for a method a path does not serve.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "this path does not take this method (see /api/v1/openapi.json)",
        json!({}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ctid_core::dataset::ConfigKey;
    use ctid_core::ids::UserId;

    #[test]
    fn config_refusals_map_to_4xx() {
        let key = ConfigKey::User(UserId(7));
        let e = ApiError::from_config(ConfigError::AlreadyExists(key), false);
        assert_eq!(e.status, StatusCode::CONFLICT);
        assert_eq!(e.body.details, json!({"object": "user 7"}));
        let e = ApiError::from_config(ConfigError::Unknown(key), true);
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        let invalid = ConfigError::Invalid("agent 1 refers to unknown user 7".to_owned());
        let e = ApiError::from_config(invalid.clone(), true);
        assert_eq!(
            (e.status, e.body.error.as_str()),
            (StatusCode::CONFLICT, "InUse")
        );
        let e = ApiError::from_config(invalid, false);
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            e.body.details,
            json!({"reason": "agent 1 refers to unknown user 7"})
        );
        let e = ApiError::from_config(ConfigError::CoreStopped, false);
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
    }
}
