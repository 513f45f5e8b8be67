//! Click-to-dial (`Command::Dial`) end to end: the user's phone auto-answers, the destination
//! rings with the attached variables; dialling from the mobile; and the failures reported to
//! the user as `DialFailed` (own phone unregistered, unreachable external number, busy
//! mobile), or refused at once (a number that reaches nothing).

use ctid_core::dataset::Dataset;
use ctid_core::event::Event;
use ctid_core::ids::UserId;
use ctid_core::live::{CallDirection, PhoneEventKind as K};
use ctid_core::{Command, CommandError, Outcome};
use ctid_pbx_sim::{LineAction, SimConfig};

use crate::support::*;

fn dial(user: UserId, to: &str, from_mobile: bool) -> Command {
    Command::Dial {
        user,
        destination: to.into(),
        variables: vec![("crm".into(), "99".into())],
        from_mobile,
    }
}

fn step_failures(h: &E2e) -> Vec<(UserId, String, String)> {
    h.step_events()
        .iter()
        .filter_map(|e| match e {
            Event::DialFailed {
                user,
                destination,
                reason,
            } => Some((*user, destination.clone(), reason.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn click_to_dial_with_auto_answer() {
    let mut h = E2e::start().await;
    let outcome = h.exec_ok(dial(BOB, "10 03", false)).await;
    assert!(matches!(outcome, Outcome::Dialing { ref destination, .. } if destination == "1003"));
    // Bob's phone answered by itself and dials carol, who rings.
    h.assert_hints(&[("1002", 1), ("1003", 8)]).await;
    assert!(step_failures(&h).is_empty());
    let out = h.step_phones("1002");
    assert_eq!(
        out.iter().map(|p| p.kind).collect::<Vec<_>>(),
        vec![K::Dialing, K::Established]
    );
    assert_eq!(out[0].direction, CallDirection::Outgoing);
    assert_eq!(
        (out[0].other_dn.as_str(), out[0].other_name.as_str()),
        ("1003", "Carol Colin")
    );
    let bob_chan = h.channels_on("1002").await;
    assert_eq!(bob_chan.len(), 1);
    let state = h
        .read({
            let c = bob_chan[0].clone();
            move |s| s.channel(&c).map(|c| c.state())
        })
        .await;
    assert_eq!(state, Some(ctid_core::live::ChannelState::Up));
    let ring = h.step_phones("1003");
    assert_eq!(ring.len(), 1);
    assert_eq!(ring[0].kind, K::Ringing);
    assert_eq!(
        (ring[0].other_dn.as_str(), ring[0].other_name.as_str()),
        ("1002", "Bob Bernard")
    );
    assert_eq!(ring[0].direction, CallDirection::Incoming);
    assert!(
        ring[0]
            .user_data
            .iter()
            .any(|(n, v)| n == "USR_crm" && v == "99"),
        "{ring:?}"
    );
    assert_eq!(ring[0].linkedid, bob_chan[0]);

    h.advance(3.0).await;
    h.answer("1003").await;
    h.assert_hints(&[("1002", 1), ("1003", 1)]).await;
    assert_eq!(h.step_phone_kinds("1003"), vec![K::Established]);
    h.advance(10.0).await;
    h.exec_ok(Command::Hangup {
        user: BOB,
        uniqueid: None,
    })
    .await;
    h.assert_hints(&[("1002", 0), ("1003", 0)]).await;
    let b = h.call_log(BOB);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].direction, CallDirection::Outgoing);
    assert_eq!(b[0].peer.number, "1003");
    let c = h.call_log(CAROL);
    assert_eq!(c[0].direction, CallDirection::Incoming);
    assert_eq!(c[0].duration_secs(), 10.0);
    h.assert_idle().await;
}

#[tokio::test]
async fn dial_from_the_mobile() {
    let mut h = E2e::start().await;
    h.exec_ok(dial(BOB, "1003", true)).await;
    // Bob's mobile rings outside; his desk phone stays idle.
    h.assert_hints(&[("1002", 0), ("1003", 0)]).await;
    h.advance(2.0).await;
    // The mobile answered: carol rings, showing bob.
    h.assert_hints(&[("1002", 0), ("1003", 8)]).await;
    let ring = h.step_phones("1003");
    assert_eq!(ring.len(), 1);
    assert_eq!(ring[0].other_dn, "1002");
    h.answer("1003").await;
    h.hang_up("1003").await;
    h.assert_idle().await;
}

#[tokio::test]
async fn failures_are_reported_to_the_user() {
    let cfg = SimConfig {
        busy_numbers: vec!["0611000002".into(), "0655555555".into()],
        unreachable_numbers: vec!["0699999999".into()],
        ..sim_config()
    };
    let mut h = E2e::with(Dataset::demo(), cfg).await;

    // A number that reaches nothing: refused at once, nothing asked of the PBX.
    assert_eq!(
        h.exec(dial(BOB, "1999", false)).await,
        Err(CommandError::UnreachableExtension("1999".into()))
    );
    assert!(h.step_events().is_empty());

    // An unreachable external number.
    h.exec_ok(dial(BOB, "0699999999", false)).await;
    assert_eq!(
        step_failures(&h),
        vec![(BOB, "0699999999".into(), "unreachable destination".into())]
    );
    assert!(h.step_phones("1002").is_empty(), "bob's phone never rang");
    h.assert_hints(&[("1002", 0)]).await;

    // Bob's own phone is unregistered.
    h.press("1002", LineAction::Unregister).await;
    h.assert_hints(&[("1002", 4)]).await;
    assert_eq!(h.step_hints("1002"), vec![4]);
    h.exec_ok(dial(BOB, "1003", false)).await;
    assert_eq!(
        step_failures(&h),
        vec![(BOB, "1003".into(), "line unregistered".into())]
    );
    h.assert_hints(&[("1002", 4), ("1003", 0)]).await;
    h.press("1002", LineAction::Register).await;
    h.assert_hints(&[("1002", 0)]).await;

    // Bob's mobile is busy.
    h.exec_ok(dial(BOB, "1003", true)).await;
    assert_eq!(step_failures(&h), vec![(BOB, "1003".into(), "busy".into())]);
    h.assert_hints(&[("1003", 0)]).await;

    // A busy external number: the originate itself worked (bob's phone answered), the call
    // then ends busy — not a failed dial.
    h.exec_ok(dial(BOB, "0655555555", false)).await;
    assert!(step_failures(&h).is_empty());
    assert_eq!(
        h.step_phone_kinds("1002"),
        vec![K::Dialing, K::Established, K::Released]
    );

    // An unregistered destination: the call goes to its voicemail, no failure either.
    h.press("1004", LineAction::Unregister).await;
    h.exec_ok(dial(BOB, "1004", false)).await;
    assert!(step_failures(&h).is_empty());
    h.assert_hints(&[("1002", 1), ("1004", 4)]).await;
    h.hang_up("1002").await;
    let vm = h
        .read(|s| s.voicemail_counts(ctid_core::ids::VoicemailId(4)))
        .await;
    assert_eq!(vm.new, 1);
    h.assert_idle().await;
}
