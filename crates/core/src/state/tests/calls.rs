//! Phone events, current calls and call log entries through calls.

use super::script::*;
use crate::event::Event;
use crate::ids::{ActionId, LineId, QueueId};
use crate::live::{
    CallDirection, ChannelState, CurrentCallStatus, Endpoint, Party, PhoneEventKind,
};
use crate::pbx::PbxEvent;
use PhoneEventKind::*;

#[test]
fn internal_call_phone_events() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let events = w.feed(internal_dial(&leg, 1, 2));
    assert_eq!(phone_kinds(&events), vec![(1, Dialing), (2, Ringing)]);
    let p = phones(&events);
    let dialing = &p[0];
    assert_eq!(dialing.dn, "1001");
    assert_eq!(dialing.other_dn, "1002");
    assert_eq!(
        dialing.other_name, "Bob Bernard",
        "the dialled line's owner"
    );
    assert_eq!(dialing.other_username.as_deref(), Some("bob"));
    assert_eq!(dialing.direction, CallDirection::Outgoing);
    assert_eq!(dialing.uniqueid, leg.a);
    assert_eq!(dialing.linkedid, leg.a);
    assert_eq!(dialing.user, Some(user(1)));
    let ringing = &p[1];
    assert_eq!(ringing.dn, "1002");
    assert_eq!(ringing.other_dn, "1001");
    assert_eq!(ringing.other_name, "Alice Arnaud");
    assert_eq!(ringing.other_username.as_deref(), Some("alice"));
    assert_eq!(ringing.direction, CallDirection::Incoming);
    assert_eq!(ringing.linkedid, leg.a);
    assert_eq!(ringing.queue, None);

    let events = w.feed(answer(&leg));
    assert_eq!(
        phone_kinds(&events),
        vec![(2, Established), (1, Established)]
    );
    let established = &phones(&events)[1];
    assert_eq!(established.other_dn, "1002");
    assert_eq!(established.other_name, "Bob Bernard");
    assert_eq!(established.other_username.as_deref(), Some("bob"));

    let events = w.feed(hangup(&leg));
    assert_eq!(phone_kinds(&events), vec![(1, Released), (2, Released)]);
    assert_eq!(
        phones(&events)[1].other_dn,
        "1001",
        "the peer is remembered after its hangup"
    );
}

#[test]
fn external_caller_shows_its_caller_id() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let events = w.feed(incoming_dial(&leg, "0612345678", 2));
    let p = phones(&events);
    assert_eq!(phone_kinds(&events), vec![(2, Ringing)]);
    assert_eq!(p[0].other_dn, "0612345678");
    assert_eq!(p[0].other_name, "Outside Caller");
    assert_eq!(p[0].other_username, None);
}

#[test]
fn outgoing_external_call_shows_the_dialled_number() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let events = w.feed(outgoing_dial(&leg, 2, "0612345678"));
    let p = phones(&events);
    assert_eq!(phone_kinds(&events), vec![(2, Dialing)]);
    assert_eq!(p[0].other_dn, "0612345678");
    assert_eq!(p[0].direction, CallDirection::Outgoing);
}

#[test]
fn hold_and_resume_phone_events() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    w.feed(answer(&leg));
    let events = w.one(PbxEvent::Hold {
        uniqueid: leg.a.clone(),
    });
    assert_eq!(phone_kinds(&events), vec![(1, OnHold)]);
    let dup = w.one(PbxEvent::Hold {
        uniqueid: leg.a.clone(),
    });
    assert!(phones(&dup).is_empty(), "a duplicate hold emits nothing");
    let events = w.one(PbxEvent::Unhold {
        uniqueid: leg.a.clone(),
    });
    assert_eq!(phone_kinds(&events), vec![(1, Established)]);
}

#[test]
fn user_data_carries_usr_and_xivo_variables_in_set_order() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let mut script = internal_dial(&leg, 1, 2);
    let ringing = script.pop().expect("ringing");
    w.feed(script);
    for (name, value) in [
        ("XIVO_DSTNUM", "1002"),
        ("SIPDOMAIN", "127.0.0.1"),
        ("USR_ticket", "42"),
        ("DIALSTATUS", ""),
        ("USR_customer", "ACME"),
        ("XIVO_DSTNUM", "1002b"),
    ] {
        w.one(PbxEvent::VarSet {
            uniqueid: leg.b.clone(),
            name: name.into(),
            value: value.into(),
        });
    }
    let events = w.one(ringing);
    let p = phones(&events);
    assert_eq!(
        p[0].user_data.as_slice(),
        &[
            ("XIVO_DSTNUM".to_owned(), "1002b".to_owned()),
            ("USR_ticket".to_owned(), "42".to_owned()),
            ("USR_customer".to_owned(), "ACME".to_owned()),
        ]
    );
    let channel = w.state.channel(&leg.b).expect("live channel");
    assert_eq!(channel.vars.len(), 3);
}

