//! Command checks and permissions: call control, transfers, agents, listen, conference, fax,
//! chat. alice is a supervisor; bob a plain user; carol, dave, eve and frank agents.

use super::script::*;
use crate::command::{Command, CommandError, Outcome};
use crate::dataset::Dataset;
use crate::event::Event;
use crate::ids::{ActionId, AgentId, LineId, QueueId, RoomId};
use crate::live::Party;
use crate::pbx::{AttendedTransferState, OriginateFrom, PbxAction, PbxEvent};

fn dial(user_id: u32, destination: &str, from_mobile: bool) -> Command {
    Command::Dial {
        user: user(user_id),
        destination: destination.to_owned(),
        variables: vec![("ticket".into(), "42".into()), ("USR_x".into(), "y".into())],
        from_mobile,
    }
}

fn not_found(r: &Result<Outcome, CommandError>) -> bool {
    matches!(r, Err(CommandError::NotFound { .. }))
}

fn forbidden(r: &Result<Outcome, CommandError>) -> bool {
    matches!(r, Err(CommandError::Forbidden(_)))
}

#[test]
fn dial_from_the_line() {
    let mut w = World::demo();
    let ran = w.run(dial(2, "1003", false));
    let Ok(Outcome::Dialing {
        destination,
        action,
    }) = ran.result
    else {
        panic!("{:?}", ran.result);
    };
    assert_eq!(destination, "1003");
    assert_eq!(
        ran.actions,
        vec![PbxAction::Originate {
            from: OriginateFrom::Line(LineId(2)),
            destination: "1003".into(),
            caller: Party::new("1002", "Bob Bernard"),
            variables: vec![
                ("USR_ticket".into(), "42".into()),
                ("USR_x".into(), "y".into())
            ],
            auto_answer: true,
        }]
    );
    // Fresh ids.
    let ran = w.run(dial(2, "06 12 34 56 78", false));
    match ran.result {
        Ok(Outcome::Dialing {
            destination,
            action: second,
        }) => {
            assert_eq!(destination, "0612345678");
            assert_ne!(second, action);
        }
        other => panic!("{other:?}"),
    }
    assert!(w.run(dial(2, "*98", false)).result.is_ok(), "own voicemail");
}

#[test]
fn dial_from_mobile_and_refusals() {
    let mut w = World::demo();
    let ran = w.run(dial(2, "1003", true));
    assert!(ran.result.is_ok());
    assert!(matches!(
        ran.actions.as_slice(),
        [PbxAction::Originate { from: OriginateFrom::Number(n), auto_answer: false, .. }] if n == "0611000002"
    ));
    let ran = w.run(dial(2, "1999", false));
    assert_eq!(
        ran.result,
        Err(CommandError::UnreachableExtension("1999".into()))
    );
    assert!(ran.actions.is_empty());
    assert!(not_found(&w.run(dial(99, "1003", false)).result));

    let toml = format!(
        "{}\n[[users]]\nid = 7\nlogin = \"gina\"\nfirstname = \"Gina\"\nprofile = 3\n",
        Dataset::demo_toml()
    );
    let mut w = World::with(Dataset::from_toml_str(&toml).expect("valid dataset"));
    assert_eq!(
        w.run(dial(7, "1003", false)).result,
        Err(CommandError::NoLine)
    );
    assert!(matches!(
        w.run(dial(7, "1003", true)).result,
        Err(CommandError::InvalidArgument { .. })
    ));
}

#[test]
fn hangup_picks_the_current_call() {
    let mut w = World::demo();
    let hangup_cmd = |u: Option<&str>| Command::Hangup {
        user: user(2),
        uniqueid: u.map(uid),
    };
    assert_eq!(w.run(hangup_cmd(None)).result, Err(CommandError::NoCall));
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    let ran = w.run(hangup_cmd(None));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Hangup {
            uniqueid: leg.b.clone()
        }]
    );
    assert!(
        forbidden(&w.run(hangup_cmd(Some("c1.1"))).result),
        "alice's channel"
    );
    assert_eq!(
        w.run(hangup_cmd(Some("nope"))).result,
        Err(CommandError::NoCall)
    );
    let ran = w.run(hangup_cmd(Some("c1.2")));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Hangup {
            uniqueid: leg.b.clone()
        }]
    );
    // A call on hold is not the default one.
    w.feed(answer(&leg));
    w.one(PbxEvent::Hold {
        uniqueid: leg.b.clone(),
    });
    assert_eq!(w.run(hangup_cmd(None)).result, Err(CommandError::NoCall));
}

