//! Conference messages: `meetme_update` (rooms and members) and `meetme_user`.

use std::collections::BTreeMap;

use serde::Serialize;

/// `meetme_update`.
#[derive(Debug, Serialize)]
pub struct MeetmeUpdate {
    /// Always `meetme_update`.
    pub class: &'static str,
    /// Room number → room.
    pub config: BTreeMap<String, MeetmeRoomOut>,
}

/// One room of `meetme_update`.
#[derive(Debug, Serialize)]
pub struct MeetmeRoomOut {
    /// Name.
    pub name: String,
    /// Number.
    pub number: String,
    /// Whether a PIN is needed.
    pub pin_required: bool,
    /// When the first member joined (float seconds), or 0.
    pub start_time: f64,
    /// Members present.
    pub member_count: usize,
    /// Join order → member.
    pub members: BTreeMap<String, MeetmeMemberOut>,
}

/// One member of a room.
#[derive(Debug, Serialize)]
pub struct MeetmeMemberOut {
    /// Join order.
    pub join_order: u32,
    /// When it joined (float seconds).
    pub join_time: f64,
    /// Caller number.
    pub number: String,
    /// Caller name.
    pub name: String,
    /// Muted.
    pub muted: bool,
}

/// `meetme_user`: where a user sits in conference rooms.
#[derive(Debug, Serialize)]
pub struct MeetmeUser {
    /// Always `meetme_user`.
    pub class: &'static str,
    /// The user's places.
    pub list: Vec<MeetmeUserEntry>,
}

/// One place of `meetme_user`.
#[derive(Debug, Serialize)]
pub struct MeetmeUserEntry {
    /// The room's number.
    pub room_number: String,
    /// The user's join order in it.
    pub user_number: u32,
}
