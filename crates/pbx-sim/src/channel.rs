//! Channel and bridge primitives: creating a channel, changing its state, caller-id, connected
//! line and variables, entering and leaving bridges, each with the event Asterisk would send.

use ctid_core::ids::{BridgeId, LineId, UniqueId};
use ctid_core::live::{ChannelState, Endpoint, Party};
use ctid_core::pbx::PbxEvent;

use crate::sim::Sim;
use crate::world::{Bridge, BridgeKind, Channel, Role};

/// What a new channel is.
#[derive(Clone, Debug)]
pub(crate) struct NewChannel {
    /// What it is attached to.
    pub endpoint: Endpoint,
    /// The call it belongs to (none: it starts a call of its own).
    pub linkedid: Option<UniqueId>,
    /// Its caller-id.
    pub caller: Party,
    /// The extension it dials or is dialled with.
    pub exten: String,
    /// Initial state.
    pub state: ChannelState,
    /// An outside caller coming in through the trunk.
    pub inbound: bool,
}

impl Sim {
    /// Whether `n` more channels fit under `max_channels`.
    pub fn can_create(&self, n: usize) -> bool {
        self.world.channels.len() + n <= self.cfg.max_channels
    }

    /// The caller-id of a line: its number and its owner's name.
    pub fn line_party(&self, line: LineId) -> Party {
        let number = self
            .ds
            .line(line)
            .map(|l| l.number.clone())
            .unwrap_or_default();
        let name = self
            .ds
            .user_of_line(line)
            .map(|u| u.fullname())
            .unwrap_or_default();
        Party::new(number, name)
    }

    /// Creates a channel (`ChannelCreated`).
    pub fn create_channel(&mut self, spec: NewChannel) -> UniqueId {
        let id = self.ids.unique();
        let linkedid = spec.linkedid.unwrap_or_else(|| id.clone());
        let name = match &spec.endpoint {
            Endpoint::Line(l) => {
                let interface = self
                    .ds
                    .line(*l)
                    .map(|l| l.interface())
                    .unwrap_or_else(|| format!("SIP/line{l}"));
                self.ids.sip_name(&interface)
            }
            Endpoint::Trunk => self.ids.sip_name("SIP/trunk"),
            Endpoint::Local => self.ids.local_name(&spec.exten),
        };
        self.emit(PbxEvent::ChannelCreated {
            uniqueid: id.clone(),
            linkedid: linkedid.clone(),
            name: name.clone(),
            endpoint: spec.endpoint.clone(),
            caller: spec.caller.clone(),
            exten: spec.exten.clone(),
            state: spec.state,
        });
        self.next_seq += 1;
        let channel = Channel {
            id: id.clone(),
            linkedid,
            name,
            endpoint: spec.endpoint,
            caller: spec.caller,
            connected: Party::default(),
            exten: spec.exten,
            state: spec.state,
            held: false,
            bridge: None,
            vars: Vec::new(),
            inbound: spec.inbound,
            seq: self.next_seq,
            dtmf: String::new(),
            role: Role::Idle,
        };
        self.world.insert(channel);
        id
    }

    /// Changes a channel's state (`ChannelStateChanged`), if it differs.
    pub fn set_state(&mut self, id: &UniqueId, state: ChannelState) {
        let Some(ch) = self.world.get_mut(id) else {
            return;
        };
        if ch.state == state {
            return;
        }
        ch.state = state;
        self.emit(PbxEvent::ChannelStateChanged {
            uniqueid: id.clone(),
            state,
        });
    }

    /// Changes the party a channel is connected to (`ConnectedLineChanged`), if it differs.
    pub fn set_connected(&mut self, id: &UniqueId, party: Party) {
        let Some(ch) = self.world.get_mut(id) else {
            return;
        };
        if ch.connected == party {
            return;
        }
        ch.connected = party.clone();
        self.emit(PbxEvent::ConnectedLineChanged {
            uniqueid: id.clone(),
            connected: party,
        });
    }

    /// Changes a channel's own caller-id (`CallerIdChanged`), if it differs.
    pub fn set_caller(&mut self, id: &UniqueId, party: Party) {
        let Some(ch) = self.world.get_mut(id) else {
            return;
        };
        if ch.caller == party {
            return;
        }
        ch.caller = party.clone();
        self.emit(PbxEvent::CallerIdChanged {
            uniqueid: id.clone(),
            caller: party,
        });
    }

