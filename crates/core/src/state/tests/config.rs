//! Configuration changes while running: objects added, updated and removed in the live state,
//! the events they emit (and in which order), refusals that change nothing, and the changes
//! between two datasets.

use super::script::*;
use crate::dataset::{
    ChangeKind, ConfigChange, ConfigError, ConfigKey, ConfigObject, Dataset, QueueMemberConfig,
};
use crate::event::{Event, MembershipChange};
use crate::ids::{AgentId, LineId, QueueId, UserId};
use crate::live::Availability;
use crate::pbx::{PbxAction, PbxEvent};

fn object<T: serde::de::DeserializeOwned>(toml_text: &str) -> T {
    toml::from_str(toml_text).expect("valid object")
}

/// Gina with line 7 (1007) and agent 5 (2005).
fn gina() -> Vec<ConfigChange> {
    vec![
        ConfigChange::Added(ConfigObject::Line(object("id = 7\nnumber = \"1007\"\n"))),
        ConfigChange::Added(ConfigObject::User(object(
            "id = 7\nlogin = \"gina\"\nfirstname = \"Gina\"\nline = 7\nprofile = 2\n",
        ))),
        ConfigChange::Added(ConfigObject::Agent(object(
            "id = 5\nnumber = \"2005\"\nuser = 7\n",
        ))),
    ]
}

fn apply(
    w: &mut World,
    changes: Vec<ConfigChange>,
) -> (Result<(), ConfigError>, Vec<PbxAction>, Vec<Event>) {
    let mut actions = Vec::new();
    let mut events = Vec::new();
    let result = w
        .state
        .apply_config(w.now, changes, &mut actions, &mut events);
    (
        result,
        actions.into_iter().map(|r| r.action).collect(),
        events,
    )
}

fn config_events(events: &[Event]) -> Vec<(ConfigKey, ChangeKind)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Config { key, change, .. } => Some((*key, *change)),
            _ => None,
        })
        .collect()
}

#[test]
fn added_objects_are_live_at_once_and_announced_in_order() {
    let mut w = World::demo();
    let mut changes = gina();
    changes.push(ConfigChange::Added(ConfigObject::Queue(object(
        "id = 3\nname = \"vip\"\nnumber = \"3003\"\nmembers = [{ agent = 1 }]\n",
    ))));
    changes.push(ConfigChange::Added(ConfigObject::QueueMember {
        queue: QueueId(3),
        member: QueueMemberConfig {
            agent: AgentId(5),
            penalty: 2,
        },
    }));
    let (result, actions, events) = apply(&mut w, changes.clone());
    result.expect("valid changes");
    assert_eq!(
        config_events(&events),
        changes
            .iter()
            .map(|c| (c.key(), c.kind()))
            .collect::<Vec<_>>()
    );
    // The memberships the changes bring come after the changes, from the refresh pass.
    let first_member = events
        .iter()
        .position(|e| matches!(e, Event::QueueMember { .. }))
        .expect("new memberships announced");
    assert!(
        first_member
            > events
                .iter()
                .rposition(|e| matches!(e, Event::Config { .. }))
                .unwrap()
    );
    let added: Vec<Vec<AgentId>> = events
        .iter()
        .filter_map(|e| match e {
            Event::QueueMember {
                change: MembershipChange::Added { members },
                ..
            } => Some(members.to_vec()),
            _ => None,
        })
        .collect();
    assert_eq!(
        added.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![1, 2],
        "both memberships of the new queue are new, announced one by one: {added:?}"
    );
    assert_eq!(added[1], vec![AgentId(1), AgentId(5)]);
    assert!(
        events.iter().any(|e| matches!(e,
            Event::AgentStatus { status, previous: None } if status.agent == AgentId(5))),
        "a new agent's first status has no previous one"
    );
    assert_eq!(actions, vec![PbxAction::ConfigChanged { changes }]);
    let ds = w.state.dataset().clone();
    assert_eq!(ds.version(), 1);
    assert_eq!(ds.user_by_login("gina").map(|u| u.id), Some(UserId(7)));
    assert_eq!(
        w.state.user_presence(UserId(7)).unwrap().status,
        "disconnected"
    );
    assert_eq!(w.state.line_registered(LineId(7)), Some(false));
    assert_eq!(w.agent(5).queues, vec![QueueId(3)]);
    assert_eq!(w.agent(1).queues, vec![QueueId(1), QueueId(3)]);
    assert_eq!(
        w.state
            .queue_member(QueueId(3), AgentId(5))
            .unwrap()
            .penalty,
        2
    );
    // The new line registers and the new agent logs in on it: the new queue counts it.
    w.one(PbxEvent::LineRegistration {
        line: LineId(7),
        registered: true,
    });
    assert_eq!(w.hint(7), 0);
    w.login(5, 7);
    assert_eq!(w.availability(5), Availability::Available);
    assert_eq!(w.state.queue_stats(QueueId(3), w.now).logged_agents, 1);
}

