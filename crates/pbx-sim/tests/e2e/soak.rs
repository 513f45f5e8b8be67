//! A soak: a seeded random mix of outside calls, phone buttons, answers, hangups, holds,
//! transfers, click-to-dial, call data, agent logins, logouts and pauses, presence and DND
//! changes over several virtual minutes. Every step goes through the harness's barrier, so the
//! event/state and core/sim consistency checks run after each one. At the end everybody hangs
//! up: every hint is back to idle (or unavailable when unregistered), no channel is left in
//! the core or the sim, no caller waits and no agent is on a call.

use std::collections::BTreeMap;

use ctid_core::Command;
use ctid_core::event::Event;
use ctid_core::ids::{AgentId, UserId};
use ctid_core::live::{ForwardKind, ServiceChange};
use ctid_pbx_sim::LineAction;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

use crate::support::*;

const LINES: &[&str] = &["1001", "1002", "1003", "1004", "1005", "1006"];
const USERS: &[UserId] = &[ALICE, BOB, CAROL, DAVE, EVE, FRANK];
const AGENTS: &[(UserId, AgentId)] = &[
    (CAROL, A_CAROL),
    (DAVE, A_DAVE),
    (EVE, A_EVE),
    (FRANK, A_FRANK),
];
const TARGETS: &[&str] = &[
    "1001", "1002", "1003", "1004", "1005", "1006", "3001", "3001", "3001", "3002", "3002", "4000",
    "*971003",
];
const EXTERNAL: &[&str] = &["0612345678", "0699887766", "0033144556677"];
const PRESENCES: &[&str] = &[
    "available",
    "away",
    "outtolunch",
    "donotdisturb",
    "berightback",
];

/// The lines with a channel doing `activity` in the sim (at the last barrier).
fn lines_with(h: &E2e, activity: &str) -> Vec<String> {
    h.sim_calls
        .iter()
        .flat_map(|c| &c.channels)
        .filter(|c| c.activity == activity)
        .filter_map(|c| c.line.clone())
        .collect()
}

/// A line, most often one doing `activity` when there is one.
fn pick_line(h: &E2e, rng: &mut StdRng, activity: &str) -> String {
    let busy = lines_with(h, activity);
    match busy.choose(rng) {
        Some(l) if rng.random_bool(0.8) => l.clone(),
        _ => (*LINES.choose(rng).unwrap()).to_owned(),
    }
}

/// The owner of a line (demo dataset: line n belongs to user n).
fn owner(number: &str) -> UserId {
    UserId(line(number).0)
}

/// One random step.
async fn step(h: &mut E2e, rng: &mut StdRng) {
    let talking = pick_line(h, rng, "talking");
    let user = owner(&talking);
    let anyone = *USERS.choose(rng).unwrap();
    let number = talking.as_str();
    match rng.random_range(0..100u32) {
        0..=11 => {
            let from = format!("06{:08}", rng.random_range(0..100_000_000u32));
            let to = *TARGETS.choose(rng).unwrap();
            h.outside(&from, to).await;
        }
        12..=18 => {
            let to = if rng.random_bool(0.25) {
                *EXTERNAL.choose(rng).unwrap()
            } else {
                *TARGETS.choose(rng).unwrap()
            };
            let _ = h
                .try_press(number, LineAction::Dial { to: to.into() })
                .await;
        }
        19..=36 => {
            let ringing = pick_line(h, rng, "ringing");
            let _ = h.try_press(&ringing, LineAction::Answer).await;
        }
        37..=46 => {
            let _ = h.try_press(number, LineAction::Hangup).await;
        }
        47..=54 => {
            // An outside party (or a call's first channel) hangs up.
            let calls: Vec<_> = h.sim_calls.iter().map(|c| c.call_id.clone()).collect();
            if let Some(call) = calls.choose(rng) {
                let call = call.clone();
                h.hangup_call(&call).await;
            }
        }
        55..=58 => {
            let action = if rng.random_bool(0.5) {
                LineAction::Hold
            } else {
                LineAction::Resume
            };
            let _ = h.try_press(number, action).await;
        }
        59..=62 => {
            let to = *TARGETS[..6].choose(rng).unwrap();
            let _ = h
                .exec(Command::BlindTransfer {
                    user,
                    destination: to.into(),
                })
                .await;
        }
        63..=66 => {
            let to = *TARGETS[..6].choose(rng).unwrap();
            let _ = h
                .exec(Command::AttendedTransfer {
                    user,
                    destination: to.into(),
                })
                .await;
        }
        67..=69 => {
            let cmd = if rng.random_bool(0.5) {
                Command::CompleteTransfer { user }
            } else {
                Command::CancelTransfer { user }
            };
            let _ = h.exec(cmd).await;
        }
        70..=72 => {
            let to = *TARGETS.choose(rng).unwrap();
            let _ = h
                .exec(Command::Dial {
                    user: anyone,
                    destination: to.into(),
                    variables: vec![("soak".into(), "1".into())],
                    from_mobile: rng.random_bool(0.2),
                })
                .await;
        }
        73..=74 => {
            let _ = h
                .exec(Command::SetCallData {
                    user,
                    variables: vec![("step".into(), rng.random_range(0..1000u32).to_string())],
                })
                .await;
        }
        75..=76 => {
            let _ = h
                .exec(Command::Hold {
                    user,
                    uniqueid: None,
                    hold: None,
                })
                .await;
        }
        77..=80 => {
            let (u, a) = *AGENTS.choose(rng).unwrap();
            let _ = h
                .exec(Command::AgentLogin {
                    requester: u,
                    agent: Some(a),
                    number: None,
                })
                .await;
        }
        81 => {
            let (u, a) = *AGENTS.choose(rng).unwrap();
            let _ = h
                .exec(Command::AgentLogout {
                    requester: u,
                    agent: Some(a),
                })
                .await;
        }
        82..=84 => {
            let (u, _) = *AGENTS.choose(rng).unwrap();
            let queue = [None, Some(SALES), Some(SUPPORT)]
                .choose(rng)
                .copied()
                .flatten();
            let _ = h
                .exec(Command::QueuePause {
                    requester: u,
                    agent: None,
                    queue,
                    paused: rng.random_bool(0.5),
                    reason: None,
                })
                .await;
        }
        85..=86 => {
            let _ = h
                .exec(Command::SetPresence {
                    user: anyone,
                    status: (*PRESENCES.choose(rng).unwrap()).into(),
                })
                .await;
        }
        87 => {
            let change = match rng.random_range(0..3u32) {
                0 => ServiceChange::Dnd(rng.random_bool(0.3)),
                1 => ServiceChange::Forward {
                    kind: ForwardKind::NoAnswer,
                    enabled: Some(rng.random_bool(0.3)),
                    destination: Some((*TARGETS[..6].choose(rng).unwrap()).into()),
                },
                _ => ServiceChange::Voicemail(rng.random_bool(0.7)),
            };
            let _ = h
                .exec(Command::SetService {
                    requester: anyone,
                    target: anyone,
                    change,
                })
                .await;
        }
        88 => {
            let action = if rng.random_bool(0.5) {
                LineAction::Unregister
            } else {
                LineAction::Register
            };
            let _ = h.try_press(number, action).await;
        }
        89 => {
            let _ = h
                .exec(Command::Answer {
                    user,
                    uniqueid: None,
                })
                .await;
        }
        _ => {
            let secs = *[0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 15.0].choose(rng).unwrap();
            h.advance(secs).await;
        }
    }
}

