//! The resync contract end to end: what the embedded PBX reports as its whole state (the
//! snapshot an engine sends after reconnecting) is exactly what the core learned from the live
//! stream, in every kind of situation, so a resync emits nothing; and the core starts from the
//! engine's snapshot, not from the dataset.

use ctid_core::Command;
use ctid_core::dataset::Dataset;
use ctid_pbx_sim::{LineAction, SimConfig};

use crate::support::*;

#[tokio::test]
async fn a_resync_in_the_middle_of_everything_emits_nothing() {
    let mut h = E2e::start().await;
    h.login(CAROL, A_CAROL).await;
    h.login(DAVE, A_DAVE).await;
    h.exec_ok(Command::QueuePause {
        requester: DAVE,
        agent: None,
        queue: None,
        paused: true,
        reason: Some("lunch".into()),
    })
    .await;
    // Alice and Bob talk, then Alice holds.
    h.dial("1001", "1002").await;
    h.answer("1002").await;
    h.press("1001", LineAction::Hold).await;
    // An outside caller rings Eve.
    h.outside("0612345678", "1005").await;
    // Carol answers a sales call (Dave is paused); Alice, a supervisor, listens to her.
    h.outside("0698765432", "3001").await;
    h.answer("1003").await;
    h.exec_ok(Command::Listen {
        requester: ALICE,
        agent: A_CAROL,
    })
    .await;
    // Nobody takes support calls: a caller waits.
    h.outside("0611111111", "3002").await;
    // Someone is in the conference room.
    h.outside("0622222222", "4000").await;
    h.advance(3.0).await;
    assert!(!h.sim_calls.is_empty());

    h.resync().await;
    assert!(
        h.step_events().is_empty(),
        "a resync to the same state emitted:\n{}",
        h.dump(h.log.len() - h.step_events().len())
    );
}

#[tokio::test]
async fn the_starting_state_comes_from_the_engine() {
    let cfg = SimConfig {
        unregistered: vec!["1005".into()],
        ..sim_config()
    };
    let mut h = E2e::with(Dataset::demo(), cfg).await;
    h.assert_hints(&[("1004", 0), ("1005", 4)]).await;
    // Eve's phone registers: the core learns it from the switch.
    h.press("1005", LineAction::Register).await;
    h.assert_hints(&[("1005", 0)]).await;
    h.resync().await;
    assert!(h.step_events().is_empty());
}
