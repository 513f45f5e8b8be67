//! Transfers driven by client commands: blind, attended completed and cancelled — the
//! `AttendedTransfer` progress events, the hints of the three lines after each step, and the
//! attached `USR_` data following the call to the target.

use ctid_core::dataset::Dataset;
use ctid_core::event::Event;
use ctid_core::live::{CallDirection, PhoneEventKind as K};
use ctid_core::pbx::AttendedTransferState as T;
use ctid_core::{Command, CommandError};

use crate::support::*;

/// The attended-transfer states announced to a user during the last step.
fn step_transfer_states(h: &E2e, user: ctid_core::ids::UserId) -> Vec<T> {
    h.step_events()
        .iter()
        .filter_map(|e| match e {
            Event::AttendedTransfer { user: u, state, .. } if *u == user => Some(*state),
            _ => None,
        })
        .collect()
}

fn has_var(data: &[(String, String)], name: &str, value: &str) -> bool {
    data.iter().any(|(n, v)| n == name && v == value)
}

#[tokio::test]
async fn blind_transfer_with_call_data() {
    let mut h = E2e::start().await;
    let call = h.outside("0612345678", "1002").await;
    h.answer("1002").await;
    // Bob attaches data to the call, then sends it to carol.
    h.exec_ok(Command::SetCallData {
        user: BOB,
        variables: vec![("ticket".into(), "T-42".into())],
    })
    .await;
    let pe = h.read(|s| s.line_phone_events(line("1002"))).await;
    assert!(has_var(&pe[0].user_data, "USR_ticket", "T-42"), "{pe:?}");
    h.exec_ok(Command::BlindTransfer {
        user: BOB,
        destination: "1003".into(),
    })
    .await;
    h.assert_hints(&[("1002", 0), ("1003", 8)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Released]);
    let ring = h.step_phones("1003");
    assert_eq!(ring.len(), 1, "{:?}", ring);
    assert_eq!(ring[0].kind, K::Ringing);
    assert_eq!(ring[0].other_dn, "0612345678");
    assert_eq!(ring[0].direction, CallDirection::Incoming);
    assert_eq!(ring[0].linkedid, call);
    assert!(
        has_var(&ring[0].user_data, "USR_ticket", "T-42"),
        "the data follows the call: {:?}",
        ring[0].user_data
    );
    h.answer("1003").await;
    h.assert_hints(&[("1002", 0), ("1003", 1)]).await;
    let est = h.step_phones("1003");
    assert!(has_var(&est[0].user_data, "USR_ticket", "T-42"));
    h.hangup_call(&call).await;
    assert_eq!(h.call_log(BOB).len(), 1);
    assert_eq!(h.call_log(CAROL).len(), 1);
    h.assert_idle().await;
}

#[tokio::test]
async fn blind_transfer_of_a_click_to_dial_keeps_its_variables() {
    let mut h = E2e::start().await;
    h.exec_ok(Command::Dial {
        user: BOB,
        destination: "1003".into(),
        variables: vec![("crm_id".into(), "77".into())],
        from_mobile: false,
    })
    .await;
    h.assert_hints(&[("1002", 1), ("1003", 8)]).await;
    let ring = h.step_phones("1003");
    assert!(has_var(&ring[0].user_data, "USR_crm_id", "77"), "{ring:?}");
    h.answer("1003").await;
    // Carol sends bob to dave.
    h.exec_ok(Command::BlindTransfer {
        user: CAROL,
        destination: "1004".into(),
    })
    .await;
    h.assert_hints(&[("1002", 1), ("1003", 0), ("1004", 8)])
        .await;
    let ring = h.step_phones("1004");
    assert_eq!(ring.len(), 1);
    assert_eq!(ring[0].other_dn, "1002");
    assert!(has_var(&ring[0].user_data, "USR_crm_id", "77"), "{ring:?}");
    h.answer("1004").await;
    h.hang_up("1004").await;
    h.assert_idle().await;
}

