//! The live state through the core task: PBX events in through the port, domain events out
//! through the hub, commands answered and their actions handed to the PBX adapter.

use std::sync::Arc;

use ctid_core::ids::{AgentId, LineId, UniqueId, UserId};
use ctid_core::live::{Availability, ChannelState, Endpoint, HintStatus, Party};
use ctid_core::pbx::OriginateFrom;
use ctid_core::{Command, Outcome};
use ctid_core::{
    CoreConfig, Dataset, Event, ManualClock, PbxAction, PbxEvent, PbxRequest, pbx_link, spawn,
};

#[tokio::test]
async fn events_commands_and_actions_flow_through_the_core() {
    let clock = ManualClock::at_default_start();
    let (port, mut adapter) = pbx_link(64);
    let core = spawn(
        Arc::new(Dataset::demo()),
        clock.shared(),
        port,
        CoreConfig::default(),
    );
    let mut events = core
        .subscribe(64, ctid_core::BufferPolicy::Block)
        .await
        .expect("core running");

    // A click-to-dial becomes an originate for the adapter.
    let outcome = core
        .execute(Command::Dial {
            user: UserId(2),
            destination: "1001".into(),
            variables: vec![],
            from_mobile: false,
        })
        .await
        .expect("dial accepted");
    assert!(matches!(outcome, Outcome::Dialing { ref destination, .. } if destination == "1001"));
    match adapter.actions.recv().await {
        Some(PbxRequest {
            action: PbxAction::Originate { from, .. },
            ..
        }) => assert_eq!(from, OriginateFrom::Line(LineId(2))),
        other => panic!("unexpected {other:?}"),
    }

    // The PBX logs carol's agent in and rings her phone.
    let ch = UniqueId::new("1.1");
    adapter
        .events
        .send(vec![
            PbxEvent::LineRegistration {
                line: LineId(3),
                registered: true,
            },
            PbxEvent::AgentLogin {
                agent: AgentId(1),
                line: LineId(3),
            },
            PbxEvent::ChannelCreated {
                uniqueid: ch.clone(),
                linkedid: ch.clone(),
                name: "PJSIP/1003-00000001".into(),
                endpoint: Endpoint::Line(LineId(3)),
                caller: Party::new("1003", "Carol"),
                exten: "s".into(),
                state: ChannelState::Down,
            },
            PbxEvent::ChannelStateChanged {
                uniqueid: ch.clone(),
                state: ChannelState::Ringing,
            },
        ])
        .await
        .expect("core running");
    let batch = events.recv().await.expect("a batch");
    assert!(
        batch.iter().any(
            |e| matches!(e, Event::AgentLogin { agent, line: Some(_) } if *agent == AgentId(1))
        )
    );
    assert!(batch.iter().any(|e| matches!(e, Event::LineHint { line, hint } if *line == LineId(3) && *hint == HintStatus::Ringing)));

    let (hint, availability) = core
        .read(|s| {
            (
                s.line_hint(LineId(3)),
                s.agent_status(AgentId(1)).map(|a| a.availability),
            )
        })
        .await
        .expect("core running");
    assert_eq!(hint, HintStatus::Ringing);
    assert_eq!(availability, Some(Availability::Available));

    // Carol answers through her client.
    core.execute(Command::Answer {
        user: UserId(3),
        uniqueid: None,
    })
    .await
    .expect("answer accepted");
    assert_eq!(
        adapter.actions.recv().await.map(|r| r.action),
        Some(PbxAction::Answer { uniqueid: ch })
    );
}
