//! Hold and resume, blind and attended transfers (complete, cancel, merge into a three-party
//! call), and `USR_*` variables following the call.

mod support;

use ctid_core::ids::{BridgeId, LineId, UniqueId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint, Party};
use ctid_core::pbx::{AttendedTransferState, PbxAction, PbxEvent};
use ctid_pbx_sim::{LineAction, SimErrorKind};
use support::Harness;

/// An outside caller talking to alice (1001); returns (outside channel, alice's channel,
/// bridge).
async fn outside_talks_to_alice(h: &mut Harness) -> (UniqueId, UniqueId, BridgeId) {
    let t = h.outside("0612345678", "1001").await;
    let a = h.created_on(1).await;
    h.press("1001", LineAction::Answer).await;
    let bridge = match h
        .expect("BridgeEnter", |e| matches!(e, PbxEvent::BridgeEnter { .. }))
        .await
    {
        PbxEvent::BridgeEnter { bridge, .. } => bridge,
        _ => unreachable!(),
    };
    h.skip_all().await;
    (t, a, bridge)
}

fn set_usr(uniqueid: &UniqueId) -> PbxAction {
    PbxAction::SetVariable {
        uniqueid: uniqueid.clone(),
        name: "USR_TICKET".into(),
        value: "T-42".into(),
    }
}

fn usr_on(id: &UniqueId) -> impl Fn(&PbxEvent) -> bool + '_ {
    move |e| {
        matches!(e, PbxEvent::VarSet { uniqueid, name, value }
            if uniqueid == id && name == "USR_TICKET" && value == "T-42")
    }
}

#[tokio::test]
async fn hold_and_resume_keep_the_held_party_in_the_bridge() {
    let mut h = Harness::new();
    let (t, a, bridge) = outside_talks_to_alice(&mut h).await;
    h.press("1001", LineAction::Hold).await;
    assert_eq!(
        h.rest().await,
        vec![PbxEvent::Hold {
            uniqueid: a.clone()
        }]
    );
    let calls = h.calls().await;
    let chans = &calls[0].channels;
    assert!(chans.iter().all(|c| c.bridge.as_ref() == Some(&bridge)));
    assert!(chans.iter().find(|c| c.uniqueid == a).unwrap().held);
    assert!(!chans.iter().find(|c| c.uniqueid == t).unwrap().held);
    // holding twice is a conflict (no talking call left)
    let e = h
        .sim
        .line_action("1001", LineAction::Hold)
        .await
        .unwrap_err();
    assert_eq!(e.kind, SimErrorKind::Conflict);
    h.press("1001", LineAction::Resume).await;
    assert_eq!(
        h.rest().await,
        vec![PbxEvent::Unhold {
            uniqueid: a.clone()
        }]
    );
    // through the core's actions
    h.act(PbxAction::Hold {
        uniqueid: a.clone(),
    });
    h.expect("Hold", |e| {
        *e == PbxEvent::Hold {
            uniqueid: a.clone(),
        }
    })
    .await;
    h.act(PbxAction::Unhold {
        uniqueid: a.clone(),
    });
    h.expect("Unhold", |e| {
        *e == PbxEvent::Unhold {
            uniqueid: a.clone(),
        }
    })
    .await;
    // an unknown channel: refused, nothing else happens
    h.act(PbxAction::Hold {
        uniqueid: "nope".into(),
    });
    let id = h.last_id();
    assert!(
        matches!(h.rest().await.as_slice(), [PbxEvent::ActionFailed { action, .. }] if *action == id)
    );
}

