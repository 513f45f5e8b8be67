//! Basic calls end to end: an internal call (hints, phone events, call log), busy lines,
//! do-not-disturb, the three forwards, voicemail on no answer, missed calls, hold / resume and
//! call waiting.

use ctid_core::Command;
use ctid_core::event::Event;
use ctid_core::ids::VoicemailId;
use ctid_core::live::{
    CallDirection, CurrentCallStatus, ForwardKind, Party, PhoneEventKind as K, Service,
    ServiceChange, VoicemailCounts,
};
use ctid_pbx_sim::LineAction;

use crate::support::*;

#[tokio::test]
async fn internal_call_dial_answer_hangup() {
    let mut h = E2e::start().await;
    h.assert_hints(&[("1001", 0), ("1002", 0)]).await;

    // Alice's phone dials bob.
    h.dial("1001", "1002").await;
    h.assert_hints(&[("1001", 1), ("1002", 8)]).await;
    assert_eq!(h.step_hints("1001"), vec![1]);
    assert_eq!(h.step_hints("1002"), vec![8]);
    let out = h.step_phones("1001");
    let inc = h.step_phones("1002");
    assert_eq!(
        out.iter().map(|p| p.kind).collect::<Vec<_>>(),
        vec![K::Dialing]
    );
    assert_eq!(
        inc.iter().map(|p| p.kind).collect::<Vec<_>>(),
        vec![K::Ringing]
    );
    let (out, inc) = (out[0].clone(), inc[0].clone());
    assert_eq!(out.dn, "1001");
    assert_eq!(out.user, Some(ALICE));
    assert_eq!(
        (out.other_dn.as_str(), out.other_name.as_str()),
        ("1002", "Bob Bernard")
    );
    assert_eq!(out.other_username.as_deref(), Some("bob"));
    assert_eq!(out.direction, CallDirection::Outgoing);
    assert_eq!(
        out.linkedid, out.uniqueid,
        "the caller's channel starts the call"
    );
    assert_eq!(inc.dn, "1002");
    assert_eq!(inc.user, Some(BOB));
    assert_eq!(
        (inc.other_dn.as_str(), inc.other_name.as_str()),
        ("1001", "Alice Arnaud")
    );
    assert_eq!(inc.other_username.as_deref(), Some("alice"));
    assert_eq!(inc.direction, CallDirection::Incoming);
    assert_eq!(inc.linkedid, out.linkedid);
    assert_eq!(inc.queue, None);
    let calls = h.calls("1002").await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, CurrentCallStatus::Ringing);
    assert_eq!(calls[0].peer, Party::new("1001", "Alice Arnaud"));

    // Bob answers.
    h.advance(3.0).await;
    h.answer("1002").await;
    h.assert_hints(&[("1001", 1), ("1002", 1)]).await;
    assert_eq!(h.step_phone_kinds("1001"), vec![K::Established]);
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Established]);
    let est = h.step_phones("1002")[0].clone();
    assert_eq!(
        (est.other_dn.as_str(), est.direction),
        ("1001", CallDirection::Incoming)
    );
    let est = h.step_phones("1001")[0].clone();
    assert_eq!(
        (est.other_dn.as_str(), est.direction),
        ("1002", CallDirection::Outgoing)
    );
    for n in ["1001", "1002"] {
        let calls = h.calls(n).await;
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].status, CurrentCallStatus::Up);
        assert_eq!(calls[0].linkedid, out.linkedid);
    }

    // They talk for a minute; alice hangs up.
    h.advance(60.0).await;
    h.hang_up("1001").await;
    h.assert_hints(&[("1001", 0), ("1002", 0)]).await;
    assert_eq!(h.step_phone_kinds("1001"), vec![K::Released]);
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Released]);
    let rel = h.step_phones("1002")[0].clone();
    assert_eq!(
        (rel.other_dn.as_str(), rel.other_name.as_str()),
        ("1001", "Alice Arnaud")
    );
    assert!(h.calls("1001").await.is_empty());

    // In the stream, for each line in turn: Released and its call-log entry; then, derived
    // once at the end of the batch, the idle hints.
    h.skip_to_step();
    for (l, u) in [(line("1001"), ALICE), (line("1002"), BOB)] {
        h.expect(
            "Released",
            |e| matches!(e, Event::Phone(p) if p.line == l && p.kind == K::Released),
        )
        .await;
        h.expect(
            "CallLogged",
            |e| matches!(e, Event::CallLogged(c) if c.user == u),
        )
        .await;
    }
    for l in [line("1001"), line("1002")] {
        h.expect(
            "idle hint",
            |e| matches!(e, Event::LineHint { line: x, hint } if *x == l && hint.code() == 0),
        )
        .await;
    }

    let start = ctid_core::ManualClock::DEFAULT_START;
    let a = h.call_log(ALICE);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].direction, CallDirection::Outgoing);
    assert_eq!(a[0].peer, Party::new("1002", "Bob Bernard"));
    assert_eq!(a[0].start, start);
    assert_eq!(
        a[0].answered_at,
        Some(start.plus(std::time::Duration::from_secs(3)))
    );
    assert_eq!(a[0].duration_secs(), 60.0);
    assert_eq!(a[0].linkedid, out.linkedid);
    let b = h.call_log(BOB);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].direction, CallDirection::Incoming);
    assert_eq!(b[0].peer, Party::new("1001", "Alice Arnaud"));
    assert!(!b[0].is_missed());
    assert_eq!(b[0].duration_secs(), 60.0);
    h.assert_idle().await;
}

