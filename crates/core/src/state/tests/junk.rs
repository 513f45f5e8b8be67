//! Feeding garbage: random, out-of-order and duplicate PBX events and random commands must never
//! panic, and the state must stay bounded and consistent afterwards.

use super::script::*;
use crate::command::Command;
use crate::ids::{ActionId, AgentId, BridgeId, LineId, QueueId, RoomId, UniqueId, VoicemailId};
use crate::live::{ChannelState, DialStatus, Endpoint, Party, ServiceChange};
use crate::pbx::{
    AcdCallSnapshot, AgentSnapshot, AttendedTransferState, ChannelSnapshot, CompleteReason,
    FaxStatus, MemberSnapshot, PbxEvent, PbxSnapshot, QueueCallerSnapshot, RoomSnapshot,
};

/// A small deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn uid(&mut self) -> UniqueId {
        uid(&format!("j.{}", self.below(40)))
    }
    fn state(&mut self) -> ChannelState {
        ChannelState::from_code(self.below(8) as u8)
    }
    fn bool(&mut self) -> bool {
        self.below(2) == 0
    }
}

fn random_event(r: &mut Rng) -> PbxEvent {
    let queue = QueueId(r.below(4) as u32);
    let agent = AgentId(r.below(6) as u32);
    match r.below(36) {
        0..=4 => PbxEvent::ChannelCreated {
            uniqueid: r.uid(),
            linkedid: r.uid(),
            name: "X/1".into(),
            endpoint: match r.below(3) {
                0 => Endpoint::Line(LineId(r.below(8) as u32)),
                1 => Endpoint::Trunk,
                _ => Endpoint::Local,
            },
            caller: Party::new(format!("{}", 1000 + r.below(10)), "n"),
            exten: format!("{}", 1000 + r.below(10)),
            state: r.state(),
        },
        5..=8 => PbxEvent::ChannelStateChanged {
            uniqueid: r.uid(),
            state: r.state(),
        },
        9 => PbxEvent::CallerIdChanged {
            uniqueid: r.uid(),
            caller: Party::new("0612345678", "x"),
        },
        10 => PbxEvent::ConnectedLineChanged {
            uniqueid: r.uid(),
            connected: Party::new("1001", "y"),
        },
        11 | 12 => PbxEvent::DialBegin {
            caller: if r.bool() { Some(r.uid()) } else { None },
            callee: r.uid(),
            destination: "1001".into(),
        },
        13 => PbxEvent::DialEnd {
            caller: Some(r.uid()),
            callee: r.uid(),
            status: DialStatus::Busy,
        },
        14 | 15 => PbxEvent::BridgeEnter {
            bridge: BridgeId::new(format!("b{}", r.below(5))),
            uniqueid: r.uid(),
        },
        16 => PbxEvent::BridgeLeave {
            bridge: BridgeId::new(format!("b{}", r.below(5))),
            uniqueid: r.uid(),
        },
        17 => PbxEvent::Hold { uniqueid: r.uid() },
        18 => PbxEvent::Unhold { uniqueid: r.uid() },
        19..=21 => PbxEvent::Hangup {
            uniqueid: r.uid(),
            cause: 16,
        },
        22 => PbxEvent::VarSet {
            uniqueid: r.uid(),
            name: if r.bool() {
                "USR_a".into()
            } else {
                "OTHER".into()
            },
            value: "v".repeat(r.below(5000) as usize),
        },
        23 => PbxEvent::AttendedTransfer {
            transferer: r.uid(),
            target: Some(r.uid()),
            state: match r.below(4) {
                0 => AttendedTransferState::Started,
                1 => AttendedTransferState::Answered,
                2 => AttendedTransferState::Completed,
                _ => AttendedTransferState::Cancelled,
            },
        },
        24 => PbxEvent::LineRegistration {
            line: LineId(r.below(8) as u32),
            registered: r.bool(),
        },
        25 => PbxEvent::QueueCallerJoin {
            queue,
            uniqueid: r.uid(),
            position: r.below(5) as u32,
            count: 9,
        },
        26 => PbxEvent::QueueCallerLeave {
            queue,
            uniqueid: r.uid(),
            count: 0,
        },
        27 => PbxEvent::AgentCalled {
            queue,
            agent,
            caller: r.uid(),
            destination: r.uid(),
        },
        28 => PbxEvent::AgentConnect {
            queue,
            agent,
            caller: r.uid(),
            destination: r.uid(),
            hold_time: r.below(100),
            ring_time: 1,
        },
        29 => PbxEvent::AgentComplete {
            queue,
            agent,
            caller: r.uid(),
            destination: r.uid(),
            hold_time: 1,
            talk_time: 1,
            reason: CompleteReason::Agent,
        },
        30 => match r.below(4) {
            0 => PbxEvent::AgentLogin {
                agent,
                line: LineId(r.below(8) as u32),
            },
            1 => PbxEvent::AgentLogoff { agent },
            2 => PbxEvent::AgentWrapupStarted {
                agent,
                queue,
                seconds: 5,
            },
            _ => PbxEvent::AgentWrapupEnded { agent },
        },
        31 => match r.below(4) {
            0 => PbxEvent::QueueMemberAdded {
                queue,
                agent,
                penalty: 1,
                paused: r.bool(),
            },
            1 => PbxEvent::QueueMemberRemoved { queue, agent },
            2 => PbxEvent::QueueMemberPaused {
                queue,
                agent,
                paused: r.bool(),
                reason: None,
            },
            _ => PbxEvent::QueueMemberPenalty {
                queue,
                agent,
                penalty: 3,
            },
        },
        32 => match r.below(3) {
            0 => PbxEvent::ConferenceJoin {
                room: RoomId(r.below(3) as u32),
                uniqueid: r.uid(),
                muted: r.bool(),
            },
            1 => PbxEvent::ConferenceLeave {
                room: RoomId(r.below(3) as u32),
                uniqueid: r.uid(),
            },
            _ => PbxEvent::ConferenceMute {
                room: RoomId(r.below(3) as u32),
                uniqueid: r.uid(),
                muted: r.bool(),
            },
        },
        33 => match r.below(3) {
            0 => PbxEvent::SpyStart {
                spier: r.uid(),
                spyee: r.uid(),
            },
            1 => PbxEvent::SpyStop { spier: r.uid() },
            _ => PbxEvent::MessageWaiting {
                voicemail: VoicemailId(r.below(8) as u32),
                new: r.below(3) as u32,
                old: 0,
            },
        },
        34 => match r.below(3) {
            0 => PbxEvent::FaxProgress {
                user: user(r.below(8) as u32),
                action: ActionId(r.below(5)),
                status: FaxStatus::Failed,
                pages: None,
            },
            1 => PbxEvent::OriginateResult {
                action: ActionId(r.below(50)),
                uniqueid: None,
                success: r.bool(),
                reason: "x".into(),
            },
            _ => PbxEvent::QueueCallerAbandon {
                queue,
                uniqueid: r.uid(),
                position: 1,
                original_position: 1,
                hold_time: 3,
            },
        },
        _ => {
            if r.below(20) == 0 {
                PbxEvent::Snapshot(Box::new(random_snapshot(r)))
            } else {
                PbxEvent::Hangup {
                    uniqueid: r.uid(),
                    cause: 16,
                }
            }
        }
    }
}

