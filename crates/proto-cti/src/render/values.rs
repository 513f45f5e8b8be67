//! Value converters: pure functions from the core's values to CTI wire structs, shared by the
//! fan-out's [`super::Renderer`] and the request handlers (a `getlist updatestatus agents` reply
//! and an agent push have the same shape).

use std::collections::BTreeMap;
use std::sync::Arc;

use ctid_core::Timestamp;
use ctid_core::dataset::{Dataset, UserServices};
use ctid_core::ids::{AgentId, QueueId, RoomId, UserId};
use ctid_core::live::{
    AgentStatus, Availability, CallDirection, ConferenceState, CurrentCall, CurrentCallStatus,
    ForwardKind, QueueEntry, QueueLiveStats, QueueMemberStatus, Service,
};

use crate::wire::output::*;

/// An agent's status as `getlist updatestatus agents` carries it.
pub fn agent_status_out(st: &AgentStatus, ds: &Dataset) -> AgentStatusOut {
    AgentStatusOut {
        phonenumber: st.phone_number.clone(),
        channel: st.line.and_then(|l| ds.line(l)).map(|l| l.interface()),
        availability: availability_name(st.availability),
        availability_since: st.availability_since.as_secs_f64(),
        nonacd_call_status: st.on_call_nonacd.map(|(dir, internal)| {
            (
                match dir {
                    CallDirection::Incoming => "incoming",
                    CallDirection::Outgoing => "outgoing",
                },
                internal,
            )
        }),
        on_call_acd: st.on_call_acd,
        on_wrapup: st.on_wrapup,
        queues: st.queues.iter().map(|q| q.to_string()).collect(),
    }
}

/// The CTI name of an agent's availability (`logged_out`, `available`, `unavailable`,
/// `on_call_nonacd_{incoming,outgoing}_{internal,external}`).
pub fn availability_name(availability: Availability) -> &'static str {
    match availability {
        Availability::LoggedOut => "logged_out",
        Availability::Available => "available",
        Availability::Unavailable => "unavailable",
        Availability::OnCallNonAcd {
            direction: CallDirection::Incoming,
            internal: true,
        } => "on_call_nonacd_incoming_internal",
        Availability::OnCallNonAcd {
            direction: CallDirection::Incoming,
            internal: false,
        } => "on_call_nonacd_incoming_external",
        Availability::OnCallNonAcd {
            direction: CallDirection::Outgoing,
            internal: true,
        } => "on_call_nonacd_outgoing_internal",
        Availability::OnCallNonAcd {
            direction: CallDirection::Outgoing,
            internal: false,
        } => "on_call_nonacd_outgoing_external",
    }
}

/// The status of an agent the core does not know (logged out since `since`).
pub fn agent_status_default(since: Timestamp, queues: Vec<String>) -> AgentStatusOut {
    AgentStatusOut {
        phonenumber: None,
        channel: None,
        availability: "logged_out",
        availability_since: since.as_secs_f64(),
        nonacd_call_status: None,
        on_call_acd: false,
        on_wrapup: false,
        queues,
    }
}

/// The `queuemembers` id of a membership: `Agent/<number>,<queue name>`.
pub fn queue_member_tid(ds: &Dataset, queue: QueueId, agent: AgentId) -> Option<String> {
    let q = ds.queue(queue)?;
    let a = ds.agent(agent)?;
    Some(format!("Agent/{},{}", a.number, q.name))
}

/// `HH:MM:SS` (UTC) of a time, as `lastcall`.
pub fn time_of_day(t: Timestamp) -> String {
    let s = t.as_secs().rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// A membership's eight string fields.
pub fn queue_member_fields<'a>(ds: &'a Dataset, m: &QueueMemberStatus) -> QueueMemberFields<'a> {
    let q = ds.queue(m.queue);
    let number = ds.agent(m.agent).map_or("", |a| a.number.as_str());
    QueueMemberFields {
        queue_name: q.map_or("", |q| q.name.as_str()),
        interface: format!("Agent/{number}"),
        membership: "static",
        callstaken: m.calls_taken.to_string(),
        paused: if m.paused { "1" } else { "0" },
        penalty: m.penalty.to_string(),
        status: m.status.code().to_string(),
        lastcall: m.last_call.map(time_of_day).unwrap_or_default(),
    }
}

