//! Derive once per batch: a PBX batch (one step of the switch) yields at most one event per
//! derived value that changed, carrying the state at the end of the batch — never a half-built
//! call or a contradictory count in between.

use std::collections::HashMap;

use super::script::*;
use crate::event::Event;
use crate::ids::{LineId, QueueId};
use crate::live::{
    ChannelState, CurrentCall, CurrentCallStatus, DialStatus, Endpoint, QueueLiveStats,
};
use crate::pbx::PbxEvent;

/// Fails if a batch emitted two events about the same derived value.
fn assert_one_event_per_derived_value(events: &[Event]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for e in events {
        let key = match e {
            Event::LineHint { line, .. } => format!("hint {line}"),
            Event::LineCalls { line, .. } => format!("calls {line}"),
            Event::AgentStatus { status: s, .. } => format!("agent {}", s.agent),
            Event::QueueMember { status: m, .. } => format!("member {} {}", m.queue, m.agent),
            Event::QueueStats { queue, .. } => format!("stats {queue}"),
            Event::QueueEntries { queue, .. } => format!("entries {queue}"),
            _ => continue,
        };
        *seen.entry(key).or_default() += 1;
    }
    let twice: Vec<_> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(
        twice.is_empty(),
        "derived twice in one batch: {twice:?}\n{events:#?}"
    );
}

fn line_calls(events: &[Event], line: u32) -> Vec<Vec<CurrentCall>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::LineCalls { line: l, calls } if l.0 == line => Some(calls.to_vec()),
            _ => None,
        })
        .collect()
}

fn queue_stats(events: &[Event], queue: u32) -> Vec<QueueLiveStats> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::QueueStats { queue: q, stats } if q.0 == queue => Some(stats.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_outside_call_to_a_line_is_one_calls_event_with_its_caller() {
    let mut w = World::demo();
    let leg = Leg::new("out");
    let events = w.batch(incoming_dial(&leg, "0612345678", 2));
    assert_one_event_per_derived_value(&events);
    let calls = line_calls(&events, 2);
    assert_eq!(calls.len(), 1, "one current-calls event: {events:#?}");
    assert_eq!(calls[0].len(), 1);
    assert_eq!(calls[0][0].peer.number, "0612345678", "never an empty peer");
    assert_eq!(calls[0][0].status, CurrentCallStatus::Ringing);
    assert_eq!(hints(&events), vec![(2, 8)]);

    let events = w.batch(answer(&leg));
    assert_one_event_per_derived_value(&events);
    assert_eq!(hints(&events), vec![(2, 1)]);
    let calls = line_calls(&events, 2);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0][0].status, CurrentCallStatus::Up);

    let events = w.batch(hangup(&leg));
    assert_one_event_per_derived_value(&events);
    assert_eq!(line_calls(&events, 2), vec![Vec::new()]);
    assert_eq!(hints(&events), vec![(2, 0)]);
}

#[test]
fn an_answered_queue_call_never_counts_an_agent_available_and_talking() {
    let mut w = World::demo();
    w.login(1, 3);
    let caller = uid("q.1");
    let member = uid("q.2");
    let mut every = Vec::new();
    for batch in [
        queue_join(&caller, "0612345678", 1, 1),
        agent_rung(1, 1, 3, &caller, &member),
        agent_answers(1, 1, &caller, &member, 3),
        queue_call_ends(1, 1, &caller, &member),
    ] {
        let events = w.batch(batch);
        assert_one_event_per_derived_value(&events);
        every.push(events);
    }
    for s in every.iter().flat_map(|e| queue_stats(e, 1)) {
        assert!(
            s.available_agents + s.talking_agents <= s.logged_agents,
            "contradictory counters pushed: {s:?}"
        );
    }
    let answered = queue_stats(&every[2], 1);
    assert_eq!(answered.len(), 1, "{:#?}", every[2]);
    assert_eq!(
        (
            answered[0].logged_agents,
            answered[0].available_agents,
            answered[0].talking_agents
        ),
        (1, 0, 1)
    );
}

#[test]
fn click_to_dial_lists_no_answered_call_while_the_callee_rings() {
    let mut w = World::demo();
    let leg = uid("c2d.1");
    let callee = uid("c2d.2");
    // The originate rings alice's own phone first...
    let events = w.batch([
        created(
            &leg,
            &leg,
            Endpoint::Line(LineId(1)),
            line_party(1),
            "s",
            ChannelState::Down,
        ),
        PbxEvent::DialBegin {
            caller: None,
            callee: leg.clone(),
            destination: "1001".into(),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: leg.clone(),
            state: ChannelState::Ringing,
        },
    ]);
    assert_one_event_per_derived_value(&events);
    // ...which answers at once, and the destination is dialled.
    let events = w.batch([
        PbxEvent::ChannelStateChanged {
            uniqueid: leg.clone(),
            state: ChannelState::Up,
        },
        PbxEvent::DialEnd {
            caller: None,
            callee: leg.clone(),
            status: DialStatus::Answer,
        },
        created(
            &callee,
            &leg,
            Endpoint::Line(LineId(2)),
            line_party(2),
            "s",
            ChannelState::Down,
        ),
        PbxEvent::ConnectedLineChanged {
            uniqueid: callee.clone(),
            connected: line_party(1),
        },
        PbxEvent::DialBegin {
            caller: Some(leg.clone()),
            callee: callee.clone(),
            destination: "1002".into(),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: callee.clone(),
            state: ChannelState::Ringing,
        },
    ]);
    assert_one_event_per_derived_value(&events);
    let alice = w.state.line_calls(LineId(1));
    assert_eq!(alice.len(), 1);
    assert_eq!(alice[0].peer.number, "1002");
    assert_eq!(
        alice[0].status,
        CurrentCallStatus::Ringing,
        "not answered while 1002 rings"
    );
    assert!(
        line_calls(&events, 1)
            .iter()
            .flatten()
            .all(|c| c.status != CurrentCallStatus::Up),
        "{events:#?}"
    );

    // Bob answers: now it is an answered call on both lines, one event each.
    let bridge = crate::ids::BridgeId::new("bridge-c2d");
    let events = w.batch([
        PbxEvent::ChannelStateChanged {
            uniqueid: callee.clone(),
            state: ChannelState::Up,
        },
        PbxEvent::DialEnd {
            caller: Some(leg.clone()),
            callee: callee.clone(),
            status: DialStatus::Answer,
        },
        PbxEvent::BridgeEnter {
            bridge: bridge.clone(),
            uniqueid: callee.clone(),
        },
        PbxEvent::BridgeEnter {
            bridge,
            uniqueid: leg.clone(),
        },
    ]);
    assert_one_event_per_derived_value(&events);
    for line in [1, 2] {
        let calls = line_calls(&events, line);
        assert_eq!(calls.len(), 1, "line {line}: {events:#?}");
        assert_eq!(calls[0][0].status, CurrentCallStatus::Up, "line {line}");
    }
}

#[test]
fn a_batch_and_the_same_events_one_by_one_end_in_the_same_state() {
    let mut batched = World::demo();
    let mut single = World::demo();
    let leg = Leg::new("same");
    for step in [internal_dial(&leg, 1, 2), answer(&leg)] {
        batched.batch(step.clone());
        single.feed(step);
    }
    for line in [1, 2] {
        assert_eq!(
            batched.state.line_calls(LineId(line)),
            single.state.line_calls(LineId(line))
        );
        assert_eq!(batched.hint(line), single.hint(line));
    }
    assert_eq!(
        batched.state.queue_stats(QueueId(1), batched.now),
        single.state.queue_stats(QueueId(1), single.now)
    );
}
