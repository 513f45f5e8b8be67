//! The resync: what ctid asks Asterisk on every (re)connect ([`resync_actions`], then
//! [`SnapshotBuilder::follow_ups`]), and the `PbxSnapshot` built from the answers
//! ([`SnapshotBuilder`]).
//!
//! | answer | gives |
//! |---|---|
//! | `CoreShowChannels` → `CoreShowChannel` | channels: state, caller, connected party, bridge (`BridgeId`: no `BridgeList`/`BridgeInfo` needed); the channel dialling a ringing one, guessed from its call's channel running `Dial`/`Queue` |
//! | `QueueStatus` → `QueueMember`, `QueueEntry` | memberships (penalty, paused), waiting callers (position, wait); a member that is a line's interface logs its agent in on that line (as the translator does) |
//! | `Agents` → `Agents` | app_agent_pool agents logged in, on the line of their channel |
//! | `SIPpeers` → `PeerEntry`, `PJSIPShowAors` → `AorList`, `PJSIPShowEndpoints` → `EndpointList`, `PJSIPShowContacts` → `ContactList` | registered lines (a line any of them shows reachable) |
//! | `VoicemailUsersList` → `VoicemailUserEntry`, `MailboxCount` (a response) | voicemail counts |
//! | `ConfbridgeListRooms` → then `ConfbridgeList` per room (follow-ups) | conference members |
//!
//! An action whose module is not loaded (`SIPpeers` on a pjsip-only switch) is answered
//! `Response: Error`: that answer is an empty list. Not known from these answers, hence not in
//! the snapshot: hold, channel variables, agents' wrap-up and the queue call an agent is in.

use std::collections::BTreeSet;
use std::sync::Arc;

use ctid_core::Dataset;
use ctid_core::ids::{AgentId, BridgeId, LineId, QueueId, RoomId, UniqueId, VoicemailId};
use ctid_core::pbx::{
    AgentSnapshot, ChannelSnapshot, MemberSnapshot, PbxSnapshot, QueueCallerSnapshot, RoomSnapshot,
};

use crate::message::AmiMessage;
use crate::translate::names;

/// The list actions of a resync, in the order to send them (each gets its own `ActionID`).
pub fn resync_actions() -> Vec<AmiMessage> {
    [
        "CoreShowChannels",
        "QueueStatus",
        "Agents",
        "SIPpeers",
        "PJSIPShowAors",
        "VoicemailUsersList",
        "ConfbridgeListRooms",
    ]
    .into_iter()
    .map(AmiMessage::action)
    .collect()
}

/// One `CoreShowChannel`, until the snapshot is built.
#[derive(Debug)]
struct SeenChannel {
    snapshot: ChannelSnapshot,
    application: String,
}

/// Builds a snapshot from the answers to [`resync_actions`].
#[derive(Debug)]
pub struct SnapshotBuilder {
    dataset: Arc<Dataset>,
    channels: Vec<SeenChannel>,
    queue_callers: Vec<QueueCallerSnapshot>,
    members: Vec<MemberSnapshot>,
    agents: Vec<AgentSnapshot>,
    registered: BTreeSet<LineId>,
    voicemails: Vec<(VoicemailId, u32, u32)>,
    rooms: Vec<RoomSnapshot>,
    /// Conferences listed by `ConfbridgeListRooms`, and whether their `ConfbridgeList` was asked.
    conferences: Vec<(String, bool)>,
}

/// The most items of each kind a snapshot takes (a bound on what a switch can make us hold).
const MAX_ITEMS: usize = 200_000;

impl SnapshotBuilder {
    /// A builder for `dataset`.
    pub fn new(dataset: Arc<Dataset>) -> SnapshotBuilder {
        SnapshotBuilder {
            dataset,
            channels: Vec::new(),
            queue_callers: Vec::new(),
            members: Vec::new(),
            agents: Vec::new(),
            registered: BTreeSet::new(),
            voicemails: Vec::new(),
            rooms: Vec::new(),
            conferences: Vec::new(),
        }
    }

