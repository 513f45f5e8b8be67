//! Queue members, waiting callers, live statistics at each step of a queue call, and windowed
//! statistics from the queue log.

use std::time::Duration;

use super::script::*;
use crate::event::{Event, MembershipChange};
use crate::ids::{AgentId, QueueId};
use crate::live::{MemberDeviceStatus, QueueLiveStats};
use crate::pbx::PbxEvent;

fn stats_events(events: &[Event], queue: u32) -> Vec<QueueLiveStats> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::QueueStats { queue: q, stats } if q.0 == queue => Some(stats.clone()),
            _ => None,
        })
        .collect()
}

fn member_events(events: &[Event]) -> Vec<(u32, u32, MemberDeviceStatus, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::QueueMember { status: m, .. } => {
                Some((m.queue.0, m.agent.0, m.status, m.paused))
            }
            _ => None,
        })
        .collect()
}

fn member_changes(events: &[Event]) -> Vec<MembershipChange> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::QueueMember { change, .. } => Some(change.clone()),
            _ => None,
        })
        .collect()
}

fn stats(w: &World, queue: u32) -> QueueLiveStats {
    w.state.queue_stats(QueueId(queue), w.now)
}

#[test]
fn members_start_not_logged() {
    let w = World::demo();
    let m = w
        .state
        .queue_member(QueueId(1), AgentId(1))
        .expect("member");
    assert_eq!(m.status, MemberDeviceStatus::NotLogged);
    assert_eq!(m.status.code(), 101);
    assert!(!m.logged && !m.paused);
    assert_eq!(w.state.queue_members().count(), 5);
    assert_eq!(stats(&w, 1), QueueLiveStats::default());
}

#[test]
fn members_follow_login_logoff_and_the_line() {
    let mut w = World::demo();
    let events = w.login(3, 5);
    assert_eq!(
        member_events(&events),
        vec![
            (1, 3, MemberDeviceStatus::NotInUse, false),
            (2, 3, MemberDeviceStatus::NotInUse, false)
        ]
    );
    assert!(
        w.state
            .queue_member(QueueId(1), AgentId(3))
            .expect("member")
            .logged
    );
    let s1 = stats_events(&events, 1);
    assert_eq!(s1.len(), 1);
    assert_eq!((s1[0].logged_agents, s1[0].available_agents), (1, 1));

    let leg = Leg::new("c1");
    let events = w.feed(internal_dial(&leg, 1, 5));
    assert_eq!(
        member_events(&events),
        vec![
            (1, 3, MemberDeviceStatus::Ringing, false),
            (2, 3, MemberDeviceStatus::Ringing, false)
        ]
    );
    w.feed(answer(&leg));
    let m = w
        .state
        .queue_member(QueueId(2), AgentId(3))
        .expect("member");
    assert_eq!(m.status, MemberDeviceStatus::InUse);
    w.one(PbxEvent::Hold {
        uniqueid: leg.b.clone(),
    });
    let m = w
        .state
        .queue_member(QueueId(2), AgentId(3))
        .expect("member");
    assert_eq!(m.status, MemberDeviceStatus::OnHold);
    w.feed(hangup(&leg));

    w.one(PbxEvent::QueueMemberPaused {
        queue: QueueId(1),
        agent: AgentId(3),
        paused: true,
        reason: Some("break".into()),
    });
    let m = w
        .state
        .queue_member(QueueId(1), AgentId(3))
        .expect("member");
    assert!(m.paused);
    assert_eq!(m.pause_reason.as_deref(), Some("break"));

    w.one(PbxEvent::LineRegistration {
        line: crate::ids::LineId(5),
        registered: false,
    });
    let m = w
        .state
        .queue_member(QueueId(2), AgentId(3))
        .expect("member");
    assert_eq!(m.status, MemberDeviceStatus::Unavailable);

    let events = w.one(PbxEvent::AgentLogoff { agent: AgentId(3) });
    assert_eq!(
        member_events(&events),
        vec![
            (1, 3, MemberDeviceStatus::NotLogged, false),
            (2, 3, MemberDeviceStatus::NotLogged, false)
        ],
        "logoff: not logged and unpaused"
    );
    assert_eq!(stats(&w, 1).logged_agents, 0);
}

