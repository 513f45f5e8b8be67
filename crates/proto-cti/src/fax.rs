//! `faxsend`: a fax sent inline (base64 `data` of `size` bytes). The document is decoded and its
//! size checked, the core is asked to send it, the client gets xivo-ctid's immediate
//! acknowledgement, then `fax_progress` pushes (`PRESENDFAX`, `SUCCESS`/`FAILED`) on its
//! own-user topic.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use ctid_core::Command;

use crate::errors::command_error;
use crate::session::{Session, SessionEnd};
use crate::wire::input::FaxSend;
use crate::wire::output::FaxSendAck;

/// Serves `faxsend`.
pub(crate) async fn faxsend(s: &mut Session, m: FaxSend) -> Result<(), SessionEnd> {
    let data: Vec<u8> = m
        .data
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let decoded = match STANDARD.decode(&data) {
        Ok(d) => d,
        Err(_) => return s.error("faxsend", "invalid_field:data").await,
    };
    if decoded.is_empty() {
        return s.error("faxsend", "empty_document").await;
    }
    if decoded.len() as u64 != m.size.0 {
        return s.error("faxsend", "size_mismatch").await;
    }
    let destination = m.destination.0.trim().to_owned();
    if destination.is_empty() {
        return s.error("faxsend", "invalid_field:destination").await;
    }
    let result = s
        .core
        .execute(Command::SendFax {
            user: s.user,
            destination,
            size: decoded.len(),
        })
        .await;
    match result {
        Ok(_) => {
            s.reply(&FaxSendAck {
                class: "faxsend",
                replyid: s.commandid.as_ref(),
                warning_string: "return_is_none",
            })
            .await
        }
        Err(e) => s.error("faxsend", &command_error(&e, "")).await,
    }
}