#[tokio::test]
async fn attended_transfer_completed() {
    let mut h = E2e::start().await;
    let call = h.outside("0612345678", "1002").await;
    h.answer("1002").await;
    h.exec_ok(Command::SetCallData {
        user: BOB,
        variables: vec![("USR_case".into(), "C-9".into())],
    })
    .await;

    h.exec_ok(Command::AttendedTransfer {
        user: BOB,
        destination: "1003".into(),
    })
    .await;
    assert_eq!(step_transfer_states(&h, BOB), vec![T::Started]);
    // Bob holds the caller and calls carol: his line is in use (one call talking, one held).
    h.assert_hints(&[("1002", 1), ("1003", 8)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::OnHold, K::Dialing]);
    let ring = h.step_phones("1003");
    assert_eq!(ring.len(), 1);
    assert_eq!(
        (ring[0].other_dn.as_str(), ring[0].other_name.as_str()),
        ("1002", "Bob Bernard")
    );
    let (first, _) = h
        .read(|s| {
            s.transfer_in_progress(BOB)
                .map(|(a, b)| (a.clone(), b.cloned()))
        })
        .await
        .expect("a transfer in progress");
    assert_eq!(h.channels_on("1002").await[0], first);
    // A second transfer is refused while one is in progress.
    assert!(matches!(
        h.exec(Command::AttendedTransfer {
            user: BOB,
            destination: "1004".into(),
        })
        .await,
        Err(CommandError::InvalidState(_))
    ));

    h.answer("1003").await;
    assert_eq!(step_transfer_states(&h, BOB), vec![T::Answered]);
    h.assert_hints(&[("1002", 1), ("1003", 1)]).await;
    let target = h
        .read(|s| s.transfer_in_progress(BOB).and_then(|(_, t)| t.cloned()))
        .await;
    assert_eq!(target, Some(h.channels_on("1003").await[0].clone()));

    h.exec_ok(Command::CompleteTransfer { user: BOB }).await;
    assert_eq!(step_transfer_states(&h, BOB), vec![T::Completed]);
    h.assert_hints(&[("1002", 0), ("1003", 1)]).await;
    assert_eq!(h.step_phone_kinds("1002"), vec![K::Released, K::Released]);
    assert!(h.read(|s| s.transfer_in_progress(BOB).is_none()).await);
    // Carol now talks to the outside caller, with the call's data.
    let pe = h.read(|s| s.line_phone_events(line("1003"))).await;
    assert_eq!(pe.len(), 1);
    assert_eq!(pe[0].kind, K::Established);
    assert_eq!(pe[0].other_dn, "0612345678");
    assert!(has_var(&pe[0].user_data, "USR_case", "C-9"), "{pe:?}");
    let calls = h.calls("1003").await;
    assert_eq!(calls[0].peer.number, "0612345678");

    h.hangup_call(&call).await;
    h.assert_hints(&[("1003", 0)]).await;
    let c = h.call_log(CAROL);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].peer.number, "0612345678");
    h.assert_idle().await;
}