#[tokio::test]
async fn busy_line_without_call_waiting_sends_to_voicemail() {
    let mut h = E2e::start().await;
    // Bob talks to carol.
    h.dial("1002", "1003").await;
    h.answer("1003").await;
    h.assert_hints(&[("1002", 1), ("1003", 1)]).await;
    // Bob has no call waiting: dave's call is refused busy and lands in bob's voicemail.
    h.dial("1004", "1002").await;
    h.assert_hints(&[("1002", 1), ("1003", 1), ("1004", 1)])
        .await;
    assert!(
        h.step_phones("1002").is_empty(),
        "nothing rings on a busy line"
    );
    // The voicemail application answers dave's call.
    assert_eq!(h.step_phone_kinds("1004"), vec![K::Dialing, K::Established]);
    // Dave hangs up: the message is in bob's box.
    h.hang_up("1004").await;
    assert_voicemail(&h, 2, 1).await;
    let d = h.call_log(DAVE);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].direction, CallDirection::Outgoing);
    assert_eq!(d[0].peer.number, "1002");
    assert!(h.call_log(BOB).is_empty(), "nothing rang bob");
    // With voicemail off, the caller just hears busy.
    h.exec_ok(Command::SetService {
        requester: BOB,
        target: BOB,
        change: ServiceChange::Voicemail(false),
    })
    .await;
    h.dial("1004", "1002").await;
    h.assert_hints(&[("1004", 0)]).await;
    assert_eq!(h.step_phone_kinds("1004"), vec![K::Dialing, K::Released]);
    assert_voicemail(&h, 2, 1).await;
    h.hang_up("1002").await;
    h.assert_idle().await;
}

/// The box's counts, from the state and from the last `Voicemail` event.
async fn assert_voicemail(h: &E2e, vm: u32, new: u32) {
    let vm = VoicemailId(vm);
    let counts = h.read(move |s| s.voicemail_counts(vm)).await;
    assert_eq!(counts, VoicemailCounts { new, old: 0 });
    let told = h.log.iter().rev().find_map(|e| match e {
        Event::Voicemail { voicemail, counts } if *voicemail == vm => Some(*counts),
        _ => None,
    });
    assert_eq!(told, Some(VoicemailCounts { new, old: 0 }));
}

