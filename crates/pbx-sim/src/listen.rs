//! Supervisor listen: the supervisor's phone is rung with auto-answer; once up it hears the
//! target line's current call (`SpyStart`), until either side ends (`SpyStop`).

use ctid_core::ids::{LineId, UniqueId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint};
use ctid_core::pbx::PbxEvent;

use crate::causes;
use crate::channel::NewChannel;
use crate::sim::Sim;
use crate::world::{Ring, RingPurpose, Role};

impl Sim {
    /// Rings `listener` to listen to `target`'s calls.
    pub fn listen(&mut self, listener: LineId, target: LineId) {
        let Some(cfg) = self.ds.line(listener).cloned() else {
            tracing::debug!(%listener, "listen from an unknown line ignored");
            self.refuse("listen from an unknown line");
            return;
        };
        if self.ds.line(target).is_none()
            || !self.line_reachable(listener)
            || (self.world.line_in_use(listener) && !cfg.call_waiting)
            || !self.can_create(1)
        {
            tracing::debug!(%listener, %target, "listen impossible, ignored");
            self.refuse("listen impossible");
            return;
        }
        let target_party = self.line_party(target);
        let leg = self.create_channel(NewChannel {
            endpoint: Endpoint::Line(listener),
            linkedid: None,
            caller: self.line_party(listener),
            exten: target_party.number.clone(),
            state: ChannelState::Down,
            inbound: false,
        });
        self.set_connected(&leg, target_party);
        self.emit(PbxEvent::DialBegin {
            caller: None,
            callee: leg.clone(),
            destination: cfg.number,
        });
        self.set_state(&leg, ChannelState::Ringing);
        let token = self.timers.token();
        self.set_role(
            &leg,
            Role::Ringing(Ring {
                caller: None,
                started: self.now,
                purpose: RingPurpose::Listen { target },
                token,
            }),
        );
        self.answer(&leg);
    }

    /// The supervisor's phone answered: it starts listening, or hangs up when the target line
    /// has no call.
    pub fn listen_answered(&mut self, leg: &UniqueId, target: LineId) {
        self.set_state(leg, ChannelState::Up);
        self.emit(PbxEvent::DialEnd {
            caller: None,
            callee: leg.clone(),
            status: DialStatus::Answer,
        });
        let spyee = self.current_call_channel(target);
        match spyee {
            Some(spyee) => {
                self.set_role(leg, Role::Spying(spyee.clone()));
                self.emit(PbxEvent::SpyStart {
                    spier: leg.clone(),
                    spyee,
                });
            }
            None => {
                self.set_role(leg, Role::Idle);
                self.hangup(leg, causes::NORMAL);
            }
        }
    }

    /// The channel of a line's current conversation: an answered, not held one, preferring
    /// the most recent.
    pub fn current_call_channel(&self, line: LineId) -> Option<UniqueId> {
        self.world
            .on_line(line)
            .into_iter()
            .rev()
            .find(|c| c.state == ChannelState::Up && !c.held && !matches!(c.role, Role::Spying(_)))
            .map(|c| c.id.clone())
    }
}
