//! Originate (click-to-dial, dial from mobile): ring the user's line — or call the user's
//! mobile through the trunk — first; once that leg answers (by itself with auto-answer, or after
//! the mobile's answer delay), report `OriginateResult` and dial the destination from it as if
//! the phone had dialled, with the given caller-id and variables.
//!
//! The originate fails (`OriginateResult { success: false }`) when the destination is not in
//! the numbering plan or is a configured unreachable number, the line is unknown, disabled,
//! unregistered or busy, or the first leg is refused or not answered. Once it succeeded, the
//! call to the destination is an ordinary call (busy, no answer...).

use ctid_core::dataset::Destination;
use ctid_core::ids::{ActionId, UniqueId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint, Party};
use ctid_core::pbx::{OriginateFrom, PbxEvent};

use crate::causes;
use crate::channel::NewChannel;
use crate::routing::normalize;
use crate::sim::Sim;
use crate::timers::Timer;
use crate::world::{OriginateLeg, Ring, RingPurpose, Role};

/// An originate request.
#[derive(Clone, Debug)]
pub(crate) struct Originate {
    /// Correlation id.
    pub id: ActionId,
    /// Where the call starts.
    pub from: OriginateFrom,
    /// The number to call.
    pub destination: String,
    /// Caller-id shown to the destination.
    pub caller: Party,
    /// Variables attached to the call.
    pub variables: Vec<(String, String)>,
    /// Answer the first leg automatically.
    pub auto_answer: bool,
}

impl Sim {
    /// Places an originated call.
    pub fn originate(&mut self, o: Originate) {
        let Some(dest) = self.ds.resolve(&o.destination) else {
            self.originate_failed(o.id, None, "unreachable destination");
            return;
        };
        if let Destination::External(n) = &dest
            && self.number_listed(&self.cfg.unreachable_numbers, n)
        {
            self.originate_failed(o.id, None, "unreachable destination");
            return;
        }
        let dest_party = match dest {
            Destination::Line(l) => self.line_party(l),
            _ => Party::new(normalize(&o.destination), ""),
        };
        match o.from.clone() {
            OriginateFrom::Line(line) => {
                let Some(cfg) = self.ds.line(line).cloned() else {
                    self.originate_failed(o.id, None, "unknown line");
                    return;
                };
                let refusal = if !cfg.enabled {
                    Some("line disabled")
                } else if !self.is_registered(line) {
                    Some("line unregistered")
                } else if self.world.line_in_use(line) && !cfg.call_waiting {
                    Some("line busy")
                } else if !self.can_create(1) {
                    Some("congestion")
                } else {
                    None
                };
                if let Some(reason) = refusal {
                    self.originate_failed(o.id, None, reason);
                    return;
                }
                let leg = self.create_channel(NewChannel {
                    endpoint: Endpoint::Line(line),
                    linkedid: None,
                    caller: self.line_party(line),
                    exten: o.destination.clone(),
                    state: ChannelState::Down,
                    inbound: false,
                });
                self.prepare_leg(&leg, &o, dest_party, cfg.number.clone());
                let user = self.ds.user_of_line(line).map(|u| u.id);
                if o.auto_answer {
                    self.answer(&leg);
                } else if let Some(token) = self.world.ring_of(&leg).map(|r| r.token) {
                    let at = self.now.plus(self.ring_duration(user));
                    self.timers
                        .set(at, Timer::RingTimeout { callee: leg, token });
                }
            }
            OriginateFrom::Number(number) => {
                let number = normalize(&number);
                let digits = number.strip_prefix('+').unwrap_or(&number);
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                    self.originate_failed(o.id, None, "invalid number");
                    return;
                }
                if !self.can_create(1) {
                    self.originate_failed(o.id, None, "congestion");
                    return;
                }
                let leg = self.create_channel(NewChannel {
                    endpoint: Endpoint::Trunk,
                    linkedid: None,
                    caller: Party::new(number.clone(), ""),
                    exten: o.destination.clone(),
                    state: ChannelState::Down,
                    inbound: false,
                });
                let failure = if self.number_listed(&self.cfg.busy_numbers, &number) {
                    Some((DialStatus::Busy, causes::BUSY, "busy"))
                } else if self.number_listed(&self.cfg.unreachable_numbers, &number) {
                    Some((DialStatus::Congestion, causes::CONGESTION, "unreachable"))
                } else {
                    None
                };
                if let Some((status, cause, reason)) = failure {
                    self.emit(PbxEvent::DialBegin {
                        caller: None,
                        callee: leg.clone(),
                        destination: number,
                    });
                    self.emit(PbxEvent::DialEnd {
                        caller: None,
                        callee: leg.clone(),
                        status,
                    });
                    self.drop_channel(&leg, cause);
                    self.originate_failed(o.id, Some(leg), reason);
                    return;
                }
                self.prepare_leg(&leg, &o, dest_party, number.clone());
                let Some(token) = self.world.ring_of(&leg).map(|r| r.token) else {
                    return;
                };
                if self.number_listed(&self.cfg.no_answer_numbers, &number) {
                    let at = self.now.plus(self.cfg.ring_timeout);
                    self.timers
                        .set(at, Timer::RingTimeout { callee: leg, token });
                } else {
                    let at = self.now.plus(self.cfg.far_end_answer_delay);
                    self.timers
                        .set(at, Timer::FarEndAnswer { callee: leg, token });
                }
            }
        }
    }

    /// Caller-id, connected line, variables, `DialBegin` and ringing of a first leg.
    fn prepare_leg(&mut self, leg: &UniqueId, o: &Originate, dest_party: Party, dialled: String) {
        if !o.caller.number.trim().is_empty() {
            self.set_caller(leg, o.caller.clone());
        }
        self.set_connected(leg, dest_party);
        for (name, value) in &o.variables {
            self.set_var(leg, name, value);
        }
        self.emit(PbxEvent::DialBegin {
            caller: None,
            callee: leg.clone(),
            destination: dialled,
        });
        self.set_state(leg, ChannelState::Ringing);
        let token = self.timers.token();
        self.set_role(
            leg,
            Role::Ringing(Ring {
                caller: None,
                started: self.now,
                purpose: RingPurpose::Originate(Box::new(OriginateLeg {
                    action: o.id,
                    destination: o.destination.clone(),
                })),
                token,
            }),
        );
    }

    /// The first leg answered: the originate succeeded and the destination is dialled.
    pub fn originate_answered(&mut self, leg: &UniqueId, o: OriginateLeg) {
        self.set_state(leg, ChannelState::Up);
        self.emit(PbxEvent::DialEnd {
            caller: None,
            callee: leg.clone(),
            status: DialStatus::Answer,
        });
        self.emit(PbxEvent::OriginateResult {
            action: o.action,
            uniqueid: Some(leg.clone()),
            success: true,
            reason: String::new(),
        });
        self.set_role(leg, Role::Idle);
        self.route(leg, &o.destination, 0);
    }

    /// The originate failed.
    pub fn originate_failed(&mut self, action: ActionId, uniqueid: Option<UniqueId>, reason: &str) {
        tracing::debug!(?action, reason, "originate failed");
        self.emit(PbxEvent::OriginateResult {
            action,
            uniqueid,
            success: false,
            reason: reason.to_owned(),
        });
    }
}
