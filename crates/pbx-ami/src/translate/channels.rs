//! Channels: `Newchannel`, `Newstate`, `NewCallerid`, `NewConnectedLine`, `Hold`/`Unhold`,
//! `Hangup`, and listening (`ChanSpyStart`/`ChanSpyStop`).

use ctid_core::ids::UniqueId;
use ctid_core::live::ChannelState;
use ctid_core::pbx::PbxEvent;

use super::names;
use super::{Fields, Translator};

/// The channel an event is about.
pub(crate) fn uniqueid(e: Fields<'_>) -> Option<UniqueId> {
    e.some("Uniqueid").map(UniqueId::from)
}

/// The channel state of an AMI code; `Dialing Offhook` (8) reads as dialling, `Pre-ring` (9) as
/// ringing, `Rsrvd` (1) and unknown codes as down.
pub fn state(code: u8) -> ChannelState {
    match code {
        8 => ChannelState::Dialing,
        9 => ChannelState::Ringing,
        code => ChannelState::from_code(code),
    }
}

impl Translator {
    pub(super) fn new_channel(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let uniqueid = uniqueid(e)?;
        let name = e.some("Channel")?;
        let linkedid = e
            .some("Linkedid")
            .map(UniqueId::from)
            .unwrap_or_else(|| uniqueid.clone());
        out.push(PbxEvent::ChannelCreated {
            uniqueid,
            linkedid,
            name: name.to_owned(),
            endpoint: names::endpoint_of_channel(&self.dataset, name),
            caller: names::party(e.get("CallerIDNum"), e.get("CallerIDName")),
            exten: e.get("Exten").unwrap_or_default().to_owned(),
            state: state(e.number("ChannelState")?),
        });
        Some(())
    }

    pub(super) fn new_state(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::ChannelStateChanged {
            uniqueid: uniqueid(e)?,
            state: state(e.number("ChannelState")?),
        });
        Some(())
    }

    pub(super) fn new_caller_id(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::CallerIdChanged {
            uniqueid: uniqueid(e)?,
            caller: names::party(e.get("CallerIDNum"), e.get("CallerIDName")),
        });
        Some(())
    }

    pub(super) fn new_connected_line(
        &mut self,
        e: Fields<'_>,
        out: &mut Vec<PbxEvent>,
    ) -> Option<()> {
        out.push(PbxEvent::ConnectedLineChanged {
            uniqueid: uniqueid(e)?,
            connected: names::party(e.get("ConnectedLineNum"), e.get("ConnectedLineName")),
        });
        Some(())
    }

    pub(super) fn hold(
        &mut self,
        e: Fields<'_>,
        held: bool,
        out: &mut Vec<PbxEvent>,
    ) -> Option<()> {
        let uniqueid = uniqueid(e)?;
        out.push(if held {
            PbxEvent::Hold { uniqueid }
        } else {
            PbxEvent::Unhold { uniqueid }
        });
        Some(())
    }

    pub(super) fn hangup(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::Hangup {
            uniqueid: uniqueid(e)?,
            // Asterisk always sends the cause; 0 (not defined) when it does not.
            cause: e.number("Cause").unwrap_or(0),
        });
        Some(())
    }

    pub(super) fn spy_start(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::SpyStart {
            spier: e.some("SpyerUniqueid").map(UniqueId::from)?,
            spyee: e.some("SpyeeUniqueid").map(UniqueId::from)?,
        });
        Some(())
    }

    pub(super) fn spy_stop(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        out.push(PbxEvent::SpyStop {
            spier: e.some("SpyerUniqueid").map(UniqueId::from)?,
        });
        Some(())
    }
}
