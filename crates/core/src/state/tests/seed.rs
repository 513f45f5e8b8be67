//! Seeding the state with a store's values: services replace the dataset's and the PBX is told
//! of those that differ; the first session after a start, asking for no presence, resumes the
//! stored one; run-time queue memberships that differ from the configured ones are asked of
//! the PBX, whose events then bring them in.

use super::script::*;
use crate::command::Command;
use crate::dataset::{Forward, UserServices};
use crate::event::Event;
use crate::ids::{AgentId, QueueId};
use crate::pbx::PbxAction;
use crate::pbx::PbxEvent;
use crate::seed::{Seed, SeededMembership};

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
        ..Seed::default()
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
        presence: [(user(2), "away".into()), (user(3), "no-such-status".into())].into(),
        ..Seed::default()
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

#[test]
fn seeded_memberships_that_differ_are_asked_of_the_pbx() {
    let mut w = World::demo();
    let (sales, support) = (QueueId(1), QueueId(2));
    let m = |queue, agent, penalty| SeededMembership {
        queue,
        agent: AgentId(agent),
        penalty,
    };
    let seed = Seed {
        memberships: vec![
            // Agent 4 added to sales, agent 1's penalty raised, agent 3 removed from support.
            m(sales, 4, Some(2)),
            m(sales, 1, Some(5)),
            m(support, 3, None),
            // As configured: nothing to do.
            m(sales, 2, Some(0)),
            m(support, 1, None),
            // Unknown agent or queue: ignored.
            m(sales, 99, Some(1)),
            m(QueueId(99), 1, Some(1)),
        ],
        ..Seed::default()
    };
    let mut actions = Vec::new();
    w.state.seed(seed, &mut actions);
    let actions: Vec<_> = actions.into_iter().map(|r| r.action).collect();
    assert_eq!(
        actions,
        vec![
            PbxAction::QueueAdd {
                queue: sales,
                agent: AgentId(4),
                penalty: 2
            },
            PbxAction::QueueAdd {
                queue: sales,
                agent: AgentId(1),
                penalty: 5
            },
            PbxAction::QueueRemove {
                queue: support,
                agent: AgentId(3)
            },
        ]
    );
    assert!(
        w.state.queue_member(sales, AgentId(4)).is_none(),
        "the core waits for the engine's events"
    );
    w.one(PbxEvent::QueueMemberAdded {
        queue: sales,
        agent: AgentId(4),
        penalty: 2,
        paused: false,
    });
    assert_eq!(
        w.state.queue_member(sales, AgentId(4)).map(|s| s.penalty),
        Some(2)
    );
}
