//! Configuration that changes while the server runs, seen by CTI clients over TCP: users,
//! lines, queues and memberships added, updated and removed through the core's input
//! (`CoreHandle::apply_config`) reach every session as `getlist addconfig` / `updateconfig` /
//! `delconfig`; a new user logs in at once; a removed user's sessions end with a last message.

mod support;

use serde_json::{Value, json};

use ctid_core::dataset::User;
use ctid_core::dataset::{ConfigChange, ConfigError, ConfigKey, ConfigObject};
use ctid_core::ids::{LineId, ProfileId, QueueId, UserId};
use support::*;

fn object<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("valid object")
}

fn list_change(m: &Value, function: &str, list: &str, id: &str) -> bool {
    m["class"] == "getlist"
        && m["function"] == function
        && m["listname"] == list
        && m["list"] == json!([id])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_reach_clients_and_removed_users_are_disconnected() {
    let server = TestServer::start().await;
    let mut alice = server.login("alice").await;
    let mut bob = server.login("bob").await;

    // Gina, her new line, a new queue and a membership of carol's agent in it.
    server
        .core
        .apply_config(vec![
            ConfigChange::Added(ConfigObject::Line(object(
                json!({"id": 7, "number": "1007"}),
            ))),
            ConfigChange::Added(ConfigObject::User(object(json!({
                "id": 7, "login": "gina", "password": "gina", "firstname": "Gina",
                "line": 7, "profile": 3
            })))),
            ConfigChange::Added(ConfigObject::Queue(object(json!({
                "id": 3, "name": "vip", "number": "3003"
            })))),
            ConfigChange::Added(ConfigObject::QueueMember {
                queue: QueueId(3),
                member: object(json!({"agent": 1, "penalty": 0})),
            }),
        ])
        .await
        .expect("valid changes");
    alice
        .expect_all(&[
            ("addconfig phones 7", &|m| {
                list_change(m, "addconfig", "phones", "7")
            }),
            ("addconfig users 7", &|m| {
                list_change(m, "addconfig", "users", "7")
            }),
            ("addconfig queues 3", &|m| {
                list_change(m, "addconfig", "queues", "3")
            }),
            ("addconfig queuemembers", &|m| {
                list_change(m, "addconfig", "queuemembers", "Agent/2001,vip")
            }),
        ])
        .await;

    // The client asks for what was added, as the Qt client does.
    alice
        .send(getlist("updateconfig", "users", Some("7")))
        .await;
    let config = alice
        .expect("gina's config", |m| {
            is_getlist(m, "updateconfig", "users", "7")
        })
        .await;
    assert_eq!(config["config"]["fullname"], "Gina");
    assert_eq!(config["config"]["linelist"], json!(["7"]));
    alice.send(getlist("listid", "users", None)).await;
    let ids = alice
        .expect("users listid", |m| {
            m["function"] == "listid" && m["listname"] == "users"
        })
        .await;
    assert_eq!(ids["list"], json!(["1", "2", "3", "4", "5", "6", "7"]));

    // Gina logs in at once.
    let mut gina = server.login("gina").await;

    // An update pushes the keys that changed.
    let mut vip: ctid_core::dataset::Queue = object(json!({
        "id": 3, "name": "vip", "displayname": "VIP line", "number": "3003"
    }));
    vip.members.clear();
    server
        .core
        .apply_config(vec![ConfigChange::Updated(ConfigObject::Queue(vip))])
        .await
        .expect("valid change");
    let update = alice
        .expect("updateconfig queues 3", |m| {
            is_getlist(m, "updateconfig", "queues", "3")
        })
        .await;
    assert_eq!(update["config"], json!({"displayname": "VIP line"}));

    // A refused change says why and pushes nothing: bob is still there.
    let refused = server
        .core
        .apply_config(vec![ConfigChange::Removed(ConfigKey::Line(LineId(2)))])
        .await;
    assert_eq!(
        refused.err(),
        Some(ConfigError::Invalid(
            "user bob refers to unknown line 2".to_owned()
        ))
    );

    // Bob is removed while logged in: his session gets a last message, then closes; the
    // others see him leave the users list and his line lose its owner.
    server
        .core
        .apply_config(vec![ConfigChange::Removed(ConfigKey::User(UserId(2)))])
        .await
        .expect("valid change");
    let last = bob.expect_class("disconnect").await;
    assert_eq!(last["type"], "force");
    assert_eq!(last["reason"], "user_removed");
    bob.expect_closed().await;
    for client in [&mut alice, &mut gina] {
        let found = client
            .expect_all(&[
                ("delconfig users 2", &|m| {
                    list_change(m, "delconfig", "users", "2")
                }),
                ("phone 2 without owner", &|m| {
                    is_getlist(m, "updateconfig", "phones", "2")
                        && m["config"] == json!({"iduserfeatures": null})
                }),
            ])
            .await;
        assert_eq!(found.len(), 2);
    }
    // Nobody logs in as bob any more.
    let mut again = server.connect().await;
    again.expect_class("starttls").await;
    again.send(json!({"class":"login_id","userlogin":"bob","company":"xivo","ident":"test","wazoversion":"2.3","commandid":1}))
        .await;
    let mut refusal = again.expect_class("login_id").await;
    if refusal.get("error_string").is_none() {
        again
            .send(json!({"class":"login_pass","password":"bob","commandid":2}))
            .await;
        refusal = again.expect_class("login_pass").await;
    }
    assert!(refusal["error_string"].is_string(), "{refusal}");
    // The listid cache follows.
    alice.send(getlist("listid", "users", None)).await;
    let ids = alice
        .expect("users listid", |m| {
            m["function"] == "listid" && m["listname"] == "users"
        })
        .await;
    assert_eq!(ids["list"], json!(["1", "3", "4", "5", "6", "7"]));
    server.stop().await;
}

/// The embedded PBX learns configuration changes through the Pbx port: a line added at run time
/// can register and be dialled (its hint goes unavailable → idle → ringing), and a line removed
/// while in a call ends the call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_follows_lines_added_and_removed() {
    use ctid_pbx_sim::LineAction;
    let server = TestServer::start().await;
    let mut alice = server.login("alice").await;
    server
        .core
        .apply_config(vec![ConfigChange::Added(ConfigObject::Line(object(
            json!({"id": 7, "number": "1007"}),
        )))])
        .await
        .expect("valid change");
    alice
        .expect("addconfig phones 7", |m| {
            list_change(m, "addconfig", "phones", "7")
        })
        .await;
    let hint = |code: &'static str| {
        move |m: &Value| {
            is_getlist(m, "updatestatus", "phones", "7") && m["status"]["hintstatus"] == code
        }
    };
    // Unknown to the switch until the change reached it: registering proves it did.
    server
        .sim
        .line_action("1007", LineAction::Register)
        .await
        .expect("the new phone registers");
    alice.expect("phone 7 idle", hint("0")).await;
    server
        .sim
        .line_action("1001", LineAction::Dial { to: "1007".into() })
        .await
        .expect("alice dials the new line");
    alice.expect("phone 7 ringing", hint("8")).await;
    // Removing the ringing line ends the call: alice's phone is idle again.
    server
        .core
        .apply_config(vec![ConfigChange::Removed(ConfigKey::Line(LineId(7)))])
        .await
        .expect("valid change");
    alice
        .expect("delconfig phones 7", |m| {
            list_change(m, "delconfig", "phones", "7")
        })
        .await;
    alice
        .expect("phone 1 idle", |m| {
            is_getlist(m, "updatestatus", "phones", "1") && m["status"]["hintstatus"] == "0"
        })
        .await;
    assert!(server.sim.calls().await.expect("calls").is_empty());
    server.stop().await;
}