    /// Takes one message of a list answer (its events and its `Complete` event), or a single
    /// response (`MailboxCount`). Anything else is ignored.
    pub fn absorb(&mut self, message: &AmiMessage) {
        let m = message;
        let name = match m.event() {
            Some(name) => name,
            None if m.get("Mailbox").is_some() && m.get("NewMessages").is_some() => {
                self.mailbox_count(m);
                return;
            }
            None => return,
        };
        let done = match name {
            "CoreShowChannel" => self.channel(m),
            "QueueMember" => self.member(m),
            "QueueEntry" => self.queue_caller(m),
            "Agents" => self.agent(m),
            "PeerEntry" => self.peer(m),
            "AorList" => self.aor(m),
            "EndpointList" => self.endpoint(m),
            "ContactList" => self.contact(m),
            "VoicemailUserEntry" => self.voicemail(m),
            "ConfbridgeListRooms" => self.conference_room(m),
            "ConfbridgeList" => self.conference_member(m),
            _ => Some(()),
        };
        if done.is_none() {
            tracing::debug!(
                event = name,
                "resync answer ignored: a field is missing or unknown"
            );
        }
    }

    /// Actions the answers so far call for: `ConfbridgeList` for each conference
    /// `ConfbridgeListRooms` listed (each returned once). Send them and absorb their answers
    /// before [`SnapshotBuilder::finish`].
    pub fn follow_ups(&mut self) -> Vec<AmiMessage> {
        self.conferences
            .iter_mut()
            .filter(|(_, asked)| !*asked)
            .map(|(conference, asked)| {
                *asked = true;
                AmiMessage::action("ConfbridgeList").with("Conference", conference)
            })
            .collect()
    }

    /// The snapshot.
    pub fn finish(self) -> PbxSnapshot {
        let mut channels = self.channels;
        channels.sort_by_key(|c| age(&c.snapshot.uniqueid));
        let dialled_by: Vec<Option<UniqueId>> =
            channels.iter().map(|c| dialler(c, &channels)).collect();
        let channels = channels
            .into_iter()
            .zip(dialled_by)
            .map(|(mut c, by)| {
                c.snapshot.dialled_by = by;
                c.snapshot
            })
            .collect();
        let mut queue_callers = self.queue_callers;
        queue_callers.sort_by_key(|c| (c.queue, c.position));
        PbxSnapshot {
            channels,
            queue_callers,
            members: self.members,
            agents: self.agents,
            registered: self.registered.into_iter().collect(),
            voicemails: self.voicemails,
            rooms: self.rooms,
        }
    }

    fn channel(&mut self, m: &AmiMessage) -> Option<()> {
        let uniqueid = UniqueId::from(m.get("Uniqueid").filter(|v| !v.is_empty())?);
        let name = m.get("Channel")?;
        if self.channels.len() >= MAX_ITEMS
            || self
                .channels
                .iter()
                .any(|c| c.snapshot.uniqueid == uniqueid)
        {
            return None;
        }
        let code: u8 = m.get("ChannelState")?.trim().parse().ok()?;
        let snapshot = ChannelSnapshot {
            linkedid: m
                .get("Linkedid")
                .filter(|v| !v.is_empty())
                .map_or_else(|| uniqueid.clone(), UniqueId::from),
            uniqueid,
            name: name.to_owned(),
            endpoint: names::endpoint_of_channel(&self.dataset, name),
            caller: names::party(m.get("CallerIDNum"), m.get("CallerIDName")),
            connected: names::party(m.get("ConnectedLineNum"), m.get("ConnectedLineName")),
            exten: m.get("Exten").unwrap_or_default().to_owned(),
            state: crate::translate::channel_state(code),
            held: false,
            bridge: m
                .get("BridgeId")
                .filter(|v| !v.is_empty())
                .map(BridgeId::new),
            dialled_by: None,
            spying: None,
            variables: Vec::new(),
        };
        self.channels.push(SeenChannel {
            snapshot,
            application: m.get("Application").unwrap_or_default().to_owned(),
        });
        Some(())
    }

    fn queue_of(&self, m: &AmiMessage) -> Option<QueueId> {
        names::queue(&self.dataset, m.get("Queue")?)
    }