#[test]
fn answer_ringing_or_take_a_waiting_call() {
    let mut w = World::demo();
    let answer_cmd = |u: Option<&str>| Command::Answer {
        user: user(1),
        uniqueid: u.map(uid),
    };
    assert_eq!(w.run(answer_cmd(None)).result, Err(CommandError::NoCall));
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 2, 1));
    let ran = w.run(answer_cmd(None));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Answer {
            uniqueid: leg.b.clone()
        }]
    );
    // A queued caller is taken onto alice's line.
    let caller = uid("q.1");
    w.feed(queue_join(&caller, "0612345678", 1, 1));
    let ran = w.run(answer_cmd(Some("q.1")));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Pickup {
            waiting: caller.clone(),
            line: LineId(1)
        }]
    );
    // A call ringing another phone can be taken too.
    let other = Leg::new("c2");
    w.feed(internal_dial(&other, 3, 4));
    let ran = w.run(answer_cmd(Some("c2.2")));
    assert!(matches!(ran.actions.as_slice(), [PbxAction::Pickup { .. }]));
    // An answered, not held call elsewhere is not waiting.
    w.feed(answer(&other));
    assert_eq!(
        w.run(answer_cmd(Some("c2.2"))).result,
        Err(CommandError::NoCall)
    );
    // The caller of a held call is waiting.
    w.one(PbxEvent::Hold {
        uniqueid: other.b.clone(),
    });
    let ran = w.run(answer_cmd(Some("c2.1")));
    assert!(matches!(ran.actions.as_slice(), [PbxAction::Pickup { .. }]));
    // Answering an own call that is not ringing.
    w.feed(answer(&leg));
    assert!(matches!(
        w.run(answer_cmd(Some("c1.2"))).result,
        Err(CommandError::InvalidState(_))
    ));
    assert_eq!(
        w.run(Command::Answer {
            user: user(99),
            uniqueid: None
        })
        .result,
        Err(CommandError::NotFound {
            kind: "user".into(),
            id: "99".into()
        })
    );
}

#[test]
fn hold_toggles_and_checks() {
    let mut w = World::demo();
    let hold_cmd = |hold: Option<bool>| Command::Hold {
        user: user(2),
        uniqueid: None,
        hold,
    };
    assert_eq!(w.run(hold_cmd(None)).result, Err(CommandError::NoCall));
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    assert!(
        matches!(
            w.run(Command::Hold {
                user: user(2),
                uniqueid: Some(leg.b.clone()),
                hold: Some(true)
            })
            .result,
            Err(CommandError::InvalidState(_))
        ),
        "a ringing call cannot be held"
    );
    w.feed(answer(&leg));
    let ran = w.run(hold_cmd(None));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Hold {
            uniqueid: leg.b.clone()
        }]
    );
    w.one(PbxEvent::Hold {
        uniqueid: leg.b.clone(),
    });
    let ran = w.run(hold_cmd(None));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Unhold {
            uniqueid: leg.b.clone()
        }]
    );
    assert!(matches!(
        w.run(Command::Hold {
            user: user(2),
            uniqueid: Some(leg.b.clone()),
            hold: Some(true)
        })
        .result,
        Err(CommandError::InvalidState(_))
    ));
    let ran = w.run(hold_cmd(Some(false)));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Unhold {
            uniqueid: leg.b.clone()
        }]
    );
}

