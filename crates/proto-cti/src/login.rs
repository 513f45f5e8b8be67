//! The unauthenticated phase of a connection: the STARTTLS offer and answer, and the three-step
//! login (`login_id` → `login_pass` → `login_capas`) with xivo-ctid's exact replies and error
//! strings, all within the login timeout (on the injected clock): reads, writes, the TLS
//! handshake and the password check alike.
//!
//! Choices (documented in docs/cti-protocol.md):
//! - unknown login, wrong password, user without a (known) profile → `login_password`; a dummy
//!   argon2 check runs for unknown logins so timing does not tell which logins exist;
//! - passwords are checked through the shared `LoginGuard` (failed-login throttling per login
//!   and per address; a login or address locked out → `xivo_auth_error` with
//!   `"reason":"locked_out"`);
//! - with `require_tls`, `login_id` before the STARTTLS upgrade → `starttls_required`;
//! - right password but `cti_enabled = false` → `user_not_found` (xivo-ctid's "this user cannot
//!   use the CTI" answer);
//! - only `starttls`, `login_id`, `login_pass`, `login_capas` (and `logout`, which closes) are
//!   served before login; anything else gets `{"class":<class>,"error_string":"not_authenticated"}`;
//! - a `starttls` after the first one or after `login_id` is ignored without a reply;
//! - three failed `login_pass` close the connection.

use bytes::Bytes;
use rand::RngExt;
use rand::distr::Alphanumeric;

use std::net::IpAddr;

use ctid_core::dataset::Dataset;
use ctid_core::ids::{ProfileId, UserId};
use ctid_core::login_guard::Verdict;
use ctid_core::{LoginBar, SharedClock, Timestamp};

use crate::codec::Frame;
use crate::connection::Connection;
use crate::session::Shared;
use crate::wire::encode;
use crate::wire::input::{LoginCapas, LoginId, LoginPass, Request, parse};
use crate::wire::limits::echo;
use crate::wire::output::{Capas as CapasOut, *};

/// Failed `login_pass` attempts allowed on one connection.
const MAX_PASSWORD_ATTEMPTS: u32 = 3;

/// A completed login.
#[derive(Debug, Clone)]
pub(crate) struct LoggedIn {
    /// The user.
    pub user: UserId,
    /// The presence asked in `login_capas`.
    pub presence: Option<String>,
}

enum Step {
    Id,
    Pass { login: String },
    Capas { user: UserId, profile: ProfileId },
}

struct Login<'a> {
    conn: Connection,
    shared: &'a Shared,
    peer: IpAddr,
    clock: SharedClock,
    step: Step,
    starttls_done: bool,
    login_id_seen: bool,
    failures: u32,
}

impl Login<'_> {
    async fn send<T: serde::Serialize>(&mut self, msg: &T) -> bool {
        let bytes = encode(msg, self.clock.now());
        self.conn.write(&bytes).await.is_ok()
    }

    async fn error(&mut self, class: &str, error: &str) -> bool {
        self.send(&ErrorReply {
            class,
            error_string: error,
            replyid: None,
        })
        .await
    }
}

/// Runs the login phase: sends the STARTTLS offer, then serves login messages until the user is
/// authenticated (returns the connection, maybe upgraded to TLS) or the connection ends (timeout,
/// close, logout, shutdown). Everything, writes included, runs under the login deadline.
pub(crate) async fn run(
    conn: Connection,
    shared: &Shared,
    peer: IpAddr,
) -> Option<(Connection, LoggedIn)> {
    let clock = shared.core.clock().clone();
    let deadline = clock.now().plus(shared.config.login_timeout);
    tokio::select! {
        _ = clock.sleep_until(deadline) => {
            tracing::debug!(%peer, "CTI login timeout: closing the connection");
            None
        }
        _ = shared.shutdown.cancelled() => None,
        done = phase(conn, shared, peer, clock.clone()) => done,
    }
}