    fn member(&mut self, m: &AmiMessage) -> Option<()> {
        let queue = self.queue_of(m)?;
        let interface = m.get("Location").or_else(|| m.get("Interface"));
        let agent = names::agent_of_member(&self.dataset, interface, m.get("StateInterface"))?;
        if self.members.len() >= MAX_ITEMS
            || self
                .members
                .iter()
                .any(|s| s.queue == queue && s.agent == agent)
        {
            return None;
        }
        self.members.push(MemberSnapshot {
            queue,
            agent,
            penalty: m.get("Penalty").and_then(|p| p.parse().ok()).unwrap_or(0),
            paused: m.get("Paused").is_some_and(names::is_true),
        });
        if let Some(line) = interface.and_then(|i| names::line_member(&self.dataset, i)) {
            self.logged_in(agent, line);
        }
        Some(())
    }

    fn logged_in(&mut self, agent: AgentId, line: LineId) {
        if self.agents.len() < MAX_ITEMS && !self.agents.iter().any(|a| a.agent == agent) {
            self.agents.push(AgentSnapshot {
                agent,
                line,
                wrapup: false,
                acd: None,
            });
        }
    }

    fn queue_caller(&mut self, m: &AmiMessage) -> Option<()> {
        let queue = self.queue_of(m)?;
        if self.queue_callers.len() >= MAX_ITEMS {
            return None;
        }
        self.queue_callers.push(QueueCallerSnapshot {
            queue,
            uniqueid: UniqueId::from(m.get("Uniqueid").filter(|v| !v.is_empty())?),
            position: m.get("Position")?.parse().ok()?,
            waited: m.get("Wait").and_then(|w| w.parse().ok()).unwrap_or(0),
        });
        Some(())
    }

    fn agent(&mut self, m: &AmiMessage) -> Option<()> {
        let agent = self.dataset.agent_by_number(m.get("Agent")?)?.id;
        if m.get("Status")? == "AGENT_LOGGEDOFF" {
            return Some(());
        }
        let line = names::line_of_channel(&self.dataset, m.get("Channel")?)?;
        self.logged_in(agent, line);
        Some(())
    }

    fn register(&mut self, interface: &str, registered: bool) -> Option<()> {
        let line = names::line_of_interface(&self.dataset, interface)?;
        if registered {
            self.registered.insert(line);
        }
        Some(())
    }

    fn peer(&mut self, m: &AmiMessage) -> Option<()> {
        let tech = m.get("Channeltype").unwrap_or("SIP");
        let address = m.get("IPaddress").unwrap_or_default();
        let status = m.get("Status").unwrap_or_default().to_ascii_uppercase();
        let reachable = !matches!(address, "" | "-none-" | "(null)")
            && !status.starts_with("UNREACHABLE")
            && !status.starts_with("UNKNOWN");
        self.register(&format!("{tech}/{}", m.get("ObjectName")?), reachable)
    }

    fn aor(&mut self, m: &AmiMessage) -> Option<()> {
        let contacts = m.get("Contacts").unwrap_or_default().trim();
        self.register(
            &format!("PJSIP/{}", m.get("ObjectName")?),
            !contacts.is_empty(),
        )
    }

    fn endpoint(&mut self, m: &AmiMessage) -> Option<()> {
        let state = m.get("DeviceState")?;
        let reachable = !matches!(state, "Unavailable" | "Invalid" | "Unknown");
        self.register(&format!("PJSIP/{}", m.get("ObjectName")?), reachable)
    }

    fn contact(&mut self, m: &AmiMessage) -> Option<()> {
        let reachable = m.get("Status").is_none_or(|s| s != "Unreachable");
        self.register(&format!("PJSIP/{}", m.get("Endpoint")?), reachable)
    }

    fn counts(&mut self, voicemail: VoicemailId, new: u32, old: u32) {
        self.voicemails.retain(|(v, _, _)| *v != voicemail);
        if (new, old) != (0, 0) && self.voicemails.len() < MAX_ITEMS {
            self.voicemails.push((voicemail, new, old));
        }
    }

