//! The fan-out's [`Renderer`]: each domain event translated once into encoded CTI pushes, by
//! topic. It translates only: the events carry what a rendering needs (whether a membership is
//! new and the queue's members, every conference room, the previous agent status); it remembers
//! the configuration and, through [`Snapshots`], the last wire form of each whole-state push.

use std::sync::Arc;

use bytes::Bytes;
use ctid_face::Pushes;

use ctid_core::dataset::Dataset;
use ctid_core::event::{Event, MembershipChange};
use ctid_core::ids::{AgentId, LineId, QueueId, UserId};
use ctid_core::live::{CurrentCall, QueueEntry, QueueLiveStats};
use ctid_core::pbx::AttendedTransferState;
use ctid_core::{SharedClock, Timestamp};

use super::remote::status_kind;
use super::snapshot::{Snapshot, Snapshots};
use super::values::*;
use crate::fanout::{Topic, remote_topic};
use crate::sheet;
use crate::wire::encode;
use crate::wire::input::ListName;
use crate::wire::limits::echo;
use crate::wire::output::*;

/// Renders events. The events carry what a rendering needs (whether a membership is new, the
/// queue's members, every room, the previous agent status); the renderer remembers only the
/// configuration and the last wire form of each object's whole-state push.
#[derive(Debug)]
pub struct Renderer {
    dataset: Arc<Dataset>,
    clock: SharedClock,
    /// The last wire form of each whole-state push, and whether they go out replaceable.
    snapshots: Snapshots,
}

impl Renderer {
    /// A renderer of events from the configuration `dataset` on.
    pub fn new(dataset: Arc<Dataset>, clock: SharedClock) -> Self {
        Renderer {
            dataset,
            clock,
            snapshots: Snapshots::new(),
        }
    }

    /// Whether whole-state pushes (`current_calls`, `getqueuesstats`, `queueentryupdate`,
    /// `meetme_update`) are sent replaceable: a newer copy then replaces an older one still
    /// waiting in a session's outbox (`[cti] coalesce_snapshots`; on unless told otherwise).
    pub fn coalesce_snapshots(&mut self, on: bool) {
        self.snapshots.set_coalesce(on);
    }

    /// Records what a client subscribing now is told about a line's calls (seeds the
    /// comparison that keeps an unchanged `current_calls` from being pushed again).
    pub fn seen_calls(&mut self, line: LineId, calls: &[CurrentCall]) {
        self.snapshots
            .seen(Snapshot::CurrentCalls(line), &current_calls_out(calls));
    }

