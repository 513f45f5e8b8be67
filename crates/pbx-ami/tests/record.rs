//! `ctid ami record`'s recorder against the scripted AMI peer over real TCP: it logs in (the
//! secret not written), turns events on, writes what the peer sends in the capture format, and
//! the recording replays to the same `PbxEvent`s as the capture the peer played.

mod support;

use std::time::Duration;

use bytes::BytesMut;
use ctid_core::Dataset;
use ctid_core::pbx::PbxEvent;
use ctid_pbx_ami::capture::{Capture, Direction};
use ctid_pbx_ami::codec::encode_message;
use ctid_pbx_ami::record::{self, Ending};
use ctid_pbx_ami::replay::ReplayCursor;
use std::sync::Arc;
use support::*;

const CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/captures/asterisk-20-chansip.capture.txt"
);

fn lab() -> Arc<Dataset> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/lab.toml");
    Arc::new(Dataset::load(path.as_ref()).expect("the lab dataset loads"))
}

/// Every `PbxEvent` a capture replays to, in order.
fn replayed(capture: Capture) -> Vec<PbxEvent> {
    let mut cursor = ReplayCursor::new(capture, lab());
    let mut events = Vec::new();
    while let Some(batch) = cursor.next_batch() {
        events.extend(batch.events);
    }
    events
}

/// Answers the recorder's inventory (the adapter's resync lists) with empty lists; returns
/// how many.
async fn answer_lists(conn: &mut Conn) -> u64 {
    let lists = ctid_pbx_ami::snapshot::resync_actions();
    for expected in &lists {
        let list = conn.action().await;
        assert_eq!(list.get("Action"), expected.get("Action"));
        conn.empty_list(&list).await;
    }
    lists.len() as u64
}

#[tokio::test]
async fn a_recording_of_what_asterisk_sent_replays_like_the_original() {
    let original = Capture::read(CAPTURE.as_ref()).expect("the capture reads");
    let peer = Peer::bind().await;
    let config = config(peer.port());
    let recorder = tokio::spawn(async move {
        record::record(&config, Vec::new(), futures::future::pending()).await
    });
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    let events = conn.expect("Events").await;
    assert_eq!(events.get("EventMask"), Some("on"));
    conn.ok(&events, "Events: On\n").await;
    let lists = answer_lists(&mut conn).await;
    // Everything Asterisk sent in the original session after its login, as bytes.
    let mut wire = BytesMut::new();
    let mut played = 0;
    for entry in &original.entries {
        if entry.direction == Direction::Received && entry.phase != "login" {
            encode_message(&entry.message, &mut wire);
            played += 1;
        }
    }
    conn.send_raw(&wire).await;
    drop(conn);

    let (report, ending, bytes) = tokio::time::timeout(WAIT, recorder)
        .await
        .expect("the recorder ends when Asterisk closes")
        .expect("no panic")
        .expect("the recording succeeds");
    assert_eq!(ending, Ending::Closed);
    assert_eq!(report.sent, 2 + lists, "login, events on, the lists");
    assert_eq!(
        report.received,
        played + 2 + 2 * lists,
        "the answers and what was played"
    );
    assert_eq!(report.bytes, bytes.len() as u64);
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(!text.contains(SECRET), "the secret is not recorded");
    let recorded = Capture::parse(&text).expect("the recording is a valid capture");
    assert!(recorded.header[0].contains(&format!("connected to 127.0.0.1:{}", peer.port())));
    assert_eq!(recorded.header[1], format!("banner: {BANNER}"));
    assert_eq!(recorded.phases[0].name, "INV");
    assert_eq!(recorded.phases[1].name, "REC");
    let login = &recorded.entries[0];
    assert_eq!(login.direction, Direction::Sent);
    assert_eq!(login.message.get("Secret"), Some("***"));

    let from_original = replayed(original);
    assert!(from_original.len() > 50, "{}", from_original.len());
    assert_eq!(replayed(recorded), from_original);
}

#[tokio::test]
async fn stopping_logs_off_and_a_refused_login_is_an_error() {
    let peer = Peer::bind().await;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let settings = config(peer.port());
    let recorder = tokio::spawn(async move {
        record::record(&settings, Vec::new(), async {
            let _ = stop_rx.await;
        })
        .await
    });
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    let events = conn.expect("Events").await;
    conn.ok(&events, "Events: On\n").await;
    let lists = answer_lists(&mut conn).await;
    conn.send("Event: FullyBooted\nPrivilege: system,all\nStatus: Fully Booted\n\n")
        .await;
    stop_tx.send(()).unwrap();
    let logoff = conn.expect("Logoff").await;
    conn.send(&format!(
        "Response: Goodbye\nActionID: {}\nMessage: Thanks for all the fish.\n\n",
        logoff.action_id().unwrap()
    ))
    .await;
    let (report, ending, bytes) = tokio::time::timeout(WAIT, recorder)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(ending, Ending::Stopped);
    assert_eq!(report.sent, 3 + lists);
    let recorded = Capture::parse(std::str::from_utf8(&bytes).unwrap()).unwrap();
    assert!(
        recorded
            .entries
            .iter()
            .any(|e| e.direction == Direction::Sent && e.message.get("Action") == Some("Logoff"))
    );

    // A refused login.
    let peer = Peer::bind().await;
    let config = config(peer.port());
    let recorder = tokio::spawn(async move {
        record::record(&config, Vec::new(), futures::future::pending()).await
    });
    let mut conn = peer.accept().await;
    conn.send(&format!("{BANNER}\n")).await;
    let login = conn.expect("Login").await;
    conn.error(&login, "Authentication failed").await;
    let err = tokio::time::timeout(WAIT, recorder)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().contains("Authentication failed"), "{err}");
}

#[tokio::test]
async fn nothing_listening_is_a_clear_error() {
    let port = Peer::bind().await.port();
    let config = ctid_pbx_ami::AmiConfig {
        connect_timeout: Duration::from_secs(5),
        ..config(port)
    };
    let err = record::record(&config, Vec::new(), futures::future::pending())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot connect to Asterisk at 127.0.0.1:"),
        "{err}"
    );
}