#[tokio::test]
async fn dnd_refuses_calls_as_busy() {
    let mut h = E2e::start().await;
    h.exec_ok(Command::SetService {
        requester: BOB,
        target: BOB,
        change: ServiceChange::Dnd(true),
    })
    .await;
    assert!(h.step_matching(|e| matches!(e, Event::UserServices { user, changed, .. } if *user == BOB && changed == &vec![Service::Dnd])).len() == 1);
    h.exec_ok(Command::SetService {
        requester: BOB,
        target: BOB,
        change: ServiceChange::Voicemail(false),
    })
    .await;
    // Alice calls bob: refused at once, nothing rings.
    h.dial("1001", "1002").await;
    h.assert_hints(&[("1001", 0), ("1002", 0)]).await;
    assert!(h.step_hints("1002").is_empty());
    assert_eq!(h.step_phone_kinds("1001"), vec![K::Dialing, K::Released]);
    assert!(h.call_log(BOB).is_empty());
    // DND off: bob's phone rings again.
    h.exec_ok(Command::SetService {
        requester: BOB,
        target: BOB,
        change: ServiceChange::Dnd(false),
    })
    .await;
    h.dial("1001", "1002").await;
    h.assert_hints(&[("1001", 1), ("1002", 8)]).await;
    h.hang_up("1001").await;
    // A missed call for bob.
    let b = h.call_log(BOB);
    assert_eq!(b.len(), 1);
    assert!(b[0].is_missed());
    assert_eq!(b[0].peer.number, "1001");
    h.assert_idle().await;
}

async fn forward(h: &mut E2e, kind: ForwardKind, enabled: bool, to: &str) {
    h.exec_ok(Command::SetService {
        requester: BOB,
        target: BOB,
        change: ServiceChange::Forward {
            kind,
            enabled: Some(enabled),
            destination: Some(to.into()),
        },
    })
    .await;
}

#[tokio::test]
async fn unconditional_forward_rings_the_destination() {
    let mut h = E2e::start().await;
    forward(&mut h, ForwardKind::Unconditional, true, "1003").await;
    let svc = h.read(|s| s.user_services(BOB).cloned()).await.unwrap();
    assert!(svc.fwd_unconditional.enabled);
    assert_eq!(svc.fwd_unconditional.destination, "1003");
    // An outside caller calls bob: carol's phone rings, bob's never does.
    let call = h.outside("0612345678", "1002").await;
    h.assert_hints(&[("1002", 0), ("1003", 8)]).await;
    assert!(h.step_hints("1002").is_empty());
    let ring = h.step_phones("1003");
    assert_eq!(ring.len(), 1);
    assert_eq!(ring[0].kind, K::Ringing);
    assert_eq!(ring[0].other_dn, "0612345678");
    assert_eq!(ring[0].other_name, "Caller 0612345678");
    assert_eq!(ring[0].direction, CallDirection::Incoming);
    assert_eq!(ring[0].linkedid, call);
    h.answer("1003").await;
    h.assert_hints(&[("1003", 1)]).await;
    h.hangup_call(&call).await;
    h.assert_hints(&[("1003", 0)]).await;
    let c = h.call_log(CAROL);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].peer.number, "0612345678");
    assert!(h.call_log(BOB).is_empty());
    h.assert_idle().await;
}

#[tokio::test]
async fn busy_forward_when_the_line_is_in_use() {
    let mut h = E2e::start().await;
    forward(&mut h, ForwardKind::Busy, true, "1004").await;
    h.dial("1002", "1003").await;
    h.answer("1003").await;
    // Bob is busy: alice's call goes to dave.
    h.dial("1001", "1002").await;
    h.assert_hints(&[("1001", 1), ("1002", 1), ("1004", 8)])
        .await;
    let ring = h.step_phones("1004");
    assert_eq!(ring.len(), 1);
    assert_eq!(
        (ring[0].other_dn.as_str(), ring[0].other_name.as_str()),
        ("1001", "Alice Arnaud")
    );
    h.answer("1004").await;
    h.assert_hints(&[("1001", 1), ("1004", 1)]).await;
    h.hang_up("1004").await;
    h.hang_up("1003").await;
    h.assert_idle().await;
}

