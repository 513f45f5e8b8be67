//! What `GET /sim/calls` shows: live calls (channels grouped by linked id) with each channel's
//! line, parties, state, hold, bridge and activity.

use std::collections::{BTreeMap, HashMap};

use ctid_core::ids::{BridgeId, UniqueId};
use ctid_core::live::{ChannelState, Endpoint, Party};
use serde::{Deserialize, Serialize};

use crate::sim::Sim;
use crate::world::Role;

/// A live call: the channels sharing a linked id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimCall {
    /// The call's id: its linked id (the unique id of the channel that started it).
    pub call_id: UniqueId,
    /// Its channels, oldest first.
    pub channels: Vec<SimChannel>,
}

/// One channel of a live call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimChannel {
    /// Unique id.
    pub uniqueid: UniqueId,
    /// Linked id.
    pub linkedid: UniqueId,
    /// Channel name (`SIP/1001-0000000a`).
    pub name: String,
    /// What it is attached to.
    pub endpoint: Endpoint,
    /// The number of its line, for a line's channel.
    pub line: Option<String>,
    /// Its caller-id.
    pub caller: Party,
    /// The party it talks to or rings.
    pub connected: Party,
    /// The extension dialled.
    pub exten: String,
    /// Channel state.
    pub state: ChannelState,
    /// Whether it holds its call.
    pub held: bool,
    /// The bridge it is in.
    pub bridge: Option<BridgeId>,
    /// What it does: `idle`, `dialing`, `ringing`, `talking`, `queued`, `voicemail`,
    /// `voicemail_consult`, `conference`, `listening`.
    pub activity: String,
    /// The queue it waits in.
    pub queue: Option<String>,
    /// The conference room it is in.
    pub room: Option<String>,
    /// Whether it is muted in its conference room.
    pub muted: bool,
    /// Its variables.
    pub variables: BTreeMap<String, String>,
    /// DTMF digits its phone sent during the call (the last 64).
    #[serde(default)]
    pub dtmf: String,
}

impl Sim {
    /// Every live call, oldest first.
    pub fn snapshot(&self) -> Vec<SimCall> {
        let mut chans: Vec<_> = self.world.channels.values().collect();
        chans.sort_by_key(|c| c.seq);
        let mut calls: Vec<SimCall> = Vec::new();
        let mut index: HashMap<UniqueId, usize> = HashMap::new();
        for c in chans {
            let channel = SimChannel {
                uniqueid: c.id.clone(),
                linkedid: c.linkedid.clone(),
                name: c.name.clone(),
                endpoint: c.endpoint.clone(),
                line: c
                    .line()
                    .and_then(|l| self.ds.line(l))
                    .map(|l| l.number.clone()),
                caller: c.caller.clone(),
                connected: c.connected.clone(),
                exten: c.exten.clone(),
                state: c.state,
                held: c.held,
                bridge: c.bridge.clone(),
                activity: c.role.label().to_owned(),
                queue: match c.role {
                    Role::Queued(q) => self.ds.queue(q).map(|q| q.name.clone()),
                    _ => None,
                },
                room: match c.role {
                    Role::Conference(r) => self.ds.room(r).map(|r| r.number.clone()),
                    _ => None,
                },
                muted: match c.role {
                    Role::Conference(r) => self.conference_muted(r, &c.id),
                    _ => false,
                },
                variables: c.vars.iter().cloned().collect(),
                dtmf: c.dtmf.clone(),
            };
            match index.get(&c.linkedid) {
                Some(&i) => calls[i].channels.push(channel),
                None => {
                    index.insert(c.linkedid.clone(), calls.len());
                    calls.push(SimCall {
                        call_id: c.linkedid.clone(),
                        channels: vec![channel],
                    });
                }
            }
        }
        calls
    }
}