/// The service keys of a user's configuration, all of them.
pub fn user_services_config(s: &UserServices) -> UserServicesConfig {
    UserServicesConfig {
        enablerna: Some(s.fwd_noanswer.enabled),
        enableunc: Some(s.fwd_unconditional.enabled),
        enablebusy: Some(s.fwd_busy.enabled),
        destrna: Some(s.fwd_noanswer.destination.clone()),
        destunc: Some(s.fwd_unconditional.destination.clone()),
        destbusy: Some(s.fwd_busy.destination.clone()),
        enablevoicemail: Some(s.voicemail_enabled),
        enablednd: Some(s.dnd),
        incallfilter: Some(s.incallfilter),
        enablerecording: Some(s.recording),
    }
}

/// Only the keys of the services in `changed` (as [`Event::UserServices`] lists them).
pub fn user_services_patch(s: &UserServices, changed: &[Service]) -> UserServicesConfig {
    let mut p = UserServicesConfig::default();
    for c in changed {
        match c {
            Service::Dnd => p.enablednd = Some(s.dnd),
            Service::IncallFilter => p.incallfilter = Some(s.incallfilter),
            Service::Recording => p.enablerecording = Some(s.recording),
            Service::Voicemail => p.enablevoicemail = Some(s.voicemail_enabled),
            Service::Forward(ForwardKind::Unconditional) => {
                p.enableunc = Some(s.fwd_unconditional.enabled);
                p.destunc = Some(s.fwd_unconditional.destination.clone());
            }
            Service::Forward(ForwardKind::Busy) => {
                p.enablebusy = Some(s.fwd_busy.enabled);
                p.destbusy = Some(s.fwd_busy.destination.clone());
            }
            Service::Forward(ForwardKind::NoAnswer) => {
                p.enablerna = Some(s.fwd_noanswer.enabled);
                p.destrna = Some(s.fwd_noanswer.destination.clone());
            }
        }
    }
    p
}

/// A line's `current_calls` message (answered and held calls).
pub fn current_calls_out(calls: &[CurrentCall]) -> CurrentCalls {
    CurrentCalls {
        class: "current_calls",
        current_calls: calls
            .iter()
            .filter_map(|c| {
                let status = match c.status {
                    CurrentCallStatus::Up => "up",
                    CurrentCallStatus::Hold => "hold",
                    CurrentCallStatus::Ringing => return None,
                };
                Some(CurrentCallOut {
                    cid_name: c.peer.name.clone(),
                    cid_number: c.peer.number.clone(),
                    call_status: status,
                    call_start: c.start.as_secs_f64(),
                    unique_id: c.uniqueid.to_string(),
                })
            })
            .collect(),
    }
}

/// A queue's `queueentryupdate` message.
pub fn queue_entries_out<'a>(
    ds: &'a Dataset,
    queue: QueueId,
    entries: &[QueueEntry],
) -> QueueEntryUpdate<'a> {
    QueueEntryUpdate {
        class: "queueentryupdate",
        state: QueueEntryState {
            queue_name: ds.queue(queue).map_or("", |q| q.name.as_str()),
            queue_id: queue.0,
            entries: entries
                .iter()
                .map(|e| QueueEntryOut {
                    position: e.position,
                    name: e.name.clone(),
                    number: e.number.clone(),
                    join_time: e.join_time.as_secs_f64(),
                    uniqueid: e.uniqueid.to_string(),
                })
                .collect(),
        },
    }
}

/// The state of `room` among every room's, by room id (as `Event::Conference` carries them).
fn room_state(rooms: &[Arc<ConferenceState>], room: RoomId) -> Option<&ConferenceState> {
    let at = rooms.binary_search_by_key(&room, |s| s.room).ok()?;
    Some(&rooms[at])
}

