//! What each of the core's actions becomes on the wire (the shapes of the captures' actions).

use ctid_core::ids::{ActionId, UniqueId};
use ctid_core::pbx::PbxAction;

use super::*;

fn demo() -> Dataset {
    Dataset::demo()
}

fn one(plan: Plan) -> Step {
    match plan {
        Plan::Send(mut steps) if steps.len() == 1 => steps.remove(0),
        other => panic!("expected one step, got {other:?}"),
    }
}

#[test]
fn originate_from_a_line_is_async_with_variables() {
    let d = demo();
    let line = &d.lines()[0];
    let step = one(plan(
        &PbxAction::Originate {
            from: OriginateFrom::Line(line.id),
            destination: "5001".into(),
            caller: Party::new("9000", "CTI Originate"),
            variables: vec![("USR_X".into(), "1".into()), ("USR_Y".into(), "2".into())],
            auto_answer: false,
        },
        &d,
        &Channels::default(),
        &AmiConfig::default(),
    ));
    let m = &step.message;
    assert_eq!(m.kind(), crate::message::Kind::Action("Originate"));
    assert_eq!(m.get("Channel"), Some(line.interface().as_str()));
    assert_eq!(m.get("Exten"), Some("5001"));
    assert_eq!(m.get("Context"), Some(line.context.as_str()));
    assert_eq!(m.get("CallerID"), Some("\"CTI Originate\" <9000>"));
    assert_eq!(m.get("Async"), Some("true"));
    assert_eq!(
        m.get_all("Variable").collect::<Vec<_>>(),
        ["USR_X=1", "USR_Y=2"]
    );
    assert_eq!(step.expect, Expect::Originate { report: true });
    let _ = ActionId(1);
}

#[test]
fn queue_actions_name_the_agent_member_interface() {
    let d = demo();
    let queue = &d.queues()[0];
    let agent = &d.agents()[0];
    let step = one(plan(
        &PbxAction::QueueAdd {
            queue: queue.id,
            agent: agent.id,
            penalty: 2,
        },
        &d,
        &Channels::default(),
        &AmiConfig::default(),
    ));
    let interface = format!("Local/{}@agents/n", agent.number);
    assert_eq!(step.message.get("Interface"), Some(interface.as_str()));
    assert_eq!(step.message.get("Queue"), Some(queue.name.as_str()));
    assert_eq!(step.message.get("Penalty"), Some("2"));
    let Expect::AddOrPenalty(penalty) = step.expect else {
        panic!("QueueAdd falls back to QueuePenalty");
    };
    assert_eq!(penalty.get("Penalty"), Some("2"));
    let pause = one(plan(
        &PbxAction::QueuePause {
            queue: None,
            agent: agent.id,
            paused: true,
            reason: Some("lunch".into()),
        },
        &d,
        &Channels::default(),
        &AmiConfig::default(),
    ));
    assert_eq!(pause.message.get("Paused"), Some("true"));
    assert_eq!(pause.message.get("Reason"), Some("lunch"));
    assert_eq!(pause.message.get("Queue"), None);
}

#[test]
fn services_are_written_to_astdb() {
    let d = demo();
    let user = d.users().iter().find(|u| u.line.is_some()).unwrap();
    let mut services = user.services.clone();
    services.dnd = true;
    services.fwd_busy.enabled = true;
    services.fwd_busy.destination = "1003".into();
    let Plan::Send(steps) = plan(
        &PbxAction::SetServices {
            user: user.id,
            services,
        },
        &d,
        &Channels::default(),
        &AmiConfig::default(),
    ) else {
        panic!("DBPut expected");
    };
    let line = d.line_of_user(user.id).unwrap();
    let family = format!("ctid/{}", line.number);
    let put: Vec<(&str, &str)> = steps
        .iter()
        .map(|s| {
            assert_eq!(s.message.get("Family"), Some(family.as_str()));
            (s.message.get("Key").unwrap(), s.message.get("Val").unwrap())
        })
        .collect();
    assert!(put.contains(&("dnd", "1")));
    assert!(put.contains(&("fwd_busy", "1003")));
    assert!(put.contains(&("fwd_unc", "")));
}

#[test]
fn channel_actions_use_the_unique_id_and_the_lines_context() {
    let d = demo();
    let line = &d.lines()[0];
    let mut channels = Channels::default();
    channels.absorb(
        &AmiMessage::new()
            .with("Event", "Newchannel")
            .with("Channel", &format!("{}-00000003", line.interface()))
            .with("Context", "elsewhere")
            .with("Uniqueid", "1795372480.3"),
    );
    let uid = UniqueId::new("1795372480.3");
    let step = one(plan(
        &PbxAction::BlindTransfer {
            uniqueid: uid.clone(),
            destination: "1002".into(),
        },
        &d,
        &channels,
        &AmiConfig::default(),
    ));
    assert_eq!(step.message.get("Channel"), Some("1795372480.3"));
    assert_eq!(step.message.get("Context"), Some(line.context.as_str()));
    let hold = one(plan(
        &PbxAction::Hold {
            uniqueid: uid.clone(),
        },
        &d,
        &channels,
        &AmiConfig::default(),
    ));
    assert_eq!(hold.message.get("Variable"), Some("Event=hold"));
    assert!(matches!(
        plan(
            &PbxAction::Hold {
                uniqueid: UniqueId::new("nope")
            },
            &d,
            &channels,
            &AmiConfig::default()
        ),
        Plan::Refuse(_)
    ));
}

#[test]
fn dtmf_is_one_play_dtmf_per_digit_received_on_the_channel_and_kick_names_the_room() {
    let d = demo();
    let Plan::Send(steps) = plan(
        &PbxAction::SendDtmf {
            uniqueid: UniqueId::new("1795371269.7"),
            digits: "12#".into(),
        },
        &d,
        &Channels::default(),
        &AmiConfig::default(),
    ) else {
        panic!("PlayDTMF expected");
    };
    let digits: Vec<&str> = steps
        .iter()
        .map(|s| {
            assert_eq!(s.message.kind(), crate::message::Kind::Action("PlayDTMF"));
            assert_eq!(s.message.get("Channel"), Some("1795371269.7"));
            assert_eq!(s.message.get("Receive"), Some("true"));
            s.message.get("Digit").unwrap()
        })
        .collect();
    assert_eq!(digits, ["1", "2", "#"]);
    let room = &d.rooms()[0];
    let kick = one(plan(
        &PbxAction::ConferenceKick {
            room: room.id,
            uniqueid: UniqueId::new("1795371269.7"),
        },
        &d,
        &Channels::default(),
        &AmiConfig::default(),
    ));
    assert_eq!(
        kick.message.kind(),
        crate::message::Kind::Action("ConfbridgeKick")
    );
    assert_eq!(kick.message.get("Conference"), Some(room.number.as_str()));
    assert_eq!(kick.message.get("Channel"), Some("1795371269.7"));
    assert!(matches!(
        plan(
            &PbxAction::ConferenceKick {
                room: ctid_core::ids::RoomId(99),
                uniqueid: UniqueId::new("1.1"),
            },
            &d,
            &Channels::default(),
            &AmiConfig::default(),
        ),
        Plan::Refuse(_)
    ));
}
