//! asterisk-20-chansip.capture.txt: chan_sip, phases INV, A–H.

use ctid_core::Event;
use ctid_core::ids::{AgentId, LineId, QueueId, UniqueId};
use ctid_core::live::{CallDirection, ChannelState, Endpoint, HintStatus, PhoneEventKind};

use crate::lab::{Driver, Lab};

const CAPTURE: &str = "asterisk-20-chansip.capture.txt";

fn hints(events: &[Event], line: LineId) -> Vec<HintStatus> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::LineHint { line: l, hint } if *l == line => Some(*hint),
            _ => None,
        })
        .collect()
}

fn phone_kinds(events: &[Event], line: LineId) -> Vec<PhoneEventKind> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Phone(p) if p.line == line => Some(p.kind),
            _ => None,
        })
        .collect()
}

async fn hint_of(lab: &Lab, line: u32) -> HintStatus {
    lab.read(move |s| s.line_hint(LineId(line))).await
}

/// The inventory makes the snapshot: phones 1001–1004 registered (1005, 1006 are not peers of
/// this recording), the support members logged in through their lines, nothing else.
#[tokio::test]
async fn inventory_is_the_starting_snapshot() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("A", 0.0).await;
    let (registered, hints, agents, members) = lab
        .read(|s| {
            let registered: Vec<_> = (1..=6).map(|l| s.line_registered(LineId(l))).collect();
            let hints: Vec<_> = (1..=6).map(|l| s.line_hint(LineId(l))).collect();
            let agents: Vec<_> = (1..=3)
                .map(|a| s.agent_status(AgentId(a)).and_then(|st| st.line))
                .collect();
            let members: Vec<_> = s
                .queue_members()
                .map(|m| (m.queue, m.agent, m.paused, m.logged))
                .collect();
            (registered, hints, agents, members)
        })
        .await;
    assert_eq!(
        registered,
        [
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(false),
            Some(false)
        ]
    );
    assert_eq!(
        hints,
        [
            HintStatus::Idle,
            HintStatus::Idle,
            HintStatus::Idle,
            HintStatus::Idle,
            HintStatus::Unavailable,
            HintStatus::Unavailable
        ]
    );
    assert_eq!(agents, [Some(LineId(3)), Some(LineId(4)), None]);
    let support: Vec<_> = members
        .iter()
        .filter(|m| m.0 == QueueId(1))
        .map(|m| (m.1, m.2, m.3))
        .collect();
    assert_eq!(
        support.len(),
        2,
        "support has its two configured members: {members:?}"
    );
    assert!(support.contains(&(AgentId(1), false, true)));
    assert!(support.contains(&(AgentId(2), false, true)));
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
}

/// Phase A: trunk → 1001, rings 1.5 s, answered, the caller hangs up after 3 s.
#[tokio::test]
async fn a_trunk_call_rings_is_answered_and_ends() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("A", 0.0).await;
    // The hint turns Ringing in the recording before the phone's channel exists: nothing
    // changes until the channel arrives.
    let ringing = lab.play_to("A", 1.0).await;
    assert_eq!(hints(&ringing, LineId(1)), [HintStatus::Ringing]);
    assert_eq!(phone_kinds(&ringing, LineId(1)), [PhoneEventKind::Ringing]);
    let channels = lab
        .read(|s| {
            let mut c: Vec<_> = s
                .channels()
                .map(|c| {
                    (
                        c.uniqueid().clone(),
                        c.endpoint().clone(),
                        c.state(),
                        c.direction(),
                    )
                })
                .collect();
            c.sort_by(|a, b| a.0.cmp(&b.0));
            c
        })
        .await;
    assert_eq!(
        channels,
        [
            (
                UniqueId::from("1795371246.0"),
                Endpoint::Trunk,
                ChannelState::Ring,
                CallDirection::Outgoing
            ),
            (
                UniqueId::from("1795371246.1"),
                Endpoint::Line(LineId(1)),
                ChannelState::Ringing,
                CallDirection::Incoming
            ),
        ]
    );
    let answered = lab.play_to("A", 3.0).await;
    assert_eq!(hints(&answered, LineId(1)), [HintStatus::InUse]);
    assert_eq!(
        phone_kinds(&answered, LineId(1)),
        [PhoneEventKind::Established]
    );
    let bridged = lab
        .read(|s| {
            s.channels()
                .map(|c| (c.state(), c.bridge().cloned()))
                .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(bridged.len(), 2);
    assert!(
        bridged
            .iter()
            .all(|(state, bridge)| *state == ChannelState::Up
                && bridge.as_ref().map(|b| b.0.as_ref())
                    == Some("e9a748de-5fa2-4495-b50d-17fe2ea328bf"))
    );
    let calls = lab.read(|s| s.line_calls(LineId(1))).await;
    assert_eq!(calls.len(), 1, "{calls:?}");

    let ended = lab.play_phase("A").await;
    assert_eq!(hints(&ended, LineId(1)), [HintStatus::Idle]);
    assert_eq!(phone_kinds(&ended, LineId(1)), [PhoneEventKind::Released]);
    let logged: Vec<_> = ended
        .iter()
        .filter_map(|e| match e {
            Event::CallLogged(entry) => Some(entry.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].user, ctid_core::ids::UserId(1));
    assert_eq!(logged[0].direction, CallDirection::Incoming);
    assert_eq!(logged[0].peer.number, "sipp");
    assert!(logged[0].answered_at.is_some());
    // Answered at 2.133 s, ended at 5.145 s of the recording.
    assert_eq!(
        logged[0].end.0 - logged[0].answered_at.expect("answered").0,
        3012
    );
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
}

/// Phase B: 1001 → 1002, rings 1 s, answered, the caller hangs up after 2 s.
#[tokio::test]
async fn an_internal_call_shows_on_both_lines() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_phase("A").await;
    let ringing = lab.play_to("B", 9.0).await;
    assert_eq!(hints(&ringing, LineId(2)), [HintStatus::Ringing]);
    assert_eq!(phone_kinds(&ringing, LineId(1)), [PhoneEventKind::Dialing]);
    assert_eq!(phone_kinds(&ringing, LineId(2)), [PhoneEventKind::Ringing]);
    assert_eq!(hint_of(&lab, 1).await, HintStatus::InUse);
    let talking = lab.play_to("B", 10.0).await;
    assert_eq!(hints(&talking, LineId(2)), [HintStatus::InUse]);
    assert_eq!(
        phone_kinds(&talking, LineId(1)),
        [PhoneEventKind::Established]
    );
    assert_eq!(
        phone_kinds(&talking, LineId(2)),
        [PhoneEventKind::Established]
    );
    let ended = lab.play_phase("B").await;
    assert_eq!(hints(&ended, LineId(1)), [HintStatus::Idle]);
    assert_eq!(hints(&ended, LineId(2)), [HintStatus::Idle]);
    let logged: Vec<_> = ended
        .iter()
        .filter_map(|e| match e {
            Event::CallLogged(entry) => {
                Some((entry.user, entry.direction, entry.peer.number.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert!(logged.contains(&(
        ctid_core::ids::UserId(1),
        CallDirection::Outgoing,
        "1002".to_owned()
    )));
    assert!(logged.contains(&(
        ctid_core::ids::UserId(2),
        CallDirection::Incoming,
        "1001".to_owned()
    )));
}
