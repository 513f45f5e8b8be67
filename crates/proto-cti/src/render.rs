//! Rendering: the core's values and [`Event`]s translated into CTI wire messages.
//!
//! The fan-out task calls [`Renderer::render`] once per event; each message is encoded once and
//! handed to the topics that want it. The value converters here are shared with the request
//! handlers (a `getlist updatestatus agents` reply and an agent push have the same shape).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bytes::Bytes;
use ctid_face::{Pushes, SupersedeKey};

use ctid_core::dataset::{Dataset, UserServices};
use ctid_core::event::{Event, MembershipChange};
use ctid_core::ids::{AgentId, LineId, QueueId, RoomId, UserId};
use ctid_core::live::{
    AgentStatus, Availability, CallDirection, ConferenceState, CurrentCall, CurrentCallStatus,
    ForwardKind, QueueEntry, QueueLiveStats, QueueMemberStatus, Service,
};
use ctid_core::pbx::AttendedTransferState;
use ctid_core::{SharedClock, Timestamp};

use crate::fanout::Topic;
use crate::sheet;
use crate::wire::encode;
use crate::wire::encode::{encode_prefix, with_timenow};
use crate::wire::input::{ListName, StatusKind};
use crate::wire::limits::echo;
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

/// The state of `room` among every room's, by room id (as [`Event::Conference`] carries them).
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

/// An object whose pushes carry its whole state: a push whose wire form (without `timenow`) is
/// the one last sent for the same object says nothing new and is not sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Snapshot {
    /// A line's `current_calls` (ringing calls are not listed, so many core changes look alike).
    CurrentCalls(LineId),
    /// A queue's `getqueuesstats` push.
    QueueStats(QueueId),
    /// A queue's `queueentryupdate`.
    QueueEntries(QueueId),
    /// `meetme_update`.
    Meetme,
    /// A membership's `queuemembers` config and status (the core's status has more fields).
    QueueMember(QueueId, AgentId),
}

/// The supersede key of an object's whole-state push, for the four kinds a newer copy replaces
/// in a session's outbox (a membership's pushes are a pair, and stay plain).
fn supersede_key(snapshot: Snapshot) -> Option<SupersedeKey> {
    Some(match snapshot {
        Snapshot::CurrentCalls(line) => SupersedeKey::new("current_calls", line.0.into()),
        Snapshot::QueueStats(queue) => SupersedeKey::new("getqueuesstats", queue.0.into()),
        Snapshot::QueueEntries(queue) => SupersedeKey::new("queueentryupdate", queue.0.into()),
        Snapshot::Meetme => SupersedeKey::new("meetme_update", 0),
        Snapshot::QueueMember(..) => return None,
    })
}

/// Adds an object's whole-state push to `out`: replaceable by a newer copy while it waits in a
/// session's outbox when `coalesce` (`[cti] coalesce_snapshots`), else plain.
fn push_snapshot(
    out: &mut Pushes<Topic>,
    coalesce: bool,
    topic: Topic,
    snapshot: Snapshot,
    bytes: Bytes,
) {
    match supersede_key(snapshot).filter(|_| coalesce) {
        Some(key) => out.push_replaceable(topic, key, bytes),
        None => out.push((topic, bytes)),
    }
}

/// Encodes `msg` once, unless its wire form is the one last sent for `key`.
fn encode_if_changed<T: serde::Serialize>(
    last: &mut HashMap<Snapshot, Bytes>,
    key: Snapshot,
    msg: &T,
    now: Timestamp,
) -> Option<Bytes> {
    let prefix = encode_prefix(msg);
    match last.entry(key) {
        Entry::Occupied(e) if *e.get() == prefix => return None,
        Entry::Occupied(mut e) => {
            e.insert(prefix.clone());
        }
        Entry::Vacant(e) => {
            e.insert(prefix.clone());
        }
    }
    Some(with_timenow(&prefix, now))
}

