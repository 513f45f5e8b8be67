//! The adapter against a scripted AMI peer over real TCP: banners, logins, the resync,
//! actions and their answers, timeouts, originates, disconnections, bad input. Everything is
//! asserted at the core's end of a real `pbx_link`; timers run on a manual clock.

mod support;

use std::time::Duration;

use ctid_core::ids::UniqueId;
use ctid_core::live::Party;
use ctid_core::pbx::{OriginateFrom, PbxAction, PbxEvent};
use ctid_pbx_ami::{AuthMode, NOT_CONNECTED};
use support::*;

fn hangup(uid: &str) -> PbxAction {
    PbxAction::Hangup {
        uniqueid: UniqueId::new(uid),
    }
}

#[tokio::test]
async fn banner_variants_and_plain_login_reach_the_snapshot() {
    for banner in [
        "Asterisk Call Manager/9.0.0",
        "Asterisk Call Manager/1.1",
        "Asterisk Call Manager/7.0.3",
    ] {
        let peer = Peer::bind().await;
        let mut rig = Rig::start(config(peer.port()));
        let mut conn = peer.accept().await;
        conn.login_plain(banner).await;
        conn.after_login().await;
        let snapshot = rig.live().await;
        assert!(snapshot.channels.is_empty());
        assert_eq!(rig.handle.stats.login_failures(), 0);
    }
}

#[tokio::test]
async fn a_server_that_is_not_asterisk_is_left() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.send("SSH-2.0-OpenSSH_9.6\n").await;
    assert!(conn.closed().await);
    // The core hears the switch is gone, and the adapter tries again.
    let outage = rig.snapshot().await;
    assert!(outage.registered.is_empty());
    let mut again = peer.accept().await;
    again.handshake().await;
    rig.live().await;
}

#[tokio::test]
async fn md5_login_sends_the_digest_not_the_secret() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(ctid_pbx_ami::AmiConfig {
        auth: AuthMode::Md5,
        ..config(peer.port())
    });
    let mut conn = peer.accept().await;
    conn.send(&format!("{BANNER}\n")).await;
    let challenge = conn.expect("Challenge").await;
    assert_eq!(challenge.get("AuthType"), Some("MD5"));
    conn.ok(&challenge, "Challenge: 840415273\n").await;
    let login = conn.expect("Login").await;
    assert_eq!(login.get("Secret"), None);
    assert_eq!(login.get("AuthType"), Some("MD5"));
    // md5("840415273" + "ctisecret")
    assert_eq!(login.get("Key"), Some("21131fa026a1b469dd8cd4edad0c29fe"));
    conn.ok(&login, "Message: Authentication accepted\n").await;
    conn.after_login().await;
    rig.live().await;
}

#[tokio::test]
async fn a_refused_login_is_retried_after_telling_the_core_the_switch_is_gone() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.send(&format!("{BANNER}\n")).await;
    let login = conn.expect("Login").await;
    conn.error(&login, "Authentication failed").await;
    assert!(conn.closed().await);
    let outage = rig.snapshot().await;
    assert!(outage.registered.is_empty() && outage.channels.is_empty());
    // The configured memberships stay while the switch is gone.
    let key = |m: &ctid_core::pbx::MemberSnapshot| (m.queue, m.agent);
    let mut members = outage.members.clone();
    members.sort_by_key(key);
    let mut configured = ctid_core::pbx::PbxSnapshot::idle(&rig.dataset).members;
    configured.sort_by_key(key);
    assert!(!configured.is_empty());
    assert_eq!(members, configured);
    assert_eq!(rig.handle.stats.login_failures(), 1);
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    assert_eq!(rig.handle.stats.connects(), 1);
}

#[tokio::test]
async fn the_resync_uses_its_own_action_ids_and_comes_before_anything() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    let mut action = conn.action().await;
    let mut ids = Vec::new();
    while action.get("Action") == Some("Filter") {
        ids.push(action.action_id().unwrap().to_owned());
        conn.ok(&action, "").await;
        action = conn.action().await;
    }
    assert_eq!(action.get("Action"), Some("Events"));
    ids.push(action.action_id().unwrap().to_owned());
    // A live event before the resync answers: held until the snapshot is sent.
    conn.send(
        "Event: PeerStatus\nPrivilege: system,all\nChannelType: SIP\nPeer: SIP/1001\n\
         PeerStatus: Reachable\n\n",
    )
    .await;
    conn.ok(&action, "Events: On\n").await;
    conn.answer_services().await;
    for _ in ctid_pbx_ami::snapshot::resync_actions() {
        let list = conn.action().await;
        ids.push(list.action_id().unwrap().to_owned());
        conn.empty_list(&list).await;
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let first = rig.batch().await;
    assert!(
        matches!(first.as_slice(), [PbxEvent::Snapshot(_)]),
        "{first:?}"
    );
}

