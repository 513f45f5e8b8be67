//! Rights (issue 7, "Rights"): a user acts on their own line's calls and agent only; taking
//! calls waiting elsewhere needs the switchboard right, logging an agent in on another line the
//! hot-desking or supervisor right; chat is capped, rate-limited per sender and signed with the
//! sender's real name. alice has the supervisor profile (supervisor + switchboard), bob the
//! plain user profile, carol..frank the agent profile.

use std::time::Duration;

use super::script::*;
use crate::command::{Command, CommandError, Outcome};
use crate::dataset::Dataset;
use crate::event::Event;
use crate::ids::{AgentId, LineId};
use crate::pbx::{PbxAction, PbxEvent};
use crate::state::{CHAT_BURST, CHAT_REFILL, MAX_CHAT_TEXT_BYTES};

fn answer_cmd(user_id: u32, id: &str) -> Command {
    Command::Answer {
        user: user(user_id),
        uniqueid: Some(uid(id)),
    }
}

fn forbidden(w: &mut World, command: Command) {
    let ran = w.run(command.clone());
    assert!(
        matches!(ran.result, Err(CommandError::Forbidden(_))),
        "{command:?} → {:?}",
        ran.result
    );
    assert!(ran.actions.is_empty(), "a refusal asks nothing of the PBX");
}

#[test]
fn a_plain_user_cannot_take_a_call_ringing_a_colleague() {
    let mut w = World::demo();
    // dave (4) calls carol (3): c1.1 is dave's channel, c1.2 carol's ringing one.
    let call = Leg::new("c1");
    w.feed(internal_dial(&call, 4, 3));
    // The attack: bob answers carol's ringing channel, or dave's calling one.
    forbidden(&mut w, answer_cmd(2, "c1.2"));
    forbidden(&mut w, answer_cmd(2, "c1.1"));
    // Same for a plain agent who is not rung.
    forbidden(&mut w, answer_cmd(5, "c1.2"));
    // The switchboard may (directed pick-up).
    let ran = w.run(answer_cmd(1, "c1.2"));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Pickup {
            waiting: call.b.clone(),
            line: LineId(1)
        }]
    );
    // carol answers her own call.
    let ran = w.run(answer_cmd(3, "c1.2"));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Answer {
            uniqueid: call.b.clone()
        }]
    );
}

#[test]
fn a_plain_user_cannot_take_a_call_from_outside_ringing_another_phone() {
    let mut w = World::demo();
    let call = Leg::new("x1");
    w.feed(incoming_dial(&call, "0612345678", 5));
    forbidden(&mut w, answer_cmd(2, "x1.1"));
    forbidden(&mut w, answer_cmd(2, "x1.2"));
    // eve may take the caller ringing her line through its channel: it is her call.
    let ran = w.run(answer_cmd(5, "x1.1"));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Pickup {
            waiting: call.a.clone(),
            line: LineId(5)
        }]
    );
}

#[test]
fn only_the_switchboard_takes_queued_callers() {
    let mut w = World::demo();
    let caller = uid("q.1");
    w.feed(queue_join(&caller, "0612345678", 2, 1));
    forbidden(&mut w, answer_cmd(2, "q.1"));
    // An agent of the queue who is not rung is a plain user here too.
    forbidden(&mut w, answer_cmd(3, "q.1"));
    let ran = w.run(answer_cmd(1, "q.1"));
    assert_eq!(
        ran.actions,
        vec![PbxAction::Pickup {
            waiting: caller.clone(),
            line: LineId(1)
        }]
    );
    // Once the queue rings carol's agent, the caller is carol's call.
    w.login(1, 3);
    w.feed(agent_rung(2, 1, 3, &caller, &uid("m.1")));
    assert!(matches!(
        w.run(answer_cmd(3, "q.1")).actions.as_slice(),
        [PbxAction::Pickup { .. }]
    ));
    forbidden(&mut w, answer_cmd(2, "q.1"));
    forbidden(&mut w, answer_cmd(2, "m.1"));
}

#[test]
fn a_plain_user_cannot_take_a_call_held_by_someone_else() {
    let mut w = World::demo();
    // carol talks with dave and puts him on hold.
    let call = Leg::new("h1");
    w.feed(internal_dial(&call, 4, 3));
    w.feed(answer(&call));
    w.one(PbxEvent::Hold {
        uniqueid: call.b.clone(),
    });
    forbidden(&mut w, answer_cmd(2, "h1.1"));
    // carol takes back her own held party; the switchboard may take it too.
    assert!(matches!(
        w.run(answer_cmd(3, "h1.1")).actions.as_slice(),
        [PbxAction::Pickup { .. }]
    ));
    assert!(matches!(
        w.run(answer_cmd(1, "h1.1")).actions.as_slice(),
        [PbxAction::Pickup { .. }]
    ));
}

#[test]
fn hangup_and_hold_act_on_the_own_line_only() {
    let mut w = World::demo();
    let call = Leg::new("t1");
    w.feed(internal_dial(&call, 4, 3));
    w.feed(answer(&call));
    for who in [1, 2] {
        for id in ["t1.1", "t1.2"] {
            forbidden(
                &mut w,
                Command::Hangup {
                    user: user(who),
                    uniqueid: Some(uid(id)),
                },
            );
            forbidden(
                &mut w,
                Command::Hold {
                    user: user(who),
                    uniqueid: Some(uid(id)),
                    hold: Some(true),
                },
            );
        }
    }
    // Unknown calls stay `NoCall`.
    assert_eq!(
        w.run(Command::Hangup {
            user: user(2),
            uniqueid: Some(uid("nope.1"))
        })
        .result,
        Err(CommandError::NoCall)
    );
    // Their own: fine.
    assert_eq!(
        w.run(Command::Hangup {
            user: user(3),
            uniqueid: Some(uid("t1.2"))
        })
        .actions,
        vec![PbxAction::Hangup {
            uniqueid: call.b.clone()
        }]
    );
    // Transfers only ever take the own line's current call: bob has none.
    assert_eq!(
        w.run(Command::BlindTransfer {
            user: user(2),
            destination: "1005".into()
        })
        .result,
        Err(CommandError::NoCall)
    );
}

