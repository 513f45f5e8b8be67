//! Agent availability (§3.3, in priority order) and XuC state through logins, calls, pauses and
//! wrap-up.

use super::script::*;
use crate::event::Event;
use crate::ids::{AgentId, LineId, QueueId};
use crate::live::{AgentState, Availability, CallDirection};
use crate::pbx::PbxEvent;

fn pause(queue: u32, agent: u32, paused: bool) -> PbxEvent {
    PbxEvent::QueueMemberPaused {
        queue: QueueId(queue),
        agent: AgentId(agent),
        paused,
        reason: paused.then(|| "lunch".to_owned()),
    }
}

fn nonacd(direction: CallDirection, internal: bool) -> Availability {
    Availability::OnCallNonAcd {
        direction,
        internal,
    }
}

#[test]
fn agents_start_logged_out_with_their_queues() {
    let w = World::demo();
    let eve = w.agent(3);
    assert_eq!(eve.availability, Availability::LoggedOut);
    assert_eq!(eve.state, AgentState::LoggedOut);
    assert_eq!(eve.queues, vec![QueueId(1), QueueId(2)]);
    assert_eq!(eve.availability_since, w.now);
    assert_eq!(w.state.agent_statuses().count(), 4);
}

#[test]
fn login_and_logoff() {
    let mut w = World::demo();
    w.advance(10);
    let events = w.login(1, 3);
    assert!(events.contains(&Event::AgentLogin {
        agent: AgentId(1),
        line: Some(LineId(3))
    }));
    let s = w.agent(1);
    assert_eq!(s.availability, Availability::Available);
    assert_eq!(s.state, AgentState::Ready);
    assert_eq!(s.line, Some(LineId(3)));
    assert_eq!(s.phone_number.as_deref(), Some("1003"));
    assert_eq!(s.availability_since, w.now);
    assert_eq!(
        agent_statuses(&events).len(),
        1,
        "one full status per change"
    );
    assert_eq!(w.state.agent_on_line(LineId(3)), Some(AgentId(1)));

    // A duplicate login changes nothing.
    assert!(w.login(1, 3).is_empty());

    let events = w.one(PbxEvent::AgentLogoff { agent: AgentId(1) });
    assert!(events.contains(&Event::AgentLogin {
        agent: AgentId(1),
        line: None
    }));
    let s = w.agent(1);
    assert_eq!(s.availability, Availability::LoggedOut);
    assert_eq!(s.line, None);
    assert_eq!(s.phone_number, None);
    assert_eq!(w.state.agent_on_line(LineId(3)), None);
}

#[test]
fn each_status_event_carries_the_previous_one() {
    let mut w = World::demo();
    let before = w.agent(1);
    let events = w.login(1, 3);
    let [Event::AgentStatus { status, previous }] = &events
        .iter()
        .filter(|e| matches!(e, Event::AgentStatus { .. }))
        .cloned()
        .collect::<Vec<_>>()[..]
    else {
        panic!("one status: {events:?}")
    };
    assert_eq!(
        previous.as_deref(),
        Some(&before),
        "the first event: the status at start"
    );
    assert_eq!(status.availability, Availability::Available);
    let logged_in = status.clone();

    let events = w.one(pause(1, 1, true));
    let statuses: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::AgentStatus { status, previous } => Some((status, previous)),
            _ => None,
        })
        .collect();
    assert_eq!(statuses.len(), 1, "{events:?}");
    let (status, previous) = statuses[0];
    assert_eq!(
        previous.as_ref(),
        Some(&logged_in),
        "the last event's status"
    );
    assert_eq!(previous.as_ref().map(|p| p.paused), Some(false));
    assert!(status.paused);
}

#[test]
fn login_on_a_line_taken_by_another_agent_logs_it_off() {
    let mut w = World::demo();
    w.login(1, 3);
    w.login(2, 3);
    assert_eq!(w.availability(1), Availability::LoggedOut);
    assert_eq!(w.agent(2).line, Some(LineId(3)));
    assert_eq!(w.state.agent_on_line(LineId(3)), Some(AgentId(2)));
}

