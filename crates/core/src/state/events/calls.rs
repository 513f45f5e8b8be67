//! Channel events: creation, state changes, caller-id and connected-line changes, dialling,
//! bridging, hold, attached variables and hangup — with the phone events and call-log entries
//! they produce for line channels.

use crate::event::Event;
use crate::ids::{BridgeId, UniqueId};
use crate::live::{CallDirection, ChannelState, Endpoint, Party, PhoneEventKind};
use crate::state::State;
use crate::state::calllog;
use crate::state::channels::{NewChannel, PeerInfo, PeerKind};
use crate::state::lines::phone_event;
use crate::time::Timestamp;

impl State {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_channel_created(
        &mut self,
        now: Timestamp,
        uniqueid: &UniqueId,
        linkedid: &UniqueId,
        name: &str,
        endpoint: &Endpoint,
        caller: &Party,
        exten: &str,
        state: ChannelState,
        out: &mut Vec<Event>,
    ) {
        let line = match endpoint {
            Endpoint::Line(l) if self.lines.get(*l).is_some() => Some(*l),
            Endpoint::Line(l) => {
                tracing::debug!(line = %l, %uniqueid, "channel on an unknown line");
                None
            }
            _ => None,
        };
        let new = NewChannel {
            uniqueid,
            linkedid,
            name,
            endpoint,
            line,
            caller,
            exten,
            state,
        };
        if self.channels.insert(now, new).is_none() {
            return;
        }
        let Some(line_id) = line else { return };
        if matches!(state, ChannelState::Ring | ChannelState::Dialing) {
            // Until the callee appears, the other party is the line the number reaches.
            let dialled = self.dialled_line_info(exten);
            if let Some(ch) = self.channels.get_mut(uniqueid) {
                ch.peer_info = dialled;
            }
        }
        if let Some(l) = self.lines.get_mut(line_id) {
            l.channels.push(uniqueid.clone());
        }
        self.lines.mark(line_id);
        let kind = match state {
            ChannelState::Ring | ChannelState::Dialing | ChannelState::OffHook => {
                Some(PhoneEventKind::Dialing)
            }
            ChannelState::Ringing => Some(PhoneEventKind::Ringing),
            ChannelState::Up => Some(PhoneEventKind::Established),
            ChannelState::Down | ChannelState::Busy => None,
        };
        if let Some(kind) = kind {
            self.emit_phone(uniqueid, kind, out);
        }
    }

    pub(super) fn on_channel_state(
        &mut self,
        now: Timestamp,
        uniqueid: &UniqueId,
        state: ChannelState,
        out: &mut Vec<Event>,
    ) {
        let Some(ch) = self.channels.get_mut(uniqueid) else {
            tracing::debug!(%uniqueid, "state of an unknown channel");
            return;
        };
        if ch.state == state {
            return;
        }
        ch.state = state;
        if state == ChannelState::Up && ch.answered_at.is_none() {
            ch.answered_at = Some(now);
        }
        let last = ch.last_phone_kind();
        let kind = match state {
            ChannelState::Ringing
                if ch.direction == CallDirection::Incoming
                    && last != Some(PhoneEventKind::Ringing) =>
            {
                Some(PhoneEventKind::Ringing)
            }
            ChannelState::Up if !ch.held && last != Some(PhoneEventKind::Established) => {
                Some(PhoneEventKind::Established)
            }
            ChannelState::Ring | ChannelState::Dialing | ChannelState::OffHook
                if last.is_none() =>
            {
                ch.direction = CallDirection::Outgoing;
                Some(PhoneEventKind::Dialing)
            }
            _ => None,
        };
        let peer = ch.peer.clone();
        self.touch(uniqueid);
        if let Some(peer) = peer
            && let Some(line) = self.channels.get(&peer).and_then(|p| p.line)
        {
            // The other end's call status depends on this end being answered.
            self.lines.mark(line);
        }
        if let Some(kind) = kind {
            self.emit_phone(uniqueid, kind, out);
        }
    }

    pub(super) fn on_caller_id(&mut self, uniqueid: &UniqueId, caller: &Party) {
        let Some(ch) = self.channels.get_mut(uniqueid) else {
            tracing::debug!(%uniqueid, "caller-id of an unknown channel");
            return;
        };
        if &ch.caller == caller {
            return;
        }
        ch.caller = caller.clone();
        let peer = ch.peer.clone();
        self.touch(uniqueid);
        // The peer's snapshot of this channel shows its caller-id (unless this is a line).
        if let Some(peer) = peer
            && self
                .channels
                .get(&peer)
                .is_some_and(|p| p.peer.as_ref() == Some(uniqueid))
        {
            let info = self.peer_info(uniqueid);
            if let Some(p) = self.channels.get_mut(&peer) {
                p.peer_info = info;
            }
            self.touch(&peer);
        }
    }