#[test]
fn members_added_removed_and_penalty() {
    let mut w = World::demo();
    w.login(4, 6); // frank: support only
    let events = w.one(PbxEvent::QueueMemberAdded {
        queue: QueueId(1),
        agent: AgentId(4),
        penalty: 2,
        paused: false,
    });
    let m = w
        .state
        .queue_member(QueueId(1), AgentId(4))
        .expect("new member");
    assert_eq!(
        (m.penalty, m.logged, m.status),
        (2, true, MemberDeviceStatus::NotInUse)
    );
    assert_eq!(member_events(&events).len(), 1);
    assert_eq!(
        member_changes(&events),
        vec![MembershipChange::Added {
            members: [1, 2, 3, 4].map(AgentId).into()
        }],
        "a new membership, with the queue's members after it"
    );
    assert_eq!(stats(&w, 1).logged_agents, 1);
    assert_eq!(w.agent(4).queues, vec![QueueId(1), QueueId(2)]);

    let events = w.one(PbxEvent::QueueMemberPenalty {
        queue: QueueId(1),
        agent: AgentId(4),
        penalty: 5,
    });
    assert_eq!(member_events(&events).len(), 1);
    assert_eq!(member_changes(&events), vec![MembershipChange::Changed]);
    assert_eq!(
        w.state
            .queue_member(QueueId(1), AgentId(4))
            .map(|m| m.penalty),
        Some(5)
    );

    let events = w.one(PbxEvent::QueueMemberRemoved {
        queue: QueueId(1),
        agent: AgentId(4),
    });
    assert!(events.contains(&Event::QueueMemberRemoved {
        queue: QueueId(1),
        agent: AgentId(4),
        members: [1, 2, 3].map(AgentId).into(),
    }));
    assert!(w.state.queue_member(QueueId(1), AgentId(4)).is_none());
    assert_eq!(stats(&w, 1).logged_agents, 0);
    assert_eq!(w.agent(4).queues, vec![QueueId(2)]);
    // Removing again, or unknown ids: nothing.
    assert!(
        w.one(PbxEvent::QueueMemberRemoved {
            queue: QueueId(1),
            agent: AgentId(4)
        })
        .is_empty()
    );
    assert!(
        w.one(PbxEvent::QueueMemberAdded {
            queue: QueueId(9),
            agent: AgentId(4),
            penalty: 0,
            paused: false
        })
        .is_empty()
    );
}

#[test]
fn memberships_of_one_batch_are_announced_one_by_one_and_unannounced_ones_never_removed() {
    let mut w = World::demo();
    let added = |agent| PbxEvent::QueueMemberAdded {
        queue: QueueId(2),
        agent: AgentId(agent),
        penalty: 0,
        paused: false,
    };
    let events = w.batch(vec![added(1), added(2)]);
    assert_eq!(
        member_changes(&events),
        vec![
            MembershipChange::Added {
                members: [1, 3, 4].map(AgentId).into()
            },
            MembershipChange::Added {
                members: [1, 2, 3, 4].map(AgentId).into()
            },
        ],
        "each event lists the members announced so far"
    );
    // Added and removed before the refresh: faces never heard of it, nothing to take back.
    let events = w.batch(vec![
        PbxEvent::QueueMemberAdded {
            queue: QueueId(1),
            agent: AgentId(4),
            penalty: 0,
            paused: false,
        },
        PbxEvent::QueueMemberRemoved {
            queue: QueueId(1),
            agent: AgentId(4),
        },
    ]);
    assert!(
        !events.iter().any(|e| matches!(
            e,
            Event::QueueMember { .. } | Event::QueueMemberRemoved { .. }
        )),
        "{events:?}"
    );
}