#[test]
fn non_acd_calls_by_direction_and_origin() {
    let mut w = World::demo();
    w.login(1, 3);
    // Internal incoming: ringing does not change availability.
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 3));
    assert_eq!(w.availability(1), Availability::Available);
    assert_eq!(
        w.agent(1).state,
        AgentState::Ready,
        "a non-ACD ring is not AgentRinging"
    );
    w.feed(answer(&leg));
    assert_eq!(w.availability(1), nonacd(CallDirection::Incoming, true));
    let s = w.agent(1);
    assert_eq!(s.state, AgentState::OnCall);
    assert_eq!(s.on_call_nonacd, Some((CallDirection::Incoming, true)));
    assert!(!s.on_call_acd);
    w.feed(hangup(&leg));
    assert_eq!(w.availability(1), Availability::Available);

    // External outgoing: dialling does not change availability, answering does.
    let leg = Leg::new("c2");
    w.feed(outgoing_dial(&leg, 3, "0612345678"));
    assert_eq!(w.availability(1), Availability::Available);
    assert_eq!(w.agent(1).state, AgentState::Dialing);
    w.feed(answer(&leg));
    assert_eq!(w.availability(1), nonacd(CallDirection::Outgoing, false));
    w.feed(hangup(&leg));

    // External incoming.
    let leg = Leg::new("c3");
    w.feed(incoming_dial(&leg, "0612345678", 3));
    w.feed(answer(&leg));
    assert_eq!(w.availability(1), nonacd(CallDirection::Incoming, false));
    w.feed(hangup(&leg));

    // Internal outgoing.
    let leg = Leg::new("c4");
    w.feed(internal_dial(&leg, 3, 2));
    w.feed(answer(&leg));
    assert_eq!(w.availability(1), nonacd(CallDirection::Outgoing, true));
    w.feed(hangup(&leg));
    assert_eq!(w.availability(1), Availability::Available);
    assert_eq!(w.agent(1).state, AgentState::Ready);
}

#[test]
fn paused_in_all_queues_is_unavailable() {
    let mut w = World::demo();
    w.login(3, 5); // eve: sales and support
    w.one(pause(1, 3, true));
    let s = w.agent(3);
    assert_eq!(
        s.availability,
        Availability::Available,
        "paused in one of two"
    );
    assert!(!s.paused);
    assert_eq!(s.paused_queues, vec![QueueId(1)]);
    assert_eq!(s.pause_reason.as_deref(), Some("lunch"));
    w.one(pause(2, 3, true));
    let s = w.agent(3);
    assert_eq!(s.availability, Availability::Unavailable);
    assert_eq!(s.state, AgentState::OnPause);
    assert!(s.paused);
    w.one(pause(1, 3, false));
    let s = w.agent(3);
    assert_eq!(s.availability, Availability::Available);
    assert_eq!(s.state, AgentState::Ready);
    assert_eq!(s.paused_queues, vec![QueueId(2)]);
}

#[test]
fn wrapup_is_unavailable_until_it_ends() {
    let mut w = World::demo();
    w.login(1, 3);
    w.one(PbxEvent::AgentWrapupStarted {
        agent: AgentId(1),
        queue: QueueId(1),
        seconds: 10,
    });
    let s = w.agent(1);
    assert_eq!(s.availability, Availability::Unavailable);
    assert_eq!(s.state, AgentState::OnWrapup);
    assert!(s.on_wrapup);
    w.one(PbxEvent::AgentWrapupEnded { agent: AgentId(1) });
    assert_eq!(w.availability(1), Availability::Available);
    assert!(!w.agent(1).on_wrapup);
}

#[test]
fn logoff_ends_wrapup() {
    let mut w = World::demo();
    w.login(1, 3);
    w.one(PbxEvent::AgentWrapupStarted {
        agent: AgentId(1),
        queue: QueueId(1),
        seconds: 10,
    });
    w.one(PbxEvent::AgentLogoff { agent: AgentId(1) });
    w.login(1, 3);
    assert_eq!(w.availability(1), Availability::Available);
}

