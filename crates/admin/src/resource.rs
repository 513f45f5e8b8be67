//! The configured objects the API serves whole (users, lines, agents, agent groups, queues,
//! profiles, rooms, voicemail boxes), as one [`Resource`] each, and what every one of them
//! answers: list, get, create, replace, merge-patch and delete. Reads come from the core's
//! current dataset; writes are one [`ConfigChange`] each through `CoreHandle::apply_config`,
//! which validates the next dataset whole (as a dataset file is) or refuses with the reason.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ctid_core::CoreHandle;
use ctid_core::dataset::{ConfigChange, ConfigKey, ConfigObject, Dataset};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::extract::typed;
use crate::page::{ListQuery, Page, Search};

/// A kind of configured object, as the API serves it.
pub trait Resource: Clone + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Its name in messages (`user`, `agent group`).
    const NAME: &'static str;
    /// Its collection's path under `/api/v1` (`users`).
    const COLLECTION: &'static str;
    /// Every object of this kind.
    fn table(dataset: &Dataset) -> &[Self];
    /// The object with this id.
    fn find(dataset: &Dataset, id: u32) -> Option<&Self>;
    /// Its id.
    fn id(&self) -> u32;
    /// The key of the object with this id.
    fn key(id: u32) -> ConfigKey;
    /// As a configuration change carries it.
    fn into_object(self) -> ConfigObject;
    /// Whether `search=` finds it (its names and numbers).
    fn found_by(&self, search: &Search) -> bool;
    /// As the API shows it (a user without their password hash).
    fn shown(&self) -> Self {
        self.clone()
    }
    /// Fields a replacement (`PUT`) that leaves them out keeps from the current object (a
    /// user's password hash; a queue's members), rather than taking their defaults.
    const KEPT_BY_REPLACE: &'static [&'static str] = &[];
    /// Whether this new version of `current` is one the API takes (a queue's members change
    /// only through their own routes).
    fn check_update(&self, _current: &Self) -> Result<(), ApiError> {
        Ok(())
    }
}

/// `GET /{collection}`.
pub fn list<R: Resource>(core: &CoreHandle, query: &ListQuery) -> Result<Json<Page<R>>, ApiError> {
    let dataset = core.dataset();
    let search = query.search()?;
    let matching = R::table(&dataset).iter().filter(|r| r.found_by(&search));
    Ok(Json(query.page(matching, R::shown)?))
}

/// `GET /{collection}/{id}`.
pub fn get<R: Resource>(core: &CoreHandle, id: u32) -> Result<Json<R>, ApiError> {
    R::find(&core.dataset(), id)
        .map(|r| Json(r.shown()))
        .ok_or_else(|| ApiError::not_found(R::NAME, id))
}

/// `POST /{collection}`: the object, its id given or the next free one. 201 with the object
/// and its `Location`.
pub async fn create<R: Resource>(
    core: &CoreHandle,
    mut body: Map<String, Value>,
) -> Result<Response, ApiError> {
    if !body.contains_key("id") {
        let next = R::table(&core.dataset())
            .iter()
            .map(R::id)
            .max()
            .map_or(1, |m| m.saturating_add(1));
        body.insert("id".to_owned(), json!(next));
    }
    let object: R = typed(Value::Object(body))?;
    let id = object.id();
    let dataset = apply(core, ConfigChange::Added(object.into_object()), false).await?;
    let created = shown_after::<R>(&dataset, id)?;
    let mut response = (StatusCode::CREATED, Json(created)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/{}/{id}", R::COLLECTION)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `PUT /{collection}/{id}`: the whole object (fields left out take their defaults, as in a
/// dataset file); the id comes from the path (a different one in the body is refused).
pub async fn replace<R: Resource>(
    core: &CoreHandle,
    id: u32,
    mut body: Map<String, Value>,
) -> Result<Json<R>, ApiError> {
    match body.get("id") {
        None => {
            body.insert("id".to_owned(), json!(id));
        }
        Some(given) if *given != json!(id) => return Err(id_mismatch(id)),
        Some(_) => {}
    }
    let current = json_of(&current::<R>(core, id)?)?;
    for field in R::KEPT_BY_REPLACE {
        if let (false, Some(kept)) = (body.contains_key(*field), current.get(*field)) {
            body.insert((*field).to_owned(), kept.clone());
        }
    }
    let object: R = typed(Value::Object(body))?;
    update(core, id, object).await
}

/// `PATCH /{collection}/{id}`: a JSON merge patch (RFC 7386) of the object: the fields given
/// replace the current ones, a `null` resets one to its default.
pub async fn patch<R: Resource>(
    core: &CoreHandle,
    id: u32,
    patch: Map<String, Value>,
) -> Result<Json<R>, ApiError> {
    let mut merged = json_of(&current::<R>(core, id)?)?;
    merge(&mut merged, Value::Object(patch));
    if merged.get("id") != Some(&json!(id)) {
        return Err(id_mismatch(id));
    }
    let object: R = typed(strip_nulls(merged))?;
    update(core, id, object).await
}

/// `DELETE /{collection}/{id}`: 204, or 409 when something still refers to it.
pub async fn delete<R: Resource>(core: &CoreHandle, id: u32) -> Result<StatusCode, ApiError> {
    apply(core, ConfigChange::Removed(R::key(id)), true).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn update<R: Resource>(core: &CoreHandle, id: u32, object: R) -> Result<Json<R>, ApiError> {
    object.check_update(&current::<R>(core, id)?)?;
    let dataset = apply(core, ConfigChange::Updated(object.into_object()), false).await?;
    Ok(Json(shown_after::<R>(&dataset, id)?))
}

/// An object as JSON, as it is stored (a user's password hash included).
fn json_of<R: Resource>(object: &R) -> Result<Value, ApiError> {
    serde_json::to_value(object).map_err(|e| ApiError::invalid_body(e.to_string()))
}

fn current<R: Resource>(core: &CoreHandle, id: u32) -> Result<R, ApiError> {
    R::find(&core.dataset(), id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(R::NAME, id))
}

/// Applies one change; the dataset it made, or the refusal as an API error.
pub async fn apply(
    core: &CoreHandle,
    change: ConfigChange,
    removing: bool,
) -> Result<std::sync::Arc<Dataset>, ApiError> {
    core.apply_config(vec![change])
        .await
        .map_err(|e| ApiError::from_config(e, removing))
}

/// The object as the change left it (another change may have removed it since: 404).
fn shown_after<R: Resource>(dataset: &Dataset, id: u32) -> Result<R, ApiError> {
    R::find(dataset, id)
        .map(R::shown)
        .ok_or_else(|| ApiError::not_found(R::NAME, id))
}

fn id_mismatch(id: u32) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "InvalidBody",
        format!("the id is the path's ({id}) and cannot change"),
        json!({ "field": "id" }),
    )
}

/// RFC 7386: objects merge field by field, anything else replaces; `null` marks a field to
/// remove (done by [`strip_nulls`] after the merge, so the type's default applies).
fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (name, value) in patch {
                match target.get_mut(&name) {
                    Some(slot) if value.is_object() => merge(slot, value),
                    _ => {
                        target.insert(name, value);
                    }
                }
            }
        }
        (target, patch) => *target = patch,
    }
}

/// Removes the object fields whose value is `null`, at every depth.
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_patch_replaces_merges_and_removes() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1, 2]});
        merge(
            &mut target,
            json!({"a": 5, "b": {"c": null, "x": true}, "e": [3], "n": null}),
        );
        assert_eq!(
            strip_nulls(target),
            json!({"a": 5, "b": {"d": 3, "x": true}, "e": [3]})
        );
    }
}
