//! The event filter ctid asks Asterisk for after logging in (action `Filter`, Asterisk 13+):
//! only the events the translation reads, and of the `VarSet` events (55 of the ~93 events of
//! an answered call in the captures) only those of `USR_*` and `XIVO_*` variables.
//!
//! Asterisk applies include filters as "at least one matches" over the whole event text. List
//! answers (`CoreShowChannel`, `QueueMember`...) are not filtered: they answer an action.
//! A filter Asterisk refuses (the AMI user lacks the `system` write permission) is logged and
//! the adapter goes on unfiltered.

use crate::message::AmiMessage;

/// The events ctid reads (besides the `USR_*` / `XIVO_*` `VarSet`s).
pub const EVENTS: &[&str] = &[
    "Newchannel",
    "Newstate",
    "NewCallerid",
    "NewConnectedLine",
    "Rename",
    "DialBegin",
    "DialEnd",
    "BridgeCreate",
    "BridgeDestroy",
    "BridgeEnter",
    "BridgeLeave",
    "BridgeMerge",
    "LocalBridge",
    "Hold",
    "Unhold",
    "Hangup",
    "BlindTransfer",
    "AttendedTransfer",
    "PeerStatus",
    "ContactStatus",
    "ExtensionStatus",
    "DeviceStateChange",
    "QueueCallerJoin",
    "QueueCallerLeave",
    "QueueCallerAbandon",
    "AgentCalled",
    "AgentRingNoAnswer",
    "AgentConnect",
    "AgentComplete",
    "AgentDump",
    "AgentLogin",
    "AgentLogoff",
    "QueueMemberAdded",
    "QueueMemberRemoved",
    "QueueMemberPause",
    "QueueMemberPaused",
    "QueueMemberPenalty",
    "QueueMemberStatus",
    "MessageWaiting",
    "ConfbridgeStart",
    "ConfbridgeEnd",
    "ConfbridgeJoin",
    "ConfbridgeLeave",
    "ConfbridgeMute",
    "ConfbridgeUnmute",
    "ConfbridgeTalking",
    "ChanSpyStart",
    "ChanSpyStop",
    "OriginateResponse",
    "UserEvent",
    "FullyBooted",
    "Shutdown",
    "Reload",
];

/// The `Filter` actions to send, in order.
pub fn filter_actions() -> Vec<AmiMessage> {
    let names = EVENTS.join("|");
    vec![
        AmiMessage::action("Filter")
            .with("Operation", "Add")
            .with("Filter", &format!("Event: ({names})[[:space:]]")),
        AmiMessage::action("Filter").with("Operation", "Add").with(
            "Filter",
            "Event: VarSet[[:space:]].*[[:space:]]Variable: (USR_|XIVO_)",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_include_filters_under_the_line_limit() {
        let filters = filter_actions();
        assert_eq!(filters.len(), 2);
        for f in &filters {
            assert_eq!(f.get("Operation"), Some("Add"));
            assert!(f.get("Filter").unwrap().len() < 4096);
        }
        assert!(filters[0].get("Filter").unwrap().contains("|Hangup|"));
    }
}
