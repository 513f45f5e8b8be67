//! Voicemail counts, conference rooms, listening and attended transfer events.

use super::script::*;
use crate::event::Event;
use crate::ids::{AgentId, LineId, RoomId, UniqueId, VoicemailId};
use crate::live::{ConferenceState, PhoneEventKind, VoicemailCounts};
use crate::pbx::{AttendedTransferState, PbxEvent};

#[test]
fn voicemail_counts_change_only_on_change() {
    let mut w = World::demo();
    assert_eq!(
        w.state.voicemail_counts(VoicemailId(2)),
        VoicemailCounts::default()
    );
    let mw = |new, old| PbxEvent::MessageWaiting {
        voicemail: VoicemailId(2),
        new,
        old,
    };
    assert_eq!(
        w.one(mw(1, 0)),
        vec![Event::Voicemail {
            voicemail: VoicemailId(2),
            counts: VoicemailCounts { new: 1, old: 0 }
        }]
    );
    assert!(w.one(mw(1, 0)).is_empty());
    assert!(
        w.one(PbxEvent::MessageWaiting {
            voicemail: VoicemailId(77),
            new: 1,
            old: 1
        })
        .is_empty()
    );
    assert_eq!(w.state.voicemail_counts(VoicemailId(2)).new, 1);
}

#[test]
fn conference_join_orders_and_reset_when_empty() {
    let mut w = World::demo();
    let (x, y) = (Leg::new("x"), Leg::new("y"));
    w.feed(incoming_dial(&x, "0612345678", 2));
    w.feed(answer(&x));
    w.feed(incoming_dial(&y, "0698765432", 3));
    w.feed(answer(&y));
    let join = |u: &crate::ids::UniqueId| PbxEvent::ConferenceJoin {
        room: RoomId(1),
        uniqueid: u.clone(),
        muted: false,
    };
    let start = w.now;
    let events = w.one(join(&x.b));
    let Some(Event::Conference {
        state,
        previous,
        rooms,
    }) = events.first()
    else {
        panic!("{events:?}")
    };
    assert!(previous.members.is_empty() && previous.start.is_none());
    assert_eq!(rooms.len(), 1, "every configured room");
    assert_eq!(rooms[0], *state);
    assert_eq!(state.start, Some(start));
    assert_eq!(state.members[0].join_order, 1);
    assert_eq!(state.members[0].number, "1002");
    assert_eq!(state.members[0].user, Some(user(2)));
    w.advance(5);
    w.one(join(&y.a));
    let room = w.state.conference(RoomId(1)).expect("room");
    assert_eq!(room.members.len(), 2);
    assert_eq!(room.members[1].join_order, 2);
    assert_eq!(room.members[1].number, "0698765432");
    assert_eq!(room.members[1].user, None);
    assert!(w.one(join(&y.a)).is_empty(), "duplicate join");

    let events = w.one(PbxEvent::ConferenceMute {
        room: RoomId(1),
        uniqueid: y.a.clone(),
        muted: true,
    });
    assert_eq!(events.len(), 1);
    assert!(w.state.conference(RoomId(1)).expect("room").members[1].muted);

    let events = w.one(PbxEvent::ConferenceLeave {
        room: RoomId(1),
        uniqueid: x.b.clone(),
    });
    let Some(Event::Conference {
        state, previous, ..
    }) = events.first()
    else {
        panic!("{events:?}")
    };
    // The leaver is in the previous state only: a face names who left (and tells them).
    let channels = |s: &ConferenceState| -> Vec<UniqueId> {
        s.members.iter().map(|m| m.uniqueid.clone()).collect()
    };
    assert_eq!(channels(previous), vec![x.b.clone(), y.a.clone()]);
    assert_eq!(channels(state), vec![y.a.clone()]);
    assert_eq!(previous.members[0].user, Some(user(2)));
    // The last member hangs up without a leave event.
    let events = w.one(PbxEvent::Hangup {
        uniqueid: y.a.clone(),
        cause: 16,
    });
    assert!(events.iter().any(
        |e| matches!(e, Event::Conference { state: s, previous: p, .. }
                if s.members.is_empty() && s.start.is_none() && p.members.len() == 1)
    ));
    // Join orders restart.
    w.one(join(&x.b));
    assert_eq!(
        w.state.conference(RoomId(1)).expect("room").members[0].join_order,
        1
    );
    assert!(w.state.conference(RoomId(9)).is_none());
}