#[tokio::test]
async fn an_action_refused_by_asterisk_comes_back_failed_with_its_message() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    // An action that succeeds: nothing comes back for it.
    let ok = rig.submit(hangup("1795371269.7"));
    let sent = conn.expect("Hangup").await;
    assert_eq!(sent.get("Channel"), Some("1795371269.7"));
    conn.ok(&sent, "Message: Channel Hungup\n").await;
    // One Asterisk refuses.
    let agent = rig.dataset.agents()[0].id;
    let refused = rig.submit(PbxAction::QueuePause {
        queue: None,
        agent,
        paused: true,
        reason: Some("lunch".into()),
    });
    let sent = conn.expect("QueuePause").await;
    assert_eq!(sent.get("Reason"), Some("lunch"));
    conn.error(&sent, "Interface not found").await;
    let batch = rig.batch().await;
    assert_eq!(
        batch,
        [PbxEvent::ActionFailed {
            action: refused,
            reason: "Interface not found".into()
        }]
    );
    assert_ne!(ok, refused);
}

#[tokio::test]
async fn queue_add_of_a_member_already_there_changes_its_penalty() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    let queue = rig.dataset.queues()[0].id;
    let agent = rig.dataset.agents()[0].id;
    let id = rig.submit(PbxAction::QueueAdd {
        queue,
        agent,
        penalty: 3,
    });
    let add = conn.expect("QueueAdd").await;
    conn.error(&add, "Unable to add interface: Already there")
        .await;
    let penalty = conn.expect("QueuePenalty").await;
    assert_eq!(penalty.get("Penalty"), Some("3"));
    assert_eq!(penalty.get("Interface"), add.get("Interface"));
    conn.error(&penalty, "Invalid interface, queuename or penalty")
        .await;
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: id,
            reason: "Invalid interface, queuename or penalty".into()
        }]
    );
}

#[tokio::test]
async fn an_unanswered_action_fails_after_its_timeout() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    let id = rig.submit(hangup("1795371269.7"));
    conn.expect("Hangup").await;
    rig.clock.advance(Duration::from_secs(11));
    let batch = rig.batch().await;
    let [PbxEvent::ActionFailed { action, reason }] = batch.as_slice() else {
        panic!("{batch:?}")
    };
    assert_eq!(*action, id);
    assert!(reason.contains("did not answer Hangup"), "{reason}");
    // The connection lives on: the next action is sent on it.
    rig.submit(hangup("1795371269.8"));
    conn.expect("Hangup").await;
}

#[tokio::test]
async fn originate_is_async_and_its_response_is_the_result() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    let line = rig.dataset.lines()[0].clone();
    let originate = |destination: &str| PbxAction::Originate {
        from: OriginateFrom::Line(line.id),
        destination: destination.into(),
        caller: Party::new("9000", "CTI Originate"),
        variables: vec![("USR_TAG".into(), "orig1".into())],
        auto_answer: false,
    };
    let ok = rig.submit(originate("5001"));
    let sent = conn.expect("Originate").await;
    assert_eq!(sent.get("Async"), Some("true"));
    assert_eq!(sent.get("Variable"), Some("USR_TAG=orig1"));
    let id = sent.action_id().unwrap().to_owned();
    conn.ok(&sent, "Message: Originate successfully queued\n")
        .await;
    conn.send(&format!(
        "Event: OriginateResponse\nPrivilege: call,all\nTimestamp: 1795371270.290164\n\
         ActionID: {id}\nResponse: Success\nChannel: SIP/1001-00000007\nContext: internal\n\
         Exten: 5001\nReason: 4\nUniqueid: 1795371269.7\nCallerIDNum: 9000\n\
         CallerIDName: CTI Originate\n\n"
    ))
    .await;
    assert_eq!(
        rig.batch().await,
        [PbxEvent::OriginateResult {
            action: ok,
            uniqueid: Some(UniqueId::new("1795371269.7")),
            success: true,
            reason: String::new(),
        }]
    );
    let busy = rig.submit(originate("1002"));
    let sent = conn.expect("Originate").await;
    let id = sent.action_id().unwrap().to_owned();
    conn.ok(&sent, "Message: Originate successfully queued\n")
        .await;
    conn.send(&format!(
        "Event: OriginateResponse\nPrivilege: call,all\nActionID: {id}\nResponse: Failure\n\
         Channel: SIP/1001\nContext: internal\nExten: 1002\nReason: 5\nUniqueid: <null>\n\
         CallerIDNum: 9000\nCallerIDName: CTI Originate\n\n"
    ))
    .await;
    assert_eq!(
        rig.batch().await,
        [PbxEvent::OriginateResult {
            action: busy,
            uniqueid: None,
            success: false,
            reason: "busy".into(),
        }]
    );
    // Refused at once (a bad channel): a failure with Asterisk's message.
    let refused = rig.submit(originate("1003"));
    let sent = conn.expect("Originate").await;
    conn.error(&sent, "Originate failed").await;
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: refused,
            reason: "Originate failed".into()
        }]
    );
}

