//! Lines as the core sees them live: registration, the channels on each line, and what is
//! derived from them — the hint status (§3.2 of the CTI server notes), the list of current calls
//! (switchboard view) and the phone events (XuC `PhoneEvent`).

use std::sync::Arc;

use super::channels::{Channel, Channels};
use super::table::{Row, Table};
use crate::dataset::Dataset;
use crate::ids::{AgentId, LineId, UserId};
use crate::live::{
    ChannelState, CurrentCall, CurrentCallStatus, HintStatus, PhoneEvent, PhoneEventKind,
};

/// One line's live state.
#[derive(Debug)]
pub(crate) struct LineLive {
    /// The line.
    pub id: LineId,
    /// Its extension number.
    pub number: String,
    /// A disabled line is always `Deactivated`.
    pub enabled: bool,
    /// Whether the phone is registered.
    pub registered: bool,
    /// The user who owns it.
    pub owner: Option<UserId>,
    /// The owner's full name (empty without owner).
    pub owner_name: String,
    /// The owner's login (empty without owner).
    pub owner_login: String,
    /// Its channels, ordered by call start.
    pub channels: Vec<crate::ids::UniqueId>,
    /// Its hint status.
    pub hint: HintStatus,
    /// Its current calls, as last emitted.
    pub calls: Arc<[CurrentCall]>,
    /// The agent logged in on it.
    pub agent: Option<AgentId>,
    dirty: bool,
}

/// Every configured line, by id, with the lines to refresh.
pub(crate) type Lines = Table<LineLive>;

impl Row for LineLive {
    type Id = LineId;
    fn id(&self) -> LineId {
        self.id
    }
    fn marked(&mut self) -> &mut bool {
        &mut self.dirty
    }
}

impl Lines {
    /// The lines of a dataset, unregistered (unavailable, or deactivated when disabled) until
    /// the engine reports them.
    pub fn from_dataset(dataset: &Dataset) -> Lines {
        Table::from_rows(
            dataset
                .lines()
                .iter()
                .map(|line| LineLive::new(dataset, line))
                .collect(),
        )
    }
}

impl LineLive {
    /// A configured line, unregistered until the engine reports it.
    pub fn new(dataset: &Dataset, line: &crate::dataset::Line) -> LineLive {
        let mut live = LineLive {
            id: line.id,
            number: line.number.clone(),
            enabled: line.enabled,
            registered: false,
            owner: None,
            owner_name: String::new(),
            owner_login: String::new(),
            channels: Vec::new(),
            hint: HintStatus::Idle,
            calls: Arc::from(Vec::new()),
            agent: None,
            dirty: false,
        };
        live.configure(dataset);
        live.hint = derive_hint(&live, &Channels::default());
        live
    }

    /// Takes the line's configured values (number, enabled, owner) from `dataset`.
    pub fn configure(&mut self, dataset: &Dataset) {
        if let Some(line) = dataset.line(self.id) {
            self.number = line.number.clone();
            self.enabled = line.enabled;
        }
        let owner = dataset.user_of_line(self.id);
        self.owner = owner.map(|u| u.id);
        self.owner_name = owner.map(|u| u.fullname()).unwrap_or_default();
        self.owner_login = owner.map(|u| u.login.clone()).unwrap_or_default();
    }
}

/// The hint status of a line from its channels.
pub(crate) fn derive_hint(line: &LineLive, channels: &Channels) -> HintStatus {
    if !line.enabled {
        return HintStatus::Deactivated;
    }
    if !line.registered {
        return HintStatus::Unavailable;
    }
    let (mut ringing, mut in_use, mut held, mut busy) = (false, 0usize, 0usize, false);
    for ch in line.channels.iter().filter_map(|u| channels.get(u)) {
        match ch.state {
            ChannelState::Ringing => ringing = true,
            ChannelState::Busy => busy = true,
            _ if ch.in_use() => {
                in_use += 1;
                if ch.held {
                    held += 1;
                }
            }
            _ => {}
        }
    }
    if ringing {
        if in_use > 0 {
            HintStatus::InUseRinging
        } else {
            HintStatus::Ringing
        }
    } else if in_use > 0 {
        if held == in_use {
            HintStatus::OnHold
        } else {
            HintStatus::InUse
        }
    } else if busy {
        HintStatus::Busy
    } else {
        HintStatus::Idle
    }
}

/// A call is `Up` once it is answered at both ends: a channel that is up while the other end
/// still rings (the user's own phone, answered first in click-to-dial, calling a ringing phone)
/// is still `Ringing`.
fn call_status(ch: &Channel, channels: &Channels) -> CurrentCallStatus {
    let peer_unanswered = ch
        .peer
        .as_ref()
        .and_then(|p| channels.get(p))
        .is_some_and(|p| p.answered_at.is_none());
    if ch.held {
        CurrentCallStatus::Hold
    } else if ch.state == ChannelState::Up && !peer_unanswered {
        CurrentCallStatus::Up
    } else {
        CurrentCallStatus::Ringing
    }
}

fn same_call(call: &CurrentCall, ch: &Channel, channels: &Channels) -> bool {
    let other = ch.other();
    call.uniqueid == ch.uniqueid
        && call.status == call_status(ch, channels)
        && call.start == ch.start()
        && call.direction == ch.direction
        && call.linkedid == ch.linkedid
        && call.peer.number == other.number
        && call.peer.name == other.name
}

/// Re-orders the line's channels by call start and returns its new list of current calls if it
/// differs from the last one.
pub(crate) fn refresh_calls(
    line: &mut LineLive,
    channels: &Channels,
) -> Option<Arc<[CurrentCall]>> {
    line.channels.retain(|u| channels.contains(u));
    line.channels.sort_unstable_by_key(|u| {
        channels
            .get(u)
            .map_or((i64::MAX, u64::MAX), |c| (c.start().0, c.seq))
    });
    let unchanged = line.calls.len() == line.channels.len()
        && line.calls.iter().zip(&line.channels).all(|(call, u)| {
            channels
                .get(u)
                .is_some_and(|ch| same_call(call, ch, channels))
        });
    if unchanged {
        return None;
    }
    let calls: Arc<[CurrentCall]> = line
        .channels
        .iter()
        .filter_map(|u| channels.get(u))
        .map(|ch| CurrentCall {
            uniqueid: ch.uniqueid.clone(),
            linkedid: ch.linkedid.clone(),
            peer: ch.other_party(),
            status: call_status(ch, channels),
            direction: ch.direction,
            start: ch.start(),
        })
        .collect();
    line.calls = calls.clone();
    Some(calls)
}

/// A phone event about a line's channel.
pub(crate) fn phone_event(
    kind: PhoneEventKind,
    line: &LineLive,
    ch: &Channel,
    dataset: &Dataset,
) -> Arc<PhoneEvent> {
    let other = ch.other();
    Arc::new(PhoneEvent {
        kind,
        line: line.id,
        user: line.owner,
        dn: line.number.clone(),
        other_dn: other.number.to_owned(),
        other_name: other.name.to_owned(),
        other_username: other.username.map(str::to_owned),
        external: ch.other_is_external(dataset),
        uniqueid: ch.uniqueid.clone(),
        channel: ch.name.clone(),
        linkedid: ch.linkedid.clone(),
        queue: ch.queue,
        direction: ch.direction,
        user_data: ch.vars.clone(),
    })
}
