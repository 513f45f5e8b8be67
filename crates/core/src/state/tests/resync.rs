//! The resync contract: a snapshot from the engine replaces the live state, and only what
//! differs is emitted.

use super::script::*;
use crate::event::Event;
use crate::ids::{AgentId, LineId, QueueId, RoomId, VoicemailId};
use crate::live::{Availability, ChannelState, Endpoint, HintStatus, Party, PhoneEventKind};
use crate::pbx::{
    AgentSnapshot, ChannelSnapshot, MemberSnapshot, PbxEvent, PbxSnapshot, QueueCallerSnapshot,
    RoomSnapshot,
};
use crate::state::State;

/// What an engine in exactly the core's state would send.
fn mirror(s: &State, now: crate::time::Timestamp) -> PbxSnapshot {
    let mut channels: Vec<_> = s.channels.iter().collect();
    channels.sort_by_key(|c| c.seq);
    PbxSnapshot {
        channels: channels
            .into_iter()
            .map(|c| ChannelSnapshot {
                uniqueid: c.uniqueid.clone(),
                linkedid: c.linkedid.clone(),
                name: c.name.clone(),
                endpoint: c.endpoint.clone(),
                caller: c.caller.clone(),
                connected: c.connected.clone(),
                exten: c.exten.clone(),
                state: c.state,
                held: c.held,
                bridge: c.bridge.clone(),
                dialled_by: None,
                spying: None,
                variables: c.vars.to_vec(),
            })
            .collect(),
        queue_callers: s
            .queues
            .iter()
            .flat_map(|q| {
                q.entries.iter().map(move |e| QueueCallerSnapshot {
                    queue: q.id,
                    uniqueid: e.uniqueid.clone(),
                    position: e.position,
                    waited: now.since(e.join_time).as_secs(),
                })
            })
            .collect(),
        members: s
            .queue_members()
            .map(|m| MemberSnapshot {
                queue: m.queue,
                agent: m.agent,
                penalty: m.penalty,
                paused: m.paused,
            })
            .collect(),
        agents: s
            .agents
            .iter()
            .filter_map(|a| {
                Some(AgentSnapshot {
                    agent: a.status.agent,
                    line: a.status.line?,
                    wrapup: a.wrapup,
                    acd: a.acd.as_ref().map(|c| crate::pbx::AcdCallSnapshot {
                        queue: c.queue,
                        caller: c.destination.clone(),
                        destination: c.destination.clone(),
                    }),
                })
            })
            .collect(),
        registered: s
            .lines
            .iter()
            .filter(|l| l.registered)
            .map(|l| l.id)
            .collect(),
        voicemails: s
            .voicemails
            .iter()
            .map(|(v, c)| (*v, c.new, c.old))
            .collect(),
        rooms: s
            .dataset
            .rooms()
            .iter()
            .filter_map(|r| s.conference(r.id))
            .map(|r| RoomSnapshot {
                room: r.room,
                members: r
                    .members
                    .iter()
                    .map(|m| (m.uniqueid.clone(), m.muted))
                    .collect(),
            })
            .collect(),
    }
}

fn resync(w: &mut World, snapshot: PbxSnapshot) -> Vec<Event> {
    w.one(PbxEvent::Snapshot(Box::new(snapshot)))
}

/// A busy world: alice talks to bob, an outside call rings carol, a caller waits in support,
/// dave is logged in and paused in sales, frank has voicemail, someone is in a conference room.
fn busy() -> (World, Leg, Leg) {
    let mut w = World::demo();
    w.login(2, 4);
    w.one(PbxEvent::QueueMemberPaused {
        queue: QueueId(1),
        agent: AgentId(2),
        paused: true,
        reason: Some("lunch".into()),
    });
    let talk = Leg::new("t");
    w.feed(internal_dial(&talk, 1, 2));
    w.feed(answer(&talk));
    let ring = Leg::new("r");
    w.feed(incoming_dial(&ring, "0612345678", 3));
    w.feed(queue_join(&uid("q.1"), "0698765432", 2, 1));
    w.one(PbxEvent::MessageWaiting {
        voicemail: VoicemailId(6),
        new: 2,
        old: 1,
    });
    let conf = Leg::new("f");
    w.feed(incoming_dial(&conf, "0611111111", 5));
    w.feed(answer(&conf));
    w.one(PbxEvent::ConferenceJoin {
        room: RoomId(1),
        uniqueid: conf.a.clone(),
        muted: true,
    });
    w.advance(7);
    (w, talk, ring)
}

#[test]
fn a_snapshot_equal_to_the_state_emits_nothing() {
    let (mut w, _, _) = busy();
    let snapshot = mirror(&w.state, w.now);
    assert!(!snapshot.channels.is_empty() && !snapshot.queue_callers.is_empty());
    assert_eq!(resync(&mut w, snapshot.clone()), vec![]);
    // And applying it changed nothing either.
    assert_eq!(mirror(&w.state, w.now), snapshot);
    assert_eq!(w.hint(1), 1);
    assert_eq!(w.hint(3), 8);
}

