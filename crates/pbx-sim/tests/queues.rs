//! Queues and agents: distribution by each strategy to available members only, ring timeout
//! and retry, wrap-up, abandon, joinempty / leaveempty / max_wait / max_callers, and the agent
//! and membership events.

mod support;

use ctid_core::dataset::{Dataset, Queue, Strategy};
use ctid_core::ids::{ActionId, AgentId, LineId, QueueId, UniqueId};
use ctid_core::live::{ChannelState, DialStatus};
use ctid_core::pbx::{CompleteReason, PbxAction, PbxEvent};
use ctid_pbx_sim::LineAction;
use support::{Harness, config, kinds};

/// The demo with queue `sales` (3001) changed.
fn sales(f: impl FnOnce(&mut Queue)) -> Harness {
    let mut ds = Dataset::demo().into_tables();
    f(&mut ds.queues[0]);
    Harness::with(Dataset::from_tables(ds).unwrap(), config())
}

/// Line number of each demo agent's user.
fn line_of(agent: AgentId) -> &'static str {
    match agent.0 {
        1 => "1003",
        2 => "1004",
        3 => "1005",
        4 => "1006",
        _ => panic!("no such agent"),
    }
}

/// An outside caller calls a queue, is answered by whoever rings first, talks and hangs up;
/// returns the agent.
async fn one_call(h: &mut Harness, queue_number: &str, queue: u32) -> AgentId {
    let call = h.outside("0612345678", queue_number).await;
    let (agent, _) = h.agent_called(queue).await;
    h.press(line_of(agent), LineAction::Answer).await;
    h.expect("AgentConnect", |e| {
        matches!(e, PbxEvent::AgentConnect { .. })
    })
    .await;
    h.sim.hangup_call(call.as_str()).await.unwrap();
    h.expect("AgentComplete", |e| {
        matches!(e, PbxEvent::AgentComplete { .. })
    })
    .await;
    h.skip_all().await;
    agent
}

#[tokio::test]
async fn ringall_rings_every_available_member_and_the_first_answer_wins() {
    let mut h = Harness::new();
    for (agent, line) in [(1, 3), (2, 4), (3, 5)] {
        h.login(agent, line).await;
    }
    let call = h.outside("0612345678", "3001").await;
    h.state(&call, ChannelState::Up).await;
    h.expect("QueueCallerJoin", |e| {
        *e == PbxEvent::QueueCallerJoin {
            queue: QueueId(1),
            uniqueid: call.clone(),
            position: 1,
            count: 1,
        }
    })
    .await;
    let mut rung = Vec::new();
    for _ in 0..3 {
        rung.push(h.agent_called(1).await);
    }
    let agents: Vec<u32> = rung.iter().map(|(a, _)| a.0).collect();
    assert_eq!(agents, vec![1, 2, 3]);
    h.skip_all().await;
    h.advance(3.0);
    h.press("1004", LineAction::Answer).await;
    let (_, dave) = rung[1].clone();
    let answer = h.rest().await;
    assert_eq!(
        kinds(&answer),
        vec![
            "ChannelStateChanged",
            "DialEnd",
            "DialEnd",
            "Hangup",
            "DialEnd",
            "Hangup",
            "ConnectedLineChanged",
            "QueueCallerLeave",
            "AgentConnect",
            "BridgeEnter",
            "BridgeEnter",
        ]
    );
    assert!(answer.contains(&PbxEvent::DialEnd {
        caller: Some(call.clone()),
        callee: dave.clone(),
        status: DialStatus::Answer
    }));
    for (_, other) in [&rung[0], &rung[2]] {
        assert!(answer.contains(&PbxEvent::DialEnd {
            caller: Some(call.clone()),
            callee: other.clone(),
            status: DialStatus::Cancel
        }));
        assert!(answer.contains(&PbxEvent::Hangup {
            uniqueid: other.clone(),
            cause: 26
        }));
    }
    assert!(answer.contains(&PbxEvent::QueueCallerLeave {
        queue: QueueId(1),
        uniqueid: call.clone(),
        count: 0
    }));
    assert!(answer.contains(&PbxEvent::AgentConnect {
        queue: QueueId(1),
        agent: AgentId(2),
        caller: call.clone(),
        destination: dave.clone(),
        hold_time: 3,
        ring_time: 3
    }));
    h.advance(60.0);
    h.sim.hangup_call(call.as_str()).await.unwrap();
    let end = h.rest().await;
    assert_eq!(
        kinds(&end),
        vec![
            "AgentComplete",
            "BridgeLeave",
            "BridgeLeave",
            "Hangup",
            "Hangup",
            "AgentWrapupStarted"
        ]
    );
    assert_eq!(
        end[0],
        PbxEvent::AgentComplete {
            queue: QueueId(1),
            agent: AgentId(2),
            caller: call.clone(),
            destination: dave.clone(),
            hold_time: 3,
            talk_time: 60,
            reason: CompleteReason::Caller
        }
    );
    assert_eq!(
        end[5],
        PbxEvent::AgentWrapupStarted {
            agent: AgentId(2),
            queue: QueueId(1),
            seconds: 10
        }
    );
    h.advance(9.9);
    h.expect_none("AgentWrapupEnded", |e| {
        matches!(e, PbxEvent::AgentWrapupEnded { .. })
    })
    .await;
    h.advance(0.1);
    h.expect("AgentWrapupEnded", |e| {
        *e == PbxEvent::AgentWrapupEnded { agent: AgentId(2) }
    })
    .await;
}