#[test]
fn current_calls_follow_the_call() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    let calls = w.state.line_calls(LineId(2));
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, CurrentCallStatus::Ringing);
    assert_eq!(calls[0].peer, Party::new("1001", "Alice Arnaud"));
    assert_eq!(calls[0].direction, CallDirection::Incoming);
    let created = calls[0].start;

    w.advance(5);
    let events = w.feed(answer(&leg));
    let calls = w.state.line_calls(LineId(2));
    assert_eq!(calls[0].status, CurrentCallStatus::Up);
    assert_eq!(
        calls[0].start, w.now,
        "start is the answer time once answered"
    );
    assert!(calls[0].start > created);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::LineCalls { line, .. } if *line == LineId(2)))
    );

    w.one(PbxEvent::Hold {
        uniqueid: leg.b.clone(),
    });
    assert_eq!(
        w.state.line_calls(LineId(2))[0].status,
        CurrentCallStatus::Hold
    );
    let events = w.feed(hangup(&leg));
    assert!(w.state.line_calls(LineId(2)).is_empty());
    assert!(events.iter().any(
        |e| matches!(e, Event::LineCalls { line, calls } if *line == LineId(2) && calls.is_empty())
    ));
}

#[test]
fn current_calls_are_ordered_by_start() {
    let mut w = World::demo();
    let first = Leg::new("c1");
    let second = Leg::new("c2");
    w.feed(internal_dial(&first, 2, 1));
    w.advance(1);
    w.feed(internal_dial(&second, 3, 1));
    let calls = w.state.line_calls(LineId(1));
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].uniqueid, first.b);
    assert_eq!(calls[1].uniqueid, second.b);
    // Answering the first moves its start to the answer time, after the second's creation.
    w.advance(1);
    w.feed(answer(&first));
    let calls = w.state.line_calls(LineId(1));
    assert_eq!(calls[0].uniqueid, second.b);
    assert_eq!(calls[1].uniqueid, first.b);
    // The latest phone event of each call.
    let latest = w.state.line_phone_events(LineId(1));
    assert_eq!(latest.len(), 2);
    assert!(
        latest
            .iter()
            .any(|p| p.kind == Established && p.uniqueid == first.b)
    );
    assert!(
        latest
            .iter()
            .any(|p| p.kind == Ringing && p.uniqueid == second.b)
    );
    // Data attached after the latest event shows in the current view.
    w.one(PbxEvent::VarSet {
        uniqueid: second.b.clone(),
        name: "USR_late".into(),
        value: "1".into(),
    });
    let latest = w.state.line_phone_events(LineId(1));
    let ringing = latest
        .iter()
        .find(|p| p.uniqueid == second.b)
        .expect("second call");
    assert_eq!(
        ringing.user_data.as_slice(),
        &[("USR_late".to_owned(), "1".to_owned())]
    );
}

