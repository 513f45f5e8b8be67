//! Originate (click-to-dial, dial from mobile), conference rooms, fax, supervisor listen,
//! pickup, and robustness against actions that make no sense.

mod support;

use ctid_core::dataset::Dataset;
use ctid_core::ids::{ActionId, AgentId, LineId, QueueId, RoomId, UniqueId, UserId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint, Party};
use ctid_core::pbx::{FaxStatus, OriginateFrom, PbxAction, PbxEvent, PbxRequest};
use ctid_pbx_sim::{LineAction, SimConfig};
use support::{Harness, config, kinds, originate};

#[tokio::test]
async fn originate_with_auto_answer_then_dials_the_destination() {
    let mut h = Harness::new();
    h.act(originate(7, 1, "1002", true));
    let events = h.rest().await;
    let PbxEvent::ChannelCreated {
        uniqueid: o,
        linkedid,
        endpoint,
        state,
        ..
    } = events[0].clone()
    else {
        panic!("{:?}", events[0]);
    };
    assert_eq!(
        (linkedid, endpoint, state),
        (o.clone(), Endpoint::Line(LineId(1)), ChannelState::Down)
    );
    let first_leg: Vec<PbxEvent> = events
        .iter()
        .take_while(|e| !matches!(e, PbxEvent::OriginateResult { .. }))
        .cloned()
        .collect();
    assert_eq!(
        kinds(&first_leg),
        vec![
            "ChannelCreated",
            "ConnectedLineChanged",
            "DialBegin",
            "ChannelStateChanged",
            "ChannelStateChanged",
            "DialEnd"
        ]
    );
    assert!(first_leg.contains(&PbxEvent::VarSet {
        uniqueid: o.clone(),
        name: "USR_ORIGIN".into(),
        value: "crm".into()
    }));
    assert!(first_leg.contains(&PbxEvent::DialBegin {
        caller: None,
        callee: o.clone(),
        destination: "1001".into()
    }));
    assert!(first_leg.contains(&PbxEvent::ConnectedLineChanged {
        uniqueid: o.clone(),
        connected: Party::new("1002", "Bob Bernard")
    }));
    assert!(events.contains(&PbxEvent::OriginateResult {
        action: ActionId(7),
        uniqueid: Some(o.clone()),
        success: true,
        reason: String::new()
    }));
    let b = events
        .iter()
        .find_map(|e| match e {
            PbxEvent::ChannelCreated {
                uniqueid,
                endpoint: Endpoint::Line(LineId(2)),
                linkedid,
                ..
            } => {
                assert_eq!(*linkedid, o);
                Some(uniqueid.clone())
            }
            _ => None,
        })
        .expect("bob rings");
    assert!(events.contains(&PbxEvent::VarSet {
        uniqueid: b.clone(),
        name: "USR_ORIGIN".into(),
        value: "crm".into()
    }));
    assert!(events.contains(&PbxEvent::DialBegin {
        caller: Some(o.clone()),
        callee: b.clone(),
        destination: "1002".into()
    }));
    h.press("1002", LineAction::Answer).await;
    h.expect(
        "bridged",
        |e| matches!(e, PbxEvent::BridgeEnter { uniqueid, .. } if *uniqueid == o),
    )
    .await;
}