/// A snapshot of random channels, bridges, callers, logins, memberships and rooms, mostly of
/// unknown or inconsistent ids.
fn random_snapshot(r: &mut Rng) -> PbxSnapshot {
    let channels = (0..r.below(6))
        .map(|_| ChannelSnapshot {
            uniqueid: r.uid(),
            linkedid: r.uid(),
            name: "PJSIP/junk".into(),
            endpoint: match r.below(3) {
                0 => Endpoint::Trunk,
                1 => Endpoint::Local,
                _ => Endpoint::Line(LineId(r.below(8) as u32)),
            },
            caller: Party::new(format!("{}", r.below(3000)), ""),
            connected: Party::default(),
            exten: format!("{}", r.below(3000)),
            state: r.state(),
            held: r.below(3) == 0,
            bridge: (r.below(2) == 0).then(|| BridgeId::new(format!("b{}", r.below(4)))),
            dialled_by: (r.below(3) == 0).then(|| r.uid()),
            spying: (r.below(5) == 0).then(|| r.uid()),
            variables: vec![("USR_x".into(), format!("{}", r.below(5)))],
        })
        .collect();
    PbxSnapshot {
        channels,
        queue_callers: (0..r.below(3))
            .map(|_| QueueCallerSnapshot {
                queue: QueueId(r.below(4) as u32),
                uniqueid: r.uid(),
                position: r.below(5) as u32,
                waited: r.below(u64::MAX),
            })
            .collect(),
        members: (0..r.below(4))
            .map(|_| MemberSnapshot {
                queue: QueueId(r.below(4) as u32),
                agent: AgentId(r.below(6) as u32),
                penalty: r.below(3) as u32,
                paused: r.below(2) == 0,
            })
            .collect(),
        agents: (0..r.below(3))
            .map(|_| AgentSnapshot {
                agent: AgentId(r.below(6) as u32),
                line: LineId(r.below(8) as u32),
                wrapup: r.below(2) == 0,
                acd: (r.below(2) == 0).then(|| AcdCallSnapshot {
                    queue: QueueId(r.below(4) as u32),
                    caller: r.uid(),
                    destination: r.uid(),
                }),
            })
            .collect(),
        registered: (0..r.below(8)).map(|l| LineId(l as u32)).collect(),
        voicemails: vec![(VoicemailId(r.below(8) as u32), 1, 2)],
        rooms: vec![RoomSnapshot {
            room: RoomId(r.below(3) as u32),
            members: vec![(r.uid(), r.below(2) == 0)],
        }],
    }
}

