//! `chitchat`: a message to a user (`to: [xivo_uuid, user_uuid]`). A text over 4 KiB is refused
//! when the line is parsed (`field_too_long:text`); the core checks it again and the per-sender
//! rate (`rate_limited`) and delivers it; the
//! recipient's sessions get `{class:chitchat, from, to, alias, text}` on their own-user topic,
//! where `alias` is the sender's configured full name: the client's `alias` is not passed on,
//! so nobody can sign a message with another user's name.

use ctid_core::Command;

use crate::errors::command_error;
use crate::session::{Session, SessionEnd};
use crate::wire::input::Chitchat;

/// Serves `chitchat`.
pub(crate) async fn chitchat(s: &mut Session, m: Chitchat) -> Result<(), SessionEnd> {
    let result = s
        .core
        .execute(Command::Chat {
            from: s.user,
            to_xivo_uuid: m.to.0,
            to_user_uuid: m.to.1,
            text: m.text,
        })
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) => s.error("chitchat", &command_error(&e, "")).await,
    }
}