#[tokio::test]
async fn attended_transfer_cancelled() {
    let mut h = E2e::start().await;
    let call = h.outside("0612345678", "1002").await;
    h.answer("1002").await;
    h.exec_ok(Command::AttendedTransfer {
        user: BOB,
        destination: "1003".into(),
    })
    .await;
    h.answer("1003").await;
    h.assert_hints(&[("1002", 1), ("1003", 1)]).await;

    h.exec_ok(Command::CancelTransfer { user: BOB }).await;
    assert_eq!(step_transfer_states(&h, BOB), vec![T::Cancelled]);
    h.assert_hints(&[("1002", 1), ("1003", 0)]).await;
    assert_eq!(h.step_phone_kinds("1003"), vec![K::Released]);
    assert_eq!(
        h.step_phone_kinds("1002"),
        vec![K::Released, K::Established]
    );
    let pe = h.read(|s| s.line_phone_events(line("1002"))).await;
    assert_eq!(pe.len(), 1);
    assert_eq!(pe[0].other_dn, "0612345678");
    assert!(h.read(|s| s.transfer_in_progress(BOB).is_none()).await);
    assert!(matches!(
        h.exec(Command::CompleteTransfer { user: BOB }).await,
        Err(CommandError::InvalidState(_))
    ));

    // Cancelling while the target still rings works too.
    h.exec_ok(Command::AttendedTransfer {
        user: BOB,
        destination: "1004".into(),
    })
    .await;
    h.assert_hints(&[("1002", 1), ("1004", 8)]).await;
    h.exec_ok(Command::CancelTransfer { user: BOB }).await;
    assert_eq!(step_transfer_states(&h, BOB), vec![T::Cancelled]);
    h.assert_hints(&[("1002", 1), ("1004", 0)]).await;
    let d = h.call_log(DAVE);
    assert!(d[0].is_missed());

    h.hangup_call(&call).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn attended_transfer_completed_while_the_target_rings() {
    let mut h = E2e::start().await;
    let call = h.outside("0612345678", "1002").await;
    h.answer("1002").await;
    h.exec_ok(Command::AttendedTransfer {
        user: BOB,
        destination: "1003".into(),
    })
    .await;
    h.exec_ok(Command::CompleteTransfer { user: BOB }).await;
    assert_eq!(step_transfer_states(&h, BOB), vec![T::Completed]);
    // The caller now rings carol directly.
    h.assert_hints(&[("1002", 0), ("1003", 8)]).await;
    let pe = h.read(|s| s.line_phone_events(line("1003"))).await;
    assert_eq!(pe[0].other_dn, "0612345678");
    h.answer("1003").await;
    h.assert_hints(&[("1003", 1)]).await;
    h.hangup_call(&call).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn merge_into_a_three_party_call_then_the_transferer_leaves() {
    let mut h = E2e::start().await;
    let call = h.outside("0612345678", "1002").await;
    h.answer("1002").await;
    h.exec_ok(Command::AttendedTransfer {
        user: BOB,
        destination: "1003".into(),
    })
    .await;
    h.answer("1003").await;
    h.exec_ok(Command::Conference { user: BOB }).await;
    // The transfer is over (reported as cancelled: nothing is pending); three parties talk.
    assert_eq!(step_transfer_states(&h, BOB), vec![T::Cancelled]);
    h.assert_hints(&[("1002", 1), ("1003", 1)]).await;
    assert_eq!(h.channels_on("1002").await.len(), 1);
    // Bob leaves: carol and the caller go on together, and carol sees the caller.
    h.hang_up("1002").await;
    h.assert_hints(&[("1002", 0), ("1003", 1)]).await;
    let pe = h.read(|s| s.line_phone_events(line("1003"))).await;
    assert_eq!(pe.len(), 1);
    assert_eq!(pe[0].other_dn, "0612345678", "{pe:?}");
    assert_eq!(h.calls("1003").await[0].peer.number, "0612345678");
    h.hangup_call(&call).await;
    let c = h.call_log(CAROL);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].peer.number, "0612345678");
    h.assert_idle().await;
}