/// A queue's `getqueuesstats` push.
fn queue_stats_push(
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

/// Renders events. The events carry what a rendering needs (whether a membership is new, the
/// queue's members, every room, the previous agent status); the renderer remembers only the
/// configuration and the last wire form of each object's whole-state push.
#[derive(Debug)]
pub struct Renderer {
    dataset: Arc<Dataset>,
    clock: SharedClock,
    /// The wire form (without `timenow`) last sent for each whole-state push.
    last: HashMap<Snapshot, Bytes>,
    /// Whether whole-state pushes are sent replaceable (`[cti] coalesce_snapshots`).
    coalesce_snapshots: bool,
}

impl Renderer {
    /// A renderer of events from the configuration `dataset` on.
    pub fn new(dataset: Arc<Dataset>, clock: SharedClock) -> Self {
        Renderer {
            dataset,
            clock,
            last: HashMap::new(),
            coalesce_snapshots: true,
        }
    }

    /// Whether whole-state pushes (`current_calls`, `getqueuesstats`, `queueentryupdate`,
    /// `meetme_update`) are sent replaceable: a newer copy then replaces an older one still
    /// waiting in a session's outbox (`[cti] coalesce_snapshots`; on unless told otherwise).
    pub fn coalesce_snapshots(&mut self, on: bool) {
        self.coalesce_snapshots = on;
    }

    /// Records what a client subscribing now is told about a line's calls (seeds the
    /// comparison that keeps an unchanged `current_calls` from being pushed again).
    pub fn seen_calls(&mut self, line: LineId, calls: &[CurrentCall]) {
        let prefix = encode_prefix(&current_calls_out(calls));
        self.last.insert(Snapshot::CurrentCalls(line), prefix);
    }

    /// Records what a client subscribing now is told about a queue's callers and counters.
    pub fn seen_queue(&mut self, queue: QueueId, entries: &[QueueEntry], stats: &QueueLiveStats) {
        let ds = &*self.dataset;
        let prefix = encode_prefix(&queue_entries_out(ds, queue, entries));
        self.last.insert(Snapshot::QueueEntries(queue), prefix);
        let prefix = encode_prefix(&queue_stats_push(queue, stats));
        self.last.insert(Snapshot::QueueStats(queue), prefix);
    }

    /// The `meetme_user` message of a user: the rooms it is in and its position there.
    fn meetme_user(&self, user: UserId, rooms: &[Arc<ConferenceState>]) -> MeetmeUser {
        let mut list: Vec<MeetmeUserEntry> = rooms
            .iter()
            .flat_map(|state| {
                let number = self
                    .dataset
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

    /// A queue's `updatestatus` (its member agents, by id), for the queues list.
    fn queue_status(queue: QueueId, agents: &[AgentId], now: Timestamp) -> (Topic, Bytes) {
        let tid = queue.to_string();
        let b = encode(
            &ObjectReply::status(
                "queues",
                &tid,
                QueueStatusOut {
                    agentmembers: agents.iter().map(|a| a.to_string()).collect(),
                    phonemembers: Vec::new(),
                },
            ),
            now,
        );
        (Topic::List(ListName::Queues), b)
    }

    /// Renders one event into `(topic, bytes)` pairs (the same bytes may go to several topics).
    /// `wanted` tells whether a topic has subscribers: costly renderings (sheets, conference
    /// rooms) are skipped when nobody would get them.
    pub fn render(
        &mut self,
        event: &Event,
        wanted: &dyn Fn(&Topic) -> bool,
        out: &mut Pushes<Topic>,
    ) {
        let now = self.clock.now();
        let coalesce = self.coalesce_snapshots;
        let ds = &*self.dataset;
        let uuid = ds.xivo_uuid();
        match event {
            Event::Config {
                key,
                change,
                dataset,
            } => {
                let old = std::mem::replace(&mut self.dataset, dataset.0.clone());
                crate::config_pushes::render_change(&old, &dataset.0, *key, *change, now, out);
            }
            Event::LineHint { line, hint } => {
                let tid = line.to_string();
                let b = encode(
                    &ObjectReply::status(
                        "phones",
                        &tid,
                        PhoneStatus {
                            hintstatus: hint.code().to_string(),
                        },
                    ),
                    now,
                );
                out.push((Topic::List(ListName::Phones), b));
                let b = encode(
                    &DataMessage {
                        class: "endpoint_status_update",
                        data: EndpointStatusData {
                            endpoint_id: line.0,
                            xivo_uuid: uuid,
                            status: hint.code(),
                        },
                    },
                    now,
                );
                out.push((Topic::EndpointStatus(*line), b));
            }
            Event::LineCalls { line, calls } => {
                let key = Snapshot::CurrentCalls(*line);
                if let Some(b) =
                    encode_if_changed(&mut self.last, key, &current_calls_out(calls), now)
                {
                    push_snapshot(out, coalesce, Topic::CurrentCalls(*line), key, b);
                }
            }
            Event::Phone(ev) => {
                let Some(user) = ev.user.filter(|u| wanted(&Topic::User(*u))) else {
                    return;
                };
                if let Some(b) = sheet::render_sheet(ds, ev, now) {
                    out.push((Topic::User(user), b));
                }
            }
            Event::AgentStatus {
                status: st,
                previous,
            } => {
                // The core also reports changes the CTI status does not show (the XuC agent
                // state): those are not pushed.
                let status = agent_status_out(st, ds);
                if previous
                    .as_ref()
                    .is_some_and(|p| agent_status_out(p, ds) == status)
                {
                    return;
                }
                let tid = st.agent.to_string();
                let b = encode(&ObjectReply::status("agents", &tid, status), now);
                out.push((Topic::List(ListName::Agents), b));
            }
            Event::AgentLogin { agent, line } => {
                let b = encode(
                    &DataMessage {
                        class: "agent_status_update",
                        data: AgentStatusData {
                            agent_id: agent.0,
                            xivo_uuid: uuid,
                            status: if line.is_some() {
                                "logged_in"
                            } else {
                                "logged_out"
                            },
                        },
                    },
                    now,
                );
                out.push((Topic::AgentStatus(*agent), b));
            }
            Event::QueueMember { status: m, change } => {
                let Some(tid) = queue_member_tid(ds, m.queue, m.agent) else {
                    return;
                };
                let topic = Topic::List(ListName::QueueMembers);
                let key = Snapshot::QueueMember(m.queue, m.agent);
                if let MembershipChange::Added { members } = change {
                    self.last.remove(&key);
                    let b = encode(
                        &ListChange {
                            class: "getlist",
                            function: "addconfig",
                            listname: "queuemembers",
                            tipbxid: IPBXID,
                            list: [&tid],
                        },
                        now,
                    );
                    out.push((topic.clone(), b));
                    out.push(Self::queue_status(m.queue, members, now));
                }
                let fields = queue_member_fields(ds, m);
                let config = ObjectReply::config("queuemembers", &tid, &fields);
                let Some(config) = encode_if_changed(&mut self.last, key, &config, now) else {
                    return;
                };
                out.push((topic.clone(), config));
                out.push((
                    topic,
                    encode(&ObjectReply::status("queuemembers", &tid, &fields), now),
                ));
            }
            Event::QueueMemberRemoved {
                queue,
                agent,
                members,
            } => {
                self.last.remove(&Snapshot::QueueMember(*queue, *agent));
                out.push(Self::queue_status(*queue, members, now));
                let Some(tid) = queue_member_tid(ds, *queue, *agent) else {
                    return;
                };
                let b = encode(
                    &ListChange {
                        class: "getlist",
                        function: "delconfig",
                        listname: "queuemembers",
                        tipbxid: IPBXID,
                        list: [&tid],
                    },
                    now,
                );
                out.push((Topic::List(ListName::QueueMembers), b));
            }
            Event::QueueStats { queue, stats } => {
                let msg = queue_stats_push(*queue, stats);
                let key = Snapshot::QueueStats(*queue);
                if let Some(b) = encode_if_changed(&mut self.last, key, &msg, now) {
                    push_snapshot(out, coalesce, Topic::QueueStats, key, b);
                }
            }
            Event::QueueEntries { queue, entries } => {
                let msg = queue_entries_out(ds, *queue, entries);
                let key = Snapshot::QueueEntries(*queue);
                if let Some(b) = encode_if_changed(&mut self.last, key, &msg, now) {
                    push_snapshot(out, coalesce, Topic::QueueEntries(*queue), key, b);
                }
            }
            Event::UserPresence { user, status } => {
                let tid = user.to_string();
                let b = encode(
                    &ObjectReply::status("users", &tid, UserStatus { availstate: status }),
                    now,
                );
                out.push((Topic::List(ListName::Users), b.clone()));
                out.push((Topic::UserPush(*user), b));
                if let Some(u) = ds.user(*user) {
                    let b = encode(
                        &DataMessage {
                            class: "user_status_update",
                            data: UserStatusData {
                                user_uuid: &u.uuid,
                                user_id: user.0,
                                xivo_uuid: uuid,
                                status,
                            },
                        },
                        now,
                    );
                    out.push((Topic::UserStatus(*user), b));
                }
            }
            Event::UserServices {
                user,
                services,
                changed,
            } => {
                let tid = user.to_string();
                let b = encode(
                    &ObjectReply::config("users", &tid, user_services_patch(services, changed)),
                    now,
                );
                out.push((Topic::List(ListName::Users), b.clone()));
                out.push((Topic::UserPush(*user), b));
            }
            Event::Voicemail { voicemail, counts } => {
                let tid = voicemail.to_string();
                let b = encode(
                    &ObjectReply::status("voicemails", &tid, VoicemailStatus { new: counts.new }),
                    now,
                );
                out.push((Topic::List(ListName::Voicemails), b));
            }
            Event::Conference {
                state,
                previous,
                rooms,
            } => {
                // Each internal member, and each who just left, learns where it sits (to mute
                // itself).
                let mut users: Vec<UserId> = previous
                    .members
                    .iter()
                    .chain(state.members.iter())
                    .filter_map(|m| m.user)
                    .collect();
                users.sort();
                users.dedup();
                for user in users {
                    if wanted(&Topic::User(user)) {
                        let msg = self.meetme_user(user, rooms);
                        out.push((Topic::User(user), encode(&msg, now)));
                    }
                }
                if !wanted(&Topic::Meetme) {
                    // Not rendered: the next subscriber starts from the core's state, so the
                    // next rendering must not be compared with an older one.
                    self.last.remove(&Snapshot::Meetme);
                    return;
                }
                let msg = meetme_update_out(ds, rooms);
                if let Some(b) = encode_if_changed(&mut self.last, Snapshot::Meetme, &msg, now) {
                    push_snapshot(out, coalesce, Topic::Meetme, Snapshot::Meetme, b);
                }
            }
            Event::Chat {
                from,
                to,
                alias,
                text,
            } => {
                let (Some(f), Some(t)) = (ds.user(*from), ds.user(*to)) else {
                    return;
                };
                let b = encode(
                    &ChitchatOut {
                        class: "chitchat",
                        from: [uuid, &f.uuid],
                        to: [uuid, &t.uuid],
                        alias,
                        text,
                    },
                    now,
                );
                out.push((Topic::User(*to), b));
            }
            Event::AttendedTransfer { user, line, state } => {
                let class = match state {
                    AttendedTransferState::Answered => "current_call_attended_transfer_answered",
                    AttendedTransferState::Cancelled => "current_call_attended_transfer_cancelled",
                    _ => return,
                };
                let b = encode(
                    &TransferNotice {
                        class,
                        line: line.to_string(),
                    },
                    now,
                );
                out.push((Topic::User(*user), b));
            }
            Event::DialFailed {
                user,
                destination,
                reason,
            } => {
                let error = format!("dial_failed:{}", echo(destination));
                let b = encode(
                    &DialFailed {
                        class: "ipbxcommand",
                        error_string: &error,
                        reason,
                    },
                    now,
                );
                out.push((Topic::User(*user), b));
            }
            Event::ActionFailed {
                user,
                command,
                reason,
                ..
            } => {
                let b = encode(
                    &DialFailed {
                        class: crate::errors::command_class(*command),
                        error_string: "service_unavailable",
                        reason,
                    },
                    now,
                );
                out.push((Topic::User(*user), b));
            }
            Event::FaxProgress {
                user,
                status,
                pages,
                ..
            } => {
                let b = encode(
                    &FaxProgress {
                        class: "fax_progress",
                        status: status.as_str(),
                        pages: *pages,
                    },
                    now,
                );
                out.push((Topic::User(*user), b));
            }
            Event::CallLogged(_) | Event::Listen { .. } | Event::CallFormResult { .. } => {}
        }
    }
}

/// An asynchronous failure: a dial that could not be placed, or an action the switch refused
/// after the command was answered (`service_unavailable`, in the command's class).
#[derive(Debug, serde::Serialize)]
struct DialFailed<'a> {
    class: &'static str,
    error_string: &'a str,
    reason: &'a str,
}

/// The topic a `register_*_status_update` pair of another server maps to.
pub fn remote_topic(kind: StatusKind, xivo_uuid: &str, id: &str) -> Topic {
    Topic::Remote(kind, Arc::from(xivo_uuid), Arc::from(id))
}

#[cfg(test)]
mod tests {
    use ctid_core::dataset::Forward;
    use ctid_core::ids::LineId;
    use ctid_core::live::HintStatus;
    use ctid_core::{ManualClock, Timestamp};

    use super::*;

    fn renderer() -> Renderer {
        Renderer::new(
            Arc::new(Dataset::demo()),
            ManualClock::at_default_start().shared(),
        )
    }

    fn json(b: &Bytes) -> serde_json::Value {
        assert_eq!(b.last(), Some(&b'\n'));
        serde_json::from_slice(b).unwrap()
    }

    #[test]
    fn one_event_many_topics_same_bytes() {
        let mut r = renderer();
        let mut out = Pushes::new();
        r.render(
            &Event::LineHint {
                line: LineId(2),
                hint: HintStatus::Ringing,
            },
            &|_| true,
            &mut out,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].0, Topic::List(ListName::Phones));
        assert_eq!(json(&out[0].1)["status"]["hintstatus"], "8");
        assert_eq!(out[1].0, Topic::EndpointStatus(LineId(2)));
        assert_eq!(json(&out[1].1)["data"]["status"], 8);

        out.clear();
        r.render(
            &Event::UserPresence {
                user: UserId(1),
                status: "away".into(),
            },
            &|_| true,
            &mut out,
        );
        let topics: Vec<_> = out.iter().map(|(t, _)| t.clone()).collect();
        assert_eq!(
            topics,
            vec![
                Topic::List(ListName::Users),
                Topic::UserPush(UserId(1)),
                Topic::UserStatus(UserId(1))
            ]
        );
        // Encoded once: the list and own-user pushes share the same buffer.
        assert_eq!(out[0].1.as_ptr(), out[1].1.as_ptr());
    }

    #[test]
    fn agent_statuses_are_pushed_only_when_their_cti_form_changes() {
        use ctid_core::live::{AgentState, AgentStatus, Availability};
        let mut r = renderer();
        let mut out = Pushes::new();
        let mut st = AgentStatus {
            agent: AgentId(1),
            number: "2001".into(),
            availability: Availability::Available,
            availability_since: Timestamp(1_000),
            state: AgentState::Ready,
            state_since: Timestamp(1_000),
            line: Some(LineId(3)),
            phone_number: Some("1003".into()),
            on_call_acd: false,
            acd_queue: None,
            on_call_nonacd: None,
            on_wrapup: false,
            paused: false,
            pause_reason: None,
            queues: vec![QueueId(1)],
            paused_queues: vec![],
        };
        // Each event carries the status of the one before, as the core sends them.
        let mut previous: Option<Arc<AgentStatus>> = None;
        let mut push = |r: &mut Renderer, st: &AgentStatus| {
            out.clear();
            let status = Arc::new(st.clone());
            let previous = previous.replace(status.clone());
            r.render(
                &Event::AgentStatus { status, previous },
                &|_| true,
                &mut out,
            );
            out.len()
        };
        assert_eq!(push(&mut r, &st), 1, "no previous status: pushed");
        // Only the XuC state changed (an ACD call rings the agent): nothing new for CTI clients.
        st.state = AgentState::Ringing;
        st.state_since = Timestamp(2_000);
        assert_eq!(push(&mut r, &st), 0);
        st.availability = Availability::Unavailable;
        st.availability_since = Timestamp(3_000);
        st.on_call_acd = true;
        assert_eq!(push(&mut r, &st), 1);
        assert_eq!(push(&mut r, &st), 0);
    }

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
    fn unwanted_sheets_are_not_rendered_and_misc_events() {
        let mut r = renderer();
        let mut out = Pushes::new();
        r.render(
            &Event::DialFailed {
                user: UserId(1),
                destination: "0612345678".into(),
                reason: "busy".into(),
            },
            &|_| true,
            &mut out,
        );
        assert_eq!(json(&out[0].1)["error_string"], "dial_failed:0612345678");
        out.clear();
        r.render(
            &Event::QueueMemberRemoved {
                queue: QueueId(1),
                agent: AgentId(1),
                members: [2, 3].map(AgentId).into(),
            },
            &|_| true,
            &mut out,
        );
        assert_eq!(
            json(&out[0].1)["status"]["agentmembers"],
            serde_json::json!(["2", "3"])
        );
        assert_eq!(json(&out[1].1)["function"], "delconfig");
        assert_eq!(
            json(&out[1].1)["list"],
            serde_json::json!(["Agent/2001,sales"])
        );
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

    #[test]
    fn whole_state_pushes_are_replaceable_unless_coalescing_is_off() {
        let events = [
            Event::QueueEntries {
                queue: QueueId(2),
                entries: Arc::from([]),
            },
            Event::QueueStats {
                queue: QueueId(2),
                stats: QueueLiveStats::default(),
            },
            Event::LineCalls {
                line: LineId(3),
                calls: Arc::from([]),
            },
        ];
        let keys = [
            SupersedeKey::new("queueentryupdate", 2),
            SupersedeKey::new("getqueuesstats", 2),
            SupersedeKey::new("current_calls", 3),
        ];
        for coalesce in [true, false] {
            let mut r = renderer();
            r.coalesce_snapshots(coalesce);
            let mut out = Pushes::new();
            for event in &events {
                r.render(event, &|_| true, &mut out);
            }
            let got: Vec<_> = (0..out.len()).map(|i| out.supersede_key(i)).collect();
            let want: Vec<_> = keys.iter().map(|k| Some(*k).filter(|_| coalesce)).collect();
            assert_eq!(got, want, "coalesce_snapshots = {coalesce}");
            // A plain push stays plain.
            out.clear();
            r.render(
                &Event::LineHint {
                    line: LineId(3),
                    hint: HintStatus::Ringing,
                },
                &|_| true,
                &mut out,
            );
            assert!(!out.is_empty() && (0..out.len()).all(|i| out.supersede_key(i).is_none()));
        }
        assert_eq!(
            supersede_key(Snapshot::Meetme),
            Some(SupersedeKey::new("meetme_update", 0))
        );
        assert_eq!(
            supersede_key(Snapshot::QueueMember(QueueId(1), AgentId(1))),
            None
        );
    }
}
