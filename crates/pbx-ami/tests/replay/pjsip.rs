//! asterisk-20-pjsip.capture.txt: the same phases as the chan_sip recording, with chan_pjsip.

use ctid_core::Event;
use ctid_core::ids::{LineId, UniqueId};
use ctid_core::live::{Endpoint, HintStatus};

use crate::lab::{Driver, Lab};

const CAPTURE: &str = "asterisk-20-pjsip.capture.txt";

/// The endpoints' device states make 1001–1004 registered; PJSIP channels map to the lines.
#[tokio::test]
async fn pjsip_channels_map_to_the_lines() {
    let mut lab = Lab::start(CAPTURE, Driver::Pjsip).await;
    lab.play_to("A", 0.0).await;
    let registered = lab
        .read(|s| {
            (1..=6)
                .map(|l| s.line_registered(LineId(l)))
                .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(
        registered,
        [
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(false),
            Some(false)
        ]
    );
    lab.play_to("A", 1.0).await;
    let endpoints = lab
        .read(|s| {
            let mut c: Vec<_> = s
                .channels()
                .map(|c| (c.name().to_owned(), c.endpoint().clone()))
                .collect();
            c.sort_by(|a, b| a.0.cmp(&b.0));
            c
        })
        .await;
    assert_eq!(endpoints.len(), 2, "{endpoints:?}");
    assert!(endpoints[0].0.starts_with("PJSIP/1001-"));
    assert_eq!(endpoints[0].1, Endpoint::Line(LineId(1)));
    assert!(endpoints[1].0.starts_with("PJSIP/trunk-"));
    assert_eq!(endpoints[1].1, Endpoint::Trunk);
    assert_eq!(
        lab.read(|s| s.line_hint(LineId(1))).await,
        HintStatus::Ringing
    );
    let ended = lab.play_phase("A").await;
    let released: Vec<_> = ended
        .iter()
        .filter_map(|e| match e {
            Event::CallLogged(entry) => Some(entry.linkedid.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(released.len(), 1);
    assert_ne!(released[0], UniqueId::from(""));
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
}