#[tokio::test]
async fn originate_rings_the_phone_until_answered_or_timeout() {
    let mut h = Harness::new();
    h.act(PbxRequest {
        id: ActionId(1),
        action: PbxAction::Originate {
            from: OriginateFrom::Line(LineId(1)),
            destination: "0612345678".into(),
            caller: Party::new("1001", "Alice Arnaud"),
            variables: vec![],
            auto_answer: false,
        },
    });
    let o = h.created_on(1).await;
    h.state(&o, ChannelState::Ringing).await;
    h.expect_none("OriginateResult", |e| {
        matches!(e, PbxEvent::OriginateResult { .. })
    })
    .await;
    h.press("1001", LineAction::Answer).await;
    h.expect("OriginateResult", |e| {
        matches!(
            e,
            PbxEvent::OriginateResult {
                action: ActionId(1),
                success: true,
                ..
            }
        )
    })
    .await;
    let t = h.created_trunk().await;
    h.expect("DialBegin to the number", |e| {
        *e == PbxEvent::DialBegin {
            caller: Some(o.clone()),
            callee: t.clone(),
            destination: "0612345678".into(),
        }
    })
    .await;
    h.press("1001", LineAction::Hangup).await;
    h.hangup(&o, 16).await;

    // not answered within the ring time
    h.act(originate(2, 1, "1002", false));
    let o = h.created_on(1).await;
    h.advance(20.0);
    h.expect("DialEnd NOANSWER", |e| {
        *e == PbxEvent::DialEnd {
            caller: None,
            callee: o.clone(),
            status: DialStatus::NoAnswer,
        }
    })
    .await;
    h.hangup(&o, 19).await;
    h.expect("OriginateResult failure", |e| {
        matches!(
            e,
            PbxEvent::OriginateResult {
                action: ActionId(2),
                success: false,
                ..
            }
        )
    })
    .await;
}

#[tokio::test]
async fn originate_failures() {
    let cfg = SimConfig {
        unreachable_numbers: vec!["0799999999".into()],
        ..config()
    };
    let mut h = Harness::with(Dataset::demo(), cfg);
    // unregistered line
    h.press("1003", LineAction::Unregister).await;
    h.act(originate(1, 3, "1002", true));
    h.expect("failure", |e| {
        matches!(e, PbxEvent::OriginateResult { action: ActionId(1), success: false, uniqueid: None, reason } if reason.contains("unregistered"))
    })
    .await;
    // unknown destination
    h.act(originate(2, 1, "1999", true));
    h.expect("failure", |e| {
        matches!(
            e,
            PbxEvent::OriginateResult {
                action: ActionId(2),
                success: false,
                ..
            }
        )
    })
    .await;
    // busy line (no call waiting)
    h.dial("1002", "1004").await;
    h.act(originate(3, 2, "1001", true));
    h.expect("failure", |e| {
        matches!(e, PbxEvent::OriginateResult { action: ActionId(3), success: false, reason, .. } if reason.contains("busy"))
    })
    .await;
    // a configured unreachable number: the phone does not even ring
    h.act(PbxRequest {
        id: ActionId(5),
        action: PbxAction::Originate {
            from: OriginateFrom::Line(LineId(6)),
            destination: "0799999999".into(),
            caller: Party::default(),
            variables: vec![],
            auto_answer: true,
        },
    });
    h.expect("failure", |e| {
        matches!(
            e,
            PbxEvent::OriginateResult {
                action: ActionId(5),
                success: false,
                ..
            }
        )
    })
    .await;
    // refused on the phone
    h.act(originate(4, 5, "1001", false));
    let o = h.created_on(5).await;
    h.press("1005", LineAction::Hangup).await;
    h.hangup(&o, 21).await;
    h.expect("failure", |e| {
        matches!(
            e,
            PbxEvent::OriginateResult {
                action: ActionId(4),
                success: false,
                ..
            }
        )
    })
    .await;
    h.expect_none("a channel for failed originates", |e| {
        matches!(
            e,
            PbxEvent::ChannelCreated {
                endpoint: Endpoint::Line(LineId(3) | LineId(6)),
                ..
            }
        )
    })
    .await;
}