#[tokio::test]
async fn paused_wrapping_up_unregistered_and_busy_members_are_skipped() {
    let mut h = sales(|q| {
        q.members.push(ctid_core::dataset::QueueMemberConfig {
            agent: AgentId(4),
            penalty: 0,
        })
    });
    for (agent, line) in [(1, 3), (2, 4), (3, 5), (4, 6)] {
        h.login(agent, line).await;
    }
    // agent 2 takes a call and goes into wrap-up
    let call = h.outside("0612345678", "3001").await;
    h.agent_called(1).await;
    h.press("1004", LineAction::Answer).await;
    h.sim.hangup_call(call.as_str()).await.unwrap();
    h.expect("wrap-up", |e| {
        matches!(
            e,
            PbxEvent::AgentWrapupStarted {
                agent: AgentId(2),
                ..
            }
        )
    })
    .await;
    // agent 1 paused in this queue
    h.act(PbxAction::QueuePause {
        queue: Some(QueueId(1)),
        agent: AgentId(1),
        paused: true,
        reason: Some("lunch".into()),
    });
    // agent 3's phone unregistered
    h.press("1005", LineAction::Unregister).await;
    h.skip_all().await;
    // only agent 4 is offered the call
    let call = h.outside("0612345678", "3001").await;
    let (agent, _) = h.agent_called(1).await;
    assert_eq!(agent, AgentId(4));
    h.expect_none("another AgentCalled", |e| {
        matches!(e, PbxEvent::AgentCalled { .. })
    })
    .await;
    // agent 4 answers: a second caller finds nobody (agent 4 busy)
    h.press("1006", LineAction::Answer).await;
    let second = h.outside("0699999999", "3001").await;
    h.expect(
        "QueueCallerJoin",
        |e| matches!(e, PbxEvent::QueueCallerJoin { uniqueid, .. } if *uniqueid == second),
    )
    .await;
    h.expect_none("AgentCalled", |e| matches!(e, PbxEvent::AgentCalled { .. }))
        .await;
    // agent 2's wrap-up ends: the waiting caller is offered at once
    h.advance(10.0);
    h.expect("AgentWrapupEnded", |e| {
        *e == PbxEvent::AgentWrapupEnded { agent: AgentId(2) }
    })
    .await;
    let (agent, _) = h.agent_called(1).await;
    assert_eq!(agent, AgentId(2));
    let _ = call;
}

