//! `confbridge.conf`: the bridge and user profiles the conference rooms of `extensions.conf`
//! use (a room is a ConfBridge named by its number, as the adapter finds rooms), and a menu
//! with the usual keys. A room's PIN is asked by the dialplan.

use ctid_core::Dataset;

use super::{GenerateError, header, token};

/// The bridge profile of ctid's rooms.
pub const BRIDGE_PROFILE: &str = "ctid_bridge";
/// The user profile of ctid's rooms.
pub const USER_PROFILE: &str = "ctid_user";
/// The menu of ctid's rooms.
pub const MENU: &str = "ctid_menu";

/// The text of `confbridge.conf`.
pub fn generate(dataset: &Dataset) -> Result<String, GenerateError> {
    for room in dataset.rooms() {
        token(|| format!("room {} number", room.id), &room.number)?;
    }
    let mut out = header(
        "confbridge.conf",
        "the profiles of the conference rooms (rooms are in extensions.conf)",
    );
    out.push_str(&format!(
        "\n[{BRIDGE_PROFILE}]\ntype = bridge\nmax_members = 50\nrecord_conference = no\n\
         \n[{USER_PROFILE}]\ntype = user\nannounce_user_count = yes\nannounce_join_leave = no\n\
         dsp_drop_silence = yes\ntalk_detection_events = yes\n\
         \n[{MENU}]\ntype = menu\n*1 = toggle_mute\n*2 = leave_conference\n"
    ));
    Ok(out)
}