#[test]
fn listen_events_name_the_supervisor_and_the_agent() {
    let mut w = World::demo();
    w.login(1, 3);
    let leg = Leg::new("c1");
    w.feed(incoming_dial(&leg, "0612345678", 3));
    w.feed(answer(&leg));
    let spy = Leg::new("s1");
    w.feed(internal_dial(&spy, 1, 6));
    let events = w.one(PbxEvent::SpyStart {
        spier: spy.a.clone(),
        spyee: leg.b.clone(),
    });
    assert_eq!(
        events,
        vec![Event::Listen {
            supervisor: user(1),
            agent: AgentId(1),
            started: true
        }]
    );
    let events = w.one(PbxEvent::SpyStop {
        spier: spy.a.clone(),
    });
    assert_eq!(
        events,
        vec![Event::Listen {
            supervisor: user(1),
            agent: AgentId(1),
            started: false
        }]
    );
    assert!(
        w.one(PbxEvent::SpyStop {
            spier: spy.a.clone()
        })
        .is_empty()
    );
    // The spier's hangup stops the listening too.
    w.one(PbxEvent::SpyStart {
        spier: spy.a.clone(),
        spyee: leg.b.clone(),
    });
    let events = w.one(PbxEvent::Hangup {
        uniqueid: spy.a.clone(),
        cause: 16,
    });
    assert!(events.contains(&Event::Listen {
        supervisor: user(1),
        agent: AgentId(1),
        started: false
    }));
    // Not an agent's line: ignored.
    assert!(
        w.one(PbxEvent::SpyStart {
            spier: spy.b.clone(),
            spyee: leg.a.clone(),
        })
        .is_empty()
    );
}

#[test]
fn attended_transfer_completion_after_the_transferer_hung_up() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(incoming_dial(&leg, "0612345678", 2));
    w.feed(answer(&leg));
    w.one(PbxEvent::AttendedTransfer {
        transferer: leg.b.clone(),
        target: None,
        state: AttendedTransferState::Started,
    });
    w.one(PbxEvent::AttendedTransfer {
        transferer: leg.b.clone(),
        target: Some(uid("t.2")),
        state: AttendedTransferState::Answered,
    });
    assert_eq!(
        w.state
            .transfer_in_progress(user(2))
            .and_then(|(_, t)| t.cloned()),
        Some(uid("t.2"))
    );
    w.one(PbxEvent::Hangup {
        uniqueid: leg.b.clone(),
        cause: 16,
    });
    assert!(w.state.transfer_in_progress(user(2)).is_none());
    // Unknown transferer: nothing.
    assert!(
        w.one(PbxEvent::AttendedTransfer {
            transferer: uid("zz"),
            target: None,
            state: AttendedTransferState::Completed,
        })
        .is_empty()
    );
}

#[test]
fn attended_transfer_completed_while_the_target_rings_shows_the_transferee() {
    let mut w = World::demo();
    // An outside caller talks to bob; bob holds it and calls carol, who rings.
    let first = Leg::new("c1");
    w.feed(incoming_dial(&first, "0612345678", 2));
    w.feed(answer(&first));
    w.one(PbxEvent::Hold {
        uniqueid: first.b.clone(),
    });
    let consult = Leg::new("c2");
    w.one(PbxEvent::AttendedTransfer {
        transferer: first.b.clone(),
        target: None,
        state: AttendedTransferState::Started,
    });
    w.feed(internal_dial(&consult, 2, 3));
    assert_eq!(
        w.state.line_phone_events(LineId(3))[0].other_dn,
        "1002",
        "carol sees bob while he consults"
    );
    // Bob completes before carol answers: the PBX hands the ringing call to the caller
    // (connected line changed), then bob's channels go.
    w.one(PbxEvent::ConnectedLineChanged {
        uniqueid: consult.b.clone(),
        connected: crate::live::Party::new("0612345678", "Outside Caller"),
    });
    let events = w.one(PbxEvent::AttendedTransfer {
        transferer: first.b.clone(),
        target: Some(consult.b.clone()),
        state: AttendedTransferState::Completed,
    });
    assert!(events.iter().any(|e| matches!(e, Event::LineCalls { line, calls } if *line == LineId(3) && calls[0].peer.number == "0612345678")));
    for u in [&first.b, &consult.a] {
        w.one(PbxEvent::Hangup {
            uniqueid: u.clone(),
            cause: 16,
        });
    }
    let pe = w.state.line_phone_events(LineId(3));
    assert_eq!(pe.len(), 1);
    assert_eq!(pe[0].kind, PhoneEventKind::Ringing);
    assert_eq!(pe[0].other_dn, "0612345678");
    assert_eq!(pe[0].other_name, "Outside Caller");
    assert_eq!(w.hint(2), 0);
    assert_eq!(w.hint(3), 8);
}