    pub(super) fn on_connected_line(&mut self, uniqueid: &UniqueId, connected: &Party) {
        let Some(ch) = self.channels.get_mut(uniqueid) else {
            tracing::debug!(%uniqueid, "connected line of an unknown channel");
            return;
        };
        if &ch.connected == connected {
            return;
        }
        ch.connected = connected.clone();
        self.touch(uniqueid);
    }

    pub(super) fn on_dial_begin(
        &mut self,
        caller: Option<&UniqueId>,
        callee: &UniqueId,
        out: &mut Vec<Event>,
    ) {
        // No caller at all: the first leg of an originate (the user's own phone rings first).
        let originate_leg = caller.is_none();
        let caller = caller.filter(|c| self.channels.contains(c));
        let Some(callee_ch) = self.channels.get_mut(callee) else {
            tracing::debug!(%callee, "dial to an unknown channel");
            if let Some(caller) = caller {
                self.caller_dials(caller, out);
            }
            return;
        };
        let callee_was = callee_ch.last_phone_kind();
        let callee_answered = callee_ch.answered_at.is_some();
        if !callee_answered {
            callee_ch.direction = if originate_leg {
                CallDirection::Outgoing
            } else {
                CallDirection::Incoming
            };
        }
        if let Some(caller) = caller {
            // An ACD call reaching a phone through an intermediate channel keeps its queue.
            let inherited = self
                .channels
                .get(caller)
                .map(|c| (c.queue, c.acd_agent))
                .unwrap_or_default();
            if let Some(callee_ch) = self.channels.get_mut(callee)
                && callee_ch.queue.is_none()
            {
                callee_ch.queue = inherited.0;
                callee_ch.acd_agent = callee_ch.acd_agent.or(inherited.1);
            }
            self.link(caller, callee);
            self.caller_dials(caller, out);
        }
        self.touch(callee);
        if originate_leg
            && !callee_answered
            && matches!(callee_was, None | Some(PhoneEventKind::Ringing))
        {
            self.emit_phone(callee, PhoneEventKind::Dialing, out);
        }
    }

    /// The calling side of a dial: an outgoing call, announced once.
    fn caller_dials(&mut self, caller: &UniqueId, out: &mut Vec<Event>) {
        let Some(ch) = self.channels.get_mut(caller) else {
            return;
        };
        let first = ch.last_phone_kind().is_none() && ch.answered_at.is_none();
        if ch.answered_at.is_none() {
            ch.direction = CallDirection::Outgoing;
        }
        self.touch(caller);
        if first {
            self.emit_phone(caller, PhoneEventKind::Dialing, out);
        }
    }

    pub(super) fn on_bridge_enter(&mut self, bridge: &BridgeId, uniqueid: &UniqueId) {
        if !self.channels.contains(uniqueid) {
            tracing::debug!(%uniqueid, %bridge, "unknown channel enters a bridge");
            return;
        }
        if let Some(other) = self.channels.enter_bridge(bridge, uniqueid) {
            self.link(uniqueid, &other);
        }
        self.touch(uniqueid);
    }

    pub(super) fn on_bridge_leave(&mut self, bridge: &BridgeId, uniqueid: &UniqueId) {
        self.channels.leave_bridge(bridge, uniqueid);
        self.link_remaining_pair(bridge);
    }

    /// A bridge left with two channels (a three-party call someone left): they now talk to
    /// each other.
    fn link_remaining_pair(&mut self, bridge: &BridgeId) {
        if let Some((a, b)) = self.channels.pair(bridge) {
            self.link(&a, &b);
        }
    }

    pub(super) fn on_hold(&mut self, uniqueid: &UniqueId, held: bool, out: &mut Vec<Event>) {
        let Some(ch) = self.channels.get_mut(uniqueid) else {
            tracing::debug!(%uniqueid, "hold of an unknown channel");
            return;
        };
        if ch.held == held {
            return;
        }
        ch.held = held;
        let kind = if held {
            Some(PhoneEventKind::OnHold)
        } else {
            (ch.state == ChannelState::Up).then_some(PhoneEventKind::Established)
        };
        self.touch(uniqueid);
        if let Some(kind) = kind {
            self.emit_phone(uniqueid, kind, out);
        }
    }

    pub(super) fn on_var_set(&mut self, uniqueid: &UniqueId, name: &str, value: &str) {
        if !crate::state::channels::keeps_var(name) {
            return;
        }
        match self.channels.get_mut(uniqueid) {
            Some(ch) => {
                ch.set_var(name, value);
            }
            None => tracing::debug!(%uniqueid, name, "variable on an unknown channel"),
        }
    }

