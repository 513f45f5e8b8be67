//! The conference pushes of one room change ([`ctid_core::Event::Conference`]), to the users
//! whose calls are in the room: `ConferenceEvent` to a user whose own call joined or left,
//! `ConferenceParticipantEvent` (`Join`, `Update` on a mute change, `Leave`) to every user in the
//! room about every member that changed. Who changed comes from the event's room before and
//! after, by channel; the renderer keeps nothing. Each message names the recipient (`isMe`),
//! so it is encoded per recipient: conference changes are rare and rooms small.

use ctid_core::Timestamp;
use ctid_core::dataset::Dataset;
use ctid_core::ids::UserId;
use ctid_core::live::{ConferenceMember, ConferenceState};
use ctid_face::Pushes;

use crate::topic::Topic;
use crate::wire::encode;
use crate::wire::lists::{ConferenceEventOut, ParticipantEventOut, ParticipantOut};
use crate::wire::output::msg;

fn participant<'a>(
    ds: &'a Dataset,
    now: Timestamp,
    m: &'a ConferenceMember,
    me: UserId,
) -> ParticipantOut<'a> {
    ParticipantOut {
        index: m.join_order,
        caller_id_name: &m.name,
        caller_id_number: &m.number,
        since: now.since(m.join_time).as_secs(),
        is_talking: false,
        role: "User",
        is_muted: m.muted,
        is_me: m.user == Some(me),
        username: m
            .user
            .and_then(|u| ds.user(u))
            .map_or("", |u| u.login.as_str()),
    }
}

/// Renders the pushes of one room change.
pub(crate) fn render(
    ds: &Dataset,
    now: Timestamp,
    state: &ConferenceState,
    previous: &ConferenceState,
    wanted: &dyn Fn(&Topic) -> bool,
    out: &mut Pushes<Topic>,
) {
    let Some(room) = ds.room(state.room) else {
        return;
    };
    let find = |members: &'_ [ConferenceMember], m: &ConferenceMember| {
        members.iter().any(|o| o.uniqueid == m.uniqueid)
    };
    let joined: Vec<&ConferenceMember> = state
        .members
        .iter()
        .filter(|m| !find(&previous.members, m))
        .collect();
    let left: Vec<&ConferenceMember> = previous
        .members
        .iter()
        .filter(|m| !find(&state.members, m))
        .collect();
    let updated: Vec<&ConferenceMember> = state
        .members
        .iter()
        .filter(|m| {
            previous
                .members
                .iter()
                .any(|o| o.uniqueid == m.uniqueid && o.muted != m.muted)
        })
        .collect();
    // The users in the room after the change, and those who just left it.
    let mut recipients: Vec<UserId> = state
        .members
        .iter()
        .chain(left.iter().copied())
        .filter_map(|m| m.user)
        .collect();
    recipients.sort_unstable();
    recipients.dedup();
    let since = state.start.map_or(0, |t| now.since(t).as_secs());
    for user in recipients {
        let topic = Topic::User(user);
        if !wanted(&topic) {
            continue;
        }
        for (event_type, m) in joined
            .iter()
            .map(|m| ("Join", *m))
            .chain(left.iter().map(|m| ("Leave", *m)))
        {
            if m.user == Some(user) {
                let event = ConferenceEventOut {
                    event_type,
                    unique_id: &m.uniqueid.0,
                    conference_name: &room.name,
                    conference_number: &room.number,
                    since: if event_type == "Join" { since } else { 0 },
                    participants: if event_type == "Join" {
                        state
                            .members
                            .iter()
                            .map(|p| participant(ds, now, p, user))
                            .collect()
                    } else {
                        Vec::new()
                    },
                };
                out.push((topic.clone(), encode(msg::CONFERENCE_EVENT, &event)));
            }
        }
        let changes = joined
            .iter()
            .map(|m| ("Join", *m))
            .chain(updated.iter().map(|m| ("Update", *m)))
            .chain(left.iter().map(|m| ("Leave", *m)));
        for (event_type, m) in changes {
            let event = ParticipantEventOut {
                event_type,
                unique_id: &m.uniqueid.0,
                phone_number: &room.number,
                participant: participant(ds, now, m, user),
            };
            out.push((
                topic.clone(),
                encode(msg::CONFERENCE_PARTICIPANT_EVENT, &event),
            ));
        }
    }
}
