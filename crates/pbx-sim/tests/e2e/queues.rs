//! Queue calls end to end: agents log in through the core, outside callers dial queues, and for
//! each strategy (ringall, leastrecent, fewestcalls, rrmemory, random) only the available
//! members ring — not a paused one, not one in wrap-up. At every step (join, ring, connect,
//! hangup, wrap-up start and end) the live counters, waiting callers and memberships are
//! checked through the state and the `QueueStats` / `QueueEntries` / `QueueMember` events; the
//! window statistics after an abandoned call.

use std::time::Duration;

use ctid_core::Command;
use ctid_core::dataset::Dataset;
use ctid_core::event::Event;
use ctid_core::ids::{AgentId, QueueId, UserId};
use ctid_core::live::{
    AgentState, Availability, CallDirection, MemberDeviceStatus as D, PhoneEventKind as K,
    QueueLiveStats,
};

use crate::support::*;

/// (logged, available, talking, waiting) of a queue's live counters.
fn counts(s: &QueueLiveStats) -> (u32, u32, u32, u32) {
    (
        s.logged_agents,
        s.available_agents,
        s.talking_agents,
        s.waiting_calls,
    )
}

async fn assert_counts(h: &E2e, queue: QueueId, expected: (u32, u32, u32, u32)) {
    let s = h.stats(queue).await;
    assert_eq!(
        counts(&s),
        expected,
        "queue {queue} (logged, available, talking, waiting): {s:?}\nevents of the step:\n{}",
        h.dump(h.log.len().saturating_sub(40))
    );
}

/// The agents the core shows ringing for a queue call.
async fn ringing_agents(h: &E2e) -> Vec<AgentId> {
    h.read(|s| {
        s.agent_statuses()
            .filter(|a| a.state == AgentState::Ringing)
            .map(|a| a.agent)
            .collect()
    })
    .await
}

/// Asserts which lines ring (in the sim) and which agents ring (in the core, hence in the
/// events too).
async fn assert_rung(h: &E2e, lines: &[&str], agents: &[AgentId]) {
    assert_eq!(h.sim_ringing_lines(), lines, "lines ringing in the sim");
    assert_eq!(
        ringing_agents(h).await,
        agents,
        "agents ringing in the core"
    );
    // The events agree with the state at every step (checked by `settle`).
}

/// The `QueueEntries` of the last step for a queue: the number of callers each announced.
fn step_entries(h: &E2e, queue: QueueId) -> Vec<usize> {
    h.step_events()
        .iter()
        .filter_map(|e| match e {
            Event::QueueEntries { queue: q, entries } if *q == queue => Some(entries.len()),
            _ => None,
        })
        .collect()
}

/// The `QueueMember` device statuses of the last step for one membership.
fn step_member(h: &E2e, queue: QueueId, agent: AgentId) -> Vec<D> {
    h.step_events()
        .iter()
        .filter_map(|e| match e {
            Event::QueueMember { status: m, .. } if m.queue == queue && m.agent == agent => {
                Some(m.status)
            }
            _ => None,
        })
        .collect()
}

async fn login(h: &mut E2e, user: UserId, agent: AgentId) {
    h.login(user, agent).await;
    assert!(
        h.step_matching(
            |e| matches!(e, Event::AgentLogin { agent: a, line: Some(_) } if *a == agent)
        )
        .len()
            == 1
    );
    let st = h.agent(agent).await;
    assert_eq!(st.availability, Availability::Available);
    for q in st.queues.clone() {
        let m = h.member(q, agent).await;
        assert!(m.logged);
        assert_eq!(m.status, D::NotInUse);
    }
}

async fn pause(h: &mut E2e, user: UserId, queue: Option<QueueId>, paused: bool) {
    h.exec_ok(Command::QueuePause {
        requester: user,
        agent: None,
        queue,
        paused,
        reason: paused.then(|| "break".to_owned()),
    })
    .await;
}