#[tokio::test]
async fn an_agent_transfers_its_acd_call() {
    use ctid_core::live::Availability as Av;
    let mut h = E2e::start().await;
    h.login(CAROL, A_CAROL).await;
    let call = h.outside("0612345678", "3001").await;
    h.answer("1003").await;
    assert!(h.agent(A_CAROL).await.on_call_acd);
    h.exec_ok(Command::AttendedTransfer {
        user: CAROL,
        destination: "1004".into(),
    })
    .await;
    // Consulting during an ACD call: still on it.
    let st = h.agent(A_CAROL).await;
    assert!(st.on_call_acd);
    assert_eq!(st.availability, Av::Unavailable);
    h.assert_hints(&[("1003", 1), ("1004", 8)]).await;
    h.answer("1004").await;
    h.exec_ok(Command::CompleteTransfer { user: CAROL }).await;
    // Carol's ACD call ended by transfer: wrap-up. Dave has the caller.
    let st = h.agent(A_CAROL).await;
    assert!(!st.on_call_acd);
    assert!(st.on_wrapup);
    assert_eq!(st.availability, Av::Unavailable);
    assert_eq!(h.member(SALES, A_CAROL).await.calls_taken, 1);
    h.assert_hints(&[("1003", 0), ("1004", 1)]).await;
    assert_eq!(h.calls("1004").await[0].peer.number, "0612345678");
    assert_eq!(h.stats(SALES).await.talking_agents, 0);
    h.advance(10.0).await;
    assert_eq!(h.agent(A_CAROL).await.availability, Av::Available);
    h.hangup_call(&call).await;
    h.assert_idle().await;

    // A caller waits in support (nobody logged there); dave, a sales agent without the
    // switchboard right, may not take it.
    h.login(DAVE, A_DAVE).await;
    let call = h.outside("0612345678", "3002").await;
    assert!(matches!(
        h.exec(Command::Answer {
            user: DAVE,
            uniqueid: Some(call.clone()),
        })
        .await,
        Err(CommandError::Forbidden(_))
    ));
    assert_eq!(h.stats(SUPPORT).await.waiting_calls, 1);
    h.hangup_call(&call).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn a_switchboard_agent_takes_a_queued_caller_and_transfers_it() {
    // Agents here have the switchboard right.
    let toml = Dataset::demo_toml().replace(
        "name = \"agent\"\n",
        "name = \"agent\"\nswitchboard = true\n",
    );
    let ds = Dataset::from_toml_str(&toml).expect("dataset");
    let mut h = E2e::with(ds, sim_config()).await;
    h.login(CAROL, A_CAROL).await;
    // A caller waits in support (nobody logged there); dave, a sales agent, takes it and
    // blind-transfers it to sales: it rings every available sales member — dave included.
    h.login(DAVE, A_DAVE).await;
    let call = h.outside("0612345678", "3002").await;
    assert_eq!(h.stats(SUPPORT).await.waiting_calls, 1);
    h.exec_ok(Command::Answer {
        user: DAVE,
        uniqueid: Some(call.clone()),
    })
    .await;
    h.assert_hints(&[("1004", 1)]).await;
    assert_eq!(h.stats(SUPPORT).await.waiting_calls, 0);
    h.exec_ok(Command::BlindTransfer {
        user: DAVE,
        destination: "3001".into(),
    })
    .await;
    // Dave's leg ends and his phone rings again as a sales member in the same switch step:
    // derived once per batch, his hint goes straight from in use to ringing.
    assert_eq!(h.step_hints("1004"), vec![8]);
    assert_eq!(h.entries(SALES).await[0].uniqueid, call);
    assert_eq!(h.sim_ringing_lines(), vec!["1003", "1004"]);
    let st = h.agent(A_DAVE).await;
    assert!(!st.on_wrapup, "a picked-up call is not an ACD call of his");
    h.hangup_call(&call).await;
    h.assert_idle().await;
}

#[tokio::test]
async fn transfer_to_voicemail_and_consult_it() {
    let mut h = E2e::start().await;
    let call = h.outside("0612345678", "1002").await;
    h.answer("1002").await;
    h.exec_ok(Command::TransferToVoicemail {
        user: BOB,
        mailbox: "1003".into(),
        attended: false,
    })
    .await;
    h.assert_hints(&[("1002", 0), ("1003", 0)]).await;
    h.advance(20.0).await;
    h.hangup_call(&call).await;
    let vm = ctid_core::ids::VoicemailId(3);
    assert_eq!(h.read(move |s| s.voicemail_counts(vm)).await.new, 1);
    // Carol listens to her messages: they become old.
    h.dial("1003", "*98").await;
    h.assert_hints(&[("1003", 1)]).await;
    h.hang_up("1003").await;
    let counts = h.read(move |s| s.voicemail_counts(vm)).await;
    assert_eq!((counts.new, counts.old), (0, 1));
    h.assert_idle().await;
}

#[tokio::test]
async fn take_a_held_call_from_another_line() {
    let mut h = E2e::start().await;
    let call = h.outside("0612345678", "1002").await;
    h.answer("1002").await;
    h.press("1002", ctid_pbx_sim::LineAction::Hold).await;
    h.assert_hints(&[("1002", 16)]).await;
    // Alice (switchboard) takes the held caller.
    h.exec_ok(Command::Answer {
        user: ALICE,
        uniqueid: Some(call.clone()),
    })
    .await;
    h.assert_hints(&[("1001", 1), ("1002", 0)]).await;
    assert_eq!(h.calls("1001").await[0].peer.number, "0612345678");
    h.hangup_call(&call).await;
    h.assert_idle().await;
}