    fn voicemail(&mut self, m: &AmiMessage) -> Option<()> {
        let mailbox = match m.get("VMContext") {
            Some(context) => format!("{}@{context}", m.get("VoiceMailbox")?),
            None => m.get("VoiceMailbox")?.to_owned(),
        };
        let voicemail = names::voicemail(&self.dataset, &mailbox)?;
        let new = m.get("NewMessageCount")?.parse().ok()?;
        let old = m.get("OldMessageCount")?.parse().ok()?;
        self.counts(voicemail, new, old);
        Some(())
    }

    fn mailbox_count(&mut self, m: &AmiMessage) -> Option<()> {
        let voicemail = names::voicemail(&self.dataset, m.get("Mailbox")?)?;
        let new = m.get("NewMessages")?.parse().ok()?;
        let old = m.get("OldMessages")?.parse().ok()?;
        self.counts(voicemail, new, old);
        Some(())
    }

    fn conference_room(&mut self, m: &AmiMessage) -> Option<()> {
        let conference = m.get("Conference")?;
        if self.conferences.len() < MAX_ITEMS
            && !self.conferences.iter().any(|(c, _)| c == conference)
        {
            self.conferences.push((conference.to_owned(), false));
        }
        Some(())
    }

    fn conference_member(&mut self, m: &AmiMessage) -> Option<()> {
        let room: RoomId = names::room(&self.dataset, m.get("Conference")?)?;
        let uniqueid = UniqueId::from(m.get("Uniqueid").filter(|v| !v.is_empty())?);
        let muted = m.get("Muted").is_some_and(names::is_true);
        let index = match self.rooms.iter().position(|r| r.room == room) {
            Some(i) => i,
            None if self.rooms.len() < MAX_ITEMS => {
                self.rooms.push(RoomSnapshot {
                    room,
                    members: Vec::new(),
                });
                self.rooms.len() - 1
            }
            None => return None,
        };
        let members = &mut self.rooms[index].members;
        if members.len() < MAX_ITEMS && !members.iter().any(|(u, _)| *u == uniqueid) {
            members.push((uniqueid, muted));
        }
        Some(())
    }
}

/// A channel's age from its unique id (`1795371246.12`: creation second, then sequence).
fn age(uniqueid: &UniqueId) -> (u64, u64) {
    let (secs, seq) = uniqueid
        .as_str()
        .split_once('.')
        .unwrap_or((uniqueid.as_str(), "0"));
    (
        secs.parse().unwrap_or(u64::MAX),
        seq.parse().unwrap_or(u64::MAX),
    )
}

/// The channel dialling `c`, while `c` rings outside any bridge: a channel of the same call
/// running `Dial` or `Queue` (for `Queue`, the one holding the caller).
fn dialler(c: &SeenChannel, all: &[SeenChannel]) -> Option<UniqueId> {
    use ctid_core::live::ChannelState;
    let s = &c.snapshot;
    if s.bridge.is_some() || !matches!(s.state, ChannelState::Ringing | ChannelState::Down) {
        return None;
    }
    all.iter()
        .filter(|o| o.snapshot.uniqueid != s.uniqueid && o.snapshot.linkedid == s.linkedid)
        .find(|o| matches!(o.application.as_str(), "Dial" | "Queue" | "AgentRequest"))
        .map(|o| o.snapshot.uniqueid.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resync_asks_every_list() {
        let names: Vec<String> = resync_actions()
            .iter()
            .filter_map(|a| a.get("Action").map(str::to_owned))
            .collect();
        assert_eq!(
            names,
            [
                "CoreShowChannels",
                "QueueStatus",
                "Agents",
                "SIPpeers",
                "PJSIPShowAors",
                "VoicemailUsersList",
                "ConfbridgeListRooms"
            ]
        );
    }

    #[test]
    fn conference_rooms_call_for_their_lists_once() {
        let mut builder = SnapshotBuilder::new(Arc::new(Dataset::demo()));
        builder.absorb(
            &AmiMessage::new()
                .with("Event", "ConfbridgeListRooms")
                .with("Conference", "4000"),
        );
        let asked = builder.follow_ups();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].get("Conference"), Some("4000"));
        assert!(builder.follow_ups().is_empty());
        assert_eq!(builder.finish(), PbxSnapshot::default());
    }
}