#[tokio::test]
async fn a_disconnect_mid_event_fails_waiting_actions_and_resyncs() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    let waiting = rig.submit(hangup("1795371269.7"));
    conn.expect("Hangup").await;
    conn.send_raw(b"Event: Newchannel\r\nPrivilege: call,all\r\nChannel: SIP/10")
        .await;
    drop(conn);
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: waiting,
            reason: "the connection to Asterisk was lost".into()
        }]
    );
    let outage = rig.snapshot().await;
    assert!(outage.registered.is_empty());
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    assert_eq!(rig.handle.stats.connects(), 2);
}

#[tokio::test]
async fn a_disconnect_during_login_starts_again() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    drop(conn);
    let outage = rig.snapshot().await;
    assert!(outage.registered.is_empty());
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    assert_eq!(rig.handle.stats.connects(), 1);
}

/// Two channels of phase A of the chansip recording, as `CoreShowChannels` lists them.
const CHANNELS: &str = "Event: CoreShowChannel\nActionID: {id}\nChannel: SIP/trunk-00000000\n\
ChannelState: 4\nChannelStateDesc: Ring\nCallerIDNum: sipp\nCallerIDName: sipp\n\
ConnectedLineNum: 1001\nConnectedLineName: Alice\nLanguage: en\nAccountCode: \n\
Context: internal\nExten: 1001\nPriority: 2\nUniqueid: 1795371246.0\nLinkedid: 1795371246.0\n\
Application: Dial\nApplicationData: SIP/1001,20,tT\nDuration: 00:00:00\nBridgeId: \n\n\
Event: CoreShowChannel\nActionID: {id}\nChannel: SIP/1001-00000001\nChannelState: 5\n\
ChannelStateDesc: Ringing\nCallerIDNum: 1001\nCallerIDName: Alice\nConnectedLineNum: sipp\n\
ConnectedLineName: sipp\nLanguage: en\nAccountCode: \nContext: internal\nExten: 1001\n\
Priority: 1\nUniqueid: 1795371246.1\nLinkedid: 1795371246.0\nApplication: AppDial\n\
ApplicationData: (Outgoing Line)\nDuration: 00:00:00\nBridgeId: \n\n\
Event: CoreShowChannelsComplete\nActionID: {id}\nEventList: Complete\nListItems: 2\n\n";

/// The phone answering, live, while the resync runs.
const ANSWERED: &str = "Event: Newstate\nPrivilege: call,all\nTimestamp: 1795371247.966394\n\
Channel: SIP/1001-00000001\nChannelState: 6\nChannelStateDesc: Up\nCallerIDNum: 1001\n\
CallerIDName: Alice\nConnectedLineNum: sipp\nConnectedLineName: sipp\nLanguage: en\n\
AccountCode: \nContext: internal\nExten: 1001\nPriority: 1\nUniqueid: 1795371246.1\n\
Linkedid: 1795371246.0\n\n";

#[tokio::test]
async fn the_resync_lists_become_the_snapshot_and_live_events_follow_it() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start_lab(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    let mut action = conn.action().await;
    while action.get("Action") == Some("Filter") {
        conn.ok(&action, "").await;
        action = conn.action().await;
    }
    conn.ok(&action, "Events: On\n").await;
    conn.answer_services().await;
    let lists = ctid_pbx_ami::snapshot::resync_actions();
    assert_eq!(lists[0].get("Action"), Some("CoreShowChannels"));
    for (n, _) in lists.iter().enumerate() {
        let list = conn.action().await;
        let id = list.action_id().unwrap();
        if n == 0 {
            conn.send(&format!(
                "Response: Success\nActionID: {id}\nEventList: start\n\
                 Message: Channels will follow\n\n"
            ))
            .await;
            conn.send(&CHANNELS.replace("{id}", id)).await;
            // The phone answers while the other lists are asked.
            conn.send(ANSWERED).await;
        } else {
            conn.empty_list(&list).await;
        }
    }
    let snapshot = rig.snapshot().await;
    let ids: Vec<&str> = snapshot
        .channels
        .iter()
        .map(|c| c.uniqueid.as_str())
        .collect();
    assert_eq!(ids, ["1795371246.0", "1795371246.1"]);
    let ringing = &snapshot.channels[1];
    assert_eq!(ringing.state, ctid_core::live::ChannelState::Ringing);
    let after = rig.batch().await;
    assert!(
        after.contains(&PbxEvent::ChannelStateChanged {
            uniqueid: UniqueId::new("1795371246.1"),
            state: ctid_core::live::ChannelState::Up,
        }),
        "{after:?}"
    );
}

