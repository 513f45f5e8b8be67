//! The outside world calling in: an outside caller dials a line, queue, room or voicemail
//! number through the trunk, and later hangs up.

use ctid_core::dataset::Destination;
use ctid_core::ids::UniqueId;
use ctid_core::live::{ChannelState, Endpoint, Party};

use crate::channel::NewChannel;
use crate::error::SimError;
use crate::routing::normalize;
use crate::sim::Sim;
use crate::validate;

impl Sim {
    /// An outside caller dials `to`; returns the call id (its channel's unique id, also the
    /// call's linked id). An unknown number is accepted and answered with congestion.
    pub fn outside_call(
        &mut self,
        from: &str,
        to: &str,
        caller_name: Option<&str>,
    ) -> Result<UniqueId, SimError> {
        validate::number("from", from)?;
        validate::number("to", to)?;
        validate::name("caller_name", caller_name.unwrap_or(""))?;
        if let Some(Destination::External(n)) = self.ds.resolve(to) {
            return Err(SimError::bad_request(format!(
                "{n} is not an internal number: outside callers call lines, queues, rooms or voicemail"
            )));
        }
        if !self.can_create(2) {
            return Err(SimError::unavailable("the PBX has no channel left"));
        }
        let live = self
            .world
            .channels
            .values()
            .filter(|c| c.endpoint == Endpoint::Trunk && c.inbound)
            .count();
        if live >= self.cfg.max_calls {
            return Err(SimError::unavailable(format!(
                "{live} outside calls are live already (max_calls)"
            )));
        }
        let id = self.create_channel(NewChannel {
            endpoint: Endpoint::Trunk,
            linkedid: None,
            caller: Party::new(from.trim(), caller_name.unwrap_or("").trim()),
            exten: normalize(to),
            state: ChannelState::Ring,
            inbound: true,
        });
        self.route(&id, to, 0);
        Ok(id)
    }

    /// The outside party of a call hangs up. `call_id` is a call's id (linked id) or a trunk
    /// channel's unique id; a call with no outside party is hung up by its first channel.
    pub fn hangup_call(&mut self, call_id: &str) -> Result<(), SimError> {
        let call_id = call_id.trim();
        if call_id.is_empty() || call_id.len() > 128 {
            return Err(SimError::bad_request("invalid call id"));
        }
        let id = UniqueId::from(call_id);
        if self
            .world
            .get(&id)
            .is_some_and(|c| c.endpoint == Endpoint::Trunk)
        {
            self.hangup_request(&id);
            return Ok(());
        }
        let mut call: Vec<(u64, UniqueId, bool)> = self
            .world
            .channels
            .values()
            .filter(|c| c.linkedid == id || c.id == id)
            .map(|c| (c.seq, c.id.clone(), c.endpoint == Endpoint::Trunk))
            .collect();
        if call.is_empty() {
            return Err(SimError::not_found(format!("no call {call_id}")));
        }
        call.sort();
        let trunks: Vec<UniqueId> = call
            .iter()
            .filter(|(_, _, trunk)| *trunk)
            .map(|(_, id, _)| id.clone())
            .collect();
        let targets = if trunks.is_empty() {
            vec![call[0].1.clone()]
        } else {
            trunks
        };
        for target in targets {
            if self.world.exists(&target) {
                self.hangup_request(&target);
            }
        }
        Ok(())
    }
}
