//! The dialplan: where a dialled number goes. [`Dataset::resolve`] is the numbering plan; this
//! module follows it — a user's line (with forwards, do-not-disturb, call filtering, busy and
//! unregistered phones, voicemail fallbacks), an external number through the trunk, a queue, a
//! conference room or voicemail — and sets the `XIVO_*` variables the XiVO dialplan sets.
//!
//! [`Dataset::resolve`]: ctid_core::dataset::Dataset::resolve

use std::time::Duration;

use ctid_core::dataset::{Destination, User};
use ctid_core::ids::{LineId, UniqueId, UserId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint, Party};
use ctid_core::pbx::PbxEvent;

use crate::causes;
use crate::channel::NewChannel;
use crate::sim::{MAX_HOPS, Sim};
use crate::timers::Timer;
use crate::world::{Ring, RingPurpose, Role};

/// Why a direct call to a user did not connect, which picks the user's fallback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// The user was busy (in a call without call waiting, do-not-disturb, call filtering, or
    /// refused the call): busy forward, else voicemail, else the caller hears busy.
    Busy,
    /// The user did not answer (or the phone is unregistered): no-answer forward, else
    /// voicemail, else the caller is hung up with this cause.
    Unanswered(u16),
}

/// How to ring a line.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DialOpts {
    /// Forwards followed so far.
    pub hops: u8,
    /// The phone answers by itself (pickup, listen, originate with auto-answer).
    pub auto_answer: bool,
    /// Ignore the user's forwards, do-not-disturb and call filtering (a pickup).
    pub bypass_services: bool,
}

/// Strips the separators people type in phone numbers (as the numbering plan does).
pub(crate) fn normalize(number: &str) -> String {
    number
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect()
}

impl Sim {
    /// Sends a channel to a dialled number. Unknown numbers get congestion (cause 1).
    pub fn route(&mut self, caller: &UniqueId, number: &str, hops: u8) {
        if !self.world.exists(caller) {
            return;
        }
        self.set_role(caller, Role::Idle);
        let dialled = normalize(number);
        let Some(dest) = self.ds.resolve(&dialled) else {
            tracing::debug!(%caller, number, "unallocated number");
            self.hangup(caller, causes::UNALLOCATED);
            return;
        };
        match dest {
            Destination::Line(line) => {
                let user = self.ds.user_of_line(line).cloned();
                self.set_xivo_vars(caller, &dialled, user.as_ref());
                self.dial_line(
                    caller,
                    line,
                    &dialled,
                    DialOpts {
                        hops,
                        ..DialOpts::default()
                    },
                );
            }
            Destination::Queue(queue) => {
                self.set_xivo_vars(caller, &dialled, None);
                self.queue_join(caller, queue, hops);
            }
            Destination::Room(room) => {
                self.set_xivo_vars(caller, &dialled, None);
                self.conference_join(caller, room);
            }
            Destination::Voicemail(vm) => {
                self.set_xivo_vars(caller, &dialled, None);
                self.voicemail_deposit(caller, vm);
            }
            Destination::VoicemailConsult => {
                let own = self
                    .world
                    .get(caller)
                    .and_then(|c| c.line())
                    .and_then(|l| self.ds.user_of_line(l))
                    .and_then(|u| u.voicemail);
                match own {
                    Some(vm) => self.voicemail_consult(caller, vm),
                    None => self.hangup(caller, causes::UNALLOCATED),
                }
            }
            Destination::External(number) => {
                self.set_xivo_vars(caller, &number, None);
                self.dial_external(caller, &number);
            }
        }
    }

