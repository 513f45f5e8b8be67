//! A user's services (`/users/{id}/services`): DND, call filter, recording, voicemail and the
//! three forwards, read live from the core and changed through its administrator entry
//! (`CoreHandle::set_services_as_admin`: the rules of a user's own change but the rights; all
//! the fields given or none). Clients see the change as they see a user's own; the store keeps
//! it as it keeps theirs.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ctid_core::dataset::UserServices;
use ctid_core::ids::UserId;
use ctid_core::live::{ForwardKind, ServiceChange};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::App;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Body, Ids, typed};

/// Longest forward destination, in bytes.
pub const MAX_DESTINATION_BYTES: usize = 256;

/// The services to change; those left out stay as they are.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicesPatch {
    /// Do not disturb.
    pub dnd: Option<bool>,
    /// Call filtering (calls from outside refused).
    pub incallfilter: Option<bool>,
    /// Record the user's calls.
    pub recording: Option<bool>,
    /// Unanswered and busy calls go to the user's voicemail box.
    pub voicemail_enabled: Option<bool>,
    /// Forward every call.
    pub fwd_unconditional: Option<ForwardPatch>,
    /// Forward when busy.
    pub fwd_busy: Option<ForwardPatch>,
    /// Forward on no answer.
    pub fwd_noanswer: Option<ForwardPatch>,
}

/// A forward to change; the part left out stays as it is.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardPatch {
    /// On or off (an enabled forward needs a destination of the numbering plan).
    pub enabled: Option<bool>,
    /// Where calls go (at most 256 bytes).
    pub destination: Option<String>,
}

impl ServicesPatch {
    /// The core's changes, in a fixed order.
    fn changes(self) -> Result<Vec<ServiceChange>, ApiError> {
        let mut changes = Vec::new();
        changes.extend(self.dnd.map(ServiceChange::Dnd));
        changes.extend(self.incallfilter.map(ServiceChange::IncallFilter));
        changes.extend(self.recording.map(ServiceChange::Recording));
        changes.extend(self.voicemail_enabled.map(ServiceChange::Voicemail));
        for (kind, forward) in [
            (ForwardKind::Unconditional, self.fwd_unconditional),
            (ForwardKind::Busy, self.fwd_busy),
            (ForwardKind::NoAnswer, self.fwd_noanswer),
        ] {
            let Some(ForwardPatch {
                enabled,
                destination,
            }) = forward
            else {
                continue;
            };
            if destination
                .as_ref()
                .is_some_and(|d| d.len() > MAX_DESTINATION_BYTES)
            {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "TooLong",
                    format!("a forward destination is at most {MAX_DESTINATION_BYTES} bytes"),
                    json!({ "field": "destination" }),
                ));
            }
            changes.push(ServiceChange::Forward {
                kind,
                enabled,
                destination,
            });
        }
        Ok(changes)
    }
}

/// The user's services now.
#[utoipa::path(get, path = "/users/{id}/services", tag = "user services",
    params(("id" = u32, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user's services as they are now (not as configured at start)", body = UserServices),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn get(
    State(app): State<Arc<App>>,
    Ids(id): Ids<u32>,
) -> Result<Json<UserServices>, ApiError> {
    app.core
        .read(move |state| state.user_services(UserId(id)).cloned())
        .await
        .map_err(|_| ApiError::unavailable())?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("user", id))
}

/// Changes some of the user's services, all of them or none.
#[utoipa::path(patch, path = "/users/{id}/services", tag = "user services",
    params(("id" = u32, Path, description = "The user's id")),
    request_body = ServicesPatch,
    responses(
        (status = 200, description = "The user's services after the change", body = UserServices),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "A bad body, or a forward to a number that reaches nothing", body = ErrorBody),
    ))]
pub async fn patch(
    State(app): State<Arc<App>>,
    Ids(id): Ids<u32>,
    Body(body): Body,
) -> Result<Json<UserServices>, ApiError> {
    let patch: ServicesPatch = typed(Value::Object(body))?;
    let changes = patch.changes()?;
    app.core
        .set_services_as_admin(UserId(id), changes)
        .await
        .map(Json)
        .map_err(ApiError::from_command)
}
