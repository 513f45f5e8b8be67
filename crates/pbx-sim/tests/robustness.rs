//! A long seeded random run of phone buttons, outside callers, core actions (valid and not)
//! and time passing: the PBX never stops, its event stream stays consistent (channels are
//! created once, hung up once, say nothing after their hangup, enter a bridge only when out of
//! one), and once everybody hangs up no call is left.

mod support;

use std::collections::{HashMap, HashSet};

use ctid_core::ids::{ActionId, AgentId, LineId, QueueId, RoomId, UniqueId, UserId};
use ctid_core::live::Party;
use ctid_core::pbx::{OriginateFrom, PbxAction, PbxEvent, PbxRequest};
use ctid_pbx_sim::{LineAction, SimConfig};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use support::Harness;

const NUMBERS: &[&str] = &[
    "1001",
    "1002",
    "1003",
    "1004",
    "1005",
    "1006",
    "3001",
    "3002",
    "4000",
    "*98",
    "*971002",
    "0612345678",
    "0600000001",
    "0600000002",
    "0600000003",
    "1999",
    "",
];

fn channel_ids(e: &PbxEvent) -> Vec<&UniqueId> {
    match e {
        PbxEvent::ChannelStateChanged { uniqueid, .. }
        | PbxEvent::CallerIdChanged { uniqueid, .. }
        | PbxEvent::ConnectedLineChanged { uniqueid, .. }
        | PbxEvent::BridgeEnter { uniqueid, .. }
        | PbxEvent::BridgeLeave { uniqueid, .. }
        | PbxEvent::Hold { uniqueid }
        | PbxEvent::Unhold { uniqueid }
        | PbxEvent::VarSet { uniqueid, .. }
        | PbxEvent::QueueCallerJoin { uniqueid, .. }
        | PbxEvent::ConferenceJoin { uniqueid, .. }
        | PbxEvent::ConferenceMute { uniqueid, .. } => vec![uniqueid],
        PbxEvent::DialBegin { caller, callee, .. } | PbxEvent::DialEnd { caller, callee, .. } => {
            caller.iter().chain(std::iter::once(callee)).collect()
        }
        PbxEvent::AgentCalled {
            caller,
            destination,
            ..
        }
        | PbxEvent::AgentConnect {
            caller,
            destination,
            ..
        } => vec![caller, destination],
        PbxEvent::SpyStart { spier, spyee } => vec![spier, spyee],
        _ => vec![],
    }
}

/// Checks the event stream's consistency.
fn check(events: &[PbxEvent]) {
    let mut live: HashSet<UniqueId> = HashSet::new();
    let mut dead: HashSet<UniqueId> = HashSet::new();
    let mut bridged: HashMap<UniqueId, String> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        let ctx = || format!("event #{i}: {e:?}");
        match e {
            PbxEvent::ChannelCreated { uniqueid, .. } => {
                assert!(
                    !live.contains(uniqueid) && !dead.contains(uniqueid),
                    "created twice: {}",
                    ctx()
                );
                live.insert(uniqueid.clone());
            }
            PbxEvent::Hangup { uniqueid, .. } => {
                assert!(live.remove(uniqueid), "hangup of a dead channel: {}", ctx());
                assert!(
                    !bridged.contains_key(uniqueid),
                    "hangup while bridged: {}",
                    ctx()
                );
                dead.insert(uniqueid.clone());
            }
            PbxEvent::BridgeEnter { bridge, uniqueid } => {
                assert!(
                    bridged
                        .insert(uniqueid.clone(), bridge.to_string())
                        .is_none(),
                    "entered a second bridge: {}",
                    ctx()
                );
            }
            PbxEvent::BridgeLeave { bridge, uniqueid } => {
                assert_eq!(
                    bridged.remove(uniqueid).as_deref(),
                    Some(bridge.to_string().as_str()),
                    "left a bridge it was not in: {}",
                    ctx()
                );
            }
            _ => {}
        }
        for id in channel_ids(e) {
            assert!(
                live.contains(id),
                "event about a channel not alive: {}",
                ctx()
            );
        }
    }
}