#[test]
fn a_removed_agent_leaves_its_queues_before_the_removal_is_announced() {
    let mut w = World::demo();
    w.login(1, 3);
    assert_eq!(w.state.queue_stats(QueueId(1), w.now).logged_agents, 1);
    let changes = vec![
        ConfigChange::Removed(ConfigKey::QueueMember(QueueId(1), AgentId(1))),
        ConfigChange::Removed(ConfigKey::Agent(AgentId(1))),
    ];
    let (result, _, events) = apply(&mut w, changes);
    result.expect("valid changes");
    let removed = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::QueueMemberRemoved {
                    queue: QueueId(1),
                    agent: AgentId(1),
                    ..
                }
            )
        })
        .expect("membership removal");
    let announced = events
        .iter()
        .position(|e| matches!(e, Event::Config { .. }))
        .unwrap();
    assert!(removed < announced, "{events:?}");
    assert!(w.state.agent_status(AgentId(1)).is_none());
    assert!(w.state.queue_member(QueueId(1), AgentId(1)).is_none());
    assert_eq!(w.state.queue_stats(QueueId(1), w.now).logged_agents, 0);
    assert_eq!(w.state.agent_on_line(LineId(3)), None);
}

#[test]
fn a_change_that_would_make_the_dataset_invalid_changes_nothing() {
    let mut w = World::demo();
    let cases = [
        // Bob still refers to line 2.
        (
            vec![ConfigChange::Removed(ConfigKey::Line(LineId(2)))],
            "user bob refers to unknown line 2",
        ),
        // Agent 1 is still a member of sales.
        (
            vec![ConfigChange::Removed(ConfigKey::Agent(AgentId(1)))],
            "queue sales: member agent 1 is unknown or listed twice",
        ),
        // 1001 is alice's.
        (
            vec![ConfigChange::Added(ConfigObject::Line(object(
                "id = 9\nnumber = \"1001\"\n",
            )))],
            "extension number \"1001\" is empty or used twice",
        ),
    ];
    for (changes, reason) in cases {
        let (result, actions, events) = apply(&mut w, changes);
        assert_eq!(result, Err(ConfigError::Invalid(reason.to_owned())));
        assert!(actions.is_empty() && events.is_empty());
    }
    let (result, _, _) = apply(&mut w, gina()[..1].to_vec());
    result.unwrap();
    let (result, _, events) = apply(&mut w, gina()[..1].to_vec());
    assert_eq!(
        result,
        Err(ConfigError::AlreadyExists(ConfigKey::Line(LineId(7))))
    );
    assert!(events.is_empty());
    let (result, _, _) = apply(
        &mut w,
        vec![ConfigChange::Removed(ConfigKey::User(UserId(99)))],
    );
    assert_eq!(
        result,
        Err(ConfigError::Unknown(ConfigKey::User(UserId(99))))
    );
    assert_eq!(w.state.dataset().version(), 1);
    assert_eq!(w.state.line_registered(LineId(2)), Some(true));
}

#[test]
fn a_removed_user_frees_its_line() {
    let mut w = World::demo();
    let (result, _, events) = apply(
        &mut w,
        vec![
            ConfigChange::Removed(ConfigKey::QueueMember(QueueId(1), AgentId(1))),
            ConfigChange::Removed(ConfigKey::Agent(AgentId(1))),
            ConfigChange::Removed(ConfigKey::User(UserId(3))),
        ],
    );
    result.expect("valid changes");
    assert!(config_events(&events).contains(&(ConfigKey::User(UserId(3)), ChangeKind::Removed)));
    assert!(w.state.user_presence(UserId(3)).is_none());
    assert!(w.state.dataset().user_of_line(LineId(3)).is_none());
    // The line lives on, ownerless.
    assert_eq!(w.hint(3), 0);
}

#[test]
fn the_changes_between_two_datasets_rebuild_the_second() {
    let old = Dataset::demo();
    let text = Dataset::demo_toml()
        .replace("firstname = \"Bob\"", "firstname = \"Robert\"")
        .replace("name = \"standup\"", "name = \"daily\"");
    let mut next = Dataset::from_toml_str(&text).unwrap();
    next = next
        .with_changes(&[
            ConfigChange::Removed(ConfigKey::QueueMember(QueueId(2), AgentId(4))),
            ConfigChange::Added(ConfigObject::QueueMember {
                queue: QueueId(1),
                member: QueueMemberConfig {
                    agent: AgentId(4),
                    penalty: 1,
                },
            }),
        ])
        .unwrap()
        .with_changes(&gina())
        .unwrap();
    let diff = old.changes_to(&next);
    assert!(diff.fixed.is_empty());
    let keys: Vec<_> = diff.changes.iter().map(|c| (c.key(), c.kind())).collect();
    assert_eq!(
        keys,
        vec![
            (
                ConfigKey::QueueMember(QueueId(2), AgentId(4)),
                ChangeKind::Removed
            ),
            (
                ConfigKey::QueueMember(QueueId(1), AgentId(4)),
                ChangeKind::Added
            ),
            (ConfigKey::Agent(AgentId(5)), ChangeKind::Added),
            (ConfigKey::User(UserId(2)), ChangeKind::Updated),
            (ConfigKey::User(UserId(7)), ChangeKind::Added),
            (ConfigKey::Line(LineId(7)), ChangeKind::Added),
            (ConfigKey::Room(crate::ids::RoomId(1)), ChangeKind::Updated),
        ]
    );
    let rebuilt = old.with_changes(&diff.changes).unwrap();
    assert!(rebuilt.changes_to(&next).changes.is_empty());
}
