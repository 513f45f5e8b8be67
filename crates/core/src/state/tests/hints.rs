//! Hint status codes through calls, hold, call waiting, registration and disabled lines.

use super::script::*;
use std::sync::Arc;

use crate::dataset::Dataset;
use crate::engine::CoreConfig;
use crate::event::Event;
use crate::ids::LineId;
use crate::live::{ChannelState, HintStatus};
use crate::pbx::PbxEvent;
use crate::state::State;

#[test]
fn initial_hints_follow_the_engine_snapshot() {
    let w = World::demo();
    for line in 1..=6 {
        assert_eq!(w.hint(line), 0, "line {line}");
    }
    assert_eq!(w.state.line_hint(LineId(99)), HintStatus::Removed);
    assert_eq!(w.state.line_registered(LineId(1)), Some(true));
}

#[test]
fn internal_call_ring_answer_hangup() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let events = w.feed(internal_dial(&leg, 1, 2));
    assert_eq!(w.hint(1), 1, "the caller hears ringback: in use");
    assert_eq!(w.hint(2), 8, "the callee rings");
    assert_eq!(hints(&events), vec![(1, 1), (2, 8)]);

    let events = w.feed(answer(&leg));
    assert_eq!((w.hint(1), w.hint(2)), (1, 1));
    assert_eq!(
        hints(&events),
        vec![(2, 1)],
        "only the callee's hint changed"
    );

    let events = w.feed(hangup(&leg));
    assert_eq!((w.hint(1), w.hint(2)), (0, 0));
    assert_eq!(hints(&events), vec![(1, 0), (2, 0)]);
    assert_eq!(w.state.channel_count(), 0);
}

#[test]
fn hint_events_only_on_change() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    // Repeating a state or a connected line changes nothing derived.
    let events = w.one(PbxEvent::ChannelStateChanged {
        uniqueid: leg.b.clone(),
        state: ChannelState::Ringing,
    });
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn hold_and_resume() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    w.feed(answer(&leg));
    let events = w.one(PbxEvent::Hold {
        uniqueid: leg.a.clone(),
    });
    assert_eq!(w.hint(1), 16);
    assert_eq!(w.hint(2), 1, "the held party is still in use");
    assert_eq!(hints(&events), vec![(1, 16)]);
    w.one(PbxEvent::Unhold {
        uniqueid: leg.a.clone(),
    });
    assert_eq!(w.hint(1), 1);
}

#[test]
fn held_call_with_another_call_up_is_in_use() {
    let mut w = World::demo();
    let first = Leg::new("c1");
    let second = Leg::new("c2");
    w.feed(incoming_dial(&first, "0612345678", 1));
    w.feed(answer(&first));
    w.one(PbxEvent::Hold {
        uniqueid: first.b.clone(),
    });
    assert_eq!(w.hint(1), 16);
    w.feed(internal_dial(&second, 1, 3));
    assert_eq!(w.hint(1), 1, "one held, one dialling: in use");
}

#[test]
fn call_waiting_rings_in_use() {
    let mut w = World::demo();
    let first = Leg::new("c1");
    let second = Leg::new("c2");
    w.feed(internal_dial(&first, 2, 1));
    w.feed(answer(&first));
    let events = w.feed(internal_dial(&second, 3, 1));
    assert_eq!(w.hint(1), 9);
    assert!(hints(&events).contains(&(1, 9)));
    w.feed(hangup(&second));
    assert_eq!(w.hint(1), 1);
}

#[test]
fn busy_channel_alone_is_busy() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    w.one(PbxEvent::ChannelStateChanged {
        uniqueid: leg.b.clone(),
        state: ChannelState::Busy,
    });
    assert_eq!(w.hint(2), 2);
}

#[test]
fn unregistered_line_is_unavailable_whatever_its_calls() {
    let mut w = World::demo();
    let events = w.one(PbxEvent::LineRegistration {
        line: LineId(2),
        registered: false,
    });
    assert_eq!(w.hint(2), 4);
    assert_eq!(hints(&events), vec![(2, 4)]);
    assert_eq!(w.state.line_registered(LineId(2)), Some(false));
    let again = w.one(PbxEvent::LineRegistration {
        line: LineId(2),
        registered: false,
    });
    assert!(again.is_empty());
    w.one(PbxEvent::LineRegistration {
        line: LineId(2),
        registered: true,
    });
    assert_eq!(w.hint(2), 0);
}

#[test]
fn unavailable_until_the_engine_reports_and_disabled_lines() {
    let toml = Dataset::demo_toml().replace(
        "id = 6\nnumber = \"1006\"",
        "id = 6\nnumber = \"1006\"\nenabled = false",
    );
    let dataset = Arc::new(Dataset::from_toml_str(&toml).expect("valid dataset"));
    // Before the engine's first snapshot no phone is known to be registered.
    let state = State::new(dataset.clone(), w_start(), CoreConfig::default());
    assert_eq!(state.line_hint(LineId(1)), HintStatus::Unavailable);
    assert_eq!(state.line_hint(LineId(6)), HintStatus::Deactivated);
    // The engine says which are (all but 1005 here).
    let mut w = World::with(Dataset::from_toml_str(&toml).expect("valid dataset"));
    let events = w.one(PbxEvent::LineRegistration {
        line: LineId(5),
        registered: false,
    });
    assert_eq!(hints(&events), vec![(5, 4)]);
    assert_eq!((w.hint(1), w.hint(5), w.hint(6)), (0, 4, -1));
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 6));
    assert_eq!(w.hint(6), -1, "a disabled line stays deactivated");
    let events = w.one(PbxEvent::LineRegistration {
        line: LineId(6),
        registered: false,
    });
    assert!(
        !events.iter().any(|e| matches!(e, Event::LineHint { .. })),
        "{events:?}"
    );
    w.one(PbxEvent::LineRegistration {
        line: LineId(5),
        registered: true,
    });
    assert_eq!(w.hint(5), 0);
}

fn w_start() -> crate::time::Timestamp {
    crate::time::ManualClock::DEFAULT_START
}

#[test]
fn hint_may_be_derived_whatever_the_order_of_dial_and_state() {
    // The callee's state can change before the DialBegin arrives.
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let mut script = internal_dial(&leg, 1, 2);
    let ringing = script.pop().expect("ringing event");
    script.insert(2, ringing);
    w.feed(script);
    assert_eq!((w.hint(1), w.hint(2)), (1, 8));
}
