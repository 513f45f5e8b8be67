//! Agent availability end to end, through every rule of §3.3 of the CTI server notes, in
//! order: logged out → available → on an ACD call (unavailable) → wrap-up (unavailable) →
//! available → on non-ACD calls (incoming internal, incoming external, outgoing internal,
//! outgoing external) → paused in all its queues (unavailable) → logged out. Ringing and
//! ringback never change availability; `availability_since` moves only when availability does.

use ctid_core::Timestamp;
use ctid_core::event::Event;
use ctid_core::ids::AgentId;
use ctid_core::live::{AgentState, Availability as Av, CallDirection};
use ctid_core::{Command, CommandError};

use crate::support::*;

/// Tracks an agent's availability across steps.
struct Tracker {
    agent: AgentId,
    availability: Av,
    since: Timestamp,
}

impl Tracker {
    async fn new(h: &E2e, agent: AgentId) -> Tracker {
        let st = h.agent(agent).await;
        Tracker {
            agent,
            availability: st.availability,
            since: st.availability_since,
        }
    }

    /// After a step: the availability is `expected` (and the XuC state `state`); its `since`
    /// moved to now exactly when it changed, and an `AgentStatus` event said so.
    async fn step(&mut self, h: &E2e, expected: Av, state: AgentState) {
        let st = h.agent(self.agent).await;
        assert_eq!(
            (st.availability, st.state),
            (expected, state),
            "agent {} after the step; events:\n{}",
            self.agent,
            h.dump(h.log.len().saturating_sub(30))
        );
        if expected != self.availability {
            assert_eq!(
                st.availability_since,
                h.clock_now(),
                "since moves on change"
            );
            assert!(
                h.step_agent(self.agent)
                    .iter()
                    .any(|a| a.availability == expected),
                "an AgentStatus event announced {expected:?}"
            );
        } else {
            assert_eq!(
                st.availability_since,
                self.since,
                "since stays without change; statuses: {:#?}",
                h.step_agent(self.agent)
                    .iter()
                    .map(|a| (a.availability, a.state, a.availability_since))
                    .collect::<Vec<_>>()
            );
            assert!(
                h.step_agent(self.agent)
                    .iter()
                    .all(|a| a.availability_since == self.since),
                "no event moved since"
            );
        }
        self.availability = expected;
        self.since = st.availability_since;
    }
}

fn nonacd(direction: CallDirection, internal: bool) -> Av {
    Av::OnCallNonAcd {
        direction,
        internal,
    }
}

