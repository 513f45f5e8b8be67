//! Basic calls: internal, external, outside callers; busy, call waiting, do-not-disturb,
//! call filtering, forwards, voicemail, unregistered and disabled lines, unknown numbers.

mod support;

use ctid_core::Clock;
use ctid_core::dataset::{Dataset, UserServices};
use ctid_core::ids::{LineId, UniqueId, UserId, VoicemailId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint, Party};
use ctid_core::pbx::{PbxAction, PbxEvent};
use ctid_pbx_sim::{LineAction, SimConfig, SimErrorKind};
use support::{Harness, config, kinds};

fn services(h: &Harness, user: u32, f: impl FnOnce(&mut UserServices)) -> PbxAction {
    let mut s = h.ds.user(UserId(user)).unwrap().services.clone();
    f(&mut s);
    PbxAction::SetServices {
        user: UserId(user),
        services: s,
    }
}

fn var<'a>(events: &'a [PbxEvent], id: &UniqueId, name: &str) -> Option<&'a str> {
    events.iter().rev().find_map(|e| match e {
        PbxEvent::VarSet {
            uniqueid,
            name: n,
            value,
        } if uniqueid == id && n == name => Some(value.as_str()),
        _ => None,
    })
}

#[tokio::test]
async fn internal_call_rings_answers_and_hangs_up_like_asterisk() {
    let mut h = Harness::new();
    h.dial("1001", "1002").await;
    let dial = h.rest().await;
    assert_eq!(
        kinds(&dial),
        vec![
            "ChannelCreated",
            "ChannelCreated",
            "DialBegin",
            "ConnectedLineChanged",
            "ConnectedLineChanged",
            "ChannelStateChanged",
        ]
    );
    let PbxEvent::ChannelCreated {
        uniqueid: a,
        linkedid,
        name,
        endpoint,
        caller,
        exten,
        state,
    } = dial[0].clone()
    else {
        panic!("{:?}", dial[0])
    };
    assert_eq!(a, linkedid);
    let epoch = h.clock.now().as_secs();
    assert_eq!(a.as_str(), format!("{epoch}.0"));
    assert_eq!(name, "SIP/1001-00000000");
    assert_eq!(endpoint, Endpoint::Line(LineId(1)));
    assert_eq!(caller, Party::new("1001", "Alice Arnaud"));
    assert_eq!((exten.as_str(), state), ("1002", ChannelState::Ring));
    // The XiVO dialplan's variables, on the caller, before the callee exists.
    assert!(matches!(dial[1], PbxEvent::VarSet { .. }));
    assert_eq!(var(&dial, &a, "XIVO_CONTEXT"), Some("default"));
    assert_eq!(var(&dial, &a, "XIVO_USERID"), Some("1"));
    assert_eq!(var(&dial, &a, "XIVO_SRCNUM"), Some("1001"));
    assert_eq!(var(&dial, &a, "XIVO_DSTNUM"), Some("1002"));
    assert_eq!(var(&dial, &a, "XIVO_DST_FIRSTNAME"), Some("Bob"));
    assert_eq!(var(&dial, &a, "XIVO_DST_LASTNAME"), Some("Bernard"));
    let created_b = dial
        .iter()
        .position(|e| {
            matches!(
                e,
                PbxEvent::ChannelCreated {
                    endpoint: Endpoint::Line(LineId(2)),
                    ..
                }
            )
        })
        .unwrap();
    assert!(
        dial[..created_b]
            .iter()
            .any(|e| matches!(e, PbxEvent::VarSet { .. }))
    );
    let PbxEvent::ChannelCreated {
        uniqueid: b,
        linkedid: b_linked,
        name: b_name,
        state: b_state,
        caller: b_caller,
        ..
    } = dial[created_b].clone()
    else {
        unreachable!()
    };
    assert_eq!(b_linked, a);
    assert_eq!(b_name, "SIP/1002-00000001");
    assert_eq!(b_state, ChannelState::Down);
    assert_eq!(b_caller, Party::new("1002", "Bob Bernard"));
    let rest: Vec<_> = dial[created_b + 1..].to_vec();
    assert_eq!(
        rest,
        vec![
            PbxEvent::DialBegin {
                caller: Some(a.clone()),
                callee: b.clone(),
                destination: "1002".into()
            },
            PbxEvent::ConnectedLineChanged {
                uniqueid: b.clone(),
                connected: Party::new("1001", "Alice Arnaud")
            },
            PbxEvent::ConnectedLineChanged {
                uniqueid: a.clone(),
                connected: Party::new("1002", "Bob Bernard")
            },
            PbxEvent::ChannelStateChanged {
                uniqueid: b.clone(),
                state: ChannelState::Ringing
            },
        ]
    );

    let calls = h.calls().await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].call_id, a);
    assert_eq!(calls[0].channels.len(), 2);
    assert_eq!(calls[0].channels[1].activity, "ringing");

    h.press("1002", LineAction::Answer).await;
    let answer = h.rest().await;
    assert_eq!(
        kinds(&answer),
        vec![
            "ChannelStateChanged",
            "DialEnd",
            "ChannelStateChanged",
            "BridgeEnter",
            "BridgeEnter"
        ]
    );
    assert_eq!(
        answer[0],
        PbxEvent::ChannelStateChanged {
            uniqueid: b.clone(),
            state: ChannelState::Up
        }
    );
    assert_eq!(
        answer[1],
        PbxEvent::DialEnd {
            caller: Some(a.clone()),
            callee: b.clone(),
            status: DialStatus::Answer
        }
    );
    assert_eq!(
        answer[2],
        PbxEvent::ChannelStateChanged {
            uniqueid: a.clone(),
            state: ChannelState::Up
        }
    );
    let (
        PbxEvent::BridgeEnter {
            bridge: br1,
            uniqueid: first,
        },
        PbxEvent::BridgeEnter {
            bridge: br2,
            uniqueid: second,
        },
    ) = (answer[3].clone(), answer[4].clone())
    else {
        unreachable!()
    };
    assert_eq!(br1, br2);
    assert_eq!((first, second), (b.clone(), a.clone()));
    assert_eq!(br1.to_string().len(), 36, "bridge ids look like uuids");

    h.advance(30.0);
    h.press("1001", LineAction::Hangup).await;
    let hangup = h.rest().await;
    assert_eq!(
        hangup,
        vec![
            PbxEvent::BridgeLeave {
                bridge: br1.clone(),
                uniqueid: a.clone()
            },
            PbxEvent::BridgeLeave {
                bridge: br1,
                uniqueid: b.clone()
            },
            PbxEvent::Hangup {
                uniqueid: a,
                cause: 16
            },
            PbxEvent::Hangup {
                uniqueid: b,
                cause: 16
            },
        ]
    );
    assert!(h.calls().await.is_empty());
}