#[tokio::test]
async fn dial_from_mobile_calls_the_mobile_first() {
    let cfg = SimConfig {
        busy_numbers: vec!["0611000009".into()],
        ..config()
    };
    let mut h = Harness::with(Dataset::demo(), cfg);
    h.act(PbxRequest {
        id: ActionId(9),
        action: PbxAction::Originate {
            from: OriginateFrom::Number("0611000001".into()),
            destination: "1002".into(),
            caller: Party::new("1001", "Alice Arnaud"),
            variables: vec![("USR_SRC".into(), "mobile".into())],
            auto_answer: false,
        },
    });
    let m = h.created_trunk().await;
    h.expect("caller-id", |e| {
        *e == PbxEvent::CallerIdChanged {
            uniqueid: m.clone(),
            caller: Party::new("1001", "Alice Arnaud"),
        }
    })
    .await;
    h.expect("DialBegin", |e| {
        *e == PbxEvent::DialBegin {
            caller: None,
            callee: m.clone(),
            destination: "0611000001".into(),
        }
    })
    .await;
    h.state(&m, ChannelState::Ringing).await;
    h.advance(2.0);
    h.state(&m, ChannelState::Up).await;
    h.expect("OriginateResult", |e| {
        matches!(e, PbxEvent::OriginateResult { action: ActionId(9), success: true, uniqueid: Some(u), .. } if *u == m)
    })
    .await;
    let b = h.created_on(2).await;
    h.expect("USR_ var on bob's channel", |e| {
        matches!(e, PbxEvent::VarSet { uniqueid, name, .. } if *uniqueid == b && name == "USR_SRC")
    })
    .await;
    h.expect("bob sees alice", |e| {
        *e == PbxEvent::ConnectedLineChanged {
            uniqueid: b.clone(),
            connected: Party::new("1001", "Alice Arnaud"),
        }
    })
    .await;
    // a busy mobile fails the originate
    h.act(PbxRequest {
        id: ActionId(10),
        action: PbxAction::Originate {
            from: OriginateFrom::Number("0611000009".into()),
            destination: "1002".into(),
            caller: Party::default(),
            variables: vec![],
            auto_answer: false,
        },
    });
    h.expect("failure", |e| {
        matches!(
            e,
            PbxEvent::OriginateResult {
                action: ActionId(10),
                success: false,
                ..
            }
        )
    })
    .await;
}

#[tokio::test]
async fn conference_join_mute_and_leave() {
    let mut h = Harness::new();
    let x = h.outside("0611111111", "4000").await;
    h.state(&x, ChannelState::Up).await;
    let bridge = match h
        .expect(
            "BridgeEnter",
            |e| matches!(e, PbxEvent::BridgeEnter { uniqueid, .. } if *uniqueid == x),
        )
        .await
    {
        PbxEvent::BridgeEnter { bridge, .. } => bridge,
        _ => unreachable!(),
    };
    h.expect("ConferenceJoin", |e| {
        *e == PbxEvent::ConferenceJoin {
            room: RoomId(1),
            uniqueid: x.clone(),
            muted: false,
        }
    })
    .await;
    h.dial("1001", "4000").await;
    let a = h.created_on(1).await;
    h.expect("same bridge", |e| {
        *e == PbxEvent::BridgeEnter {
            bridge: bridge.clone(),
            uniqueid: a.clone(),
        }
    })
    .await;
    h.expect(
        "ConferenceJoin",
        |e| matches!(e, PbxEvent::ConferenceJoin { uniqueid, .. } if *uniqueid == a),
    )
    .await;
    h.act(PbxAction::ConferenceMute {
        room: RoomId(1),
        uniqueid: a.clone(),
        muted: true,
    });
    h.expect("ConferenceMute", |e| {
        *e == PbxEvent::ConferenceMute {
            room: RoomId(1),
            uniqueid: a.clone(),
            muted: true,
        }
    })
    .await;
    let chans = h.channels_on("1001").await;
    assert!(chans[0].muted);
    assert_eq!(chans[0].room.as_deref(), Some("4000"));
    // holding in a conference is refused
    assert!(h.sim.line_action("1001", LineAction::Hold).await.is_err());
    // leaving: the other member stays
    h.sim.hangup_call(x.as_str()).await.unwrap();
    let leave = h.rest().await;
    assert_eq!(
        leave,
        vec![
            PbxEvent::BridgeLeave {
                bridge: bridge.clone(),
                uniqueid: x.clone()
            },
            PbxEvent::ConferenceLeave {
                room: RoomId(1),
                uniqueid: x.clone()
            },
            PbxEvent::Hangup {
                uniqueid: x,
                cause: 16
            },
        ]
    );
    h.press("1001", LineAction::Hangup).await;
    h.expect(
        "ConferenceLeave",
        |e| matches!(e, PbxEvent::ConferenceLeave { uniqueid, .. } if *uniqueid == a),
    )
    .await;
    assert!(h.calls().await.is_empty());
}

