//! Login floods over real sockets: an attacker's wrong passwords queue behind each other (one at
//! a time per login, delays on the injected clock) and never in front of a user whose login and
//! address have no recent failures; repeated failures lock the login out (refused without a
//! check) and the lockout ends on the injected clock.
//!
//! The attacker connects from 127.0.0.2 and the users from 127.0.0.1 / 127.0.0.3: distinct
//! source addresses on loopback.

mod support;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use ctid_core::Dataset;
use ctid_core::login_guard::{LoginGuardConfig, ThrottleRule};
use serde_json::json;
use support::{Client, GUARD, TestServer};
use tokio::sync::watch;

const ATTACKER: &str = "127.0.0.2";
const OTHER_USER: &str = "127.0.0.3";

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// One worker (so any queueing shows), delays from the first failure, lockout after 4.
fn guard_config() -> LoginGuardConfig {
    let rule = ThrottleRule {
        free_failures: 0,
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(60),
        lockout_after: 4,
        lockout: Duration::from_secs(300),
    };
    LoginGuardConfig {
        password_workers: 1,
        password_queue: 16,
        per_login: rule.clone(),
        per_address: ThrottleRule {
            lockout_after: 0,
            ..rule
        },
        ..LoginGuardConfig::default()
    }
}

async fn server() -> TestServer {
    TestServer::start_guarded(Arc::new(Dataset::demo()), guard_config(), |c| {
        // Long enough for the delays this test walks through.
        c.login_timeout = Duration::from_secs(3600);
    })
    .await
}

/// Opens an attacker connection trying alice with three wrong passwords at once; every
/// `login_pass` answer it gets bumps `answers`.
async fn attacker(srv: &TestServer, answers: watch::Sender<usize>) {
    let mut c = Client::connect_from(srv.addr, ip(ATTACKER)).await;
    assert_eq!(c.recv().await["class"], "starttls");
    c.send(json!({"class":"login_id","userlogin":"alice","company":"xivo","wazoversion":"2.3"}))
        .await;
    assert_eq!(c.recv().await["class"], "login_id");
    for i in 0..3 {
        c.send(json!({"class":"login_pass","password":format!("guess{i}")}))
            .await;
    }
    tokio::spawn(async move {
        while let Some(line) = c.next_line().await {
            let m: serde_json::Value = serde_json::from_slice(&line).unwrap();
            if m["class"] == "login_pass" {
                assert!(m["error_string"].is_string(), "{m}");
                answers.send_modify(|n| *n += 1);
            }
        }
    });
}

async fn wait_answers(rx: &mut watch::Receiver<usize>, n: usize) {
    tokio::time::timeout(GUARD, rx.wait_for(|a| *a >= n))
        .await
        .unwrap_or_else(|_| panic!("{n} attacker answers within the guard time"))
        .unwrap();
}

#[tokio::test]
async fn a_login_flood_does_not_lock_other_users_out() {
    let srv = server().await;
    let (tx, mut answers) = watch::channel(0usize);
    for _ in 0..40 {
        attacker(&srv, tx.clone()).await;
    }
    // 120 wrong passwords for alice are on their way; the first is answered...
    wait_answers(&mut answers, 1).await;
    // ...and a user from another address logs in at once: on the old server bob's check queued
    // behind all of them (two at a time, and the wait counted against his login timeout).
    let mut bob = Client::connect(srv.addr).await;
    let r = bob.login("bob", "bob").await;
    assert_eq!(r["userid"], "2");
    let mut carol = Client::connect_from(srv.addr, ip(OTHER_USER)).await;
    assert_eq!(carol.login("carol", "carol").await["userid"], "3");
    assert_eq!(*answers.borrow(), 1, "the other tries wait for their delay");
    assert_eq!(
        srv.guard.checks(),
        3,
        "one attacker check, bob's and carol's"
    );

    // The attacker's tries come one at a time, each after its delay (1 s, 2 s, 4 s).
    for (delay, answered) in [(1, 2), (2, 3), (4, 4)] {
        srv.clock.advance(Duration::from_secs(delay));
        wait_answers(&mut answers, answered).await;
        if answered < 4 {
            assert_eq!(*answers.borrow(), answered, "one try per delay");
        }
    }
    assert_eq!(srv.guard.checks(), 6);
    // alice is now locked out: the 116 tries left are refused at once, without a check.
    wait_answers(&mut answers, 120).await;
    assert_eq!(srv.guard.checks(), 6, "locked-out tries run no check");
    srv.stop().await;
}

#[tokio::test]
async fn a_locked_out_login_is_refused_until_the_lockout_ends() {
    let srv = server().await;
    let mut c = Client::connect_from(srv.addr, ip(ATTACKER)).await;
    assert_eq!(c.recv().await["class"], "starttls");
    for (i, delay) in [0u64, 1, 2, 4].into_iter().enumerate() {
        if i == 3 {
            // Three failed login_pass close a connection: the attacker opens another.
            c.expect_closed().await;
            c = Client::connect_from(srv.addr, ip(ATTACKER)).await;
            assert_eq!(c.recv().await["class"], "starttls");
        }
        if i == 0 || i == 3 {
            c.send(json!({"class":"login_id","userlogin":"alice","company":"xivo","wazoversion":"2.3"}))
                .await;
            assert_eq!(c.recv().await["class"], "login_id");
        }
        srv.clock.advance(Duration::from_secs(delay));
        c.send(json!({"class":"login_pass","password":"wrong"}))
            .await;
        assert_eq!(c.recv().await["error_string"], "login_password");
    }
    assert_eq!(srv.guard.checks(), 4);

    // alice herself, from another address, with the right password: refused, no check run.
    let mut alice = Client::connect_from(srv.addr, ip(OTHER_USER)).await;
    assert_eq!(alice.recv().await["class"], "starttls");
    alice
        .send(json!({"class":"login_id","userlogin":"alice","company":"xivo","wazoversion":"2.3"}))
        .await;
    alice.recv().await;
    alice
        .send(json!({"class":"login_pass","password":"alice"}))
        .await;
    let r = alice.recv().await;
    assert_eq!(r["class"], "login_pass");
    assert_eq!(r["error_string"], "xivo_auth_error", "{r}");
    assert_eq!(r["reason"], "locked_out", "{r}");
    assert_eq!(r["retry_after"], 300, "{r}");
    assert_eq!(srv.guard.checks(), 4);
    // Other logins are not affected.
    let mut bob = Client::connect_from(srv.addr, ip(OTHER_USER)).await;
    assert_eq!(bob.login("bob", "bob").await["userid"], "2");

    // The lockout ends on the injected clock.
    srv.clock.advance(Duration::from_secs(300));
    alice
        .send(json!({"class":"login_pass","password":"alice"}))
        .await;
    let r = alice.recv().await;
    assert_eq!(r["capalist"], json!([1]), "{r}");
    srv.stop().await;
}
