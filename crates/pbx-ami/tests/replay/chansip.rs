//! asterisk-20-chansip.capture.txt: chan_sip, phases INV, A–H.

use ctid_core::Event;
use ctid_core::ids::{AgentId, LineId, QueueId, RoomId, UniqueId, VoicemailId};
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

/// Phase C: trunk → queue support (ringall); 1003 answers after 2.5 s, 1004 is cancelled.
#[tokio::test]
async fn a_queue_call_waits_rings_both_members_and_is_answered() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_phase("B").await;
    let support = QueueId(1);
    lab.play_to("C", 15.0).await;
    let (entries, ringing) = lab
        .read(move |s| {
            let entries: Vec<_> = s
                .queue_entries(support)
                .into_iter()
                .map(|e| (e.position, e.uniqueid, e.number))
                .collect();
            let ringing: Vec<_> = [1, 2].map(|a| s.line_hint(LineId(a + 2))).to_vec();
            (entries, ringing)
        })
        .await;
    assert_eq!(
        entries,
        [(1, UniqueId::from("1795371260.4"), "sipp".to_owned())]
    );
    assert_eq!(ringing, [HintStatus::Ringing, HintStatus::Ringing]);
    let now = lab_now(&lab);
    let waiting = lab
        .read(move |s| s.queue_stats(support, now).waiting_calls)
        .await;
    assert_eq!(waiting, 1);

    let answered = lab.play_to("C", 18.0).await;
    assert!(answered.iter().any(|e| matches!(
        e,
        Event::QueueEntries { queue, entries } if *queue == support && entries.is_empty()
    )));
    let (carol, dave, hint_dave) = lab
        .read(|s| {
            let carol = s
                .agent_status(AgentId(1))
                .map(|a| (a.on_call_acd, a.acd_queue));
            let dave = s
                .agent_status(AgentId(2))
                .map(|a| (a.on_call_acd, a.acd_queue));
            (carol, dave, s.line_hint(LineId(4)))
        })
        .await;
    assert_eq!(carol, Some((true, Some(support))));
    assert_eq!(dave.map(|d| d.0), Some(false));
    assert_eq!(
        hint_dave,
        HintStatus::Idle,
        "1004 stopped ringing (cause 26)"
    );

    lab.play_phase("C").await;
    let now = lab_now(&lab);
    let (window, taken) = lab
        .read(move |s| {
            let w = s.queue_window_stats(
                support,
                now,
                std::time::Duration::from_secs(3600),
                std::time::Duration::from_secs(20),
            );
            let taken = s.queue_member(support, AgentId(1)).map(|m| m.calls_taken);
            ((w.entered, w.answered, w.abandoned), taken)
        })
        .await;
    assert_eq!(window, (1, 1, 0));
    assert_eq!(taken, Some(1));
    let carol = lab
        .read(|s| s.agent_status(AgentId(1)).map(|a| a.on_call_acd))
        .await;
    assert_eq!(carol, Some(false));
}

fn lab_now(lab: &Lab) -> ctid_core::Timestamp {
    use ctid_core::Clock;
    lab.clock.now()
}

/// Phases D1 and D2: originates. D1 rings 1001 with no calling channel (the first leg of an
/// originate), D2 rings 1002 then dials 1001 from it.
#[tokio::test]
async fn originated_calls_start_on_the_first_leg() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_phase("C").await;
    let d1 = lab.play_to("D1", 24.0).await;
    assert_eq!(phone_kinds(&d1, LineId(1)), [PhoneEventKind::Dialing]);
    let up = lab.play_to("D1", 25.0).await;
    assert_eq!(hints(&up, LineId(1)), [HintStatus::InUse]);
    lab.play_phase("D1").await;
    assert_eq!(hint_of(&lab, 1).await, HintStatus::Idle);

    lab.play_to("D2", 34.0).await;
    let (d2_caller, d2_callee) = lab
        .read(|s| {
            let caller = s
                .channel(&UniqueId::from("cti-orig-0002"))
                .map(|c| (c.line(), c.state()));
            let callee = s
                .channel(&UniqueId::from("1795371279.9"))
                .map(|c| (c.line(), c.state(), c.direction()));
            (caller, callee)
        })
        .await;
    assert_eq!(d2_caller, Some((Some(LineId(2)), ChannelState::Up)));
    assert_eq!(
        d2_callee,
        Some((
            Some(LineId(1)),
            ChannelState::Ringing,
            CallDirection::Incoming
        ))
    );
    lab.play_to("D2", 35.0).await;
    assert_eq!(hint_of(&lab, 1).await, HintStatus::InUse);
    assert_eq!(hint_of(&lab, 2).await, HintStatus::InUse);
    let ended = lab.play_phase("D2").await;
    assert_eq!(hints(&ended, LineId(1)), [HintStatus::Idle]);
    assert_eq!(hints(&ended, LineId(2)), [HintStatus::Idle]);
}