#[test]
fn call_log_for_answered_and_missed_calls() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let start = w.now;
    w.feed(internal_dial(&leg, 1, 2));
    w.advance(3);
    let answered_at = w.now;
    w.feed(answer(&leg));
    w.advance(60);
    let events = w.feed(hangup(&leg));
    let logged: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::CallLogged(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(logged.len(), 2);
    let alice = logged
        .iter()
        .find(|c| c.user == user(1))
        .expect("alice's entry");
    assert_eq!(alice.start, start);
    assert_eq!(alice.answered_at, Some(answered_at));
    assert_eq!(alice.end, w.now);
    assert_eq!(alice.direction, CallDirection::Outgoing);
    assert_eq!(alice.peer.number, "1002");
    assert_eq!(alice.linkedid, leg.a);
    assert_eq!(alice.duration_secs(), 60.0);
    let bob = logged
        .iter()
        .find(|c| c.user == user(2))
        .expect("bob's entry");
    assert_eq!(bob.direction, CallDirection::Incoming);
    assert!(!bob.is_missed());

    // A call nobody answers.
    let missed = Leg::new("c2");
    w.feed(incoming_dial(&missed, "0612345678", 2));
    w.advance(20);
    let events = w.feed([
        PbxEvent::Hangup {
            uniqueid: missed.a.clone(),
            cause: 16,
        },
        PbxEvent::Hangup {
            uniqueid: missed.b.clone(),
            cause: 19,
        },
    ]);
    let entries: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::CallLogged(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(entries.len(), 1, "only the line channel is logged");
    assert!(entries[0].is_missed());
    assert_eq!(entries[0].peer.number, "0612345678");

    // A phone that rang for a call answered elsewhere (ringall queue, pickup): no entry.
    let elsewhere = Leg::new("c3");
    w.feed(incoming_dial(&elsewhere, "0612345678", 2));
    let events = w.one(PbxEvent::Hangup {
        uniqueid: elsewhere.b.clone(),
        cause: 26,
    });
    assert!(
        !events.iter().any(|e| matches!(e, Event::CallLogged(_))),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Phone(p) if p.kind == PhoneEventKind::Released)),
        "the phone event still says the call is gone"
    );
}

#[test]
fn originate_first_leg_is_outgoing() {
    // AMI Originate: the user's phone rings first (DialBegin without caller), then, once
    // answered, the first leg dials the destination.
    let mut w = World::demo();
    let first = uid("o.1");
    let target = uid("o.2");
    let mut events = w.one(PbxEvent::ChannelCreated {
        uniqueid: first.clone(),
        linkedid: first.clone(),
        name: "PJSIP/1002-00000008".into(),
        endpoint: Endpoint::Line(LineId(2)),
        caller: Party::new("1002", "Bob"),
        exten: "s".into(),
        state: ChannelState::Down,
    });
    events.extend(w.feed([
        PbxEvent::ConnectedLineChanged {
            uniqueid: first.clone(),
            connected: Party::new("1001", "Alice Arnaud"),
        },
        PbxEvent::DialBegin {
            caller: None,
            callee: first.clone(),
            destination: "PJSIP/1002".into(),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: first.clone(),
            state: ChannelState::Ringing,
        },
    ]));
    assert_eq!(phone_kinds(&events), vec![(2, Dialing)]);
    assert_eq!(phones(&events)[0].direction, CallDirection::Outgoing);
    assert_eq!(w.hint(2), 8, "the phone itself rings");
    let events = w.one(PbxEvent::ChannelStateChanged {
        uniqueid: first.clone(),
        state: ChannelState::Up,
    });
    assert_eq!(phone_kinds(&events), vec![(2, Established)]);
    let events = w.feed([
        PbxEvent::ChannelCreated {
            uniqueid: target.clone(),
            linkedid: first.clone(),
            name: "PJSIP/1001-00000009".into(),
            endpoint: Endpoint::Line(LineId(1)),
            caller: Party::new("1001", "Alice"),
            exten: "s".into(),
            state: ChannelState::Down,
        },
        PbxEvent::DialBegin {
            caller: Some(first.clone()),
            callee: target.clone(),
            destination: "1001".into(),
        },
        PbxEvent::ChannelStateChanged {
            uniqueid: target.clone(),
            state: ChannelState::Ringing,
        },
    ]);
    assert_eq!(phone_kinds(&events), vec![(1, Ringing)]);
    assert_eq!(phones(&events)[0].other_dn, "1002");
    assert_eq!(
        w.state.channel(&first).map(|c| c.direction),
        Some(CallDirection::Outgoing)
    );
}

#[test]
fn acd_call_phone_event_carries_the_queue() {
    let mut w = World::demo();
    w.login(1, 3);
    let caller = uid("q.1");
    let member = uid("q.2");
    w.feed(queue_join(&caller, "0612345678", 1, 1));
    let events = w.feed(agent_rung(1, 1, 3, &caller, &member));
    let p = phones(&events);
    assert_eq!(phone_kinds(&events), vec![(3, Ringing)]);
    assert_eq!(p[0].queue, Some(QueueId(1)));
    assert_eq!(p[0].other_dn, "0612345678");
    assert_eq!(p[0].direction, CallDirection::Incoming);
}