    /// Sets a channel variable (`VarSet`).
    pub fn set_var(&mut self, id: &UniqueId, name: &str, value: &str) {
        let Some(ch) = self.world.get_mut(id) else {
            return;
        };
        match ch.vars.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value.to_owned(),
            None => ch.vars.push((name.to_owned(), value.to_owned())),
        }
        self.emit(PbxEvent::VarSet {
            uniqueid: id.clone(),
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }

    /// Sets a variable only when its value changes.
    pub fn set_var_if_changed(&mut self, id: &UniqueId, name: &str, value: &str) {
        let same = self
            .world
            .get(id)
            .is_some_and(|c| c.var(name) == Some(value));
        if !same {
            self.set_var(id, name, value);
        }
    }

    /// Copies `from`'s `USR_*` variables onto `to` (as Asterisk does with inherited variables).
    pub fn inherit_usr_vars(&mut self, from: &UniqueId, to: &UniqueId) {
        let vars = self
            .world
            .get(from)
            .map(|c| c.usr_vars())
            .unwrap_or_default();
        for (name, value) in vars {
            self.set_var_if_changed(to, &name, &value);
        }
    }

    /// Sets what a channel is doing.
    pub fn set_role(&mut self, id: &UniqueId, role: Role) {
        if let Some(ch) = self.world.get_mut(id) {
            ch.role = role;
        }
    }

    /// A new, empty bridge.
    pub fn create_bridge(&mut self, kind: BridgeKind) -> BridgeId {
        let id = self.ids.bridge(&mut self.rng);
        self.world.bridges.insert(
            id.clone(),
            Bridge {
                kind,
                members: Vec::new(),
            },
        );
        id
    }

    /// Puts a channel into a bridge (`BridgeEnter`), out of the one it was in.
    pub fn bridge_enter(&mut self, bridge: &BridgeId, id: &UniqueId) {
        if !self.world.exists(id) || !self.world.bridges.contains_key(bridge) {
            return;
        }
        if self.world.get(id).and_then(|c| c.bridge.as_ref()) == Some(bridge) {
            return;
        }
        self.bridge_leave(id);
        if let Some(b) = self.world.bridges.get_mut(bridge) {
            b.members.push(id.clone());
        }
        if let Some(ch) = self.world.get_mut(id) {
            ch.bridge = Some(bridge.clone());
        }
        self.emit(PbxEvent::BridgeEnter {
            bridge: bridge.clone(),
            uniqueid: id.clone(),
        });
    }

    /// Takes a channel out of its bridge (`BridgeLeave`); an emptied bridge is destroyed. A
    /// call bridge left with two of three or more parties tells each remaining one who it now
    /// talks to (`ConnectedLineChanged`, as Asterisk does when a bridge is reconfigured to two
    /// parties). Returns the bridge it left.
    pub fn bridge_leave(&mut self, id: &UniqueId) -> Option<BridgeId> {
        let bridge = self.world.get_mut(id)?.bridge.take()?;
        let mut empty = false;
        let mut pair = None;
        if let Some(b) = self.world.bridges.get_mut(&bridge) {
            let before = b.members.len();
            b.members.retain(|m| m != id);
            empty = b.members.is_empty();
            if b.kind == BridgeKind::Call && before > 2 && b.members.len() == 2 {
                pair = Some((b.members[0].clone(), b.members[1].clone()));
            }
        }
        if empty {
            self.world.bridges.remove(&bridge);
        }
        self.emit(PbxEvent::BridgeLeave {
            bridge: bridge.clone(),
            uniqueid: id.clone(),
        });
        if let Some((a, b)) = pair {
            let party = |sim: &Sim, c: &UniqueId| {
                sim.world
                    .get(c)
                    .map(|c| c.caller.clone())
                    .unwrap_or_default()
            };
            let (pa, pb) = (party(self, &a), party(self, &b));
            self.set_connected(&a, pb);
            self.set_connected(&b, pa);
        }
        Some(bridge)
    }

    /// Bridges a callee that answered with its caller: the callee enters first, as in
    /// Asterisk. Both are then talking.
    pub fn connect(&mut self, callee: &UniqueId, caller: &UniqueId) {
        let bridge = self.create_bridge(BridgeKind::Call);
        self.bridge_enter(&bridge, callee);
        self.bridge_enter(&bridge, caller);
        self.set_role(callee, Role::Talking);
        self.set_role(caller, Role::Talking);
    }

    /// Answers a channel that is not up yet (an application answers it).
    pub fn answer_channel(&mut self, id: &UniqueId) {
        self.set_state(id, ChannelState::Up);
    }
}