#[tokio::test]
async fn busy_line_without_call_waiting_goes_to_voicemail_or_busy() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| s.voicemail_enabled = true));
    // bob (1002) talks to carol (1003)
    h.dial("1003", "1002").await;
    h.press("1002", LineAction::Answer).await;
    h.skip_all().await;

    // dave calls bob: no channel on 1002, bob's voicemail answers
    h.dial("1004", "1002").await;
    let d = h.created_on(4).await;
    h.state(&d, ChannelState::Up).await;
    h.expect_none("anything on bob's line", |e| {
        matches!(
            e,
            PbxEvent::ChannelCreated {
                endpoint: Endpoint::Line(LineId(2)),
                ..
            } | PbxEvent::DialBegin { .. }
        )
    })
    .await;
    let snapshot = h.channels_on("1004").await;
    assert_eq!(snapshot[0].activity, "voicemail");
    assert_eq!(snapshot[0].bridge, None);

    // dave leaves a message by hanging up
    h.press("1004", LineAction::Hangup).await;
    h.expect("MessageWaiting", |e| {
        *e == PbxEvent::MessageWaiting {
            voicemail: VoicemailId(2),
            new: 1,
            old: 0,
        }
    })
    .await;
    h.hangup(&d, 16).await;

    // without voicemail, the caller hears busy
    h.act(services(&h, 2, |s| s.voicemail_enabled = false));
    h.dial("1005", "1002").await;
    let e = h.created_on(5).await;
    h.hangup(&e, 17).await;
}