#[tokio::test]
async fn blind_transfer_dials_the_transferee_to_the_destination() {
    let mut h = Harness::new();
    let (t, a, bridge) = outside_talks_to_alice(&mut h).await;
    h.act(set_usr(&t));
    h.expect("VarSet", usr_on(&t)).await;
    h.act(PbxAction::BlindTransfer {
        uniqueid: a.clone(),
        destination: "1002".into(),
    });
    h.expect_next("BlindTransfer", |e| {
        *e == PbxEvent::BlindTransfer {
            transferer: a.clone(),
            transferee: Some(t.clone()),
            destination: "1002".into(),
        }
    })
    .await;
    h.expect_next("BridgeLeave transferee", |e| {
        *e == PbxEvent::BridgeLeave {
            bridge: bridge.clone(),
            uniqueid: t.clone(),
        }
    })
    .await;
    h.expect_next("BridgeLeave transferer", |e| {
        *e == PbxEvent::BridgeLeave {
            bridge: bridge.clone(),
            uniqueid: a.clone(),
        }
    })
    .await;
    h.expect_next("Hangup transferer", |e| {
        *e == PbxEvent::Hangup {
            uniqueid: a.clone(),
            cause: 16,
        }
    })
    .await;
    let b = match h
        .expect("ChannelCreated on bob's line", |e| {
            matches!(
                e,
                PbxEvent::ChannelCreated {
                    endpoint: Endpoint::Line(LineId(2)),
                    ..
                }
            )
        })
        .await
    {
        PbxEvent::ChannelCreated {
            uniqueid, linkedid, ..
        } => {
            assert_eq!(linkedid, t, "the new leg belongs to the same call");
            uniqueid
        }
        _ => unreachable!(),
    };
    h.expect("USR_ variable on the new channel", usr_on(&b))
        .await;
    h.expect("DialBegin from the transferee", |e| {
        *e == PbxEvent::DialBegin {
            caller: Some(t.clone()),
            callee: b.clone(),
            destination: "1002".into(),
        }
    })
    .await;
    h.state(&b, ChannelState::Ringing).await;
    h.press("1002", LineAction::Answer).await;
    h.expect("DialEnd ANSWER", |e| {
        *e == PbxEvent::DialEnd {
            caller: Some(t.clone()),
            callee: b.clone(),
            status: DialStatus::Answer,
        }
    })
    .await;
    h.expect(
        "BridgeEnter",
        |e| matches!(e, PbxEvent::BridgeEnter { uniqueid, .. } if *uniqueid == t),
    )
    .await;
    let calls = h.calls().await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].call_id, t);
    assert_eq!(calls[0].channels.len(), 2);
}

/// Starts an attended transfer from alice to bob; returns (outside, alice, bridge, consult).
async fn start_attended(h: &mut Harness) -> (UniqueId, UniqueId, BridgeId, UniqueId, UniqueId) {
    let (t, a, bridge) = outside_talks_to_alice(h).await;
    h.act(set_usr(&t));
    h.act(PbxAction::AttendedTransfer {
        uniqueid: a.clone(),
        destination: "1002".into(),
    });
    h.expect("Hold", |e| {
        *e == PbxEvent::Hold {
            uniqueid: a.clone(),
        }
    })
    .await;
    let a2 = h.created_on(1).await;
    h.expect("AttendedTransfer Started", |e| {
        *e == PbxEvent::AttendedTransfer {
            transferer: a.clone(),
            target: None,
            state: AttendedTransferState::Started,
        }
    })
    .await;
    let b = h.created_on(2).await;
    h.expect("DialBegin from the consultation channel", |e| {
        matches!(e, PbxEvent::DialBegin { caller: Some(c), callee, .. } if *c == a2 && *callee == b)
    })
    .await;
    h.state(&b, ChannelState::Ringing).await;
    let calls = h.calls().await;
    let alice: Vec<_> = calls
        .iter()
        .flat_map(|c| &c.channels)
        .filter(|c| c.line.as_deref() == Some("1001"))
        .collect();
    assert_eq!(alice.len(), 2);
    assert!(alice[0].held);
    assert_eq!(
        alice[1].linkedid, t,
        "consultation legs share the call's linked id"
    );
    (t, a, bridge, a2, b)
}

