//! `chitchat`: a message to another user.

use serde::Deserialize;

/// `chitchat`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Chitchat {
    /// `[xivo_uuid, user_uuid]`.
    pub to: (String, String),
    /// The display name the client proposes (not passed on: recipients see the sender's
    /// configured full name).
    pub alias: String,
    /// The message.
    pub text: String,
}
