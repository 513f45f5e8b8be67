//! Users' services in AstDB with a scripted AMI peer over real TCP: every user's services
//! written on each connect, a change made while Asterisk is away written on the next connect
//! instead of failing, a live change written at once, a refusal reported or logged.

mod support;

use std::time::Duration;

use ctid_core::dataset::{Forward, UserServices};
use ctid_core::ids::{UniqueId, UserId};
use ctid_core::pbx::{PbxAction, PbxEvent};
use ctid_pbx_ami::{AmiMessage, NOT_CONNECTED};
use support::*;

/// (key, value) of the `DBPut`s of one AstDB family.
fn family_values(puts: &[AmiMessage], family: &str) -> Vec<(String, String)> {
    puts.iter()
        .filter(|m| m.get("Family") == Some(family))
        .map(|m| {
            (
                m.get("Key").unwrap().to_owned(),
                m.get("Val").unwrap().to_owned(),
            )
        })
        .collect()
}

fn first_user_with_a_line(rig: &Rig) -> (UserId, String) {
    let user = rig
        .dataset
        .users()
        .iter()
        .find(|u| u.line.is_some())
        .expect("the demo has a user with a line");
    let line = rig.dataset.line_of_user(user.id).unwrap();
    (user.id, format!("ctid/{}", line.number))
}

fn dnd_and_forward() -> UserServices {
    UserServices {
        dnd: true,
        fwd_unconditional: Forward {
            enabled: true,
            destination: "0612345678".into(),
        },
        ..UserServices::default()
    }
}

fn hangup() -> PbxAction {
    PbxAction::Hangup {
        uniqueid: UniqueId::new("1795371269.7"),
    }
}

#[tokio::test]
async fn every_connect_writes_every_users_services_and_keeps_changes_made_while_away() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(ctid_pbx_ami::AmiConfig {
        reconnect_min: Duration::from_secs(60),
        reconnect_max: Duration::from_secs(60),
        ..config(peer.port())
    });
    let (user, family) = first_user_with_a_line(&rig);
    let with_line = rig
        .dataset
        .users()
        .iter()
        .filter(|u| u.line.is_some())
        .count();

    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    assert_eq!(conn.services_written.len(), with_line * 6);
    assert_eq!(
        family_values(&conn.services_written, &family),
        [
            ("dnd".into(), "0".into()),
            ("incallfilter".into(), "0".into()),
            ("vm_enabled".into(), "1".into()),
            ("fwd_unc".into(), String::new()),
            ("fwd_busy".into(), String::new()),
            ("fwd_rna".into(), String::new()),
        ]
    );

    // Asterisk goes away; the user turns DND and a forward on meanwhile.
    drop(conn);
    rig.snapshot().await;
    rig.submit(PbxAction::SetServices {
        user,
        services: dnd_and_forward(),
    });
    // An action behind it is refused at once: the change before it was kept, not refused.
    let after = rig.submit(hangup());
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: after,
            reason: NOT_CONNECTED.into()
        }]
    );

    rig.clock.advance(Duration::from_secs(60));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;
    assert_eq!(conn.services_written.len(), with_line * 6);
    let values = family_values(&conn.services_written, &family);
    assert!(values.contains(&("dnd".into(), "1".into())), "{values:?}");
    assert!(
        values.contains(&("fwd_unc".into(), "0612345678".into())),
        "{values:?}"
    );
}

#[tokio::test]
async fn a_live_change_is_written_at_once_and_a_refusal_reaches_the_core() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let (user, family) = first_user_with_a_line(&rig);
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;

    rig.submit(PbxAction::SetServices {
        user,
        services: dnd_and_forward(),
    });
    let mut puts = Vec::new();
    for _ in 0..6 {
        let put = conn.expect("DBPut").await;
        conn.ok(&put, "Message: Updated database successfully\n")
            .await;
        puts.push(put);
    }
    let values = family_values(&puts, &family);
    assert!(values.contains(&("dnd".into(), "1".into())), "{values:?}");

    let id = rig.submit(PbxAction::SetServices {
        user,
        services: UserServices::default(),
    });
    let put = conn.expect("DBPut").await;
    conn.error(&put, "Permission denied").await;
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: id,
            reason: "Permission denied".into()
        }]
    );
}

#[tokio::test]
async fn refused_writes_on_connect_do_not_stop_the_resync() {
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
    let mut refused = 0;
    let mut action = conn.action().await;
    while action.get("Action") == Some("DBPut") {
        conn.error(&action, "Permission denied").await;
        refused += 1;
        action = conn.action().await;
    }
    assert!(refused > 0);
    assert_eq!(action.get("Action"), Some("CoreShowChannels"));
    conn.empty_list(&action).await;
    for _ in 1..ctid_pbx_ami::snapshot::resync_actions().len() {
        let list = conn.action().await;
        conn.empty_list(&list).await;
    }
    rig.live().await;
    assert_eq!(rig.handle.stats.connects(), 1);
}

#[tokio::test]
async fn a_change_during_the_resync_is_written_once_live() {
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let (user, family) = first_user_with_a_line(&rig);
    let mut conn = peer.accept().await;
    conn.login_plain(BANNER).await;
    let mut action = conn.action().await;
    while action.get("Action") == Some("Filter") {
        conn.ok(&action, "").await;
        action = conn.action().await;
    }
    conn.ok(&action, "Events: On\n").await;
    conn.answer_services().await;
    let first = conn.expect("CoreShowChannels").await;
    rig.submit(PbxAction::SetServices {
        user,
        services: dnd_and_forward(),
    });
    let after = rig.submit(hangup());
    assert_eq!(
        rig.batch().await,
        [PbxEvent::ActionFailed {
            action: after,
            reason: NOT_CONNECTED.into()
        }]
    );
    conn.empty_list(&first).await;
    for _ in 1..ctid_pbx_ami::snapshot::resync_actions().len() {
        let list = conn.action().await;
        conn.empty_list(&list).await;
    }
    rig.live().await;
    let mut puts = Vec::new();
    for _ in 0..6 {
        puts.push(conn.expect("DBPut").await);
    }
    let values = family_values(&puts, &family);
    assert!(values.contains(&("dnd".into(), "1".into())), "{values:?}");
}

#[tokio::test]
async fn a_user_added_while_live_gets_its_services_written() {
    use ctid_core::dataset::{ConfigChange, ConfigObject};
    let peer = Peer::bind().await;
    let mut rig = Rig::start(config(peer.port()));
    let mut conn = peer.accept().await;
    conn.handshake().await;
    rig.live().await;

    let mut line = rig.dataset.lines()[0].clone();
    line.id = ctid_core::ids::LineId(99);
    line.number = "1099".into();
    line.name = "1099".into();
    let mut user = rig.dataset.users()[0].clone();
    user.id = UserId(99);
    user.login = "newcomer".into();
    user.uuid = String::new();
    user.line = Some(line.id);
    user.voicemail = None;
    user.services = dnd_and_forward();
    rig.submit(PbxAction::ConfigChanged {
        changes: vec![
            ConfigChange::Added(ConfigObject::Line(line)),
            ConfigChange::Added(ConfigObject::User(user)),
        ],
    });
    let mut puts = Vec::new();
    for _ in 0..6 {
        puts.push(conn.expect("DBPut").await);
    }
    let values = family_values(&puts, "ctid/1099");
    assert_eq!(values.len(), 6, "{puts:?}");
    assert!(values.contains(&("dnd".into(), "1".into())), "{values:?}");
}