fn agent_login(requester: u32, agent: Option<u32>, number: Option<&str>) -> Command {
    Command::AgentLogin {
        requester: user(requester),
        agent: agent.map(AgentId),
        number: number.map(str::to_owned),
    }
}

#[test]
fn agents_log_in_on_their_own_line_unless_the_profile_allows_more() {
    let mut w = World::demo();
    // carol (agent 1, line 3) on bob's free line 1002, or on alice's.
    forbidden(&mut w, agent_login(3, None, Some("1002")));
    forbidden(&mut w, agent_login(3, Some(1), Some("1001")));
    // Her own line, by number or by default.
    assert_eq!(
        w.run(agent_login(3, None, Some("1003"))).actions,
        vec![PbxAction::AgentLogin {
            agent: AgentId(1),
            line: LineId(3)
        }]
    );
    // A supervisor logs any agent in anywhere.
    assert_eq!(
        w.run(agent_login(1, Some(2), Some("1002"))).actions,
        vec![PbxAction::AgentLogin {
            agent: AgentId(2),
            line: LineId(2)
        }]
    );
    // A hot-desking profile lets agents use any free line.
    let toml = Dataset::demo_toml().replace(
        "name = \"agent\"\n",
        "name = \"agent\"\nagent_login_any_line = true\n",
    );
    let mut w = World::with(Dataset::from_toml_str(&toml).expect("dataset"));
    assert_eq!(
        w.run(agent_login(3, None, Some("1002"))).actions,
        vec![PbxAction::AgentLogin {
            agent: AgentId(1),
            line: LineId(2)
        }]
    );
    // ... but not other agents.
    forbidden(&mut w, agent_login(3, Some(2), Some("1002")));
}

fn chat_to_carol(w: &World, text: &str) -> Command {
    let ds = w.state.dataset();
    Command::Chat {
        from: user(2),
        to_xivo_uuid: ds.xivo_uuid().to_owned(),
        to_user_uuid: ds.user(user(3)).expect("carol").uuid.clone(),
        text: text.to_owned(),
    }
}

#[test]
fn chat_is_signed_with_the_real_name() {
    let mut w = World::demo();
    let cmd = chat_to_carol(&w, "hi, it's Alice");
    assert_eq!(
        w.run(cmd).events,
        vec![Event::Chat {
            from: user(2),
            to: user(3),
            alias: "Bob Bernard".into(),
            text: "hi, it's Alice".into()
        }]
    );
}

#[test]
fn chat_text_is_capped() {
    let mut w = World::demo();
    let cmd = chat_to_carol(&w, &"x".repeat(MAX_CHAT_TEXT_BYTES + 1));
    let ran = w.run(cmd);
    assert!(
        matches!(&ran.result, Err(CommandError::InvalidArgument { field, .. }) if field == "text"),
        "{:?}",
        ran.result
    );
    assert!(ran.events.is_empty());
    let cmd = chat_to_carol(&w, &"é".repeat(MAX_CHAT_TEXT_BYTES / 2));
    assert_eq!(
        w.run(cmd).result,
        Ok(Outcome::Done),
        "4 KiB exactly is fine"
    );
}

#[test]
fn chat_is_rate_limited_per_sender_on_the_injected_clock() {
    let mut w = World::demo();
    for i in 0..CHAT_BURST {
        let cmd = chat_to_carol(&w, &format!("m{i}"));
        assert_eq!(w.run(cmd).result, Ok(Outcome::Done), "message {i}");
    }
    let cmd = chat_to_carol(&w, "one too many");
    let ran = w.run(cmd);
    assert!(
        matches!(ran.result, Err(CommandError::RateLimited(_))),
        "{:?}",
        ran.result
    );
    assert!(ran.events.is_empty(), "nothing is delivered");
    // Another sender is not affected.
    let ds = w.state.dataset().clone();
    let ran = w.run(Command::Chat {
        from: user(4),
        to_xivo_uuid: ds.xivo_uuid().to_owned(),
        to_user_uuid: ds.user(user(3)).expect("carol").uuid.clone(),
        text: "dave here".into(),
    });
    assert_eq!(ran.result, Ok(Outcome::Done));
    // Time refills bob's budget, one message per refill period.
    w.now = w.now.plus(CHAT_REFILL);
    let cmd = chat_to_carol(&w, "later");
    assert_eq!(w.run(cmd).result, Ok(Outcome::Done));
    let cmd = chat_to_carol(&w, "too soon");
    assert!(matches!(
        w.run(cmd).result,
        Err(CommandError::RateLimited(_))
    ));
    w.now = w
        .now
        .plus(CHAT_REFILL * CHAT_BURST + Duration::from_secs(60));
    for i in 0..CHAT_BURST {
        let cmd = chat_to_carol(&w, &format!("again {i}"));
        assert_eq!(w.run(cmd).result, Ok(Outcome::Done));
    }
}