    pub(super) fn on_hangup(
        &mut self,
        now: Timestamp,
        uniqueid: &UniqueId,
        cause: u16,
        out: &mut Vec<Event>,
    ) {
        let Some(ch) = self.channels.remove(uniqueid) else {
            tracing::debug!(%uniqueid, "hangup of an unknown channel");
            return;
        };
        if let Some(bridge) = &ch.bridge {
            // Hung up without leaving its bridge first.
            self.link_remaining_pair(bridge);
        }
        if let Some(line_id) = ch.line
            && let Some(line) = self.lines.get_mut(line_id)
        {
            line.channels.retain(|u| u != uniqueid);
            let event = phone_event(PhoneEventKind::Released, line, &ch, &self.dataset);
            out.push(Event::Phone(event));
            if let Some(user) = line.owner
                && calllog::is_logged(&ch, cause)
            {
                out.push(Event::CallLogged(std::sync::Arc::new(calllog::entry(
                    user, &ch, now,
                ))));
            }
            self.lines.mark(line_id);
        }
        if let Some(queue) = ch.waiting_in {
            self.remove_waiting(queue, uniqueid, out);
        }
        if let Some(room) = ch.room
            && let Some(event) = self.rooms.leave(room, uniqueid)
        {
            out.push(event);
        }
        if let Some((supervisor, agent)) = ch.spying {
            out.push(Event::Listen {
                supervisor,
                agent,
                started: false,
            });
        }
        if let Some(user) = ch.transferer_of
            && self
                .transfers
                .get(&user)
                .is_some_and(|t| &t.transferer == uniqueid)
        {
            self.transfers.remove(&user);
        }
        if let Some(agent) = ch.acd_agent
            && let Some(a) = self.agents.get_mut(agent)
            && a.forget_channel(uniqueid)
        {
            self.agents.mark(agent);
        }
    }

    /// Marks what depends on a channel: its line, and the agent whose ACD call it carries.
    pub(in crate::state) fn touch(&mut self, uniqueid: &UniqueId) {
        if let Some(ch) = self.channels.get(uniqueid) {
            if let Some(line) = ch.line {
                self.lines.mark(line);
            }
            if let Some(agent) = ch.acd_agent {
                self.agents.mark(agent);
            }
        }
    }

    /// Builds, records and emits a phone event for a line channel.
    pub(in crate::state) fn emit_phone(
        &mut self,
        uniqueid: &UniqueId,
        kind: PhoneEventKind,
        out: &mut Vec<Event>,
    ) {
        let Some(ch) = self.channels.get_mut(uniqueid) else {
            return;
        };
        let Some(line) = ch.line.and_then(|l| self.lines.get(l)) else {
            return;
        };
        let event = phone_event(kind, line, ch, &self.dataset);
        ch.last_phone = Some(event.clone());
        out.push(Event::Phone(event));
    }

    /// Links two channels as each other's peer (the other end of their call).
    pub(super) fn link(&mut self, a: &UniqueId, b: &UniqueId) {
        if a == b {
            return;
        }
        let info_a = self.peer_info(a);
        let info_b = self.peer_info(b);
        if let Some(ch) = self.channels.get_mut(a) {
            ch.peer = Some(b.clone());
            ch.peer_info = info_b;
        }
        if let Some(ch) = self.channels.get_mut(b) {
            ch.peer = Some(a.clone());
            ch.peer_info = info_a;
        }
        self.touch(a);
        self.touch(b);
    }

    /// The other party of a call dialled to `number`, when it is a configured line.
    fn dialled_line_info(&self, number: &str) -> Option<PeerInfo> {
        let line = self.dataset.line_by_number(number)?;
        let live = self.lines.get(line.id)?;
        Some(PeerInfo {
            kind: PeerKind::Line,
            number: live.number.clone(),
            name: live.owner_name.clone(),
            username: live.owner.map(|_| live.owner_login.clone()),
        })
    }

    /// How a channel looks to the other end of its call.
    fn peer_info(&self, uniqueid: &UniqueId) -> Option<PeerInfo> {
        let ch = self.channels.get(uniqueid)?;
        if let Some(line) = ch.line.and_then(|l| self.lines.get(l)) {
            return Some(PeerInfo {
                kind: PeerKind::Line,
                number: line.number.clone(),
                name: if line.owner.is_some() {
                    line.owner_name.clone()
                } else {
                    ch.caller.name.clone()
                },
                username: line.owner.map(|_| line.owner_login.clone()),
            });
        }
        Some(PeerInfo {
            kind: match ch.endpoint {
                Endpoint::Trunk => PeerKind::Trunk,
                _ => PeerKind::Local,
            },
            number: ch.caller.number.clone(),
            name: ch.caller.name.clone(),
            username: None,
        })
    }
}