#[tokio::test]
async fn a_member_becoming_available_is_offered_the_waiting_caller_at_once() {
    let mut h = Harness::new();
    h.login(1, 3).await;
    h.act(PbxAction::QueuePause {
        queue: None,
        agent: AgentId(1),
        paused: true,
        reason: None,
    });
    let call = h.outside("0612345678", "3001").await;
    h.expect("QueueCallerJoin", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { .. })
    })
    .await;
    h.expect_none("AgentCalled", |e| matches!(e, PbxEvent::AgentCalled { .. }))
        .await;
    h.act(PbxAction::QueuePause {
        queue: Some(QueueId(1)),
        agent: AgentId(1),
        paused: false,
        reason: None,
    });
    h.expect("unpause", |e| {
        matches!(e, PbxEvent::QueueMemberPaused { paused: false, .. })
    })
    .await;
    let (agent, _) = h.agent_called(1).await;
    assert_eq!(agent, AgentId(1));
    // a new login is offered too
    let second = h.outside("0699999999", "3001").await;
    h.expect("QueueCallerJoin", |e| matches!(e, PbxEvent::QueueCallerJoin { uniqueid, position: 2, count: 2, .. } if *uniqueid == second))
        .await;
    h.login(2, 4).await;
    let (agent, _) = h.agent_called(1).await;
    assert_eq!(agent, AgentId(2));
    let _ = call;
}

#[tokio::test]
async fn leastrecent_rings_the_member_idle_longest() {
    let mut h = Harness::new();
    h.login(3, 5).await;
    h.login(4, 6).await;
    // queue support (3002) is leastrecent with 10 s of wrap-up
    assert_eq!(one_call(&mut h, "3002", 2).await, AgentId(3));
    h.advance(10.0);
    assert_eq!(one_call(&mut h, "3002", 2).await, AgentId(4));
    h.advance(10.0);
    assert_eq!(one_call(&mut h, "3002", 2).await, AgentId(3));
}

#[tokio::test]
async fn fewestcalls_rings_the_member_with_fewest_calls() {
    let mut h = sales(|q| {
        q.strategy = Strategy::Fewestcalls;
        q.wrapup = 0;
    });
    h.login(1, 3).await;
    h.login(3, 5).await;
    assert_eq!(one_call(&mut h, "3001", 1).await, AgentId(1));
    assert_eq!(one_call(&mut h, "3001", 1).await, AgentId(3));
    h.login(2, 4).await;
    // agent 2 has taken no call yet
    assert_eq!(one_call(&mut h, "3001", 1).await, AgentId(2));
    // all have one call: configuration order
    assert_eq!(one_call(&mut h, "3001", 1).await, AgentId(1));
}

#[tokio::test]
async fn rrmemory_goes_round_in_order() {
    let mut h = sales(|q| {
        q.strategy = Strategy::Rrmemory;
        q.wrapup = 0;
    });
    for (agent, line) in [(1, 3), (2, 4), (3, 5)] {
        h.login(agent, line).await;
    }
    let mut order = Vec::new();
    for _ in 0..4 {
        order.push(one_call(&mut h, "3001", 1).await.0);
    }
    assert_eq!(order, vec![1, 2, 3, 1]);
    // a paused member is passed over
    h.act(PbxAction::QueuePause {
        queue: Some(QueueId(1)),
        agent: AgentId(2),
        paused: true,
        reason: None,
    });
    assert_eq!(one_call(&mut h, "3001", 1).await, AgentId(3));
    assert_eq!(one_call(&mut h, "3001", 1).await, AgentId(1));
}

#[tokio::test]
async fn random_is_one_member_at_a_time_and_seeded() {
    async fn run() -> Vec<u32> {
        let mut h = sales(|q| {
            q.strategy = Strategy::Random;
            q.wrapup = 0;
        });
        for (agent, line) in [(1, 3), (2, 4), (3, 5), (4, 6)] {
            h.login(agent, line).await;
        }
        // agent 4 is not a member of sales; agent 2 is paused
        h.act(PbxAction::QueuePause {
            queue: None,
            agent: AgentId(2),
            paused: true,
            reason: None,
        });
        let mut order = Vec::new();
        for _ in 0..8 {
            let call = h.outside("0612345678", "3001").await;
            let (agent, _) = h.agent_called(1).await;
            h.expect_none("a second AgentCalled", |e| {
                matches!(e, PbxEvent::AgentCalled { .. })
            })
            .await;
            h.press(line_of(agent), LineAction::Answer).await;
            h.sim.hangup_call(call.as_str()).await.unwrap();
            h.skip_all().await;
            order.push(agent.0);
        }
        order
    }
    let first = run().await;
    assert_eq!(first, run().await, "the same seed gives the same choices");
    let distinct: std::collections::HashSet<_> = first.iter().collect();
    assert!(distinct.len() > 1, "{first:?}");
    assert!(first.iter().all(|a| *a == 1 || *a == 3), "{first:?}");
}

