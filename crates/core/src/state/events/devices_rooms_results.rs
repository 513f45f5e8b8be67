//! The other PBX events: phone registration, voicemail counts, conference rooms, listening
//! (spy), attended transfer progress, originate results and refused actions.

use crate::event::Event;
use crate::ids::{ActionId, LineId, RoomId, UniqueId, VoicemailId};
use crate::live::VoicemailCounts;
use crate::pbx::{AttendedTransferState, FaxStatus};
use crate::state::State;
use crate::state::conferences::Joining;
use crate::state::pending::{Awaiting, Transfer};
use crate::time::Timestamp;

impl State {
    pub(super) fn on_registration(&mut self, line: LineId, registered: bool) {
        match self.lines.get_mut(line) {
            Some(l) if l.registered != registered => {
                l.registered = registered;
                self.lines.mark(line);
            }
            Some(_) => {}
            None => tracing::debug!(%line, "registration of an unknown line"),
        }
    }

    pub(super) fn on_message_waiting(
        &mut self,
        voicemail: VoicemailId,
        new: u32,
        old: u32,
        out: &mut Vec<Event>,
    ) {
        let Some(counts) = self.voicemails.get_mut(&voicemail) else {
            tracing::debug!(%voicemail, "message waiting for an unknown box");
            return;
        };
        let now = VoicemailCounts { new, old };
        if *counts != now {
            *counts = now;
            out.push(Event::Voicemail {
                voicemail,
                counts: now,
            });
        }
    }

    pub(super) fn on_conference_join(
        &mut self,
        now: Timestamp,
        room: RoomId,
        uniqueid: &UniqueId,
        muted: bool,
        out: &mut Vec<Event>,
    ) {
        if self.rooms.get(room).is_none() {
            tracing::debug!(%room, "join of an unknown room");
            return;
        }
        let ch = self.channels.get(uniqueid);
        if ch.is_some_and(|c| c.room.is_some() && c.room != Some(room)) {
            // In another room already: it left that one first.
            let previous = ch.and_then(|c| c.room);
            if let Some(previous) = previous {
                self.on_conference_leave(previous, uniqueid, out);
            }
        }
        let ch = self.channels.get(uniqueid);
        let joining = Joining {
            uniqueid: uniqueid.clone(),
            number: ch.map(|c| c.caller.number.clone()).unwrap_or_default(),
            name: ch.map(|c| c.caller.name.clone()).unwrap_or_default(),
            user: ch
                .and_then(|c| c.line)
                .and_then(|l| self.lines.get(l))
                .and_then(|l| l.owner),
            muted,
        };
        if let Some(event) = self.rooms.join(now, room, joining) {
            if let Some(ch) = self.channels.get_mut(uniqueid) {
                ch.room = Some(room);
            }
            out.push(event);
        }
    }

    pub(super) fn on_conference_leave(
        &mut self,
        room: RoomId,
        uniqueid: &UniqueId,
        out: &mut Vec<Event>,
    ) {
        if let Some(ch) = self.channels.get_mut(uniqueid)
            && ch.room == Some(room)
        {
            ch.room = None;
        }
        match self.rooms.leave(room, uniqueid) {
            Some(event) => out.push(event),
            None => tracing::debug!(%room, %uniqueid, "leave of a non-member"),
        }
    }

    pub(super) fn on_conference_mute(
        &mut self,
        room: RoomId,
        uniqueid: &UniqueId,
        muted: bool,
        out: &mut Vec<Event>,
    ) {
        if let Some(event) = self.rooms.mute(room, uniqueid, muted) {
            out.push(event);
        }
    }

    pub(super) fn on_spy_start(
        &mut self,
        spier: &UniqueId,
        spyee: &UniqueId,
        out: &mut Vec<Event>,
    ) {
        let supervisor = self
            .channels
            .get(spier)
            .and_then(|c| c.line)
            .and_then(|l| self.lines.get(l))
            .and_then(|l| l.owner);
        let agent = self
            .channels
            .get(spyee)
            .and_then(|c| c.line)
            .and_then(|l| self.lines.get(l))
            .and_then(|l| l.agent);
        let (Some(supervisor), Some(agent)) = (supervisor, agent) else {
            tracing::debug!(%spier, %spyee, "spy between channels that are not a user's and an agent's");
            return;
        };
        let Some(ch) = self.channels.get_mut(spier) else {
            return;
        };
        if ch.spying == Some((supervisor, agent)) {
            return;
        }
        if let Some((s, a)) = ch.spying.replace((supervisor, agent)) {
            out.push(Event::Listen {
                supervisor: s,
                agent: a,
                started: false,
            });
        }
        out.push(Event::Listen {
            supervisor,
            agent,
            started: true,
        });
    }