#[tokio::test]
async fn call_waiting_rings_a_busy_line() {
    let mut h = Harness::new();
    // alice (1001, call waiting) talks to bob
    h.dial("1002", "1001").await;
    h.press("1001", LineAction::Answer).await;
    h.skip_all().await;
    h.dial("1003", "1001").await;
    let c = h.created_on(3).await;
    let second = h.created_on(1).await;
    h.expect("DialBegin", |e| {
        matches!(e, PbxEvent::DialBegin { caller: Some(x), callee, .. } if *x == c && *callee == second)
    })
    .await;
    h.state(&second, ChannelState::Ringing).await;
    // answering the second call holds the first
    h.press("1001", LineAction::Answer).await;
    let first = h.channels_on("1001").await[0].uniqueid.clone();
    h.expect(
        "Hold",
        |e| matches!(e, PbxEvent::Hold { uniqueid } if *uniqueid == first),
    )
    .await;
    h.state(&second, ChannelState::Up).await;
    let chans = h.channels_on("1001").await;
    assert_eq!(chans.len(), 2);
    assert!(chans[0].held && !chans[1].held);
}

#[tokio::test]
async fn do_not_disturb_answers_busy() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| {
        s.dnd = true;
        s.voicemail_enabled = false;
    }));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    h.hangup(&a, 17).await;
    h.expect_none("a channel on bob's line", |e| {
        matches!(
            e,
            PbxEvent::ChannelCreated {
                endpoint: Endpoint::Line(LineId(2)),
                ..
            }
        )
    })
    .await;

    // with voicemail on, DND sends callers to the box
    h.act(services(&h, 2, |s| {
        s.dnd = true;
        s.voicemail_enabled = true;
    }));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    h.state(&a, ChannelState::Up).await;
}

#[tokio::test]
async fn unconditional_forward_never_rings_the_user() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| {
        s.fwd_unconditional.enabled = true;
        s.fwd_unconditional.destination = "1003".into();
    }));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    let c = h.created_on(3).await;
    h.expect("DialBegin to carol", |e| {
        matches!(e, PbxEvent::DialBegin { caller: Some(x), callee, destination } if *x == a && *callee == c && destination == "1003")
    })
    .await;
    h.expect_none("a channel on bob's line", |e| {
        matches!(
            e,
            PbxEvent::ChannelCreated {
                endpoint: Endpoint::Line(LineId(2)),
                ..
            }
        )
    })
    .await;
}

#[tokio::test]
async fn forward_loops_stop_after_five_hops() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| {
        s.fwd_unconditional.enabled = true;
        s.fwd_unconditional.destination = "1003".into();
    }));
    h.act(services(&h, 3, |s| {
        s.fwd_unconditional.enabled = true;
        s.fwd_unconditional.destination = "1002".into();
    }));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    // after 5 hops the forward is not followed: the user's phone rings
    let rung = h
        .expect("a ringing phone", |e| {
            matches!(e, PbxEvent::ChannelCreated { endpoint: Endpoint::Line(l), .. } if *l != LineId(1))
        })
        .await;
    assert!(matches!(rung, PbxEvent::ChannelCreated { linkedid, .. } if linkedid == a));
}

#[tokio::test]
async fn busy_forward_sends_the_call_on() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| {
        s.fwd_busy.enabled = true;
        s.fwd_busy.destination = "1004".into();
    }));
    h.dial("1003", "1002").await;
    h.press("1002", LineAction::Answer).await;
    h.skip_all().await;
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    let d = h.created_on(4).await;
    h.expect("DialBegin to dave", |e| {
        matches!(e, PbxEvent::DialBegin { caller: Some(x), callee, .. } if *x == a && *callee == d)
    })
    .await;
}

