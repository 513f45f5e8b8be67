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