    pub(super) fn on_spy_stop(&mut self, spier: &UniqueId, out: &mut Vec<Event>) {
        match self.channels.get_mut(spier).and_then(|c| c.spying.take()) {
            Some((supervisor, agent)) => out.push(Event::Listen {
                supervisor,
                agent,
                started: false,
            }),
            None => tracing::debug!(%spier, "spy stop without a spy start"),
        }
    }

    pub(super) fn on_attended_transfer(
        &mut self,
        transferer: &UniqueId,
        target: Option<&UniqueId>,
        state: AttendedTransferState,
        out: &mut Vec<Event>,
    ) {
        let owner = self
            .channels
            .get(transferer)
            .and_then(|c| c.line)
            .and_then(|l| self.lines.get(l))
            .and_then(|l| l.owner.map(|u| (u, l.id)));
        let Some((user, line)) = owner else {
            // The transferer may have hung up already (completion): find the user by channel.
            let known = self
                .transfers
                .iter()
                .find(|(_, t)| &t.transferer == transferer)
                .map(|(u, t)| (*u, t.line));
            if let Some((user, line)) = known {
                self.transfers.remove(&user);
                out.push(Event::AttendedTransfer { user, line, state });
            } else {
                tracing::debug!(%transferer, "attended transfer by a channel that is not a user's");
            }
            return;
        };
        match state {
            AttendedTransferState::Started | AttendedTransferState::Answered => {
                let entry = self.transfers.entry(user).or_insert_with(|| Transfer {
                    line,
                    transferer: transferer.clone(),
                    target: None,
                });
                entry.transferer = transferer.clone();
                if let Some(target) = target {
                    entry.target = Some(target.clone());
                }
                if let Some(ch) = self.channels.get_mut(transferer) {
                    ch.transferer_of = Some(user);
                }
            }
            AttendedTransferState::Completed | AttendedTransferState::Cancelled => {
                if state == AttendedTransferState::Completed
                    && let Some(target) = target
                {
                    // The target's call goes on with the party the transferer talked to, even
                    // when it still rings (nothing else tells: no new dial, no bridge yet).
                    let transferee = self
                        .channels
                        .get(transferer)
                        .and_then(|c| c.peer.clone())
                        .filter(|t| t != target && self.channels.contains(t));
                    if let Some(transferee) = transferee
                        && self.channels.contains(target)
                    {
                        self.link(&transferee, target);
                    }
                }
                self.transfers.remove(&user);
                if let Some(ch) = self.channels.get_mut(transferer) {
                    ch.transferer_of = None;
                }
            }
        }
        out.push(Event::AttendedTransfer { user, line, state });
    }

    pub(super) fn on_originate_result(
        &mut self,
        now: Timestamp,
        action: ActionId,
        success: bool,
        reason: &str,
        out: &mut Vec<Event>,
    ) {
        if success {
            self.pending.take(now, action);
        } else {
            self.on_action_failed(now, action, reason, out);
        }
    }

    /// The switch refused an action, or an originate failed: the user who asked hears of it
    /// in the form of their command (a failed dial, a failed fax, the command's error).
    pub(super) fn on_action_failed(
        &mut self,
        now: Timestamp,
        action: ActionId,
        reason: &str,
        out: &mut Vec<Event>,
    ) {
        let Some(pending) = self.pending.take(now, action) else {
            tracing::debug!(?action, reason, "failure of an unknown or forgotten action");
            return;
        };
        let user = pending.user;
        out.push(match pending.awaiting {
            Awaiting::Dial(destination) => Event::DialFailed {
                user,
                destination,
                reason: reason.to_owned(),
            },
            Awaiting::Fax => Event::FaxProgress {
                user,
                action,
                status: FaxStatus::Failed,
                pages: None,
            },
            Awaiting::Other => Event::ActionFailed {
                user,
                command: pending.command,
                action,
                reason: reason.to_owned(),
            },
        });
    }
}