    /// Sets the `XIVO_*` variables on the channel running the dialplan.
    fn set_xivo_vars(&mut self, caller: &UniqueId, dialled: &str, dest_user: Option<&User>) {
        let Some(ch) = self.world.get(caller) else {
            return;
        };
        let src_user = ch.line().and_then(|l| self.ds.user_of_line(l));
        let context = if ch.inbound {
            "from-extern".to_owned()
        } else {
            ch.line()
                .and_then(|l| self.ds.line(l))
                .map(|l| l.context.clone())
                .unwrap_or_else(|| "default".to_owned())
        };
        let userid = src_user.or(dest_user).map(|u| u.id.to_string());
        let srcnum = ch.caller.number.clone();
        self.set_var_if_changed(caller, "XIVO_CONTEXT", &context);
        if let Some(userid) = userid {
            self.set_var_if_changed(caller, "XIVO_USERID", &userid);
        }
        self.set_var_if_changed(caller, "XIVO_SRCNUM", &srcnum);
        self.set_var_if_changed(caller, "XIVO_DSTNUM", dialled);
        if let Some(u) = dest_user {
            self.set_var_if_changed(caller, "XIVO_DST_FIRSTNAME", &u.firstname);
            self.set_var_if_changed(caller, "XIVO_DST_LASTNAME", &u.lastname);
        }
    }

    /// How long a user's phone rings.
    pub fn ring_duration(&self, user: Option<UserId>) -> Duration {
        user.and_then(|u| self.ds.user(u))
            .and_then(|u| u.ring_seconds)
            .map(|s| Duration::from_secs(u64::from(s)))
            .unwrap_or(self.cfg.ring_timeout)
    }

    /// Calls a line for `caller`, applying the owner's services unless told not to.
    pub fn dial_line(&mut self, caller: &UniqueId, line: LineId, dialled: &str, opts: DialOpts) {
        let Some(line_cfg) = self.ds.line(line).cloned() else {
            self.hangup(caller, causes::UNALLOCATED);
            return;
        };
        let Some(caller_ch) = self.world.get(caller) else {
            return;
        };
        let caller_inbound = caller_ch.inbound;
        let caller_line = caller_ch.line();
        let caller_party = caller_ch.caller.clone();
        let linkedid = caller_ch.linkedid.clone();
        let user = self.ds.user_of_line(line).map(|u| u.id);
        if let (false, Some(u)) = (opts.bypass_services, user) {
            let svc = self.services_of(u);
            let unc = &svc.fwd_unconditional;
            if unc.enabled && !unc.destination.trim().is_empty() && opts.hops < MAX_HOPS {
                tracing::debug!(%caller, to = %unc.destination, "unconditional forward");
                self.route(caller, &unc.destination, opts.hops + 1);
                return;
            }
            if svc.dnd || (svc.incallfilter && caller_inbound) {
                self.fall_back(caller, Some(u), opts.hops, Fallback::Busy);
                return;
            }
        }
        if caller_line == Some(line) {
            self.fall_back(caller, user, opts.hops, Fallback::Busy);
            return;
        }
        if !self.line_reachable(line) {
            self.fall_back(
                caller,
                user,
                opts.hops,
                Fallback::Unanswered(causes::UNREGISTERED),
            );
            return;
        }
        if self.world.line_in_use(line) && !line_cfg.call_waiting {
            self.fall_back(caller, user, opts.hops, Fallback::Busy);
            return;
        }
        if !self.can_create(1) {
            self.hangup(caller, causes::CONGESTION);
            return;
        }
        let party = self.line_party(line);
        let callee = self.create_channel(NewChannel {
            endpoint: Endpoint::Line(line),
            linkedid: Some(linkedid),
            caller: party.clone(),
            exten: dialled.to_owned(),
            state: ChannelState::Down,
            inbound: false,
        });
        self.inherit_usr_vars(caller, &callee);
        self.emit(PbxEvent::DialBegin {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            destination: dialled.to_owned(),
        });
        self.set_connected(&callee, caller_party);
        self.set_connected(caller, party);
        self.set_state(&callee, ChannelState::Ringing);
        let token = self.timers.token();
        self.set_role(
            &callee,
            Role::Ringing(Ring {
                caller: Some(caller.clone()),
                started: self.now,
                purpose: RingPurpose::Line {
                    user,
                    hops: opts.hops,
                },
                token,
            }),
        );
        self.set_role(caller, Role::Dialing(vec![callee.clone()]));
        if opts.auto_answer {
            self.answer(&callee);
        } else {
            let at = self.now.plus(self.ring_duration(user));
            self.timers.set(at, Timer::RingTimeout { callee, token });
        }
    }

