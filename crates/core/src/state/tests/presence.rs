//! Sessions, presence transitions and their actions, and services.

use super::script::*;
use crate::command::{Command, CommandError, Outcome};
use crate::event::Event;
use crate::ids::AgentId;
use crate::live::{ForwardKind, Service, ServiceChange};
use crate::pbx::PbxAction;

fn opened(user_id: u32, presence: Option<&str>) -> Command {
    Command::SessionOpened {
        user: user(user_id),
        presence: presence.map(str::to_owned),
    }
}

fn closed(user_id: u32, logout: bool) -> Command {
    Command::SessionClosed {
        user: user(user_id),
        logout,
    }
}

fn set(user_id: u32, status: &str) -> Command {
    Command::SetPresence {
        user: user(user_id),
        status: status.to_owned(),
    }
}

fn presence_of(w: &World, user_id: u32) -> (String, u32) {
    let p = w.state.user_presence(user(user_id)).expect("known user");
    (p.status.clone(), p.sessions)
}

#[test]
fn sessions_count_and_presence_follows_them() {
    let mut w = World::demo();
    assert_eq!(presence_of(&w, 2), ("disconnected".into(), 0));
    let ran = w.run(opened(2, None));
    assert_eq!(ran.result, Ok(Outcome::Done));
    assert_eq!(
        ran.events,
        vec![Event::UserPresence {
            user: user(2),
            status: "available".into()
        }]
    );
    assert!(ran.actions.is_empty(), "{:?}", ran.actions);
    let ran = w.run(opened(2, None));
    assert!(ran.events.is_empty());
    assert_eq!(presence_of(&w, 2), ("available".into(), 2));
    assert_eq!(w.state.user_sessions(user(2)), 2);

    let ran = w.run(closed(2, false));
    assert!(ran.events.is_empty());
    assert_eq!(presence_of(&w, 2), ("available".into(), 1));
    let ran = w.run(closed(2, false));
    assert_eq!(
        ran.events,
        vec![Event::UserPresence {
            user: user(2),
            status: "disconnected".into()
        }]
    );
    assert!(ran.actions.is_empty());
    // A spurious close changes nothing.
    let ran = w.run(closed(2, false));
    assert_eq!(ran.result, Ok(Outcome::Done));
    assert_eq!(presence_of(&w, 2), ("disconnected".into(), 0));
}

#[test]
fn session_opened_with_a_requested_presence() {
    let mut w = World::demo();
    w.run(opened(2, Some("away")));
    assert_eq!(presence_of(&w, 2).0, "away");
    // An unknown requested status: available from disconnected.
    let mut w = World::demo();
    w.run(opened(2, Some("sleeping")));
    assert_eq!(presence_of(&w, 2).0, "available");
    // An invalid one on a second session leaves it unchanged.
    w.run(set(2, "berightback"));
    w.run(opened(2, Some("sleeping")));
    assert_eq!(presence_of(&w, 2).0, "berightback");
}

#[test]
fn presence_transitions_allowed_and_refused() {
    let mut w = World::demo();
    w.run(opened(2, None));
    let ran = w.run(set(2, "away"));
    assert_eq!(ran.result, Ok(Outcome::Done));
    assert_eq!(
        ran.events,
        vec![Event::UserPresence {
            user: user(2),
            status: "away".into()
        }]
    );
    assert_eq!(
        w.run(set(2, "sleeping")).result,
        Err(CommandError::InvalidPresence("sleeping".into()))
    );
    assert_eq!(
        w.run(set(2, "disconnected")).result,
        Err(CommandError::InvalidPresence("disconnected".into())),
        "disconnected is in no status's allowed list"
    );
    assert_eq!(presence_of(&w, 2).0, "away");
    assert!(matches!(
        w.run(set(99, "away")).result,
        Err(CommandError::NotFound { .. })
    ));
}