/// The `meetme_update` message for every configured room, from every room's state by room id.
pub fn meetme_update_out(ds: &Dataset, rooms: &[Arc<ConferenceState>]) -> MeetmeUpdate {
    let mut config = BTreeMap::new();
    for room in ds.rooms() {
        let state = room_state(rooms, room.id);
        let members = state
            .map(|s| {
                s.members
                    .iter()
                    .map(|m| {
                        (
                            m.join_order.to_string(),
                            MeetmeMemberOut {
                                join_order: m.join_order,
                                join_time: m.join_time.as_secs_f64(),
                                number: m.number.clone(),
                                name: m.name.clone(),
                                muted: m.muted,
                            },
                        )
                    })
                    .collect::<BTreeMap<_, _>>()
            })
            .unwrap_or_default();
        config.insert(
            room.number.clone(),
            MeetmeRoomOut {
                name: room.name.clone(),
                number: room.number.clone(),
                pin_required: room.pin.as_deref().is_some_and(|p| !p.is_empty()),
                start_time: state.and_then(|s| s.start).map_or(0.0, |t| t.as_secs_f64()),
                member_count: members.len(),
                members,
            },
        );
    }
    MeetmeUpdate {
        class: "meetme_update",
        config,
    }
}

/// A queue's live counters.
pub fn live_stats_out(s: &QueueLiveStats) -> LiveQueueStats {
    LiveQueueStats {
        logged_agents: s.logged_agents,
        available_agents: s.available_agents.to_string(),
        talking_agents: s.talking_agents.to_string(),
        ewt: s.ewt.to_string(),
        waiting_calls: s.waiting_calls,
        longest_wait: if s.waiting_calls > 0 {
            s.longest_wait
        } else {
            None
        },
    }
}

/// A queue's `getqueuesstats` push.
pub(super) fn queue_stats_out(
    queue: QueueId,
    stats: &QueueLiveStats,
) -> QueuesStats<'static, LiveQueueStats> {
    let mut map = BTreeMap::new();
    map.insert(queue.to_string(), live_stats_out(stats));
    QueuesStats {
        class: "getqueuesstats",
        replyid: None,
        stats: map,
    }
}

/// The `meetme_user` message of a user: the rooms it is in and its position there.
pub(super) fn meetme_user_out(
    ds: &Dataset,
    user: UserId,
    rooms: &[Arc<ConferenceState>],
) -> MeetmeUser {
    let mut list: Vec<MeetmeUserEntry> = rooms
        .iter()
        .flat_map(|state| {
            let number = ds
                .room(state.room)
                .map(|r| r.number.clone())
                .unwrap_or_default();
            state
                .members
                .iter()
                .filter(move |m| m.user == Some(user))
                .map(move |m| MeetmeUserEntry {
                    room_number: number.clone(),
                    user_number: m.join_order,
                })
        })
        .collect();
    list.sort_by(|a, b| (&a.room_number, a.user_number).cmp(&(&b.room_number, b.user_number)));
    MeetmeUser {
        class: "meetme_user",
        list,
    }
}

#[cfg(test)]
mod tests {
    use ctid_core::dataset::Forward;

    use super::*;

    #[test]
    fn service_pushes_carry_only_changed_keys() {
        let services = UserServices {
            dnd: true,
            fwd_busy: Forward {
                enabled: true,
                destination: "1003".into(),
            },
            ..UserServices::default()
        };
        let v = serde_json::to_value(user_services_patch(
            &services,
            &[Service::Dnd, Service::Forward(ForwardKind::Busy)],
        ))
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"enablednd": true, "enablebusy": true, "destbusy": "1003"})
        );
        let all = serde_json::to_value(user_services_config(&services)).unwrap();
        assert_eq!(all.as_object().unwrap().len(), 10);
    }

    #[test]
    fn live_stats_have_xivo_ctid_types() {
        let v = serde_json::to_value(live_stats_out(&QueueLiveStats {
            logged_agents: 2,
            available_agents: 1,
            talking_agents: 1,
            waiting_calls: 0,
            longest_wait: Some(12),
            ewt: 30,
        }))
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"Xivo-LoggedAgents": 2, "Xivo-AvailableAgents": "1",
                "Xivo-TalkingAgents": "1", "Xivo-EWT": "30", "Xivo-WaitingCalls": 0})
        );
    }

    #[test]
    fn times_of_day_and_membership_ids() {
        assert_eq!(
            time_of_day(Timestamp(1_767_603_600_000 + 3_723_000)),
            "10:02:03"
        );
        assert_eq!(
            queue_member_tid(&Dataset::demo(), QueueId(2), AgentId(4)).as_deref(),
            Some("Agent/2004,support")
        );
        assert_eq!(
            queue_member_tid(&Dataset::demo(), QueueId(9), AgentId(4)),
            None
        );
    }
}
