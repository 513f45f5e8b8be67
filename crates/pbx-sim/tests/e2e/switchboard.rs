//! The switchboard: several outside callers ring alice's line at once (call waiting) or wait in
//! a queue, and `Answer { uniqueid: Some(..) }` takes the chosen one — from her own ringing
//! calls, from the queue, or from another phone (pickup) — with the hints and current calls of
//! the lines involved.

use ctid_core::ids::UniqueId;
use ctid_core::live::{CurrentCallStatus as S, PhoneEventKind as K};
use ctid_core::{Command, CommandError};

use crate::support::*;

/// (uniqueid, status, peer number) of a line's current calls.
async fn calls_of(h: &E2e, number: &str) -> Vec<(UniqueId, S, String)> {
    h.calls(number)
        .await
        .into_iter()
        .map(|c| (c.uniqueid, c.status, c.peer.number))
        .collect()
}

#[tokio::test]
async fn answer_the_second_of_three_ringing_calls() {
    let mut h = E2e::start().await;
    let callers = ["0600000001", "0600000002", "0600000003"];
    for (i, from) in callers.iter().enumerate() {
        h.outside(from, "1001").await;
        h.advance(1.0).await;
        assert_eq!(h.hint("1001").await, 8);
        assert_eq!(h.calls("1001").await.len(), i + 1);
    }
    let chans = h.channels_on("1001").await;
    assert_eq!(chans.len(), 3);
    let calls = calls_of(&h, "1001").await;
    assert_eq!(
        calls
            .iter()
            .map(|(_, s, n)| (*s, n.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (S::Ringing, "0600000001"),
            (S::Ringing, "0600000002"),
            (S::Ringing, "0600000003")
        ]
    );
    let second = chans[1].clone();

    h.exec_ok(Command::Answer {
        user: ALICE,
        uniqueid: Some(second.clone()),
    })
    .await;
    // In use and still ringing: 9; the answered call now starts at its answer time.
    h.assert_hints(&[("1001", 9)]).await;
    let est = h.step_phones("1001");
    assert_eq!(est.len(), 1);
    assert_eq!(
        (est[0].kind, &est[0].uniqueid, est[0].other_dn.as_str()),
        (K::Established, &second, "0600000002")
    );
    let calls = calls_of(&h, "1001").await;
    assert_eq!(
        calls,
        vec![
            (chans[0].clone(), S::Ringing, "0600000001".into()),
            (chans[2].clone(), S::Ringing, "0600000003".into()),
            (second.clone(), S::Up, "0600000002".into()),
        ]
    );
    // Answering a call that is already up is refused.
    assert!(matches!(
        h.exec(Command::Answer {
            user: ALICE,
            uniqueid: Some(second.clone()),
        })
        .await,
        Err(CommandError::InvalidState(_))
    ));
    // A second later, the first: the second goes on hold.
    h.advance(1.0).await;
    h.exec_ok(Command::Answer {
        user: ALICE,
        uniqueid: Some(chans[0].clone()),
    })
    .await;
    h.assert_hints(&[("1001", 9)]).await;
    let calls = calls_of(&h, "1001").await;
    assert_eq!(
        calls.iter().map(|(_, s, _)| *s).collect::<Vec<_>>(),
        vec![S::Ringing, S::Hold, S::Up]
    );
    // The third caller gives up: in use with one held, one talking: 1.
    let third = h
        .read({
            let c = chans[2].clone();
            move |s| s.channel(&c).map(|c| c.linkedid().clone())
        })
        .await
        .unwrap();
    h.hangup_call(&third).await;
    h.assert_hints(&[("1001", 1)]).await;
    assert_eq!(h.call_log(ALICE).len(), 1);
    assert!(h.call_log(ALICE)[0].is_missed());
    // Alice hangs up both.
    h.exec_ok(Command::Hangup {
        user: ALICE,
        uniqueid: None,
    })
    .await;
    h.assert_hints(&[("1001", 16)]).await;
    h.exec_ok(Command::Hangup {
        user: ALICE,
        uniqueid: Some(second),
    })
    .await;
    h.assert_idle().await;
    assert_eq!(h.call_log(ALICE).len(), 3);
}

#[tokio::test]
async fn take_the_second_caller_waiting_in_a_queue() {
    let mut h = E2e::start().await;
    let mut ids = Vec::new();
    for from in ["0600000001", "0600000002", "0600000003"] {
        ids.push(h.outside(from, "3001").await);
        h.advance(2.0).await;
    }
    let entries = h.entries(SALES).await;
    assert_eq!(
        entries
            .iter()
            .map(|e| e.uniqueid.clone())
            .collect::<Vec<_>>(),
        ids
    );
    assert_eq!(h.stats(SALES).await.waiting_calls, 3);
    assert_eq!(h.stats(SALES).await.longest_wait, Some(6));

    h.exec_ok(Command::Answer {
        user: ALICE,
        uniqueid: Some(ids[1].clone()),
    })
    .await;
    // Alice's phone auto-answers the caller taken from the queue.
    h.assert_hints(&[("1001", 1)]).await;
    let entries = h.entries(SALES).await;
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.position, e.uniqueid.clone()))
            .collect::<Vec<_>>(),
        vec![(1, ids[0].clone()), (2, ids[2].clone())]
    );
    let s = h.stats(SALES).await;
    assert_eq!((s.waiting_calls, s.longest_wait), (2, Some(6)));
    let calls = h.calls("1001").await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, S::Up);
    assert_eq!(calls[0].peer.number, "0600000002");
    assert_eq!(calls[0].linkedid, ids[1]);
    // The two others leave.
    h.hangup_call(&ids[0]).await;
    h.hangup_call(&ids[2]).await;
    assert_eq!(h.stats(SALES).await.waiting_calls, 0);
    h.hangup_call(&ids[1]).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn pick_up_a_call_ringing_another_phone() {
    let mut h = E2e::start().await;
    let call = h.outside("0600000009", "1002").await;
    h.assert_hints(&[("1001", 0), ("1002", 8)]).await;
    let ringing = h.channels_on("1002").await[0].clone();
    h.exec_ok(Command::Answer {
        user: ALICE,
        uniqueid: Some(ringing),
    })
    .await;
    h.assert_hints(&[("1001", 1), ("1002", 0)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Released]);
    assert_eq!(h.calls("1001").await[0].peer.number, "0600000009");
    // Bob's phone only rang for a call answered elsewhere: not a missed call.
    assert!(h.call_log(BOB).is_empty(), "{:?}", h.call_log(BOB));
    h.hangup_call(&call).await;
    h.assert_idle().await;
}