#[test]
fn presence_actions_dnd() {
    let mut w = World::demo();
    w.run(opened(2, None));
    let ran = w.run(set(2, "donotdisturb"));
    assert!(w.state.user_services(user(2)).expect("services").dnd);
    assert!(ran.events.iter().any(|e| matches!(
        e,
        Event::UserServices { user: u, changed, services } if *u == user(2) && changed == &vec![Service::Dnd] && services.dnd
    )));
    assert!(matches!(
        ran.actions.as_slice(),
        [PbxAction::SetServices { user: u, services }] if *u == user(2) && services.dnd
    ));
    let ran = w.run(set(2, "available"));
    assert!(!w.state.user_services(user(2)).expect("services").dnd);
    assert_eq!(ran.actions.len(), 1, "DND off; no agent to unpause");
}

#[test]
fn presence_actions_pause_and_logoff_for_agents() {
    let mut w = World::demo();
    w.login(1, 3); // carol
    let ran = w.run(opened(3, None));
    assert_eq!(
        ran.actions,
        vec![PbxAction::QueuePause {
            queue: None,
            agent: AgentId(1),
            paused: false,
            reason: Some("available".into())
        }]
    );
    // A second session asking for the current status runs nothing again.
    let ran = w.run(opened(3, Some("available")));
    assert!(ran.actions.is_empty() && ran.events.is_empty());
    w.run(closed(3, false));
    let ran = w.run(set(3, "outtolunch"));
    assert_eq!(
        ran.actions,
        vec![PbxAction::QueuePause {
            queue: None,
            agent: AgentId(1),
            paused: true,
            reason: Some("outtolunch".into())
        }]
    );
    // Closing the connection does not run the disconnected actions; logging out does.
    let ran = w.run(closed(3, false));
    assert!(ran.actions.is_empty());
    w.run(opened(3, None));
    let ran = w.run(closed(3, true));
    assert_eq!(
        ran.actions,
        vec![PbxAction::AgentLogoff { agent: AgentId(1) }]
    );
    assert_eq!(presence_of(&w, 3).0, "disconnected");
    // A logged-out agent gets no pause action.
    w.one(crate::pbx::PbxEvent::AgentLogoff { agent: AgentId(1) });
    let ran = w.run(opened(3, None));
    assert!(ran.actions.is_empty());
}

fn service(requester: u32, target: u32, change: ServiceChange) -> Command {
    Command::SetService {
        requester: user(requester),
        target: user(target),
        change,
    }
}

#[test]
fn services_change_and_events() {
    let mut w = World::demo();
    let ran = w.run(service(2, 2, ServiceChange::IncallFilter(true)));
    assert_eq!(ran.result, Ok(Outcome::Done));
    assert!(matches!(
        ran.events.as_slice(),
        [Event::UserServices { changed, .. }] if changed == &vec![Service::IncallFilter]
    ));
    assert_eq!(ran.actions.len(), 1);
    // No change: no event, the PBX is still told.
    let ran = w.run(service(2, 2, ServiceChange::IncallFilter(true)));
    assert!(ran.events.is_empty());
    assert_eq!(ran.actions.len(), 1);

    let voicemail = w
        .state
        .user_services(user(2))
        .expect("services")
        .voicemail_enabled;
    for (change, key) in [
        (ServiceChange::Dnd(true), Service::Dnd),
        (ServiceChange::Recording(true), Service::Recording),
        (ServiceChange::Voicemail(!voicemail), Service::Voicemail),
        (
            ServiceChange::Forward {
                kind: ForwardKind::Unconditional,
                enabled: Some(true),
                destination: Some("1003".into()),
            },
            Service::Forward(ForwardKind::Unconditional),
        ),
        (
            ServiceChange::Forward {
                kind: ForwardKind::Busy,
                enabled: Some(true),
                destination: Some("0612345678".into()),
            },
            Service::Forward(ForwardKind::Busy),
        ),
        (
            ServiceChange::Forward {
                kind: ForwardKind::NoAnswer,
                enabled: Some(true),
                destination: Some("*98".into()),
            },
            Service::Forward(ForwardKind::NoAnswer),
        ),
    ] {
        let ran = w.run(service(2, 2, change));
        assert!(
            matches!(ran.events.as_slice(), [Event::UserServices { changed, .. }] if changed == &vec![key]),
            "{key:?}: {:?}",
            ran.events
        );
    }
    let s = w.state.user_services(user(2)).expect("services");
    assert!(s.fwd_unconditional.enabled && s.fwd_unconditional.destination == "1003");
}

