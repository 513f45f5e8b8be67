//! A throughput smoke test (ignored by default; run it in release mode):
//! `cargo test --release -p ctid-core perf -- --ignored --nocapture`.
//! 1,000 agents logged in on 1,000 lines, 10 queues of 100 members, queue calls shaped like AMI
//! streams with about 500 calls in progress at any time.

use std::fmt::Write as _;
use std::time::Instant;

use super::script::*;
use crate::dataset::Dataset;
use crate::event::Event;
use crate::ids::{AgentId, QueueId};
use crate::pbx::PbxEvent;

fn big_dataset(agents: u32, queues: u32) -> Dataset {
    let mut t = String::new();
    for i in 1..=agents {
        let _ = write!(
            t,
            "[[users]]\nid = {i}\nlogin = \"u{i}\"\nfirstname = \"User{i}\"\nline = {i}\nprofile = 1\n\n\
             [[lines]]\nid = {i}\nnumber = \"{}\"\n\n\
             [[agents]]\nid = {i}\nnumber = \"{}\"\nuser = {i}\n\n",
            10_000 + i,
            20_000 + i
        );
    }
    for q in 1..=queues {
        let members: Vec<String> = (1..=agents)
            .filter(|a| a % queues == q - 1)
            .map(|a| format!("{{ agent = {a} }}"))
            .collect();
        let _ = write!(
            t,
            "[[queues]]\nid = {q}\nname = \"q{q}\"\nnumber = \"{}\"\nmembers = [{}]\n\n",
            30_000 + q,
            members.join(", ")
        );
    }
    t.push_str(
        "[[profiles]]\nid = 1\nname = \"agent\"\n\n[[presence_groups]]\nname = \"default\"\n\
         [[presence_groups.statuses]]\nname = \"available\"\nlongname = \"Available\"\ncolor = \"#00FF00\"\n",
    );
    Dataset::from_toml_str(&t).expect("generated dataset")
}

fn call_start(i: u32, agent: u32, queue: u32) -> Vec<PbxEvent> {
    let caller = uid(&format!("{i}.1"));
    let member = uid(&format!("{i}.2"));
    let mut events = queue_join(&caller, "0612345678", queue, 1);
    events.extend(agent_rung(queue, agent, agent, &caller, &member));
    for n in 0..5 {
        events.push(PbxEvent::VarSet {
            uniqueid: member.clone(),
            name: if n % 2 == 0 {
                format!("XIVO_V{n}")
            } else {
                format!("OTHER{n}")
            },
            value: "value".into(),
        });
    }
    events.extend(agent_answers(queue, agent, &caller, &member, 3));
    events
}

fn call_end(i: u32, agent: u32, queue: u32) -> Vec<PbxEvent> {
    let caller = uid(&format!("{i}.1"));
    let member = uid(&format!("{i}.2"));
    let mut events = queue_call_ends(queue, agent, &caller, &member);
    events.push(PbxEvent::AgentWrapupStarted {
        agent: AgentId(agent),
        queue: QueueId(queue),
        seconds: 5,
    });
    events.push(PbxEvent::AgentWrapupEnded {
        agent: AgentId(agent),
    });
    events
}

#[test]
#[ignore = "throughput measurement; run in release mode"]
fn perf_queue_calls_with_1000_agents() {
    let agents = 1000;
    let queues = 10;
    let mut w = World::with(big_dataset(agents, queues));
    for a in 1..=agents {
        w.login(a, a);
    }
    let calls = 20_000u32;
    let in_flight = 500u32;
    let agent_of = |i: u32| i % agents + 1;
    let queue_of = |a: u32| (a - 1) % queues + 1;
    // Pre-build the stream so that only `apply` is measured.
    let mut stream = Vec::new();
    for i in 0..calls + in_flight {
        if i < calls {
            let a = agent_of(i);
            stream.extend(call_start(i, a, queue_of(a)));
        }
        if i >= in_flight {
            let j = i - in_flight;
            let a = agent_of(j);
            stream.extend(call_end(j, a, queue_of(a)));
        }
    }
    let mut out: Vec<Event> = Vec::with_capacity(64);
    let mut emitted = 0usize;
    let started = Instant::now();
    for (n, e) in stream.iter().enumerate() {
        if n % 200 == 0 {
            w.advance(1);
        }
        w.state.apply(w.now, e, &mut out);
        emitted += out.len();
        out.clear();
    }
    let elapsed = started.elapsed();
    let rate = stream.len() as f64 / elapsed.as_secs_f64();
    println!(
        "{} events in {:?}: {:.0} events/s, {} domain events emitted",
        stream.len(),
        elapsed,
        rate,
        emitted
    );
    assert_eq!(w.state.channel_count(), 0);
}