#[tokio::test]
async fn no_answer_forward_then_voicemail() {
    let mut h = E2e::start().await;
    forward(&mut h, ForwardKind::NoAnswer, true, "1005").await;
    let call = h.outside("0611223344", "1002").await;
    h.assert_hints(&[("1002", 8), ("1005", 0)]).await;
    // Bob's phone rings for the ring timeout (20 s), then eve's rings.
    h.advance(19.0).await;
    h.assert_hints(&[("1002", 8), ("1005", 0)]).await;
    h.advance(1.0).await;
    h.assert_hints(&[("1002", 0), ("1005", 8)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Released]);
    assert_eq!(h.step_phone_kinds("1005"), vec![K::Ringing]);
    let b = h.call_log(BOB);
    assert_eq!(b.len(), 1);
    assert!(b[0].is_missed(), "bob missed it: {:?}", b[0]);
    assert_eq!(b[0].peer.number, "0611223344");
    // Eve does not answer either: the caller ends in eve's voicemail.
    h.advance(20.0).await;
    h.assert_hints(&[("1002", 0), ("1005", 0)]).await;
    assert!(h.call_log(EVE)[0].is_missed());
    h.advance(10.0).await;
    h.hangup_call(&call).await;
    assert_voicemail(&h, 5, 1).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn voicemail_on_no_answer_and_missed_call() {
    let mut h = E2e::start().await;
    h.dial("1001", "1002").await;
    h.advance(20.0).await;
    // Bob did not answer: alice is now leaving a message, bob's phone stopped.
    h.assert_hints(&[("1001", 1), ("1002", 0)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Released]);
    let b = h.call_log(BOB);
    assert_eq!(b.len(), 1);
    assert!(b[0].is_missed());
    assert_eq!(b[0].peer, Party::new("1001", "Alice Arnaud"));
    h.advance(15.0).await;
    h.hang_up("1001").await;
    assert_eq!(
        h.step_matching(|e| matches!(e, Event::Voicemail { .. }))
            .len(),
        1
    );
    assert_voicemail(&h, 2, 1).await;
    let a = h.call_log(ALICE);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].direction, CallDirection::Outgoing);
    h.assert_idle().await;
}

#[tokio::test]
async fn hold_and_resume() {
    let mut h = E2e::start().await;
    let call = h.outside("0600000001", "1002").await;
    h.answer("1002").await;
    h.assert_hints(&[("1002", 1)]).await;
    h.press("1002", LineAction::Hold).await;
    h.assert_hints(&[("1002", 16)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::OnHold]);
    assert_eq!(h.calls("1002").await[0].status, CurrentCallStatus::Hold);
    h.press("1002", LineAction::Resume).await;
    h.assert_hints(&[("1002", 1)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Established]);
    // The same through the core.
    h.exec_ok(Command::Hold {
        user: BOB,
        uniqueid: None,
        hold: Some(true),
    })
    .await;
    h.assert_hints(&[("1002", 16)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::OnHold]);
    h.exec_ok(Command::Hold {
        user: BOB,
        uniqueid: None,
        hold: None,
    })
    .await;
    h.assert_hints(&[("1002", 1)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Established]);
    h.hangup_call(&call).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn call_waiting_rings_alice_while_she_talks() {
    let mut h = E2e::start().await;
    let first = h.outside("0600000001", "1001").await;
    h.answer("1001").await;
    h.assert_hints(&[("1001", 1)]).await;
    // A second call rings alice's line while she talks: 9.
    let second = h.outside("0600000002", "1001").await;
    h.assert_hints(&[("1001", 9)]).await;
    assert_eq!(h.step_phone_kinds("1001"), vec![K::Ringing]);
    let calls = h.calls("1001").await;
    assert_eq!(
        calls.iter().map(|c| c.status).collect::<Vec<_>>(),
        vec![CurrentCallStatus::Up, CurrentCallStatus::Ringing]
    );
    // She answers it: the first goes on hold.
    h.answer("1001").await;
    h.assert_hints(&[("1001", 1)]).await;
    let kinds = h.step_phone_kinds("1001");
    assert_eq!(kinds, vec![K::OnHold, K::Established]);
    let calls = h.calls("1001").await;
    assert_eq!(
        calls.iter().map(|c| c.status).collect::<Vec<_>>(),
        vec![CurrentCallStatus::Hold, CurrentCallStatus::Up]
    );
    // The second caller hangs up: only the held call is left: 16.
    h.hangup_call(&second).await;
    h.assert_hints(&[("1001", 16)]).await;
    h.press("1001", LineAction::Resume).await;
    h.assert_hints(&[("1001", 1)]).await;
    h.hangup_call(&first).await;
    h.assert_hints(&[("1001", 0)]).await;
    assert_eq!(h.call_log(ALICE).len(), 2);
    h.assert_idle().await;
}