    /// Records what a client subscribing now is told about a queue's callers and counters.
    pub fn seen_queue(&mut self, queue: QueueId, entries: &[QueueEntry], stats: &QueueLiveStats) {
        let ds = &*self.dataset;
        self.snapshots.seen(
            Snapshot::QueueEntries(queue),
            &queue_entries_out(ds, queue, entries),
        );
        self.snapshots
            .seen(Snapshot::QueueStats(queue), &queue_stats_out(queue, stats));
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
                let topic = Topic::CurrentCalls(*line);
                let key = Snapshot::CurrentCalls(*line);
                let msg = current_calls_out(calls);
                self.snapshots.push_if_changed(out, topic, key, &msg, now);
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
                    self.snapshots.forget(key);
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
                let Some(config) = self.snapshots.encode_if_changed(key, &config, now) else {
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
                self.snapshots.forget(Snapshot::QueueMember(*queue, *agent));
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
                let msg = queue_stats_out(*queue, stats);
                let key = Snapshot::QueueStats(*queue);
                self.snapshots
                    .push_if_changed(out, Topic::QueueStats, key, &msg, now);
            }
            Event::QueueEntries { queue, entries } => {
                let msg = queue_entries_out(ds, *queue, entries);
                let topic = Topic::QueueEntries(*queue);
                let key = Snapshot::QueueEntries(*queue);
                self.snapshots.push_if_changed(out, topic, key, &msg, now);
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
                        let msg = meetme_user_out(ds, user, rooms);
                        out.push((Topic::User(user), encode(&msg, now)));
                    }
                }
                if !wanted(&Topic::Meetme) {
                    // Not rendered: the next subscriber starts from the core's state, so the
                    // next rendering must not be compared with an older one.
                    self.snapshots.forget(Snapshot::Meetme);
                    return;
                }
                let msg = meetme_update_out(ds, rooms);
                self.snapshots
                    .push_if_changed(out, Topic::Meetme, Snapshot::Meetme, &msg, now);
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
            Event::RemoteChat {
                from,
                to,
                alias,
                text,
            } => {
                let Some(t) = ds.user(*to) else {
                    return;
                };
                let b = encode(
                    &ChitchatOut {
                        class: "chitchat",
                        from: [&from.node, &from.uuid],
                        to: [uuid, &t.uuid],
                        alias,
                        text,
                    },
                    now,
                );
                out.push((Topic::User(*to), b));
            }
            Event::RemoteStatus { object, status } => {
                let topic = remote_topic(status_kind(object.kind), &object.node, &object.id);
                if wanted(&topic) {
                    out.push(super::remote_status_out(object, status, now));
                }
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
            Event::CallLogged(_)
            | Event::Listen { .. }
            | Event::CallFormResult { .. }
            | Event::ChatToRemote { .. } => {}
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

#[cfg(test)]
mod tests {
    use ctid_core::ids::LineId;
    use ctid_core::live::HintStatus;
    use ctid_core::{ManualClock, Timestamp};
    use ctid_face::SupersedeKey;

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
    }

    #[test]
    fn a_new_membership_comes_with_its_queue_members_and_a_change_without() {
        use ctid_core::live::{MemberDeviceStatus, QueueMemberStatus};
        let mut r = renderer();
        let mut out = Pushes::new();
        let mut status = QueueMemberStatus {
            queue: QueueId(1),
            agent: AgentId(2),
            penalty: 0,
            paused: false,
            pause_reason: None,
            calls_taken: 0,
            last_call: None,
            status: MemberDeviceStatus::NotLogged,
            logged: false,
        };
        let mut push = |r: &mut Renderer, status: &QueueMemberStatus, change| {
            out.clear();
            let status = Arc::new(status.clone());
            r.render(&Event::QueueMember { status, change }, &|_| true, &mut out);
            (0..out.len()).map(|i| json(&out[i].1)).collect::<Vec<_>>()
        };
        let added = MembershipChange::Added {
            members: [1, 2].map(AgentId).into(),
        };
        let pushes = push(&mut r, &status, added);
        assert_eq!(pushes.len(), 4, "{pushes:?}");
        assert_eq!(pushes[0]["function"], "addconfig");
        assert_eq!(pushes[0]["list"], serde_json::json!(["Agent/2002,sales"]));
        assert_eq!(
            pushes[1]["status"]["agentmembers"],
            serde_json::json!(["1", "2"])
        );
        assert_eq!(pushes[2]["function"], "updateconfig");
        assert_eq!(pushes[3]["function"], "updatestatus");
        assert!(
            push(&mut r, &status, MembershipChange::Changed).is_empty(),
            "same wire form"
        );
        status.calls_taken = 1;
        let pushes = push(&mut r, &status, MembershipChange::Changed);
        assert_eq!(pushes.len(), 2, "no addconfig, no queue status: {pushes:?}");
        assert_eq!(pushes[0]["config"]["callstaken"], "1");
    }

    #[test]
    fn a_conference_leaver_learns_it_sits_nowhere_now() {
        use ctid_core::ids::{RoomId, UniqueId};
        use ctid_core::live::{ConferenceMember, ConferenceState};
        let mut r = renderer();
        let mut out = Pushes::new();
        let member = ConferenceMember {
            join_order: 1,
            join_time: Timestamp(1_000),
            uniqueid: UniqueId::new("x"),
            number: "1002".into(),
            name: "Bob".into(),
            user: Some(UserId(2)),
            muted: false,
        };
        let previous = Arc::new(ConferenceState {
            room: RoomId(1),
            start: Some(Timestamp(1_000)),
            members: vec![member],
        });
        let state = Arc::new(ConferenceState {
            room: RoomId(1),
            start: None,
            members: Vec::new(),
        });
        let rooms: Arc<[Arc<ConferenceState>]> = Arc::from([state.clone()]);
        r.render(
            &Event::Conference {
                state,
                previous,
                rooms,
            },
            &|_| true,
            &mut out,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].0, Topic::User(UserId(2)));
        assert_eq!(
            json(&out[0].1),
            serde_json::json!({"class": "meetme_user", "list": [],
                "timenow": json(&out[0].1)["timenow"]})
        );
        assert_eq!(out[1].0, Topic::Meetme);
        assert_eq!(json(&out[1].1)["config"]["4000"]["member_count"], 0);
    }
}