#[test]
fn transfers() {
    let mut w = World::demo();
    let blind = |dest: &str| Command::BlindTransfer {
        user: user(2),
        destination: dest.into(),
    };
    assert_eq!(w.run(blind("1003")).result, Err(CommandError::NoCall));
    let leg = Leg::new("c1");
    w.feed(incoming_dial(&leg, "0612345678", 2));
    assert_eq!(
        w.run(blind("1003")).result,
        Err(CommandError::NoCall),
        "not answered yet"
    );
    w.feed(answer(&leg));
    assert_eq!(
        w.run(blind("1999")).result,
        Err(CommandError::UnreachableExtension("1999".into()))
    );
    let ran = w.run(blind("1003"));
    assert_eq!(
        ran.actions,
        vec![PbxAction::BlindTransfer {
            uniqueid: leg.b.clone(),
            destination: "1003".into()
        }]
    );

    // Attended: start, the PBX reports it, then complete / cancel / conference find it.
    assert_eq!(
        w.run(Command::CompleteTransfer { user: user(2) }).result,
        Err(CommandError::InvalidState("no transfer in progress".into()))
    );
    let ran = w.run(Command::AttendedTransfer {
        user: user(2),
        destination: "1003".into(),
    });
    assert_eq!(
        ran.actions,
        vec![PbxAction::AttendedTransfer {
            uniqueid: leg.b.clone(),
            destination: "1003".into()
        }]
    );
    let consult = uid("t.2");
    let events = w.one(PbxEvent::AttendedTransfer {
        transferer: leg.b.clone(),
        target: Some(consult.clone()),
        state: AttendedTransferState::Started,
    });
    assert_eq!(
        events,
        vec![Event::AttendedTransfer {
            user: user(2),
            line: LineId(2),
            state: AttendedTransferState::Started
        }]
    );
    assert_eq!(
        w.state.transfer_in_progress(user(2)),
        Some((&leg.b, Some(&consult)))
    );
    assert!(matches!(
        w.run(Command::AttendedTransfer {
            user: user(2),
            destination: "1004".into()
        })
        .result,
        Err(CommandError::InvalidState(_))
    ));
    for (cmd, expected) in [
        (
            Command::CompleteTransfer { user: user(2) },
            PbxAction::CompleteTransfer {
                uniqueid: leg.b.clone(),
            },
        ),
        (
            Command::CancelTransfer { user: user(2) },
            PbxAction::CancelTransfer {
                uniqueid: leg.b.clone(),
            },
        ),
        (
            Command::Conference { user: user(2) },
            PbxAction::MergeConference {
                uniqueid: leg.b.clone(),
            },
        ),
    ] {
        assert_eq!(w.run(cmd).actions, vec![expected]);
    }
    let events = w.one(PbxEvent::AttendedTransfer {
        transferer: leg.b.clone(),
        target: Some(consult),
        state: AttendedTransferState::Cancelled,
    });
    assert_eq!(events.len(), 1);
    assert!(w.state.transfer_in_progress(user(2)).is_none());
    assert_eq!(
        w.run(Command::CancelTransfer { user: user(2) }).result,
        Err(CommandError::InvalidState("no transfer in progress".into()))
    );
}

#[test]
fn transfer_to_voicemail() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(incoming_dial(&leg, "0612345678", 2));
    w.feed(answer(&leg));
    assert!(not_found(
        &w.run(Command::TransferToVoicemail {
            user: user(2),
            mailbox: "9999".into(),
            attended: false
        })
        .result
    ));
    let ran = w.run(Command::TransferToVoicemail {
        user: user(2),
        mailbox: "1003".into(),
        attended: false,
    });
    assert_eq!(
        ran.actions,
        vec![PbxAction::BlindTransfer {
            uniqueid: leg.b.clone(),
            destination: "*971003".into()
        }]
    );
    let ran = w.run(Command::TransferToVoicemail {
        user: user(2),
        mailbox: "1003".into(),
        attended: true,
    });
    assert!(
        matches!(ran.actions.as_slice(), [PbxAction::AttendedTransfer { destination, .. }] if destination == "*971003")
    );
}

#[test]
fn set_call_data_on_the_line_calls_and_their_other_party() {
    let mut w = World::demo();
    let cmd = || Command::SetCallData {
        user: user(2),
        variables: vec![("ticket".into(), "7".into())],
    };
    assert_eq!(w.run(cmd()).result, Err(CommandError::NoCall));
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    // The other party's channel gets the data too: it is the one a transfer keeps.
    let set = |uniqueid: &crate::ids::UniqueId| PbxAction::SetVariable {
        uniqueid: uniqueid.clone(),
        name: "USR_ticket".into(),
        value: "7".into(),
    };
    assert_eq!(w.run(cmd()).actions, vec![set(&leg.b), set(&leg.a)]);
    // Once the other party is gone, only the line's channel is left.
    w.one(PbxEvent::Hangup {
        uniqueid: leg.a.clone(),
        cause: 16,
    });
    assert_eq!(w.run(cmd()).actions, vec![set(&leg.b)]);
}