#[tokio::test]
async fn availability_through_every_rule() {
    let mut h = E2e::start().await;
    let mut t = Tracker::new(&h, A_CAROL).await;
    t.step(&h, Av::LoggedOut, AgentState::LoggedOut).await;
    h.advance(5.0).await;

    // Rule 6: logged in, nothing else → available.
    h.login(CAROL, A_CAROL).await;
    t.step(&h, Av::Available, AgentState::Ready).await;
    assert_eq!(h.agent(A_CAROL).await.phone_number.as_deref(), Some("1003"));
    assert_eq!(
        h.read(|s| s.agent_on_line(line("1003"))).await,
        Some(A_CAROL)
    );
    h.advance(5.0).await;

    // An ACD call rings: still available.
    let call = h.outside("0612345678", "3001").await;
    t.step(&h, Av::Available, AgentState::Ringing).await;
    h.advance(2.0).await;
    // Rule 2: on an ACD call → unavailable.
    h.answer("1003").await;
    t.step(&h, Av::Unavailable, AgentState::OnCall).await;
    let st = h.agent(A_CAROL).await;
    assert!(st.on_call_acd);
    assert_eq!(st.acd_queue, Some(SALES));
    assert_eq!(st.on_call_nonacd, None);
    h.advance(30.0).await;
    // Rule 5: wrap-up → unavailable (the same availability: since does not move).
    h.hangup_call(&call).await;
    t.step(&h, Av::Unavailable, AgentState::OnWrapup).await;
    assert!(h.agent(A_CAROL).await.on_wrapup);
    h.advance(10.0).await;
    t.step(&h, Av::Available, AgentState::Ready).await;
    h.advance(5.0).await;

    // Rule 3, incoming internal: bob calls carol (ringing keeps availability).
    h.dial("1002", "1003").await;
    t.step(&h, Av::Available, AgentState::Ready).await;
    h.answer("1003").await;
    t.step(
        &h,
        nonacd(CallDirection::Incoming, true),
        AgentState::OnCall,
    )
    .await;
    assert_eq!(
        h.agent(A_CAROL).await.on_call_nonacd,
        Some((CallDirection::Incoming, true))
    );
    h.advance(5.0).await;
    h.hang_up("1002").await;
    t.step(&h, Av::Available, AgentState::Ready).await;

    // Incoming external.
    let call = h.outside("0699887766", "1003").await;
    t.step(&h, Av::Available, AgentState::Ready).await;
    h.answer("1003").await;
    t.step(
        &h,
        nonacd(CallDirection::Incoming, false),
        AgentState::OnCall,
    )
    .await;
    h.advance(5.0).await;
    h.hangup_call(&call).await;
    t.step(&h, Av::Available, AgentState::Ready).await;

    // Outgoing internal: ringback keeps availability (XuC state: dialing).
    h.dial("1003", "1004").await;
    t.step(&h, Av::Available, AgentState::Dialing).await;
    h.answer("1004").await;
    t.step(
        &h,
        nonacd(CallDirection::Outgoing, true),
        AgentState::OnCall,
    )
    .await;
    h.advance(5.0).await;
    h.hang_up("1004").await;
    t.step(&h, Av::Available, AgentState::Ready).await;

    // Outgoing external: the far end answers after 2 s.
    h.dial("1003", "0612345678").await;
    t.step(&h, Av::Available, AgentState::Dialing).await;
    h.advance(2.0).await;
    t.step(
        &h,
        nonacd(CallDirection::Outgoing, false),
        AgentState::OnCall,
    )
    .await;
    // Rule 3 before rule 4: paused everywhere while on a non-ACD call stays non-ACD.
    h.exec_ok(Command::QueuePause {
        requester: CAROL,
        agent: None,
        queue: None,
        paused: true,
        reason: Some("lunch".into()),
    })
    .await;
    t.step(
        &h,
        nonacd(CallDirection::Outgoing, false),
        AgentState::OnCall,
    )
    .await;
    assert!(h.agent(A_CAROL).await.paused);
    h.advance(5.0).await;
    // Rule 4: the call ends, paused in all its queues → unavailable.
    h.hang_up("1003").await;
    t.step(&h, Av::Unavailable, AgentState::OnPause).await;
    let st = h.agent(A_CAROL).await;
    assert_eq!(st.paused_queues, vec![SALES]);
    assert_eq!(st.pause_reason.as_deref(), Some("lunch"));
    // Paused: a queue call does not ring her.
    let call = h.outside("0600000000", "3001").await;
    assert!(h.sim_ringing_lines().is_empty());
    t.step(&h, Av::Unavailable, AgentState::OnPause).await;
    h.hangup_call(&call).await;
    h.advance(5.0).await;

    // Rule 1: logged out.
    h.exec_ok(Command::AgentLogout {
        requester: CAROL,
        agent: None,
    })
    .await;
    t.step(&h, Av::LoggedOut, AgentState::LoggedOut).await;
    assert!(
        h.step_matching(
            |e| matches!(e, Event::AgentLogin { agent, line: None } if *agent == A_CAROL)
        )
        .len()
            == 1
    );
    let st = h.agent(A_CAROL).await;
    assert!(
        !st.paused && st.paused_queues.is_empty(),
        "logoff unpauses: {st:?}"
    );
    let m = h.member(SALES, A_CAROL).await;
    assert!(!m.logged && !m.paused);
    assert_eq!(h.stats(SALES).await.logged_agents, 0);
    assert_eq!(
        h.exec(Command::AgentLogout {
            requester: CAROL,
            agent: None
        })
        .await,
        Err(CommandError::InvalidState(
            "the agent is not logged in".into()
        ))
    );
    h.assert_idle().await;
}

#[tokio::test]
async fn logoff_during_an_acd_call_and_wrapup() {
    let mut h = E2e::start().await;
    h.login(DAVE, A_DAVE).await;
    let call = h.outside("0612345678", "3001").await;
    h.answer("1004").await;
    assert!(h.agent(A_DAVE).await.on_call_acd);
    // A supervisor logs dave off in the middle of the call: the call goes on, the agent is out.
    h.exec_ok(Command::AgentLogout {
        requester: ALICE,
        agent: Some(A_DAVE),
    })
    .await;
    let st = h.agent(A_DAVE).await;
    assert_eq!(st.availability, Av::LoggedOut);
    assert!(!st.on_call_acd);
    assert_eq!(h.hint("1004").await, 1);
    assert_eq!(h.stats(SALES).await.talking_agents, 0);
    h.hangup_call(&call).await;
    // Logged off: no wrap-up shows.
    let st = h.agent(A_DAVE).await;
    assert_eq!(st.availability, Av::LoggedOut);
    assert!(!st.on_wrapup, "{st:?}");
    h.advance(10.0).await;
    // Logging back in: available at once.
    h.login(DAVE, A_DAVE).await;
    assert_eq!(h.agent(A_DAVE).await.availability, Av::Available);
    h.assert_idle().await;
}