#[test]
fn only_the_differences_are_emitted() {
    let (mut w, talk, _) = busy();
    let mut snapshot = mirror(&w.state, w.now);
    // While the engine was away: alice and bob's call ended, dave's phone unregistered, and the
    // support caller left the queue (its channel still exists, e.g. leaving a message).
    snapshot
        .channels
        .retain(|c| c.uniqueid != talk.a && c.uniqueid != talk.b);
    snapshot.registered.retain(|l| *l != LineId(4));
    snapshot.queue_callers.clear();

    let events = resync(&mut w, snapshot.clone());
    let mut kinds: Vec<String> = events
        .iter()
        .map(|e| match e {
            Event::Phone(p) => format!("phone {} {:?}", p.line, p.kind),
            Event::LineHint { line, hint } => format!("hint {line} {}", hint.code()),
            Event::LineCalls { line, calls } => format!("calls {line} {}", calls.len()),
            Event::CallLogged(c) => format!("logged {}", c.user),
            Event::QueueEntries { queue, entries } => format!("entries {queue} {}", entries.len()),
            Event::QueueStats { queue, stats } => format!("stats {queue} {}", stats.waiting_calls),
            Event::QueueMember { status: m, .. } => {
                format!("member {} {} {:?}", m.queue, m.agent, m.status)
            }
            Event::AgentStatus { status: a, .. } => {
                format!("agent {} {:?}", a.agent, a.availability)
            }
            other => format!("{other:?}"),
        })
        .collect();
    kinds.sort();
    let mut expected = vec![
        // The call's end, as a hangup shows it live.
        "phone 1 Released",
        "phone 2 Released",
        "logged 1",
        "logged 2",
        "hint 1 0",
        "hint 2 0",
        "calls 1 0",
        "calls 2 0",
        // Dave's phone is unavailable: his hint and his membership show it (paused, his agent
        // was unavailable already).
        "hint 4 4",
        "member 1 2 Unavailable",
        // The caller left support.
        "entries 2 0",
        "stats 2 0",
    ];
    expected.sort();
    assert_eq!(kinds, expected, "{events:#?}");
    assert_eq!(w.state.channel_count(), snapshot.channels.len());
    assert!(w.state.queue_entries(QueueId(2)).is_empty());
    assert_eq!(w.state.line_registered(LineId(4)), Some(false));
    // A second identical snapshot is old news.
    assert_eq!(resync(&mut w, snapshot), vec![]);
}

#[test]
fn what_appeared_while_away_is_reported_as_it_would_be_live() {
    let mut w = World::demo();
    let (trunk, phone) = (uid("n.1"), uid("n.2"));
    let channel = |uniqueid: &crate::ids::UniqueId, endpoint, caller, state| ChannelSnapshot {
        uniqueid: uniqueid.clone(),
        linkedid: trunk.clone(),
        name: format!("PJSIP/x-{uniqueid}"),
        endpoint,
        caller,
        connected: Party::default(),
        exten: "1003".into(),
        state,
        held: false,
        bridge: None,
        dialled_by: None,
        spying: None,
        variables: vec![
            ("USR_ticket".into(), "42".into()),
            ("OTHER".into(), "x".into()),
        ],
    };
    let mut snapshot = mirror(&w.state, w.now);
    snapshot.channels = vec![
        channel(
            &trunk,
            Endpoint::Trunk,
            Party::new("0612345678", "Zoe"),
            ChannelState::Ring,
        ),
        ChannelSnapshot {
            dialled_by: Some(trunk.clone()),
            ..channel(
                &phone,
                Endpoint::Line(LineId(3)),
                Party::new("1003", "Carol"),
                ChannelState::Ringing,
            )
        },
    ];
    snapshot.agents.push(AgentSnapshot {
        agent: AgentId(1),
        line: LineId(3),
        wrapup: false,
        acd: None,
    });
    for m in &mut snapshot.members {
        if m.agent == AgentId(1) && m.queue == QueueId(1) {
            m.paused = true;
        }
    }
    snapshot.voicemails = vec![(VoicemailId(3), 1, 0)];

    let events = resync(&mut w, snapshot.clone());
    let ringing = phones(&events);
    assert_eq!(ringing.len(), 1, "{events:#?}");
    assert_eq!(ringing[0].kind, PhoneEventKind::Ringing);
    assert_eq!(ringing[0].other_dn, "0612345678");
    assert_eq!(
        ringing[0].user_data.as_ref(),
        &[("USR_ticket".to_owned(), "42".to_owned())]
    );
    assert_eq!(w.state.line_hint(LineId(3)), HintStatus::Ringing);
    assert_eq!(w.agent(1).line, Some(LineId(3)));
    assert!(w.agent(1).paused_queues.contains(&QueueId(1)));
    assert_ne!(w.availability(1), Availability::LoggedOut);
    assert_eq!(w.state.voicemail_counts(VoicemailId(3)).new, 1);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::AgentLogin { line: Some(_), .. }))
    );
    assert!(events.iter().any(|e| matches!(e, Event::Voicemail { .. })));
    // The same snapshot again: nothing new.
    assert_eq!(resync(&mut w, snapshot), vec![]);

    // The engine restarted empty: everything ends, everyone is logged out.
    let events = resync(&mut w, PbxSnapshot::default());
    assert_eq!(w.state.channel_count(), 0);
    assert_eq!(w.availability(1), Availability::LoggedOut);
    assert_eq!(w.state.line_hint(LineId(3)), HintStatus::Unavailable);
    assert!(w.state.queue_members().next().is_none());
    assert_eq!(phone_kinds(&events), vec![(3, PhoneEventKind::Released)]);
}
