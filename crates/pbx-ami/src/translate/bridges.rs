//! Dialling and bridges: `DialBegin`, `DialEnd` with its status, `BridgeEnter`, `BridgeLeave`.
//!
//! `BridgeMerge` and `LocalBridge` need no translation: when Asterisk merges two bridges (an
//! attended transfer completing) it reports each channel moved with its own `BridgeLeave` and
//! `BridgeEnter` (the ATXFER recording shows them right after the `BridgeMerge`), and a
//! `LocalBridge` only says that the two halves of a `Local` channel belong together (each half
//! is a channel of its own for the core, linked through its dial and bridges).

use ctid_core::ids::{BridgeId, UniqueId};
use ctid_core::live::DialStatus;
use ctid_core::pbx::PbxEvent;

use super::channels::uniqueid;
use super::{Fields, Translator};

/// A final `DialStatus` (`RINGING`, `PROCEEDING`... are not final and read as `None`).
pub(crate) fn dial_status(value: &str) -> Option<DialStatus> {
    Some(match value {
        "ANSWER" => DialStatus::Answer,
        "BUSY" => DialStatus::Busy,
        "NOANSWER" => DialStatus::NoAnswer,
        "CANCEL" => DialStatus::Cancel,
        "CONGESTION" => DialStatus::Congestion,
        "CHANUNAVAIL" | "INVALIDARGS" | "DONTCALL" | "TORTURE" => DialStatus::ChanUnavail,
        _ => return None,
    })
}

impl Translator {
    pub(super) fn dial_begin(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::DialBegin {
            // An originate's first leg has only the `Dest*` fields.
            caller: uniqueid(e),
            callee: e.some("DestUniqueid").map(UniqueId::from)?,
            destination: e.get("DialString").unwrap_or_default().to_owned(),
        });
        Some(())
    }

    pub(super) fn dial_end(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let callee = e.some("DestUniqueid").map(UniqueId::from)?;
        let status = dial_status(e.get("DialStatus")?)?;
        out.push(PbxEvent::DialEnd {
            caller: uniqueid(e),
            callee,
            status,
        });
        Some(())
    }

    pub(super) fn bridge_enter(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::BridgeEnter {
            bridge: BridgeId::new(e.some("BridgeUniqueid")?),
            uniqueid: uniqueid(e)?,
        });
        Some(())
    }

    pub(super) fn bridge_leave(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::BridgeLeave {
            bridge: BridgeId::new(e.some("BridgeUniqueid")?),
            uniqueid: uniqueid(e)?,
        });
        Some(())
    }
}
