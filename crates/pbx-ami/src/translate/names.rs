//! Asterisk's names → the dataset's ids: channel names and interfaces to lines, the trunk and
//! local legs; queue member interfaces to agents; mailboxes, conferences and queues.

use ctid_core::Dataset;
use ctid_core::ids::{AgentId, LineId, QueueId, RoomId, VoicemailId};
use ctid_core::live::{Endpoint, Party};

/// Channel technologies that are phones or trunks (anything else is a PBX-internal leg).
const DEVICE_TECHNOLOGIES: &[&str] = &["SIP", "PJSIP", "IAX2", "SCCP", "DAHDI", "H323"];

/// The interface of a channel name: `SIP/1001-0000000a` → `SIP/1001`, `Local/7002@internal-0002;1`
/// → `Local/7002@internal`. The technology is upper-cased as the dataset's interfaces are
/// (`PJSIP`), except `Local`.
pub(crate) fn interface_of_channel(channel: &str) -> Option<(String, &str)> {
    let (tech, rest) = channel.split_once('/')?;
    let rest = rest.split(';').next().unwrap_or(rest);
    let peer = match rest.rfind('-') {
        Some(i) if i > 0 && is_sequence(&rest[i + 1..]) => &rest[..i],
        _ => rest,
    };
    Some((tech.to_ascii_uppercase(), peer))
}

/// Asterisk's channel sequence suffix: 8 or more hex digits.
fn is_sequence(s: &str) -> bool {
    s.len() >= 8 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The configured line a device interface (`SIP/1001`, `PJSIP/1001`) belongs to.
pub(crate) fn line_of_interface(dataset: &Dataset, interface: &str) -> Option<LineId> {
    let (tech, peer) = interface.split_once('/')?;
    let key = format!("{}/{peer}", tech.to_ascii_uppercase());
    dataset.line_by_interface(&key).map(|l| l.id)
}

/// The configured line a channel belongs to.
pub(crate) fn line_of_channel(dataset: &Dataset, channel: &str) -> Option<LineId> {
    let (tech, peer) = interface_of_channel(channel)?;
    dataset
        .line_by_interface(&format!("{tech}/{peer}"))
        .map(|l| l.id)
}

/// What a channel is attached to: a configured line, else a trunk for a device technology
/// (a peer that is no line: the outside world), else a PBX-internal leg.
pub(crate) fn endpoint_of_channel(dataset: &Dataset, channel: &str) -> Endpoint {
    let Some((tech, peer)) = interface_of_channel(channel) else {
        return Endpoint::Local;
    };
    if let Some(line) = dataset.line_by_interface(&format!("{tech}/{peer}")) {
        return Endpoint::Line(line.id);
    }
    if DEVICE_TECHNOLOGIES.contains(&tech.as_str()) {
        Endpoint::Trunk
    } else {
        Endpoint::Local
    }
}

/// A caller-id from AMI's number and name (`<unknown>` reads as empty).
pub(crate) fn party(number: Option<&str>, name: Option<&str>) -> Party {
    let clean = |v: Option<&str>| match v {
        None | Some("<unknown>") => String::new(),
        Some(v) => v.to_owned(),
    };
    Party::new(clean(number), clean(name))
}

/// The agent behind a queue member: `Agent/2001` or a state interface `Agent:2001` (the
/// agent's number), `Local/ID@agentcallback` (XiVO's agent channels, by id), or a configured
/// line's interface (`SIP/1003`: the agent of the line's user).
pub(crate) fn agent_of_member(
    dataset: &Dataset,
    interface: Option<&str>,
    state_interface: Option<&str>,
) -> Option<AgentId> {
    for candidate in [state_interface, interface].into_iter().flatten() {
        if let Some(number) = candidate
            .strip_prefix("Agent:")
            .or_else(|| candidate.strip_prefix("Agent/"))
        {
            return dataset.agent_by_number(number).map(|a| a.id);
        }
        if let Some(rest) = candidate.strip_prefix("Local/")
            && let Some((id, context)) = rest.split_once('@')
            && context.starts_with("agentcallback")
        {
            let id = id.strip_prefix("id-").unwrap_or(id).parse().ok()?;
            return dataset.agent(AgentId(id)).map(|a| a.id);
        }
    }
    let line = line_member(dataset, interface?)?;
    line_agent(dataset, line)
}

/// The line a member interface is, when it is a configured line's.
pub(crate) fn line_member(dataset: &Dataset, interface: &str) -> Option<LineId> {
    line_of_interface(dataset, interface)
}

/// The agent of the user owning `line`.
pub(crate) fn line_agent(dataset: &Dataset, line: LineId) -> Option<AgentId> {
    let user = dataset.user_of_line(line)?;
    dataset.agent_of_user(user.id).map(|a| a.id)
}

/// The queue named `name`.
pub(crate) fn queue(dataset: &Dataset, name: &str) -> Option<QueueId> {
    dataset.queue_by_name(name).map(|q| q.id)
}

/// The voicemail box `1002@default` (or `1002`: any context).
pub(crate) fn voicemail(dataset: &Dataset, mailbox: &str) -> Option<VoicemailId> {
    let (number, context) = match mailbox.split_once('@') {
        Some((n, c)) => (n, Some(c)),
        None => (mailbox, None),
    };
    dataset
        .voicemails()
        .iter()
        .find(|v| v.mailbox == number && context.is_none_or(|c| v.context == c))
        .or_else(|| dataset.voicemail_by_mailbox(number))
        .map(|v| v.id)
}

/// The conference room a ConfBridge conference name is: its number, else its name.
pub(crate) fn room(dataset: &Dataset, conference: &str) -> Option<RoomId> {
    let rooms = dataset.rooms();
    rooms
        .iter()
        .find(|r| r.number == conference)
        .or_else(|| rooms.iter().find(|r| r.name == conference))
        .map(|r| r.id)
}

/// AMI's truth values: `Yes`, `true`, `1`, `on`.
pub(crate) fn is_true(value: &str) -> bool {
    let v = value.trim();
    v.eq_ignore_ascii_case("yes")
        || v.eq_ignore_ascii_case("true")
        || v == "1"
        || v.eq_ignore_ascii_case("on")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_give_their_interface() {
        assert_eq!(
            interface_of_channel("SIP/1001-0000000a"),
            Some(("SIP".to_owned(), "1001"))
        );
        assert_eq!(
            interface_of_channel("PJSIP/trunk-00000000"),
            Some(("PJSIP".to_owned(), "trunk"))
        );
        assert_eq!(
            interface_of_channel("Local/7002@internal-00000002;1"),
            Some(("LOCAL".to_owned(), "7002@internal"))
        );
        assert_eq!(
            interface_of_channel("SIP/my-peer"),
            Some(("SIP".to_owned(), "my-peer"))
        );
        assert_eq!(interface_of_channel("garbage"), None);
    }

    #[test]
    fn unknown_parties_read_as_empty() {
        assert_eq!(party(Some("<unknown>"), None), Party::default());
        assert_eq!(
            party(Some("1001"), Some("Alice")),
            Party::new("1001", "Alice")
        );
    }
}