#[tokio::test]
async fn ring_timeout_then_retry_goes_to_the_next_member() {
    let mut h = Harness::new();
    h.login(3, 5).await;
    h.login(4, 6).await;
    let call = h.outside("0612345678", "3002").await;
    let (agent, eve) = h.agent_called(2).await;
    assert_eq!(agent, AgentId(3));
    h.skip_all().await;
    h.advance(14.9);
    h.expect_none("AgentRingNoAnswer", |e| {
        matches!(e, PbxEvent::AgentRingNoAnswer { .. })
    })
    .await;
    h.advance(0.1);
    let rna = h.rest().await;
    assert_eq!(
        rna,
        vec![
            PbxEvent::AgentRingNoAnswer {
                queue: QueueId(2),
                agent: AgentId(3),
                caller: call.clone(),
                destination: eve.clone()
            },
            PbxEvent::DialEnd {
                caller: Some(call.clone()),
                callee: eve.clone(),
                status: DialStatus::NoAnswer
            },
            PbxEvent::Hangup {
                uniqueid: eve,
                cause: 19
            },
        ]
    );
    // nothing during the retry pause, even though both members are free
    h.advance(4.9);
    h.expect_none("AgentCalled", |e| matches!(e, PbxEvent::AgentCalled { .. }))
        .await;
    h.advance(0.1);
    let (agent, _) = h.agent_called(2).await;
    assert_eq!(agent, AgentId(4));
    // frank refuses: back to eve after the retry pause
    h.press("1006", LineAction::Hangup).await;
    h.expect("AgentRingNoAnswer", |e| {
        matches!(
            e,
            PbxEvent::AgentRingNoAnswer {
                agent: AgentId(4),
                ..
            }
        )
    })
    .await;
    h.advance(5.0);
    let (agent, _) = h.agent_called(2).await;
    assert_eq!(agent, AgentId(3));
}

#[tokio::test]
async fn ringall_timeout_rings_everyone_again_after_retry() {
    let mut h = Harness::new();
    h.login(1, 3).await;
    h.login(2, 4).await;
    h.outside("0612345678", "3001").await;
    h.agent_called(1).await;
    h.agent_called(1).await;
    h.advance(15.0);
    h.expect("RNA 1", |e| matches!(e, PbxEvent::AgentRingNoAnswer { .. }))
        .await;
    h.expect("RNA 2", |e| matches!(e, PbxEvent::AgentRingNoAnswer { .. }))
        .await;
    h.advance(5.0);
    let (a, _) = h.agent_called(1).await;
    let (b, _) = h.agent_called(1).await;
    assert_eq!((a, b), (AgentId(1), AgentId(2)));
}

#[tokio::test]
async fn a_caller_hanging_up_while_waiting_abandons() {
    let mut h = Harness::new();
    h.login(1, 3).await;
    h.login(2, 4).await;
    let call = h.outside("0612345678", "3001").await;
    let (_, c1) = h.agent_called(1).await;
    let (_, c2) = h.agent_called(1).await;
    h.skip_all().await;
    h.advance(4.0);
    h.sim.hangup_call(call.as_str()).await.unwrap();
    let events = h.rest().await;
    assert_eq!(
        events,
        vec![
            PbxEvent::DialEnd {
                caller: Some(call.clone()),
                callee: c1.clone(),
                status: DialStatus::Cancel
            },
            PbxEvent::Hangup {
                uniqueid: c1,
                cause: 16
            },
            PbxEvent::DialEnd {
                caller: Some(call.clone()),
                callee: c2.clone(),
                status: DialStatus::Cancel
            },
            PbxEvent::Hangup {
                uniqueid: c2,
                cause: 16
            },
            PbxEvent::QueueCallerAbandon {
                queue: QueueId(1),
                uniqueid: call.clone(),
                position: 1,
                original_position: 1,
                hold_time: 4
            },
            PbxEvent::QueueCallerLeave {
                queue: QueueId(1),
                uniqueid: call.clone(),
                count: 0
            },
            PbxEvent::Hangup {
                uniqueid: call,
                cause: 16
            },
        ]
    );
}

