//! The phones' buttons ([`LineAction`]): answer, hang up, hold, resume, register, unregister,
//! dial — and holding itself.
//!
//! Hold semantics (as Asterisk with music on hold): the holding channel gets `Hold` and reads as
//! held; the held party stays in the bridge (it hears music). A phone that answers a second
//! call, resumes a held one or dials while talking puts its current call on hold first, as real
//! phones do.

use ctid_core::ids::{LineId, UniqueId};
use ctid_core::live::{ChannelState, Endpoint};
use ctid_core::pbx::PbxEvent;
use serde::{Deserialize, Serialize};

use crate::channel::NewChannel;
use crate::error::SimError;
use crate::routing::normalize;
use crate::sim::Sim;
use crate::validate;
use crate::world::Role;

/// A button pressed on a phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineAction {
    /// Answer the ringing call (the oldest, when several ring).
    Answer,
    /// Hang up: the current call, else refuse the ringing one, else the held one.
    Hangup,
    /// Put the current call on hold.
    Hold,
    /// Resume the held call (holding the current one first).
    Resume,
    /// Register the phone.
    Register,
    /// Unregister the phone (calls in progress go on).
    Unregister,
    /// Dial a number.
    Dial {
        /// The number.
        to: String,
    },
}

impl LineAction {
    /// The action's name in the HTTP API.
    pub fn name(&self) -> &'static str {
        match self {
            LineAction::Answer => "answer",
            LineAction::Hangup => "hangup",
            LineAction::Hold => "hold",
            LineAction::Resume => "resume",
            LineAction::Register => "register",
            LineAction::Unregister => "unregister",
            LineAction::Dial { .. } => "dial",
        }
    }
}

impl Sim {
    /// A phone button.
    pub fn line_action(&mut self, number: &str, action: LineAction) -> Result<(), SimError> {
        validate::number("number", number)?;
        let number = number.trim();
        let line = self
            .ds
            .line_by_number(number)
            .map(|l| l.id)
            .ok_or_else(|| SimError::not_found(format!("no line {number}")))?;
        match action {
            LineAction::Answer => {
                let ringing = self
                    .world
                    .on_line(line)
                    .into_iter()
                    .find(|c| matches!(c.role, Role::Ringing(_)))
                    .map(|c| c.id.clone())
                    .ok_or_else(|| SimError::conflict(format!("line {number} is not ringing")))?;
                self.hold_current_calls(line);
                self.answer(&ringing);
            }
            LineAction::Hangup => {
                let chans = self.world.on_line(line);
                let current = chans
                    .iter()
                    .rev()
                    .find(|c| !matches!(c.role, Role::Ringing(_)) && !c.held)
                    .or_else(|| chans.iter().find(|c| matches!(c.role, Role::Ringing(_))))
                    .or_else(|| chans.iter().rev().find(|c| c.held))
                    .map(|c| c.id.clone())
                    .ok_or_else(|| SimError::conflict(format!("line {number} has no call")))?;
                self.hangup_request(&current);
            }
            LineAction::Hold => {
                let current = self.talking_channels(line).pop().ok_or_else(|| {
                    SimError::conflict(format!("line {number} has no call to hold"))
                })?;
                self.hold(&current);
            }
            LineAction::Resume => {
                let held = self
                    .world
                    .on_line(line)
                    .into_iter()
                    .rev()
                    .find(|c| c.held)
                    .map(|c| c.id.clone())
                    .ok_or_else(|| SimError::conflict(format!("line {number} has no held call")))?;
                self.hold_current_calls(line);
                self.unhold(&held);
            }
            LineAction::Register => self.set_registration(line, true),
            LineAction::Unregister => self.set_registration(line, false),
            LineAction::Dial { to } => self.phone_dial(line, &to)?,
        }
        Ok(())
    }

    /// A phone dials a number.
    fn phone_dial(&mut self, line: LineId, to: &str) -> Result<(), SimError> {
        validate::number("to", to)?;
        let Some(cfg) = self.ds.line(line).cloned() else {
            return Err(SimError::not_found(format!("no line {line}")));
        };
        if !cfg.enabled {
            return Err(SimError::conflict(format!(
                "line {} is disabled",
                cfg.number
            )));
        }
        if !self.is_registered(line) {
            return Err(SimError::conflict(format!(
                "line {} is not registered",
                cfg.number
            )));
        }
        if !self.can_create(2) {
            return Err(SimError::unavailable("the PBX has no channel left"));
        }
        self.hold_current_calls(line);
        let id = self.create_channel(NewChannel {
            endpoint: Endpoint::Line(line),
            linkedid: None,
            caller: self.line_party(line),
            exten: normalize(to),
            state: ChannelState::Ring,
            inbound: false,
        });
        self.route(&id, to, 0);
        Ok(())
    }

    /// Registers or unregisters a line's phone (`LineRegistration` when it changes).
    pub fn set_registration(&mut self, line: LineId, registered: bool) {
        let before = self.registered.insert(line, registered);
        if before != Some(registered) {
            self.emit(PbxEvent::LineRegistration { line, registered });
        }
    }

    /// A line's talking, not held channels, oldest first.
    fn talking_channels(&self, line: LineId) -> Vec<UniqueId> {
        self.world
            .on_line(line)
            .into_iter()
            .filter(|c| matches!(c.role, Role::Talking) && !c.held)
            .map(|c| c.id.clone())
            .collect()
    }

    /// Holds whatever the line is talking on (before it takes another call).
    pub fn hold_current_calls(&mut self, line: LineId) {
        for id in self.talking_channels(line) {
            self.hold(&id);
        }
    }

    /// A channel puts its call on hold (`Hold`). Returns whether it did.
    pub fn hold(&mut self, id: &UniqueId) -> bool {
        let Some(ch) = self.world.get_mut(id) else {
            return false;
        };
        if ch.held || ch.state != ChannelState::Up || !matches!(ch.role, Role::Talking) {
            return false;
        }
        ch.held = true;
        self.emit(PbxEvent::Hold {
            uniqueid: id.clone(),
        });
        true
    }

    /// A channel resumes its held call (`Unhold`). Returns whether it did.
    pub fn unhold(&mut self, id: &UniqueId) -> bool {
        let Some(ch) = self.world.get_mut(id) else {
            return false;
        };
        if !ch.held {
            return false;
        }
        ch.held = false;
        self.emit(PbxEvent::Unhold {
            uniqueid: id.clone(),
        });
        true
    }
}