#[test]
fn forward_destinations_must_be_reachable() {
    let mut w = World::demo();
    let ran = w.run(service(
        2,
        2,
        ServiceChange::Forward {
            kind: ForwardKind::Unconditional,
            enabled: Some(true),
            destination: Some("1999".into()),
        },
    ));
    assert_eq!(
        ran.result,
        Err(CommandError::UnreachableExtension("1999".into()))
    );
    assert!(ran.actions.is_empty() && ran.events.is_empty());
    assert!(
        !w.state
            .user_services(user(2))
            .expect("services")
            .fwd_unconditional
            .enabled
    );
    // A disabled forward may keep any destination.
    let ran = w.run(service(
        2,
        2,
        ServiceChange::Forward {
            kind: ForwardKind::Unconditional,
            enabled: None,
            destination: Some("1999".into()),
        },
    ));
    assert_eq!(ran.result, Ok(Outcome::Done));
    // Enabling it now fails.
    let ran = w.run(service(
        2,
        2,
        ServiceChange::Forward {
            kind: ForwardKind::Unconditional,
            enabled: Some(true),
            destination: None,
        },
    ));
    assert_eq!(
        ran.result,
        Err(CommandError::UnreachableExtension("1999".into()))
    );
}

#[test]
fn only_supervisors_change_other_users_services() {
    let mut w = World::demo();
    assert!(matches!(
        w.run(service(2, 3, ServiceChange::Dnd(true))).result,
        Err(CommandError::Forbidden(_))
    ));
    assert_eq!(
        w.run(service(1, 3, ServiceChange::Dnd(true))).result,
        Ok(Outcome::Done),
        "alice is a supervisor"
    );
    assert!(w.state.user_services(user(3)).expect("services").dnd);
    assert!(matches!(
        w.run(service(1, 99, ServiceChange::Dnd(true))).result,
        Err(CommandError::NotFound { .. })
    ));
}

/// The admin API's entry: no requester and no rights, but the same forward rule; a set of
/// changes is one event (every service that changed) and one PBX update, or nothing at all.
#[test]
fn an_administrator_changes_services_all_or_nothing() {
    let mut w = World::demo();
    let forward = |destination: &str| ServiceChange::Forward {
        kind: ForwardKind::Busy,
        enabled: Some(true),
        destination: Some(destination.into()),
    };
    let admin = |w: &mut World, user_id: u32, changes: &[ServiceChange]| {
        let mut actions = Vec::new();
        let mut events = Vec::new();
        let result =
            w.state
                .set_services_as_admin(w.now, user(user_id), changes, &mut actions, &mut events);
        (result, actions, events)
    };
    let (result, actions, events) = admin(
        &mut w,
        2,
        &[
            ServiceChange::Dnd(true),
            forward("1003"),
            ServiceChange::Dnd(true),
        ],
    );
    let services = result.expect("applied");
    assert!(services.dnd && services.fwd_busy.enabled && services.fwd_busy.destination == "1003");
    assert!(
        matches!(events.as_slice(), [Event::UserServices { changed, .. }]
            if changed == &vec![Service::Dnd, Service::Forward(ForwardKind::Busy)]),
        "{events:?}"
    );
    assert!(
        matches!(actions.as_slice(), [r] if matches!(&r.action, PbxAction::SetServices { services: s, .. } if s == &services))
    );
    // One unreachable forward refuses the whole set.
    let (result, actions, events) = admin(
        &mut w,
        2,
        &[ServiceChange::Recording(true), forward("1999")],
    );
    assert_eq!(
        result,
        Err(CommandError::UnreachableExtension("1999".into()))
    );
    assert!(actions.is_empty() && events.is_empty());
    assert!(!w.state.user_services(user(2)).expect("services").recording);
    let (result, ..) = admin(&mut w, 42, &[ServiceChange::Dnd(true)]);
    assert!(
        matches!(result, Err(CommandError::NotFound { .. })),
        "{result:?}"
    );
}