    /// Calls a number outside through the trunk.
    pub fn dial_external(&mut self, caller: &UniqueId, number: &str) {
        let Some(caller_ch) = self.world.get(caller) else {
            return;
        };
        let caller_party = caller_ch.caller.clone();
        let linkedid = caller_ch.linkedid.clone();
        if !self.can_create(1) {
            self.hangup(caller, causes::CONGESTION);
            return;
        }
        let callee = self.create_channel(NewChannel {
            endpoint: Endpoint::Trunk,
            linkedid: Some(linkedid),
            caller: Party::new(number, ""),
            exten: number.to_owned(),
            state: ChannelState::Down,
            inbound: false,
        });
        self.inherit_usr_vars(caller, &callee);
        self.emit(PbxEvent::DialBegin {
            caller: Some(caller.clone()),
            callee: callee.clone(),
            destination: number.to_owned(),
        });
        let failure = if self.number_listed(&self.cfg.busy_numbers, number) {
            Some((DialStatus::Busy, causes::BUSY))
        } else if self.number_listed(&self.cfg.unreachable_numbers, number) {
            Some((DialStatus::Congestion, causes::CONGESTION))
        } else {
            None
        };
        if let Some((status, cause)) = failure {
            self.emit(PbxEvent::DialEnd {
                caller: Some(caller.clone()),
                callee: callee.clone(),
                status,
            });
            self.drop_channel(&callee, cause);
            self.hangup(caller, cause);
            return;
        }
        self.set_connected(&callee, caller_party);
        self.set_connected(caller, Party::new(number, ""));
        self.set_state(&callee, ChannelState::Ringing);
        let token = self.timers.token();
        self.set_role(
            &callee,
            Role::Ringing(Ring {
                caller: Some(caller.clone()),
                started: self.now,
                purpose: RingPurpose::External,
                token,
            }),
        );
        self.set_role(caller, Role::Dialing(vec![callee.clone()]));
        if !self.number_listed(&self.cfg.no_answer_numbers, number) {
            let at = self.now.plus(self.cfg.far_end_answer_delay);
            self.timers.set(at, Timer::FarEndAnswer { callee, token });
        }
    }

    /// Whether a number is in one of the configured lists.
    pub fn number_listed(&self, list: &[String], number: &str) -> bool {
        let number = normalize(number);
        list.iter().any(|n| normalize(n) == number)
    }

    /// A direct call to a user did not connect: the user's forward for that case, else the
    /// user's voicemail, else the caller is hung up (see [`Fallback`]).
    pub fn fall_back(&mut self, caller: &UniqueId, user: Option<UserId>, hops: u8, why: Fallback) {
        self.set_role(caller, Role::Idle);
        if let Some(u) = user {
            let svc = self.services_of(u);
            let fwd = match why {
                Fallback::Busy => &svc.fwd_busy,
                Fallback::Unanswered(_) => &svc.fwd_noanswer,
            };
            if fwd.enabled && !fwd.destination.trim().is_empty() && hops < MAX_HOPS {
                self.route(caller, &fwd.destination, hops + 1);
                return;
            }
            if let Some(vm) = self.voicemail_of(u) {
                self.voicemail_deposit(caller, vm);
                return;
            }
        }
        let cause = match why {
            Fallback::Busy => causes::BUSY,
            Fallback::Unanswered(cause) => cause,
        };
        self.hangup(caller, cause);
    }
}
