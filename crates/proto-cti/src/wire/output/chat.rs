//! `chitchat` as the recipient gets it.

use serde::Serialize;

/// `chitchat` (to the recipient).
#[derive(Debug, Serialize)]
pub struct ChitchatOut<'a> {
    /// Always `chitchat`.
    pub class: &'static str,
    /// `[xivo_uuid, user_uuid]` of the sender.
    pub from: [&'a str; 2],
    /// `[xivo_uuid, user_uuid]` of the recipient.
    pub to: [&'a str; 2],
    /// Sender's display name.
    pub alias: &'a str,
    /// The message.
    pub text: &'a str,
}