/// The demo user `id`, changed by `f`, as an update.
fn user_updated(server: &TestServer, id: u32, f: impl FnOnce(&mut User)) -> ConfigChange {
    let mut user = server
        .core
        .dataset()
        .user(UserId(id))
        .expect("a demo user")
        .clone();
    f(&mut user);
    ConfigChange::Updated(ConfigObject::User(user))
}

/// A user who may no longer log in loses the sessions already open, with a last message naming
/// why: CTI disabled (`cti_disabled`) or no profile left (`no_profile`); the others stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_who_may_no_longer_log_in_are_disconnected() {
    let server = TestServer::start().await;
    let mut alice = server.login("alice").await;
    let mut bob = server.login("bob").await;
    let mut carol = server.login("carol").await;

    let no_cti = user_updated(&server, 2, |u| u.cti_enabled = false);
    server
        .core
        .apply_config(vec![no_cti])
        .await
        .expect("valid change");
    let last = bob.expect_class("disconnect").await;
    assert_eq!(
        (&last["type"], &last["reason"]),
        (&json!("force"), &json!("cti_disabled"))
    );
    bob.expect_closed().await;

    let no_profile = user_updated(&server, 3, |u| u.profile = None);
    server
        .core
        .apply_config(vec![no_profile])
        .await
        .expect("valid change");
    let last = carol.expect_class("disconnect").await;
    assert_eq!(
        (&last["type"], &last["reason"]),
        (&json!("force"), &json!("no_profile"))
    );
    carol.expect_closed().await;

    // Alice was not concerned: her session still answers, and saw nobody's disconnect.
    let seen = alice.drain().await;
    assert!(seen.iter().all(|m| m["class"] != "disconnect"), "{seen:?}");

    // Bob cannot come back: right password, CTI disabled.
    let mut again = server.connect().await;
    again.expect_class("starttls").await;
    again.send(json!({"class":"login_id","userlogin":"bob","company":"xivo","ident":"test","wazoversion":"2.3","commandid":1}))
        .await;
    again.expect_class("login_id").await;
    again
        .send(json!({"class":"login_pass","password":"bob","commandid":2}))
        .await;
    let refusal = again.expect_class("login_pass").await;
    assert_eq!(refusal["error_string"], "user_not_found");
    server.stop().await;
}