#[test]
fn live_stats_at_every_step_of_a_queue_call() {
    let mut w = World::demo();
    w.login(1, 3);
    w.login(2, 4);
    assert_eq!(
        stats(&w, 1),
        QueueLiveStats {
            logged_agents: 2,
            available_agents: 2,
            talking_agents: 0,
            waiting_calls: 0,
            longest_wait: None,
            ewt: 0
        }
    );

    // A caller joins.
    let caller = uid("q.1");
    let member = uid("q.2");
    let events = w.feed(queue_join(&caller, "0612345678", 1, 1));
    let entries = w.state.queue_entries(QueueId(1));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].number, "0612345678");
    assert_eq!(entries[0].position, 1);
    assert!(events.iter().any(|e| matches!(e, Event::QueueEntries { queue, entries } if queue.0 == 1 && entries.len() == 1)));
    let s = stats_events(&events, 1);
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].waiting_calls, s[0].longest_wait), (1, Some(0)));
    w.advance(3);
    assert_eq!(stats(&w, 1).longest_wait, Some(3));

    // The queue rings carol: still available (ringing changes no availability).
    let events = w.feed(agent_rung(1, 1, 3, &caller, &member));
    assert!(stats_events(&events, 1).is_empty(), "no counter changed");
    assert_eq!(stats(&w, 1).available_agents, 2);

    // Carol answers after 3 s.
    let events = w.feed(agent_answers(1, 1, &caller, &member, 3));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::QueueEntries { entries, .. } if entries.is_empty()))
    );
    assert_eq!(
        stats(&w, 1),
        QueueLiveStats {
            logged_agents: 2,
            available_agents: 1,
            talking_agents: 1,
            waiting_calls: 0,
            longest_wait: None,
            ewt: 0 // (0 * 3 + 3) / 4
        }
    );

    // The call completes, wrap-up starts.
    let mut end = queue_call_ends(1, 1, &caller, &member);
    end.push(PbxEvent::AgentWrapupStarted {
        agent: AgentId(1),
        queue: QueueId(1),
        seconds: 10,
    });
    let events = w.feed(end);
    let s = stats(&w, 1);
    assert_eq!((s.talking_agents, s.available_agents), (0, 1));
    let m = w
        .state
        .queue_member(QueueId(1), AgentId(1))
        .expect("member");
    assert_eq!(m.calls_taken, 1);
    assert_eq!(m.last_call, Some(w.now));
    assert!(!stats_events(&events, 1).is_empty());

    // Wrap-up ends.
    w.one(PbxEvent::AgentWrapupEnded { agent: AgentId(1) });
    assert_eq!(stats(&w, 1).available_agents, 2);
}

#[test]
fn ewt_is_the_running_hold_time_average() {
    let mut w = World::demo();
    w.login(1, 3);
    for (i, hold) in [40u64, 40, 40].into_iter().enumerate() {
        let caller = uid(&format!("q{i}.1"));
        let member = uid(&format!("q{i}.2"));
        w.feed(queue_join(&caller, "0612345678", 1, 1));
        w.feed(agent_rung(1, 1, 3, &caller, &member));
        w.feed(agent_answers(1, 1, &caller, &member, hold));
        w.feed(queue_call_ends(1, 1, &caller, &member));
    }
    // 0 -> 10 -> 17 -> 22
    assert_eq!(stats(&w, 1).ewt, 22);
    // A repeated AgentConnect is not counted twice.
    let (caller, member) = (uid("r.1"), uid("r.2"));
    w.feed(queue_join(&caller, "0612345678", 1, 1));
    w.feed(agent_rung(1, 1, 3, &caller, &member));
    w.feed(agent_answers(1, 1, &caller, &member, 2));
    let ewt = stats(&w, 1).ewt;
    w.one(PbxEvent::AgentConnect {
        queue: QueueId(1),
        agent: AgentId(1),
        caller: caller.clone(),
        destination: member.clone(),
        hold_time: 2,
        ring_time: 1,
    });
    assert_eq!(stats(&w, 1).ewt, ewt);
    let window = w.state.queue_window_stats(
        QueueId(1),
        w.now,
        Duration::from_secs(60),
        Duration::from_secs(60),
    );
    assert_eq!(window.answered, 4);
}

#[test]
fn paused_member_is_not_available_in_that_queue() {
    let mut w = World::demo();
    w.login(3, 5);
    w.one(PbxEvent::QueueMemberPaused {
        queue: QueueId(1),
        agent: AgentId(3),
        paused: true,
        reason: None,
    });
    assert_eq!(stats(&w, 1).available_agents, 0);
    assert_eq!(stats(&w, 2).available_agents, 1);
    assert_eq!(stats(&w, 1).logged_agents, 1);
}

