//! Seeding the state with a store's values: services replace the dataset's and the PBX is told
//! of those that differ; the first session after a start, asking for no presence, resumes the
//! stored one.

use super::script::*;
use crate::command::Command;
use crate::dataset::{Forward, UserServices};
use crate::event::Event;
use crate::pbx::PbxAction;
use crate::seed::Seed;

fn opened(user_id: u32) -> Command {
    Command::SessionOpened {
        user: user(user_id),
        presence: None,
    }
}

#[test]
fn seeded_services_replace_the_datasets_and_the_pbx_is_told() {
    let mut w = World::demo();
    let configured = w.state.user_services(user(2)).cloned().expect("user 2");
    let stored = UserServices {
        dnd: true,
        fwd_unconditional: Forward {
            enabled: true,
            destination: "1003".into(),
        },
        ..configured.clone()
    };
    let seed = Seed {
        services: [
            (user(2), stored.clone()),
            (
                user(3),
                w.state.user_services(user(3)).cloned().expect("user 3"),
            ),
            (user(999), stored.clone()),
        ]
        .into(),
        presence: Default::default(),
    };
    let mut actions = Vec::new();
    w.state.seed(seed, &mut actions);
    assert_eq!(w.state.user_services(user(2)), Some(&stored));
    assert_eq!(
        actions.len(),
        1,
        "only the user whose services differ: {actions:?}"
    );
    assert!(matches!(
        &actions[0].action,
        PbxAction::SetServices { user: u, services } if *u == user(2) && *services == stored
    ));
}

#[test]
fn the_first_session_after_a_start_resumes_the_stored_presence() {
    let mut w = World::demo();
    let seed = Seed {
        services: Default::default(),
        presence: [(user(2), "away".into()), (user(3), "no-such-status".into())].into(),
    };
    w.state.seed(seed, &mut Vec::new());
    let ran = w.run(opened(2));
    assert_eq!(
        ran.events,
        vec![Event::UserPresence {
            user: user(2),
            status: "away".into()
        }]
    );
    let ran = w.run(opened(3));
    assert_eq!(
        ran.events,
        vec![Event::UserPresence {
            user: user(3),
            status: "available".into()
        }],
        "a status the user's group no longer has falls back to available"
    );
    // Once: a later reconnection asking for nothing is available, as without a store.
    w.run(Command::SetPresence {
        user: user(2),
        status: "outtolunch".into(),
    });
    w.run(Command::SessionClosed {
        user: user(2),
        logout: false,
    });
    assert_eq!(
        w.state.user_presence(user(2)).unwrap().status,
        "disconnected"
    );
    let ran = w.run(opened(2));
    assert_eq!(
        ran.events,
        vec![Event::UserPresence {
            user: user(2),
            status: "available".into()
        }]
    );
}
