//! A queue's static members (`/queues/{id}/members`): an agent and its penalty, added, changed
//! and removed as configuration (`ConfigObject::QueueMember`), so the switch and every client
//! follow as they do for a dataset change.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ctid_core::dataset::{
    ConfigChange, ConfigKey, ConfigObject, Dataset, Queue, QueueMemberConfig,
};
use ctid_core::ids::{AgentId, QueueId};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::App;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Body, Ids, Params, typed};
use crate::page::{ListQuery, Page};
use crate::resource::apply;

/// A member's settings, as `PUT` takes them (the agent is the path's).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberSettings {
    /// The agent (optional: the path's; another one is refused).
    pub agent: Option<u32>,
    /// Its penalty (lower rings first; default 0).
    #[serde(default)]
    pub penalty: u32,
}

fn queue(dataset: &Dataset, id: u32) -> Result<&Queue, ApiError> {
    dataset
        .queue(QueueId(id))
        .ok_or_else(|| ApiError::not_found("queue", id))
}

fn find_member(
    dataset: &Dataset,
    queue_id: u32,
    agent: u32,
) -> Result<QueueMemberConfig, ApiError> {
    queue(dataset, queue_id)?
        .members
        .iter()
        .find(|m| m.agent == AgentId(agent))
        .cloned()
        .ok_or_else(|| ApiError::not_found("member", format!("{agent} of queue {queue_id}")))
}

/// The queue's members.
#[utoipa::path(get, path = "/queues/{id}/members", tag = "queue members",
    params(("id" = u32, Path, description = "The queue's id"), ListQuery),
    responses(
        (status = 200, description = "A page of the queue's members; `search` looks in the agents' numbers and names", body = Page<QueueMemberConfig>),
        (status = 400, description = "A bad query", body = ErrorBody),
        (status = 404, description = "No such queue", body = ErrorBody),
    ))]
pub async fn list(
    State(app): State<Arc<App>>,
    Ids(id): Ids<u32>,
    Params(query): Params<ListQuery>,
) -> Result<Json<Page<QueueMemberConfig>>, ApiError> {
    let dataset = app.core.dataset();
    let search = query.search()?;
    let matching = queue(&dataset, id)?.members.iter().filter(|m| {
        dataset
            .agent(m.agent)
            .is_some_and(|a| search.matches([a.number.as_str(), &a.firstname, &a.lastname]))
    });
    Ok(Json(query.page(matching, Clone::clone)?))
}

/// Adds an agent to the queue.
#[utoipa::path(post, path = "/queues/{id}/members", tag = "queue members",
    params(("id" = u32, Path, description = "The queue's id")),
    request_body = QueueMemberConfig,
    responses(
        (status = 201, description = "The member added", body = QueueMemberConfig),
        (status = 404, description = "No such queue", body = ErrorBody),
        (status = 409, description = "The agent is a member already", body = ErrorBody),
        (status = 422, description = "Not a member (an unknown agent...)", body = ErrorBody),
    ))]
pub async fn create(
    State(app): State<Arc<App>>,
    Ids(id): Ids<u32>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let member: QueueMemberConfig = typed(Value::Object(body))?;
    let agent = member.agent.0;
    let change = ConfigChange::Added(ConfigObject::QueueMember {
        queue: QueueId(id),
        member,
    });
    let dataset = apply(&app.core, change, false).await?;
    let added = find_member(&dataset, id, agent)?;
    let mut response = (StatusCode::CREATED, Json(added)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/queues/{id}/members/{agent}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// One member.
#[utoipa::path(get, path = "/queues/{id}/members/{agent}", tag = "queue members",
    params(("id" = u32, Path, description = "The queue's id"), ("agent" = u32, Path, description = "The agent's id")),
    responses(
        (status = 200, description = "The member", body = QueueMemberConfig),
        (status = 404, description = "No such queue or member", body = ErrorBody),
    ))]
pub async fn get(
    State(app): State<Arc<App>>,
    Ids((id, agent)): Ids<(u32, u32)>,
) -> Result<Json<QueueMemberConfig>, ApiError> {
    find_member(&app.core.dataset(), id, agent).map(Json)
}

/// Changes a member's penalty.
#[utoipa::path(put, path = "/queues/{id}/members/{agent}", tag = "queue members",
    params(("id" = u32, Path, description = "The queue's id"), ("agent" = u32, Path, description = "The agent's id")),
    request_body = MemberSettings,
    responses(
        (status = 200, description = "The member as changed", body = QueueMemberConfig),
        (status = 404, description = "No such queue or member", body = ErrorBody),
        (status = 422, description = "A bad body", body = ErrorBody),
    ))]
pub async fn replace(
    State(app): State<Arc<App>>,
    Ids((id, agent)): Ids<(u32, u32)>,
    Body(body): Body,
) -> Result<Json<QueueMemberConfig>, ApiError> {
    let settings: MemberSettings = typed(Value::Object(body))?;
    if settings.agent.is_some_and(|a| a != agent) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidBody",
            format!("the agent is the path's ({agent}) and cannot change"),
            json!({ "field": "agent" }),
        ));
    }
    let change = ConfigChange::Updated(ConfigObject::QueueMember {
        queue: QueueId(id),
        member: QueueMemberConfig {
            agent: AgentId(agent),
            penalty: settings.penalty,
        },
    });
    let dataset = apply(&app.core, change, false).await?;
    find_member(&dataset, id, agent).map(Json)
}

/// Removes an agent from the queue.
#[utoipa::path(delete, path = "/queues/{id}/members/{agent}", tag = "queue members",
    params(("id" = u32, Path, description = "The queue's id"), ("agent" = u32, Path, description = "The agent's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such queue or member", body = ErrorBody),
    ))]
pub async fn delete(
    State(app): State<Arc<App>>,
    Ids((id, agent)): Ids<(u32, u32)>,
) -> Result<StatusCode, ApiError> {
    let change = ConfigChange::Removed(ConfigKey::QueueMember(QueueId(id), AgentId(agent)));
    apply(&app.core, change, true).await?;
    Ok(StatusCode::NO_CONTENT)
}