#[test]
fn non_acd_call_wins_over_pause_and_wrapup() {
    let mut w = World::demo();
    w.login(1, 3); // carol: sales only
    w.one(pause(1, 1, true));
    w.one(PbxEvent::AgentWrapupStarted {
        agent: AgentId(1),
        queue: QueueId(1),
        seconds: 10,
    });
    assert_eq!(w.availability(1), Availability::Unavailable);
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 3, 2));
    w.feed(answer(&leg));
    assert_eq!(w.availability(1), nonacd(CallDirection::Outgoing, true));
    w.feed(hangup(&leg));
    assert_eq!(w.availability(1), Availability::Unavailable);
    assert_eq!(
        w.agent(1).state,
        AgentState::OnWrapup,
        "wrap-up shows before pause"
    );
}

#[test]
fn acd_call_while_paused_is_unavailable_and_acd() {
    let mut w = World::demo();
    w.login(1, 3);
    w.one(pause(1, 1, true));
    let caller = uid("q.1");
    let member = uid("q.2");
    w.feed(queue_join(&caller, "0612345678", 1, 1));
    w.feed(agent_rung(1, 1, 3, &caller, &member));
    let s = w.agent(1);
    assert_eq!(s.state, AgentState::Ringing);
    assert_eq!(s.acd_queue, Some(QueueId(1)));
    w.feed(agent_answers(1, 1, &caller, &member, 3));
    let s = w.agent(1);
    assert_eq!(s.availability, Availability::Unavailable);
    assert_eq!(s.state, AgentState::OnCall);
    assert!(s.on_call_acd);
    assert_eq!(s.on_call_nonacd, None, "the ACD call is not a non-ACD call");
    w.feed(queue_call_ends(1, 1, &caller, &member));
    let s = w.agent(1);
    assert!(!s.on_call_acd);
    assert_eq!(s.availability, Availability::Unavailable, "still paused");
    // Sales has a wrap-up time: it starts with the end of the call.
    assert_eq!(s.state, AgentState::OnWrapup);
    w.one(PbxEvent::AgentWrapupEnded { agent: AgentId(1) });
    let s = w.agent(1);
    assert_eq!(s.availability, Availability::Unavailable, "still paused");
    assert_eq!(s.state, AgentState::OnPause);
}

#[test]
fn acd_call_then_wrapup_then_ready() {
    let mut w = World::demo();
    w.login(1, 3);
    let caller = uid("q.1");
    let member = uid("q.2");
    w.feed(queue_join(&caller, "0612345678", 1, 1));
    w.feed(agent_rung(1, 1, 3, &caller, &member));
    assert_eq!(
        w.availability(1),
        Availability::Available,
        "ringing changes nothing"
    );
    w.feed(agent_answers(1, 1, &caller, &member, 3));
    assert_eq!(w.availability(1), Availability::Unavailable);
    let mut end = queue_call_ends(1, 1, &caller, &member);
    end.push(PbxEvent::AgentWrapupStarted {
        agent: AgentId(1),
        queue: QueueId(1),
        seconds: 10,
    });
    w.feed(end);
    let s = w.agent(1);
    assert_eq!(s.availability, Availability::Unavailable);
    assert_eq!(s.state, AgentState::OnWrapup);
    w.advance(10);
    w.one(PbxEvent::AgentWrapupEnded { agent: AgentId(1) });
    let s = w.agent(1);
    assert_eq!(s.availability, Availability::Available);
    assert_eq!(s.availability_since, w.now);
}

#[test]
fn ring_no_answer_and_cancelled_rings_end_agent_ringing() {
    let mut w = World::demo();
    w.login(1, 3);
    w.login(2, 4);
    let caller = uid("q.1");
    let (m1, m2) = (uid("q.2"), uid("q.3"));
    w.feed(queue_join(&caller, "0612345678", 1, 1));
    w.feed(agent_rung(1, 1, 3, &caller, &m1));
    w.feed(agent_rung(1, 2, 4, &caller, &m2));
    assert_eq!(w.agent(2).state, AgentState::Ringing);
    w.one(PbxEvent::AgentRingNoAnswer {
        queue: QueueId(1),
        agent: AgentId(1),
        caller: caller.clone(),
        destination: m1.clone(),
    });
    assert_eq!(w.agent(1).state, AgentState::Ready);
    // The other member's phone is hung up when someone else answers (ringall): no event for it.
    w.one(PbxEvent::Hangup {
        uniqueid: m2.clone(),
        cause: 26,
    });
    assert_eq!(w.agent(2).state, AgentState::Ready);
    assert_eq!(w.agent(2).acd_queue, None);
}