#[tokio::test]
async fn fax_succeeds_after_the_delay_or_fails() {
    let cfg = SimConfig {
        busy_numbers: vec!["0500000001".into()],
        ..config()
    };
    let mut h = Harness::with(Dataset::demo(), cfg);
    h.act(PbxRequest {
        id: ActionId(3),
        action: PbxAction::SendFax {
            user: UserId(1),
            destination: "0512345678".into(),
            size: 120_000,
        },
    });
    h.expect("PreSend", |e| {
        *e == PbxEvent::FaxProgress {
            user: UserId(1),
            action: ActionId(3),
            status: FaxStatus::PreSend,
            pages: None,
        }
    })
    .await;
    h.advance(4.9);
    h.expect_none("Success", |e| {
        matches!(
            e,
            PbxEvent::FaxProgress {
                status: FaxStatus::Success,
                ..
            }
        )
    })
    .await;
    h.advance(0.1);
    h.expect("Success", |e| {
        *e == PbxEvent::FaxProgress {
            user: UserId(1),
            action: ActionId(3),
            status: FaxStatus::Success,
            pages: Some(3),
        }
    })
    .await;
    for (id, dest) in [(4, "0500000001"), (5, "12")] {
        h.act(PbxRequest {
            id: ActionId(id),
            action: PbxAction::SendFax {
                user: UserId(1),
                destination: dest.into(),
                size: 10,
            },
        });
        h.expect("Failed", |e| {
            *e == PbxEvent::FaxProgress {
                user: UserId(1),
                action: ActionId(id),
                status: FaxStatus::Failed,
                pages: None,
            }
        })
        .await;
    }
}

#[tokio::test]
async fn supervisor_listens_to_a_line_until_the_call_ends() {
    let mut h = Harness::new();
    let t = h.outside("0612345678", "1003").await;
    let c = h.created_on(3).await;
    h.press("1003", LineAction::Answer).await;
    h.skip_all().await;
    h.act(PbxAction::Listen {
        listener: LineId(1),
        target: LineId(3),
    });
    let l = h.created_on(1).await;
    h.expect(
        "DialBegin",
        |e| matches!(e, PbxEvent::DialBegin { caller: None, callee, .. } if *callee == l),
    )
    .await;
    h.state(&l, ChannelState::Up).await;
    h.expect("SpyStart", |e| {
        *e == PbxEvent::SpyStart {
            spier: l.clone(),
            spyee: c.clone(),
        }
    })
    .await;
    assert_eq!(h.channels_on("1001").await[0].activity, "listening");
    h.sim.hangup_call(t.as_str()).await.unwrap();
    h.hangup(&c, 16).await;
    h.expect("SpyStop", |e| *e == PbxEvent::SpyStop { spier: l.clone() })
        .await;
    h.hangup(&l, 16).await;
    // nothing to listen to: the supervisor's phone hangs up
    h.act(PbxAction::Listen {
        listener: LineId(1),
        target: LineId(3),
    });
    let l = h.created_on(1).await;
    h.hangup(&l, 16).await;
    h.expect_none("SpyStart", |e| matches!(e, PbxEvent::SpyStart { .. }))
        .await;
}

#[tokio::test]
async fn supervisor_hanging_up_stops_listening() {
    let mut h = Harness::new();
    h.outside("0612345678", "1003").await;
    h.press("1003", LineAction::Answer).await;
    h.act(PbxAction::Listen {
        listener: LineId(1),
        target: LineId(3),
    });
    h.expect("SpyStart", |e| matches!(e, PbxEvent::SpyStart { .. }))
        .await;
    h.press("1001", LineAction::Hangup).await;
    let rest = h.rest().await;
    assert_eq!(kinds(&rest), vec!["SpyStop", "Hangup"]);
    assert_eq!(h.calls().await[0].channels.len(), 2);
}

