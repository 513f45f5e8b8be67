//! Voicemail: `MessageWaiting` (`Mailbox: 1002@default`, `New`, `Old`).

use ctid_core::pbx::PbxEvent;

use super::{Fields, Translator, names};

impl Translator {
    pub(super) fn message_waiting(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let mailbox = e.some("Mailbox")?;
        let Some(voicemail) = names::voicemail(&self.dataset, mailbox) else {
            tracing::debug!(mailbox, "message waiting for a box not in the dataset");
            return None;
        };
        // Older versions send only `Waiting` (a count of new messages, or a flag).
        let new = e.number("New").or_else(|| e.number("Waiting"))?;
        out.push(PbxEvent::MessageWaiting {
            voicemail,
            new,
            old: e.number("Old").unwrap_or(0),
        });
        Some(())
    }
}