#[tokio::test]
async fn positions_move_up_when_a_caller_leaves() {
    let mut h = Harness::new();
    let first = h.outside("0611111111", "3001").await;
    let second = h.outside("0622222222", "3001").await;
    h.expect("second joins", |e| {
        *e == PbxEvent::QueueCallerJoin {
            queue: QueueId(1),
            uniqueid: second.clone(),
            position: 2,
            count: 2,
        }
    })
    .await;
    h.sim.hangup_call(first.as_str()).await.unwrap();
    h.expect("abandon", |e| {
        matches!(e, PbxEvent::QueueCallerAbandon { uniqueid, position: 1, .. } if *uniqueid == first)
    })
    .await;
    h.expect("leave", |e| {
        matches!(e, PbxEvent::QueueCallerLeave { count: 1, .. })
    })
    .await;
    let third = h.outside("0633333333", "3001").await;
    h.expect("third joins", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { uniqueid, position: 2, count: 2, .. } if *uniqueid == third)
    })
    .await;
    h.sim.hangup_call(third.as_str()).await.unwrap();
    h.expect("abandon", |e| {
        matches!(e, PbxEvent::QueueCallerAbandon { uniqueid, position: 2, original_position: 2, .. } if *uniqueid == third)
    })
    .await;
    let calls = h.calls().await;
    assert_eq!(calls[0].channels[0].queue.as_deref(), Some("sales"));
}

/// Two outside callers join `sales`, positions 1 and 2; returns their ids.
async fn two_waiting(h: &mut Harness) -> Vec<UniqueId> {
    let mut calls = Vec::new();
    for position in 1..=2 {
        let call = h.outside("0612345678", "3001").await;
        h.expect("QueueCallerJoin", |e| {
            *e == PbxEvent::QueueCallerJoin {
                queue: QueueId(1),
                uniqueid: call.clone(),
                position,
                count: position,
            }
        })
        .await;
        calls.push(call);
    }
    calls
}

#[tokio::test]
async fn a_full_queue_refuses_the_next_caller_with_cause_34() {
    let mut h = sales(|q| q.max_callers = 2);
    let waiting = two_waiting(&mut h).await;
    let third = h.outside("0612345679", "3001").await;
    h.hangup(&third, 34).await;
    h.expect_none("a third QueueCallerJoin", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { .. })
    })
    .await;
    // the refused caller was never answered (no queue music for it)
    let refused = h.rest().await;
    assert!(!refused.iter().any(|e| matches!(
        e,
        PbxEvent::ChannelStateChanged { uniqueid, state: ChannelState::Up } if *uniqueid == third
    )));
    // once one leaves, there is room again
    h.sim.hangup_call(waiting[0].as_str()).await.unwrap();
    h.expect("QueueCallerLeave", |e| {
        matches!(e, PbxEvent::QueueCallerLeave { count: 1, .. })
    })
    .await;
    let fourth = h.outside("0612345670", "3001").await;
    h.expect(
        "QueueCallerJoin at position 2",
        |e| matches!(e, PbxEvent::QueueCallerJoin { uniqueid, position: 2, .. } if *uniqueid == fourth),
    )
    .await;
}

#[tokio::test]
async fn a_full_queue_sends_the_next_caller_to_its_full_destination() {
    let mut h = sales(|q| {
        q.max_callers = 2;
        q.full_destination = Some("1001".into());
    });
    two_waiting(&mut h).await;
    let third = h.outside("0612345679", "3001").await;
    let ringing = h.created_on(1).await;
    assert_ne!(ringing, third);
    h.expect_none("a third QueueCallerJoin", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { .. })
    })
    .await;
    assert!(h.ringing_on("1001").await == ringing);
}

#[tokio::test]
async fn joinempty_off_refuses_callers_when_nobody_is_logged_in() {
    let mut h = sales(|q| q.joinempty = false);
    let call = h.outside("0612345678", "3001").await;
    h.hangup(&call, 17).await;
    h.expect_none("QueueCallerJoin", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { .. })
    })
    .await;
    // a logged-in (even paused) member lets callers in
    h.login(1, 3).await;
    h.act(PbxAction::QueuePause {
        queue: None,
        agent: AgentId(1),
        paused: true,
        reason: None,
    });
    let call = h.outside("0612345678", "3001").await;
    h.expect(
        "QueueCallerJoin",
        |e| matches!(e, PbxEvent::QueueCallerJoin { uniqueid, .. } if *uniqueid == call),
    )
    .await;
}