/// Hangs everything up and lets every timer run out.
async fn wind_down(h: &mut E2e) {
    for line in LINES {
        let _ = h.try_press(line, LineAction::Register).await;
    }
    for _ in 0..50 {
        h.settle().await;
        if h.sim_calls.is_empty() {
            break;
        }
        let calls: Vec<_> = h.sim_calls.iter().map(|c| c.call_id.clone()).collect();
        for call in calls {
            if h.sim_calls.iter().any(|c| c.call_id == call) {
                h.hangup_call(&call).await;
            }
        }
        h.advance(1.0).await;
    }
    // Wrap-ups and retries run out.
    h.advance(60.0).await;
}

async fn soak(seed: u64, steps: usize) {
    let mut h = E2e::start().await;
    for (u, a) in AGENTS {
        h.login(*u, *a).await;
    }
    let mut rng = StdRng::seed_from_u64(seed);
    for i in 0..steps {
        step(&mut h, &mut rng).await;
        if i % 150 == 149 {
            // Back to a quiet world now and then, so that calls start from idle lines again.
            wind_down(&mut h).await;
            h.assert_idle().await;
        }
    }
    let tally = tally(&h.log);
    eprintln!("soak seed {seed}: {tally:#?}");
    for (what, min) in [
        ("hint 8", 20),
        ("hint 9", 1),
        ("hint 16", 5),
        ("phone Ringing", 20),
        ("phone OnHold", 5),
        ("agent on an ACD call", 5),
        ("agent Unavailable", 5),
        (
            "agent OnCallNonAcd { direction: Incoming, internal: false }",
            1,
        ),
        ("attended transfer Completed", 1),
        ("attended transfer Cancelled", 1),
        ("queue caller left", 10),
        ("voicemail", 3),
        ("conference", 3),
        ("call logged", 50),
    ] {
        let n = tally.get(what).copied().unwrap_or(0);
        assert!(
            n >= min,
            "the soak exercised {what} {n} times (< {min}): {tally:#?}"
        );
    }
    let elapsed = h.clock_now().since(ctid_core::ManualClock::DEFAULT_START);
    assert!(
        elapsed.as_secs() >= 180,
        "a few virtual minutes: {elapsed:?}"
    );
    wind_down(&mut h).await;
    h.assert_idle().await;
    let channels = h.read(|s| s.channel_count()).await;
    assert_eq!(channels, 0);
}

#[tokio::test]
async fn soak_seed_1() {
    soak(1, 600).await;
}

#[tokio::test]
async fn soak_seed_2() {
    soak(2, 600).await;
}

#[tokio::test]
async fn soak_seed_3() {
    soak(3, 600).await;
}

/// How often the soak went through some interesting states.
fn tally(log: &[Event]) -> BTreeMap<String, usize> {
    let mut tally = BTreeMap::<String, usize>::new();
    for e in log {
        let key = match e {
            Event::LineHint { hint, .. } => format!("hint {}", hint.code()),
            Event::Phone(p) => format!("phone {:?}", p.kind),
            Event::AgentStatus { status: a, .. } if a.on_call_acd => {
                "agent on an ACD call".to_owned()
            }
            Event::AgentStatus { status: a, .. } => format!("agent {:?}", a.availability),
            Event::AttendedTransfer { state, .. } => format!("attended transfer {state:?}"),
            Event::QueueEntries { .. } => "queue caller left".to_owned(),
            Event::Voicemail { .. } => "voicemail".to_owned(),
            Event::Conference { .. } => "conference".to_owned(),
            Event::CallLogged(_) => "call logged".to_owned(),
            _ => continue,
        };
        *tally.entry(key).or_default() += 1;
    }
    tally
}
