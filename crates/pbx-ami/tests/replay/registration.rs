//! asterisk-20-pjsip-registration.capture.txt: phone 1005 registers with digest auth,
//! refreshes and unregisters.

use ctid_core::Event;
use ctid_core::ids::LineId;
use ctid_core::live::HintStatus;

use crate::lab::{Driver, Lab};

const CAPTURE: &str = "asterisk-20-pjsip-registration.capture.txt";

#[tokio::test]
async fn a_phone_registers_and_unregisters() {
    let erin = LineId(5);
    let mut lab = Lab::start(CAPTURE, Driver::Pjsip).await;
    lab.play_to("REGISTRATION", 0.0).await;
    // The inventory's AORs: 1001–1004 have static contacts, 1005 none yet.
    let registered = lab
        .read(|s| {
            (1..=5)
                .map(|l| s.line_registered(LineId(l)))
                .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(
        registered,
        [Some(true), Some(true), Some(true), Some(true), Some(false)]
    );
    assert_eq!(
        lab.read(move |s| s.line_hint(erin)).await,
        HintStatus::Unavailable
    );
    let up = lab.play_to("REGISTRATION", 4.0).await;
    assert!(up.iter().any(|e| matches!(
        e,
        Event::LineHint { line, hint: HintStatus::Idle } if *line == erin
    )));
    assert_eq!(lab.read(move |s| s.line_registered(erin)).await, Some(true));
    let down = lab.play_phase("REGISTRATION").await;
    assert!(down.iter().any(|e| matches!(
        e,
        Event::LineHint { line, hint: HintStatus::Unavailable } if *line == erin
    )));
    assert_eq!(
        lab.read(move |s| s.line_registered(erin)).await,
        Some(false)
    );
}