#[tokio::test]
async fn leaveempty_sends_callers_away_when_the_last_member_logs_off() {
    let mut h = sales(|q| q.leaveempty = true);
    h.login(1, 3).await;
    h.act(PbxAction::QueuePause {
        queue: None,
        agent: AgentId(1),
        paused: true,
        reason: None,
    });
    let call = h.outside("0612345678", "3001").await;
    h.expect("QueueCallerJoin", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { .. })
    })
    .await;
    h.act(PbxAction::AgentLogoff { agent: AgentId(1) });
    h.expect("AgentLogoff", |e| {
        *e == PbxEvent::AgentLogoff { agent: AgentId(1) }
    })
    .await;
    h.expect("QueueCallerLeave", |e| {
        *e == PbxEvent::QueueCallerLeave {
            queue: QueueId(1),
            uniqueid: call.clone(),
            count: 0,
        }
    })
    .await;
    h.hangup(&call, 16).await;
}

#[tokio::test]
async fn max_wait_sends_callers_away() {
    let mut h = sales(|q| q.max_wait = 30);
    let call = h.outside("0612345678", "3001").await;
    h.expect("QueueCallerJoin", |e| {
        matches!(e, PbxEvent::QueueCallerJoin { .. })
    })
    .await;
    h.advance(29.0);
    h.expect_none("QueueCallerLeave", |e| {
        matches!(e, PbxEvent::QueueCallerLeave { .. })
    })
    .await;
    h.advance(1.0);
    h.expect(
        "QueueCallerLeave",
        |e| matches!(e, PbxEvent::QueueCallerLeave { uniqueid, .. } if *uniqueid == call),
    )
    .await;
    h.hangup(&call, 16).await;
    h.expect_none("QueueCallerAbandon", |e| {
        matches!(e, PbxEvent::QueueCallerAbandon { .. })
    })
    .await;
}

#[tokio::test]
async fn agent_and_membership_events() {
    let mut h = Harness::new();
    h.act(PbxAction::AgentLogin {
        agent: AgentId(1),
        line: LineId(3),
    });
    h.act(PbxAction::QueuePause {
        queue: None,
        agent: AgentId(3),
        paused: true,
        reason: Some("break".into()),
    });
    h.act(PbxAction::QueuePause {
        queue: Some(QueueId(2)),
        agent: AgentId(3),
        paused: false,
        reason: Some("ignored when unpausing".into()),
    });
    h.act(PbxAction::QueueAdd {
        queue: QueueId(2),
        agent: AgentId(1),
        penalty: 2,
    });
    h.act(PbxAction::QueueAdd {
        queue: QueueId(2),
        agent: AgentId(1),
        penalty: 5,
    });
    h.act(PbxAction::QueueRemove {
        queue: QueueId(2),
        agent: AgentId(1),
    });
    h.act(PbxAction::QueueRemove {
        queue: QueueId(2),
        agent: AgentId(1),
    });
    // a second agent on the same line logs the first off
    h.act(PbxAction::AgentLogin {
        agent: AgentId(2),
        line: LineId(3),
    });
    h.act(PbxAction::AgentLogoff { agent: AgentId(2) });
    h.act(PbxAction::AgentLogoff { agent: AgentId(2) });
    let events = h.rest().await;
    assert_eq!(
        events,
        vec![
            PbxEvent::AgentLogin {
                agent: AgentId(1),
                line: LineId(3)
            },
            PbxEvent::QueueMemberPaused {
                queue: QueueId(1),
                agent: AgentId(3),
                paused: true,
                reason: Some("break".into())
            },
            PbxEvent::QueueMemberPaused {
                queue: QueueId(2),
                agent: AgentId(3),
                paused: true,
                reason: Some("break".into())
            },
            PbxEvent::QueueMemberPaused {
                queue: QueueId(2),
                agent: AgentId(3),
                paused: false,
                reason: None
            },
            PbxEvent::QueueMemberAdded {
                queue: QueueId(2),
                agent: AgentId(1),
                penalty: 2,
                paused: false
            },
            PbxEvent::QueueMemberPenalty {
                queue: QueueId(2),
                agent: AgentId(1),
                penalty: 5
            },
            PbxEvent::QueueMemberRemoved {
                queue: QueueId(2),
                agent: AgentId(1)
            },
            PbxEvent::ActionFailed {
                action: ActionId(1007),
                reason: "removal of a non-member".into(),
            },
            PbxEvent::AgentLogoff { agent: AgentId(1) },
            PbxEvent::AgentLogin {
                agent: AgentId(2),
                line: LineId(3)
            },
            PbxEvent::AgentLogoff { agent: AgentId(2) },
            PbxEvent::ActionFailed {
                action: ActionId(1010),
                reason: "logoff of an agent that is not logged in".into(),
            },
        ]
    );
    // unknown agents and queues: refused
    h.act(PbxAction::AgentLogin {
        agent: AgentId(99),
        line: LineId(3),
    });
    h.act(PbxAction::QueueAdd {
        queue: QueueId(99),
        agent: AgentId(1),
        penalty: 0,
    });
    h.act(PbxAction::QueuePause {
        queue: Some(QueueId(99)),
        agent: AgentId(1),
        paused: true,
        reason: None,
    });
    assert_eq!(
        kinds(&h.rest().await),
        vec!["ActionFailed", "ActionFailed", "ActionFailed"]
    );
}