#[tokio::test]
async fn pickup_takes_a_call_ringing_elsewhere() {
    let mut h = Harness::new();
    let t = h.outside("0612345678", "1002").await;
    let b = h.created_on(2).await;
    h.skip_all().await;
    h.act(PbxAction::Pickup {
        waiting: t.clone(),
        line: LineId(1),
    });
    h.expect_next("DialEnd CANCEL", |e| {
        *e == PbxEvent::DialEnd {
            caller: Some(t.clone()),
            callee: b.clone(),
            status: DialStatus::Cancel,
        }
    })
    .await;
    h.expect_next("Hangup 26", |e| {
        *e == PbxEvent::Hangup {
            uniqueid: b.clone(),
            cause: 26,
        }
    })
    .await;
    let a = h.created_on(1).await;
    h.state(&a, ChannelState::Up).await;
    h.state(&t, ChannelState::Up).await;
    h.expect(
        "bridged",
        |e| matches!(e, PbxEvent::BridgeEnter { uniqueid, .. } if *uniqueid == t),
    )
    .await;
}

#[tokio::test]
async fn pickup_takes_a_queued_caller_and_a_held_one() {
    let mut h = Harness::new();
    let t = h.outside("0612345678", "3001").await;
    h.expect("QueueCallerJoin", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { .. })
    })
    .await;
    h.act(PbxAction::Pickup {
        waiting: t.clone(),
        line: LineId(1),
    });
    h.expect("QueueCallerLeave", |e| {
        *e == PbxEvent::QueueCallerLeave {
            queue: QueueId(1),
            uniqueid: t.clone(),
            count: 0,
        }
    })
    .await;
    let a = h.created_on(1).await;
    h.state(&a, ChannelState::Up).await;
    // alice holds it; bob retrieves it
    h.press("1001", LineAction::Hold).await;
    h.skip_all().await;
    h.act(PbxAction::Pickup {
        waiting: t.clone(),
        line: LineId(2),
    });
    h.hangup(&a, 16).await;
    let b = h.created_on(2).await;
    h.expect(
        "bridged with bob",
        |e| matches!(e, PbxEvent::BridgeEnter { uniqueid, .. } if *uniqueid == b),
    )
    .await;
    let _ = AgentId(0);
}

#[tokio::test]
async fn nonsense_actions_change_nothing_and_are_answered_action_failed() {
    let mut h = Harness::new();
    let ghost = UniqueId::from("123.456");
    for action in [
        PbxAction::Hangup {
            uniqueid: ghost.clone(),
        },
        PbxAction::Answer {
            uniqueid: ghost.clone(),
        },
        PbxAction::Pickup {
            waiting: ghost.clone(),
            line: LineId(1),
        },
        PbxAction::Pickup {
            waiting: ghost.clone(),
            line: LineId(99),
        },
        PbxAction::Unhold {
            uniqueid: ghost.clone(),
        },
        PbxAction::SetVariable {
            uniqueid: ghost.clone(),
            name: "USR_X".into(),
            value: "1".into(),
        },
        PbxAction::Listen {
            listener: LineId(99),
            target: LineId(1),
        },
        PbxAction::ConferenceMute {
            room: RoomId(1),
            uniqueid: ghost.clone(),
            muted: true,
        },
        PbxAction::SetServices {
            user: UserId(99),
            services: Default::default(),
        },
        PbxAction::AgentLogoff { agent: AgentId(1) },
        PbxAction::QueueRemove {
            queue: QueueId(1),
            agent: AgentId(4),
        },
    ] {
        h.act(action);
        let id = h.last_id();
        h.sync().await;
        let rest = h.rest().await;
        assert!(
            matches!(rest.as_slice(), [PbxEvent::ActionFailed { action, reason }] if *action == id && !reason.is_empty()),
            "{id:?}: {rest:?}"
        );
    }
    // An originate that cannot start answers as an originate does.
    h.act(PbxRequest {
        id: ActionId(1),
        action: PbxAction::Originate {
            from: OriginateFrom::Line(LineId(99)),
            destination: "1001".into(),
            caller: Party::default(),
            variables: vec![],
            auto_answer: true,
        },
    });
    let rest = h.rest().await;
    assert_eq!(kinds(&rest), vec!["OriginateResult"]);
    // the PBX still works
    h.dial("1001", "1002").await;
    h.created_on(2).await;
}