#[test]
fn entries_keep_positions() {
    let mut w = World::demo();
    let (a, b, c) = (uid("a"), uid("b"), uid("c"));
    w.feed(queue_join(&a, "0600000001", 2, 1));
    w.advance(1);
    w.feed(queue_join(&b, "0600000002", 2, 2));
    w.advance(1);
    w.feed(queue_join(&c, "0600000003", 2, 3));
    // A duplicate join is ignored.
    assert!(
        w.feed(queue_join(&c, "0600000003", 2, 3))
            .iter()
            .all(|e| !matches!(e, Event::QueueEntries { .. }))
    );
    w.one(PbxEvent::QueueCallerLeave {
        queue: QueueId(2),
        uniqueid: b.clone(),
        count: 2,
    });
    let entries = w.state.queue_entries(QueueId(2));
    let got: Vec<_> = entries
        .iter()
        .map(|e| (e.position, e.uniqueid.clone()))
        .collect();
    assert_eq!(got, vec![(1, a.clone()), (2, c.clone())]);
    assert_eq!(stats(&w, 2).longest_wait, Some(2));
    // A caller that hangs up without leaving is removed too.
    w.one(PbxEvent::Hangup {
        uniqueid: a.clone(),
        cause: 16,
    });
    assert_eq!(w.state.queue_entries(QueueId(2)).len(), 1);
    assert_eq!(w.state.queue_entries(QueueId(2))[0].position, 1);
}

#[test]
fn window_stats_with_abandon_and_qos() {
    let mut w = World::demo();
    w.login(1, 3);
    // Answered after 10 s.
    let (c1, m1) = (uid("q1.1"), uid("q1.2"));
    w.feed(queue_join(&c1, "0600000001", 1, 1));
    w.advance(10);
    w.feed(agent_rung(1, 1, 3, &c1, &m1));
    w.feed(agent_answers(1, 1, &c1, &m1, 10));
    w.feed(queue_call_ends(1, 1, &c1, &m1));
    // Answered after 90 s.
    let (c2, m2) = (uid("q2.1"), uid("q2.2"));
    w.feed(queue_join(&c2, "0600000002", 1, 1));
    w.advance(90);
    w.feed(agent_rung(1, 1, 3, &c2, &m2));
    w.feed(agent_answers(1, 1, &c2, &m2, 90));
    w.feed(queue_call_ends(1, 1, &c2, &m2));
    // Abandoned after 20 s.
    let c3 = uid("q3.1");
    w.feed(queue_join(&c3, "0600000003", 1, 1));
    w.advance(20);
    w.feed([
        PbxEvent::QueueCallerAbandon {
            queue: QueueId(1),
            uniqueid: c3.clone(),
            position: 1,
            original_position: 1,
            hold_time: 20,
        },
        PbxEvent::QueueCallerLeave {
            queue: QueueId(1),
            uniqueid: c3.clone(),
            count: 0,
        },
        PbxEvent::Hangup {
            uniqueid: c3.clone(),
            cause: 16,
        },
    ]);
    // Still waiting.
    let c4 = uid("q4.1");
    w.feed(queue_join(&c4, "0600000004", 1, 1));
    w.advance(5);

    let s = w.state.queue_window_stats(
        QueueId(1),
        w.now,
        Duration::from_secs(3600),
        Duration::from_secs(60),
    );
    assert_eq!((s.entered, s.answered, s.abandoned), (4, 2, 1));
    assert_eq!(s.answered_within_qos, 1);
    assert!(
        (s.answer_rate - 100.0 * 2.0 / 3.0).abs() < 1e-9,
        "{}",
        s.answer_rate
    );
    assert!((s.qos - 50.0).abs() < 1e-9);
    assert!((s.holdtime_avg - 50.0).abs() < 1e-9);
    assert_eq!(s.holdtime_max, 90);

    // A window over the last 30 s: the second answer (90 s wait, beyond QoS), the third
    // caller's entry and abandon, and the waiting caller.
    let s = w.state.queue_window_stats(
        QueueId(1),
        w.now,
        Duration::from_secs(30),
        Duration::from_secs(60),
    );
    assert_eq!((s.entered, s.answered, s.abandoned), (2, 1, 1));
    assert!((s.answer_rate - 100.0).abs() < 1e-9, "{}", s.answer_rate);
    assert_eq!(s.qos, 0.0);
    // Unknown queue: zeros.
    assert_eq!(
        w.state.queue_window_stats(
            QueueId(9),
            w.now,
            Duration::from_secs(60),
            Duration::from_secs(60)
        ),
        Default::default()
    );
}

#[test]
fn queue_log_is_bounded() {
    use crate::state::queue_log::{MAX_RECORDS, QueueLog, Record};
    use crate::time::Timestamp;
    let mut log = QueueLog::default();
    for i in 0..(MAX_RECORDS + 10) {
        log.push(Timestamp(i as i64), Record::Enter);
    }
    assert_eq!(log.len(), MAX_RECORDS);
    // Records older than a day go.
    log.push(Timestamp(25 * 3600 * 1000), Record::Enter);
    assert_eq!(log.len(), 1);
}
