//! DTMF sent on a call as if the phone pressed the keys: the switch takes the digits on an
//! answered channel and keeps the last [`KEPT_DIGITS`] of them on it (shown by `GET
//! /sim/calls`, as what the far end heard); a channel that is not answered refuses them.

use ctid_core::ids::UniqueId;
use ctid_core::live::ChannelState;

use crate::sim::Sim;

/// DTMF digits a channel keeps.
pub const KEPT_DIGITS: usize = 64;

impl Sim {
    /// The phone of channel `id` sends `digits`.
    pub fn send_dtmf(&mut self, id: &UniqueId, digits: &str) {
        let Some(ch) = self.world.get_mut(id) else {
            self.refuse("no such channel");
            return;
        };
        if !digits.is_ascii() {
            self.refuse("DTMF keys are ASCII");
            return;
        }
        if ch.state != ChannelState::Up {
            self.refuse("the call is not answered");
            return;
        }
        ch.dtmf.push_str(digits);
        if ch.dtmf.len() > KEPT_DIGITS {
            let cut = ch.dtmf.len() - KEPT_DIGITS;
            ch.dtmf.drain(..cut);
        }
    }
}