/// One queue call: an outside caller dials the queue, `expected` rings, answers after 2 s,
/// talks 10 s and hangs up; the member's wrap-up then runs out.
async fn one_call(h: &mut E2e, queue_number: &str, expected: &str, agent: AgentId) {
    let call = h.outside("0600000000", queue_number).await;
    assert_rung(h, &[expected], &[agent]).await;
    h.advance(2.0).await;
    h.answer(expected).await;
    assert!(h.agent(agent).await.on_call_acd);
    h.advance(10.0).await;
    h.hangup_call(&call).await;
    assert!(h.agent(agent).await.on_wrapup);
    h.advance(10.0).await;
    assert_eq!(h.agent(agent).await.availability, Availability::Available);
}

#[tokio::test]
async fn ringall_rings_only_available_members() {
    let mut h = E2e::start().await;
    assert_counts(&h, SALES, (0, 0, 0, 0)).await;
    login(&mut h, CAROL, A_CAROL).await;
    assert_counts(&h, SALES, (1, 1, 0, 0)).await;
    assert_eq!(h.step_stats(SALES).len(), 1);
    login(&mut h, DAVE, A_DAVE).await;
    login(&mut h, EVE, A_EVE).await;
    assert_counts(&h, SALES, (3, 3, 0, 0)).await;
    assert_counts(&h, SUPPORT, (1, 1, 0, 0)).await;

    // Eve takes a support call (she is its only logged member) and ends in wrap-up.
    let support_call = h.outside("0611111111", "3002").await;
    assert_rung(&h, &["1005"], &[A_EVE]).await;
    h.answer("1005").await;
    assert_counts(&h, SALES, (3, 2, 1, 0)).await;
    h.hangup_call(&support_call).await;
    let eve = h.agent(A_EVE).await;
    assert!(eve.on_wrapup);
    assert_eq!(eve.availability, Availability::Unavailable);
    assert_eq!(eve.state, AgentState::OnWrapup);
    assert_counts(&h, SALES, (3, 2, 0, 0)).await;
    // Dave pauses in sales, his only queue: unavailable.
    pause(&mut h, DAVE, Some(SALES), true).await;
    let dave = h.agent(A_DAVE).await;
    assert!(dave.paused);
    assert_eq!(dave.availability, Availability::Unavailable);
    assert_eq!(dave.pause_reason.as_deref(), Some("break"));
    assert!(h.member(SALES, A_DAVE).await.paused);
    assert_counts(&h, SALES, (3, 1, 0, 0)).await;

    // A caller joins sales: only carol rings.
    let call = h.outside("0612345678", "3001").await;
    assert_eq!(step_entries(&h, SALES), vec![1]);
    assert_counts(&h, SALES, (3, 1, 0, 1)).await;
    assert!(h.step_stats(SALES).iter().any(|s| s.waiting_calls == 1));
    let entries = h.entries(SALES).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].uniqueid, call);
    assert_eq!(entries[0].number, "0612345678");
    assert_eq!(entries[0].position, 1);
    assert_rung(&h, &["1003"], &[A_CAROL]).await;
    assert_eq!(step_member(&h, SALES, A_CAROL), vec![D::Ringing]);
    let ring = h.step_phones("1003");
    assert_eq!(ring.len(), 1);
    assert_eq!(ring[0].kind, K::Ringing);
    assert_eq!(ring[0].queue, Some(SALES));
    assert_eq!(ring[0].other_dn, "0612345678");
    assert_eq!(ring[0].direction, CallDirection::Incoming);
    assert_eq!(h.stats(SALES).await.longest_wait, Some(0));
    let carol = h.agent(A_CAROL).await;
    assert_eq!(
        carol.availability,
        Availability::Available,
        "ringing keeps availability"
    );
    assert_eq!(carol.acd_queue, Some(SALES));

    // The caller waits 6 s.
    h.advance(6.0).await;
    assert_eq!(h.stats(SALES).await.longest_wait, Some(6));
    assert_rung(&h, &["1003"], &[A_CAROL]).await;

    // Carol answers.
    h.answer("1003").await;
    assert_eq!(step_entries(&h, SALES), vec![0]);
    assert_counts(&h, SALES, (3, 0, 1, 0)).await;
    let s = h.stats(SALES).await;
    assert_eq!(s.longest_wait, None);
    assert_eq!(s.ewt, 6 / 4, "running hold-time average");
    assert_eq!(step_member(&h, SALES, A_CAROL), vec![D::InUse]);
    let carol = h.agent(A_CAROL).await;
    assert!(carol.on_call_acd);
    assert_eq!(carol.availability, Availability::Unavailable);
    assert_eq!(carol.state, AgentState::OnCall);
    assert_eq!(h.step_phone_kinds("1003"), vec![K::Established]);
    assert_eq!(h.step_phones("1003")[0].queue, Some(SALES));

    // They talk; eve's wrap-up runs out meanwhile.
    h.advance(30.0).await;
    let eve = h.agent(A_EVE).await;
    assert!(!eve.on_wrapup);
    assert_eq!(eve.availability, Availability::Available);
    assert_counts(&h, SALES, (3, 1, 1, 0)).await;

    // The caller hangs up: carol's wrap-up starts.
    h.hangup_call(&call).await;
    let carol = h.agent(A_CAROL).await;
    assert!(!carol.on_call_acd);
    assert!(carol.on_wrapup);
    assert_eq!(carol.availability, Availability::Unavailable);
    assert_eq!(carol.state, AgentState::OnWrapup);
    let m = h.member(SALES, A_CAROL).await;
    assert_eq!(m.calls_taken, 1);
    assert_eq!(m.last_call, Some(h.clock_now()));
    assert_eq!(m.status, D::NotInUse);
    assert_counts(&h, SALES, (3, 1, 0, 0)).await;
    let log = h.call_log(CAROL);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].duration_secs(), 30.0);

    // Wrap-up (10 s) ends.
    h.advance(9.0).await;
    assert!(h.agent(A_CAROL).await.on_wrapup);
    h.advance(1.0).await;
    let carol = h.agent(A_CAROL).await;
    assert!(!carol.on_wrapup);
    assert_eq!(carol.availability, Availability::Available);
    assert_eq!(carol.state, AgentState::Ready);
    assert_counts(&h, SALES, (3, 2, 0, 0)).await;

    // Dave back: a new caller rings all three at once; dave answers, the others stop.
    pause(&mut h, DAVE, Some(SALES), false).await;
    assert_counts(&h, SALES, (3, 3, 0, 0)).await;
    let call = h.outside("0699999999", "3001").await;
    assert_rung(&h, &["1003", "1004", "1005"], &[A_CAROL, A_DAVE, A_EVE]).await;
    h.answer("1004").await;
    assert_rung(&h, &[], &[]).await;
    assert_eq!(h.step_phone_kinds("1003"), vec![K::Released]);
    assert_eq!(h.step_phone_kinds("1005"), vec![K::Released]);
    assert_counts(&h, SALES, (3, 2, 1, 0)).await;
    for a in [A_CAROL, A_EVE] {
        let st = h.agent(a).await;
        assert_eq!(
            (st.availability, st.state),
            (Availability::Available, AgentState::Ready)
        );
        assert_eq!(st.acd_queue, None);
    }
    h.hangup_call(&call).await;
    // Carol and eve rang but the call was answered elsewhere: not a missed call for them.
    assert_eq!(h.call_log(CAROL).len(), 1, "{:?}", h.call_log(CAROL));
    assert!(
        h.call_log(EVE).iter().all(|c| !c.is_missed()),
        "{:?}",
        h.call_log(EVE)
    );
    assert_eq!(h.call_log(DAVE).len(), 1);
    h.advance(10.0).await;
    assert_counts(&h, SALES, (3, 3, 0, 0)).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn abandoned_call_and_window_statistics() {
    let mut h = E2e::start().await;
    login(&mut h, CAROL, A_CAROL).await;
    // One answered call after 4 s.
    let call = h.outside("0600000001", "3001").await;
    h.advance(4.0).await;
    h.answer("1003").await;
    h.advance(20.0).await;
    h.hangup_call(&call).await;
    h.advance(10.0).await;
    // Carol pauses: the next caller waits, nobody rings, and hangs up after 25 s.
    pause(&mut h, CAROL, None, true).await;
    assert_counts(&h, SALES, (1, 0, 0, 0)).await;
    let call = h.outside("0600000002", "3001").await;
    assert_rung(&h, &[], &[]).await;
    assert_counts(&h, SALES, (1, 0, 0, 1)).await;
    h.advance(25.0).await;
    assert_eq!(h.stats(SALES).await.longest_wait, Some(25));
    h.hangup_call(&call).await;
    assert_eq!(step_entries(&h, SALES), vec![0]);
    assert_counts(&h, SALES, (1, 0, 0, 0)).await;
    // A third caller is still waiting.
    let waiting = h.outside("0600000003", "3001").await;
    h.advance(5.0).await;
    let now = h.clock_now();
    let w = h
        .read(move |s| {
            s.queue_window_stats(
                SALES,
                now,
                Duration::from_secs(3600),
                Duration::from_secs(3),
            )
        })
        .await;
    assert_eq!((w.entered, w.answered, w.abandoned), (3, 1, 1));
    assert_eq!(w.answered_within_qos, 0, "answered after 4 s, QoS 3 s");
    assert_eq!(
        w.answer_rate, 50.0,
        "1 answered of 2 done (one still waits)"
    );
    assert_eq!(w.holdtime_avg, 4.0);
    assert_eq!(w.holdtime_max, 4);
    let w = h
        .read(move |s| {
            s.queue_window_stats(
                SALES,
                now,
                Duration::from_secs(3600),
                Duration::from_secs(60),
            )
        })
        .await;
    assert_eq!(w.qos, 100.0);
    // Carol unpauses: the waiting caller rings her at once.
    pause(&mut h, CAROL, None, false).await;
    assert_rung(&h, &["1003"], &[A_CAROL]).await;
    h.hangup_call(&waiting).await;
    assert_rung(&h, &[], &[]).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn leastrecent_on_support() {
    let mut h = E2e::start().await;
    login(&mut h, EVE, A_EVE).await;
    login(&mut h, FRANK, A_FRANK).await;
    assert_counts(&h, SUPPORT, (2, 2, 0, 0)).await;
    // Neither was ever called: the first member in order (eve).
    one_call(&mut h, "3002", "1005", A_EVE).await;
    // Frank was never called: he comes before eve.
    one_call(&mut h, "3002", "1006", A_FRANK).await;
    // Eve's last call ended longer ago.
    one_call(&mut h, "3002", "1005", A_EVE).await;
    // Frank is the least recent now, but paused: eve rings.
    pause(&mut h, FRANK, Some(SUPPORT), true).await;
    let call = h.outside("0600000000", "3002").await;
    assert_rung(&h, &["1005"], &[A_EVE]).await;
    h.hangup_call(&call).await;
    // Frank back: he rings.
    pause(&mut h, FRANK, Some(SUPPORT), false).await;
    let call = h.outside("0600000000", "3002").await;
    assert_rung(&h, &["1006"], &[A_FRANK]).await;
    h.hangup_call(&call).await;
    assert_eq!(h.member(SUPPORT, A_EVE).await.calls_taken, 2);
    assert_eq!(h.member(SUPPORT, A_FRANK).await.calls_taken, 1);
    h.assert_idle().await;
}

/// The demo dataset with sales using another strategy.
fn sales_with(strategy: &str) -> Dataset {
    let toml = Dataset::demo_toml().replace(
        "strategy = \"ringall\"",
        &format!("strategy = \"{strategy}\""),
    );
    assert_ne!(toml, Dataset::demo_toml());
    Dataset::from_toml_str(&toml).expect("a valid dataset")
}

async fn start_sales(strategy: &str) -> E2e {
    let mut h = E2e::with(sales_with(strategy), sim_config()).await;
    login(&mut h, CAROL, A_CAROL).await;
    login(&mut h, DAVE, A_DAVE).await;
    login(&mut h, EVE, A_EVE).await;
    assert_counts(&h, SALES, (3, 3, 0, 0)).await;
    h
}

#[tokio::test]
async fn fewestcalls_on_sales() {
    let mut h = start_sales("fewestcalls").await;
    one_call(&mut h, "3001", "1003", A_CAROL).await;
    one_call(&mut h, "3001", "1004", A_DAVE).await;
    one_call(&mut h, "3001", "1005", A_EVE).await;
    one_call(&mut h, "3001", "1003", A_CAROL).await;
    // Dave (fewest, with eve) paused: eve.
    pause(&mut h, DAVE, None, true).await;
    one_call(&mut h, "3001", "1005", A_EVE).await;
    // Dave back: he has taken the fewest calls.
    pause(&mut h, DAVE, None, false).await;
    let call = h.outside("0600000000", "3001").await;
    assert_rung(&h, &["1004"], &[A_DAVE]).await;
    h.answer("1004").await;
    h.hangup_call(&call).await;
    assert!(h.agent(A_DAVE).await.on_wrapup);
    let next = h.outside("0600000001", "3001").await;
    // Carol (2 calls) and eve (2 calls): carol first in order; dave in wrap-up is not rung.
    assert_rung(&h, &["1003"], &[A_CAROL]).await;
    h.hangup_call(&next).await;
    for (a, n) in [(A_CAROL, 2), (A_DAVE, 2), (A_EVE, 2)] {
        assert_eq!(h.member(SALES, a).await.calls_taken, n);
    }
    h.advance(10.0).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn rrmemory_on_sales() {
    let mut h = start_sales("rrmemory").await;
    one_call(&mut h, "3001", "1003", A_CAROL).await;
    one_call(&mut h, "3001", "1004", A_DAVE).await;
    one_call(&mut h, "3001", "1005", A_EVE).await;
    one_call(&mut h, "3001", "1003", A_CAROL).await;
    // Dave paused: after carol comes eve.
    pause(&mut h, DAVE, Some(SALES), true).await;
    one_call(&mut h, "3001", "1005", A_EVE).await;
    one_call(&mut h, "3001", "1003", A_CAROL).await;
    pause(&mut h, DAVE, Some(SALES), false).await;
    // Dave back: after carol comes dave, then eve (dave in wrap-up).
    let call = h.outside("0600000000", "3001").await;
    assert_rung(&h, &["1004"], &[A_DAVE]).await;
    h.answer("1004").await;
    h.hangup_call(&call).await;
    let next = h.outside("0600000001", "3001").await;
    assert_rung(&h, &["1005"], &[A_EVE]).await;
    h.hangup_call(&next).await;
    h.advance(10.0).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn random_on_sales_rings_one_available_member() {
    let mut h = start_sales("random").await;
    pause(&mut h, DAVE, None, true).await;
    let lines = ["1003", "1004", "1005"];
    let agents = [A_CAROL, A_DAVE, A_EVE];
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..12 {
        let call = h.outside("0600000000", "3001").await;
        let ringing = h.sim_ringing_lines();
        assert_eq!(ringing.len(), 1, "one member at a time: {ringing:?}");
        assert_ne!(ringing[0], "1004", "dave is paused");
        let idx = lines.iter().position(|l| *l == ringing[0]).unwrap();
        assert_rung(&h, &[lines[idx]], &[agents[idx]]).await;
        seen.insert(idx);
        if i % 3 == 0 {
            // Answered: that member goes to wrap-up, the next call cannot ring it.
            h.answer(lines[idx]).await;
            h.hangup_call(&call).await;
            let next = h.outside("0600000001", "3001").await;
            let other = h.sim_ringing_lines();
            assert_eq!(other.len(), 1);
            assert_ne!(other[0], lines[idx], "a member in wrap-up is not rung");
            assert_ne!(other[0], "1004");
            h.hangup_call(&next).await;
            h.advance(10.0).await;
        } else {
            h.hangup_call(&call).await;
        }
    }
    assert_eq!(seen.len(), 2, "both available members were drawn");
    h.assert_idle().await;
}