#[tokio::test]
async fn attended_transfer_completed() {
    let mut h = Harness::new();
    let (t, a, bridge, a2, b) = start_attended(&mut h).await;
    h.press("1002", LineAction::Answer).await;
    h.expect("AttendedTransfer Answered", |e| {
        *e == PbxEvent::AttendedTransfer {
            transferer: a.clone(),
            target: Some(b.clone()),
            state: AttendedTransferState::Answered,
        }
    })
    .await;
    h.skip_all().await;
    h.act(PbxAction::CompleteTransfer {
        uniqueid: a.clone(),
    });
    h.expect(
        "BridgeEnter of the target in the first call's bridge",
        |e| {
            *e == PbxEvent::BridgeEnter {
                bridge: bridge.clone(),
                uniqueid: b.clone(),
            }
        },
    )
    .await;
    h.expect("USR_ variable followed the transferee", usr_on(&b))
        .await;
    h.expect("connected line of the transferee", |e| {
        *e == PbxEvent::ConnectedLineChanged {
            uniqueid: t.clone(),
            connected: Party::new("1002", "Bob Bernard"),
        }
    })
    .await;
    h.expect("AttendedTransfer Completed", |e| {
        *e == PbxEvent::AttendedTransfer {
            transferer: a.clone(),
            target: Some(b.clone()),
            state: AttendedTransferState::Completed,
        }
    })
    .await;
    h.hangup(&a, 16).await;
    h.hangup(&a2, 16).await;
    let calls = h.calls().await;
    assert_eq!(calls.len(), 1);
    let chans = &calls[0].channels;
    assert_eq!(chans.len(), 2);
    assert!(chans.iter().all(|c| c.bridge.as_ref() == Some(&bridge)));
    assert!(chans.iter().any(|c| c.uniqueid == t));
    assert!(
        chans.iter().any(|c| c.uniqueid == b
            && c.variables.get("USR_TICKET").map(String::as_str) == Some("T-42"))
    );
    // the transferee hangs up: the target follows
    h.sim.hangup_call(t.as_str()).await.unwrap();
    h.hangup(&t, 16).await;
    h.hangup(&b, 16).await;
}

#[tokio::test]
async fn attended_transfer_cancelled() {
    let mut h = Harness::new();
    let (t, a, bridge, a2, b) = start_attended(&mut h).await;
    h.act(PbxAction::CancelTransfer {
        uniqueid: a.clone(),
    });
    h.expect("DialEnd CANCEL", |e| {
        *e == PbxEvent::DialEnd {
            caller: Some(a2.clone()),
            callee: b.clone(),
            status: DialStatus::Cancel,
        }
    })
    .await;
    h.hangup(&b, 16).await;
    h.hangup(&a2, 16).await;
    h.expect("Unhold", |e| {
        *e == PbxEvent::Unhold {
            uniqueid: a.clone(),
        }
    })
    .await;
    h.expect("AttendedTransfer Cancelled", |e| {
        *e == PbxEvent::AttendedTransfer {
            transferer: a.clone(),
            target: None,
            state: AttendedTransferState::Cancelled,
        }
    })
    .await;
    let calls = h.calls().await;
    assert_eq!(calls.len(), 1);
    let chans = &calls[0].channels;
    assert_eq!(chans.len(), 2);
    assert!(
        chans
            .iter()
            .all(|c| c.bridge.as_ref() == Some(&bridge) && !c.held)
    );
    let _ = t;
}

#[tokio::test]
async fn attended_transfer_cancelled_after_the_target_answered() {
    let mut h = Harness::new();
    let (_t, a, _bridge, a2, b) = start_attended(&mut h).await;
    h.press("1002", LineAction::Answer).await;
    h.skip_all().await;
    // the transferer hangs up the consultation from its phone
    h.press("1001", LineAction::Hangup).await;
    h.hangup(&a2, 16).await;
    h.expect("Unhold", |e| {
        *e == PbxEvent::Unhold {
            uniqueid: a.clone(),
        }
    })
    .await;
    h.expect("AttendedTransfer Cancelled", |e| {
        *e == PbxEvent::AttendedTransfer {
            transferer: a.clone(),
            target: Some(b.clone()),
            state: AttendedTransferState::Cancelled,
        }
    })
    .await;
    h.hangup(&b, 16).await;
    assert!(!h.channels_on("1001").await[0].held);
}

#[tokio::test]
async fn attended_transfer_completed_while_the_target_rings() {
    let mut h = Harness::new();
    let (t, a, _bridge, a2, b) = start_attended(&mut h).await;
    h.act(PbxAction::CompleteTransfer {
        uniqueid: a.clone(),
    });
    h.expect("AttendedTransfer Completed", |e| {
        matches!(
            e,
            PbxEvent::AttendedTransfer {
                state: AttendedTransferState::Completed,
                ..
            }
        )
    })
    .await;
    h.hangup(&a, 16).await;
    h.hangup(&a2, 16).await;
    h.press("1002", LineAction::Answer).await;
    h.expect("DialEnd ANSWER from the transferee", |e| {
        *e == PbxEvent::DialEnd {
            caller: Some(t.clone()),
            callee: b.clone(),
            status: DialStatus::Answer,
        }
    })
    .await;
    h.expect(
        "BridgeEnter",
        |e| matches!(e, PbxEvent::BridgeEnter { uniqueid, .. } if *uniqueid == t),
    )
    .await;
}

