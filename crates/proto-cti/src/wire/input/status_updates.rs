//! `register_*_status_update` / `unregister_*_status_update`: per-object status subscriptions
//! named `[xivo_uuid, id]`.

use serde::Deserialize;

use super::capped::id_pairs;

use crate::wire::lenient::Id;

/// Which `register_*_status_update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// Users (`user_ids`, uuid or id).
    User,
    /// Agents (`agent_ids`).
    Agent,
    /// Endpoints (`endpoint_ids`, line ids).
    Endpoint,
}

/// `register_*_status_update` / `unregister_*_status_update`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdates {
    /// Which kind.
    pub kind: StatusKind,
    /// Register or unregister.
    pub register: bool,
    /// `[xivo_uuid, id]` pairs.
    pub ids: Vec<(String, Id)>,
}

/// The ids of `register_user_status_update`.
#[derive(Deserialize)]
pub(super) struct UserIdsRaw {
    #[serde(deserialize_with = "id_pairs")]
    pub(super) user_ids: Vec<(String, Id)>,
}

/// The ids of `register_agent_status_update`.
#[derive(Deserialize)]
pub(super) struct AgentIdsRaw {
    #[serde(deserialize_with = "id_pairs")]
    pub(super) agent_ids: Vec<(String, Id)>,
}

/// The ids of `register_endpoint_status_update`.
#[derive(Deserialize)]
pub(super) struct EndpointIdsRaw {
    #[serde(deserialize_with = "id_pairs")]
    pub(super) endpoint_ids: Vec<(String, Id)>,
}