#[tokio::test]
async fn no_answer_forward_after_the_users_ring_time() {
    let mut ds = Dataset::demo().into_tables();
    ds.users[1].ring_seconds = Some(8);
    let mut h = Harness::with(Dataset::from_tables(ds).unwrap(), config());
    h.act(services(&h, 2, |s| {
        s.fwd_noanswer.enabled = true;
        s.fwd_noanswer.destination = "0612345678".into();
    }));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    let b = h.created_on(2).await;
    h.state(&b, ChannelState::Ringing).await;
    h.advance(7.9);
    h.expect_none("DialEnd", |e| matches!(e, PbxEvent::DialEnd { .. }))
        .await;
    h.advance(0.1);
    h.expect("DialEnd NOANSWER", |e| {
        *e == PbxEvent::DialEnd {
            caller: Some(a.clone()),
            callee: b.clone(),
            status: DialStatus::NoAnswer,
        }
    })
    .await;
    h.hangup(&b, 19).await;
    let t = h.created_trunk().await;
    h.expect("DialBegin to the mobile", |e| {
        matches!(e, PbxEvent::DialBegin { caller: Some(x), callee, destination } if *x == a && *callee == t && destination == "0612345678")
    })
    .await;
    // the outside number answers after the far-end delay
    h.advance(2.0);
    h.state(&t, ChannelState::Up).await;
    h.expect(
        "BridgeEnter",
        |e| matches!(e, PbxEvent::BridgeEnter { uniqueid, .. } if *uniqueid == a),
    )
    .await;
}

#[tokio::test]
async fn unanswered_call_goes_to_voicemail_and_leaves_a_message() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| s.voicemail_enabled = true));
    let call = h.outside("0699999999", "1002").await;
    let b = h.created_on(2).await;
    h.advance(20.0);
    h.expect("DialEnd NOANSWER", |e| {
        matches!(e, PbxEvent::DialEnd { callee, status: DialStatus::NoAnswer, .. } if *callee == b)
    })
    .await;
    h.hangup(&b, 19).await;
    h.state(&call, ChannelState::Up).await;
    let calls = h.calls().await;
    assert_eq!(calls[0].channels.len(), 1);
    assert_eq!(calls[0].channels[0].activity, "voicemail");
    h.sim.hangup_call(call.as_str()).await.unwrap();
    let rest = h.rest().await;
    assert_eq!(
        rest,
        vec![
            PbxEvent::MessageWaiting {
                voicemail: VoicemailId(2),
                new: 1,
                old: 0
            },
            PbxEvent::Hangup {
                uniqueid: call,
                cause: 16
            }
        ]
    );
}

#[tokio::test]
async fn no_answer_without_voicemail_hangs_the_caller_up() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| s.voicemail_enabled = false));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    h.advance(20.0);
    h.hangup(&a, 19).await;
}

#[tokio::test]
async fn voicemail_deposit_and_consultation() {
    let mut h = Harness::new();
    h.dial("1002", "*971001").await;
    let b = h.created_on(2).await;
    h.state(&b, ChannelState::Up).await;
    h.press("1002", LineAction::Hangup).await;
    h.expect("MessageWaiting new", |e| {
        *e == PbxEvent::MessageWaiting {
            voicemail: VoicemailId(1),
            new: 1,
            old: 0,
        }
    })
    .await;
    h.dial("1001", "*98").await;
    let a = h.created_on(1).await;
    h.state(&a, ChannelState::Up).await;
    assert_eq!(h.channels_on("1001").await[0].activity, "voicemail_consult");
    h.press("1001", LineAction::Hangup).await;
    h.expect("MessageWaiting read", |e| {
        *e == PbxEvent::MessageWaiting {
            voicemail: VoicemailId(1),
            new: 0,
            old: 1,
        }
    })
    .await;
}

#[tokio::test]
async fn unregistered_line_is_unavailable() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| s.voicemail_enabled = true));
    h.press("1002", LineAction::Unregister).await;
    h.expect("LineRegistration", |e| {
        *e == PbxEvent::LineRegistration {
            line: LineId(2),
            registered: false,
        }
    })
    .await;
    // no DialBegin: the box answers
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    h.state(&a, ChannelState::Up).await;
    h.expect_none("DialBegin", |e| matches!(e, PbxEvent::DialBegin { .. }))
        .await;
    h.press("1001", LineAction::Hangup).await;
    h.skip_all().await;
    // without voicemail: congestion, cause 20
    h.act(services(&h, 2, |s| s.voicemail_enabled = false));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    h.hangup(&a, 20).await;
    // an unregistered phone cannot dial
    let err = h
        .sim
        .line_action("1002", LineAction::Dial { to: "1001".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind, SimErrorKind::Conflict);
    // registering again
    h.press("1002", LineAction::Register).await;
    h.expect("LineRegistration", |e| {
        *e == PbxEvent::LineRegistration {
            line: LineId(2),
            registered: true,
        }
    })
    .await;
    h.press("1002", LineAction::Register).await;
    h.expect_none("a second LineRegistration", |e| {
        matches!(e, PbxEvent::LineRegistration { .. })
    })
    .await;
}