#[test]
fn failed_originate_is_reported_to_the_user() {
    let mut w = World::demo();
    let ran = w.run(crate::command::Command::Dial {
        user: user(2),
        destination: "1003".into(),
        variables: vec![],
        from_mobile: false,
    });
    let action = match ran.result {
        Ok(crate::command::Outcome::Dialing { action, .. }) => action,
        other => panic!("unexpected {other:?}"),
    };
    let events = w.one(PbxEvent::OriginateResult {
        action,
        uniqueid: None,
        success: false,
        reason: "no answer".into(),
    });
    assert_eq!(
        events,
        vec![Event::DialFailed {
            user: user(2),
            destination: "1003".into(),
            reason: "no answer".into()
        }]
    );
    // Its record is gone: a second result is ignored, as is an unknown one.
    assert!(
        w.one(PbxEvent::OriginateResult {
            action,
            uniqueid: None,
            success: false,
            reason: "x".into()
        })
        .is_empty()
    );
    assert!(
        w.one(PbxEvent::OriginateResult {
            action: ActionId(999),
            uniqueid: None,
            success: true,
            reason: String::new()
        })
        .is_empty()
    );
}

#[test]
fn dial_from_an_unknown_caller_is_still_incoming() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    let mut script = internal_dial(&leg, 1, 2);
    script.remove(0); // the caller's creation was missed
    let events = w.feed(script);
    assert_eq!(phone_kinds(&events), vec![(2, Ringing)]);
    assert_eq!(phones(&events)[0].direction, CallDirection::Incoming);
}

#[test]
fn a_party_leaving_a_three_party_bridge_links_the_two_left() {
    let mut w = World::demo();
    // Bob talks to an outside caller, consults carol, then merges everybody in his first
    // bridge: carol's channel was linked to bob's consultation channel.
    let first = Leg::new("c1");
    w.feed(incoming_dial(&first, "0612345678", 2));
    w.feed(answer(&first));
    let consult = Leg::new("c2");
    w.feed(internal_dial(&consult, 2, 3));
    w.feed(answer(&consult));
    w.feed([
        PbxEvent::BridgeLeave {
            bridge: consult.bridge.clone(),
            uniqueid: consult.b.clone(),
        },
        PbxEvent::BridgeEnter {
            bridge: first.bridge.clone(),
            uniqueid: consult.b.clone(),
        },
        PbxEvent::BridgeLeave {
            bridge: consult.bridge.clone(),
            uniqueid: consult.a.clone(),
        },
        PbxEvent::Hangup {
            uniqueid: consult.a.clone(),
            cause: 16,
        },
    ]);
    assert_eq!(w.state.line_phone_events(LineId(3))[0].other_dn, "1002");
    // Bob leaves: the PBX tells carol she now talks to the caller.
    let events = w.feed([
        PbxEvent::BridgeLeave {
            bridge: first.bridge.clone(),
            uniqueid: first.b.clone(),
        },
        PbxEvent::ConnectedLineChanged {
            uniqueid: consult.b.clone(),
            connected: Party::new("0612345678", "Outside Caller"),
        },
        PbxEvent::Hangup {
            uniqueid: first.b.clone(),
            cause: 16,
        },
    ]);
    let pe = w.state.line_phone_events(LineId(3));
    assert_eq!(pe[0].other_dn, "0612345678");
    assert_eq!(pe[0].other_username, None);
    assert!(events.iter().any(|e| matches!(e, Event::LineCalls { line, calls } if *line == LineId(3) && calls[0].peer.number == "0612345678")));
    // A channel hanging up without leaving its bridge first has the same effect.
    let dave = uid("c3.2");
    w.feed([
        PbxEvent::ChannelCreated {
            uniqueid: dave.clone(),
            linkedid: first.a.clone(),
            name: "PJSIP/1004-0000000a".into(),
            endpoint: Endpoint::Line(LineId(4)),
            caller: Party::new("1004", "Dave"),
            exten: "s".into(),
            state: ChannelState::Up,
        },
        PbxEvent::BridgeEnter {
            bridge: first.bridge.clone(),
            uniqueid: dave.clone(),
        },
        PbxEvent::Hangup {
            uniqueid: first.a.clone(),
            cause: 16,
        },
    ]);
    assert_eq!(w.state.line_phone_events(LineId(3))[0].other_dn, "1004");
    assert_eq!(w.state.line_phone_events(LineId(4))[0].other_dn, "1003");
}