#[tokio::test]
async fn agent_hangup_completes_with_reason_agent_and_transfer_with_reason_transfer() {
    let mut h = Harness::new();
    h.login(1, 3).await;
    let call = h.outside("0612345678", "3001").await;
    h.agent_called(1).await;
    h.press("1003", LineAction::Answer).await;
    h.press("1003", LineAction::Hangup).await;
    h.expect("AgentComplete agent", |e| {
        matches!(
            e,
            PbxEvent::AgentComplete {
                reason: CompleteReason::Agent,
                ..
            }
        )
    })
    .await;
    h.hangup(&call, 16).await;
    h.advance(10.0);
    h.expect("wrap-up over", |e| {
        matches!(e, PbxEvent::AgentWrapupEnded { .. })
    })
    .await;
    let call = h.outside("0612345678", "3001").await;
    let (_, carol) = h.agent_called(1).await;
    h.press("1003", LineAction::Answer).await;
    h.act(PbxAction::BlindTransfer {
        uniqueid: carol.clone(),
        destination: "1001".into(),
    });
    h.expect("AgentComplete transfer", |e| {
        matches!(e, PbxEvent::AgentComplete { reason: CompleteReason::Transfer, caller, .. } if *caller == call)
    })
    .await;
    h.expect("BlindTransfer", |e| {
        matches!(e, PbxEvent::BlindTransfer { .. })
    })
    .await;
    h.expect("wrap-up", |e| {
        matches!(e, PbxEvent::AgentWrapupStarted { .. })
    })
    .await;
    let a: UniqueId = h.created_on(1).await;
    h.state(&a, ChannelState::Ringing).await;
}

#[tokio::test]
async fn logging_off_stops_the_agents_ringing_queue_call() {
    let mut h = Harness::new();
    h.login(1, 3).await;
    h.login(2, 4).await;
    let call = h.outside("0612345678", "3001").await;
    let (_, carol) = h.agent_called(1).await;
    let (_, dave) = h.agent_called(1).await;
    h.skip_all().await;
    h.act(PbxAction::AgentLogoff { agent: AgentId(1) });
    let events = h.rest().await;
    assert_eq!(
        events,
        vec![
            PbxEvent::AgentLogoff { agent: AgentId(1) },
            PbxEvent::DialEnd {
                caller: Some(call.clone()),
                callee: carol.clone(),
                status: DialStatus::Cancel
            },
            PbxEvent::Hangup {
                uniqueid: carol,
                cause: 16
            },
        ]
    );
    // dave still rings and can take the call
    h.press("1004", LineAction::Answer).await;
    h.expect("AgentConnect", |e| {
        matches!(e, PbxEvent::AgentConnect { agent: AgentId(2), destination, .. } if *destination == dave)
    })
    .await;
}
