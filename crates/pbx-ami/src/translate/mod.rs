//! AMI events → `PbxEvent`s.
//!
//! A [`Translator`] maps Asterisk's interfaces and names to the dataset's ids (`names.rs`) and
//! turns each event it knows into the port's vocabulary, one file per topic: channels and
//! variables, dialling and bridges, transfers, queue calls, agents, queue members, voicemail,
//! conferences, registration. Everything else (`Newexten`, `DeviceStateChange`,
//! `ExtensionStatus`, `Cdr`, RTCP...) means nothing to the core and is dropped: hints are derived
//! by the core from channels and registration, so a hint that Asterisk reports before the
//! channel causing it (the recordings show it) changes nothing until the channel arrives.
//!
//! Unknown lines, queues, agents, rooms and boxes are logged at debug level and ignored; a
//! missing or unreadable field drops the event the same way. Nothing here panics on input.
//!
//! Events that answer a list action (`QueueMember`, `CoreShowChannel`...) belong to the resync
//! ([`crate::snapshot`]); fed here too they emit nothing, but teach the translator which agent
//! each queue member interface is (`QueueMember`'s `StateInterface`).

mod agents;
mod bridges;
mod channels;
mod conferences;
mod members;
pub(crate) mod names;
mod queues;
mod registration;
mod transfers;
mod variables;
mod voicemail;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ctid_core::Dataset;
use ctid_core::ids::{AgentId, QueueId};
use ctid_core::pbx::PbxEvent;

use crate::message::AmiMessage;

pub use channels::state as channel_state;
pub use variables::kept_variable;

/// The most queue member interfaces remembered (their agent) at once.
const MAX_MEMBER_INTERFACES: usize = 100_000;

/// Turns AMI events into `PbxEvent`s for one connection's lifetime.
#[derive(Debug)]
pub struct Translator {
    dataset: Arc<Dataset>,
    /// Queue member interfaces (`Local/7002@internal/n`) whose agent is known from their state
    /// interface (`Agent:2001`), learned from member events.
    member_agents: HashMap<Box<str>, AgentId>,
    /// For agents that are queue members through their phone's interface (`SIP/1003`): the
    /// queues they are a member of that way. Such an agent is logged in on that line while it
    /// is a member of one.
    line_memberships: HashMap<AgentId, HashSet<QueueId>>,
}

impl Translator {
    /// A translator for `dataset`.
    pub fn new(dataset: Arc<Dataset>) -> Translator {
        Translator {
            dataset,
            member_agents: HashMap::new(),
            line_memberships: HashMap::new(),
        }
    }

    /// Follows a configuration change.
    pub fn set_dataset(&mut self, dataset: Arc<Dataset>) {
        self.dataset = dataset;
        self.member_agents.clear();
    }

    /// Translates one AMI event, appending what it means to `out` (often nothing).
    pub fn event(&mut self, message: &AmiMessage, out: &mut Vec<PbxEvent>) {
        let Some(name) = message.event() else {
            return;
        };
        let e = Fields(message);
        let done = match name {
            "Newchannel" => self.new_channel(e, out),
            "Newstate" => self.new_state(e, out),
            "NewCallerid" => self.new_caller_id(e, out),
            "NewConnectedLine" => self.new_connected_line(e, out),
            "Hangup" => self.hangup(e, out),
            "Hold" => self.hold(e, true, out),
            "Unhold" => self.hold(e, false, out),
            "VarSet" => self.var_set(e, out),
            "UserEvent" => self.user_event(e, out),
            "DialBegin" => self.dial_begin(e, out),
            "DialEnd" => self.dial_end(e, out),
            "BridgeEnter" => self.bridge_enter(e, out),
            "BridgeLeave" => self.bridge_leave(e, out),
            "BlindTransfer" => self.blind_transfer(e, out),
            "AttendedTransfer" => self.attended_transfer(e, out),
            "QueueCallerJoin" => self.caller_join(e, out),
            "QueueCallerLeave" => self.caller_leave(e, out),
            "QueueCallerAbandon" => self.caller_abandon(e, out),
            "AgentCalled" => self.agent_called(e, out),
            "AgentRingNoAnswer" => self.agent_ring_no_answer(e, out),
            "AgentConnect" => self.agent_connect(e, out),
            "AgentComplete" => self.agent_complete(e, out),
            "AgentLogin" => self.agent_login(e, out),
            "AgentLogoff" => self.agent_logoff(e, out),
            "QueueMemberAdded" => self.member_added(e, out),
            "QueueMemberRemoved" => self.member_removed(e, out),
            "QueueMemberPause" | "QueueMemberPaused" => self.member_paused(e, out),
            "QueueMemberPenalty" => self.member_penalty(e, out),
            "QueueMemberStatus" | "QueueMember" => self.member_seen(e),
            "MessageWaiting" => self.message_waiting(e, out),
            "ConfbridgeJoin" => self.conference_join(e, out),
            "ConfbridgeLeave" => self.conference_leave(e, out),
            "ConfbridgeMute" => self.conference_mute(e, true, out),
            "ConfbridgeUnmute" => self.conference_mute(e, false, out),
            "PeerStatus" => self.peer_status(e, out),
            "ContactStatus" => self.contact_status(e, out),
            "ChanSpyStart" => self.spy_start(e, out),
            "ChanSpyStop" => self.spy_stop(e, out),
            _ => Some(()),
        };
        if done.is_none() {
            tracing::debug!(
                event = name,
                "AMI event ignored: a field is missing or unknown"
            );
        }
    }
}

/// Read access to an event's fields, for the `?` style of the handlers.
#[derive(Clone, Copy)]
pub(crate) struct Fields<'a>(pub(crate) &'a AmiMessage);

impl<'a> Fields<'a> {
    /// A field that must be there.
    pub(crate) fn get(self, key: &str) -> Option<&'a str> {
        self.0.get(key)
    }

    /// A field that must be there and not empty.
    pub(crate) fn some(self, key: &str) -> Option<&'a str> {
        self.0.get(key).filter(|v| !v.is_empty())
    }

    /// A number field.
    pub(crate) fn number<T: std::str::FromStr>(self, key: &str) -> Option<T> {
        self.0.get(key)?.trim().parse().ok()
    }

    /// A yes/no field (`Yes`, `true`, `1`, `on`).
    pub(crate) fn flag(self, key: &str) -> bool {
        self.0.get(key).is_some_and(names::is_true)
    }
}
