//! The replay engine as `ctid serve --replay` runs it: the whole recording into the port at
//! full speed, the snapshot first, every action of the core refused.

use ctid_core::ids::{ActionId, UniqueId};
use ctid_core::pbx::{PbxAction, PbxEvent, PbxRequest};
use ctid_core::{ManualClock, pbx_link};
use ctid_pbx_ami::replay::{REFUSAL, ReplayCursor, Speed, run};
use std::time::Duration;
use tokio::time::timeout;

use crate::lab::{Driver, data, dataset};

#[tokio::test]
async fn a_recording_plays_whole_and_actions_are_refused() {
    let cursor = ReplayCursor::open(
        &data("captures/asterisk-20-chansip.capture.txt"),
        dataset(Driver::Sip),
    )
    .expect("capture reads");
    let (mut port, adapter) = pbx_link(16);
    let clock = ManualClock::at_default_start();
    let engine = tokio::spawn(run(cursor, adapter, clock.shared(), Speed::Max));
    let request = PbxRequest {
        id: ActionId(7),
        action: PbxAction::Hangup {
            uniqueid: UniqueId::from("1795371246.0"),
        },
    };
    port.submit(request).expect("room for an action");
    let mut first = true;
    let mut refused = false;
    let mut hangups = 0;
    while !refused {
        let batch = timeout(Duration::from_secs(10), port.events.recv())
            .await
            .expect("the replay sends within 10 s")
            .expect("the replay runs");
        if first {
            assert!(
                matches!(batch.as_slice(), [PbxEvent::Snapshot(_)]),
                "the snapshot comes first, alone: {batch:?}"
            );
            first = false;
        }
        for event in batch {
            match event {
                PbxEvent::ActionFailed { action, reason } => {
                    assert_eq!(action, ActionId(7));
                    assert_eq!(reason, REFUSAL);
                    refused = true;
                }
                PbxEvent::Hangup { .. } => hangups += 1,
                _ => {}
            }
        }
    }
    // Keep reading to the end: every channel of the recording hangs up (24 of them).
    let rest = async {
        while let Some(batch) = port.events.recv().await {
            hangups += batch
                .iter()
                .filter(|e| matches!(e, PbxEvent::Hangup { .. }))
                .count();
            if hangups >= 15 {
                break;
            }
        }
    };
    timeout(Duration::from_secs(10), rest)
        .await
        .expect("the whole recording within 10 s");
    assert_eq!(hangups, 15);
    drop(port);
    let report = timeout(Duration::from_secs(10), engine)
        .await
        .expect("the engine ends once the core is gone")
        .expect("no panic");
    assert_eq!(report.refused, 1);
    assert!(report.messages > 700, "{report:?}");
}