#[tokio::test]
async fn a_disconnect_mid_list_starts_the_resync_again() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start_lab(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    let mut action = conn.action().await;
    while action.get("Action") == Some("Filter") {
        conn.ok(&action, "").await;
        action = conn.action().await;
    }
    conn.ok(&action, "Events: On\n").await;
    conn.answer_services().await;
    let list = conn.expect("CoreShowChannels").await;
    let id = list.action_id().unwrap();
    // The list starts, one channel and half of the next arrive, then the connection drops.
    let channels = CHANNELS.replace("{id}", id);
    let cut = channels.find("ConnectedLineName: sipp").unwrap();
    conn.send(&format!(
        "Response: Success\nActionID: {id}\nEventList: start\nMessage: Channels will follow\n\n"
    ))
    .await;
    conn.send(&channels[..cut]).await;
    drop(conn);
    // No snapshot from the broken resync: the switch is gone, then the truth.
    let outage = rig.snapshot().await;
    assert!(outage.channels.is_empty());
    let mut conn = peer.accept().await;
    conn.handshake().await;
    let snapshot = rig.live().await;
    assert!(snapshot.channels.is_empty());
    assert_eq!(rig.handle.stats.connects(), 1);
}

#[tokio::test]
async fn a_resync_list_unanswered_in_time_restarts_the_connection() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    let mut action = conn.action().await;
    while action.get("Action") == Some("Filter") {
        conn.ok(&action, "").await;
        action = conn.action().await;
    }
    conn.ok(&action, "Events: On\n").await;
    conn.answer_services().await;
    conn.expect("CoreShowChannels").await;
    rig.clock.advance(Duration::from_secs(11));
    assert!(conn.closed().await);
    rig.snapshot().await;
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
}

#[tokio::test]
async fn garbage_and_an_oversized_block_are_skipped_and_the_connection_lives() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    let id = rig.submit(hangup("1795371269.7"));
    let sent = conn.expect("Hangup").await;
    conn.send("this is not AMI at all\n\n").await;
    conn.send_raw(&[0, 159, 146, 150, b'\r', b'\n', b'\r', b'\n'])
        .await;
    let huge = format!("Event: VarSet\r\nValue: {}\r\n\r\n", "x".repeat(200_000));
    conn.send_raw(huge.as_bytes()).await;
    conn.error(&sent, "No such channel").await;
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: id,
            reason: "No such channel".into()
        }]
    );
    assert_eq!(rig.handle.stats.skipped_blocks(), 3);
    assert_eq!(rig.handle.stats.connects(), 1);
}

#[tokio::test]
async fn while_disconnected_actions_fail_at_once() {
    // A port nothing listens on.
    let port = {
        let peer = Peer::bind().await;
        peer.port()
    };
    let mut rig = Rig::start(ctid_pbx_ami::AmiConfig {
        reconnect_min: Duration::from_secs(60),
        reconnect_max: Duration::from_secs(60),
        ..config(port)
    });
    let outage = rig.snapshot().await;
    assert!(outage.registered.is_empty());
    let id = rig.submit(hangup("1795371269.7"));
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: id,
            reason: NOT_CONNECTED.into()
        }]
    );
}

#[tokio::test]
async fn an_unanswered_ping_drops_the_connection() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(ctid_pbx_ami::AmiConfig {
        ping_interval: Duration::from_secs(20),
        ..config(peer.port())
    });
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    rig.clock.advance(Duration::from_secs(20));
    let ping = conn.expect("Ping").await;
    // The pong, then the refusal of an action: once the refusal reached the core, the pong
    // was read.
    let id = rig.submit(hangup("1795371269.7"));
    let sent = conn.expect("Hangup").await;
    conn.ok(&ping, "Ping: Pong\nTimestamp: 1795371245.839925\n")
        .await;
    conn.error(&sent, "No such channel").await;
    assert!(matches!(
        rig.batch().await.as_slice(),
        [PbxEvent::ActionFailed { action, .. }] if *action == id
    ));
    rig.clock.advance(Duration::from_secs(20));
    conn.expect("Ping").await;
    rig.clock.advance(Duration::from_secs(11));
    assert!(conn.closed().await);
    let outage = rig.snapshot().await;
    assert!(outage.registered.is_empty());
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
}