/// A profile change applies to open sessions at once: bob, made a supervisor, may watch a
/// queue's callers and change others' services without logging in again; alice, no longer
/// one, may not, and the queue-entry subscription her old profile gave her is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_change_applies_to_open_sessions_at_once() {
    const SUPERVISOR: u32 = 1;
    const PLAIN_USER: u32 = 3;
    let server = TestServer::start().await;
    let mut alice = server.login("alice").await;
    let mut bob = server.login("bob").await;
    let watch = json!({"class":"subscribe","message":"queueentryupdate","queueid":2});
    alice.send(watch.clone()).await;
    alice.expect_class("queueentryupdate").await;
    assert_eq!(refused(&mut bob, watch.clone()).await, "permission_denied");

    let swap = vec![
        user_updated(&server, 1, |u| u.profile = Some(ProfileId(PLAIN_USER))),
        user_updated(&server, 2, |u| u.profile = Some(ProfileId(SUPERVISOR))),
    ];
    server.core.apply_config(swap).await.expect("valid change");

    bob.send(watch.clone()).await;
    bob.expect_class("queueentryupdate").await;
    assert_eq!(refused(&mut alice, watch).await, "permission_denied");
    let others_dnd = |target: &str| json!({"class":"featuresput","function":"enablednd","value":true,"target":target});
    assert_eq!(
        refused(&mut alice, others_dnd("3")).await,
        "permission_denied"
    );
    bob.send(others_dnd("3")).await;
    bob.expect("carol's dnd on", |m| {
        is_getlist(m, "updateconfig", "users", "3") && m["config"]["enablednd"] == true
    })
    .await;

    // A caller joins support: bob is told; alice is not, as her subscription was left (the
    // fan-out hands a push to every subscriber at once, so it would be in her stream already).
    server
        .sim
        .outside_call("0611111111".into(), "3002".into(), Some("Caller".into()))
        .await
        .expect("a caller");
    bob.expect("one caller waiting", |m| {
        m["class"] == "queueentryupdate"
            && m["state"]["entries"]
                .as_array()
                .is_some_and(|e| e.len() == 1)
    })
    .await;
    let seen = alice.drain().await;
    assert!(
        seen.iter().all(|m| m["class"] != "queueentryupdate"),
        "{seen:?}"
    );
    server.stop().await;
}

/// Sends `msg` and returns the `error_string` of the reply of its class.
async fn refused(c: &mut Client, msg: Value) -> String {
    let class = msg["class"].as_str().expect("a class").to_owned();
    c.send(msg).await;
    let m = c
        .expect("an error reply", |m| {
            m["class"] == class.as_str() && m.get("error_string").is_some()
        })
        .await;
    m["error_string"]
        .as_str()
        .expect("an error string")
        .to_owned()
}
