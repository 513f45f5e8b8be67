//! Registration: `PeerStatus` (chan_sip and chan_pjsip: `Peer: SIP/1001`, `PeerStatus:
//! Registered|Reachable|Lagged` or `Unregistered|Unreachable|Rejected`) and `ContactStatus`
//! (chan_pjsip: `AOR: 1005`, `ContactStatus: Created|Reachable|NonQualified|Updated` or
//! `Removed|Unreachable`) → `LineRegistration`.

use ctid_core::pbx::PbxEvent;

use super::{Fields, Translator, names};

/// Whether a `PeerStatus` or `ContactStatus` value means the phone can be reached.
pub(crate) fn reachable(status: &str) -> Option<bool> {
    match status {
        "Registered" | "Reachable" | "Lagged" | "Created" | "NonQualified" | "Updated" => {
            Some(true)
        }
        "Unregistered" | "Unreachable" | "Rejected" | "Removed" => Some(false),
        _ => None,
    }
}

impl Translator {
    pub(super) fn peer_status(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let peer = e.some("Peer")?;
        let registered = reachable(e.get("PeerStatus")?)?;
        let Some(line) = names::line_of_interface(&self.dataset, peer) else {
            tracing::debug!(peer, "status of a peer that is no line");
            return None;
        };
        out.push(PbxEvent::LineRegistration { line, registered });
        Some(())
    }

    pub(super) fn contact_status(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let aor = e.some("AOR").or_else(|| e.some("EndpointName"))?;
        let registered = reachable(e.get("ContactStatus")?)?;
        let Some(line) = names::line_of_interface(&self.dataset, &format!("PJSIP/{aor}")) else {
            tracing::debug!(aor, "contact of an AOR that is no line");
            return None;
        };
        out.push(PbxEvent::LineRegistration { line, registered });
        Some(())
    }
}