#[tokio::test]
async fn disabled_line_takes_and_places_no_call() {
    let mut ds = Dataset::demo().into_tables();
    ds.lines[1].enabled = false;
    ds.users[1].services.voicemail_enabled = false;
    let mut h = Harness::with(Dataset::from_tables(ds).unwrap(), config());
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    h.hangup(&a, 20).await;
    let err = h
        .sim
        .line_action("1002", LineAction::Dial { to: "1001".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind, SimErrorKind::Conflict);
}

#[tokio::test]
async fn unknown_number_gets_congestion() {
    let mut h = Harness::new();
    h.dial("1001", "1999").await;
    let a = h.created_on(1).await;
    h.hangup(&a, 1).await;
    // an outside caller too
    let call = h.outside("0612345678", "77").await;
    h.hangup(&call, 1).await;
}

#[tokio::test]
async fn external_calls_answer_after_a_delay_or_fail() {
    let cfg = SimConfig {
        busy_numbers: vec!["0600000001".into()],
        unreachable_numbers: vec!["06 00 00 00 02".into()],
        no_answer_numbers: vec!["0600000003".into()],
        ..config()
    };
    let mut h = Harness::with(Dataset::demo(), cfg);
    // busy
    h.dial("1001", "0600000001").await;
    let a = h.created_on(1).await;
    let t = h.created_trunk().await;
    h.expect("DialEnd BUSY", |e| {
        *e == PbxEvent::DialEnd {
            caller: Some(a.clone()),
            callee: t.clone(),
            status: DialStatus::Busy,
        }
    })
    .await;
    h.hangup(&t, 17).await;
    h.hangup(&a, 17).await;
    // unreachable
    h.dial("1001", "0600000002").await;
    let a = h.created_on(1).await;
    let t = h.created_trunk().await;
    h.expect("DialEnd CONGESTION", |e| {
        matches!(e, PbxEvent::DialEnd { callee, status: DialStatus::Congestion, .. } if *callee == t)
    })
    .await;
    h.hangup(&t, 34).await;
    h.hangup(&a, 34).await;
    // never answers
    h.dial("1001", "0600000003").await;
    let a = h.created_on(1).await;
    let t = h.created_trunk().await;
    h.state(&t, ChannelState::Ringing).await;
    h.advance(600.0);
    h.expect_none("an answer", |e| matches!(e, PbxEvent::DialEnd { .. }))
        .await;
    h.press("1001", LineAction::Hangup).await;
    h.expect("DialEnd CANCEL", |e| {
        matches!(e, PbxEvent::DialEnd { callee, status: DialStatus::Cancel, .. } if *callee == t)
    })
    .await;
    h.hangup(&a, 16).await;
    // an ordinary number answers after far_end_answer_delay
    h.dial("1001", "+33 6 12 34 56 78").await;
    let a = h.created_on(1).await;
    let t = h.created_trunk().await;
    h.expect("DialBegin", |e| {
        matches!(e, PbxEvent::DialBegin { callee, destination, .. } if *callee == t && destination == "+33612345678")
    })
    .await;
    h.advance(1.9);
    h.expect_none("an answer", |e| matches!(e, PbxEvent::DialEnd { .. }))
        .await;
    h.advance(0.1);
    h.state(&t, ChannelState::Up).await;
    h.expect("DialEnd ANSWER", |e| {
        matches!(e, PbxEvent::DialEnd { callee, status: DialStatus::Answer, .. } if *callee == t)
    })
    .await;
    h.state(&a, ChannelState::Up).await;
    // the far end hangs up
    h.sim.hangup_call(t.as_str()).await.unwrap();
    h.hangup(&t, 16).await;
    h.hangup(&a, 16).await;
}

#[tokio::test]
async fn outside_call_to_a_line_and_call_filtering() {
    let mut h = Harness::new();
    let call = h.outside("0612345678", "1002").await;
    let first = h
        .expect("ChannelCreated", |e| {
            matches!(e, PbxEvent::ChannelCreated { .. })
        })
        .await;
    assert_eq!(
        first,
        PbxEvent::ChannelCreated {
            uniqueid: call.clone(),
            linkedid: call.clone(),
            name: "SIP/trunk-00000000".into(),
            endpoint: Endpoint::Trunk,
            caller: Party::new("0612345678", "Outside Caller"),
            exten: "1002".into(),
            state: ChannelState::Ring,
        }
    );
    h.expect("XIVO_CONTEXT", |e| {
        matches!(e, PbxEvent::VarSet { uniqueid, name, value } if *uniqueid == call && name == "XIVO_CONTEXT" && value == "from-extern")
    })
    .await;
    h.expect("XIVO_USERID of the called user", |e| {
        matches!(e, PbxEvent::VarSet { name, value, .. } if name == "XIVO_USERID" && value == "2")
    })
    .await;
    let b = h.created_on(2).await;
    h.expect("connected line of the callee", |e| {
        *e == PbxEvent::ConnectedLineChanged {
            uniqueid: b.clone(),
            connected: Party::new("0612345678", "Outside Caller"),
        }
    })
    .await;
    h.press("1002", LineAction::Answer).await;
    h.state(&call, ChannelState::Up).await;
    h.sim.hangup_call(call.as_str()).await.unwrap();
    h.hangup(&call, 16).await;
    h.hangup(&b, 16).await;

    // call filtering: outside callers are refused as busy, colleagues still ring
    h.act(services(&h, 2, |s| {
        s.incallfilter = true;
        s.voicemail_enabled = false;
    }));
    let call = h.outside("0612345678", "1002").await;
    h.hangup(&call, 17).await;
    h.dial("1001", "1002").await;
    h.created_on(2).await;
}

#[tokio::test]
async fn a_phone_refusing_a_call_is_busy() {
    let mut h = Harness::new();
    h.act(services(&h, 2, |s| s.voicemail_enabled = false));
    h.dial("1001", "1002").await;
    let a = h.created_on(1).await;
    let b = h.created_on(2).await;
    h.press("1002", LineAction::Hangup).await;
    h.expect("DialEnd BUSY", |e| {
        *e == PbxEvent::DialEnd {
            caller: Some(a.clone()),
            callee: b.clone(),
            status: DialStatus::Busy,
        }
    })
    .await;
    h.hangup(&b, 21).await;
    h.hangup(&a, 17).await;
}

#[tokio::test]
async fn phone_buttons_report_errors() {
    let h = Harness::new();
    let buttons = [
        ("1001", LineAction::Answer, SimErrorKind::Conflict),
        ("1001", LineAction::Hold, SimErrorKind::Conflict),
        ("1001", LineAction::Resume, SimErrorKind::Conflict),
        ("1001", LineAction::Hangup, SimErrorKind::Conflict),
        ("9999", LineAction::Answer, SimErrorKind::NotFound),
        (
            "1001",
            LineAction::Dial { to: "1".repeat(65) },
            SimErrorKind::BadRequest,
        ),
    ];
    for (line, action, kind) in buttons {
        let what = format!("{line} {action:?}");
        let e = h.sim.line_action(line, action).await.unwrap_err();
        assert_eq!(e.kind, kind, "{what}");
    }
    let e = h.sim.hangup_call("1.999").await.unwrap_err();
    assert_eq!(e.kind, SimErrorKind::NotFound);
    let e = h
        .sim
        .outside_call("0612345678".into(), "0698765432".into(), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, SimErrorKind::BadRequest);
    let e = h
        .sim
        .outside_call("0612345678".into(), "1001".into(), Some("x".repeat(129)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, SimErrorKind::BadRequest);
}

#[tokio::test]
async fn channel_bound_refuses_new_calls() {
    let cfg = SimConfig {
        max_channels: 3,
        ..config()
    };
    let mut h = Harness::with(Dataset::demo(), cfg);
    h.outside("0612345678", "1002").await;
    h.created_on(2).await;
    let e = h
        .sim
        .outside_call("0612345679".into(), "1003".into(), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, SimErrorKind::Unavailable);
}
