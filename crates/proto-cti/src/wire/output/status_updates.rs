//! The `data` of `relations` and of the `*_status_update` pushes.

use serde::Serialize;

/// The data of `relations`.
#[derive(Debug, Serialize)]
pub struct Relations<'a> {
    /// This server's uuid.
    pub xivo_uuid: &'a str,
    /// The user.
    pub user_id: u32,
    /// The user's line.
    pub endpoint_id: Option<u32>,
    /// The user's agent.
    pub agent_id: Option<u32>,
}

/// The data of `user_status_update`.
#[derive(Debug, Serialize)]
pub struct UserStatusData<'a> {
    /// The user's uuid.
    pub user_uuid: &'a str,
    /// The user's id (deprecated but sent).
    pub user_id: u32,
    /// The server's uuid.
    pub xivo_uuid: &'a str,
    /// Presence name.
    pub status: &'a str,
}

/// The data of `agent_status_update`.
#[derive(Debug, Serialize)]
pub struct AgentStatusData<'a> {
    /// The agent.
    pub agent_id: u32,
    /// The server's uuid.
    pub xivo_uuid: &'a str,
    /// `logged_in` / `logged_out`.
    pub status: &'static str,
}

/// The data of `endpoint_status_update`.
#[derive(Debug, Serialize)]
pub struct EndpointStatusData<'a> {
    /// The line.
    pub endpoint_id: u32,
    /// The server's uuid.
    pub xivo_uuid: &'a str,
    /// Hint code.
    pub status: i32,
}

/// The id of another node's agent or line as its bus message gave it: a number when it is one.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum RemoteId<'a> {
    /// A numeric id (as xivo-ctid sends local ones).
    Number(u64),
    /// Any other id, as text.
    Text(&'a str),
}

impl<'a> RemoteId<'a> {
    /// The id as a number when it is one.
    pub fn of(id: &'a str) -> RemoteId<'a> {
        id.parse().map_or(RemoteId::Text(id), RemoteId::Number)
    }
}

/// The status of another node's object, as its bus message gave it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum RemoteStatusValue<'a> {
    /// A name (presence, `logged_in`).
    Name(&'a str),
    /// A code (a device state), passed on verbatim.
    Code(i64),
}

/// The data of `user_status_update` for a user of another node (no `user_id`: the bus names
/// users by uuid).
#[derive(Debug, Serialize)]
pub struct RemoteUserStatusData<'a> {
    /// The user's uuid.
    pub user_uuid: &'a str,
    /// The user's node.
    pub xivo_uuid: &'a str,
    /// Presence name.
    pub status: RemoteStatusValue<'a>,
}

/// The data of `agent_status_update` for an agent of another node.
#[derive(Debug, Serialize)]
pub struct RemoteAgentStatusData<'a> {
    /// The agent.
    pub agent_id: RemoteId<'a>,
    /// The agent's node.
    pub xivo_uuid: &'a str,
    /// Status as published.
    pub status: RemoteStatusValue<'a>,
}

/// The data of `endpoint_status_update` for a line of another node.
#[derive(Debug, Serialize)]
pub struct RemoteEndpointStatusData<'a> {
    /// The line.
    pub endpoint_id: RemoteId<'a>,
    /// The line's node.
    pub xivo_uuid: &'a str,
    /// Hint code as published.
    pub status: RemoteStatusValue<'a>,
}