async fn random_run(seed: u64, steps: usize) {
    let cfg = SimConfig {
        busy_numbers: vec!["0600000001".into()],
        unreachable_numbers: vec!["0600000002".into()],
        no_answer_numbers: vec!["0600000003".into()],
        max_channels: 40,
        seed,
        ..SimConfig::default()
    };
    let mut ds = ctid_core::Dataset::demo().into_tables();
    for u in &mut ds.users {
        u.services.voicemail_enabled = true;
    }
    ds.queues[0].max_wait = 60;
    let mut h = Harness::with(ctid_core::Dataset::from_tables(ds).unwrap(), cfg);
    let mut rng = StdRng::seed_from_u64(seed);
    let lines = ["1001", "1002", "1003", "1004", "1005", "1006", "9999"];
    let mut known: Vec<UniqueId> = vec![UniqueId::from("0.0")];
    for step in 0..steps {
        if step % 25 == 0 {
            let calls = h.calls().await;
            known = calls
                .iter()
                .flat_map(|c| c.channels.iter().map(|ch| ch.uniqueid.clone()))
                .collect();
            known.push(UniqueId::from("0.0"));
        }
        let id = known.choose(&mut rng).cloned().unwrap();
        let number = *NUMBERS.choose(&mut rng).unwrap();
        let line = *lines.choose(&mut rng).unwrap();
        let agent = AgentId(rng.random_range(1..=5));
        let queue = QueueId(rng.random_range(1..=3));
        let line_id = LineId(rng.random_range(1..=7));
        match rng.random_range(0..24) {
            0..=2 => {
                let _ = h
                    .sim
                    .line_action(line, LineAction::Dial { to: number.into() })
                    .await;
            }
            3..=4 => {
                let _ = h.sim.line_action(line, LineAction::Answer).await;
            }
            5..=6 => {
                let _ = h.sim.line_action(line, LineAction::Hangup).await;
            }
            7 => {
                let action = [
                    LineAction::Hold,
                    LineAction::Resume,
                    LineAction::Register,
                    LineAction::Unregister,
                ]
                .choose(&mut rng)
                .cloned()
                .unwrap();
                let _ = h.sim.line_action(line, action).await;
            }
            8..=9 => {
                let _ = h
                    .sim
                    .outside_call("0699999999".into(), number.into(), None)
                    .await;
            }
            10 => {
                let _ = h.sim.hangup_call(id.as_str()).await;
            }
            11 => h.act(PbxAction::BlindTransfer {
                uniqueid: id,
                destination: number.into(),
            }),
            12 => h.act(PbxAction::AttendedTransfer {
                uniqueid: id,
                destination: number.into(),
            }),
            13 => h.act(
                [
                    PbxAction::CompleteTransfer {
                        uniqueid: id.clone(),
                    },
                    PbxAction::CancelTransfer {
                        uniqueid: id.clone(),
                    },
                    PbxAction::MergeConference { uniqueid: id },
                ]
                .choose(&mut rng)
                .cloned()
                .unwrap(),
            ),
            14 => h.act(PbxAction::AgentLogin {
                agent,
                line: line_id,
            }),
            15 => h.act(
                [
                    PbxAction::AgentLogoff { agent },
                    PbxAction::QueuePause {
                        queue: rng.random_bool(0.5).then_some(queue),
                        agent,
                        paused: rng.random_bool(0.5),
                        reason: None,
                    },
                    PbxAction::QueueAdd {
                        queue,
                        agent,
                        penalty: 1,
                    },
                    PbxAction::QueueRemove { queue, agent },
                ]
                .choose(&mut rng)
                .cloned()
                .unwrap(),
            ),
            16 => h.act(PbxRequest {
                id: ActionId(step as u64),
                action: PbxAction::Originate {
                    from: if rng.random_bool(0.7) {
                        OriginateFrom::Line(line_id)
                    } else {
                        OriginateFrom::Number(number.into())
                    },
                    destination: number.into(),
                    caller: Party::default(),
                    variables: vec![("USR_STEP".into(), step.to_string())],
                    auto_answer: rng.random_bool(0.5),
                },
            }),
            17 => h.act(PbxAction::Pickup {
                waiting: id,
                line: line_id,
            }),
            18 => h.act(PbxAction::Listen {
                listener: line_id,
                target: LineId(rng.random_range(1..=7)),
            }),
            19 => h.act(
                [
                    PbxAction::Hangup {
                        uniqueid: id.clone(),
                    },
                    PbxAction::Answer {
                        uniqueid: id.clone(),
                    },
                    PbxAction::Hold {
                        uniqueid: id.clone(),
                    },
                    PbxAction::Unhold {
                        uniqueid: id.clone(),
                    },
                    PbxAction::SetVariable {
                        uniqueid: id.clone(),
                        name: "USR_X".into(),
                        value: "1".into(),
                    },
                    PbxAction::ConferenceMute {
                        room: RoomId(1),
                        uniqueid: id,
                        muted: true,
                    },
                ]
                .choose(&mut rng)
                .cloned()
                .unwrap(),
            ),
            20 => h.act(PbxRequest {
                id: ActionId(step as u64),
                action: PbxAction::SendFax {
                    user: UserId(rng.random_range(1..=7)),
                    destination: number.into(),
                    size: rng.random_range(0..200_000),
                },
            }),
            _ => h.advance(rng.random_range(0.0..8.0)),
        }
        if step % 10 == 0 {
            h.sync().await;
        }
    }
    // everybody hangs up
    for _ in 0..50 {
        let calls = h.calls().await;
        if calls.is_empty() {
            break;
        }
        for call in calls {
            let _ = h.sim.hangup_call(call.call_id.as_str()).await;
        }
        h.advance(100.0);
        h.sync().await;
    }
    h.sync().await;
    if std::env::var("SIM_HISTOGRAM").is_ok() {
        let mut hist: std::collections::BTreeMap<&str, usize> = Default::default();
        for e in &h.log {
            *hist.entry(support::kind(e)).or_default() += 1;
        }
        eprintln!("seed {seed}: {hist:?}");
    }
    check(&h.log);
    let left = h.calls().await;
    assert!(left.is_empty(), "calls left: {left:#?}");
}

#[tokio::test]
async fn random_runs_keep_the_pbx_consistent() {
    for seed in 1..=12 {
        random_run(seed, 1500).await;
    }
}