#[test]
fn availability_since_only_moves_when_availability_changes() {
    let mut w = World::demo();
    w.login(3, 5);
    let since = w.agent(3).availability_since;
    w.advance(30);
    // Paused in one of two queues: still available, a status is emitted (paused_queues), but
    // availability_since stays.
    let events = w.one(pause(1, 3, true));
    assert_eq!(agent_statuses(&events).len(), 1);
    let s = w.agent(3);
    assert_eq!(s.availability, Availability::Available);
    assert_eq!(s.availability_since, since);
    // A ringing call: state unchanged, nothing emitted for the agent.
    let leg = Leg::new("c1");
    let events = w.feed(internal_dial(&leg, 1, 5));
    assert!(agent_statuses(&events).is_empty(), "{events:?}");
    assert_eq!(w.agent(3).availability_since, since);
    w.advance(5);
    w.feed(answer(&leg));
    assert_eq!(w.agent(3).availability_since, w.now);
}

#[test]
fn queue_membership_keeps_the_agent_queues_in_sync() {
    let mut w = World::demo();
    w.login(1, 3);
    w.one(PbxEvent::QueueMemberAdded {
        queue: QueueId(2),
        agent: AgentId(1),
        penalty: 1,
        paused: false,
    });
    assert_eq!(w.agent(1).queues, vec![QueueId(1), QueueId(2)]);
    w.one(pause(1, 1, true));
    w.one(PbxEvent::QueueMemberRemoved {
        queue: QueueId(1),
        agent: AgentId(1),
    });
    let s = w.agent(1);
    assert_eq!(s.queues, vec![QueueId(2)]);
    assert!(s.paused_queues.is_empty());
    assert_eq!(s.availability, Availability::Available);
}

#[test]
fn the_end_of_an_acd_call_goes_straight_to_wrapup() {
    let mut w = World::demo();
    w.login(1, 3);
    let caller = uid("q.1");
    let member = uid("q.2");
    w.feed(queue_join(&caller, "0612345678", 1, 1));
    w.feed(agent_rung(1, 1, 3, &caller, &member));
    w.feed(agent_answers(1, 1, &caller, &member, 3));
    let since = w.agent(1).availability_since;
    w.advance(30);
    // The PBX reports the end, the hangups, then the wrap-up (queue sales: 10 s): the agent is
    // never shown available in between, and its availability did not change.
    let mut end = queue_call_ends(1, 1, &caller, &member);
    end.push(PbxEvent::AgentWrapupStarted {
        agent: AgentId(1),
        queue: QueueId(1),
        seconds: 10,
    });
    let events = w.feed(end);
    let statuses = agent_statuses(&events);
    assert!(!statuses.is_empty());
    assert!(
        statuses
            .iter()
            .all(|s| s.availability == Availability::Unavailable && s.availability_since == since),
        "{statuses:#?}"
    );
    assert_eq!(w.agent(1).state, AgentState::OnWrapup);
    // A logged-off agent gets no wrap-up.
    let (c2, m2) = (uid("q.3"), uid("q.4"));
    w.feed(queue_join(&c2, "0612345678", 1, 1));
    w.one(PbxEvent::AgentWrapupEnded { agent: AgentId(1) });
    w.feed(agent_rung(1, 1, 3, &c2, &m2));
    w.feed(agent_answers(1, 1, &c2, &m2, 3));
    w.one(PbxEvent::AgentLogoff { agent: AgentId(1) });
    w.feed(queue_call_ends(1, 1, &c2, &m2));
    assert!(!w.agent(1).on_wrapup);
}
