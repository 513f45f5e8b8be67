//! Transfers: `BlindTransfer` and `AttendedTransfer` (completion).
//!
//! Asterisk reports an attended transfer only when it completes (`Result: Success`); the
//! consultation call itself is ordinary channels, dials and bridges, and a cancelled one
//! (`CancelAtxfer`) sends no transfer event at all (the ATXFER_CANCEL recording): the
//! consultation channel's hangup and the transferer's `Unhold` are what the core sees.

use ctid_core::ids::UniqueId;
use ctid_core::pbx::{AttendedTransferState, PbxEvent};

use super::{Fields, Translator};

impl Translator {
    pub(super) fn blind_transfer(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        if e.get("Result") != Some("Success") {
            tracing::debug!(result = e.get("Result"), "blind transfer failed");
            return Some(());
        }
        out.push(PbxEvent::BlindTransfer {
            transferer: e.some("TransfererUniqueid").map(UniqueId::from)?,
            transferee: e.some("TransfereeUniqueid").map(UniqueId::from),
            destination: e.get("Extension").unwrap_or_default().to_owned(),
        });
        Some(())
    }

    pub(super) fn attended_transfer(
        &mut self,
        e: Fields<'_>,
        out: &mut Vec<PbxEvent>,
    ) -> Option<()> {
        if e.get("Result") != Some("Success") {
            tracing::debug!(result = e.get("Result"), "attended transfer failed");
            return Some(());
        }
        out.push(PbxEvent::AttendedTransfer {
            transferer: e.some("OrigTransfererUniqueid").map(UniqueId::from)?,
            target: e.some("TransferTargetUniqueid").map(UniqueId::from),
            state: AttendedTransferState::Completed,
        });
        Some(())
    }
}