#[tokio::test]
async fn merge_makes_a_three_party_call() {
    let mut h = Harness::new();
    let (t, a, bridge, a2, b) = start_attended(&mut h).await;
    h.press("1002", LineAction::Answer).await;
    h.skip_all().await;
    h.act(PbxAction::MergeConference {
        uniqueid: a.clone(),
    });
    h.expect("Unhold", |e| {
        *e == PbxEvent::Unhold {
            uniqueid: a.clone(),
        }
    })
    .await;
    h.expect("BridgeEnter", |e| {
        *e == PbxEvent::BridgeEnter {
            bridge: bridge.clone(),
            uniqueid: b.clone(),
        }
    })
    .await;
    h.hangup(&a2, 16).await;
    let in_bridge: Vec<UniqueId> = h
        .calls()
        .await
        .into_iter()
        .flat_map(|c| c.channels)
        .filter(|c| c.bridge.as_ref() == Some(&bridge))
        .map(|c| c.uniqueid)
        .collect();
    assert_eq!(in_bridge.len(), 3);
    assert!(in_bridge.contains(&t) && in_bridge.contains(&a) && in_bridge.contains(&b));
    // one leaves, the two others go on talking, each told who the other is now
    h.sim.hangup_call(t.as_str()).await.unwrap();
    h.expect("BridgeLeave of the outside party", |e| {
        *e == PbxEvent::BridgeLeave {
            bridge: bridge.clone(),
            uniqueid: t.clone(),
        }
    })
    .await;
    let rest = h.rest().await;
    let connected: Vec<(UniqueId, Party)> = rest
        .iter()
        .filter_map(|e| match e {
            PbxEvent::ConnectedLineChanged {
                uniqueid,
                connected,
            } => Some((uniqueid.clone(), connected.clone())),
            _ => None,
        })
        .collect();
    // Alice's channel talked to the outside caller; bob's already showed alice.
    assert_eq!(
        connected,
        vec![(a.clone(), Party::new("1002", "Bob Bernard"))]
    );
    let now: Vec<(UniqueId, Party)> = h
        .calls()
        .await
        .into_iter()
        .flat_map(|c| c.channels)
        .map(|c| (c.uniqueid, c.connected))
        .collect();
    assert_eq!(
        now,
        vec![
            (a.clone(), Party::new("1002", "Bob Bernard")),
            (b.clone(), Party::new("1001", "Alice Arnaud")),
        ]
    );
    assert!(rest.contains(&PbxEvent::Hangup {
        uniqueid: t.clone(),
        cause: 16
    }));
    h.expect_none("another hangup", |e| matches!(e, PbxEvent::Hangup { .. }))
        .await;
    // then the last two: when one hangs up, the other follows
    h.press("1002", LineAction::Hangup).await;
    h.hangup(&b, 16).await;
    h.hangup(&a, 16).await;
    assert!(h.calls().await.is_empty());
}

#[tokio::test]
async fn hanging_up_the_transferer_completes_the_transfer() {
    let mut h = Harness::new();
    let (_t, a, bridge, _a2, b) = start_attended(&mut h).await;
    h.press("1002", LineAction::Answer).await;
    h.skip_all().await;
    h.act(PbxAction::Hangup {
        uniqueid: a.clone(),
    });
    h.expect("BridgeEnter", |e| {
        *e == PbxEvent::BridgeEnter {
            bridge: bridge.clone(),
            uniqueid: b.clone(),
        }
    })
    .await;
    h.expect("AttendedTransfer Completed", |e| {
        matches!(
            e,
            PbxEvent::AttendedTransfer {
                state: AttendedTransferState::Completed,
                ..
            }
        )
    })
    .await;
}

#[tokio::test]
async fn transfer_actions_on_unknown_channels_are_refused() {
    let mut h = Harness::new();
    for action in [
        PbxAction::BlindTransfer {
            uniqueid: "x".into(),
            destination: "1002".into(),
        },
        PbxAction::AttendedTransfer {
            uniqueid: "x".into(),
            destination: "1002".into(),
        },
        PbxAction::CompleteTransfer {
            uniqueid: "x".into(),
        },
        PbxAction::CancelTransfer {
            uniqueid: "x".into(),
        },
        PbxAction::MergeConference {
            uniqueid: "x".into(),
        },
    ] {
        h.act(action);
        let id = h.last_id();
        assert!(
            matches!(h.rest().await.as_slice(), [PbxEvent::ActionFailed { action, .. }] if *action == id)
        );
    }
}