async fn phase(
    conn: Connection,
    shared: &Shared,
    peer: IpAddr,
    clock: SharedClock,
) -> Option<(Connection, LoggedIn)> {
    let mut l = Login {
        conn,
        shared,
        peer,
        clock,
        step: Step::Id,
        starttls_done: false,
        login_id_seen: false,
        failures: 0,
    };
    if !l.send(&ClassOnly { class: "starttls" }).await {
        return None;
    }
    loop {
        let line = match l.conn.next_frame().await {
            None | Some(Err(_)) => return None,
            Some(Ok(Frame::Overlong)) => {
                if !l.error("error", "line_too_long").await {
                    return None;
                }
                continue;
            }
            Some(Ok(Frame::Line(line))) => line,
        };
        let incoming = match parse(&line) {
            Ok(m) => m,
            Err(e) => {
                let class = e.class.as_deref().unwrap_or("error").to_owned();
                if !l.error(&class, &e.error).await {
                    return None;
                }
                continue;
            }
        };
        let ok = match incoming.request {
            Request::StartTls(st) => {
                if l.starttls_done || l.login_id_seen {
                    true // duplicates are ignored: the Qt client re-sends one after login_id
                } else {
                    l.starttls_done = true;
                    let wanted = st.status.is_some_and(|f| f.0);
                    match (&shared.tls, wanted) {
                        (Some(acceptor), true) => {
                            if !l
                                .send(&StartTlsReply {
                                    class: "starttls",
                                    starttls: true,
                                })
                                .await
                            {
                                return None;
                            }
                            let acceptor = acceptor.clone();
                            match l.conn.upgrade(&acceptor).await {
                                Ok(conn) => {
                                    l.conn = conn;
                                    true
                                }
                                Err(e) => {
                                    tracing::debug!(error = %e, "CTI TLS handshake failed");
                                    return None;
                                }
                            }
                        }
                        _ => {
                            l.send(&StartTlsReply {
                                class: "starttls",
                                starttls: false,
                            })
                            .await
                        }
                    }
                }
            }
            Request::LoginId(m) => login_id(&mut l, m).await,
            Request::LoginPass(m) => match login_pass(&mut l, m).await {
                Some(ok) => ok,
                None => return None,
            },
            Request::LoginCapas(m) => match login_capas(&mut l, m).await {
                Capas::Done(done) => return Some((l.conn, done)),
                Capas::Continue(ok) => ok,
            },
            Request::Logout => return None,
            _ => l.error(&incoming.class, "not_authenticated").await,
        };
        if !ok {
            return None;
        }
    }
}

fn session_id() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(10)
        .map(char::from)
        .collect()
}

async fn login_id(l: &mut Login<'_>, m: LoginId) -> bool {
    if l.shared.config.require_tls && !l.conn.tls {
        tracing::info!(peer = %l.peer, "CTI login refused: TLS is required and the client did not upgrade");
        return l.error("login_id", "starttls_required").await;
    }
    let (key, given, accepted): (&str, Option<&str>, &[&str]) =
        match (&m.wazoversion, &m.xivoversion) {
            (Some(v), _) => ("wazoversion", Some(v.as_str()), &["2.3"]),
            (None, Some(v)) => ("xivoversion", Some(v.as_str()), &["2.2", "2.3"]),
            (None, None) => ("wazoversion", None, &["2.3"]),
        };
    let Some(version) = given.filter(|v| accepted.contains(v)) else {
        let error = format!("{key}_client:{};{}", echo(given.unwrap_or("")), accepted[0]);
        return l.error("login_id", &error).await;
    };
    let version = version.to_owned();
    l.login_id_seen = true;
    l.step = Step::Pass {
        login: m.userlogin.0,
    };
    let sessionid = session_id();
    let (wazoversion, xivoversion) = if key == "wazoversion" {
        (Some(version.as_str()), None)
    } else {
        (None, Some(version.as_str()))
    };
    l.send(&LoginIdReply {
        class: "login_id",
        sessionid: &sessionid,
        wazoversion,
        xivoversion,
    })
    .await
}

/// `None`: close the connection.
async fn login_pass(l: &mut Login<'_>, m: LoginPass) -> Option<bool> {
    let Step::Pass { login } = &l.step else {
        let error = match l.step {
            Step::Id => "login_id_required",
            _ => "already_authenticated",
        };
        return Some(l.error("login_pass", error).await);
    };
    let ds = l.shared.core.dataset().clone();
    let user = ds.user_by_login(login);
    let hash = user.and_then(|u| u.password_hash.clone());
    let password = m.password.0;
    let verdict = l
        .shared
        .login_guard
        .verify(login, l.peer, hash, password)
        .await;
    let verified = match verdict {
        Verdict::Match => true,
        Verdict::Mismatch => false,
        Verdict::LockedOut(until) => {
            l.failures += 1;
            let retry_after = until.since(l.clock.now()).as_secs().max(1);
            let sent = l
                .send(&LockedOut {
                    class: "login_pass",
                    error_string: "xivo_auth_error",
                    reason: "locked_out",
                    retry_after,
                })
                .await;
            if l.failures >= MAX_PASSWORD_ATTEMPTS {
                return None;
            }
            return Some(sent);
        }
    };
    let result = match user {
        Some(u) if verified => match (ds.login_bar(u.id), u.profile) {
            (None, Some(profile)) => Ok((u.id, profile)),
            (Some(LoginBar::CtiDisabled), _) => Err("user_not_found"),
            _ => Err("login_password"),
        },
        _ => Err("login_password"),
    };
    match result {
        Ok((user, profile)) => {
            l.step = Step::Capas { user, profile };
            Some(
                l.send(&LoginPassReply {
                    class: "login_pass",
                    capalist: [profile.0],
                })
                .await,
            )
        }
        Err(error) => {
            l.failures += 1;
            tracing::info!(login = %login_for_log(&l.step), error, "CTI login refused");
            let sent = l.error("login_pass", error).await;
            if l.failures >= MAX_PASSWORD_ATTEMPTS {
                return None;
            }
            Some(sent)
        }
    }
}

