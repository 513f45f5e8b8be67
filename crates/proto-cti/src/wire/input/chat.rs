//! `chitchat`: a message to another user.

use serde::Deserialize;

use super::capped::max_bytes;
use crate::wire::limits::{NAME_BYTES, TEXT_BYTES, UUID_BYTES};

/// `chitchat`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Chitchat {
    /// `[xivo_uuid, user_uuid]`.
    #[serde(deserialize_with = "max_bytes::<_, _, UUID_BYTES>")]
    pub to: (String, String),
    /// The display name the client proposes (not passed on: recipients see the sender's
    /// configured full name).
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub alias: String,
    /// The message.
    #[serde(deserialize_with = "max_bytes::<_, _, TEXT_BYTES>")]
    pub text: String,
}