fn agent_login(requester: u32, agent: Option<u32>, number: Option<&str>) -> Command {
    Command::AgentLogin {
        requester: user(requester),
        agent: agent.map(AgentId),
        number: number.map(str::to_owned),
    }
}

#[test]
fn agent_login_checks() {
    let mut w = World::demo();
    let ran = w.run(agent_login(3, None, None));
    assert_eq!(
        ran.actions,
        vec![PbxAction::AgentLogin {
            agent: AgentId(1),
            line: LineId(3)
        }]
    );
    assert!(ran.events.is_empty(), "nothing is pre-applied");
    assert_eq!(
        w.run(agent_login(3, None, Some("1999"))).result,
        Err(CommandError::AgentInvalidExten)
    );
    assert_eq!(
        w.run(agent_login(3, None, Some("3001"))).result,
        Err(CommandError::AgentInvalidExten),
        "a queue is not a line"
    );
    assert_eq!(
        w.run(agent_login(2, None, None)).result,
        Err(CommandError::NoAgent)
    );
    assert!(forbidden(
        &w.run(agent_login(3, Some(2), Some("1004"))).result
    ));
    assert!(not_found(
        &w.run(agent_login(1, Some(9), Some("1004"))).result
    ));

    w.login(1, 3);
    let ran = w.run(agent_login(3, None, None));
    assert_eq!(ran.result, Ok(Outcome::Done));
    assert!(ran.actions.is_empty(), "already logged on that line");
    // (A supervisor may log agents in on any line: these are checked after the rights.)
    assert_eq!(
        w.run(agent_login(1, Some(1), Some("1002"))).result,
        Err(CommandError::AgentAlreadyLogged("1003".into()))
    );
    assert_eq!(
        w.run(agent_login(1, Some(2), Some("1003"))).result,
        Err(CommandError::AgentExtenInUse)
    );
    // A supervisor logs another agent in.
    let ran = w.run(agent_login(1, Some(2), Some("1004")));
    assert_eq!(
        ran.actions,
        vec![PbxAction::AgentLogin {
            agent: AgentId(2),
            line: LineId(4)
        }]
    );
}

#[test]
fn agent_logout_and_pause_checks() {
    let mut w = World::demo();
    let logout = |r: u32, a: Option<u32>| Command::AgentLogout {
        requester: user(r),
        agent: a.map(AgentId),
    };
    let pause = |r: u32, a: Option<u32>, q: Option<u32>| Command::QueuePause {
        requester: user(r),
        agent: a.map(AgentId),
        queue: q.map(QueueId),
        paused: true,
        reason: Some("break".into()),
    };
    assert!(matches!(
        w.run(logout(3, None)).result,
        Err(CommandError::InvalidState(_))
    ));
    assert!(matches!(
        w.run(pause(3, None, None)).result,
        Err(CommandError::InvalidState(_))
    ));
    w.login(1, 3);
    assert_eq!(
        w.run(logout(3, None)).actions,
        vec![PbxAction::AgentLogoff { agent: AgentId(1) }]
    );
    assert!(forbidden(&w.run(logout(4, Some(1))).result));
    assert_eq!(
        w.run(logout(1, Some(1))).actions,
        vec![PbxAction::AgentLogoff { agent: AgentId(1) }],
        "supervisor"
    );
    assert_eq!(
        w.run(pause(3, None, None)).actions,
        vec![PbxAction::QueuePause {
            queue: None,
            agent: AgentId(1),
            paused: true,
            reason: Some("break".into())
        }]
    );
    assert!(w.run(pause(3, None, Some(1))).result.is_ok());
    assert!(
        not_found(&w.run(pause(3, None, Some(2))).result),
        "carol is not in support"
    );
    assert!(not_found(&w.run(pause(3, None, Some(9))).result));
    assert!(forbidden(&w.run(pause(4, Some(1), None)).result));
    assert!(w.run(pause(1, Some(1), Some(1))).result.is_ok());
}