/// The answer to a try for a locked-out login or address: an error string the Qt client knows
/// (a failed authentication), the reason and the seconds to wait for scripts.
#[derive(serde::Serialize)]
struct LockedOut {
    class: &'static str,
    error_string: &'static str,
    reason: &'static str,
    retry_after: u64,
}

fn login_for_log(step: &Step) -> String {
    match step {
        Step::Pass { login } => login.chars().take(64).collect(),
        _ => String::new(),
    }
}

enum Capas {
    Done(LoggedIn),
    Continue(bool),
}

async fn login_capas(l: &mut Login<'_>, m: LoginCapas) -> Capas {
    let Step::Capas { user, profile } = l.step else {
        let error = match l.step {
            Step::Id => "login_id_required",
            _ => "login_pass_required",
        };
        return Capas::Continue(l.error("login_capas", error).await);
    };
    let ds = l.shared.core.dataset();
    let asked = u32::try_from(m.capaid.0).ok().map(ProfileId);
    if asked != Some(profile) {
        let error = if asked.and_then(|p| ds.profile(p)).is_some() {
            "wrong cti_profile_id"
        } else {
            "unknown cti_profile_id"
        };
        return Capas::Continue(l.error("login_capas", error).await);
    }
    Capas::Done(LoggedIn {
        user,
        presence: m.state.filter(|s| !s.is_empty()),
    })
}

/// The `login_capas` reply for a user.
pub(crate) fn capas_reply(ds: &Dataset, user: UserId, now: Timestamp) -> Bytes {
    let profile = ds.profile_of_user(user);
    let group = ds.presence_group_of_user(user);
    let userstatus = group
        .map(|g| {
            g.statuses
                .iter()
                .map(|s| {
                    (
                        s.name.as_str(),
                        UserStatusStyle {
                            longname: &s.longname,
                            color: &s.color,
                            allowed: &s.allowed,
                            actions: &s.actions,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let phonestatus = ds
        .phone_hints()
        .iter()
        .map(|h| {
            (
                h.code.to_string(),
                PhoneStatusStyle {
                    longname: &h.longname,
                    color: &h.color,
                },
            )
        })
        .collect();
    let capaxlets = profile
        .map(|p| {
            p.xlets
                .iter()
                .map(|x| {
                    let mut v = vec![x.name.as_str(), x.layout.as_str()];
                    match (&x.flags, &x.order) {
                        (Some(f), Some(o)) => v.extend([f.as_str(), o.as_str()]),
                        (Some(f), None) => v.push(f.as_str()),
                        (None, Some(o)) => v.push(o.as_str()),
                        (None, None) => {}
                    }
                    v
                })
                .collect()
        })
        .unwrap_or_default();
    let preferences = match profile {
        Some(p) if !p.preferences.is_empty() => Preferences::Map(&p.preferences),
        _ => Preferences::None(false),
    };
    encode(
        &LoginCapasReply {
            class: "login_capas",
            userid: user.to_string(),
            ipbxid: IPBXID,
            appliname: profile.map_or("Client", |p| p.appliname.as_str()),
            capaxlets,
            capas: CapasOut {
                services: profile.map_or(&[][..], |p| p.services.as_slice()),
                preferences,
                userstatus,
                phonestatus,
            },
        },
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capas_reply_has_the_qt_client_keys() {
        let ds = Dataset::demo();
        let b = capas_reply(&ds, UserId(1), Timestamp(1_000));
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["class"], "login_capas");
        assert_eq!(v["userid"], "1");
        assert_eq!(v["ipbxid"], "xivo");
        assert_eq!(v["appliname"], "Client");
        assert_eq!(v["capaxlets"][0], serde_json::json!(["identity", "grid"]));
        assert_eq!(
            v["capaxlets"][1],
            serde_json::json!(["people", "dock", "fcms", "1"])
        );
        assert_eq!(v["capas"]["preferences"], false);
        assert_eq!(v["capas"]["services"][0], "enablednd");
        assert_eq!(v["capas"]["userstatus"]["available"]["color"], "#08FD20");
        assert_eq!(
            v["capas"]["userstatus"]["disconnected"]["actions"]["agentlogoff"],
            ""
        );
        assert_eq!(v["capas"]["phonestatus"]["8"]["longname"], "Ringing");
        assert_eq!(v["capas"]["phonestatus"]["-2"]["color"], "#030303");
        assert_eq!(v["timenow"], 1.0);
    }

    #[test]
    fn session_ids_are_ten_alphanumerics() {
        let id = session_id();
        assert_eq!(id.len(), 10);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