/// Phase E: the trunk's call, answered on 1001, is redirected to 1002.
#[tokio::test]
async fn a_redirected_call_moves_to_the_other_phone() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("E", 40.0).await;
    assert_eq!(hint_of(&lab, 1).await, HintStatus::InUse);
    let moved = lab.play_to("E", 42.0).await;
    assert_eq!(phone_kinds(&moved, LineId(1)), [PhoneEventKind::Released]);
    assert_eq!(
        phone_kinds(&moved, LineId(2)),
        [PhoneEventKind::Ringing, PhoneEventKind::Established]
    );
    let peer = lab
        .read(|s| {
            s.line_calls(LineId(2))
                .into_iter()
                .map(|c| c.peer.number)
                .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(peer, ["sipp"]);
    lab.play_phase("E").await;
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
}

/// Phase F: the trunk in conference 4000 for 3 s.
#[tokio::test]
async fn a_conference_member_joins_and_leaves() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("F", 50.0).await;
    let members = lab
        .read(|s| {
            s.conference(RoomId(1)).map(|c| {
                c.members
                    .iter()
                    .map(|m| m.uniqueid.clone())
                    .collect::<Vec<_>>()
            })
        })
        .await;
    assert_eq!(members, Some(vec![UniqueId::from("1795371294.13")]));
    lab.play_phase("F").await;
    let members = lab
        .read(|s| s.conference(RoomId(1)).map(|c| c.members.len()))
        .await;
    assert_eq!(members, Some(0));
}

/// Phase H: a message left in 1002's box.
#[tokio::test]
async fn a_voicemail_message_is_counted() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("H", 57.0).await;
    let before = lab.read(|s| s.voicemail_counts(VoicemailId(2))).await;
    assert_eq!((before.new, before.old), (0, 0));
    let events = lab.play_phase("H").await;
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Voicemail { voicemail, counts } if *voicemail == VoicemailId(2) && counts.new == 1
    )));
    let after = lab.read(|s| s.voicemail_counts(VoicemailId(2))).await;
    assert_eq!((after.new, after.old), (1, 0));
}

/// Phase G: Bob's line joins support (agent 2003 logs in with it), 1004 is paused with a
/// reason and unpaused, Bob leaves again (and is logged off).
#[tokio::test]
async fn members_are_added_paused_and_removed() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_phase("H").await;
    let support = QueueId(1);
    lab.play_to("G", 60.0075).await;
    let (bob, bob_line, dave) = lab
        .read(move |s| {
            let bob = s.queue_member(support, AgentId(3)).map(|m| m.logged);
            let bob_line = s.agent_status(AgentId(3)).and_then(|a| a.line);
            let dave = s
                .queue_member(support, AgentId(2))
                .map(|m| (m.paused, m.pause_reason.clone()));
            (bob, bob_line, dave)
        })
        .await;
    assert_eq!(bob, Some(true));
    assert_eq!(bob_line, Some(LineId(2)));
    assert_eq!(dave, Some((true, Some("break".to_owned()))));
    lab.play_phase("G").await;
    let (bob, bob_line, dave) = lab
        .read(move |s| {
            let bob = s.queue_member(support, AgentId(3)).is_some();
            let bob_line = s.agent_status(AgentId(3)).and_then(|a| a.line);
            let dave = s.queue_member(support, AgentId(2)).map(|m| m.paused);
            (bob, bob_line, dave)
        })
        .await;
    assert!(!bob);
    assert_eq!(bob_line, None);
    assert_eq!(dave, Some(false));
}