#[test]
fn queue_add_and_remove_checks() {
    let mut w = World::demo();
    let add = |r: u32, a: u32, q: u32| Command::QueueAdd {
        requester: user(r),
        agent: AgentId(a),
        queue: QueueId(q),
        penalty: 1,
    };
    let remove = |r: u32, a: u32, q: u32| Command::QueueRemove {
        requester: user(r),
        agent: AgentId(a),
        queue: QueueId(q),
    };
    assert_eq!(
        w.run(add(3, 1, 2)).actions,
        vec![PbxAction::QueueAdd {
            queue: QueueId(2),
            agent: AgentId(1),
            penalty: 1
        }]
    );
    assert!(not_found(&w.run(add(3, 1, 9)).result));
    assert!(not_found(&w.run(add(1, 9, 1)).result));
    assert!(forbidden(&w.run(add(3, 2, 2)).result));
    assert!(w.run(add(1, 2, 2)).result.is_ok());
    assert!(not_found(&w.run(remove(3, 1, 2)).result), "not a member");
    assert_eq!(
        w.run(remove(3, 1, 1)).actions,
        vec![PbxAction::QueueRemove {
            queue: QueueId(1),
            agent: AgentId(1)
        }]
    );
    assert!(forbidden(&w.run(remove(2, 1, 1)).result));
}

#[test]
fn listen_is_for_supervisors() {
    let mut w = World::demo();
    let listen = |r: u32, a: u32| Command::Listen {
        requester: user(r),
        agent: AgentId(a),
    };
    assert!(forbidden(&w.run(listen(2, 1)).result));
    assert!(forbidden(&w.run(listen(3, 1)).result));
    assert!(matches!(
        w.run(listen(1, 1)).result,
        Err(CommandError::InvalidState(_))
    ));
    assert!(not_found(&w.run(listen(1, 9)).result));
    w.login(1, 3);
    assert_eq!(
        w.run(listen(1, 1)).actions,
        vec![PbxAction::Listen {
            listener: LineId(1),
            target: LineId(3)
        }]
    );
}

#[test]
fn conference_mute_checks() {
    let mut w = World::demo();
    let mute = |r: u32, room: u32, member: u32| Command::ConferenceMute {
        requester: user(r),
        room: RoomId(room),
        member,
        muted: true,
    };
    assert!(not_found(&w.run(mute(2, 9, 1)).result));
    assert!(not_found(&w.run(mute(2, 1, 1)).result), "empty room");
    let outside = Leg::new("f1");
    w.feed(incoming_dial(&outside, "0612345678", 2));
    w.one(PbxEvent::ConferenceJoin {
        room: RoomId(1),
        uniqueid: outside.a.clone(),
        muted: false,
    });
    assert!(
        forbidden(&w.run(mute(2, 1, 1)).result),
        "bob is not in the room"
    );
    assert_eq!(
        w.run(mute(1, 1, 1)).actions,
        vec![PbxAction::ConferenceMute {
            room: RoomId(1),
            uniqueid: outside.a.clone(),
            muted: true
        }],
        "alice is a supervisor"
    );
    // Bob joins from his phone: now he may mute.
    w.one(PbxEvent::ConferenceJoin {
        room: RoomId(1),
        uniqueid: outside.b.clone(),
        muted: false,
    });
    assert!(w.run(mute(2, 1, 1)).result.is_ok());
    assert!(not_found(&w.run(mute(2, 1, 5)).result));
}