fn random_command(r: &mut Rng) -> Command {
    let u = user(r.below(8) as u32);
    match r.below(12) {
        0 => Command::SessionOpened {
            user: u,
            presence: Some("away".into()),
        },
        1 => Command::SessionClosed {
            user: u,
            logout: r.bool(),
        },
        2 => Command::SetPresence {
            user: u,
            status: ["available", "away", "outtolunch", "donotdisturb", "x"][r.below(5) as usize]
                .into(),
        },
        3 => Command::SetService {
            requester: u,
            target: user(r.below(8) as u32),
            change: ServiceChange::Dnd(r.bool()),
        },
        4 => Command::Dial {
            user: u,
            destination: "1002".into(),
            variables: vec![],
            from_mobile: r.bool(),
        },
        5 => Command::Hangup {
            user: u,
            uniqueid: if r.bool() { Some(r.uid()) } else { None },
        },
        6 => Command::Answer {
            user: u,
            uniqueid: if r.bool() { Some(r.uid()) } else { None },
        },
        7 => Command::Hold {
            user: u,
            uniqueid: None,
            hold: None,
        },
        8 => Command::AgentLogin {
            requester: u,
            agent: None,
            number: None,
        },
        9 => Command::QueuePause {
            requester: u,
            agent: Some(AgentId(r.below(6) as u32)),
            queue: Some(QueueId(r.below(4) as u32)),
            paused: r.bool(),
            reason: None,
        },
        10 => Command::CompleteTransfer { user: u },
        _ => Command::ConferenceMute {
            requester: u,
            room: RoomId(1),
            member: r.below(4) as u32,
            muted: true,
        },
    }
}

#[test]
fn random_junk_never_panics_and_stays_consistent() {
    for seed in 1..=20u64 {
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut w = World::demo();
        for step in 0..3000 {
            if step % 7 == 0 {
                let _ = w.run(random_command(&mut r));
            } else {
                let event = random_event(&mut r);
                w.one(event);
            }
            if step % 50 == 0 {
                w.advance(1);
            }
        }
        check_consistent(&w);
        // Everything still works after the junk.
        w.one(PbxEvent::Snapshot(Box::default()));
        check_consistent(&w);
        let leg = Leg::new("after");
        w.feed(internal_dial(&leg, 1, 2));
        w.feed(answer(&leg));
        w.feed(hangup(&leg));
        assert_eq!(w.state.channel_count(), 0);
    }
}

fn check_consistent(w: &World) {
    let s = &w.state;
    // Every line channel is a live channel on that line.
    for line in 0..8 {
        for ch in s.line_channels(LineId(line)) {
            assert_eq!(ch.line(), Some(LineId(line)));
        }
    }
    assert!(s.channel_count() <= 40);
    assert!(s.channels.bridge_count() <= 5);
    assert!(s.pending.len() <= crate::state::pending::MAX_PENDING_ACTIONS);
    for ch in s.channels() {
        assert!(ch.vars.len() <= 64);
        assert!(
            ch.vars
                .iter()
                .all(|(n, v)| n.starts_with("USR_") && v.len() <= 4096)
        );
    }
    // Queue counters agree with the members.
    for q in 1..=2 {
        let stats = s.queue_stats(QueueId(q), w.now);
        let members: Vec<_> = s.queue_members().filter(|m| m.queue.0 == q).collect();
        let logged = members.iter().filter(|m| m.logged).count() as u32;
        assert_eq!(stats.logged_agents, logged, "queue {q}");
        let available = members
            .iter()
            .filter(|m| {
                !m.paused
                    && s.agent_status(m.agent).map(|a| a.availability)
                        == Some(crate::live::Availability::Available)
            })
            .count() as u32;
        assert_eq!(stats.available_agents, available, "queue {q}");
        assert_eq!(
            stats.waiting_calls as usize,
            s.queue_entries(QueueId(q)).len()
        );
    }
    // Agents' queue lists match the memberships.
    for a in s.agent_statuses() {
        for q in &a.queues {
            assert!(s.queue_member(*q, a.agent).is_some());
        }
        for q in &a.paused_queues {
            assert!(a.queues.contains(q));
        }
        if let Some(line) = a.line {
            assert_eq!(s.agent_on_line(line), Some(a.agent));
        }
    }
}
