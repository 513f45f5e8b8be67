//! Input from other nodes (the bus): statuses kept and passed on once per change, chat to this
//! node's users, service changes without a requester; and chat to another node's users, which
//! leaves only when a bus is attached.

use std::sync::Arc;

use super::script::World;
use crate::command::{Command, CommandError};
use crate::dataset::Dataset;
use crate::engine::CoreConfig;
use crate::event::Event;
use crate::ids::UserId;
use crate::live::ServiceChange;
use crate::pbx::PbxAction;
use crate::remote::{RemoteInput, RemoteKind, RemoteObject, RemoteStatus, RemoteUser};
use crate::state::State;

fn apply(
    w: &mut World,
    input: RemoteInput,
) -> (Result<(), CommandError>, Vec<PbxAction>, Vec<Event>) {
    let mut actions = Vec::new();
    let mut events = Vec::new();
    let result = w
        .state
        .apply_remote(w.now, input, &mut actions, &mut events);
    (
        result,
        actions.into_iter().map(|r| r.action).collect(),
        events,
    )
}

fn agent_of_b(id: &str) -> RemoteObject {
    RemoteObject {
        kind: RemoteKind::Agent,
        node: Arc::from("node-b"),
        id: Arc::from(id),
    }
}

#[test]
fn a_remote_status_is_kept_and_passed_on_once_per_change() {
    let mut w = World::demo();
    let object = agent_of_b("42");
    let logged_in = RemoteStatus::Name(Arc::from("logged_in"));
    let status = |s: &RemoteStatus| RemoteInput::Status {
        object: object.clone(),
        status: s.clone(),
    };
    let (result, _, events) = apply(&mut w, status(&logged_in));
    assert_eq!(result, Ok(()));
    assert_eq!(
        events,
        vec![Event::RemoteStatus {
            object: Arc::new(object.clone()),
            status: logged_in.clone()
        }]
    );
    assert_eq!(w.state.remote_status(&object), Some(&logged_in));
    let (_, _, again) = apply(&mut w, status(&logged_in));
    assert!(again.is_empty(), "the same status twice is no news");

    let own = RemoteObject {
        node: Arc::from(w.state.dataset().xivo_uuid()),
        ..object.clone()
    };
    let (result, _, events) = apply(
        &mut w,
        RemoteInput::Status {
            object: own,
            status: logged_in.clone(),
        },
    );
    assert!(
        result.is_err() && events.is_empty(),
        "this node's own status"
    );
    let (result, _, _) = apply(
        &mut w,
        RemoteInput::Status {
            object: agent_of_b(&"9".repeat(500)),
            status: logged_in,
        },
    );
    assert!(matches!(result, Err(CommandError::InvalidArgument { .. })));
}

#[test]
fn a_remote_chat_reaches_a_user_of_this_node_only() {
    let mut w = World::demo();
    let carol = w
        .state
        .dataset()
        .user(UserId(3))
        .expect("carol")
        .uuid
        .clone();
    let from = RemoteUser {
        node: Arc::from("node-b"),
        uuid: Arc::from("someone"),
    };
    let chat = |to: &str, text: &str| RemoteInput::Chat {
        from: from.clone(),
        to_user_uuid: to.into(),
        alias: "Bea".into(),
        text: text.into(),
    };
    let (result, _, events) = apply(&mut w, chat(&carol, "hi"));
    assert_eq!(result, Ok(()));
    assert_eq!(
        events,
        vec![Event::RemoteChat {
            from: from.clone(),
            to: UserId(3),
            alias: "Bea".into(),
            text: "hi".into()
        }]
    );
    let (result, _, _) = apply(&mut w, chat("nobody", "hi"));
    assert!(matches!(result, Err(CommandError::NotFound { .. })));
    let (result, _, _) = apply(&mut w, chat(&carol, &"x".repeat(5000)));
    assert!(matches!(result, Err(CommandError::InvalidArgument { .. })));
}

#[test]
fn a_service_change_from_elsewhere_updates_the_user_and_tells_the_engine() {
    let mut w = World::demo();
    let alice = w
        .state
        .dataset()
        .user(UserId(1))
        .expect("alice")
        .uuid
        .clone();
    let dnd = |on| RemoteInput::Services {
        user_uuid: alice.clone(),
        change: ServiceChange::Dnd(on),
    };
    let (result, actions, events) = apply(&mut w, dnd(true));
    assert_eq!(result, Ok(()));
    assert!(
        matches!(&events[..], [Event::UserServices { user: UserId(1), services, .. }] if services.dnd)
    );
    assert!(matches!(
        &actions[..],
        [PbxAction::SetServices {
            user: UserId(1),
            ..
        }]
    ));
    let (_, actions, events) = apply(&mut w, dnd(true));
    assert!(
        events.is_empty() && actions.is_empty(),
        "no change, nothing to say"
    );
}

#[test]
fn chat_to_another_node_leaves_only_when_a_bus_is_attached() {
    let to_b = Command::Chat {
        from: UserId(2),
        to_xivo_uuid: "node-b".into(),
        to_user_uuid: "someone".into(),
        text: "hello".into(),
    };
    let mut alone = World::demo();
    assert!(matches!(
        alone.run(to_b.clone()).result,
        Err(CommandError::NotFound { .. })
    ));
    let mut attached = World::demo();
    attached.state = State::new(
        Arc::new(Dataset::demo()),
        attached.now,
        CoreConfig {
            remote_chat: true,
            ..CoreConfig::default()
        },
    );
    let ran = attached.run(to_b);
    assert_eq!(
        ran.events,
        vec![Event::ChatToRemote {
            from: UserId(2),
            to: RemoteUser {
                node: Arc::from("node-b"),
                uuid: Arc::from("someone")
            },
            alias: "Bob Bernard".into(),
            text: "hello".into()
        }]
    );
}