#[test]
fn fax_chat_and_call_forms() {
    let mut w = World::demo();
    let ran = w.run(Command::SendFax {
        user: user(2),
        destination: "0612345678".into(),
        size: 1000,
    });
    let Ok(Outcome::FaxQueued { action }) = ran.result else {
        panic!("{:?}", ran.result)
    };
    assert_eq!(
        ran.actions,
        vec![PbxAction::SendFax {
            user: user(2),
            destination: "0612345678".into(),
            size: 1000
        }]
    );
    assert_eq!(
        w.run(Command::SendFax {
            user: user(2),
            destination: "12".into(),
            size: 1
        })
        .result,
        Err(CommandError::UnreachableExtension("12".into()))
    );
    let progress = w.one(PbxEvent::FaxProgress {
        user: user(2),
        action,
        status: crate::pbx::FaxStatus::Success,
        pages: Some(2),
    });
    assert_eq!(
        progress,
        vec![Event::FaxProgress {
            user: user(2),
            action,
            status: crate::pbx::FaxStatus::Success,
            pages: Some(2)
        }]
    );
    assert_ne!(action, ActionId(0));

    let xivo = w.state.dataset().xivo_uuid().to_owned();
    let carol_uuid = w.state.dataset().user(user(3)).expect("carol").uuid.clone();
    let chat = |xivo: &str, to: &str| Command::Chat {
        from: user(2),
        to_xivo_uuid: xivo.into(),
        to_user_uuid: to.into(),
        text: "hello".into(),
    };
    let ran = w.run(chat(&xivo, &carol_uuid));
    assert_eq!(
        ran.events,
        vec![Event::Chat {
            from: user(2),
            to: user(3),
            alias: "Bob Bernard".into(),
            text: "hello".into()
        }]
    );
    assert!(not_found(&w.run(chat("other-xivo", &carol_uuid)).result));
    assert!(not_found(&w.run(chat(&xivo, "nobody")).result));

    let ran = w.run(Command::CallFormResult {
        user: user(2),
        variables: vec![("name".into(), "x".into())],
    });
    assert_eq!(
        ran.events,
        vec![Event::CallFormResult {
            user: user(2),
            variables: vec![("name".into(), "x".into())]
        }]
    );
}

#[test]
fn dtmf_on_the_answered_call_only_with_dtmf_keys() {
    let mut w = World::demo();
    let dtmf = |digits: &str| Command::SendDtmf {
        user: user(2),
        digits: digits.into(),
    };
    assert!(matches!(w.run(dtmf("1")).result, Err(CommandError::NoCall)));
    let call = Leg::new("d1");
    w.feed(incoming_dial(&call, "0612345678", 2));
    assert!(
        matches!(w.run(dtmf("1")).result, Err(CommandError::NoCall)),
        "ringing, not answered"
    );
    w.feed(answer(&call));
    assert_eq!(
        w.run(dtmf("0123456789*#ABCD")).actions,
        vec![PbxAction::SendDtmf {
            uniqueid: call.b.clone(),
            digits: "0123456789*#ABCD".into()
        }]
    );
    for bad in ["", "12x", "é", &"1".repeat(33)] {
        let ran = w.run(dtmf(bad));
        assert!(
            matches!(ran.result, Err(CommandError::InvalidArgument { .. })),
            "{bad:?}: {:?}",
            ran.result
        );
        assert!(ran.actions.is_empty());
    }
}

#[test]
fn conference_kick_of_oneself_or_by_a_supervisor() {
    let mut w = World::demo();
    let kick = |r: u32, room: u32, member: u32| Command::ConferenceKick {
        requester: user(r),
        room: RoomId(room),
        member,
    };
    assert!(not_found(&w.run(kick(2, 9, 1)).result));
    assert!(not_found(&w.run(kick(2, 1, 1)).result), "empty room");
    let outside = Leg::new("k1");
    w.feed(incoming_dial(&outside, "0612345678", 2));
    w.one(PbxEvent::ConferenceJoin {
        room: RoomId(1),
        uniqueid: outside.a.clone(),
        muted: false,
    });
    w.one(PbxEvent::ConferenceJoin {
        room: RoomId(1),
        uniqueid: outside.b.clone(),
        muted: false,
    });
    assert!(
        forbidden(&w.run(kick(2, 1, 1)).result),
        "bob, in the room, may not kick the other member"
    );
    assert_eq!(
        w.run(kick(2, 1, 2)).actions,
        vec![PbxAction::ConferenceKick {
            room: RoomId(1),
            uniqueid: outside.b.clone(),
        }],
        "bob may leave"
    );
    assert_eq!(
        w.run(kick(1, 1, 1)).actions,
        vec![PbxAction::ConferenceKick {
            room: RoomId(1),
            uniqueid: outside.a.clone(),
        }],
        "alice is a supervisor"
    );
    assert!(not_found(&w.run(kick(1, 1, 7)).result));
}
